"""Clumsy input gets a located Swedish message, never a traceback (issue 11, findings 6-9).

Covers the traceback sites listed in the issue, the isolation of one package's failure from
the others (``build`` and ``check``), verified cache entries, empty rows, duplicate YAML keys,
unbalanced raw HTML, the preview server's Host check and idle timeout, escaping in
``diff --markdown`` and warnings for hidden rows and merged cells.
"""

from __future__ import annotations

import os
import re
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from .hardening_support import (
    CHARTS_YAML,
    SECTION,
    TABLES_YAML,
    append,
    assert_located_error,
    assert_no_traceback,
    replace_in,
    run_cli,
    run_cli_capped,
    small_package,
    snapshot,
)
from .review_fixtures import PACKAGE_ID


@pytest.fixture
def pkg(tmp_path: Path, monkeypatch) -> tuple[Path, Path]:
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", "0")
    root = tmp_path / "repo"
    return root, small_package(root)


def build(capsys, root: Path, *extra: str) -> tuple[int, str]:
    return run_cli(capsys, "build", "--root", str(root), "--format", "docx,html", "-q", *extra)


def _with_tables(package: Path, chart_extra: str = "") -> None:
    (package / "tabeller.yaml").write_text(TABLES_YAML, encoding="utf-8")
    (package / "diagram.yaml").write_text(CHARTS_YAML + chart_extra, encoding="utf-8")
    append(package / SECTION, "\n{{ tabell('drift') }}\n\n{{ diagram('drift_stapel') }}\n")


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, text in enumerate(lines, 1) if needle in text)


# -- 6. tracebacks: each site of the list ---------------------------------------------
def case_invalid_date(root, package):
    replace_in(package / "report.yaml", "datum: 2023-01-26", "datum: 2023-02-30")
    return ["report.yaml", f"rad {_line_of(package / 'report.yaml', '2023-02-30')}"]


def case_control_character_yaml(root, package):
    replace_in(package / "report.yaml", "kommun: Testkommun", "kommun: Test\x07kommun")
    return ["report.yaml", "rad 1"]


def case_control_character_section(root, package):
    append(package / SECTION, "Text med ett \x01 styrtecken.\n")
    return [SECTION, f"rad {_line_of(package / SECTION, 'styrtecken')}"]


def case_non_utf8_section(root, package):
    (package / SECTION).write_bytes("---\nrubrik: Ekonomi\n---\nNämnden\n".encode("latin-1"))
    return [SECTION, "UTF-8"]


def case_non_utf8_snippet(root, package):
    (package / "snippets").mkdir()
    (package / "snippets" / "x.md").write_bytes("Nämnden har 3 mnkr\n".encode("latin-1"))
    return ["snippets/x.md", "UTF-8"]


def case_non_utf8_structure(root, package):
    (package / "templates" / "strukturer").mkdir(parents=True)
    (package / "templates" / "strukturer" / "egen.yaml").write_bytes(
        "disposition:\n  - rubrik: Nämnden\n".encode("latin-1")
    )
    text = (package / "report.yaml").read_text(encoding="utf-8")
    start = text.index("    disposition:\n      - fil: rapport/01-inledning.md")
    (package / "report.yaml").write_text(text[:start] + "    mall: egen\n", encoding="utf-8")
    return ["egen.yaml", "UTF-8"]


def case_structure_not_a_mapping(root, package):
    (package / "templates" / "strukturer").mkdir(parents=True)
    (package / "templates" / "strukturer" / "egen.yaml").write_text("- a\n- b\n")
    text = (package / "report.yaml").read_text(encoding="utf-8")
    start = text.index("    disposition:\n      - fil: rapport/01-inledning.md")
    (package / "report.yaml").write_text(text[:start] + "    mall: egen\n", encoding="utf-8")
    return ["egen.yaml"]


def case_structure_invalid_entry(root, package):
    (package / "templates" / "strukturer").mkdir(parents=True)
    (package / "templates" / "strukturer" / "egen.yaml").write_text(
        "disposition:\n  - rubrik: A\n  - okänt: B\n"
    )
    text = (package / "report.yaml").read_text(encoding="utf-8")
    start = text.index("    disposition:\n      - fil: rapport/01-inledning.md")
    (package / "report.yaml").write_text(text[:start] + "    mall: egen\n", encoding="utf-8")
    return ["egen.yaml", "rad 3"]


def case_mnkr_decimals(root, package):
    append(package / SECTION, "{{ 1000000 | mnkr(decimaler=99, från='kr') }}\n")
    return [SECTION, f"rad {_line_of(package / SECTION, 'decimaler=99')}"]


def case_recursive_include(root, package):
    (package / "snippets").mkdir()
    (package / "snippets" / "a.md").write_text('{% include "snippets/a.md" %}\n')
    append(package / SECTION, '{% include "snippets/a.md" %}\n')
    return ["snippets/a.md"]


def case_recursive_macro(root, package):
    append(package / SECTION, "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}\n")
    return [SECTION]


def case_recursive_yaml_alias(root, package):
    replace_in(package / "report.yaml", "variabler:\n", "variabler:\n  slinga: &s [*s]\n")
    return ["report.yaml"]


def case_locale_placeholder(root, package):
    (package / "templates" / "locale").mkdir(parents=True)
    (package / "templates" / "locale" / "sv.yaml").write_text(
        'belopp_i: "Belopp i {0}"\n', encoding="utf-8"
    )
    _with_tables(package)
    return ["sv.yaml", "belopp_i"]


def case_chart_size_zero(root, package):
    _with_tables(package, "  storlek_cm: [0, -3]\n")
    return ["diagram.yaml", "storlek_cm"]


def case_infinite_number(root, package):
    append(package / SECTION, "{{ (1e308 * 10) | mnkr(från='kr') }}\n")
    return [SECTION]


def case_nan(root, package):
    append(package / SECTION, "{{ 'nan' | float | tkr(från='kr') }}\n")
    return [SECTION]


def case_lone_surrogate(root, package):
    append(package / SECTION, '{{ "\\udc80" }}\n')
    return [SECTION]


def case_front_matter_list(root, package):
    (package / SECTION).write_text("---\n- a\n- b\n---\nText\n", encoding="utf-8")
    return [SECTION]


def case_table_without_rows(root, package):
    (package / "data" / "granskning.xlsx").unlink()
    book = Workbook()
    book.active.title = "Drift nämnd"
    book.active.append(["Id", "Rad", "Budget", "Utfall"])
    book.save(package / "data" / "granskning.xlsx")
    _with_tables(package)
    return ["drift"]


def case_workbook_not_a_zip(root, package):
    (package / "data" / "granskning.xlsx").write_bytes(b"inte en arbetsbok")
    _with_tables(package)
    return ["granskning.xlsx"]


def case_sum_of_itself(root, package):
    book = Workbook()
    sheet = book.active
    sheet.title = "Drift nämnd"
    sheet.append(["Id", "Rad", "Typ", "Summerar", "Budget", "Utfall"])
    sheet.append(["a", "A", "summa", "a", 1, 2])
    book.save(package / "data" / "granskning.xlsx")
    _with_tables(package)
    return ["granskning.xlsx"]


TRACEBACK_CASES = {
    name.removeprefix("case_"): function
    for name, function in sorted(globals().items())
    if name.startswith("case_")
}


@pytest.mark.parametrize("case", sorted(TRACEBACK_CASES))
@pytest.mark.parametrize("command", ["build", "check"])
def test_no_traceback(pkg, capsys, case, command):
    root, package = pkg
    expected = TRACEBACK_CASES[case](root, package)
    formats = ["--format", "docx,html"] if command == "build" else ["--bygg-format", "docx,html"]
    code, output = run_cli(capsys, command, "--root", str(root), *formats)
    assert code == 1, output
    if command == "build":
        assert_located_error(output, *expected)
    else:
        assert_no_traceback(output)
        for needle in expected:
            assert needle in output, output


def test_hand_written_section_marker(pkg, capsys):
    """The toolkit's own section marker written by hand, with a level that is no number."""
    root, package = pkg
    append(package / SECTION, '\n::: {.kr-section data-level="x"}\nText\n:::\n')
    code, output = build(capsys, root)
    assert_no_traceback(output)
    assert code == 0, output


def test_source_date_epoch_out_of_range(pkg, capsys, monkeypatch):
    root, _package = pkg
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "99999999999999")
    code, output = build(capsys, root)
    assert code == 1
    assert_located_error(output, "SOURCE_DATE_EPOCH")


@pytest.mark.parametrize("port", ["70000", "-1"])
def test_serve_port_out_of_range(pkg, capsys, port):
    root, _package = pkg
    with pytest.raises(SystemExit) as stopped:
        run_cli(capsys, "serve", PACKAGE_ID, "--root", str(root), "--port", port)
    assert stopped.value.code == 2  # argparse: a usage error, in Swedish
    output = capsys.readouterr().err
    assert "Traceback" not in output and "port" in output


def test_new_with_year_out_of_range(tmp_path: Path, capsys):
    arguments = ["new", "x-2023", "--root", str(tmp_path), "--typ", "delårsrapport"]
    arguments += ["--kommun", "K", "--nämnd", "N", "--år", "99999"]
    with pytest.raises(SystemExit) as stopped:
        run_cli(capsys, *arguments)
    assert stopped.value.code == 2  # argparse: a usage error, in Swedish
    output = capsys.readouterr().err
    assert "Traceback" not in output and "99999" in output


def test_reference_document_into_a_missing_folder(tmp_path: Path, capsys):
    code, output = run_cli(capsys, "referensdokument", str(tmp_path / "finns" / "inte" / "x.docx"))
    assert code == 1
    assert_located_error(output, "x.docx")


def test_xlsx_text_of_a_bomb(tmp_path: Path):
    """The git textconv driver reads with the same bounds as the build."""
    from .test_resource_limits import _zip_bomb_sheet

    book = tmp_path / "bok.xlsx"
    wb = Workbook()
    wb.active.append(["Id", "Rad"])
    wb.save(book)
    _zip_bomb_sheet(book, 720_000)
    code, output = run_cli_capped(tmp_path, "xlsx-text", str(book))
    assert code == 1
    assert_located_error(output, "bok.xlsx")


# -- 6. one package's failure stays its own --------------------------------------------------
FAKE_PANDOC = """\
#!{python}
# pandoc, except that a document holding KRASCHA-INTERNT is read as garbage (a stand-in for any
# bug): the build's long-lived `pandoc lua` engine is proxied request by request.
import json, subprocess, sys
real = {real!r}
if "lua" not in sys.argv:
    sys.exit(subprocess.run([real, *sys.argv[1:]]).returncode)
server = subprocess.Popen([real, *sys.argv[1:]], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
for line in sys.stdin.buffer:
    request = json.loads(line)
    if "read" in request and b"KRASCHA-INTERNT" in open(request["read"], "rb").read():
        with open(request["out"], "w") as out:
            out.write("detta är inte json")
        answer = b"ok\\n"
    else:
        server.stdin.write(line)
        server.stdin.flush()
        answer = server.stdout.readline()
    sys.stdout.buffer.write(answer)
    sys.stdout.flush()
"""


@pytest.fixture
def two_packages(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A healthy package and one that hits an internal error (pandoc answers garbage for it,
    a stand-in for any bug in the toolkit)."""
    import pypandoc

    root = tmp_path / "repo"
    small_package(root, "a-trasig-2022")
    small_package(root, "b-frisk-2022")
    append(root / "content" / "a-trasig-2022" / SECTION, "\nKRASCHA-INTERNT\n")
    fake = tmp_path / "pandoc"
    fake.write_text(
        FAKE_PANDOC.format(python=sys.executable, real=pypandoc.get_pandoc_path()),
        encoding="utf-8",
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    return root, {"PYPANDOC_PANDOC": str(fake)}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_internal_error_stays_in_its_package(two_packages, jobs):
    root, env = two_packages
    code, output = run_cli_capped(root, "build", "--format", "html", "-j", jobs, env=env)
    assert code == 1
    assert "Traceback" not in output
    assert "internt fel" in output
    assert "a-trasig-2022" in output and "Åtgärd:" in output
    assert (root / "output" / "b-frisk-2022" / "rapport.html").is_file()
    assert not (root / "output" / "a-trasig-2022").exists()


def test_check_reports_every_package_despite_an_internal_error(two_packages):
    root, env = two_packages
    append(root / "content" / "b-frisk-2022" / SECTION, "\n{{ okänt_namn }}\n")
    code, output = run_cli_capped(root, "check", "--bygg-format", "html", env=env)
    assert code == 1
    assert "Traceback" not in output
    assert "internt fel" in output and "a-trasig-2022" in output
    assert "okänt_namn" in output and "b-frisk-2022" in output


def test_build_continues_after_a_located_error(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", "0")
    root = tmp_path / "repo"
    small_package(root, "a-trasig-2022")
    small_package(root, "b-frisk-2022")
    (root / "content" / "a-trasig-2022" / SECTION).write_bytes(b"\xff\xfe trasig")
    code, output = run_cli(capsys, "build", "--root", str(root), "--format", "html", "-j", "1")
    assert code == 1
    assert_no_traceback(output)
    assert (root / "output" / "b-frisk-2022" / "rapport.html").is_file()
    code, output = run_cli(capsys, "check", "--root", str(root), "--bygg-format", "html")
    assert code == 1
    assert_no_traceback(output)
    assert "a-trasig-2022" in output and "2 paket kontrollerade" in output


# -- 7. cache entries are verified before reuse -----------------------------------------------
def test_damaged_cache_entries_are_not_reused(tmp_path: Path, capsys, monkeypatch):
    root = tmp_path / "repo"
    package = small_package(root)
    _with_tables(package)
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", "0")
    code, output = build(capsys, root, "--output", str(tmp_path / "reference"))
    assert code == 0, output
    reference = snapshot(tmp_path / "reference" / PACKAGE_ID)
    cache = tmp_path / "cache"
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", str(cache))
    code, output = build(capsys, root)
    assert code == 0, output
    planted = [p for p in cache.rglob("*") if p.is_file()]
    assert planted, "bygget sparade inget i cachen"
    for path in planted:
        data = path.read_bytes()
        path.write_bytes(
            data[: len(data) // 2] + b"TRASIG" + bytes(reversed(data[len(data) // 2 :]))
        )
    code, output = build(capsys, root, "--force")
    assert code == 0, output
    assert_no_traceback(output)
    after = snapshot(root / "output" / PACKAGE_ID)
    assert {k: v for k, v in after.items() if not k.startswith(".")} == {
        k: v for k, v in reference.items() if not k.startswith(".")
    }


# -- 8. empty rows are skipped -----------------------------------------------------------------
@pytest.mark.parametrize("kind", ["blank", "formatted", "trailing-formatted"])
def test_empty_rows_in_a_workbook_without_formulas(pkg, capsys, kind):
    root, package = pkg
    book = Workbook()
    sheet = book.active
    sheet.title = "Drift nämnd"
    sheet.append(["Id", "Rad", "Budget", "Utfall"])
    sheet.append(["klk", "Kommunledningskontoret", -120500, -118250])
    if kind != "trailing-formatted":
        sheet.append([])
        if kind == "formatted":
            for column in "ABCD":
                sheet[f"{column}3"].font = Font(bold=True)
    sheet.append(["rtj", "Räddningstjänst", -60000, -62345])
    if kind == "trailing-formatted":
        for row in range(4, 40):
            sheet[f"A{row}"].font = Font(italic=True)
    book.save(package / "data" / "granskning.xlsx")
    (package / "tabeller.yaml").write_text(TABLES_YAML, encoding="utf-8")
    append(package / SECTION, "\n{{ tabell('drift') }}\n")
    code, output = build(capsys, root)
    assert code == 0, output
    soup = BeautifulSoup(
        (root / "output" / PACKAGE_ID / "rapport.html").read_text(encoding="utf-8"), "html.parser"
    )
    table = soup.find("table")
    labels = [
        tr.find(["th", "td"]).get_text(strip=True) for tr in table.find("tbody").find_all("tr")
    ]
    assert labels[:2] == ["Kommunledningskontoret", "Räddningstjänst"]
    assert "" not in labels


# -- 9. smaller items ----------------------------------------------------------------------------
def test_duplicate_yaml_keys_name_both_lines(pkg, capsys):
    root, package = pkg
    replace_in(package / "report.yaml", "kommun: Testkommun", "kommun: Testkommun\nkommun: Annan")
    code, output = build(capsys, root)
    assert code == 1
    assert_located_error(output, "report.yaml", "kommun", "rad 1", "rad 2")


@pytest.mark.parametrize("where", ["tabeller.yaml", "front matter"])
def test_duplicate_keys_elsewhere(pkg, capsys, where):
    root, package = pkg
    if where == "tabeller.yaml":
        (package / "tabeller.yaml").write_text(TABLES_YAML + TABLES_YAML, encoding="utf-8")
        shown = "tabeller.yaml"
    else:
        (package / SECTION).write_text(
            "---\nrubrik: Ekonomi\nrubrik: Pengar\n---\nText.\n", encoding="utf-8"
        )
        shown = SECTION
    code, output = build(capsys, root)
    assert code == 1
    assert_located_error(output, shown)


@pytest.mark.parametrize("tag", ["details", "div"])
def test_unclosed_raw_html_is_an_error(pkg, capsys, tag):
    root, package = pkg
    section = package / "rapport" / "02-handelser.md"
    replace_in(section, "Tre nya", f"<{tag}>\n\nTre nya")
    code, output = build(capsys, root)
    assert code == 1
    assert_located_error(output, "rapport/02-handelser.md", f"<{tag}>")


def test_balanced_raw_html_still_builds_every_heading(pkg, capsys):
    root, package = pkg
    section = package / "rapport" / "02-handelser.md"
    replace_in(section, "Tre nya", "<details>\n\nTre nya")
    append(section, "\n</details>\n")
    code, output = build(capsys, root)
    assert code == 0, output
    soup = BeautifulSoup(
        (root / "output" / PACKAGE_ID / "rapport.html").read_text(encoding="utf-8"), "html.parser"
    )
    headings = [h.get_text(" ", strip=True) for h in soup.find("main").find_all(["h2", "h3"])]
    assert "2.2 Ekonomi" in headings


@pytest.fixture
def served(pkg):
    root, _package = pkg
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kommunrapport.cli",
            "serve",
            PACKAGE_ID,
            "--port",
            "0",
            "--root",
            str(root),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    url = None
    deadline = time.monotonic() + 60
    while url is None and time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        url = found.group(0) if found else None
    try:
        assert url, "servern startade inte"
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def _status(url: str, host: str) -> int:
    request = urllib.request.Request(url + "rapport.html", headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_serve_checks_the_host_header(served):
    port = served.rsplit(":", 1)[1].strip("/")
    assert _status(served, f"127.0.0.1:{port}") == 200
    assert _status(served, f"localhost:{port}") == 200
    assert _status(served, f"evil.example:{port}") in (400, 403, 421)
    assert _status(served, "evil.example") in (400, 403, 421)


def test_serve_closes_idle_connections(served):
    port = int(served.rsplit(":", 1)[1].strip("/"))
    with socket.create_connection(("127.0.0.1", port)) as idle:
        idle.settimeout(60)
        started = time.monotonic()
        assert idle.recv(10) == b""  # the server hangs up
        assert time.monotonic() - started < 60


def test_serve_warns_when_bound_to_every_address(pkg):
    root, _package = pkg
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kommunrapport.cli",
            "serve",
            PACKAGE_ID,
            "--port",
            "0",
            "--host",
            "0.0.0.0",
            "--root",
            str(root),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            lines.append(line)
            if "http://" in line or (not line and process.poll() is not None):
                break
        text = "".join(lines)
        assert "VARNING" in text and "andra datorer" in text, text
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def test_diff_markdown_escapes_cell_text(tmp_path: Path, capsys):
    root = tmp_path / "repo"
    package = small_package(root)
    for args in (["init", "-q"], ["config", "user.name", "T"], ["config", "user.email", "t@e"]):
        subprocess.run(["git", "-C", str(root), *args], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(root), "commit", "-qm", "x"], check=True)
    book = load_workbook(package / "data" / "granskning.xlsx")
    book["Drift nämnd"]["B2"] = (
        "Kommun | ledning <img src=x onerror=alert(1)> @everyone [klick](https://evil.example) "
        "`kod` <!-- dold --> **fet**\n# rubrik"
    )
    book.save(package / "data" / "granskning.xlsx")
    _code, output = run_cli(capsys, "diff", "HEAD", "--root", str(root), "--markdown")
    assert_no_traceback(output)
    table_lines = [line for line in output.splitlines() if line.startswith("| ")]
    changed = next(line for line in table_lines if "ledning" in line)
    assert "<img" not in changed and "<!--" not in changed
    assert "](https://" not in changed
    assert "@everyone" not in changed
    assert "\n# rubrik" not in output
    assert changed.count(" | ") == 4  # the cell's own '|' does not open a column


def test_hidden_rows_and_merged_cells_are_reported(pkg, capsys):
    root, package = pkg
    book = load_workbook(package / "data" / "granskning.xlsx")
    sheet = book["Drift nämnd"]
    sheet.row_dimensions[3].hidden = True
    sheet.merge_cells("C2:D2")
    book.save(package / "data" / "granskning.xlsx")
    (package / "tabeller.yaml").write_text(TABLES_YAML, encoding="utf-8")
    append(package / SECTION, "\n{{ tabell('drift') }}\n")
    _code, output = build(capsys, root)
    assert_no_traceback(output)
    assert "dold" in output and "rad 3" in output
    assert "sammanfogade" in output and "C2:D2" in output

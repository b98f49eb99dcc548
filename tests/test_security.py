"""A package is data, never code: nothing in it runs code or reads outside its folder.

The three high findings of issue 11, with the exact payloads from the issue: a page template
that calls ``os.popen``, symlinks that pull ``/etc/passwd``, a secret file and
``/proc/self/environ`` into the outputs, and ``mall: ../../x.yaml``. Each test asserts that no
code ran (a marker file is not created), that no outside content appears in any output or
message, and that the earlier outputs are untouched.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from kommunrapport.project.paths import builtin_templates_dir

from .hardening_support import (
    BUILTIN_TEMPLATES,
    SECRET,
    SECTION,
    all_output_text,
    append,
    assert_located_error,
    assert_no_traceback,
    copy_built,
    replace_in,
    run_cli,
    run_cli_in_fixture,
    small_package,
    snapshot,
    workbook_bytes,
)
from .review_fixtures import PACKAGE_ID

PAYLOAD = "{{ cycler.__init__.__globals__.os.popen('id').read() }}"  # exact, from the issue


def marker_payload(marker: Path) -> str:
    return f"{{{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}}}"


def evil_page_template(folder: Path, marker: Path) -> Path:
    """The built-in page template with both payloads right after ``<body>``."""
    target = folder / "html" / "sida.html.j2"
    target.parent.mkdir(parents=True, exist_ok=True)
    page = (BUILTIN_TEMPLATES / "html" / "sida.html.j2").read_text(encoding="utf-8")
    assert "<body>" in page
    page = page.replace("<body>", f"<body>{PAYLOAD}{marker_payload(marker)}", 1)
    target.write_text(page, encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def small_package_built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small package built once for the module (docx, html), with its own cache folder."""
    base = tmp_path_factory.mktemp("security-built")
    root = base / "repo"
    small_package(root)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KOMMUNRAPPORT_CACHE", str(base / "cache"))
        code, output = run_cli_in_fixture(
            "build", "--root", str(root), "--format", "docx,html", "-q"
        )
    assert code == 0, output
    return base


@pytest.fixture
def built_package(small_package_built_once: Path, tmp_path: Path, monkeypatch):
    """A small package built once (docx, html) with its cache folder, copied into this test's
    folder: (root, package, outputs before the attack)."""
    copy_built(small_package_built_once, tmp_path)
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", str(tmp_path / "cache"))
    root = tmp_path / "repo"
    return root, root / "content" / PACKAGE_ID, snapshot(root / "output")


def build(capsys, root: Path) -> tuple[int, str]:
    return run_cli(capsys, "build", "--root", str(root), "--format", "docx,html", "-q")


# -- 1. code execution through a package template -------------------------------------------
@pytest.mark.parametrize("where", ["package", "repository"])
@pytest.mark.parametrize("command", ["build", "check"])
def test_page_template_payload_runs_no_code(built_package, capsys, tmp_path, where, command):
    root, package, before = built_package
    marker = tmp_path / "MARKER"
    folder = package / "templates" if where == "package" else root / "templates"
    template = evil_page_template(folder, marker)
    code, output = run_cli(capsys, command, "--root", str(root))
    assert not marker.exists(), "mallen körde ett kommando"
    assert "uid=" not in output and "uid=" not in all_output_text(root)
    assert code == 1
    shown = str(template.relative_to(root))
    assert shown in output, output
    assert_no_traceback(output)
    assert snapshot(root / "output") == before


def test_page_template_payload_in_serve(tmp_path: Path):
    """The preview server renders the same page template: no code there either."""
    root = tmp_path / "repo"
    package = small_package(root)
    marker = tmp_path / "MARKER"
    evil_page_template(package / "templates", marker)
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
        env={**os.environ, "PYTHONUNBUFFERED": "1", "KOMMUNRAPPORT_CACHE": "0"},
    )
    try:
        url = None
        deadline = time.monotonic() + 60
        lines = []
        while url is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                break
            lines.append(line)
            found = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
            url = found.group(1) if found else None
        assert url, "".join(lines)
        try:
            with urllib.request.urlopen(url + "rapport.html", timeout=20) as response:
                page = response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            page = error.read().decode("utf-8")
        assert "uid=" not in page
        assert "sida.html.j2" in page  # the error page names the template
        assert not marker.exists()
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


@pytest.mark.parametrize(
    "kind",
    ["block", "cover", "structure_title", "locale_label", "variable", "table_caption"],
)
def test_no_package_template_of_any_kind_runs_code(built_package, capsys, tmp_path, kind):
    """Block templates, the cover, a structure's titles, locale labels, variables and table
    captions: all are package data, none of them runs code."""
    root, package, before = built_package
    marker = tmp_path / "MARKER"
    evil = marker_payload(marker)
    templates = package / "templates"
    if kind == "block":
        (templates / "block").mkdir(parents=True)
        (templates / "block" / "egen.md.j2").write_text(f"Text {evil}\n", encoding="utf-8")
        replace_in(
            package / "report.yaml",
            "          - fil: rapport/03-ekonomi.md\n",
            "          - fil: rapport/03-ekonomi.md\n"
            "          - rubrik: Eget\n            block: egen\n",
        )
    elif kind == "cover":
        (templates / "dokument" / "rapport").mkdir(parents=True)
        (templates / "dokument" / "rapport" / "omslag.md.j2").write_text(
            f"# Omslag {evil}\n", encoding="utf-8"
        )
    elif kind == "structure_title":
        (templates / "strukturer").mkdir(parents=True)
        (templates / "strukturer" / "egen.yaml").write_text(
            f'disposition:\n  - rubrik: "Rubrik {evil}"\n', encoding="utf-8"
        )
        text = (package / "report.yaml").read_text(encoding="utf-8")
        start = text.index("    disposition:\n      - fil: rapport/01-inledning.md")
        (package / "report.yaml").write_text(text[:start] + "    mall: egen\n", encoding="utf-8")
    elif kind == "locale_label":
        (templates / "locale").mkdir(parents=True)
        (templates / "locale" / "sv.yaml").write_text(
            f'bilaga: "Bilaga {evil}"\nbeslut_i: "{{instans.__class__.__mro__}}"\n',
            encoding="utf-8",
        )
        replace_in(
            package / "report.yaml", "datum: 2023-01-26", "datum: 2023-01-26\nbeslutsinstans: KF"
        )
    elif kind == "variable":
        replace_in(
            package / "report.yaml", "  forvaltning_kort: KLK", f'  forvaltning_kort: "{evil}"'
        )
    elif kind == "table_caption":
        (package / "data" / "granskning.xlsx").write_bytes(
            workbook_bytes([["Id", "Rad", "Budget"], ["a", "A", 1]])
        )
        (package / "tabeller.yaml").write_text(
            "t:\n  blad: granskning.xlsx/Drift nämnd\n"
            f'  rubrik: "Tabell {evil}"\n  kolumner:\n    - kolumn: Budget\n',
            encoding="utf-8",
        )
        append(package / SECTION, "\n{{ tabell('t') }}\n")
    code, output = build(capsys, root)
    assert not marker.exists(), "en mall i paketet körde ett kommando"
    assert "<class" not in all_output_text(root) + output
    assert code == 1, output
    assert_located_error(output)
    assert snapshot(root / "output") == before


# Measured: this Typst template makes typst allocate 2.1 GB and abort the whole build process.
TYPST_BOMB = "#let x = range(200000000)\n#let rapport(body, ..args) = body\n"


@pytest.mark.parametrize("where", ["package", "repository"])
@pytest.mark.parametrize("command", ["build", "check"])
def test_a_typst_template_from_the_package_is_refused(built_package, capsys, where, command):
    """A Typst file is a program: a package (or its repository) may not bring one. The error
    names the file, and nothing is built, whatever the formats asked for."""
    root, package, before = built_package
    folder = package / "templates" if where == "package" else root / "templates"
    template = folder / "typst" / "rapport.typ"
    template.parent.mkdir(parents=True)
    template.write_text(TYPST_BOMB, encoding="utf-8")
    code, output = run_cli(capsys, command, "--root", str(root))
    assert code == 1, output
    assert_no_traceback(output)
    assert str(template.relative_to(root)) in output, output
    assert "Typst-mall" in output and "reference.docx" in output, output
    assert snapshot(root / "output") == before


def test_any_typst_file_under_templates_typst_is_refused(built_package, capsys):
    """Not only rapport.typ: any .typ under templates/typst/, also a link with such a name."""
    root, package, before = built_package
    nested = package / "templates" / "typst" / "delar"
    nested.mkdir(parents=True)
    (nested / "tabell.TYP").write_text("#let x = 1\n", encoding="utf-8")
    code, output = build(capsys, root)
    assert code == 1, output
    assert "templates/typst/delar/tabell.TYP" in output, output
    assert snapshot(root / "output") == before


@pytest.mark.parametrize("name", ["rapport.typ", "MAIN.typ", "fakta.typ"])
def test_an_image_cannot_take_the_place_of_the_typst_template(built_package, capsys, name):
    """The PDF's compile folder holds the toolkit's template, the document's facts and body,
    and the document's images under their paths in the package: an "image" at the package's
    root named like one of the first three would replace it (a package bringing Typst code).
    The build refuses it, naming the section and the file, and writes nothing."""
    root, package, before = built_package
    (package / name).write_text(TYPST_BOMB, encoding="utf-8")
    append(package / SECTION, f"\n![Diagram](../{name})\n")
    code, output = run_cli(capsys, "build", "--root", str(root), "--format", "pdf")
    assert code == 1, output
    assert_no_traceback(output)
    assert f"PDF-mallens filer ({name})" in output and SECTION in output, output
    assert snapshot(root / "output") == before


@pytest.mark.parametrize("where", ["package", "repository"])
def test_a_copy_of_the_toolkits_own_typst_template_builds(built_package, capsys, where):
    """The toolkit's source checkout is a report repository whose templates/ is what the
    wheel ships: after ``pip install .`` (the README's first command) its rapport.typ is a
    copy of the toolkit's own, not a package's program. One changed byte is refused."""
    root, package, _before = built_package
    folder = package / "templates" if where == "package" else root / "templates"
    template = folder / "typst" / "rapport.typ"
    template.parent.mkdir(parents=True)
    shipped = (builtin_templates_dir() / "typst" / "rapport.typ").read_bytes()
    template.write_bytes(shipped)
    code, output = run_cli(capsys, "build", "--root", str(root), "--format", "pdf", "-q")
    assert code == 0, output
    assert any((root / "output").rglob("*.pdf")), output
    template.write_bytes(shipped + b"\n")
    code, output = run_cli(capsys, "build", "--root", str(root), "--format", "pdf", "-q")
    assert code == 1, output
    assert str(template.relative_to(root)) in output, output


def test_a_copy_of_the_toolkits_own_page_template_renders_as_the_toolkits(
    tmp_path, capsys, monkeypatch
):
    """After ``pip install .`` the source checkout's templates/html/sida.html.j2 is a copy of
    the installed one: the page is the same, byte for byte, as without the copy (it used to
    go through the package-template sanitiser, which changed its whitespace). One changed
    byte makes it a package's template again."""
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", "0")
    root = tmp_path / "repo"
    small_package(root)
    page = root / "output" / PACKAGE_ID / "rapport.html"
    code, output = run_cli(capsys, "build", "--root", str(root), "--format", "html", "-q")
    assert code == 0, output
    without_copy = page.read_bytes()
    copy = root / "templates" / "html" / "sida.html.j2"
    copy.parent.mkdir(parents=True)
    shipped = (BUILTIN_TEMPLATES / "html" / "sida.html.j2").read_bytes()
    copy.write_bytes(shipped)
    code, output = run_cli(capsys, "build", "--root", str(root), "--format", "html", "-q")
    assert code == 0, output
    assert page.read_bytes() == without_copy
    copy.write_bytes(shipped.replace(b"<body>", b"<body>\n<!-- egen -->", 1))
    code, output = run_cli(capsys, "build", "--root", str(root), "--format", "html", "-q")
    assert code == 0, output
    assert page.read_bytes() != without_copy  # a package's template: sanitised


def test_page_template_output_is_sanitised(tmp_path: Path, capsys, monkeypatch):
    """A package's page template and stylesheet cannot put script or active content in the
    page: its output goes through the same sanitising as section text."""
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", "0")
    root = tmp_path / "repo"
    package = small_package(root)
    target = package / "templates" / "html" / "sida.html.j2"
    target.parent.mkdir(parents=True)
    page = (BUILTIN_TEMPLATES / "html" / "sida.html.j2").read_text(encoding="utf-8")
    page = page.replace(
        "</head>",
        '<meta http-equiv="refresh" content="0;url=https://evil.example/">'
        '<base href="https://evil.example/"><script>alert("head")</script>'
        '<link rel="attachment" href="file:///etc/passwd"></head>',
        1,
    )
    page = page.replace(
        "<body>",
        '<body onload="alert(1)"><script>alert("body")</script>'
        '<iframe src="https://evil.example/"></iframe>'
        '<a href="javascript:alert(1)">klick</a><img src="x" onerror="alert(2)" alt="x">'
        '<form action="https://evil.example/"><input name="q"></form>'
        '<object data="x.swf"></object><svg><script>alert(3)</script></svg>'
        '<span data-kalla="Falsk.xlsx, cell A1">99 mnkr</span>',
        1,
    )
    target.write_text(page, encoding="utf-8")
    (target.parent / "stil.css").write_text(
        "body { color: black; }\n</style><script>alert('css')</script><style>\n",
        encoding="utf-8",
    )
    code, output = run_cli(capsys, "build", "--root", str(root), "--format", "html", "-q")
    assert_no_traceback(output)
    html_text = (root / "output" / PACKAGE_ID / "rapport.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html_text, "html.parser")
    for tag in ("script", "iframe", "object", "embed", "form", "input", "base", "svg"):
        assert soup.find(tag) is None, f"<{tag}> kom med i sidan"
    assert soup.find("meta", attrs={"http-equiv": True}) is None
    assert soup.find("link") is None
    for element in soup.find_all(True):
        assert not [a for a in element.attrs if a.lower().startswith("on")], element
        href = str(element.get("href", ""))
        assert not href.lower().startswith(("javascript:", "file:")), element
    for style in soup.find_all("style"):
        assert "<" not in style.get_text()  # the style sheet cannot close its element
        style.decompose()
    assert "alert(" not in str(soup)
    assert "Falsk.xlsx" not in html_text  # a figure's source comes from the build only
    assert code == 0, output
    assert soup.find("main") is not None  # the page itself is still there
    assert "Tre nya mötesplatser" in soup.get_text()


def test_a_forged_figure_source_is_removed(tmp_path: Path, capsys, monkeypatch):
    """data-kalla on the HTML page says which workbook cell a figure comes from. Only the
    toolkit writes it: a data-kalla (or kalla, which pandoc writes as data-kalla) typed in a
    section is removed with a warning, and the toolkit's own sources are still there."""
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", "0")
    root = tmp_path / "repo"
    package = small_package(root, tables=True)
    append(
        package / SECTION,
        '\nUtfallet blev {{ drift["klk"].utfall | tkr }}.\n\n'
        'Falskt [99 mnkr]{data-kalla="Falsk.xlsx, cell A1"}, [7 tkr]{kalla="Påhittad"} '
        'och [8 tkr]{DATA-KALLA="Versaler"}.\n\n# Rubrik {data-kalla="Rubrikkälla"}\n',
    )
    code, output = run_cli(capsys, "build", "--root", str(root), "--format", "html")
    assert code == 0, output
    assert "attributet 'data-kalla' togs bort" in output
    assert "attributet 'kalla' togs bort" in output
    page = (root / "output" / PACKAGE_ID / "rapport.html").read_text(encoding="utf-8")
    for forged in ("Falsk.xlsx", "Påhittad", "Versaler", "Rubrikkälla"):
        assert forged not in page, forged
    soup = BeautifulSoup(page, "html.parser")
    sources = {e["data-kalla"] for e in soup.select("[data-kalla]")}
    assert sources, "the toolkit's own sources are gone"
    assert all("granskning.xlsx, blad Drift nämnd, cell" in s for s in sources), sources
    figure = [e for e in soup.select("main span[data-kalla]") if e["data-kalla"].endswith("D2")]
    assert figure, "the figure in the sentence lost its source"
    assert not re.search(r"data-kalla-[0-9a-f]", page)  # the in-Markdown name never shows


# -- 2. reading outside the package through symlinks ---------------------------------------
@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "utanfor" / "hemlig.txt"
    path.parent.mkdir()
    path.write_text(f"{SECRET}\n", encoding="utf-8")
    return path


def assert_nothing_leaked(root: Path, output: str, *needles: str) -> None:
    everything = output + all_output_text(root)
    for needle in (SECRET, *needles):
        assert needle not in everything, f"{needle!r} läckte ut"


def test_symlinked_snippets_exact_payloads(built_package, capsys, secret_file):
    """The issue's three targets: /etc/passwd, a secret file and /proc/self/environ."""
    root, package, before = built_package
    snippets = package / "snippets"
    snippets.mkdir()
    (snippets / "passwd.md").symlink_to("/etc/passwd")
    (snippets / "hemlig.md").symlink_to(secret_file)
    (snippets / "miljo.md").symlink_to("/proc/self/environ")
    append(
        package / SECTION,
        '\n{% include "snippets/passwd.md" %}\n\n{% include "snippets/hemlig.md" %}\n\n'
        '{% include "snippets/miljo.md" %}\n',
    )
    for command in ("build", "check"):
        code, output = run_cli(capsys, command, "--root", str(root))
        assert code == 1
        assert_located_error(output, "snippets/passwd.md")
        assert "utanför" in output
        assert_nothing_leaked(root, output, "root:x:0", "PATH=")
    assert snapshot(root / "output") == before


def _symlink_case(kind: str, root: Path, package: Path, secret: Path, tmp: Path) -> str:
    """Make ``kind`` of package file a symlink to something outside; return the name the
    error must show."""
    outside = tmp / "utanfor"
    if kind == "section":
        target = package / SECTION
        target.unlink()
        (outside / "avsnitt.md").write_text(f"---\nrubrik: Ekonomi\n---\n{SECRET}\n")
        target.symlink_to(outside / "avsnitt.md")
        return SECTION
    if kind == "relative_snippet":
        (package / "snippets").mkdir()
        hops = "../" * len((package / "snippets").relative_to(tmp).parts)
        (package / "snippets" / "x.md").symlink_to(f"{hops}utanfor/hemlig.txt")
        append(package / SECTION, '\n{% include "snippets/x.md" %}\n')
        return "snippets/x.md"
    if kind == "templates_folder":
        (outside / "hemlig.md").write_text(SECRET)
        (package / "templates").symlink_to(outside)
        append(package / SECTION, '\n{% include "hemlig.md" %}\n')
        return "templates"
    if kind == "block_template":
        (package / "templates" / "block").mkdir(parents=True)
        (outside / "block.md.j2").write_text(f"{SECRET}\n")
        (package / "templates" / "block" / "egen.md.j2").symlink_to(outside / "block.md.j2")
        replace_in(
            package / "report.yaml",
            "          - fil: rapport/03-ekonomi.md\n",
            "          - fil: rapport/03-ekonomi.md\n"
            "          - rubrik: Eget\n            block: egen\n",
        )
        return "egen.md.j2"
    if kind == "structure":
        (package / "templates" / "strukturer").mkdir(parents=True)
        (outside / "s.yaml").write_text(f"disposition:\n  - rubrik: {SECRET}\n")
        (package / "templates" / "strukturer" / "egen.yaml").symlink_to(outside / "s.yaml")
        text = (package / "report.yaml").read_text(encoding="utf-8")
        start = text.index("    disposition:\n      - fil: rapport/01-inledning.md")
        (package / "report.yaml").write_text(text[:start] + "    mall: egen\n", encoding="utf-8")
        return "egen.yaml"
    if kind == "workbook":
        (outside / "bok.xlsx").write_bytes(
            workbook_bytes([["Id", "Rad", "Budget"], ["a", SECRET, 1]])
        )
        (package / "data" / "granskning.xlsx").unlink()
        (package / "data" / "granskning.xlsx").symlink_to(outside / "bok.xlsx")
        (package / "tabeller.yaml").write_text(
            "t:\n  blad: granskning.xlsx/Drift nämnd\n  kolumner:\n    - kolumn: Budget\n"
        )
        append(package / SECTION, "\n{{ tabell('t') }}\n")
        return "granskning.xlsx"
    if kind == "data_folder":
        shutil.move(package / "data", outside / "data")
        (outside / "data" / "granskning.xlsx").write_bytes(
            workbook_bytes([["Id", "Rad", "Budget"], ["a", SECRET, 1]])
        )
        (package / "data").symlink_to(outside / "data")
        (package / "tabeller.yaml").write_text(
            "t:\n  blad: granskning.xlsx/Drift nämnd\n  kolumner:\n    - kolumn: Budget\n"
        )
        append(package / SECTION, "\n{{ tabell('t') }}\n")
        return "data"
    if kind == "tables_yaml":
        (outside / "t.yaml").write_text(
            f"t:\n  blad: granskning.xlsx/Drift nämnd\n  rubrik: {SECRET}\n"
            "  kolumner:\n    - kolumn: Budget\n"
        )
        (package / "tabeller.yaml").symlink_to(outside / "t.yaml")
        append(package / SECTION, "\n{{ tabell('t') }}\n")
        return "tabeller.yaml"
    if kind == "image":
        (outside / "bild.png").write_bytes(_tiny_png() + SECRET.encode())
        (package / "rapport" / "bilder").mkdir()
        (package / "rapport" / "bilder" / "bild.png").symlink_to(outside / "bild.png")
        append(package / SECTION, "\n![En bild](bilder/bild.png)\n")
        return "bilder/bild.png"
    if kind == "locale":
        (package / "templates" / "locale").mkdir(parents=True)
        (outside / "sv.yaml").write_text(f"bilaga: {SECRET}\n")
        (package / "templates" / "locale" / "sv.yaml").symlink_to(outside / "sv.yaml")
        return "sv.yaml"
    if kind == "stylesheet":
        (package / "templates" / "html").mkdir(parents=True)
        (outside / "stil.css").write_text(f"/* {SECRET} */ body {{ color: black; }}\n")
        (package / "templates" / "html" / "stil.css").symlink_to(outside / "stil.css")
        return "stil.css"
    if kind == "reference_docx":
        from docx import Document

        document = Document(str(BUILTIN_TEMPLATES / "reference.docx"))
        document.core_properties.title = SECRET
        document.sections[0].header.paragraphs[0].text = SECRET
        document.save(str(outside / "ref.docx"))
        (package / "templates").mkdir(exist_ok=True)
        (package / "templates" / "reference.docx").symlink_to(outside / "ref.docx")
        return "reference.docx"
    if kind == "placeholder_checks":
        (package / "templates" / "kontroller").mkdir(parents=True)
        (outside / "p.yaml").write_text(
            f"platshållare:\n  - namn: x\n    text: Tre\n    beskrivning: {SECRET}\n"
        )
        (package / "templates" / "kontroller" / "platshallare.yaml").symlink_to(outside / "p.yaml")
        return "platshallare.yaml"
    if kind == "report_yaml":
        (outside / "report.yaml").write_text(
            (package / "report.yaml").read_text(encoding="utf-8").replace("Testkommun", SECRET)
        )
        (package / "report.yaml").unlink()
        (package / "report.yaml").symlink_to(outside / "report.yaml")
        return "report.yaml"
    raise AssertionError(kind)


def _tiny_png() -> bytes:
    import base64

    return base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    )


SYMLINK_KINDS = [
    "section",
    "relative_snippet",
    "templates_folder",
    "block_template",
    "structure",
    "workbook",
    "data_folder",
    "tables_yaml",
    "image",
    "locale",
    "stylesheet",
    "reference_docx",
    "placeholder_checks",
    "report_yaml",
]


@pytest.mark.parametrize("kind", SYMLINK_KINDS)
def test_every_kind_of_read_refuses_a_symlink_out(
    built_package, capsys, secret_file, tmp_path, kind
):
    root, package, before = built_package
    shown = _symlink_case(kind, root, package, secret_file, tmp_path)
    code, output = run_cli(
        capsys, "build", "--root", str(root), "--format", "docx,html", "-q", PACKAGE_ID
    )
    assert code == 1, output
    assert_located_error(output, shown)
    assert "utanför" in output
    assert_nothing_leaked(root, output)
    assert snapshot(root / "output") == before


def test_comment_file_symlink_out_is_refused(package_copy, capsys, secret_file, monkeypatch):
    """``kommentarer/<Id>.md`` (the goal appendix's long comments) is read the same way."""
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", "0")
    root, package = package_copy()
    comment = sorted((package / "kommentarer").glob("*.md"))[0]
    comment.unlink()
    secret_file.write_text(f"{SECRET}\n", encoding="utf-8")
    comment.symlink_to(secret_file)
    code, output = run_cli(capsys, "check", "--root", str(root), "--bygg-format", "html")
    assert code == 1
    assert_no_traceback(output)
    assert comment.name in output and "utanför" in output
    assert SECRET not in output


def test_symlink_inside_the_package_still_works(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", "0")
    root = tmp_path / "repo"
    package = small_package(root)
    (package / "snippets").mkdir()
    (package / "snippets" / "text.md").write_text("Ett delat stycke om budgeten.\n")
    (package / "snippets" / "alias.md").symlink_to("text.md")
    append(package / SECTION, '\n{% include "snippets/alias.md" %}\n')
    code, output = run_cli(capsys, "build", "--root", str(root), "--format", "html", "-q")
    assert code == 0, output
    page = (root / "output" / PACKAGE_ID / "rapport.html").read_text(encoding="utf-8")
    assert "Ett delat stycke om budgeten." in page


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def _git_repo(root: Path) -> None:
    _git(root, "init", "-q")
    _git(root, "config", "user.name", "Testare")
    _git(root, "config", "user.email", "testare@example.com")
    _git(root, "config", "commit.gpgsign", "false")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "start")


def test_diff_does_not_print_symlinked_files(tmp_path: Path, capsys, secret_file):
    """``diff HEAD`` renders the working tree's sections: the symlinks are refused there too."""
    root = tmp_path / "repo"
    package = small_package(root)
    _git_repo(root)
    (package / "snippets").mkdir()
    (package / "snippets" / "passwd.md").symlink_to("/etc/passwd")
    (package / "snippets" / "hemlig.md").symlink_to(secret_file)
    (package / "snippets" / "miljo.md").symlink_to("/proc/self/environ")
    append(
        package / SECTION,
        '\n{% include "snippets/passwd.md" %}\n\n{% include "snippets/hemlig.md" %}\n\n'
        '{% include "snippets/miljo.md" %}\n',
    )
    for extra in ([], ["--markdown"]):
        _code, output = run_cli(capsys, "diff", "HEAD", "--root", str(root), *extra)
        assert_no_traceback(output)
        assert_nothing_leaked(root, output, "root:x:0", "PATH=")
        assert "snippets/passwd" in output and "utanför" in output  # Markdown escapes the "."


def test_diff_with_committed_absolute_symlinks(tmp_path: Path, capsys, secret_file):
    """Symlinks committed to git (absolute, or climbing out) are neither followed nor a
    traceback: the revision's package reports the file as outside."""
    root = tmp_path / "repo"
    package = small_package(root)
    (package / "snippets").mkdir()
    (package / "snippets" / "hemlig.md").symlink_to(secret_file)
    (package / "snippets" / "passwd.md").symlink_to("../../../../../../../../../etc/passwd")
    append(package / SECTION, '\n{% include "snippets/hemlig.md" %}\n')
    _git_repo(root)
    append(package / SECTION, "\nEn ny mening.\n")
    _code, output = run_cli(capsys, "diff", "HEAD", "--root", str(root))
    assert_no_traceback(output)
    assert_nothing_leaked(root, output, "root:x:0")
    assert "snippets/hemlig.md" in output


# -- 3. mall: path traversal -------------------------------------------------------------------
def _structure_traversal(root: Path, package: Path, structure_text: str) -> None:
    text = (package / "report.yaml").read_text(encoding="utf-8")
    start = text.index("    disposition:\n      - fil: rapport/01-inledning.md")
    (package / "report.yaml").write_text(text[:start] + "    mall: ../../x.yaml\n")
    (root / "templates" / "strukturer").mkdir(parents=True)  # a repository's own structures
    (root / "x.yaml.yaml").write_text(structure_text, encoding="utf-8")
    (root / "x.yaml").write_text(structure_text, encoding="utf-8")


@pytest.mark.parametrize(
    "structure_text",
    [f"disposition:\n  - hemlighet: {SECRET}\n", f"disposition:\n  - rubrik: {SECRET}\n"],
    ids=["invalid-outline", "valid-outline"],
)
@pytest.mark.parametrize("command", ["build", "check"])
def test_mall_path_traversal(built_package, capsys, structure_text, command):
    """``mall: ../../x.yaml`` (exact, from the issue) names a structure, never a path."""
    root, package, before = built_package
    _structure_traversal(root, package, structure_text)
    code, output = run_cli(capsys, command, "--root", str(root))
    assert code == 1
    assert_located_error(output, "report.yaml", "mall")
    assert_nothing_leaked(root, output)
    assert snapshot(root / "output") == before

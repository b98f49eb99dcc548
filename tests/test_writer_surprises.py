"""What surprised a new report writer (issue 16, item 3), each fixed and held by a test:
follow-up workbooks read only when configured, the two meanings of "Förälder", every text field
of report.yaml a template, a clear message for ``mnkr | belopp``, a single numbered decision
point and package labels."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document

from kommunrapport.errors import KommunrapportError

from .small_packages import PACKAGE_ID, build_html, html_main, write_small_package


def run_cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kommunrapport.cli", *args, "--root", str(root)],
        capture_output=True,
        text=True,
        cwd=root,
        check=False,
    )


# -- 3a: only configured follow-up workbooks are read ----------------------------------------


def test_intern_kontroll_workbook_is_not_read_without_its_block(tmp_path: Path) -> None:
    risks = {
        "Processer": [["Id", "Namn"], ["P1", "Ekonomiprocessen"]],
        "Risker": [["Id", "Förälder", "Namn"], ["R1", "P1", "Fel i fakturor"]],  # no sannolikhet
    }
    package = write_small_package(
        tmp_path,
        section='{{ tabell("drift") }}\n\nIntern kontroll: {{ intern_kontroll.tom }}.\n',
        workbooks={"intern_kontroll.xlsx": risks},
    )
    text = html_main(build_html(package)).get_text()
    assert "Intern kontroll: True." in text


def test_goal_workbook_is_not_read_without_its_block(tmp_path: Path) -> None:
    goals = {"Nämndsmål": [["Id", "Namn"], ["NM-1", "Budget i balans"]]}
    package = write_small_package(
        tmp_path, section='{{ mål["NM-1"].namn }}\n', workbooks={"mal.xlsx": goals}
    )
    with pytest.raises(KommunrapportError) as caught:
        build_html(package)
    assert "måluppföljning:" in (caught.value.hint or "")
    (package / "report.yaml").write_text(
        (package / "report.yaml").read_text(encoding="utf-8") + "måluppföljning: {}\n",
        encoding="utf-8",
    )
    assert "Budget i balans" in html_main(build_html(package)).get_text()


# -- 3b: Förälder in a table view is the sum row ----------------------------------------------


def test_foreign_parent_column_error_names_foraldrakolumn_ingen(tmp_path: Path) -> None:
    ledger = [
        ["Id", "Rad", "Förälder", "Budget", "Utfall"],
        ["a", "Stab", "MÅL-1", 1000, 1200],
        ["b", "IT", "MÅL-2", 2000, 1500],
    ]
    package = write_small_package(tmp_path, workbooks={"ekonomi.xlsx": {"Drift": ledger}})
    with pytest.raises(KommunrapportError) as caught:
        build_html(package)
    error = caught.value
    assert error.location.cell == "C2"
    assert "summarad" in error.message
    assert "föräldrakolumn: ingen" in (error.hint or "")
    assert "drift" in (error.hint or "")
    tables = (package / "tabeller.yaml").read_text(encoding="utf-8")
    tables = tables.replace("  enhet: tkr\n", "  enhet: tkr\n  föräldrakolumn: ingen\n")
    (package / "tabeller.yaml").write_text(tables, encoding="utf-8")
    assert "Stab" in html_main(build_html(package)).get_text()


# -- 3d: every text field of report.yaml is a template ----------------------------------------


def test_every_text_field_of_report_yaml_is_a_template(tmp_path: Path) -> None:
    package = write_small_package(
        tmp_path,
        report_extra="""\
            mottagare: "{{ nämnd }}s arbetsutskott"
            underskrift_rubrik: "{{ nämnd | upper }}"
            underskrifter:
              - {namn: Anna Andersson, titel: "ekonom, {{ nämnd }}"}
            beslutet_skickas_till: ["Revisionen {{ år }}"]
            omslagsrader: [{etikett: "Beslutas {{ år + 1 }}", värde: "{{ kommun }}"}]
            """,
    )
    result = build_html(package, ("html", "docx"))
    memo = html_main(result, "tjansteskrivelse").get_text()
    for text in (
        "Kommunstyrelsens arbetsutskott",
        "KOMMUNSTYRELSEN",
        "ekonom, Kommunstyrelsen",
        "Revisionen 2024",
    ):
        assert text in memo
    report = next(p for p in result.written if p.name == "rapport.docx")
    cover = "\n".join(p.text for p in Document(str(report)).paragraphs)
    assert "Beslutas 2025: Exempelby kommun" in cover
    for path in result.written:
        if path.suffix == ".html":
            assert "{{" not in path.read_text(encoding="utf-8"), path.name


# -- 3e: a filter after a filter that made text ------------------------------------------------


def test_mnkr_then_belopp_says_what_to_write(tmp_path: Path) -> None:
    write_small_package(
        tmp_path, section="Avvikelsen är {{ drift.total.avvikelse | mnkr | belopp }}.\n"
    )
    result = run_cli(tmp_path, "build", PACKAGE_ID, "--format", "html")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "filtret belopp" in output
    assert "Åtgärd:" in output
    assert 'belopp("mnkr")' in output
    assert "\\xa0" not in output
    assert "rapport/ekonomi.md, rad 1" in output


# -- 3f: one decision point may be numbered ---------------------------------------------------


@pytest.mark.parametrize(("numbered", "points"), [("true", 1), ("null", 2), ("false", 2)])
def test_decision_points_numbered_as_asked(tmp_path: Path, numbered: str, points: int) -> None:
    package = write_small_package(tmp_path)
    config = (package / "report.yaml").read_text(encoding="utf-8")
    extra = "    - Kommunstyrelsen överlämnar rapporten.\n" if points == 2 else ""
    config = config.replace(
        "    - Kommunstyrelsen godkänner delårsrapporten.\n",
        f"    - Kommunstyrelsen godkänner delårsrapporten.\n{extra}  numrerade: {numbered}\n",
    )
    (package / "report.yaml").write_text(config, encoding="utf-8")
    memo = html_main(build_html(package), "tjansteskrivelse")
    items = [li.get_text(strip=True) for ol in memo.find_all("ol") for li in ol.find_all("li")]
    decision = [i for i in items if i.startswith("Kommunstyrelsen")]
    assert len(decision) == (0 if numbered == "false" else points)


# -- 3g: a package overrides any label ----------------------------------------------------------


def test_package_overrides_a_label_and_a_misspelt_key_is_warned(tmp_path: Path) -> None:
    package = write_small_package(tmp_path)
    locale = package / "templates" / "locale"
    locale.mkdir(parents=True)
    (locale / "sv.yaml").write_text(
        "diarienummer: Ärendenummer\ndiarenummer: Ärendenummer\n", encoding="utf-8"
    )
    result = build_html(package, ("html", "docx"))
    memo_html = next(p for p in result.written if p.name == "tjansteskrivelse.html")
    assert "Ärendenummer" in memo_html.read_text(encoding="utf-8")
    assert "Diarienummer" not in memo_html.read_text(encoding="utf-8")
    memo_docx = next(p for p in result.written if p.name == "tjansteskrivelse.docx")
    texts = [c.text for t in Document(str(memo_docx)).tables for r in t.rows for c in r.cells]
    assert any("Ärendenummer" in t for t in texts)
    warned = [f for f in result.findings if f.code == "etikett-okänd"]
    assert len(warned) == 1
    assert warned[0].location.line == 2
    assert "diarienummer" in (warned[0].hint or "")


def test_package_labels_reach_the_goal_and_indicator_tables(tmp_path: Path) -> None:
    goals = {
        "Nämndsmål": [["Id", "Namn"], ["NM-1", "Budget i balans"]],
        "Indikatorer": [
            ["Id", "Förälder", "Namn", "Utfall 2023", "Utfall 2024", "Målvärde"],
            ["I1", "NM-1", "Nöjd-Kund-Index", 71, 73, 75],
        ],
    }
    section = """\
        {{ måltabell(mål.blad("Nämndsmål"), rubrik="Mål") }}

        {{ indikatortabell("NM-1", år=2, rubrik="Indikatorer") }}
        """
    package = write_small_package(
        tmp_path, report_extra="måluppföljning: {}", section=section, workbooks={"mal.xlsx": goals}
    )
    locale = package / "templates" / "locale"
    locale.mkdir(parents=True)
    (locale / "sv.yaml").write_text(
        'namnkolumn_namndsmal: Mål för nämnden\nkolumn_utfall: "Resultat {år}"\n'
        'kolumn_malvarde: "Mål {år}"\nnamnkolumn_indikatorer: Nyckeltal\n',
        encoding="utf-8",
    )
    result = build_html(package)
    headers = [th.get_text(strip=True) for th in html_main(result).find_all("th", scope="col")]
    assert headers == ["Mål för nämnden", "Nyckeltal", "Resultat 2023", "Mål 2024", "Resultat 2024"]
    assert not [f for f in result.findings if f.code == "etikett-okänd"]

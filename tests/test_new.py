"""``kommunrapport new``: a package from a standard structure, and the roll-over to a new period."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook, load_workbook

from kommunrapport.authoring.rollover_text import YearShifter, retire_text
from kommunrapport.authoring.rollover_workbook import roll_sheet
from kommunrapport.authoring.scaffold import (
    REPORT_TYPES,
    load_structure,
    outline_files,
    scaffold_package,
)
from kommunrapport.build.pipeline import build_package
from kommunrapport.cli import main
from kommunrapport.errors import KommunrapportError
from kommunrapport.review.check import check_package

from .conftest import CONTENT, KALMAR, html_soup

NBSP = "\u00a0"


@pytest.mark.parametrize("report_type", REPORT_TYPES)
def test_new_package_builds(tmp_path: Path, report_type: str, capsys) -> None:
    root = tmp_path / "repo"
    package_id = f"testkommun-sn-{report_type.replace('å', 'a').replace('ä', 'a')}-2023"
    options = ["--kommun", "Testkommun", "--nämnd", "Socialnämnden", "--år", "2023"]
    code = main(["new", package_id, "--typ", report_type, *options, "--root", str(root)])
    assert code == 0
    assert "Skapade" in capsys.readouterr().out
    package = root / "content" / package_id
    config = yaml.safe_load((package / "report.yaml").read_text(encoding="utf-8"))
    assert config["rapporttyp"] == report_type
    assert config["år"] == 2023
    assert config["nämnd"] == "Socialnämnden"

    result = build_package(package, root / "output", ("html", "docx"))
    names = sorted(p.name for p in result.written)
    doc_id = [d["id"] for d in config["dokument"]][1]
    assert names == sorted([f"{doc_id}.docx", f"{doc_id}.html", "tjansteskrivelse.docx",
                            "tjansteskrivelse.html"])  # fmt: skip
    page = html_soup(root / "output" / package_id / f"{doc_id}.html")
    headings = " | ".join(h.get_text(" ", strip=True) for h in page.find_all(["h2", "h3"]))
    structure = load_structure(report_type, root)
    for name in outline_files(structure.outline):
        assert structure.texts[name]["rubrik"] in headings
    title = page.find("h1").get_text(strip=True)
    assert "2023" in title

    # one of each block from the sample data, with comments saying what to replace (issue 16)
    captions = [c.get_text(" ", strip=True).replace(NBSP, " ") for c in page.find_all("caption")]
    assert "Tabell 2. Driftredovisning 2023 (belopp i tkr)" in captions  # ledger table
    assert "Tabell 1. Nämndsmål 2023" in captions  # goal table
    assert "Förklaring symboler" in captions  # legend of the status scale
    text = page.get_text(" ", strip=True)
    assert f"ett underskott på 0,5{NBSP}mnkr mot budget, varav IT −0,8{NBSP}mnkr" in text
    assert "1 av 3 nämndsmål" in text  # a count from the goal sheet in a sentence
    goal = next(t for t in page.find_all("table") if "Nämndsmål 2023" in t.caption.get_text())
    assert goal.find(class_="symbol").get_text() == "◐"
    assert "Delvis uppfyllt" in goal.get_text()
    figure = page.find("figure")
    assert "Figur 1. Budget och utfall" in " ".join(figure.get_text(" ").split())
    assert len(figure.find("img")["alt"]) > 40
    for name in ("tabeller.yaml", "diagram.yaml", *structure.examples.values()):
        assert "Exempel från `kommunrapport new`" in (package / name).read_text(encoding="utf-8")
    assert "Exempel från `kommunrapport new`" in (package / "report.yaml").read_text("utf-8")

    # every stub says what to write, and check reports it until it is written
    codes = {f.code for f in result.findings}
    assert codes == {"placeholder"}
    stubs = [f for f in result.findings if "[Skriv här" in f.message]
    files = {f.location.file for f in stubs}
    assert len(files) == len(list((package).rglob("*.md")))
    assert all(f.location.line for f in stubs)
    assert check_package(package, ("html",)).failed(strict=True)


def test_stub_tells_the_writer_what_belongs_there(tmp_path: Path) -> None:
    result = scaffold_package(
        tmp_path / "paket", tmp_path, "årsrapport", "Testkommun", "Kommunstyrelsen", 2023
    )
    drift = next(p for p in result.written if p.name == "10-driftredovisning.md")
    text = drift.read_text(encoding="utf-8")
    assert text.startswith("---\nrubrik: Driftredovisning\n---\n{#\nVad som hör hemma här:")
    assert "[Skriv här:" in text
    config = (tmp_path / "paket" / "report.yaml").read_text(encoding="utf-8")
    assert "namn: januari–december 2023" in config
    assert "godkänner årsrapporten för {{ år }}" in config


def test_interim_periods(tmp_path: Path) -> None:
    scaffold_package(tmp_path / "d", tmp_path, "delårsrapport", "K", "Kommunstyrelsen", 2023)
    scaffold_package(tmp_path / "t", tmp_path, "tertialrapport", "K", "Kommunstyrelsen", 2023)
    delar = yaml.safe_load((tmp_path / "d" / "report.yaml").read_text(encoding="utf-8"))
    tertial = yaml.safe_load((tmp_path / "t" / "report.yaml").read_text(encoding="utf-8"))
    assert delar["period"]["namn"] == "januari–augusti 2023"
    assert str(delar["period"]["till"]) == "2023-08-31"
    assert delar["period"]["nummer"] == 2
    assert tertial["period"]["namn"] == "januari–april 2023"
    assert tertial["period"]["nummer"] == 1


def test_new_refuses_to_overwrite_and_unknown_types(tmp_path: Path) -> None:
    target = tmp_path / "content" / "paket"
    target.mkdir(parents=True)
    (target / "report.yaml").write_text("kommun: x\n", encoding="utf-8")
    with pytest.raises(KommunrapportError, match="finns redan"):
        scaffold_package(target, tmp_path, "årsrapport", "K", "N", 2023)
    with pytest.raises(KommunrapportError, match=r"Välj en av: .*arsrapport"):
        scaffold_package(tmp_path / "ny", tmp_path, "månadsrapport", "K", "N", 2023)
    assert main(["new", "Fel Id", "--root", str(tmp_path)]) == 1


# -- roll-over ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def kalmar_2023(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Kalmar's 2022 package rolled over to 2023 and built to HTML: (package, output)."""
    root = tmp_path_factory.mktemp("rollover")
    shutil.copytree(CONTENT / KALMAR, root / "content" / KALMAR)
    assert main(["new", "--från", KALMAR, "--root", str(root)]) == 0
    package = root / "content" / "kalmar-ks-arsrapport-2023"
    build_package(package, root / "output", ("html",))
    return package, root / "output" / "kalmar-ks-arsrapport-2023"


def _table(page, caption_start: str) -> list[list[str]]:
    for table in page.find_all("table"):
        caption = table.find("caption")
        if caption and caption_start in caption.get_text(" ", strip=True):
            return [
                [c.get_text(strip=True) for c in tr.find_all(["th", "td"])]
                for tr in table.find_all("tr")
            ]
    raise AssertionError(f"ingen tabell {caption_start!r}")


def test_kalmar_rollover_shows_2022_as_previous_year(kalmar_2023) -> None:
    _package, output = kalmar_2023
    page = html_soup(output / "arsrapport.html")
    assert "Kommunstyrelsens årsrapport 2023" in page.find("h1").get_text(" ", strip=True)
    personal = _table(page, "Personalsammansättning")
    assert personal[0] == ["", "2022", "2023"]  # previous year, then the new year
    rows = {row[0]: row[1:] for row in personal[2:]}
    # the 2022 package's 2022 figures in the previous-year columns, 2023 left to fill in
    assert rows["Kvinnor"] == ["184", "181,5", "", ""]
    assert rows["Män"] == ["190", "189,8", "", ""]
    assert rows["Totalt"] == ["374", "371,3", "", ""]
    sick = _table(page, "Sjukfrånvaro")
    assert sick[0] == ["", "2020", "2021", "2022", "2023"]
    assert sick[-1] == ["Totalt", f"4,63{NBSP}%", f"4,10{NBSP}%", f"4,93{NBSP}%", ""]
    # the old period's own figures are not printed as the new period's
    drift = _table(page, "Driftredovisning nämnd")
    assert "Budget VR dec 2023" in drift[0]
    assert all(cell == "" for row in drift[1:] for cell in row[1:])


def test_kalmar_rollover_metadata_and_text(kalmar_2023) -> None:
    package, _output = kalmar_2023
    config = yaml.safe_load((package / "report.yaml").read_text(encoding="utf-8"))
    assert config["år"] == 2023
    assert str(config["datum"]) == "2024-01-26"
    assert config["period"]["namn"] == "januari–december 2023"
    assert (str(config["period"]["från"]), str(config["period"]["till"])) == (
        "2023-01-01",
        "2023-12-31",
    )
    assert config["diarienummer"] == "KS 2023/XXXX"
    text = (package / "arsrapport" / "20-personalsammansattning.md").read_text(encoding="utf-8")
    assert '{{ tabell("personal") }}' in text  # the table stays
    assert "[Skriv här: texten för 2023" in text
    assert "{# Text från 2022:" in text  # the old text, kept to start from
    findings = check_package(package, ("html",)).findings
    assert not [f for f in findings if f.severity.value == "error"]
    assert any(f.code == "placeholder" and "XXXX" in f.message for f in findings)


def test_rolled_workbook_cells(kalmar_2023) -> None:
    package, _output = kalmar_2023
    wb = load_workbook(package / "data" / "personal.xlsx")
    ws = wb["Personal"]
    assert [c.value for c in ws[1]][3:] == [
        "Antal personer 2022",
        "Antal årsarbetare 2022",
        "Antal personer 2023",
        "Antal årsarbetare 2023",
    ]
    assert [c.value for c in ws[2]][3:] == [184, 181.5, None, None]
    drift = load_workbook(package / "data" / "ekonomi.xlsx")["Drift nämnd"]
    header = [c.value for c in drift[1]]
    budget = header.index("Budget") + 1
    assert drift.cell(2, 1).value == "intakter"  # the rows stay
    assert drift.cell(2, budget).value is None


def test_outcome_columns_move_to_previous_year(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["Id", "Rad", "Utfall 2021", "Budget", "Utfall", "Utfall föregående år", "Kommentar"])
    ws.append(["a", "Enhet A", 90, 100, 110, 90, "Gammal kommentar"])
    notes = roll_sheet(ws, YearShifter(2022, 2023), "blad")
    assert [c.value for c in ws[1]] == [
        "Id", "Rad", "Utfall 2022", "Budget", "Utfall", "Utfall föregående år", "Kommentar",
    ]  # fmt: skip
    assert [c.value for c in ws[2]] == ["a", "Enhet A", 110, None, None, 110, None]
    assert any("tömda" in n and "Budget" in n for n in notes)


def test_year_shifter_text() -> None:
    shifter = YearShifter(2024, 2025)
    assert shifter.shift_text("datum: 2024-02-29") == "datum: 2025-02-28"
    assert shifter.shift_text("namn: januari–augusti 2024") == "namn: januari–augusti 2025"
    assert (
        shifter.shift_text("belopp: 12500 och år {{ år - 1 }}")
        == "belopp: 12500 och år {{ år - 1 }}"
    )


def test_retire_text_keeps_tables_and_front_matter() -> None:
    text = (
        "---\nrubrik: Ekonomi\n---\nFörra året gick bra {# en kommentar #}.\n\n"
        '{{ tabell("drift") }}\n\nMer text om {{ år }}.\n'
    )
    out = retire_text(text, 2022, 2023)
    assert out.startswith("---\nrubrik: Ekonomi\n---\n[Skriv här: texten för 2023;")
    assert '\n{{ tabell("drift") }}\n' in out
    assert "{# Text från 2022:\nFörra året gick bra { # en kommentar # }.\n#}" in out
    assert "{# Text från 2022:\nMer text om {{ år }}.\n#}" in out

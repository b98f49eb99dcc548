"""Goal follow-up: the Kalmar målbilaga in DOCX and HTML, narrative counts, and bad goal rows."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

from kommunrapport.build.pipeline import build_package
from kommunrapport.errors import KommunrapportError
from kommunrapport.text.typography import typeset

from .conftest import CONTENT, KALMAR, html_soup
from .followup_helpers import (
    MALBILAGA,
    edit_sheet,
    find_row,
    findings_text,
    load_builder,
    scale_levels,
    set_cell,
    sheet_rows,
)

PACKAGE = CONTENT / KALMAR
W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def goals() -> list[dict]:
    return sheet_rows(PACKAGE, MALBILAGA, "Nämndsmål")


def docx_blocks(path: Path) -> list[Paragraph | Table]:
    """Body paragraphs and tables in document order."""
    doc = Document(str(path))
    out: list[Paragraph | Table] = []
    for element in doc.element.body.iterchildren():
        if element.tag == f"{W_NS}p":
            out.append(Paragraph(element, doc))
        elif element.tag == f"{W_NS}tbl":
            out.append(Table(element, doc))
    return out


def docx_symbol_cells(table: Table) -> list[tuple[str, str]]:
    """(symbol, cell text) of every cell whose first run has the character style Statussymbol."""
    found = []
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                runs = paragraph.runs
                if runs and runs[0].style is not None and runs[0].style.name == "Statussymbol":
                    found.append((runs[0].text.strip(), paragraph.text))
    return found


def html_status(cell) -> tuple[str, str] | None:
    symbol = cell.select_one('span.symbol[aria-hidden="true"]')
    if symbol is None:
        return None
    return symbol.get_text(strip=True), cell.get_text(" ", strip=True)


# -- the built målbilaga ---------------------------------------------------------------------


def test_kalmar_malbilaga_has_all_25_goals_with_symbol_and_text_in_html(built):
    soup = html_soup(built(KALMAR) / "malbilaga.html")
    levels = scale_levels(PACKAGE, "bedömning")
    rows = goals()
    assert len(rows) == 25
    headings = {
        re.sub(r"^[\d.]+\s*", "", h.get_text(" ", strip=True)): h
        for h in soup.find_all(re.compile("^h[1-6]$"))
    }
    for row in rows:
        heading = headings.get(f"Nämndsmål – {typeset(row['Namn'])}")
        assert heading is not None, row["Namn"]
        table = heading.find_next("table")
        cells = table.find_all(["td", "th"])
        statuses = [s for s in (html_status(c) for c in cells) if s]
        if row["Bedömning"] is None:
            assert statuses == [], row["Namn"]
            continue
        level = levels[row["Bedömning"]]
        assert statuses == [(level["symbol"], f"{level['symbol']} {level['text']}")], row["Namn"]
        assert row["Ansvarig"] in table.get_text()


def test_kalmar_malbilaga_has_all_25_goals_with_symbol_and_text_in_docx(built):
    blocks = docx_blocks(built(KALMAR) / "malbilaga.docx")
    levels = scale_levels(PACKAGE, "bedömning")
    for row in goals():
        index = next(
            i
            for i, b in enumerate(blocks)
            if isinstance(b, Paragraph)
            and b.style.name.startswith("Heading")
            and b.text.endswith(f"Nämndsmål – {typeset(row['Namn'])}")
        )
        table = next(b for b in blocks[index + 1 :] if isinstance(b, Table))
        symbols = docx_symbol_cells(table)
        if row["Bedömning"] is None:
            assert symbols == []
            continue
        level = levels[row["Bedömning"]]
        assert symbols == [(level["symbol"], f"{level['symbol']} {level['text']}")]


def test_kalmar_malbilaga_legend_is_generated_from_the_scales(built):
    out = built(KALMAR)
    used = ["bedömning", "aktivitetsstatus", "uppdragsstatus"]
    soup = html_soup(out / "malbilaga.html")
    legend = next(
        t
        for t in soup.find_all("table")
        if t.caption and t.caption.get_text(strip=True) == "Förklaring symboler"
    )
    shown = [html_status(c) for c in legend.find_all(["th", "td"])]
    for scale in used:
        for level in scale_levels(PACKAGE, scale).values():
            assert (level["symbol"], f"{level['symbol']} {level['text']}") in shown
    # the same legend in the DOCX, after its caption
    blocks = docx_blocks(out / "malbilaga.docx")
    index = next(
        i
        for i, b in enumerate(blocks)
        if isinstance(b, Paragraph) and b.text == "Förklaring symboler"
    )
    table = blocks[index + 1]
    assert isinstance(table, Table)
    symbols = docx_symbol_cells(table)
    for scale in used:
        for level in scale_levels(PACKAGE, scale).values():
            assert (level["symbol"], f"{level['symbol']} {level['text']}") in symbols
    # a scale the document does not use is not explained
    assert ("✕", "✕ Ej acceptabelt utfall") not in symbols


def test_kalmar_malbilaga_counts_per_assessment_level(built):
    counts = Counter(row["Bedömning"] for row in goals())
    assert counts == {"helt": 7, "delvis": 13, "ej": 4, None: 1}  # as in reference report 004
    levels = scale_levels(PACKAGE, "bedömning")
    expected = [(levels[code]["text"], str(counts[code])) for code in ("helt", "delvis", "ej")]
    expected += [("Ej angivet", str(counts[None])), ("Summa", "25")]
    out = built(KALMAR)
    soup = html_soup(out / "malbilaga.html")
    table = next(
        t
        for t in soup.find_all("table")
        if t.caption and "Bedömning av nämndsmål" in t.caption.get_text()
    )
    rows = [
        [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
        for tr in table.tbody.find_all("tr")
    ]
    assert [(r[0].lstrip("●◐○ "), r[1]) for r in rows] == expected
    blocks = docx_blocks(out / "malbilaga.docx")
    index = next(
        i
        for i, b in enumerate(blocks)
        if isinstance(b, Paragraph) and "Bedömning av nämndsmål" in b.text
    )
    docx_rows = [[c.text for c in r.cells] for r in blocks[index + 1].rows[1:]]
    assert [(r[0].lstrip("●◐○ "), r[1]) for r in docx_rows] == expected


def test_kalmar_malbilaga_has_every_activity_and_uppdrag(built):
    soup = html_soup(built(KALMAR) / "malbilaga.html")
    text = soup.get_text(" ")
    activities = sheet_rows(PACKAGE, MALBILAGA, "Aktiviteter")
    assert len(activities) == 77
    cells = {th.get_text(" ", strip=True) for th in soup.select("table tbody th")}
    for activity in activities:
        assert typeset(activity["Namn"]) in cells, activity["Namn"]
    uppdrag = sheet_rows(PACKAGE, MALBILAGA, "Uppdrag")
    assert len(uppdrag) == 11
    for row in uppdrag:
        assert f"Uppdrag – {typeset(row['Namn'])}" in text
    # an activity whose status icon was lost is shown as "Ej angiven", never as a blank
    assert "– Ej angiven" in text


def test_kalmar_narrative_counts_come_from_the_data(built):
    counts = Counter(row["Bedömning"] for row in goals())
    text = " ".join(html_soup(built(KALMAR) / "tjansteskrivelse.html").get_text(" ").split())
    assert (
        f"Av de {len(goals())} nämndsmålen i målbilagan bedöms {counts['helt']} vara helt "
        f"uppfyllda, {counts['delvis']} delvis uppfyllda och {counts['ej']} inte uppfyllda; "
        "ett saknar bedömning."
    ) in text
    assert "negativ trend" not in text


def test_kalmar_malbilaga_is_its_own_document_with_cover(built):
    soup = html_soup(built(KALMAR) / "malbilaga.html")
    cover = soup.select_one("header.cover")
    assert "Bilaga 2" in cover.get_text()
    assert "Kommunstyrelsens verksamhetsplan 2022 – målbilaga" in cover.get_text()


# -- narrative helpers -----------------------------------------------------------------------


def test_counting_helpers(package_copy):
    _root, pkg = package_copy()
    tree = load_builder(pkg).shared.follow_up.goals
    assert tree.antal(bedömning="helt") == 7
    assert tree.antal(bedömning="Delvis uppfyllt") == 13  # the text works as well as the code
    assert tree.antal(bedömning=None) == 1
    assert tree.av(bedömning="ej") == "4 av 25"
    assert tree.andel(bedömning="helt") == pytest.approx(7 / 25)
    assert [(n.kod, n.antal) for n in tree.per_nivå("Bedömning")] == [
        ("helt", 7),
        ("delvis", 13),
        ("ej", 4),
    ]
    assert tree.antal(blad="Aktiviteter", status="klar") == 26
    assert tree.antal(blad="Aktiviteter", status=None) == 46  # icon lost: shown "Ej angiven"
    assert tree["NM-03"].förälder.id == "LM-01"
    assert [a.id for a in tree["NM-02"].barn_i("Aktiviteter")] == ["A-006"]
    with pytest.raises(KommunrapportError, match="ingen kod i skalan"):
        tree.antal(bedömning="nästan")


def test_change_since_previous_report(package_copy):
    _root, pkg = package_copy()
    sheet = "Nämndsmål"
    edit_sheet(pkg, MALBILAGA, sheet, {"H1": "Bedömning föregående"})
    for goal in goals():
        row = find_row(pkg, MALBILAGA, sheet, goal["Id"])
        edit_sheet(pkg, MALBILAGA, sheet, {f"H{row}": goal["Bedömning"]})
    edit_sheet(
        pkg,
        MALBILAGA,
        sheet,
        {
            f"H{find_row(pkg, MALBILAGA, sheet, 'NM-01')}": "ej",
            f"H{find_row(pkg, MALBILAGA, sheet, 'NM-03')}": "delvis",
            f"H{find_row(pkg, MALBILAGA, sheet, 'NM-04')}": "delvis",
        },
    )
    tree = load_builder(pkg).shared.follow_up.goals
    changes = {c.rad.id: (c.före.kod, c.nu.kod, c.riktning) for c in tree.förändringar("Bedömning")}
    assert changes == {
        "NM-01": ("ej", "delvis", "bättre"),
        "NM-03": ("delvis", "helt", "bättre"),
        "NM-04": ("delvis", "ej", "sämre"),
    }
    assert tree.antal_före(bedömning="ej") == 4 - 1 + 1


def test_goal_tree_of_a_package_without_goal_sheets_is_empty(package_copy):
    _root, pkg = package_copy()
    (pkg / "data" / MALBILAGA).unlink()
    with pytest.raises(KommunrapportError, match=r"malbilaga\.xlsx finns inte"):
        load_builder(pkg)  # named in report.yaml, so it must exist


# -- bad rows --------------------------------------------------------------------------------


def _error(pkg: Path) -> str:
    with pytest.raises(KommunrapportError) as info:
        load_builder(pkg)
    return str(info.value)


def test_unknown_status_code_is_an_error_naming_sheet_and_cell(package_copy):
    _root, pkg = package_copy()
    cell = set_cell(pkg, MALBILAGA, "Nämndsmål", "NM-05", "Bedömning", "nästan")
    message = _error(pkg)
    assert f"data/malbilaga.xlsx, blad Nämndsmål, cell {cell}" in message
    assert "okänd kod 'nästan' i kolumnen Bedömning" in message
    assert "helt, delvis, ej" in message


def test_unknown_activity_status_uses_the_mapped_scale(package_copy):
    _root, pkg = package_copy()
    cell = set_cell(pkg, MALBILAGA, "Aktiviteter", "A-010", "Status", "färdig")
    message = _error(pkg)
    assert f"blad Aktiviteter, cell {cell}" in message
    assert "skalan 'aktivitetsstatus'" in message


def test_orphan_parent_key_is_an_error_naming_sheet_and_cell(package_copy):
    _root, pkg = package_copy()
    cell = set_cell(pkg, MALBILAGA, "Aktiviteter", "A-020", "Förälder", "NM-80")
    message = _error(pkg)
    assert f"blad Aktiviteter, cell {cell}" in message
    assert "föräldern 'NM-80' finns inte" in message


def test_parent_on_a_lower_level_is_an_error(package_copy):
    _root, pkg = package_copy()
    cell = set_cell(pkg, MALBILAGA, "Mål", "LM-01", "Förälder", "NM-02")
    message = _error(pkg)
    assert f"blad Mål, cell {cell}" in message
    assert "inte är en högre nivå" in message


def test_duplicate_id_is_an_error_naming_both_cells(package_copy):
    _root, pkg = package_copy()
    row = find_row(pkg, MALBILAGA, "Aktiviteter", "A-002")
    edit_sheet(pkg, MALBILAGA, "Aktiviteter", {f"A{row}": "A-001"})
    message = _error(pkg)
    first = find_row(pkg, MALBILAGA, "Aktiviteter", "A-001")
    assert f"blad Aktiviteter, cell A{row}" in message
    assert (
        f"Id 'A-001' förekommer två gånger (första gången i blad Aktiviteter, cell A{first})"
        in message
    )


def test_duplicate_id_across_sheets_is_an_error(package_copy):
    _root, pkg = package_copy()
    row = find_row(pkg, MALBILAGA, "Uppdrag", "U-01")
    edit_sheet(pkg, MALBILAGA, "Uppdrag", {f"A{row}": "NM-01"})
    message = _error(pkg)
    assert f"blad Uppdrag, cell A{row}" in message
    assert "första gången i blad Nämndsmål" in message


def test_row_without_id_is_an_error(package_copy):
    _root, pkg = package_copy()
    row = find_row(pkg, MALBILAGA, "Uppdrag", "U-03")
    edit_sheet(pkg, MALBILAGA, "Uppdrag", {f"A{row}": None})
    assert f"blad Uppdrag, cell A{row}: raden saknar Id" in _error(pkg)


def test_goal_without_assessment_is_a_warning_naming_the_cell(package_copy):
    _root, pkg = package_copy()
    cell = set_cell(pkg, MALBILAGA, "Nämndsmål", "NM-07", "Bedömning", None)
    warnings = [w for w in findings_text(load_builder(pkg)) if "[mål-utan-bedömning]" in w]
    assert len(warnings) == 2  # NM-18 has none in the original either
    assert any(
        f"blad Nämndsmål, cell {cell}: varning [mål-utan-bedömning]: "
        "Cirkulärt samhälle (NM-07) saknar bedömning" in w
        for w in warnings
    )


def test_comment_file_without_row_is_a_warning(package_copy):
    _root, pkg = package_copy()
    (pkg / "kommentarer" / "NM-99.md").write_text("Text.\n", encoding="utf-8")
    warnings = findings_text(load_builder(pkg))
    assert any("kommentarer/NM-99.md: varning [kommentar-utan-rad]" in w for w in warnings)


def test_comment_in_cell_and_file_warns_and_uses_the_file(package_copy, tmp_path):
    _root, pkg = package_copy()
    (pkg / "kommentarer" / "NM-02.md").write_text("Kommentar från filen.\n", encoding="utf-8")
    result = build_package(pkg, tmp_path / "out", formats=("html",), use_cache=False)
    assert any("[kommentar-dubbel]" in str(f) for f in result.findings)
    text = (tmp_path / "out" / KALMAR / "malbilaga.html").read_text(encoding="utf-8")
    assert "Kommentar från filen." in text

"""Intern kontroll: the Kalmar appendix (every risk's riskvärde, every kontrollmoment's result),
the risk matrix, the S × K and threshold checks, and bad rows."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from kommunrapport.build.pipeline import build_package
from kommunrapport.errors import KommunrapportError

from .conftest import CONTENT, KALMAR, docx_xml, html_soup
from .followup_helpers import (
    INTERN_KONTROLL,
    cell_of,
    column_letter,
    edit_report_yaml,
    edit_sheet,
    find_row,
    findings_text,
    load_builder,
    scale_levels,
    set_cell,
    sheet_rows,
)
from .test_goals import docx_blocks, docx_symbol_cells, html_status

PACKAGE = CONTENT / KALMAR


def risks() -> list[dict]:
    return sheet_rows(PACKAGE, INTERN_KONTROLL, "Risker")


def controls() -> list[dict]:
    return sheet_rows(PACKAGE, INTERN_KONTROLL, "Kontrollmoment")


def _result(row: dict) -> tuple[str, str]:
    levels = scale_levels(PACKAGE, "kontrollresultat")
    level = levels[row["Resultat"] or "ej_angiven"]  # an empty cell shows the 'tom' level
    return level["symbol"], f"{level['symbol']} {level['text']}"


def _headings(soup):
    return {
        re.sub(r"^[\d.]+\s*", "", h.get_text(" ", strip=True)): h
        for h in soup.find_all(re.compile("^h[1-6]$"))
    }


def test_kalmar_appendix_shows_every_risk_value_in_html(built):
    soup = html_soup(built(KALMAR) / "intern_kontroll.html")
    headings = _headings(soup)
    assert len(risks()) == 42
    for risk in risks():
        table = headings[risk["Namn"]].find_next("table")
        header = [th.get_text(strip=True) for th in table.thead.find_all("th")]
        values = [td.get_text(strip=True) for td in table.tbody.find_all(["th", "td"])]
        row = dict(zip(header, values, strict=True))
        expected = risk["Sannolikhet"] * risk["Konsekvens"]
        assert row["Riskvärde"] == str(expected), risk["Id"]
        assert (row["Sannolikhet"], row["Konsekvens"]) == (
            str(risk["Sannolikhet"]),
            str(risk["Konsekvens"]),
        )
        assert row["Riskkategori"] == risk["Riskkategori"]


def test_kalmar_appendix_shows_every_control_result_in_html(built):
    soup = html_soup(built(KALMAR) / "intern_kontroll.html")
    rows = {}
    for table in soup.find_all("table"):
        if table.caption and table.caption.get_text(strip=True) == "Kontrollmoment":
            for tr in table.tbody.find_all("tr"):
                cells = tr.find_all(["th", "td"])
                if tr.get("class") != ["comment"]:
                    rows[cells[0].get_text(" ", strip=True)] = [html_status(c) for c in cells]
    assert len(controls()) == 21
    assert len(rows) == 21
    status = scale_levels(PACKAGE, "kontrollstatus")["genomförd"]
    for control in controls():
        statuses = rows[control["Namn"]]
        assert (status["symbol"], f"{status['symbol']} {status['text']}") in statuses
        assert _result(control) in statuses, control["Id"]


def test_kalmar_appendix_in_docx(built):
    blocks = docx_blocks(built(KALMAR) / "intern_kontroll.docx")
    texts = [b.text if hasattr(b, "text") else None for b in blocks]
    for risk in risks():
        index = texts.index(next(t for t in texts if t and t.endswith(risk["Namn"])))
        table = next(b for b in blocks[index + 1 :] if not hasattr(b, "text"))
        header = [c.text for c in table.rows[0].cells]
        values = [c.text for c in table.rows[1].cells]
        assert dict(zip(header, values, strict=True))["Riskvärde"] == str(
            risk["Sannolikhet"] * risk["Konsekvens"]
        )
    found = {}
    for block in blocks:
        if hasattr(block, "text"):
            continue
        for row in block.rows:
            symbols = docx_symbol_cells_of_row(row)
            if symbols:
                found[row.cells[0].text] = symbols
    for control in controls():
        assert _result(control) in found[control["Namn"]], control["Id"]


def docx_symbol_cells_of_row(row) -> list[tuple[str, str]]:
    return docx_symbol_cells(SimpleNamespace(rows=[row]))  # type: ignore[arg-type]


def test_kalmar_appendix_has_risk_matrix_with_alt_text(built):
    out = built(KALMAR)
    soup = html_soup(out / "intern_kontroll.html")
    figure = soup.select_one("figure.chart")
    image = figure.find("img")
    assert image["src"].startswith("data:image/svg+xml;base64,")
    assert "Riskmatris med 42 risker" in image["alt"]
    assert "12 risker har riskvärde 8 eller högre" in image["alt"]
    assert "Figur\u00a01" in figure.figcaption.get_text()
    cells = [td.get_text(strip=True) for td in figure.select("details table td")]
    assert sum(int(c) for c in cells) == 42
    xml = docx_xml(out / "intern_kontroll.docx")
    assert "Riskmatris med 42 risker" in xml  # the PNG's alt text (descr)
    assert "<w:drawing>" in xml


def test_kalmar_threshold_rule_from_configuration(built):
    text = " ".join(html_soup(built(KALMAR) / "arsrapport.html").get_text(" ").split())
    over = [r for r in risks() if r["Sannolikhet"] * r["Konsekvens"] >= 8]
    assert (
        f"De {len(over)} risker som fått ett riskvärde på 8 eller högre har kontrollmoment "
        f"kopplade till sig, sammanlagt {len(controls())} stycken"
    ) in text
    assert "rutin vid befattningsbyte och kontroll av köp från avtalsleverantörer" in text
    appendix = " ".join(html_soup(built(KALMAR) / "intern_kontroll.html").get_text(" ").split())
    assert "Risker med ett riskvärde på 8 eller högre har kontrollmoment" in appendix
    assert "Det gäller 12 av 42 risker, med sammanlagt 21 kontrollmoment." in appendix


def test_kalmar_process_without_risks_and_optional_columns_hidden(built):
    soup = html_soup(built(KALMAR) / "intern_kontroll.html")
    heading = _headings(soup)["Främja ett rikt kultur- och fritidsliv"]
    assert "Inga risker har identifierats" in heading.find_parent("section").get_text()
    headers = {th.get_text(strip=True) for th in soup.select("table thead th")}
    assert not headers & {"Metod", "Frekvens", "Åtgärd"}  # empty in every row


def test_optional_control_columns_appear_when_filled(package_copy, tmp_path):
    _root, pkg = package_copy()
    sheet = "Kontrollmoment"
    set_cell(pkg, INTERN_KONTROLL, sheet, "KM-01", "Frekvens", "Tre gånger per år")
    build_package(pkg, tmp_path / "out", formats=("html",), use_cache=False)
    soup = html_soup(tmp_path / "out" / KALMAR / "intern_kontroll.html")
    tables = [
        t
        for t in soup.find_all("table")
        if t.caption and t.caption.get_text(strip=True) == "Kontrollmoment"
    ]
    assert all(
        "Frekvens" in [th.get_text(strip=True) for th in t.thead.find_all("th")] for t in tables
    )
    assert "Metod" not in soup.get_text()


# -- checks ----------------------------------------------------------------------------------


def test_risk_value_that_is_not_s_times_k_is_a_warning(package_copy):
    _root, pkg = package_copy()
    cell = set_cell(pkg, INTERN_KONTROLL, "Risker", "R-03", "Riskvärde", 8)
    builder = load_builder(pkg)
    warnings = [w for w in findings_text(builder) if "[riskvärde]" in w]
    assert len(warnings) == 1
    assert (
        f"data/intern_kontroll.xlsx, blad Risker, cell {cell}: varning [riskvärde]: "
        "riskvärdet för R-03 är 8, men sannolikhet × konsekvens = 2 × 3 = 6"
    ) in warnings[0]
    assert builder.shared.follow_up.control["R-03"].riskvärde == 6  # computed, not the typed value


def test_risk_value_is_computed_when_the_column_is_empty(package_copy):
    _root, pkg = package_copy()
    column = column_letter(pkg, INTERN_KONTROLL, "Risker", "Riskvärde")
    edit_sheet(
        pkg, INTERN_KONTROLL, "Risker", {f"{column}{r}": None for r in range(2, len(risks()) + 2)}
    )
    builder = load_builder(pkg)
    assert not [w for w in findings_text(builder) if "[riskvärde]" in w]
    assert builder.shared.follow_up.control["R-16"].riskvärde == 12


def test_risk_over_threshold_without_control_is_a_warning(package_copy):
    _root, pkg = package_copy()
    edit_sheet(
        pkg,
        INTERN_KONTROLL,
        "Kontrollmoment",
        delete_rows=[find_row(pkg, INTERN_KONTROLL, "Kontrollmoment", "KM-21")],
    )
    warnings = [w for w in findings_text(load_builder(pkg)) if "[risk-utan-kontrollmoment]" in w]
    cell = cell_of(pkg, INTERN_KONTROLL, "Risker", "R-42", "Riskvärde")
    assert warnings == [next(w for w in warnings if f"cell {cell}" in w)]
    assert "risken R-42 har riskvärde 12 (minst 8) men inget kontrollmoment" in warnings[0]


def test_threshold_is_configurable(package_copy):
    _root, pkg = package_copy()
    edit_report_yaml(
        pkg, lambda d: d["intern_kontroll"].update({"kontrollmoment_från_riskvärde": 9})
    )
    assert not [w for w in findings_text(load_builder(pkg)) if "risk-utan-kontroll" in w]
    edit_report_yaml(
        pkg, lambda d: d["intern_kontroll"].update({"kontrollmoment_från_riskvärde": 6})
    )
    builder = load_builder(pkg)
    warnings = [w for w in findings_text(builder) if "[risk-utan-kontrollmoment]" in w]
    six = [r for r in risks() if r["Sannolikhet"] * r["Konsekvens"] in (6,)]
    assert len(warnings) == len(six)
    assert builder.shared.follow_up.control.tröskel == 6


@pytest.mark.parametrize("value", [5, 0, 2.5, "hög"])
def test_likelihood_outside_the_scale_is_an_error(package_copy, value):
    _root, pkg = package_copy()
    cell = set_cell(pkg, INTERN_KONTROLL, "Risker", "R-05", "Sannolikhet", value)
    with pytest.raises(KommunrapportError) as info:
        load_builder(pkg)
    message = str(info.value)
    assert f"blad Risker, cell {cell}: sannolikhet ska vara ett heltal 1–4" in message


def test_unknown_control_result_is_an_error(package_copy):
    _root, pkg = package_copy()
    cell = set_cell(pkg, INTERN_KONTROLL, "Kontrollmoment", "KM-04", "Resultat", "bra")
    with pytest.raises(KommunrapportError) as info:
        load_builder(pkg)
    assert f"blad Kontrollmoment, cell {cell}: okänd kod 'bra'" in str(info.value)
    assert "ok, delvis, ej_ok, ej_angiven" in str(info.value)


def test_control_with_orphan_risk_is_an_error(package_copy):
    _root, pkg = package_copy()
    cell = set_cell(pkg, INTERN_KONTROLL, "Kontrollmoment", "KM-04", "Förälder", "R-99")
    with pytest.raises(KommunrapportError) as info:
        load_builder(pkg)
    assert f"blad Kontrollmoment, cell {cell}: föräldern 'R-99' finns inte" in str(info.value)


def test_brister_are_controls_not_at_the_best_level(package_copy):
    _root, pkg = package_copy()
    control = load_builder(pkg).shared.follow_up.control
    assert [r.id for r in control.brister] == ["KM-16", "KM-21"]
    assert [g.rubrik for g in control.grupper] == [
        "Styrprocesser",
        "Huvudprocesser",
        "Stödprocesser",
    ]
    assert sum(len(g.processer) for g in control.grupper) == 17

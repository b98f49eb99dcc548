"""Figures from workbooks: tables in DOCX and HTML, numbers in sentences, checks, charts."""

from __future__ import annotations

import re

import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn

from kommunrapport.build.pipeline import build_package
from kommunrapport.cli import main

from .conftest import KALMAR, docx_paragraphs, docx_xml, html_soup

NB = "\u00a0"
MINUS = "\u2212"


def _docx_table_with(doc, label: str):
    for table in doc.tables:
        if any(row.cells[0].text == label for row in table.rows):
            return table
    raise AssertionError(f"no table with a row {label!r}")


def _row(table, label: str):
    return next(row for row in table.rows if row.cells[0].text == label)


def test_docx_ledger_table(built):
    doc = Document(str(built(KALMAR) / "arsrapport.docx"))
    table = _docx_table_with(doc, "Summa RESULTAT")
    total = _row(table, "Summa RESULTAT")
    assert [c.text for c in total.cells] == [
        "Summa RESULTAT",
        f"804{NB}964",
        f"833{NB}380",
        f"{MINUS}28{NB}416",
    ]
    for cell in total.cells[1:]:
        paragraph = cell.paragraphs[0]
        assert paragraph.paragraph_format.alignment is not None
        assert paragraph._p.pPr.find(qn("w:jc")).get(qn("w:val")) == "right"
        assert all(run.bold for run in paragraph.runs)
    header = table.rows[0]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [c.text for c in header.cells] == [
        "Driftredovisning nämnd",
        "Budget VR dec 2022",
        "Utfall VR dec 2022",
        "Avvikelse",
    ]
    intakter = _row(table, "Intäkter")
    assert intakter.cells[3].text == f"7{NB}337"
    assert not any(run.bold for run in intakter.cells[3].paragraphs[0].runs)
    grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert sum(grid) == 9072  # A4 minus the reference document's margins
    # a short table is kept on one page: every row but the last keeps with the next
    keeps = [row.cells[0].paragraphs[0].paragraph_format.keep_with_next for row in table.rows]
    assert keeps == [True] * (len(table.rows) - 1) + [None]


def test_docx_caption_is_numbered_field(built):
    paragraphs = docx_paragraphs(built(KALMAR) / "arsrapport.docx")
    captions = [t for s, t in paragraphs if s == "Table Caption"]
    assert captions[0] == "Tabell 1. Driftredovisning nämnd (belopp i tkr)"
    assert captions[1].startswith("Tabell 2. Driftredovisning per verksamhetsområde")
    xml = docx_xml(built(KALMAR) / "arsrapport.docx")
    assert "SEQ Tabell \\* ARABIC" in xml
    assert 'w:name="tbl-drift-namnd_nr"' in xml


def test_docx_hierarchy_and_varav_rows(built):
    doc = Document(str(built(KALMAR) / "arsrapport.docx"))
    table = _docx_table_with(doc, "Koncernledning Stab")
    group = _row(table, "Förvaltningsledning")
    assert group.cells[1].text == f"271{NB}543"  # the sheet's figure, not its rows' 271 544
    assert all(run.bold for run in group.cells[0].paragraphs[0].runs)
    child = _row(table, "Brandkåren")
    assert child.cells[3].text == f"{MINUS}2{NB}457"  # the sheet's Avvikelse, not 61 125 − 63 581
    assert child.cells[0].paragraphs[0]._p.pPr.find(qn("w:ind")) is not None
    varav = _row(table, "Ordningsvakter")
    assert all(run.italic for run in varav.cells[0].paragraphs[0].runs)
    assert _row(table, "Trygghets- och larmcentralen").cells[1].text == "0"


def test_html_ledger_table(built):
    soup = html_soup(built(KALMAR) / "arsrapport.html")
    table = soup.find("table", id="tbl-drift-namnd")
    caption = table.caption.get_text(" ", strip=True)
    assert caption == f"Tabell{NB}1. Driftredovisning nämnd (belopp i tkr)"
    headers = table.thead.find_all("th")
    assert all(th["scope"] == "col" for th in headers)
    total = next(tr for tr in table.tbody.find_all("tr") if tr.th.get_text() == "Summa RESULTAT")
    assert "total" in total["class"]
    assert total.th["scope"] == "row"
    cells = total.find_all("td")
    assert cells[2].get_text() == f"{MINUS}28{NB}416"
    assert "num" in cells[2]["class"]


def test_html_header_groups_and_percent(built):
    soup = html_soup(built(KALMAR) / "arsrapport.html")
    personal = soup.find("table", id="tbl-personal")
    group_row = personal.thead.find_all("tr")[0]
    spans = [(th.get_text(), th.get("colspan")) for th in group_row.find_all("th")]
    assert spans == [("2021", "2"), ("2022", "2")]
    totalt = next(tr for tr in personal.tbody.find_all("tr") if tr.th.get_text() == "Totalt")
    assert [td.get_text() for td in totalt.find_all("td")] == ["368", "364,5", "374", "371,3"]
    sick = soup.find("table", id="tbl-sjukfranvaro")
    women = next(tr for tr in sick.tbody.find_all("tr") if tr.th.get_text() == "Kvinnor")
    assert women.find_all("td")[-1].get_text() == f"5,70{NB}%"
    costs = soup.find("table", id="tbl-kostnadseffektivitet")
    texts = [td.get_text() for td in costs.tbody.find_all("td")]
    assert "12,80" in texts and "255" in texts


def test_narrative_numbers_come_from_data(built):
    out = built(KALMAR)
    memo = " ".join(t for _, t in docx_paragraphs(out / "tjansteskrivelse.docx"))
    assert f"negativ budgetavvikelse på {MINUS}28,4{NB}mnkr" in memo
    report = " ".join(t for _, t in docx_paragraphs(out / "arsrapport.docx"))
    assert f"({MINUS}14,0{NB}mnkr)" in report  # the original typed −14,2
    assert f"Brandkåren visar {MINUS}2,5{NB}mnkr" in report  # the original typed −2,4
    assert f"{MINUS}25,1{NB}mnkr efter flera markförvärv" in report  # the original typed −25,2
    assert "ökat med sex personer" in report
    assert f"förändring med +0,83{NB}procentenheter" in report
    html = html_soup(out / "tjansteskrivelse.html").get_text(" ")
    assert f"{MINUS}28,4{NB}mnkr" in html


def test_sentence_follows_the_cell(package_copy, tmp_path):
    _root, pkg = package_copy()
    book = openpyxl.load_workbook(pkg / "data" / "ekonomi.xlsx")
    sheet = book["Drift nämnd"]
    sheet["H6"] = 704270  # Övriga kostnader, Utfall: 10 000 tkr lower than the original
    sheet["I6"] = None
    for cell in ("H7", "I7", "H8", "I8"):
        sheet[cell] = None  # drop the printed totals: they are check values
    book.save(pkg / "data" / "ekonomi.xlsx")
    result = build_package(pkg, tmp_path / "out", ("docx",))
    memo = next(p for p in result.written if p.name == "tjansteskrivelse.docx")
    text = " ".join(t for _, t in docx_paragraphs(memo))
    assert f"negativ budgetavvikelse på {MINUS}18,4{NB}mnkr" in text


def _build(root, capsys, *extra):
    code = main(["build", "--root", str(root), "-q", "--format", "html", *extra])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_rows_that_do_not_add_up_warn_with_sheet_and_row(package_copy, capsys):
    root, pkg = package_copy()
    book = openpyxl.load_workbook(pkg / "data" / "ekonomi.xlsx")
    book["Investering verksamhet"]["G3"] = 7000  # Hamnen budget 7 600 → 7 000
    book.save(pkg / "data" / "ekonomi.xlsx")
    code, output = _build(root, capsys)
    assert code == 0
    assert (
        "data/ekonomi.xlsx, blad Investering verksamhet, cell G9: varning [summa]: "
        f"summaraden 'Summa', kolumn Budget: angivet 552{NB}500 men raderna summerar till "
        f"551{NB}900"
    ) in output


@pytest.mark.parametrize(
    ("cell", "value", "message"),
    [
        ("H4", "n/a", 'blad Drift nämnd, cell H4: väntade ett tal, fick "n/a"'),
        ("H4", "=G4*2", "blad Drift nämnd, cell H4: formeln =G4*2 saknar sparat värde"),
        ("A5", "personal", "blad Drift nämnd, cell A5: nyckeln 'personal' förekommer två gånger"),
        (
            "E3",
            "finns_inte",
            "blad Drift nämnd, cell E3: kolumnen Förälder hänvisar till 'finns_inte'",
        ),
        ("D3", "totalsumma", "blad Drift nämnd, cell D3: okänd radtyp 'totalsumma'"),
    ],
)
def test_each_kind_of_bad_cell_is_an_error(package_copy, capsys, cell, value, message):
    root, pkg = package_copy()
    book = openpyxl.load_workbook(pkg / "data" / "ekonomi.xlsx")
    book["Drift nämnd"][cell] = value
    book.save(pkg / "data" / "ekonomi.xlsx")
    code, output = _build(root, capsys)
    assert code == 1
    assert "data/ekonomi.xlsx, " + message in output


def test_missing_sheet_and_column(package_copy, capsys):
    root, pkg = package_copy()
    spec = pkg / "tabeller.yaml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(
        text.replace("ekonomi.xlsx/Drift nämnd", "ekonomi.xlsx/Drift namnd"), encoding="utf-8"
    )
    code, output = _build(root, capsys)
    assert code == 1
    assert "bladet 'Drift namnd' finns inte" in output and "Menade du 'Drift nämnd'?" in output
    spec.write_text(
        text.replace(
            "- kolumn: Utfall\n      rubrik: Utfall VR",
            "- kolumn: Utfal\n      rubrik: Utfall VR",
            1,
        ),
        encoding="utf-8",
    )
    code, output = _build(root, capsys)
    assert code == 1
    assert "kolumnen 'Utfal' finns inte i blad Drift nämnd" in output
    assert "tabeller.yaml" in output and "Menade du 'Utfall'?" in output


def test_literal_amount_that_contradicts_data_is_reported(package_copy, capsys):
    root, pkg = package_copy()
    section = pkg / "arsrapport" / "12-atgarder-med-konsekvenser.md"
    lines = section.read_text(encoding="utf-8").splitlines()
    lines.append("")
    lines.append("De ramjusterande kapitalkostnaderna avvek med -14,2 mnkr och IT med -3,9 mnkr.")
    section.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, output = _build(root, capsys)
    assert code == 0
    line = len(lines)
    assert (
        f"arsrapport/12-atgarder-med-konsekvenser.md, rad {line}: varning [belopp-i-text]: "
        f"beloppet '-14,2 mnkr' står direkt i texten men finns inte i data "
        f"(närmast i data: 14,3 mnkr)"
    ) in output
    assert "'-3,9 mnkr'" not in output  # matches the IT investment deviation −3 856 tkr
    code, output = _build(root, capsys, "--strict")
    assert code == 1


def test_cross_reference_prints_the_number(package_copy, tmp_path):
    _root, pkg = package_copy()
    section = pkg / "arsrapport" / "12-atgarder-med-konsekvenser.md"
    section.write_text(
        section.read_text(encoding="utf-8")
        + '\nSe {{ ref("tbl-investering-namnd") }} och {{ ref("fig-sjukfranvaro-linje") }}.\n',
        encoding="utf-8",
    )
    result = build_package(pkg, tmp_path / "out", ("docx", "html"))
    html = next(p for p in result.written if p.name == "arsrapport.html")
    soup = html_soup(html)
    links = {a.get_text(): a["href"] for a in soup.select("a.xref")}
    assert links == {
        f"Tabell{NB}3": "#tbl-investering-namnd",
        f"Figur{NB}2": "#fig-sjukfranvaro-linje",
    }
    docx = next(p for p in result.written if p.name == "arsrapport.docx")
    text = " ".join(t for _, t in docx_paragraphs(docx))
    assert "Se Tabell 3 och Figur 2." in text
    assert "REF tbl-investering-namnd_nr" in docx_xml(docx)


def test_charts_in_html_and_docx(built):
    out = built(KALMAR)
    soup = html_soup(out / "arsrapport.html")
    figures = soup.select("figure.chart")
    assert len(figures) == 2
    for figure in figures:
        img = figure.find("img")
        assert img["src"].startswith("data:image/svg+xml;base64,")
        assert len(img["alt"]) > 40
        assert figure.figcaption.get_text(strip=True).startswith("Figur")
        assert figure.find("details").find("table")
    sick = soup.find("figure", id="fig-sjukfranvaro-linje")
    cells = [td.get_text() for td in sick.find("details").find_all("td")]
    assert f"5,70{NB}%" in cells or f"5,7{NB}%" in cells
    xml = docx_xml(out / "arsrapport.docx")
    assert xml.count("<pic:pic") == 2
    assert re.search(r'descr="Linjediagram över sjukfrånvaron', xml)
    captions = [t for s, t in docx_paragraphs(out / "arsrapport.docx") if s == "Image Caption"]
    assert captions == [
        "Figur 1. Budgetavvikelse per verksamhet 2022",
        "Figur 2. Sjukfrånvaro 2019–2022 för kvinnor, män och totalt",
    ]


def test_wide_table_gets_landscape_section_with_footer(package_copy, tmp_path):
    _root, pkg = package_copy()
    spec = pkg / "tabeller.yaml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(
        text.replace(
            "  rubrik: Driftredovisning per verksamhetsområde\n",
            "  rubrik: Driftredovisning per verksamhetsområde\n  liggande: true\n",
        ),
        encoding="utf-8",
    )
    result = build_package(pkg, tmp_path / "out", ("docx",))
    path = next(p for p in result.written if p.name == "arsrapport.docx")
    doc = Document(str(path))
    orientations = [(s.orientation, s.page_width > s.page_height) for s in doc.sections]
    assert len(doc.sections) == 3
    assert orientations[1][1] and not orientations[0][1] and not orientations[2][1]
    assert doc.sections[0].different_first_page_header_footer  # the cover stays plain
    assert not doc.sections[2].different_first_page_header_footer
    # its own header and footer (tab stops at the landscape width), page numbers go on
    landscape = doc.sections[1]
    assert not landscape.footer.is_linked_to_previous
    assert "PAGE" in landscape.footer._element.xml and "NUMPAGES" in landscape.footer._element.xml
    width = landscape.page_width - landscape.left_margin - landscape.right_margin
    stops = [t.position for p in landscape.header.paragraphs for t in p.paragraph_format.tab_stops]
    assert abs(max(stops) - width) < 20 * 635  # the right tab at the landscape text width
    table = _docx_table_with(doc, "Koncernledning Stab")
    grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert sum(grid) == 14004  # turned A4 minus margins
    assert "KR-LANDSCAPE" not in docx_xml(path)


def test_reference_to_a_section_prints_its_number(package_copy, tmp_path):
    _root, pkg = package_copy()
    section = pkg / "arsrapport" / "12-atgarder-med-konsekvenser.md"
    section.write_text(
        section.read_text(encoding="utf-8") + '\nSe {{ ref("investeringsredovisning") }}.\n',
        encoding="utf-8",
    )
    result = build_package(pkg, tmp_path / "out", ("docx", "html"))
    html = next(p for p in result.written if p.name == "arsrapport.html")
    link = html_soup(html).select_one("a.xref")
    assert (link.get_text(), link["href"]) == (f"avsnitt{NB}1.2.2", "#investeringsredovisning")
    docx = next(p for p in result.written if p.name == "arsrapport.docx")
    assert f"Se avsnitt{NB}1.2.2." in " ".join(t for _, t in docx_paragraphs(docx))


def test_equality_check_across_tables_with_unit_conversion(package_copy, capsys):
    root, pkg = package_copy()
    config = pkg / "report.yaml"
    text = config.read_text(encoding="utf-8")
    text = text.replace(
        "kontroller:\n",
        "kontroller:\n  lika:\n"
        "    - text: Resultatet i texten och i tabellen\n"
        "      värden: [drift_namnd.total.avvikelse, drift_verksamhet.SUMMA.avvikelse]\n"
        "    - värden: [drift_namnd.total.utfall, drift_namnd.total.budget]\n",
        1,
    )
    config.write_text(text, encoding="utf-8")
    code, output = _build(root, capsys)
    assert code == 0
    assert "Resultatet i texten" not in output  # −28 416 both ways
    assert (
        f"varning [lika]: värdena skiljer sig: 833{NB}380{NB}tkr (content/kalmar-ks-"
        "arsrapport-2022/data/ekonomi.xlsx, blad Drift nämnd, cell H8) men "
        f"804{NB}964{NB}tkr (content/kalmar-ks-arsrapport-2022/data/ekonomi.xlsx, blad "
        "Drift nämnd, cell G8)"
    ) in output


def test_sentence_using_an_empty_cell_names_the_cell(package_copy, capsys):
    root, pkg = package_copy()
    book = openpyxl.load_workbook(pkg / "data" / "ekonomi.xlsx")
    for cell in ("G16", "H16", "I16"):  # Brandkåren: Budget, Utfall, Avvikelse
        book["Drift verksamhet"][cell] = None
    book.save(pkg / "data" / "ekonomi.xlsx")
    code, output = _build(root, capsys)
    assert code == 1
    assert (
        "data/ekonomi.xlsx, blad Drift verksamhet, cell I16: texten använder ett värde som "
        "saknas (cellen är tom) (används i content/kalmar-ks-arsrapport-2022/arsrapport/"
        "10-driftredovisning.md, rad "
    ) in output

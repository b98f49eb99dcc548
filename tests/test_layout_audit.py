"""The layout audit finds what it is meant to find: small documents with one known fault each
(a heading at a page bottom, a total row alone after a page break, words broken in a narrow
column, a table beyond the margin, a half-empty page before a table, a short table parted from
the heading and paragraph that introduce it), rendered by LibreOffice;
and the same documents with the fault mended give no fault."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.shared import Pt

from .layout_audit import SOFFICE, audit_pdf, render_docx
from .layout_audit.alignment import normalize

NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
LINE = '<w:spacing w:before="0" w:after="0" w:line="400" w:lineRule="exact"/>'  # 20 pt
PAGE_LINES = 8  # a page of 300 × 200 pt with 20 pt margins holds 8 lines of 20 pt


def _p(text: str, style: str | None = None, keep_next: bool = False) -> str:
    props = f'<w:pStyle w:val="{style}"/>' if style else ""
    props += "<w:keepNext/>" if keep_next else '<w:keepNext w:val="0"/>'
    props += f'<w:widowControl w:val="0"/>{LINE}'
    run = f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
    return f"<w:p {NS}><w:pPr>{props}</w:pPr>{run}</w:p>"


def _row(cells: list[str], header: bool = False, bold: bool = False, keep: bool = False) -> str:
    trpr = "<w:cantSplit/>" + ("<w:tblHeader/>" if header else "")
    trpr += '<w:trHeight w:val="400" w:hRule="atLeast"/>'
    rpr = "<w:rPr><w:b/></w:rPr>" if bold or header else ""
    ppr = f"<w:pPr>{'<w:keepNext/>' if keep else ''}{LINE}</w:pPr>"
    tcs = "".join(
        f'<w:tc><w:p>{ppr}<w:r>{rpr}<w:t xml:space="preserve">{escape(c)}</w:t></w:r></w:p></w:tc>'
        for c in cells
    )
    return f"<w:tr><w:trPr>{trpr}</w:trPr>{tcs}</w:tr>"


def _table(widths: list[int], rows: list[str]) -> str:
    grid = "".join(f'<w:gridCol w:w="{w * 20}"/>' for w in widths)
    return (
        f'<w:tbl {NS}><w:tblPr><w:tblW w:w="{sum(widths) * 20}" w:type="dxa"/>'
        '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="0" w:type="dxa"/>'
        '<w:right w:w="0" w:type="dxa"/></w:tblCellMar></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )


def _lines(count: int) -> list[str]:
    return [_p(f"Rad {n} av texten.") for n in range(1, count + 1)]


def _body_rows(count: int, keep: bool = False) -> list[str]:
    return [_row([f"Enhet {n}", str(100 * n)], keep=keep) for n in range(1, count + 1)]


HEADER = _row(["Enhet", "Belopp"], header=True)
LEAD = "Risken beskrivs i två rader text ovanför sin tabell med en rad."  # two lines
CASES: dict[str, tuple[list[str], dict[str, int]]] = {
    "heading_at_bottom": (
        [*_lines(PAGE_LINES - 1), _p("Rubrik", "Heading1"), *_lines(3)],
        {"heading_at_bottom": 1},
    ),
    "heading_kept": (
        [*_lines(PAGE_LINES - 1), _p("Rubrik", "Heading1", keep_next=True), *_lines(3)],
        {},
    ),
    "total_alone": (
        [*_lines(4), _table([120, 120], [HEADER, *_body_rows(3),
                                         _row(["Summa", "600"], bold=True)])],
        {"lone_row_after_break": 1},
    ),
    "total_kept": (
        [*_lines(4), _table([120, 120], [HEADER, *_body_rows(2),
                                         _row(["Enhet 3", "300"], keep=True),
                                         _row(["Summa", "600"], bold=True)])],
        {},
    ),
    "narrow_columns": (
        [_table([40, 40], [_row(["Riskkategori", "Startdatum"], header=True),
                           _row(["Verksamhet", "2022-02-18"])])],
        {"header_word_broken": 2, "cell_word_broken": 1, "cell_number_broken": 1},
    ),
    "wide_enough_columns": (
        [_table([90, 90], [_row(["Riskkategori", "Startdatum"], header=True),
                           _row(["Verksamhet", "2022-02-18"])])],
        {},
    ),
    "wide_table": (
        [_table([150, 150], [HEADER, _row(["Enhet 1", "Belopp längst till höger"])])],
        {"beyond_margins": 1},
    ),
    "half_empty": (
        [*_lines(3), _table([120, 120], [_row(["Enhet", "Belopp"], header=True, keep=True),
                                         *_body_rows(6, keep=True), _row(["Sist", "1"])])],
        {"half_empty_before_table": 1},
    ),
    "table_parted_from_lead": (
        [*_lines(PAGE_LINES - 4), _p("Risk", "Heading1", keep_next=True), _p(LEAD),
         _table([120, 120], [_row(["Enhet", "Belopp"], header=True, keep=True), _row(["A", "1"])])],
        {"table_parted_from_lead": 1},
    ),
    "table_kept_with_lead": (
        [*_lines(PAGE_LINES - 4), _p("Risk", "Heading1", keep_next=True), _p(LEAD, keep_next=True),
         _table([120, 120], [_row(["Enhet", "Belopp"], header=True, keep=True), _row(["A", "1"])])],
        {},
    ),
}  # fmt: skip


def _document(blocks: list[str], path: Path) -> Path:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Pt(300), Pt(200)
    section.top_margin = section.bottom_margin = Pt(20)
    section.left_margin = section.right_margin = Pt(30)
    body = doc.element.body
    sect = body.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}sectPr")
    for block in blocks:
        sect.addprevious(parse_xml(block))
    doc.save(str(path))
    return path


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    if SOFFICE is None:
        pytest.skip("LibreOffice saknas (soffice); Debian: libreoffice-writer-nogui")
    work = tmp_path_factory.mktemp("layout-audit")
    documents = {
        name: _document(blocks, work / f"{name}.docx") for name, (blocks, _) in CASES.items()
    }
    pdfs = render_docx(list(documents.values()), work / "pdf")
    return {name: (pdfs[path], path) for name, path in documents.items()}


@pytest.mark.libreoffice
@pytest.mark.parametrize("case", list(CASES))
def test_audit_counts_the_known_fault(rendered, case):
    pdf, source = rendered[case]
    result = audit_pdf(pdf, source)
    assert result.coverage == 1.0
    expected = {kind: CASES[case][1].get(kind, 0) for kind in result.counts}
    assert result.counts == expected, [str(f) for f in result.faults]


def test_normalized_text_ignores_spaces_and_hyphenation_but_keeps_dates():
    assert normalize("Risk- och sårbarhet")[0] == "Riskochsårbarhet"
    assert normalize("Riskkate-\ngori")[0] == "Riskkategori"
    assert normalize("2022-02-18\u00a0kl")[0] == "2022-02-18kl"
    text, where = normalize("a b\u00adc")
    assert text == "abc" and where == [0, 2, 4]

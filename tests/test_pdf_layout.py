"""The PDFs (Typst) pass the same layout audit as the DOCX: nothing stranded at a page bottom,
no header row alone, no broken word or date in a table, nothing beyond the margins. The audit
reads each PDF against the DOCX of the same document (what is a heading, a header row …). A
symbol legend stays on the turned page of the wide table it explains, and a group row drawn
above a table takes the header's fill."""

from __future__ import annotations

import ctypes
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import qn

from kommunrapport.build.pipeline import build_package
from kommunrapport.project.package import discover_packages
from kommunrapport.project.paths import builtin_templates_dir

from .conftest import CONTENT
from .layout_audit import audit_pdf

EXAMPLES = [p.name for p in discover_packages(CONTENT)]


@pytest.mark.parametrize("package_id", EXAMPLES)
def test_pdf_layout_audit_finds_no_fault(built, package_id):
    out = built(package_id)
    pdfs = sorted(out.glob("*.pdf"))
    assert pdfs
    for pdf in pdfs:
        result = audit_pdf(pdf, pdf.with_suffix(".docx"))
        assert result.coverage == 1.0, f"{pdf.name}: {result.placed} av {result.placeable}"
        assert [str(f) for f in result.faults] == [], pdf.name


def test_the_symbol_legend_stays_on_the_landscape_page_of_its_table(built):
    """Örebro 2016: the wide self-assessment table is on a turned page, and the legend that
    explains its symbols (after one paragraph) is on that page too, as in the DOCX."""
    pdf = pdfium.PdfDocument(str(built("orebro-ks-arsberattelse-2016") / "arsberattelse.pdf"))
    try:
        pages = []
        for page in pdf:
            width, height = page.get_size()
            pages.append((width > height, page.get_textpage().get_text_range()))
    finally:
        pdf.close()
    table = next(i for i, (_, text) in enumerate(pages) if "Tabell 1. Självskattning" in text)
    turned, text = pages[table]
    assert turned
    assert "Förklaring symboler" in text and "Redovisas i den kommuntotala" in text
    assert not pages[table + 1][0]  # the next page is upright again


def _fill_header(reference: Path) -> None:
    """A table style whose header rows are dark red with white text."""
    doc = Document(str(reference))
    style = next(s for s in doc.styles if s.style_id == "Table").element
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    for part in style.findall(qn("w:tblStylePr")):
        if part.get(qn("w:type")) == "firstRow":
            part.find(qn("w:tcPr")).append(
                parse_xml(f'<w:shd {ns} w:val="clear" w:color="auto" w:fill="7B2C2C"/>')
            )
            part.find(qn("w:rPr")).append(parse_xml(f'<w:color {ns} w:val="FFFFFF"/>'))
    doc.save(str(reference))


def _filled_at(page, point: tuple[float, float], colour: tuple[int, int, int]) -> bool:
    x, y = point
    for obj in page.get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_PATH], max_depth=10):
        rgba = [ctypes.c_uint() for _ in range(4)]
        pdfium_raw.FPDFPageObj_GetFillColor(obj.raw, *rgba)
        left, bottom, right, top = obj.get_bounds()
        if tuple(c.value for c in rgba[:3]) == colour and left <= x <= right and bottom <= y <= top:
            return True
    return False


def test_group_rows_above_a_table_take_the_header_fill(package_copy, tmp_path):
    """Örebro 2016's Tabell 1 has its group row (Utveckla / Säkra / Hushålla) drawn above the
    table: with a filled header, its white text stands on the same fill."""
    _root, package = package_copy("orebro-ks-arsberattelse-2016")
    reference = package / "templates" / "reference.docx"
    reference.parent.mkdir(exist_ok=True)
    reference.write_bytes((builtin_templates_dir() / "reference.docx").read_bytes())
    _fill_header(reference)
    result = build_package(package, tmp_path / "ut", formats=("pdf",))
    path = next(p for p in result.written if p.suffix == ".pdf")
    pdf = pdfium.PdfDocument(str(path))
    try:
        caption = "Tabell 1. Självskattning"
        page = next(p for p in pdf if caption in p.get_textpage().get_text_range())
        text = page.get_textpage()
        at = text.get_text_range().find("Utveckla: Strategiska")
        left, bottom, right, top = text.get_charbox(at)
        assert _filled_at(page, ((left + right) / 2, (bottom + top) / 2), (0x7B, 0x2C, 0x2C))
    finally:
        pdf.close()

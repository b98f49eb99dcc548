"""The PDFs (Typst) pass the same layout audit as the DOCX: nothing stranded at a page bottom,
no header row alone, no broken word or date in a table, nothing beyond the margins. The audit
reads each PDF against the DOCX of the same document (what is a heading, a header row …). A
symbol legend stays on the turned page of the wide table it explains."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from kommunrapport.project.package import discover_packages

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

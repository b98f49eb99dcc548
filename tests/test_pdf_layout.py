"""The PDFs (Typst) pass the same layout audit as the DOCX: nothing stranded at a page bottom,
no header row alone, no broken word or date in a table, nothing beyond the margins. The audit
reads each PDF against the DOCX of the same document (what is a heading, a header row …)."""

from __future__ import annotations

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

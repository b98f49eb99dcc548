"""Layout audit: the faults a committee secretary would send back, counted on a PDF's pages.

A PDF (LibreOffice's rendering of a DOCX, or a PDF the toolkit wrote) is read with pypdfium2:
every character with its box, grouped into lines. The source DOCX of the same document says
what each line is (heading, caption, table header row, total or comment row), so no font or
size guessing is needed. Counted per document (see ``FAULT_KINDS``): headings and captions
stranded at a page bottom, table header rows without a data row under them, total and comment
rows alone after a page break, words and dates broken inside table cells, text beyond the
margins, pages more than half empty before a table, a contents line alone on a page.

Use it from the tests (``audit_pdf``, ``render_docx``) or from the command line::

    python -m tests.layout_audit output/kalmar-ks-arsrapport-2022/arsrapport.docx
    python -m tests.layout_audit --source arsrapport.docx --margins 22,20,20,20 arsrapport.pdf
"""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .alignment import Placed, place_items
from .pdf_pages import read_pdf
from .rules import FAULT_KINDS, Fault, find_faults
from .source import Margins, read_source

__all__ = ["FAULT_KINDS", "AuditResult", "Fault", "Margins", "audit_pdf", "render_docx"]

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@dataclass
class AuditResult:
    pdf: Path
    source: Path
    pages: int
    faults: list[Fault]
    placed: int  # source items found on the pages
    placeable: int  # source items with text (or images) to find
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.faults)

    @property
    def coverage(self) -> float:
        return self.placed / self.placeable if self.placeable else 1.0


def audit_pdf(pdf: Path, source: Path, margins: Margins | None = None) -> AuditResult:
    """Audit ``pdf`` whose content is the DOCX ``source``; page margins from the DOCX unless
    given (the PDF writer may use other margins than the reference document)."""
    document = read_source(source)
    used = margins or document.margins
    text = read_pdf(pdf, used)
    placed: list[Placed] = place_items(document.items, text)
    faults = find_faults(placed, text, used)
    counts = Counter(fault.kind for fault in faults)
    found = sum(1 for p in placed if p.chars)
    placeable = sum(1 for p in placed if p.item.kind != "image")
    return AuditResult(
        pdf,
        source,
        len(text.pages),
        faults,
        found,
        placeable,
        {kind: counts.get(kind, 0) for kind in FAULT_KINDS},
    )


def render_docx(documents: list[Path], outdir: Path) -> dict[Path, Path]:
    """Convert DOCX files to PDF with LibreOffice (one soffice run); the PDF of each."""
    if SOFFICE is None:
        raise RuntimeError("LibreOffice saknas (soffice); Debian: libreoffice-writer-nogui")
    outdir.mkdir(parents=True, exist_ok=True)
    profile = (outdir / ".profil").resolve().as_uri()
    command = [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--norestore"]
    command += ["--convert-to", "pdf:writer_pdf_Export", "--outdir", str(outdir)]
    subprocess.run(
        command + [str(d) for d in documents], capture_output=True, timeout=600, check=True
    )
    results = {}
    for document in documents:
        pdf = outdir / f"{document.stem}.pdf"
        if not pdf.is_file():
            raise RuntimeError(f"LibreOffice gjorde ingen PDF av {document}")
        results[document] = pdf
    return results

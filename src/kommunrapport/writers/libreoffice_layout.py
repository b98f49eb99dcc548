"""The page of every heading in a DOCX, from LibreOffice's layout of it.

The DOCX's table of contents is a TOC field whose stored result is what a reader sees until
the field is updated (Word asks, Word Online and Protected View never do, LibreOffice shows
it as stored). To have the right page numbers in it, the finished document is laid out once
by LibreOffice (headless, a private profile in a temporary folder) into a PDF, whose outline
lists every heading with its page. The result is cached by the document's bytes, so an
unchanged document is not laid out again. Without LibreOffice, there are no page numbers and
the writer asks Word to update the field when the file is opened.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pypdfium2 as pdfium

from ..project.user_cache import cache_dir, write_quietly

TIMEOUT_SECONDS = 300
# LibreOffice takes about ten seconds a megabyte of document.xml (a table of 20,000 rows, 12 MB:
# more than 100 s). A larger document (the examples' largest has 0.55 MB) is not laid out: its
# table of contents gets its page numbers when Word updates the field, as without LibreOffice.
MAX_LAYOUT_BYTES = 2 * 1024 * 1024


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def heading_pages(docx: bytes) -> list[tuple[str, int]] | None:
    """(heading text, page number) of every heading in document order; None when LibreOffice
    is not installed or could not lay the document out."""
    program = soffice()
    if program is None or _document_size(docx) > MAX_LAYOUT_BYTES:
        return None
    folder = cache_dir("sidnummer")
    key = hashlib.sha256(docx).hexdigest()
    cached = folder / f"{key}.json" if folder is not None else None
    if cached is not None and cached.is_file():
        try:
            return [(str(title), int(page)) for title, page in json.loads(cached.read_text())]
        except (OSError, ValueError, TypeError):
            pass
    pages = _lay_out(program, docx)
    if pages is not None and cached is not None:
        write_quietly(cached, json.dumps(pages, ensure_ascii=False).encode("utf-8"))
    return pages


def _document_size(docx: bytes) -> int:
    """The unpacked size of the DOCX's body (the toolkit wrote it: it is a sound zip file)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return archive.getinfo("word/document.xml").file_size


def _lay_out(program: str, docx: bytes) -> list[tuple[str, int]] | None:
    with tempfile.TemporaryDirectory(prefix="kommunrapport-sidor-") as work:
        folder = Path(work)
        source = folder / "dokument.docx"
        source.write_bytes(docx)
        command = [
            program,
            f"-env:UserInstallation={(folder / 'profil').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(folder),
            str(source),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return None
        pdf_path = folder / "dokument.pdf"
        if not pdf_path.is_file():
            return None
        pdf = pdfium.PdfDocument(str(pdf_path))
        try:
            pages = []
            for bookmark in pdf.get_toc():
                destination = bookmark.get_dest()
                if destination is not None:
                    pages.append((bookmark.get_title(), destination.get_index() + 1))
        finally:
            pdf.close()
        return pages

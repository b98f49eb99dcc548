"""LibreOffice from the tests: convert DOCX files to PDF (headless, a private profile)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


class ConversionError(AssertionError):
    """LibreOffice could not open or convert a document."""


def convert_with_libreoffice(documents: list[Path], workdir: Path) -> dict[Path, Path]:
    """Convert DOCX files to PDF with LibreOffice; the PDF of each, or ConversionError."""
    outdir = workdir / "pdf"
    outdir.mkdir(parents=True, exist_ok=True)
    profile = (workdir / "profil").resolve().as_uri()
    command = [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--norestore"]
    command += ["--convert-to", "pdf:writer_pdf_Export", "--outdir", str(outdir)]
    command += [str(d) for d in documents]
    process = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    if process.returncode != 0:
        raise ConversionError(f"soffice avslutades med {process.returncode}: {process.stderr}")
    errors = [line for line in process.stderr.splitlines() if line.startswith("Error")]
    results: dict[Path, Path] = {}
    for document in documents:
        pdf = outdir / f"{document.stem}.pdf"
        if not pdf.is_file() or pdf.stat().st_size == 0:
            raise ConversionError(f"LibreOffice öppnade inte {document.name}: {errors}")
        results[document] = pdf
    if errors:
        raise ConversionError("; ".join(errors))
    return results

"""Every example DOCX opened in a real word processor: LibreOffice (headless) converts it to PDF
without error, the table of contents lists the headings with page numbers that LibreOffice
computed, and the page count is plausible next to our own PDF of the same document."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from kommunrapport.project.package import discover_packages, load_package

from .conftest import CONTENT, html_soup
from .test_pdf import toc_page_numbers

EXAMPLES = [p.name for p in discover_packages(CONTENT)]
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(
        SOFFICE is None, reason="LibreOffice saknas (soffice); Debian: libreoffice-writer-nogui"
    ),
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext saknas"),
]


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


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")


def page_count(path: Path) -> int:
    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


@pytest.fixture(scope="session")
def libreoffice_pdfs(built, tmp_path_factory):
    """Every example package's DOCX files, converted by LibreOffice once per session."""
    cache: dict[str, dict[Path, Path]] = {}

    def _convert(package_id: str) -> dict[Path, Path]:
        if package_id not in cache:
            out = built(package_id)
            workdir = tmp_path_factory.mktemp(f"lo-{package_id}")
            cache[package_id] = convert_with_libreoffice(sorted(out.glob("*.docx")), workdir)
        return cache[package_id]

    return _convert


@pytest.mark.parametrize("package_id", EXAMPLES)
def test_every_docx_opens_and_converts(libreoffice_pdfs, package_id):
    config = load_package(CONTENT / package_id).config
    converted = libreoffice_pdfs(package_id)
    assert sorted(p.stem for p in converted) == sorted(d.id for d in config.documents)
    for pdf in converted.values():
        assert page_count(pdf) >= 1
        assert pdf_text(pdf).strip(), f"{pdf.name} är tom"


@pytest.mark.parametrize("package_id", EXAMPLES)
def test_toc_has_every_entry_with_a_page_number(libreoffice_pdfs, built, package_id):
    out = built(package_id)
    for docx, pdf in libreoffice_pdfs(package_id).items():
        soup = html_soup(out / f"{docx.stem}.html")
        expected = [" ".join(a.get_text().split()) for a in soup.select("nav.toc a")]
        if not expected:
            continue
        text = pdf_text(pdf)
        assert "Innehållsförteckning" in text, docx.name
        pages = page_count(pdf)
        toc = text[text.index("Innehållsförteckning") :]
        numbers = toc_page_numbers(toc, expected)
        missing = [e for e, n in zip(expected, numbers, strict=True) if n is None]
        assert not missing, f"{docx.name}: saknas i innehållsförteckningen: {missing}"
        assert all(2 <= n <= pages for n in numbers), f"{docx.name}: sidnummer {numbers}"
        assert numbers == sorted(numbers), f"{docx.name}: sidnumren stiger inte: {numbers}"


@pytest.mark.parametrize("package_id", EXAMPLES)
def test_page_count_is_plausible(libreoffice_pdfs, built, package_id):
    """LibreOffice's page count is close to our PDF's: the same text, the same A4 page."""
    out = built(package_id)
    for docx, pdf in libreoffice_pdfs(package_id).items():
        ours = page_count(out / f"{docx.stem}.pdf")
        theirs = page_count(pdf)
        assert ours / 2 <= theirs <= ours * 2 + 1, f"{docx.name}: {theirs} sidor mot våra {ours}"


def test_conversion_check_fails_on_a_broken_docx(tmp_path):
    broken = tmp_path / "trasig.docx"
    broken.write_bytes(b"PK\x03\x04 inte en riktig docx")
    with pytest.raises(ConversionError):
        convert_with_libreoffice([broken], tmp_path / "lo")

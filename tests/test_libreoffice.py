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
from .libreoffice_helpers import SOFFICE, ConversionError, convert_with_libreoffice
from .test_pdf import toc_page_numbers

EXAMPLES = [p.name for p in discover_packages(CONTENT)]

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(
        SOFFICE is None, reason="LibreOffice saknas (soffice); Debian: libreoffice-writer-nogui"
    ),
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext saknas"),
]


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")


def page_count(path: Path) -> int:
    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


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

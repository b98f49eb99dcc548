"""The PDF takes the kommun's look from its reference DOCX: fonts, margins, running header; a
font without a file falls back with a warning (once), never to a system font."""

from __future__ import annotations

import pikepdf
import pypdfium2
from docx import Document
from docx.shared import Cm

from kommunrapport.build.pipeline import build_package
from kommunrapport.writers.reference_docx import make_reference_docx


def _fonts(pdf: pikepdf.Pdf) -> set[str]:
    names = set()
    for page in pdf.pages:
        for font in page.Resources.get("/Font", {}).values():
            descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            names.add(str(descendant.BaseFont).split("+", 1)[-1])
    return names


def test_reference_docx_fonts_margins_and_header_reach_the_pdf(package_copy, tmp_path):
    _root, pkg = package_copy()
    reference = pkg / "templates" / "reference.docx"
    reference.parent.mkdir(parents=True)
    make_reference_docx(reference)
    profile = Document(str(reference))
    profile.styles["Normal"].font.name = "Georgia"  # no font file: Liberation Sans, a warning
    profile.styles["Heading 1"].font.name = "DejaVu Sans"  # ships with matplotlib
    section = profile.sections[0]
    section.left_margin = Cm(4)
    section.header.paragraphs[0].text = "{kommun}\t{diarienummer}"
    profile.save(str(reference))

    result = build_package(pkg, tmp_path / "out", ("pdf",))
    path = next(p for p in result.written if p.name == "arsrapport.pdf")
    warnings = [f.message for f in result.findings.items if f.code == "pdf"]
    assert len([m for m in warnings if "Georgia" in m]) == 1, warnings
    with pikepdf.open(path) as pdf:
        fonts = _fonts(pdf)
    assert "DejaVuSans-Bold" in fonts and "LiberationSans" in fonts, fonts
    assert not any("Georgia" in font for font in fonts)

    document = pypdfium2.PdfDocument(str(path))
    try:
        page = document[2]
        text = page.get_textpage()
        first_line = text.get_text_range().splitlines()[0]
        assert first_line.startswith("Kalmar kommun") and "KS 2022/0231" in first_line
        left = min(
            text.get_charbox(i)[0]
            for i in range(text.count_chars())
            if text.get_text_range(i, 1).strip()
        )
    finally:
        document.close()
    assert abs(left - Cm(4).pt) < 2, left  # the text starts at the kommun's 4 cm margin

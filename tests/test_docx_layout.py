"""Committee-ready DOCX pages: the layout audit finds no fault in any example (rendered by
LibreOffice once per session), the contents list is a real TOC field whose stored result lists
every heading with its page, landscape pages have their own header tab stops, rows keep with
their neighbours, and the kommun's reference document restyles the tables."""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from datetime import datetime
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table

from kommunrapport.build.pipeline import build_package
from kommunrapport.document.ooxml import toc_field
from kommunrapport.document.pandoc_ast import attr, header, para, raw_block, text_inlines
from kommunrapport.project.package import discover_packages
from kommunrapport.project.paths import builtin_templates_dir
from kommunrapport.writers.docx import DocxSettings, write_docx

from .conftest import CONTENT, KALMAR, docx_table
from .layout_audit import audit_pdf
from .libreoffice_helpers import SOFFICE

EXAMPLES = [p.name for p in discover_packages(CONTENT)]


@pytest.mark.parametrize("package_id", EXAMPLES)
@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice saknas (soffice)")
def test_layout_audit_finds_no_fault(libreoffice_pdfs, package_id):
    for docx, pdf in libreoffice_pdfs(package_id).items():
        result = audit_pdf(pdf, docx)
        assert result.coverage == 1.0, f"{docx.name}: {result.placed} av {result.placeable}"
        assert [str(f) for f in result.faults] == [], docx.name


def toc_entries(path: Path) -> tuple[list[tuple[str, str]], str]:
    """(entry text, page) of the TOC field's stored result, and the field's instruction."""
    doc = Document(str(path))
    body = doc.element.body
    instruction = next(
        (i.text or "" for i in body.iter(qn("w:instrText")) if (i.text or "").strip()[:3] == "TOC"),
        "",
    )
    entries = []
    for paragraph in doc.paragraphs:
        if re.fullmatch(r"toc \d", paragraph.style.name):
            number, _, rest = paragraph.text.partition("\t")
            title, _, page = rest.rpartition("\t")
            entries.append((f"{number} {title}" if title else number, page))
    return entries, instruction


def headings(path: Path, depth: int) -> list[str]:
    """The headings Word's TOC field lists when updated: heading styles 1 to ``depth``, except
    paragraphs set to the outline level of body text (headings left out of the contents)."""
    doc = Document(str(path))
    wanted = {f"Heading {level}" for level in range(1, depth + 1)}
    return [
        " ".join(p.text.replace("\u2060", "").split())
        for p in doc.paragraphs
        if p.style.name in wanted and p._p.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}") is None
    ]


@pytest.mark.parametrize("package_id", EXAMPLES)
def test_toc_field_lists_every_heading_with_its_page(built, package_id):
    for path in sorted(built(package_id).glob("*.docx")):
        entries, instruction = toc_entries(path)
        if not entries:
            continue
        depth = int(re.search(r'\\o "1-(\d)"', instruction).group(1))
        assert [" ".join(text.split()) for text, _ in entries] == headings(path, depth)
        settings = zipfile.ZipFile(path).read("word/settings.xml").decode("utf-8")
        if SOFFICE is None:  # no layout to take pages from: Word fills them in on opening
            assert "w:updateFields" in settings
            continue
        pages = [int(page) for _, page in entries]
        assert pages == sorted(pages) and pages[0] >= 2, path.name
        assert "w:updateFields" not in settings  # right as stored, wherever it is opened


@pytest.mark.parametrize("package_id", EXAMPLES)
@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice saknas (soffice)")
def test_toc_pages_are_the_pages_of_the_headings(libreoffice_pdfs, package_id):
    """The stored page numbers are where LibreOffice puts the headings of the same file."""
    for docx, pdf_path in libreoffice_pdfs(package_id).items():
        entries, _ = toc_entries(docx)
        if not entries:
            continue
        pdf = pdfium.PdfDocument(str(pdf_path))
        outline = [(" ".join(b.get_title().replace("\u2060", "").split()),
                    b.get_dest().get_index() + 1) for b in pdf.get_toc()]  # fmt: skip
        pdf.close()
        found = dict(outline)
        for text, page in entries:
            assert found.get(" ".join(text.split())) == int(page), (docx.name, text)


def test_landscape_pages_have_their_own_header_tab_stops(built):
    path = built("orebro-ks-arsberattelse-2016") / "arsberattelse.docx"
    doc = Document(str(path))
    landscape = [s for s in doc.sections if s.orientation == WD_ORIENT.LANDSCAPE]
    assert landscape
    for section in landscape:
        width = section.page_width - section.left_margin - section.right_margin
        stops = [
            t.position for p in section.header.paragraphs for t in p.paragraph_format.tab_stops
        ]
        assert stops and abs(max(stops) - width) < Pt(1), (max(stops), width)
    # the symbol legend under the wide table stays on its landscape page
    body = doc.element.body
    legend = next(t for t in body.iter(qn("w:tbl")) if "Förklaring" in _caption(t))
    section_of_legend = next(
        p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
        for p in legend.itersiblings(qn("w:p"))
        if p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None
    )
    assert section_of_legend.find(qn("w:pgSz")).get(qn("w:orient")) == "landscape"


def _caption(table) -> str:
    caption = table.find(f"{qn('w:tblPr')}/{qn('w:tblCaption')}")
    return caption.get(qn("w:val"), "") if caption is not None else ""


def _keeps(row) -> bool:
    return all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs)


def test_rows_keep_with_their_neighbours_and_long_tables_split(built):
    doc = Document(str(built("orebro-ks-arsberattelse-2022") / "arsberattelse.docx"))
    table = docx_table(doc, "Intäkter och kostnader per kontogrupp, kommunstyrelseförvaltningen")
    rows = list(table.rows)
    header = [
        r for r in rows if r._tr.trPr is not None and r._tr.trPr.find(qn("w:tblHeader")) is not None
    ]
    assert header and all(_keeps(r) for r in header)
    body = rows[len(header) :]
    for before, row in itertools.pairwise(body):
        if row.cells[0].text.startswith("Summa"):  # a total row never starts a page alone
            assert _keeps(before), before.cells[0].text
    # a long table may split between rows
    long = docx_table(doc, "Positiva iakttagelser och förbättringsområden per målområde")
    assert not all(_keeps(r) for r in list(long.rows)[1:-1])


def test_a_short_table_keeps_the_heading_and_paragraph_that_introduce_it(built):
    """A risk: its heading, its description and its one-row table move to a page together."""
    doc = Document(str(built(KALMAR) / "intern_kontroll.docx"))
    body = list(doc.element.body.iterchildren())
    leads = [
        (paragraph, table)
        for heading, paragraph, table in zip(body, body[1:], body[2:], strict=False)
        if heading.tag == paragraph.tag == qn("w:p")
        and table.tag == qn("w:tbl")
        and heading.style is not None
        and heading.style.startswith("Heading")
        and len(table.findall(qn("w:tr"))) == 2
    ]
    assert len(leads) > 20
    for paragraph, table in leads:
        header = Table(table, doc).rows[0]
        assert _keeps(header)
        assert paragraph.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None, "".join(
            t.text or "" for t in paragraph.iter(qn("w:t"))
        )


def _restyle(reference: Path) -> None:
    """Another kommun's look: red header rule, yellow totals, a serif table font."""
    doc = Document(str(reference))
    style = next(s for s in doc.styles if s.style_id == "Table").element
    for borders in [*style.iter(qn("w:tcBorders")), *style.iter(qn("w:tblBorders"))]:
        for border in borders.iter(qn("w:bottom")):
            border.set(qn("w:color"), "C00000")
    for shading in style.iter(qn("w:shd")):
        shading.set(qn("w:fill"), "FFF2CC")
    cell_style = next(s for s in doc.styles if s.name == "Tabelltext")
    cell_style.font.name = "DejaVu Serif"  # a font the PDF can embed too (matplotlib's)
    cell_style.font.size = Pt(10)
    doc.save(str(reference))


def _pdf_colours(path: Path) -> tuple[set[str], set[str]]:
    """(stroke colours, fill colours) the PDF's pages set, as hex."""
    strokes: set[str] = set()
    fills: set[str] = set()
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) in ("SCN", "scn", "RG", "rg") and len(operands) == 3:
                    colour = "".join(f"{round(float(v) * 255):02X}" for v in operands)
                    (strokes if str(operator) in ("SCN", "RG") else fills).add(colour)
    return strokes, fills


def _pdf_fonts(path: Path) -> set[str]:
    with pikepdf.open(path) as pdf:
        return {
            str(font.get("/BaseFont", "")).split("+", 1)[-1]
            for page in pdf.pages
            for font in page.Resources.get("/Font", {}).values()
        }


def test_a_reference_with_another_table_style_and_font_restyles_the_tables(
    package_copy, built, tmp_path, monkeypatch
):
    monkeypatch.setattr("kommunrapport.writers.libreoffice_layout.soffice", lambda: None)
    _root, package = package_copy(KALMAR)
    (package / "templates").mkdir(exist_ok=True)
    reference = package / "templates" / "reference.docx"
    reference.write_bytes((Path(__file__).parents[1] / "templates" / "reference.docx").read_bytes())
    _restyle(reference)
    result = build_package(package, tmp_path / "ut", formats=("docx", "pdf"))
    ours = next(p for p in result.written if p.name == "arsrapport.docx")
    default = built(KALMAR) / "arsrapport.docx"
    caption = "Driftredovisning"
    new, old = (docx_table(Document(io.BytesIO(p.read_bytes())), caption) for p in (ours, default))
    new_xml, old_xml = new._tbl.xml, old._tbl.xml
    assert 'w:tblStyle w:val="Table"' in new_xml
    assert 'w:color="C00000"' in new_xml and 'w:color="C00000"' not in old_xml  # header rule
    assert 'w:fill="FFF2CC"' in new_xml and 'w:fill="FFF2CC"' not in old_xml  # total rows
    widths = [g.get(qn("w:w")) for g in new._tbl.tblGrid.iter(qn("w:gridCol"))]
    assert widths != [g.get(qn("w:w")) for g in old._tbl.tblGrid.iter(qn("w:gridCol"))]
    styles = zipfile.ZipFile(ours).read("word/styles.xml").decode("utf-8")
    assert 'w:ascii="DejaVu Serif"' in styles
    # the PDF's tables take the same style: the red rules, the yellow totals, the serif font
    pdf, default_pdf = ours.with_suffix(".pdf"), default.with_suffix(".pdf")
    (strokes, fills), (old_strokes, old_fills) = _pdf_colours(pdf), _pdf_colours(default_pdf)
    assert "C00000" in strokes and "C00000" not in old_strokes, strokes
    assert "FFF2CC" in fills and "FFF2CC" not in old_fills, fills
    assert "E6EBF1" in old_fills and "E6EBF1" not in fills  # the default total fill is gone
    fonts, old_fonts = _pdf_fonts(pdf), _pdf_fonts(default_pdf)
    assert "DejaVuSerif" in fonts and "DejaVuSerif" not in old_fonts, fonts
    assert not [f for f in result.findings.items if "DejaVu Serif" in f.message]


def test_without_a_layout_word_fills_in_the_pages_when_it_opens_the_file(monkeypatch, tmp_path):
    """No LibreOffice: the TOC field holds its entries, and Word is asked to update it."""
    monkeypatch.setattr("kommunrapport.writers.libreoffice_layout.soffice", lambda: None)
    entries = [(1, "1", "Inledning", "inledning"), (2, "1.1", "Bakgrund", "bakgrund")]
    blocks = [
        raw_block("openxml", toc_field(entries, "Innehållsförteckning", 2)),
        header(1, text_inlines("1 Inledning"), attr("inledning")),
        header(2, text_inlines("1.1 Bakgrund"), attr("bakgrund")),
        para(text_inlines("Text.")),
    ]
    settings = DocxSettings(
        reference_doc=builtin_templates_dir() / "reference.docx",
        title="Prov",
        subject="Prov",
        author="Prov",
        placeholders={},
        timestamp=datetime(2023, 1, 26),
        update_fields_on_open=True,
    )
    path = tmp_path / "prov.docx"
    path.write_bytes(write_docx(blocks, settings))
    assert [text for text, _ in toc_entries(path)[0]] == ["1 Inledning", "1.1 Bakgrund"]
    element = Document(str(path)).settings.element
    update = element.find(qn("w:updateFields"))
    assert update is not None and update.get(qn("w:val")) == "true"
    names = [child.tag.rsplit("}", 1)[-1] for child in element]
    assert names.index("updateFields") < names.index("themeFontLang")  # schema order

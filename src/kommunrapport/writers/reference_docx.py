"""Make the default reference DOCX: the styles, page and header/footer of every DOCX we write.

A kommun replaces ``templates/reference.docx`` with its own graphic profile (run
``kommunrapport referensdokument min-profil.docx`` for a starting point and edit its styles in
Word). Header and footer may hold the placeholders ``{titel}``, ``{kommun}``, ``{nämnd}``,
``{diarienummer}``, ``{datum}``, ``{sida}`` and ``{sidor}``; the build fills them in, with
``{sida}``/``{sidor}`` as live page-number fields.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from .pandoc import run_pandoc

BODY_FONT = "Arial"
HEADING_FONT = "Arial"
SYMBOL_FONT = "Segoe UI Symbol"
ACCENT = RGBColor(0x1F, 0x3A, 0x5F)
TEXT = RGBColor(0x1A, 0x1A, 0x1A)
RULE = "C9D1DA"  # thin rules between table rows
TOTAL_FILL = "E6EBF1"  # the background of total rows

A4_WIDTH, A4_HEIGHT = Cm(21.0), Cm(29.7)
MARGIN_SIDE, MARGIN_TOP, MARGIN_BOTTOM = Cm(2.5), Cm(2.5), Cm(2.2)


def _font(style, name: str, size: float, bold: bool | None = None, color=TEXT) -> None:
    style.font.name = name
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), name)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        if fonts.get(qn(attribute)) is not None:
            del fonts.attrib[qn(attribute)]
    style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold
    style.font.italic = False
    if color is not None:
        style.font.color.rgb = color


def _find_style(doc, name: str):
    """A style by its name (not its id), case-insensitively; None if it does not exist."""
    wanted = name.lower()
    return next((s for s in doc.styles if (s.name or "").lower() == wanted), None)


def _paragraph_style(doc, name: str, base: str | None = "Normal"):
    styles = doc.styles
    existing = _find_style(doc, name)
    if existing is not None:
        return existing
    else:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        if base:
            style.base_style = styles[base]
        style.quick_style = True
        return style


def _character_style(doc, name: str):
    existing = _find_style(doc, name)
    return existing if existing is not None else doc.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)


def _spacing(style, before: float = 0, after: float = 6, line: float | None = None) -> None:
    fmt = style.paragraph_format
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    if line is not None:
        fmt.line_spacing = line


def _configure_styles(doc) -> None:
    normal = doc.styles["Normal"]
    _font(normal, BODY_FONT, 10.5)
    _spacing(normal, 0, 6, 1.15)
    for name in ("Body Text", "First Paragraph"):
        style = _paragraph_style(doc, name)
        _font(style, BODY_FONT, 10.5)
        _spacing(style, 0, 8, 1.15)
    compact = _paragraph_style(doc, "Compact")
    _spacing(compact, 0, 2, 1.1)

    sizes = {1: 17, 2: 14, 3: 12, 4: 11, 5: 10.5, 6: 10.5}
    before = {1: 18, 2: 14, 3: 12, 4: 10, 5: 8, 6: 8}
    for level, size in sizes.items():
        style = doc.styles[f"Heading {level}"]
        _font(style, HEADING_FONT, size, bold=True, color=ACCENT)
        _spacing(style, before[level], 6)
        style.paragraph_format.keep_with_next = True
        style.paragraph_format.keep_together = True

    title = doc.styles["Title"]
    _font(title, HEADING_FONT, 30, bold=True, color=ACCENT)
    _spacing(title, 150, 12, 1.0)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    subtitle = doc.styles["Subtitle"]
    _font(subtitle, HEADING_FONT, 16, bold=False, color=ACCENT)
    _spacing(subtitle, 0, 24)
    subtitle.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT

    for name, size, bold, after in (
        ("Omslag kommun", 14, True, 4),
        ("Omslag namnd", 14, False, 220),
        ("Omslag metadata", 10.5, False, 2),
        ("Omslag bilaga", 12, True, 0),
    ):
        style = _paragraph_style(doc, name)
        _font(style, HEADING_FONT, size, bold=bold, color=ACCENT)
        _spacing(style, 0, after)

    toc_heading = _paragraph_style(doc, "TOC Heading", "Heading 1")
    _font(toc_heading, HEADING_FONT, 17, bold=True, color=ACCENT)
    # body text level: Word's table of contents, when updated, must not list its own heading
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), "9")
    toc_heading.element.get_or_add_pPr().append(outline)
    for level in range(1, 5):
        style = _paragraph_style(doc, f"toc {level}")
        style.element.set(qn("w:styleId"), f"TOC{level}")  # Word's own id for the TOC styles
        _font(style, BODY_FONT, 10.5, bold=(level == 1), color=TEXT)
        _spacing(style, 6 if level == 1 else 0, 2)
        fmt = style.paragraph_format
        fmt.left_indent = Cm(0.6 * (level - 1))
        fmt.tab_stops.add_tab_stop(
            A4_WIDTH - 2 * MARGIN_SIDE, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
        )

    for name in ("Caption", "Table Caption", "Image Caption"):
        style = _paragraph_style(doc, name)
        _font(style, BODY_FONT, 9.5, bold=True, color=TEXT)
        _spacing(style, 8, 4)
        style.paragraph_format.keep_with_next = name == "Table Caption"

    for name, size, italic in (("Tabelltext", 9.5, False), ("Tabellkalla", 8.5, True)):
        style = _paragraph_style(doc, name)
        _font(style, BODY_FONT, size)
        style.font.italic = italic
        _spacing(style, 0, 0, 1.0)
    # exact line height in table cells: a status symbol (a font with a taller ascent) would
    # otherwise push its text below the baseline of the figures in the same row
    doc.styles["Tabelltext"].paragraph_format.line_spacing = Pt(11.5)
    doc.styles["Tabellkalla"].paragraph_format.space_after = Pt(10)
    doc.styles["Tabellkalla"].paragraph_format.space_before = Pt(3)

    for name, size, bold in (
        ("Memo avsandare", 11, True),
        ("Memo dokumenttyp", 12, True),
        ("Memo falt", 9, False),
        ("Memo faltvarde", 10.5, False),
        ("Underskrift namn", 10.5, False),
        ("Underskrift titel", 10.5, False),
    ):
        style = _paragraph_style(doc, name)
        _font(style, BODY_FONT, size, bold=bold)
        _spacing(style, 0, 0, 1.0)
    doc.styles["Underskrift namn"].paragraph_format.space_before = Pt(30)

    for name in ("Header", "Footer"):
        style = _paragraph_style(doc, name)
        _font(style, BODY_FONT, 8.5, color=RGBColor(0x44, 0x44, 0x44))
        _spacing(style, 0, 0)

    symbol = _character_style(doc, "Statussymbol")
    symbol.font.name = SYMBOL_FONT
    rpr = symbol.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), SYMBOL_FONT)

    hyperlink = doc.styles["Hyperlink"]
    hyperlink.font.color.rgb = ACCENT


def _border(side: str, size: int, color: str) -> str:
    return f'<w:{side} w:val="single" w:sz="{size}" w:space="0" w:color="{color}"/>'


def _configure_table_style(doc) -> None:
    """The table style "Table" (pandoc's, used by every table we write): rules above and
    below the table and between rows, a bold header row with a rule under it, and a bold,
    shaded total row between two rules. Word calls the parts "Header Row" and "Total Row"."""
    accent = str(ACCENT)
    style = next(s for s in doc.styles if s.style_id == "Table")
    element = style.element
    for old in element.findall(qn("w:tblPr")) + element.findall(qn("w:tblStylePr")):
        element.remove(old)
    namespace = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    borders = _border("top", 8, accent) + _border("bottom", 8, accent)
    borders += _border("insideH", 2, RULE)
    margins = (
        '<w:top w:w="0" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="85" w:type="dxa"/>'
    )
    bold = "<w:rPr><w:b/><w:bCs/></w:rPr>"
    parts = [
        f'<w:tblPr {namespace}><w:tblInd w:w="0" w:type="dxa"/>'
        f"<w:tblBorders>{borders}</w:tblBorders><w:tblCellMar>{margins}</w:tblCellMar></w:tblPr>",
        f'<w:tblStylePr {namespace} w:type="firstRow">{bold}<w:tcPr><w:tcBorders>'
        f'{_border("bottom", 8, accent)}</w:tcBorders><w:vAlign w:val="bottom"/></w:tcPr>'
        "</w:tblStylePr>",
        f'<w:tblStylePr {namespace} w:type="lastRow">{bold}<w:tcPr><w:tcBorders>'
        f"{_border('top', 8, accent)}{_border('bottom', 8, accent)}</w:tcBorders>"
        f'<w:shd w:val="clear" w:color="auto" w:fill="{TOTAL_FILL}"/></w:tcPr></w:tblStylePr>',
    ]
    for part in parts:
        element.append(parse_xml(part))


def _configure_page(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = A4_WIDTH, A4_HEIGHT
    section.left_margin = section.right_margin = MARGIN_SIDE
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.header_distance = Cm(1.0)
    section.footer_distance = Cm(1.0)
    section.start_type = WD_SECTION.NEW_PAGE
    section.different_first_page_header_footer = True
    width = A4_WIDTH - 2 * MARGIN_SIDE

    header = section.header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0]
    paragraph.style = doc.styles["Header"]
    paragraph.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
    paragraph.text = "{titel}\t{kommun}"

    footer = section.footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.style = doc.styles["Footer"]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.text = "Sida {sida} av {sidor}"

    first_header = section.first_page_header
    first_header.is_linked_to_previous = False
    first_footer = section.first_page_footer
    first_footer.is_linked_to_previous = False


def _settings(doc) -> None:
    settings = doc.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is None:
        lang = OxmlElement("w:themeFontLang")
        settings.append(lang)
    lang.set(qn("w:val"), "sv-SE")


def make_reference_docx(path: Path) -> None:
    """Write the default reference DOCX to ``path``."""
    default = run_pandoc(["--print-default-data-file", "reference.docx"], b"")
    doc = Document(io.BytesIO(default))
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    _configure_styles(doc)
    _configure_table_style(doc)
    _configure_page(doc)
    _settings(doc)
    for style in doc.styles:
        rpr = style.element.rPr
        if rpr is not None:
            lang = rpr.find(qn("w:lang"))
            if lang is not None:
                lang.set(qn("w:val"), "sv-SE")
    doc.core_properties.title = "Referensdokument för kommunrapport"
    doc.core_properties.author = "kommunrapport"
    doc.core_properties.language = "sv-SE"
    doc.save(str(path))

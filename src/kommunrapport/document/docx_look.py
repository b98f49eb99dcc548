"""The look of generated Word tables, read from the reference document.

A kommun restyles its tables in Word: the table style "Table" (borders of the table, its
header row as "Header Row" and its total rows as "Total Row" conditional formatting) and the
paragraph style "Tabelltext" (font, size, line height). Generated tables name the table style
and repeat its formatting on the cells it applies to (a total row in the middle of a table is
not the table's last row, and not every program applies conditional formatting), so nothing of
the look is written in code. A reference document whose "Table" style has no header and total
formatting borrows them from the toolkit's default reference document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Length
from lxml import etree

from .text_metrics import TextMeasure

TABLE_STYLE = "Table"
CELL_STYLE = "Tabelltext"
A4_HEIGHT = 10692130  # EMU, when the reference does not say


@dataclass(frozen=True)
class RunLook:
    bold: bool = False
    italic: bool = False
    color: str = ""  # <w:color …/> or nothing

    def props(self, bold: bool | None = None, italic: bool | None = None) -> str:
        """Run properties in schema order; ``bold``/``italic`` override the look's."""
        out = "<w:b/><w:bCs/>" if (self.bold if bold is None else bold) else ""
        out += "<w:i/><w:iCs/>" if (self.italic if italic is None else italic) else ""
        return out + self.color


def _run_look(part) -> RunLook:
    rpr = _rpr(part)
    if rpr is None:
        return RunLook()

    def on(name: str) -> bool:
        element = rpr.find(qn(f"w:{name}"))
        return element is not None and element.get(qn("w:val")) not in ("0", "false", "off")

    return RunLook(on("b"), on("i"), _children(rpr, "color"))


@dataclass(frozen=True)
class TableLook:
    """Formatting (OpenXML fragments) of a table's parts, from the reference's table style."""

    style_id: str
    borders: str  # <w:tblBorders> of the table
    cell_margins: str  # <w:tblCellMar>
    margin_twips: int  # left + right cell margin
    header_cell: str  # <w:tcBorders>, <w:shd> … of a header cell
    header_text: RunLook  # bold, italic and colour of a header cell's text
    total_cell: str
    total_text: RunLook
    subtotal_cell: str  # the total row's top border, thinner: a subtotal closes a group


@dataclass(frozen=True)
class DocxLook:
    table: TableLook
    cell_text: TextMeasure  # font and size of "Tabelltext"
    cell_line_pt: float  # line height of "Tabelltext"
    body_text: TextMeasure  # font and size of "Body Text"
    page_text_height_pt: float  # the page's height between the margins


def _xml(element) -> str:
    text = etree.tostring(element, encoding="unicode")
    return re.sub(r'\s+xmlns:\w+="[^"]+"', "", text)


def _children(parent, *names: str) -> str:
    if parent is None:
        return ""
    return "".join(_xml(child) for name in names for child in parent.findall(qn(f"w:{name}")))


def _conditional(style, kind: str):
    for part in style.findall(qn("w:tblStylePr")):
        if part.get(qn("w:type")) == kind:
            return part
    return None


def _thinner(borders: str) -> str:
    """The top border of ``borders`` at half its size (a subtotal's rule)."""
    match = re.search(r"<w:top\b[^>]*/>", borders)
    if not match:
        return ""
    top = re.sub(
        r'w:sz="(\d+)"', lambda m: f'w:sz="{max(int(m.group(1)) // 2, 2)}"', match.group(0)
    )
    return f"<w:tcBorders>{top}</w:tcBorders>"


def _table_style(styles_root, style_id: str):
    for style in styles_root.findall(qn("w:style")):
        if style.get(qn("w:styleId")) == style_id and style.get(qn("w:type")) == "table":
            return style
    return None


def read_table_look(reference: Path, fallback: Path | None = None) -> TableLook:
    doc = Document(str(reference))
    style = _table_style(doc.styles.element, TABLE_STYLE)
    header = _conditional(style, "firstRow") if style is not None else None
    total = _conditional(style, "lastRow") if style is not None else None
    if (total is None or header is None) and fallback is not None and fallback != reference:
        return read_table_look(fallback)
    tblpr = style.find(qn("w:tblPr")) if style is not None else None
    margins = tblpr.find(qn("w:tblCellMar")) if tblpr is not None else None
    margin = 0
    if margins is not None:
        for side in ("left", "right", "start", "end"):
            element = margins.find(qn(f"w:{side}"))
            if element is not None and (element.get(qn("w:w")) or "").isdigit():
                margin += int(element.get(qn("w:w")))
    total_cell = _children(_tcpr(total), "tcBorders", "shd")
    return TableLook(
        style_id=TABLE_STYLE,
        borders=_children(tblpr, "tblBorders"),
        cell_margins=_xml(margins) if margins is not None else "",
        margin_twips=margin or 216,
        header_cell=_children(_tcpr(header), "tcBorders", "shd", "vAlign"),
        header_text=_run_look(header),
        total_cell=total_cell,
        total_text=_run_look(total),
        subtotal_cell=_thinner(total_cell),
    )


def _tcpr(part):
    return part.find(qn("w:tcPr")) if part is not None else None


def _rpr(part):
    return part.find(qn("w:rPr")) if part is not None else None


def _style_value(doc, style_name: str, attribute: str):
    """A font property of a paragraph style, following its base styles to the defaults."""
    style = next((s for s in doc.styles if s.name == style_name), None)
    while style is not None:
        value = getattr(style.font, attribute)
        if value is not None:
            return value
        style = style.base_style
    return None


def _theme_font(doc) -> str | None:
    """The minor (body) Latin font of the document's theme."""
    for rel in doc.part.rels.values():
        if rel.reltype.endswith("/theme"):
            root = etree.fromstring(rel.target_part.blob)
            ns = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
            found = root.find(".//a:minorFont/a:latin", ns)
            if found is not None:
                return found.get("typeface")
    return None


def _measure(doc, style_name: str) -> TextMeasure:
    name = _style_value(doc, style_name, "name") or _theme_font(doc) or "Liberation Sans"
    size = _style_value(doc, style_name, "size")
    return TextMeasure(name, size.pt if size is not None else 11.0)


@lru_cache(maxsize=16)
def _read_look(reference: Path, fallback: Path | None, stamp: float) -> DocxLook:
    doc = Document(str(reference))
    cell_style = next((s for s in doc.styles if s.name == CELL_STYLE), None)
    line = cell_style.paragraph_format.line_spacing if cell_style is not None else None
    measure = _measure(doc, CELL_STYLE)
    line_pt = line.pt if isinstance(line, Length) else measure.size * 1.2
    section = doc.sections[0]
    page = section.page_height or A4_HEIGHT
    height = (page - (section.top_margin or 0) - (section.bottom_margin or 0)) / 12700
    return DocxLook(
        table=read_table_look(reference, fallback),
        cell_text=measure,
        cell_line_pt=line_pt,
        body_text=_measure(doc, "Body Text"),
        page_text_height_pt=height,
    )


def read_look(reference: Path, fallback: Path | None = None) -> DocxLook:
    """The look of ``reference`` (cached while the file is unchanged)."""
    return _read_look(reference, fallback, reference.stat().st_mtime)

"""A :class:`RenderTable` as a Word table (OpenXML for a pandoc raw block).

Column widths computed from the reference document's real text width, number columns
right-aligned, header rows repeated on every page, rows that do not split, bold total rows, a
caption "Tabell N" with a real SEQ field and a bookmark for cross-references, and the caption
and description in the table properties for accessibility.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from .blocks import RenderContext
from .ooxml import bookmark, paragraph, text_run
from .ooxml import field as ooxml_field
from .table_widths import column_widths

if TYPE_CHECKING:
    from .table_model import Cell, RenderTable, RowKind

LANDSCAPE_MARKER = "KR-LANDSCAPE"
KEEP_TOGETHER_ROWS = 15  # tables up to this many body rows are not split across pages

_BORDER = '<w:{side} w:val="single" w:sz="{size}" w:space="0" w:color="{color}"/>'


def _borders(*sides: tuple[str, int, str]) -> str:
    return "".join(_BORDER.format(side=s, size=z, color=c) for s, z, c in sides)


def _cell_xml(
    cell: Cell, width: int, row_kind: RowKind, header: bool, keep_next: bool = False
) -> str:
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if cell.colspan > 1:
        props += f'<w:gridSpan w:val="{cell.colspan}"/>'
    borders = ""
    if header:
        borders = _borders(("bottom", 8, "1F3A5F"))
    elif row_kind == "total":
        borders = _borders(("top", 8, "1F3A5F"), ("bottom", 8, "1F3A5F"))
    elif row_kind == "subtotal":
        borders = _borders(("top", 4, "1F3A5F"))
    if borders:
        props += f"<w:tcBorders>{borders}</w:tcBorders>"
    if row_kind == "total":
        props += '<w:shd w:val="clear" w:color="auto" w:fill="E6EBF1"/>'
    props += '<w:vAlign w:val="bottom"/>' if header else ""
    bold = header or (cell.bold if cell.bold is not None else row_kind in ("total", "subtotal"))
    italic = cell.italic if cell.italic is not None else row_kind == "varav"
    runs = ""
    if cell.symbol:
        color = f'<w:color w:val="{cell.symbol_color.lstrip("#")}"/>' if cell.symbol_color else ""
        runs += (
            f'<w:r><w:rPr><w:rStyle w:val="Statussymbol"/>{color}</w:rPr>'
            f'<w:t xml:space="preserve">{escape(cell.symbol)} </w:t></w:r>'
        )
    runs += text_run(cell.text, bold=bold, italic=italic) if cell.text else ""
    align = {"right": "right", "center": "center"}.get(cell.align)
    indent = f'<w:ind w:left="{cell.indent * 227}"/>' if cell.indent else ""
    para = paragraph(runs, style="Tabelltext", align=align, keep_next=keep_next, extra_ppr=indent)
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{para}</w:tc>"


def _row_xml(
    cells: list[Cell], widths: list[int], kind: RowKind, header: bool, keep_next: bool = False
) -> str:
    trpr = "<w:cantSplit/>" + ("<w:tblHeader/>" if header else "")
    out = [f"<w:tr><w:trPr>{trpr}</w:trPr>"]
    position = 0
    for cell in cells:
        width = sum(widths[position : position + cell.colspan])
        out.append(_cell_xml(cell, width, kind, header, keep_next))
        position += cell.colspan
    out.append("</w:tr>")
    return "".join(out)


def caption_docx(
    label: str,
    number: int | None,
    text: str,
    anchor: str | None,
    separator: str,
    style: str = "TableCaption",
) -> str:
    """ "Tabell 3. Text" with the number as a SEQ field inside a bookmark for REF fields."""
    if number is None:
        return paragraph(text_run(text), style=style, keep_next=True)
    seq = ooxml_field(f"SEQ {label} \\* ARABIC", str(number))
    if anchor:
        seq = bookmark(f"{anchor}_nr", seq, _bookmark_id(anchor))
    runs = text_run(f"{label} ") + seq + text_run(f"{separator}{text}")
    content = bookmark(anchor, runs, _bookmark_id(anchor) + 1) if anchor else runs
    return paragraph(content, style=style, keep_next=True)


def _bookmark_id(anchor: str) -> int:
    """A stable numeric bookmark id from the anchor (deterministic output)."""
    value = 0
    for char in anchor:
        value = (value * 131 + ord(char)) % 900_000
    return 100_000 + value * 2


def docx_table(table: RenderTable, ctx: RenderContext, number: int | None) -> str:
    total_width = ctx.text_width_twips
    if table.landscape:
        total_width = int(ctx.extra.get("landscape_width_twips", total_width * 1.45))
    widths = column_widths(table, total_width)
    parts: list[str] = []
    if table.landscape:
        parts.append(paragraph(text_run(LANDSCAPE_MARKER + "-START")))
    label = ctx.labels["tabell"]
    separator = ctx.labels.get("bildtext_skiljetecken", ". ")
    if table.caption and not table.caption_hidden:
        parts.append(caption_docx(label, number, table.caption, table.anchor, separator))
    caption_attr = (
        f"<w:tblCaption w:val={quoteattr(f'{label} {number}' if number else table.caption)}/>"
        f"<w:tblDescription w:val={quoteattr(table.caption)}/>"
        if table.caption
        else ""
    )
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    borders = _borders(("top", 8, "1F3A5F"), ("bottom", 8, "1F3A5F"), ("insideH", 2, "C9D1DA"))
    parts.append(
        "<w:tbl><w:tblPr>"
        '<w:tblStyle w:val="Table"/>'
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
        f"<w:tblBorders>{borders}</w:tblBorders>"
        '<w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/>'
        "</w:tblCellMar>"
        '<w:tblLook w:val="0420" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
        'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'
        f"{caption_attr}</w:tblPr><w:tblGrid>{grid}</w:tblGrid>"
    )
    # Word keeps a row on the page of the next one when its paragraphs are "keep with next":
    # header rows always stay with the first body row, and a short table stays in one piece.
    keep_whole = len(table.rows) <= KEEP_TOGETHER_ROWS
    for header in table.header_rows:
        parts.append(_row_xml(header, widths, "body", header=True, keep_next=True))
    for index, row in enumerate(table.rows):
        last = index == len(table.rows) - 1
        # a group heading row never ends a page: it stays with the rows it introduces
        keep = (keep_whole or row.kind == "group") and not last
        parts.append(_row_xml(row.cells, widths, row.kind, header=False, keep_next=keep))

    parts.append("</w:tbl>")
    for index, note in enumerate(table.notes, 1):
        marker = f"{index}) " if len(table.notes) > 1 else ""
        parts.append(paragraph(text_run(marker + note), style="Tabellkalla"))
    if table.source:
        parts.append(
            paragraph(text_run(f"{ctx.labels['kalla']}: {table.source}"), style="Tabellkalla")
        )
    if not table.notes and not table.source:
        parts.append('<w:p><w:pPr><w:spacing w:before="0" w:after="120"/></w:pPr></w:p>')
    if table.landscape:
        parts.append(paragraph(text_run(LANDSCAPE_MARKER + "-END")))
    return "".join(parts)

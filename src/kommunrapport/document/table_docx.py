"""A :class:`RenderTable` as a Word table (OpenXML for a pandoc raw block).

The look comes from the reference document (``docx_look``: its table style "Table", repeated
on header and total cells, and the font of "Tabelltext"); column widths are measured in that
font (``table_widths``), the same for every table of one kind. Number columns are
right-aligned, header rows repeat on every page, rows never split, and the caption "Tabell N"
has a real SEQ field and a bookmark for cross-references; caption and description are also in
the table properties for accessibility.

Pagination (Word's "keep with next" on the paragraphs of a row keeps it on the page of the
next row): header rows stay with the first body row, a group heading with the rows under it,
a total, subtotal or comment row with the row before it, and a table short enough to move
without leaving half a page empty stays in one piece. Longer tables split between rows, with
the header repeated.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..project.paths import builtin_templates_dir
from ..text.typography import join_year_ranges, typeset
from .blocks import RenderContext
from .docx_look import DocxLook, RunLook, read_look
from .ooxml import bookmark, paragraph, text_run
from .ooxml import field as ooxml_field
from .rich_cells import rich_docx
from .table_widths import TableKinds, column_widths, measure_columns, pieces
from .xml_text import escape, quoteattr

if TYPE_CHECKING:
    from .table_model import Cell, RenderTable, Row, RowKind

LANDSCAPE_MARKER = "KR-LANDSCAPE"
KEEP_WHOLE_SHARE = 0.45  # a table up to this share of the page's height is kept in one piece
KEPT_WITH_PREVIOUS = ("total", "subtotal", "comment")
_DATE = re.compile(r"(?<![\d-])(\d{4})-(\d\d)-(\d\d)(?![\d-])")


def _text(text: str) -> str:
    """Text typeset, with ranges of years joined so that Word does not break them."""
    return join_year_ranges(typeset(text))


def table_look(ctx: RenderContext) -> DocxLook:
    """The reference document's look (set by the build), else the toolkit's default."""
    look = ctx.extra.get("docx_look")
    if look is None:
        look = read_look(builtin_templates_dir() / "reference.docx")
        ctx.extra["docx_look"] = look
    return look


def _run_props(cell: Cell, kind: RowKind, header: bool, look: DocxLook) -> str:
    italic = cell.italic if cell.italic is not None else (None if header else kind == "varav")
    if header:
        return look.table.header_text.props(cell.bold, italic)
    if kind in ("total", "subtotal"):
        return look.table.total_text.props(cell.bold, italic)
    return RunLook().props(bool(cell.bold), bool(italic))


def _cell_xml(
    cell: Cell, width: int, kind: RowKind, header: bool, look: DocxLook, keep_next: bool
) -> str:
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if cell.colspan > 1:
        props += f'<w:gridSpan w:val="{cell.colspan}"/>'
    if cell.rowspan > 1:  # a grouping column's cell over the equal cells below it
        props += '<w:vMerge w:val="restart"/>'
    elif cell.spanned:
        props += "<w:vMerge/>"
    if header:
        props += look.table.header_cell
    elif kind == "total":
        props += look.table.total_cell
    elif kind == "subtotal":
        props += look.table.subtotal_cell
    runs = ""
    if cell.symbol:
        color = f'<w:color w:val="{cell.symbol_color.lstrip("#")}"/>' if cell.symbol_color else ""
        runs += (
            f'<w:r><w:rPr><w:rStyle w:val="Statussymbol"/>{color}</w:rPr>'
            f'<w:t xml:space="preserve">{escape(cell.symbol)} </w:t></w:r>'
        )
    if cell.text and cell.rich is None:
        text = _DATE.sub("\\1\u2011\\2\u2011\\3", _text(cell.text))  # a date never breaks
        runs += text_run(text, extra_props=_run_props(cell, kind, header, look))
    align = {"right": "right", "center": "center"}.get(cell.align)
    if cell.rich is not None:  # Markdown of a text cell: paragraphs, list items, emphasis
        italic = cell.italic if cell.italic is not None else kind == "varav"
        symbol = runs
        runs = rich_docx(
            cell.rich,
            style="Tabelltext",
            bold=bool(cell.bold),
            italic=bool(italic),
            align=align,
            keep_next=keep_next,
            lead=symbol,
            text=_text,
        )
        return f"<w:tc><w:tcPr>{props}</w:tcPr>{runs}</w:tc>"
    indent = f'<w:ind w:left="{cell.indent * 227}"/>' if cell.indent else ""
    para = paragraph(runs, style="Tabelltext", align=align, keep_next=keep_next, extra_ppr=indent)
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{para}</w:tc>"


def _row_xml(
    cells: list[Cell], widths: list[int], kind: RowKind, header: bool, look: DocxLook, keep: bool
) -> str:
    trpr = "<w:cantSplit/>" + ("<w:tblHeader/>" if header else "")
    out = [f"<w:tr><w:trPr>{trpr}</w:trPr>"]
    position = 0
    for cell in cells:
        width = sum(widths[position : position + cell.colspan])
        out.append(_cell_xml(cell, width, kind, header, look, keep))
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
    text = _text(text)
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


def _lines(text: str, room: float, look: DocxLook, bold: bool) -> int:
    """Lines ``text`` takes in a cell with ``room`` twips for text (greedy breaking)."""
    count = 0
    for line in text.split("\n"):
        count += 1
        used = 0.0
        for piece in pieces(line):
            width = look.cell_text.width(piece + " ", bold) * 20
            if used and used + width > room:
                count += 1
                used = 0.0
            used += width
    return count


def _row_height(row_cells: list[Cell], widths: list[int], look: DocxLook, bold: bool) -> float:
    """Points a row is estimated to take."""
    lines = 1
    position = 0
    for cell in row_cells:
        room = sum(widths[position : position + cell.colspan]) - look.table.margin_twips
        lines = max(lines, _lines(cell.text, max(room, 200), look, bold))
        position += cell.colspan
    return lines * look.cell_line_pt + 2


def _kept_whole(table: RenderTable, widths: list[int], look: DocxLook, height: float) -> bool:
    """Whether the table is short enough to stay in one piece: moved to the next page whole,
    it leaves at most ``KEEP_WHOLE_SHARE`` of a page empty."""
    total = sum(_row_height(cells, widths, look, True) for cells in table.header_rows)
    total += sum(_row_height(row.cells, widths, look, False) for row in table.rows)
    return total <= KEEP_WHOLE_SHARE * height


def _keeps(table: RenderTable, whole: bool) -> list[bool]:
    """For each body row: whether it stays on the page of the next row."""
    rows: list[Row] = table.rows
    spanned = {  # the rows of a row span share a page
        index + offset
        for index, row in enumerate(rows)
        for cell in row.cells
        for offset in range(cell.rowspan - 1)
    }
    keeps = []
    for index, row in enumerate(rows):
        following = rows[index + 1] if index + 1 < len(rows) else None
        keep = following is not None and (
            whole or row.kind == "group" or following.kind in KEPT_WITH_PREVIOUS or index in spanned
        )
        keeps.append(keep)
    return keeps


def table_column_widths(table: RenderTable, ctx: RenderContext) -> list[int]:
    """Twips per column on the page: measured in the reference document's table font, shared
    by the tables of one kind (the PDF writer takes its proportions from here too)."""
    look = table_look(ctx)
    total_width = ctx.text_width_twips
    if table.landscape:
        total_width = int(ctx.extra.get("landscape_width_twips", total_width * 1.45))
    kinds = ctx.extra.get("table_kinds")
    needs = (
        kinds.needs_of(table)
        if isinstance(kinds, TableKinds)
        else measure_columns(table, look.cell_text)
    )
    return column_widths(table, total_width, look.cell_text, needs, look.table.margin_twips)


def docx_table(table: RenderTable, ctx: RenderContext, number: int | None) -> str:
    look = table_look(ctx)
    page_height = look.page_text_height_pt
    if table.landscape:
        page_height = ctx.text_width_twips / 20
    widths = table_column_widths(table, ctx)
    parts: list[str] = []
    if table.landscape:
        parts.append(paragraph(text_run(LANDSCAPE_MARKER + "-START")))
    label = ctx.labels["tabell"]
    separator = ctx.labels.get("bildtext_skiljetecken", ". ")
    if table.caption and not table.caption_hidden:
        parts.append(caption_docx(label, number, table.caption, table.anchor, separator))
    caption = _text(table.caption) if table.caption else ""
    caption_attr = (
        f"<w:tblCaption w:val={quoteattr(f'{label} {number}' if number else caption)}/>"
        f"<w:tblDescription w:val={quoteattr(caption)}/>"
        if caption
        else ""
    )
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    borders = f"<w:tblBorders>{look.table.borders}</w:tblBorders>" if look.table.borders else ""
    parts.append(
        "<w:tbl><w:tblPr>"
        f'<w:tblStyle w:val="{look.table.style_id}"/>'
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
        f"{borders}"
        '<w:tblLayout w:type="fixed"/>'
        f"{look.table.cell_margins}"
        '<w:tblLook w:val="0420" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
        'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'
        f"{caption_attr}</w:tblPr><w:tblGrid>{grid}</w:tblGrid>"
    )
    for header in table.header_rows:
        parts.append(_row_xml(header, widths, "body", True, look, True))
    whole = _kept_whole(table, widths, look, page_height)
    for row, keep in zip(table.rows, _keeps(table, whole), strict=True):
        parts.append(_row_xml(row.cells, widths, row.kind, False, look, keep))
    parts.append("</w:tbl>")
    for index, note in enumerate(table.notes, 1):
        marker = f"{index}) " if len(table.notes) > 1 else ""
        parts.append(paragraph(text_run(_text(marker + note)), style="Tabellkalla"))
    if table.source:
        source = _text(f"{ctx.labels['kalla']}: {table.source}")
        parts.append(paragraph(text_run(source), style="Tabellkalla"))
    if not table.notes and not table.source:
        parts.append('<w:p><w:pPr><w:spacing w:before="0" w:after="120"/></w:pPr></w:p>')
    if table.landscape:
        parts.append(paragraph(text_run(LANDSCAPE_MARKER + "-END")))
    return "".join(parts)

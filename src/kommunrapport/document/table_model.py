"""A table ready to print, and how it is written as Word and HTML table.

Every generated table (ledger tables, indicator tables, goal and status tables) is built as a
:class:`RenderTable`: header rows with spans, body rows with a kind (total, subtotal, varav, group
header, full-width comment) and cells that know their alignment, emphasis, indent and optional
status symbol. This module turns it into

* OpenXML: column widths computed from the reference document's real text width, number
  columns right-aligned, header rows repeated on every page, rows that do not split, bold total
  rows, a caption "Tabell N" with a real SEQ field and a bookmark for cross-references, and the
  caption and description in the table properties for accessibility; and
* HTML: ``<table>`` with ``<caption>``, ``<th scope>``, classes for number columns and row kinds.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Literal
from xml.sax.saxutils import escape, quoteattr

from ..errors import Location
from .blocks import RenderContext
from .ooxml import bookmark, paragraph, text_run
from .ooxml import field as ooxml_field
from .pandoc_ast import Node, raw_block

Align = Literal["left", "right", "center"]
RowKind = Literal["body", "subtotal", "total", "varav", "group", "comment"]

CELL_MARGIN_TWIPS = 2 * 85  # left + right cell padding
CHAR_TWIPS = 105  # average width of a 9,5 pt character, for width estimates
LANDSCAPE_MARKER = "KR-LANDSCAPE"
KEEP_TOGETHER_ROWS = 15  # tables up to this many body rows are not split across pages


@dataclass
class Cell:
    text: str = ""
    align: Align = "left"
    bold: bool | None = None  # None: as the row's kind says (total and subtotal rows are bold)
    italic: bool | None = None  # None: as the row's kind says (varav rows are italic)
    indent: int = 0
    colspan: int = 1
    symbol: str | None = None  # a status symbol printed before the text in a symbol font
    symbol_color: str | None = None  # "#1a7f37"; the symbol never carries meaning alone
    css_class: str | None = None


@dataclass
class Row:
    cells: list[Cell]
    kind: RowKind = "body"


@dataclass
class Column:
    numeric: bool = False
    weight: float | None = None  # relative width; None: estimated from the content


@dataclass
class RenderTable:
    """A finished table. ``caption_kind`` is "tabell" for a numbered caption, else None."""

    columns: list[Column]
    header_rows: list[list[Cell]]
    rows: list[Row]
    caption: str | None = None
    anchor: str | None = None
    notes: list[str] = field(default_factory=list)
    source: str | None = None
    landscape: bool = False
    row_headers: bool = True  # the first cell of a body row is a row header
    location: Location = field(default_factory=Location)
    caption_kind: str | None = "tabell"
    css_class: str = "kr-table"
    caption_hidden: bool = False  # for screen readers only: not printed, not numbered
    # The accessible name of the table's region on the web page when the caption is not
    # unique enough (two legends are both "Förklaring symboler"); None: the caption.
    region_label: str | None = None

    def __post_init__(self) -> None:
        if not self.caption or self.caption_hidden:
            self.caption_kind = None

    def render(self, ctx: RenderContext) -> list[Node]:
        number = ctx.numbers.get(ctx.extra.get("placeholder", ""), (None, None))[1]
        if ctx.target == "docx":
            return [raw_block("openxml", docx_table(self, ctx, number))]
        return [raw_block("html", html_table(self, ctx, number))]


# -- widths ---------------------------------------------------------------------------------


def column_widths(table: RenderTable, total: int) -> list[int]:
    """Twips per column, summing to ``total``.

    Columns with an explicit ``weight`` (percent of the width) get it. Number columns get what
    their longest figure and the longest word of their header need, so figures never wrap; a
    number column that also holds text ("Ny mätning hösten 2023") gets room for that text on
    at most two lines when the text columns can spare it. The remaining width goes to text
    columns in proportion to their content.
    """
    count = len(table.columns)
    longest_word = [0] * count
    content = [0] * count
    body_text = [0] * count  # longest body line, for text in number columns
    header_count = len(table.header_rows)
    all_rows = [*table.header_rows, *(r.cells for r in table.rows if r.kind != "comment")]
    for row_index, cells in enumerate(all_rows):
        bold = 1.15 if row_index < header_count else 1.0  # bold letters are wider
        position = 0
        for cell in cells:
            if cell.colspan == 1 and position < count:
                lines = cell.text.split("\n")
                # split at ordinary spaces only: "−1 298 611" (non-breaking spaces) is one word
                words = int(
                    bold * max((len(w) for line in lines for w in line.split(" ")), default=0)
                    + 0.99
                )
                extra = 2 * cell.indent + (2 if cell.symbol else 0)
                longest_word[position] = max(longest_word[position], words + extra)
                longest_line = max((len(line) for line in lines), default=0) + extra
                content[position] = max(content[position], longest_line)
                if row_index >= header_count:
                    body_text[position] = max(body_text[position], longest_line)
            position += cell.colspan
    fixed: dict[int, float] = {}
    for index, column in enumerate(table.columns):
        if column.weight is not None:
            fixed[index] = total * column.weight / 100
        elif column.numeric:
            fixed[index] = (max(longest_word[index], 3) + 1) * CHAR_TWIPS + CELL_MARGIN_TWIPS
    flexible = [i for i in range(count) if i not in fixed]
    preferred = {i: min(max(content[i], 4), 60) * CHAR_TWIPS + CELL_MARGIN_TWIPS for i in flexible}
    minimum = {i: (longest_word[i] + 1) * CHAR_TWIPS + CELL_MARGIN_TWIPS for i in flexible}
    _widen_number_columns_with_text(table, fixed, body_text, total, preferred, minimum)
    remaining = total - sum(fixed.values())
    if flexible and remaining >= sum(minimum.values()):
        share = sum(preferred.values())
        widths = {i: preferred[i] * remaining / share for i in flexible}
        if any(widths[i] < minimum[i] for i in flexible):  # keep every word on one line
            spare = remaining - sum(minimum.values())
            extra = sum(preferred[i] - minimum[i] for i in flexible) or 1
            widths = {i: minimum[i] + spare * (preferred[i] - minimum[i]) / extra for i in flexible}
        fixed.update(widths)
    else:  # too narrow: everything shrinks in proportion
        fixed.update({i: minimum.get(i, CHAR_TWIPS * 4) for i in flexible})
        scale = total / sum(fixed.values())
        fixed = {i: w * scale for i, w in fixed.items()}
    result = [int(fixed[i]) for i in range(count)]
    result[0] += total - sum(result)
    return result


def _widen_number_columns_with_text(
    table: RenderTable,
    fixed: dict[int, float],
    body_text: list[int],
    total: int,
    preferred: dict[int, int],
    minimum: dict[int, int],
) -> None:
    """Give number columns holding text room for it on two lines, from the text columns' spare
    width: first what they do not need for their preferred width, at most half of the rest."""
    wants: dict[int, float] = {}
    for index, column in enumerate(table.columns):
        if column.numeric and column.weight is None and index in fixed:
            two_lines = (body_text[index] + 1) // 2 + 2
            want = two_lines * CHAR_TWIPS + CELL_MARGIN_TWIPS
            if want > fixed[index]:
                wants[index] = want - fixed[index]
    if not wants:
        return
    remaining = total - sum(fixed.values())
    spare = remaining - sum(minimum.values())
    if spare <= 0:
        return
    unused = remaining - sum(preferred.values())
    grant = min(sum(wants.values()), max(unused, spare / 2))
    for index, extra in wants.items():
        fixed[index] += grant * extra / sum(wants.values())


# -- DOCX -----------------------------------------------------------------------------------

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


# -- HTML -----------------------------------------------------------------------------------


def _html_cell(cell: Cell, tag: str, scope: str | None, column_numeric: bool) -> str:
    classes = []
    if cell.align == "right" or (column_numeric and cell.align != "left"):
        classes.append("num")
    if cell.align == "center":
        classes.append("center")
    if cell.indent:
        classes.append(f"indent-{min(cell.indent, 3)}")
    if cell.css_class:
        classes.append(cell.css_class)
    if cell.bold is False:
        classes.append("normal-weight")  # a sum row whose sheet says Stil: normal/kursiv
    attrs = ""
    if scope:
        attrs += f' scope="{scope}"'
    if cell.colspan > 1:
        attrs += f' colspan="{cell.colspan}"'
    if classes:
        attrs += f' class="{" ".join(classes)}"'
    content = html.escape(cell.text).replace("\n", "<br>")
    if cell.bold:
        content = f"<strong>{content}</strong>"
    if cell.italic:
        content = f"<em>{content}</em>"
    if cell.symbol:
        color = f" sym-{cell.symbol_color.lstrip('#').lower()}" if cell.symbol_color else ""
        content = (
            f'<span class="status"><span class="symbol{color}" aria-hidden="true">'
            f"{html.escape(cell.symbol)}</span>{content}</span>"
        )
    return f"<{tag}{attrs}>{content}</{tag}>"


def html_table(table: RenderTable, ctx: RenderContext, number: int | None) -> str:
    label = ctx.labels["tabell"]
    separator = ctx.labels.get("bildtext_skiljetecken", ". ")
    anchor = f' id="{html.escape(table.anchor)}"' if table.anchor else ""
    caption = ""
    if table.caption:
        prefix = (
            f'<span class="caption-label">{html.escape(label)}\u00a0{number}'
            f"{html.escape(separator.rstrip())}</span> "
            if number
            else ""
        )
        hidden = ' class="visually-hidden"' if table.caption_hidden else ""
        caption = f"<caption{hidden}>{prefix}{html.escape(table.caption)}</caption>"
    numeric = [c.numeric for c in table.columns]
    wrap = "table-wrap landscape" if table.landscape else "table-wrap"
    region = (
        f" data-region-label={quoteattr(table.region_label)}" if table.region_label else ""
    )  # read by html_writer.focusable_table_regions
    out = [f'<div class="{wrap}"{region}><table{anchor} class="{table.css_class}">{caption}']
    if table.header_rows:
        out.append("<thead>")
        for header in table.header_rows:
            cells = []
            position = 0
            for cell in header:
                scope = "colgroup" if cell.colspan > 1 else "col"
                is_num = cell.colspan == 1 and position < len(numeric) and numeric[position]
                if not cell.text:
                    cells.append(_html_cell(cell, "td", None, is_num))
                else:
                    cells.append(_html_cell(cell, "th", scope, is_num))
                position += cell.colspan
            out.append("<tr>" + "".join(cells) + "</tr>")
        out.append("</thead>")
    out.append("<tbody>")
    for row in table.rows:
        cells = []
        position = 0
        for index, cell in enumerate(row.cells):
            is_num = cell.colspan == 1 and position < len(numeric) and numeric[position]
            if index == 0 and table.row_headers and row.kind != "comment":
                cells.append(_html_cell(cell, "th", "row", False))
            else:
                cells.append(_html_cell(cell, "td", None, is_num))
            position += cell.colspan
        kind = "" if row.kind == "body" else f' class="{row.kind}"'
        out.append(f"<tr{kind}>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    for index, note in enumerate(table.notes, 1):
        marker = f"{index}) " if len(table.notes) > 1 else ""
        out.append(f'<p class="table-note">{html.escape(marker + note)}</p>')
    if table.source:
        out.append(
            f'<p class="table-source">{html.escape(ctx.labels["kalla"])}: '
            f"{html.escape(table.source)}</p>"
        )
    out.append("</div>")
    return "".join(out)

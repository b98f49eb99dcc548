"""A :class:`RenderTable` as an HTML table: ``<caption>``, ``<th scope>``, classes for number
columns and row kinds, in a wrapper that scrolls sideways when the table is wider than the page.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from ..text.typography import typeset
from .blocks import RenderContext
from .rich_cells import rich_html
from .xml_text import quoteattr

if TYPE_CHECKING:
    from .table_model import Cell, RenderTable

WIDE_COLUMNS = 5  # tables with this many columns or more may be wider than the text


def _text(text: str) -> str:
    return html.escape(typeset(text))


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
    if cell.rowspan > 1:  # a grouping column's cell over the equal cells below it
        attrs += f' rowspan="{cell.rowspan}"'
    if classes:
        attrs += f' class="{" ".join(classes)}"'
    if cell.source:  # the workbook cell or computation behind a figure, shown by `serve`
        attrs += f" data-kalla={quoteattr(cell.source)}"
    if cell.rich is not None:  # Markdown of a text cell: paragraphs, lists, emphasis, links
        content = rich_html(cell.rich, typeset)
    else:
        content = _text(cell.text).replace("\n", "<br>")
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
        caption = f"<caption{hidden}>{prefix}{_text(table.caption)}</caption>"
    numeric = [c.numeric for c in table.columns]
    wrap = "table-wrap landscape" if table.landscape else "table-wrap"
    if table.landscape or len(table.columns) >= WIDE_COLUMNS:
        wrap += " wide"  # may use the width of the screen, not only the text column
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
            position += cell.colspan
            if cell.spanned:  # covered by a row span from above
                continue
            if index < table.row_header_columns and table.row_headers and row.kind != "comment":
                cells.append(_html_cell(cell, "th", "row", False))
            else:
                cells.append(_html_cell(cell, "td", None, is_num))
        kind = "" if row.kind == "body" else f' class="{row.kind}"'
        out.append(f"<tr{kind}>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    for index, note in enumerate(table.notes, 1):
        marker = f"{index}) " if len(table.notes) > 1 else ""
        out.append(f'<p class="table-note">{_text(marker + note)}</p>')
    if table.source:
        out.append(
            f'<p class="table-source">{html.escape(ctx.labels["kalla"])}: {_text(table.source)}</p>'
        )
    out.append("</div>")
    return "".join(out)

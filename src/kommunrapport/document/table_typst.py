"""A :class:`RenderTable` as Typst: a call of the page template's ``kr-tabell``.

The table's data goes to the template as a dictionary of strings (never markup): relative
column widths from the same computation as the DOCX, the header rows (repeated on every page),
the body rows with their kind (total, subtotal, varav, group, comment), captions and notes. The
template draws it; what Python decides is what must stay together:

* the template keeps a table on one page when it is short (it measures it), and otherwise
  splits it between rows, never inside one, with its header repeated;
* ``groups``: runs of rows that share a page (a total or comment row with the row above it, a
  group heading with the row below it), see :func:`keep_groups`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..text.typography import typeset
from .rich_cells import rich_typst
from .table_docx import table_column_widths
from .typst_code import call

if TYPE_CHECKING:
    from .blocks import RenderContext
    from .table_model import Cell, RenderTable, Row

BOUND_TO_PREVIOUS = ("comment", "total", "subtotal")
# For the estimate of a table's height (the template measures the doubtful ones): A4 with the
# default margins, 9.5 pt cell text with 11.5 pt lines, an average character of 0.52 em.
TEXT_HEIGHT_PT = {False: 708.0, True: 462.0}  # upright, landscape
TEXT_WIDTH_PT = {False: 453.5, True: 700.0}
LINE_PT, ROW_PAD_PT, CHAR_PT, CELL_PAD_PT = 11.5, 5.0, 0.52 * 9.5, 8.5
WHOLE_SHARE = 0.45  # as kr-hel-andel in the template
# Marks in a comment after a table's call, for the passes over the whole body (typst_expand):
WHOLE = "hel"  # the build keeps the table on one page
LANDSCAPE = "liggande"  # a wide table on a page of its own, turned
LEGEND = "forklaring"  # the symbol legend (kept on a landscape page above it)
CLEARLY_SHORT, CLEARLY_LONG = 0.25, 0.75


def _text(text: str) -> str:
    """Typeset (``text.typography``); a range of years is one unbreakable piece when the
    columns are measured, so it fits its column."""
    return typeset(text)


def cell_data(cell: Cell) -> dict[str, Any]:
    """A cell as the template reads it; defaults are left out."""
    data: dict[str, Any] = {"text": _text(cell.text)}
    if cell.align != "left":
        data["align"] = cell.align
    if cell.bold is not None:
        data["bold"] = cell.bold
    if cell.italic is not None:
        data["italic"] = cell.italic
    if cell.indent:
        data["indent"] = cell.indent
    if cell.colspan > 1:
        data["colspan"] = cell.colspan
    if cell.symbol:
        data["symbol"] = cell.symbol
        if cell.symbol_color:
            data["color"] = cell.symbol_color
    if cell.rowspan > 1:
        data["rowspan"] = cell.rowspan
    if cell.rich is not None:  # Markdown of a text cell, as data for kr-rik
        data["rich"] = rich_typst(cell.rich, _text)
    return data


def row_cells(cells: list[Cell]) -> list[dict[str, Any]]:
    """A row's cells for the template; a cell covered by a row span above it is left out,
    and the cells after it say which column they start in (``pos``)."""
    out = []
    position = 0
    skipped = False
    for cell in cells:
        if cell.spanned:
            skipped = True
        else:
            out.append(cell_data(cell) | ({"pos": position} if skipped else {}))
        position += cell.colspan
    return out


def span_groups(rows: list[Row], groups: list[list[int]]) -> list[list[int]]:
    """The keep groups joined with the runs of rows a row span covers (they share a page)."""
    runs = [
        [index, index + cell.rowspan - 1]
        for index, row in enumerate(rows)
        for cell in row.cells
        if cell.rowspan > 1
    ]
    merged: list[list[int]] = []
    for first, last in sorted(groups + runs):
        if merged and first <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    return merged


def keep_groups(rows: list[Row]) -> list[list[int]]:
    """Runs of rows that must share a page, as ``[first, last]`` row indexes.

    A row stays on the page of the row above it when it is a comment, total or subtotal row,
    or printed all in bold (a sum the sheet marks); a row stays with the row below it when it
    introduces it: a group heading row, or a row whose next row is indented under it (a
    subtotal printed above its parts)."""
    kinds = [row.kind for row in rows]
    bound = [False] * len(rows)  # bound[i]: row i shares the page of row i - 1
    for index, row in enumerate(rows):
        following = rows[index + 1] if index + 1 < len(rows) else None
        introduces = following is not None and (
            row.kind == "group" or _indent(following) > _indent(row)
        )
        if introduces:
            bound[index + 1] = True
        elif index and (kinds[index] in BOUND_TO_PREVIOUS or _all_bold(row)):
            bound[index] = True
    groups: list[list[int]] = []
    for index in range(1, len(rows)):
        if not bound[index]:
            continue
        if groups and groups[-1][1] == index - 1:
            groups[-1][1] = index
        else:
            groups.append([index - 1, index])
    return groups


def _indent(row: Row) -> int:
    return row.cells[0].indent if row.cells else 0


def _all_bold(row: Row) -> bool:
    return bool(row.cells) and all(cell.bold for cell in row.cells if cell.text)


def table_data(
    table: RenderTable, ctx: RenderContext, number: int | None, widths: list[int]
) -> dict[str, Any]:
    """What ``kr-tabell`` gets: ``widths`` are the DOCX column widths (any unit)."""
    total = sum(widths) or 1
    data: dict[str, Any] = {
        "widths": [round(width / total, 4) for width in widths],
        "numeric": [column.numeric for column in table.columns],
        "header": [[cell_data(cell) for cell in row] for row in table.header_rows],
        "rows": [
            {"cells": row_cells(row.cells)} | ({"kind": row.kind} if row.kind != "body" else {})
            for row in table.rows
        ],
    }
    if table.caption and not table.caption_hidden:
        label = ctx.labels["tabell"]
        separator = ctx.labels.get("bildtext_skiljetecken", ". ")
        caption = _text(table.caption)
        data["caption"] = f"{label} {number}{separator}{caption}" if number else caption
    if table.anchor:
        data["anchor"] = table.anchor
    if table.notes:
        data["notes"] = [_text(note) for note in table.notes]
    if table.source:
        data["source"] = _text(f"{ctx.labels['kalla']}: {table.source}")
    groups = span_groups(table.rows, keep_groups(table.rows))
    if groups:
        data["groups"] = groups
    if lifted_groups(table):
        _lift_groups(table, data)
    share = estimated_height(table, data["widths"]) / TEXT_HEIGHT_PT[table.landscape]
    if share < CLEARLY_SHORT or share > CLEARLY_LONG:
        data["whole"] = share < WHOLE_SHARE
    return data


def estimated_height(table: RenderTable, shares: list[float]) -> float:
    """A rough height in points: every cell's text wrapped at its column's width."""
    width = TEXT_WIDTH_PT[table.landscape]
    columns = [max(share * width - CELL_PAD_PT, CHAR_PT) for share in shares]
    height = 24.0 if table.caption else 0.0
    for cells in [*table.header_rows, *(row.cells for row in table.rows)]:
        lines, position = 1, 0
        for cell in cells:
            room = max(sum(columns[position : position + cell.colspan]), CHAR_PT)
            for line in cell.text.split("\n") or [""]:
                wanted = (len(line) + (2 if cell.symbol else 0)) * CHAR_PT
                lines = max(lines, int(wanted // room) + 1)
            position += cell.colspan
        height += lines * LINE_PT + ROW_PAD_PT
    return height


def lifted_groups(table: RenderTable) -> bool:
    """Whether the group rows above the column headings ("Utveckla" over four columns) are
    drawn above the table instead of in it: when the table has fewer data cells than heading
    cells (a one-row overview), which a checker reads as headings broken into pieces."""
    heading_cells = sum(len(row) for row in table.header_rows)
    data_cells = sum(len(row.cells) for row in table.rows)
    return len(table.header_rows) > 1 and heading_cells > data_cells


def _lift_groups(table: RenderTable, data: dict[str, Any]) -> None:
    """The group rows go to ``above`` (drawn, as decoration, above the table); each column
    heading gets its groups as ``group``, read before the heading but not printed."""
    *groups, last = table.header_rows
    data["above"] = data["header"][:-1]
    names: list[list[str]] = [[] for _ in table.columns]
    for row in groups:
        position = 0
        for cell in row:
            for column in range(position, min(position + cell.colspan, len(names))):
                if cell.text:
                    names[column].append(cell.text)
            position += cell.colspan
    heading = []
    position = 0
    for cell, cell_data_ in zip(last, data["header"][-1], strict=True):
        if names[position]:
            cell_data_ = cell_data_ | {"group": ", ".join(names[position]) + ": "}
        heading.append(cell_data_)
        position += cell.colspan
    data["header"] = [heading]


def typst_widths(table: RenderTable, ctx: RenderContext) -> list[int]:
    """The DOCX's column widths, for the PDF's proportions."""
    return table_column_widths(table, ctx)


def typst_table(
    table: RenderTable, ctx: RenderContext, number: int | None, show_caption: bool = True
) -> str:
    """The table as a line of Typst markup (``show_caption=False``: no printed caption, as
    for the small tables whose caption is only their accessible name)."""
    data = table_data(table, ctx, number, typst_widths(table, ctx))
    if not show_caption:
        data.pop("caption", None)
    marks = [WHOLE] if data.get("whole") else []
    if table.landscape:  # turned by typst_expand.landscape_pages, with its legend
        marks.append(LANDSCAPE)
    if table.caption and table.caption == ctx.labels.get("forklaring_symboler"):
        marks.append(LEGEND)
    return call("kr-tabell", data) + (" // " + " ".join(marks) if marks else "")


def table_marks(raw: str) -> set[str]:
    """The marks after the call of a table (``#kr-tabell((…)) // hel liggande``); the call's
    strings end before its last parenthesis, so the comment after it is ours."""
    if not raw.startswith("#kr-tabell("):
        return set()
    return set(raw.rpartition(")")[2].replace("//", " ").split())

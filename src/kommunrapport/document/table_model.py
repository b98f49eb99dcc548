"""A table ready to print: header rows, body rows with a kind, cells that know their look.

Every generated table (ledger tables, indicator tables, goal and status tables) is built as a
:class:`RenderTable`: header rows with spans, body rows with a kind (total, subtotal, varav, group
header, full-width comment) and cells that know their alignment, emphasis, indent and optional
status symbol. How it is written is the job of the renderers beside it: ``table_docx`` (OpenXML)
``table_html`` and ``table_typst`` (the PDF); ``table_widths`` measures the columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from ..errors import Location
from ..text.cell_markdown import RichText
from .blocks import RenderContext
from .pandoc_ast import Node, raw_block
from .table_docx import docx_table
from .table_html import html_table
from .table_typst import typst_table

Align = Literal["left", "right", "center"]
RowKind = Literal["body", "subtotal", "total", "varav", "group", "comment"]


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
    source: str | None = None  # where a figure comes from: data-kalla on the HTML page
    # Markdown of a text cell (text.cell_markdown); ``text`` is then its plain text (widths,
    # checks) and the writers print this instead
    rich: RichText | None = None
    rowspan: int = 1  # a grouping column's cell over the equal cells below it
    spanned: bool = False  # covered by the cell above it (rowspan): not printed


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
    row_header_columns: int = 1  # with row_headers: how many leading cells are row headers
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
        if ctx.target == "typst":
            return [raw_block("typst", typst_table(self, ctx, number))]
        return [raw_block("html", html_table(self, ctx, number))]


def merge_runs(rows: list[Row], columns: Sequence[int]) -> None:
    """Grouping columns: in each of ``columns`` (left to right, each nested in those before
    it), consecutive body rows with the same text become one cell over them (``rowspan``); the
    cells it covers are marked ``spanned`` and emptied. A row of another kind (a comment or
    sum row), an empty cell or a row with a cell over several columns ends a run."""
    starts: set[int] = set()  # rows where a run of an earlier grouping column starts
    for column in columns:
        run_start: int | None = None
        for index, row in enumerate([*rows, None]):
            cell = _groupable(row, column)
            if (
                run_start is not None
                and cell is not None
                and index not in starts
                and cell.text == rows[run_start].cells[column].text
            ):
                cell.spanned = True
                rows[run_start].cells[column].rowspan += 1
                continue
            if run_start is not None:
                starts.add(run_start)
                starts.add(index)
            run_start = index if cell is not None else None
        for row in rows:
            cell = _groupable(row, column)
            if cell is not None and cell.spanned:
                cell.text, cell.rich, cell.source = "", None, None


def _groupable(row: Row | None, column: int) -> Cell | None:
    if row is None or row.kind != "body" or any(c.colspan > 1 for c in row.cells):
        return None
    if column >= len(row.cells) or not row.cells[column].text.strip():
        return None
    return row.cells[column]

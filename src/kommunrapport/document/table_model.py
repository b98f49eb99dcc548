"""A table ready to print: header rows, body rows with a kind, cells that know their look.

Every generated table (ledger tables, indicator tables, goal and status tables) is built as a
:class:`RenderTable`: header rows with spans, body rows with a kind (total, subtotal, varav, group
header, full-width comment) and cells that know their alignment, emphasis, indent and optional
status symbol. How it is written is the job of the renderers beside it: ``table_docx`` (OpenXML)
``table_html`` and ``table_typst`` (the PDF); ``table_widths`` measures the columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..errors import Location
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
        if ctx.target == "typst":
            return [raw_block("typst", typst_table(self, ctx, number))]
        return [raw_block("html", html_table(self, ctx, number))]

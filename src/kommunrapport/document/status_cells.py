"""Status values in print: a cell with symbol and text, and the legend "Förklaring symboler"."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..data.status_scales import Scale, StatusValue
from ..errors import Location
from ..project.labels import Labels
from .table_model import Cell, Column, RenderTable, Row


def status_cell(value: StatusValue | None, **options: Any) -> Cell:
    """A table cell with the symbol (symbol font, colour) followed by the text."""
    if value is None:
        return Cell("", **options)
    return Cell(value.text, symbol=value.symbol, symbol_color=value.färg, **options)


def _enumeration(texts: list[str]) -> str:
    """Texts as "a, b och c" (goal_blocks.uppräkning, which imports this module)."""
    return texts[0] if len(texts) == 1 else f"{', '.join(texts[:-1])} och {texts[-1]}"


@dataclass
class Legend:
    """The legend "Förklaring symboler": a group per scale, a row per level (symbol, text,
    meaning).

    The scales may be given up front, or collected while the document's templates render
    (``used``): the legend is rendered after every section, so it sees them all."""

    scales: list[Scale]
    labels: Labels
    used: list[Scale] | None = None
    location: Location = field(default_factory=Location)
    anchor: str | None = None
    caption_kind: str | None = None

    def table(self) -> RenderTable | None:
        scales = self.scales or list(self.used or [])
        if not scales:
            return None
        meanings = any(level.mening for s in scales for level in s.nivåer)
        width = 2 if meanings else 1
        header = [Cell(self.labels["symbol_och_text"])]
        if meanings:
            header.append(Cell(self.labels["innebord"]))
        rows: list[Row] = []
        for scale in scales:
            title = scale.legend_title + (f": {scale.förklaring}" if scale.förklaring else "")
            rows.append(Row([Cell(title, bold=True, colspan=width)], kind="group"))
            for level in scale.nivåer:
                cells = [Cell(level.text, symbol=level.symbol, symbol_color=level.färg)]
                if meanings:
                    cells.append(Cell(level.mening or ""))
                rows.append(Row(cells))
        columns = [Column(weight=2)] + ([Column(weight=5)] if meanings else [])
        table = RenderTable(
            columns,
            [header],
            rows,
            caption=self.labels["forklaring_symboler"],
            location=self.location,
            css_class="kr-table kr-legend",
        )
        table.caption_kind = None  # a caption without number: it is not a data table
        # Two legends in one page must not share the name of their region (axe:
        # landmark-unique): "Förklaring symboler: Processområden och Trendpil".
        table.region_label = f"{table.caption}: {_enumeration([s.legend_title for s in scales])}"
        return table

    def render(self, ctx: Any) -> list[Any]:
        table = self.table()
        return table.render(ctx) if table is not None else []

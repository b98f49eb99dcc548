"""Counts of rows per level of a scale: ``fördelningstabell("Bedömning")``."""

from __future__ import annotations

from ..errors import Location
from ..followup.row_tree import RowTree
from ..text.swedish_format import format_percent
from .goal_context import GoalDocument
from .goal_tables import HiddenCaptionTable
from .table_model import Cell, Column, RenderTable, Row


class LevelCounts:
    """How many rows have each level of a column's scale, as a table."""

    def __init__(self, doc: GoalDocument) -> None:
        self.doc = doc

    def fördelningstabell(
        self,
        kolumn: str,
        blad: str | None = None,
        träd: RowTree | None = None,
        rubrik: str | None = None,
        andel: bool = False,
        tomma: bool = True,
    ) -> str:
        """How many rows have each level of a column's scale: symbol and text, Antal (and
        Andel). Rows with an empty cell are a last row when there are any."""
        tree = self.doc.goals if träd is None else träd
        counts = tree.per_nivå(kolumn, blad)
        sheet = tree._sheet_with([kolumn], blad)
        total = len(tree.blad(sheet))
        scale = tree._scale(sheet, kolumn)
        if scale is not None:
            self.doc.use(scale)
        rows = [
            Row(
                [
                    Cell(
                        c.text,
                        symbol=c.symbol,
                        symbol_color=scale.nivåer[i].färg if scale else None,
                    ),
                    Cell(str(c.antal), align="right"),
                ]
                + (
                    [
                        Cell(
                            format_percent(
                                c.antal / total if total else 0, 0, style=self.doc.style
                            ),
                            align="right",
                        )
                    ]
                    if andel
                    else []
                )
            )
            for i, c in enumerate(counts)
        ]
        empty = total - sum(c.antal for c in counts)
        if empty and tomma:
            rows.append(
                Row(
                    [Cell(self.doc.labels["ej_angivet"])]
                    + [Cell(str(empty), align="right")]
                    + (
                        [
                            Cell(
                                format_percent(empty / total, 0, style=self.doc.style),
                                align="right",
                            )
                        ]
                        if andel
                        else []
                    )
                )
            )
        rows.append(
            Row(
                [Cell(self.doc.labels["summa"]), Cell(str(total), align="right")]
                + (
                    [Cell(format_percent(1, 0, style=self.doc.style), align="right")]
                    if andel
                    else []
                ),
                kind="total",
            )
        )
        heading = scale.rubrik if scale else kolumn
        header = [Cell(heading), Cell(self.doc.labels["antal"], align="right")] + (
            [Cell(self.doc.labels["andel"], align="right")] if andel else []
        )
        columns = [Column()] + [Column(numeric=True)] * (2 if andel else 1)
        table = (RenderTable if rubrik else HiddenCaptionTable)(
            columns,
            [header],
            rows,
            caption=rubrik or f"{heading}: {self.doc.labels['antal'].lower()}",
            location=tree.blad(sheet)[0].location() if total else Location(),
        )
        return self.doc.registry.placeholder(table)

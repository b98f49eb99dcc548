"""Column widths of a table on the page, in twips, from the real widths of its text.

Each column's text is measured in the table font (``text_metrics``): the widest piece that
must not break (a word, a date, a figure: numbers keep their non-breaking spaces) and the
widest line. A column is never narrower than its widest piece, so "Riskkategori" and
"2022-02-18" never break. Tables of the same kind (the same column headings) share their
columns' needs (``TableKinds``), so the 42 risk tables of an intern kontroll line up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .text_metrics import TextMeasure

if TYPE_CHECKING:
    from .table_model import Cell, RenderTable

CELL_MARGIN_TWIPS = 2 * 85  # left + right cell padding when the look does not say
INDENT_TWIPS = 227  # one indent step of a cell
SLACK = 1.04  # word processors set text a little wider than the advances add up to
SLACK_TWIPS = 30
TEXT_SHARE = 0.6  # a text column's natural width counts up to this share of the table
# A break is allowed at a space, and after a hyphen or slash between letters ("Budget-/
# prognos"); never inside a figure, a date or a non-breaking group ("1 298 611", "26 %").
_BREAK = re.compile(r" |(?<=[^\W\d_][-/])(?=[^\W\d_])")


@dataclass
class ColumnNeeds:
    """What a column's text needs, in twips, without the cell padding."""

    word: float = 0.0  # the widest piece that must not break
    line: float = 0.0  # the widest line, unbroken
    body: float = 0.0  # the widest line of the body (text in a number column)

    def merge(self, other: ColumnNeeds) -> ColumnNeeds:
        return ColumnNeeds(
            max(self.word, other.word), max(self.line, other.line), max(self.body, other.body)
        )


def pieces(line: str) -> list[str]:
    """The parts of a line between which it may break."""
    return [p for p in _BREAK.split(line) if p]


def _bold(cell: Cell, kind: str, header: bool) -> bool:
    return header or (cell.bold if cell.bold is not None else kind in ("total", "subtotal"))


def measure_columns(table: RenderTable, measure: TextMeasure) -> list[ColumnNeeds]:
    count = len(table.columns)
    needs = [ColumnNeeds() for _ in range(count)]
    rows = [(cells, "header", True) for cells in table.header_rows]
    rows += [(row.cells, row.kind, False) for row in table.rows if row.kind != "comment"]
    for cells, kind, header in rows:
        position = 0
        for cell in cells:
            if cell.colspan == 1 and position < count and cell.text:
                bold = _bold(cell, kind, header)
                extra = float(cell.indent * INDENT_TWIPS)
                if cell.symbol:
                    extra += measure.width(f"{cell.symbol} ") * 20
                for line in cell.text.split("\n"):
                    width = measure.width(line, bold) * 20 + extra
                    word = max((measure.width(p, bold) for p in pieces(line)), default=0) * 20
                    column = needs[position]
                    column.word = max(column.word, word + extra)
                    column.line = max(column.line, width)
                    if not header:
                        column.body = max(column.body, width)
            position += cell.colspan
    return needs


def kind_key(table: RenderTable) -> tuple[object, ...]:
    """Tables with the same key are of one kind and get the same column widths."""
    headings = tuple(tuple((c.text, c.colspan) for c in row) for row in table.header_rows)
    columns = tuple((c.numeric, c.weight) for c in table.columns)
    return (table.landscape, headings, columns)


def document_tables(blocks: Iterable[object]) -> list[RenderTable]:
    """The tables among a document's generated blocks (a legend makes its table when asked)."""
    from .table_model import RenderTable

    found: list[RenderTable] = []
    for block in blocks:
        if isinstance(block, RenderTable):
            found.append(block)
        elif callable(getattr(block, "table", None)):
            table = block.table()  # type: ignore[attr-defined]
            if isinstance(table, RenderTable):
                found.append(table)
    return found


class TableKinds:
    """The merged column needs of every kind of table in a document."""

    def __init__(self, tables: Iterable[RenderTable], measure: TextMeasure):
        self.measure = measure
        self.needs: dict[tuple[object, ...], list[ColumnNeeds]] = {}
        for table in tables:
            if not table.header_rows:
                continue
            own = measure_columns(table, measure)
            key = kind_key(table)
            known = self.needs.get(key)
            self.needs[key] = (
                own if known is None else [a.merge(b) for a, b in zip(known, own, strict=True)]
            )

    def needs_of(self, table: RenderTable) -> list[ColumnNeeds]:
        own = measure_columns(table, self.measure)
        known = self.needs.get(kind_key(table))
        return own if known is None else [a.merge(b) for a, b in zip(known, own, strict=True)]


def column_widths(
    table: RenderTable,
    total: int,
    measure: TextMeasure,
    needs: list[ColumnNeeds] | None = None,
    margin: int = CELL_MARGIN_TWIPS,
) -> list[int]:
    """Twips per column, summing to ``total``.

    No column is narrower than its widest unbreakable piece. Number columns get just that, so
    figures never wrap; a number column that also holds text ("Ny mätning hösten 2023") gets
    room for it on two lines when the text columns can spare it. Columns with a ``weight``
    (percent of the width) get it, but never less than they need. The rest goes to the text
    columns in proportion to their natural width.
    """
    needs = needs or measure_columns(table, measure)
    count = len(table.columns)
    minimum = {i: needs[i].word * SLACK + margin + SLACK_TWIPS for i in range(count)}
    fixed: dict[int, float] = {}
    for index, column in enumerate(table.columns):
        if column.weight is not None:
            fixed[index] = max(total * column.weight / 100, minimum[index])
        elif column.numeric:
            fixed[index] = minimum[index]
    flexible = [i for i in range(count) if i not in fixed]
    preferred = {
        i: max(min(needs[i].line * SLACK + margin, total * TEXT_SHARE), minimum[i])
        for i in flexible
    }
    _widen_number_columns_with_text(table, fixed, needs, total, preferred, minimum, margin)
    remaining = total - sum(fixed.values())
    flexible_minimum = sum(minimum[i] for i in flexible)
    if remaining >= flexible_minimum:
        if flexible:
            spare = remaining - flexible_minimum
            extra = sum(preferred[i] - minimum[i] for i in flexible)
            if extra <= 0:
                widths = {i: minimum[i] + spare / len(flexible) for i in flexible}
            elif spare >= extra:  # room for every text column's natural width, and more
                share = sum(preferred.values())
                widths = {i: preferred[i] * remaining / share for i in flexible}
            else:
                widths = {
                    i: minimum[i] + spare * (preferred[i] - minimum[i]) / extra for i in flexible
                }
            fixed.update(widths)
    else:
        fixed.update({i: minimum[i] for i in flexible})
    weighted = [i for i, c in enumerate(table.columns) if c.weight is not None]
    if not flexible and weighted and sum(fixed.values()) < total:
        # only figures and weighted columns: the weights are shares of the whole width
        spare = total - sum(fixed.values())
        share = sum(fixed[i] for i in weighted)
        for index in weighted:
            fixed[index] += spare * fixed[index] / share
    fixed = _fit(fixed, minimum, total)
    result = [int(fixed[i]) for i in range(count)]
    spare_column = flexible[0] if flexible else 0
    result[spare_column] += total - sum(result)
    return result


def _fit(widths: dict[int, float], minimum: dict[int, float], total: int) -> dict[int, float]:
    """Widths that add up to at most ``total``: what columns have above their minimum goes
    first; only a table too narrow for its words shrinks every column in proportion."""
    excess = sum(widths.values()) - total
    if excess <= 0:
        return widths
    slack = {i: max(w - minimum[i], 0.0) for i, w in widths.items()}
    available = sum(slack.values())
    if available >= excess:
        return {i: w - excess * slack[i] / available for i, w in widths.items()}
    scale = total / sum(minimum.values())
    return {i: minimum[i] * scale for i in widths}


def _widen_number_columns_with_text(
    table: RenderTable,
    fixed: dict[int, float],
    needs: list[ColumnNeeds],
    total: int,
    preferred: dict[int, float],
    minimum: dict[int, float],
    margin: int,
) -> None:
    """Give number columns holding text room for it on two lines, from the text columns' spare
    width: first what they do not need for their natural width, at most half of the rest."""
    wants: dict[int, float] = {}
    for index, column in enumerate(table.columns):
        if column.numeric and column.weight is None:
            two_lines = needs[index].body * SLACK / 2 + margin + SLACK_TWIPS
            if two_lines > fixed[index]:
                wants[index] = two_lines - fixed[index]
    if not wants:
        return
    flexible = [i for i in preferred]
    remaining = total - sum(fixed.values())
    spare = remaining - sum(minimum[i] for i in flexible)
    if spare <= 0:
        return
    unused = remaining - sum(preferred.values())
    grant = min(sum(wants.values()), max(unused, spare / 2))
    for index, extra in wants.items():
        fixed[index] += grant * extra / sum(wants.values())

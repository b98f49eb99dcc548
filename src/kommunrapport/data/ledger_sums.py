"""Sum rows of a ledger: which rows a ``delsumma``/``summa`` row adds up, and its figure.

A sum row whose cell holds a figure prints that figure (the source's figure is the published
figure); its members are added up, at full precision, only to check it. A sum row with an
empty cell prints the sum of its members' figures (given or computed, never display-rounded).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ..errors import KommunrapportError
from .figures import Figure, cell_list, stated_spread
from .ledger import FALLBACK_MEMBER_KINDS, NON_VALUE_KINDS, SUM_KINDS, Ledger, LedgerRow

# (sum row, column key, the sheet's figure, the members' sum, number of members) → note
CompareSum = Callable[[LedgerRow, str, Figure, Figure, int], str | None]
# (row, column key) → one unit of the last printed digit, in the sheet's unit
PrintedStep = Callable[[LedgerRow, str], Decimal]


class LedgerSums:
    """The figure of every row and numeric column of a ledger."""

    def __init__(self, ledger: Ledger, compare: CompareSum, step: PrintedStep):
        self.ledger = ledger
        self.sheet = ledger.sheet
        self._compare = compare
        self._step = step

    def _members(self, row: LedgerRow) -> list[LedgerRow]:
        if row.sums:
            return [self.ledger.by_key[k] for k in row.sums]
        children = [
            r
            for r in self.ledger.rows
            if r.parent == row.key and r.kind not in ("varav", *NON_VALUE_KINDS)
        ]
        if children or row.kind == "delsumma":
            return children
        return [
            r
            for r in self.ledger.rows
            if r is not row
            and r.parent is None
            and r.level == row.level
            and r.kind in FALLBACK_MEMBER_KINDS
        ]

    def given(self, row: LedgerRow, key: str, value: Decimal) -> Figure:
        """The figure of a cell: as precise as the digits it states, at most half a printed
        unit."""
        cell = self.sheet.location(row.source.ref(key))
        return Figure(value, stated_spread(value, self._step(row, key)), cell)

    def figures(
        self, raw: dict[str, dict[str, Any]], keys: list[str]
    ) -> dict[str, dict[str, Figure | None]]:
        """row key → column key → figure (None for an empty cell that nothing fills)."""
        result: dict[str, dict[str, Figure | None]] = {}
        visiting: set[str] = set()

        def figures_of(row: LedgerRow) -> dict[str, Figure | None]:
            if row.key in result:
                return result[row.key]
            if row.kind not in SUM_KINDS:
                result[row.key] = {
                    key: self.given(row, key, value)
                    if isinstance(value := raw[row.key].get(key), Decimal)
                    else None
                    for key in keys
                }
                return result[row.key]
            if row.key in visiting:
                raise KommunrapportError(
                    f"summaraden {row.label!r} ingår i sin egen summa",
                    self.sheet.location(row=row.source.excel_row),
                    "Kontrollera kolumnerna Förälder och Summerar.",
                )
            visiting.add(row.key)
            members = self._members(row)
            if not members:
                raise KommunrapportError(
                    f"summaraden {row.label!r} har inga rader att summera",
                    self.sheet.location(row=row.source.excel_row),
                    "Ange Förälder på raderna som ska summeras, eller Summerar på summaraden.",
                )
            totals: dict[str, Figure | None] = {}
            for key in keys:
                parts = [
                    (member, figure)
                    for member in members
                    if (figure := figures_of(member).get(key)) is not None
                ]
                computed = self._sum(key, parts) if parts else None
                given = raw[row.key].get(key)
                if isinstance(given, Decimal):
                    figure = self.given(row, key, given)
                    if computed is not None:
                        figure = figure.with_note(
                            self._compare(row, key, figure, computed, len(parts))
                        )
                    totals[key] = figure
                else:
                    totals[key] = computed
            visiting.discard(row.key)
            result[row.key] = totals
            return totals

        for row in self.ledger.rows:
            figures_of(row)
        return result

    def _sum(self, key: str, parts: list[tuple[LedgerRow, Figure]]) -> Figure:
        value = sum(
            (
                -figure.value if member.kind == "avdrag" else figure.value
                for member, figure in parts
            ),
            Decimal(0),
        )
        spread = sum((figure.spread for _, figure in parts), Decimal(0))
        refs = [
            (member.source.ref(key) or member.label) + ("" if figure.given else " (beräknad)")
            for member, figure in parts
        ]
        deducted = [
            member.source.ref(key) or member.label for member, _ in parts if member.kind == "avdrag"
        ]
        formula = f"summan av {cell_list(refs)}"
        if deducted:
            formula += f", med {cell_list(deducted)} avdragna"
        return Figure(value, spread, None, f"{formula} ({self.sheet.location()})")

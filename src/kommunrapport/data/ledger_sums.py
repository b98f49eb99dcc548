"""Sum rows of a ledger: which rows a ``delsumma``/``summa`` row adds up, and the sums."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import KommunrapportError
from .ledger import FALLBACK_MEMBER_KINDS, NON_VALUE_KINDS, SUM_KINDS, Ledger, LedgerRow

# (sum row, column key, given value, computed value, number of parts, "summa")
Compare = Callable[[LedgerRow, str, float, float, int, str], None]


class LedgerSums:
    """Adds up a ledger's sum rows; a value the sheet already holds is handed to ``compare``."""

    def __init__(self, ledger: Ledger, compare: Compare):
        self.ledger = ledger
        self.sheet = ledger.sheet
        self._compare = compare

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

    def sums(self, raw: dict[str, dict[str, Any]], keys: list[str]) -> dict[str, dict[str, Any]]:
        result: dict[str, dict[str, Any]] = {}
        visiting: set[str] = set()

        def value_of(row: LedgerRow) -> dict[str, Any]:
            if row.key in result:
                return result[row.key]
            if row.kind not in SUM_KINDS:
                result[row.key] = raw[row.key]
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
            totals: dict[str, Any] = dict(raw[row.key])
            for key in keys:
                parts = []
                for member in members:
                    value = value_of(member).get(key)
                    if isinstance(value, float):
                        parts.append(-value if member.kind == "avdrag" else value)
                computed = sum(parts) if parts else None
                given = raw[row.key].get(key)
                if isinstance(given, float) and computed is not None:
                    self._compare(row, key, given, computed, len(parts), "summa")
                totals[key] = computed
            visiting.discard(row.key)
            result[row.key] = totals
            return totals

        for row in self.ledger.rows:
            value_of(row)
        return result

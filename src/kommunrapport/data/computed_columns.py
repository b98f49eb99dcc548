"""The figure of a computed column (``beräkna: Budget - Utfall``) in one row.

If the sheet gives the figure (a column with the computed column's name, or ``kontroll:``),
that figure is printed and the computation only checks it. Otherwise the expression is
evaluated on the row's figures at full precision, and the result remembers its formula and
cells.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from .figures import Figure, Span, decimal_of, stated_spread
from .ledger import LedgerRow
from .ledger_checks import LedgerChecks
from .view_model import ViewColumn, ViewSource


class ComputedColumns:
    def __init__(self, source: ViewSource, checks: LedgerChecks):
        self.source = source
        self.sheet = source.sheet
        self.checks = checks

    def figure(
        self,
        row: LedgerRow,
        column: ViewColumn,
        figures: Mapping[str, Figure | None],
        step: Decimal,
    ) -> Figure | None:
        """``step``: one unit of the column's last printed digit, in the sheet's unit."""
        expression = column.expression
        assert expression is not None
        values = {k: f.value for k, f in figures.items() if f is not None}
        spans: dict[str, Span | None] = {k: (f.span if f else None) for k, f in figures.items()}
        computed = expression.evaluate(values)
        span = expression.evaluate_span(spans) if computed is not None else None
        key = self.checks.check_key(row, column)
        if key is not None:
            given_value = decimal_of(row.source.get(key))
            cell = self.sheet.location(row.source.ref(key))
            given = Figure(given_value, stated_spread(given_value, step), cell)
            note = self.checks.compare_computed(row, key, column, given, computed, span, step)
            return given.with_note(note)
        if computed is None:
            return None
        spread = max(computed - span.low, span.high - computed) if span else Decimal(0)
        return Figure(computed, spread, None, self._formula(row, column, figures))

    def _formula(
        self, row: LedgerRow, column: ViewColumn, figures: Mapping[str, Figure | None]
    ) -> str:
        """ "Budget - Utfall med Budget = G3, Utfall = H3 (…/ekonomi.xlsx, blad Drift)"."""
        expression = column.expression
        assert expression is not None
        inputs = []
        for key in expression.columns:
            header = self.sheet.headers[self.sheet.keys.index(key)]
            ref = row.source.ref(key) or ""
            figure = figures.get(key)
            kind = "" if figure is None or figure.given else " (beräknad)"
            inputs.append(f"{header} = {ref}{kind}" if ref else header)
        return f"{expression.text} med {', '.join(inputs)} ({self.sheet.location()})"

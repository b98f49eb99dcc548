"""Computing a view of a ledger: the figure of every cell, the rows the view shows, status
cells, and the values printed (in the view's unit).

The source's figure is the published figure: a value the sheet holds is printed as it is, also
in a sum row or a column the view could compute (``data/ledger_sums``,
``data/computed_columns``); the computation then only checks it. Everything else is computed
from full precision, and rounded only when printed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from ..errors import Findings, KommunrapportError, Location
from .computed_columns import ComputedColumns
from .figures import Figure, convert_decimal, decimal_of
from .ledger import NON_VALUE_KINDS, Ledger, LedgerRow
from .ledger_checks import LedgerChecks, printed_step
from .ledger_sums import LedgerSums
from .status_scales import Scale
from .table_spec import TableSpec
from .view_columns import ColumnBuilder
from .view_model import ViewColumn, ViewData, ViewRow, ViewSource
from .workbook import describe, is_number, normalize


class LedgerCalculator:
    """Computes one view: source values in display units, sums, derived columns, checks."""

    def __init__(
        self,
        name: str,
        spec: TableSpec,
        ledger: Ledger,
        findings: Findings,
        location: Location,
        render: Callable[[str, Location], str] | None = None,
        formulas: dict[str, str] | None = None,
        scales: Mapping[str, Scale] | None = None,
    ):
        source = ViewSource(name, spec, ledger, location, render or (lambda text, _where: text))
        self.name = name
        self.spec = spec
        self.ledger = ledger
        self.sheet = ledger.sheet
        self.location = location
        self.source_unit = source.source_unit
        self.column_builder = ColumnBuilder(source, formulas, scales)
        self.checks = LedgerChecks(source, findings, self._key_step)
        self.sums = LedgerSums(ledger, self.checks.compare_sum, self._key_step)
        self.computed = ComputedColumns(source, self.checks)
        self._shown: dict[str, ViewColumn] = {}  # sheet column key → the view column showing it

    # -- precision ----------------------------------------------------------------------------
    def _step(self, row: LedgerRow, column: ViewColumn | None) -> Decimal:
        """One unit of the last digit printed in this row and column, in the sheet's unit."""
        decimals = row.decimals
        if decimals is None:
            decimals = column.decimals if column is not None else self.spec.decimals
        fmt = column.format if column is not None else "tal"
        unit = column.unit if column is not None else self.spec.unit
        return printed_step(decimals, fmt, unit, self.source_unit)

    def _key_step(self, row: LedgerRow, key: str) -> Decimal:
        return self._step(row, self._shown.get(key))

    # -- values -----------------------------------------------------------------------------
    def _source_value(self, row: LedgerRow, key: str, fmt: str) -> Any:
        value = row.source.get(key)
        if value is None or row.kind in NON_VALUE_KINDS:
            return None
        if fmt == "status":
            return value  # a code; read by the column's scale in compute()
        if is_number(value):
            return decimal_of(value)
        if fmt in ("text", "blandad"):
            return value
        raise KommunrapportError(
            f"väntade ett tal, fick {describe(value)}",
            self.sheet.location(row.source.ref(key)),
            "Skriv ett tal i cellen, lämna den tom, eller låt kolumnen ha format: blandad i "
            "tabellvyn om texten ska visas.",
        )

    def _to_display(self, figure: Figure | None, column: ViewColumn) -> float | None:
        """The printed value: in the column's unit (a share for percent), as a float."""
        if figure is None:
            return None
        if column.format == "procent" or column.unit in (None, "andel"):
            return float(figure.value)
        return float(convert_decimal(figure.value, self.source_unit, column.unit))

    def compute(self) -> ViewData:
        columns = self.column_builder.columns()
        self._shown = {c.key: c for c in columns if c.expression is None}
        source_keys: dict[str, str] = {}
        for column in columns:
            if column.is_computed and column.expression:
                for name in column.expression.columns:
                    source_keys.setdefault(name, "tal")
            elif not column.is_computed:
                source_keys[column.key] = column.format
        raw: dict[str, dict[str, Any]] = {
            row.key: {k: self._source_value(row, k, fmt) for k, fmt in source_keys.items()}
            for row in self.ledger.rows
        }
        numeric = [k for k, f in source_keys.items() if f not in ("text", "status")]
        figures = self.sums.figures(raw, numeric)
        rows: list[ViewRow] = []
        for row in self.ledger.rows:
            view_row = ViewRow(row)
            for column in columns:
                if column.expression is not None:  # a computed column
                    figure = (
                        None
                        if row.kind in NON_VALUE_KINDS
                        else self.computed.figure(
                            row, column, figures[row.key], self._step(row, column)
                        )
                    )
                elif column.scale is not None:
                    view_row.values[column.key] = self._status(row, column, raw[row.key])
                    continue
                else:
                    figure = figures[row.key].get(column.key)
                    if figure is None:  # an empty cell, or text (a number in a text column)
                        value = raw[row.key].get(column.key)
                        view_row.values[column.key] = (
                            float(value) if isinstance(value, Decimal) else value
                        )
                        continue
                if figure is not None:
                    view_row.figures[column.key] = figure
                view_row.values[column.key] = self._to_display(figure, column)
            rows.append(view_row)
        rows = self._select(rows)
        return ViewData(self.name, self.spec, self.ledger, columns, rows)

    def _status(self, row: LedgerRow, column: ViewColumn, values: dict[str, Any]) -> Any:
        """A status column's cell as a StatusValue; an unknown code stops the build with the
        sheet and cell."""
        raw = values.get(column.key)
        if row.kind in NON_VALUE_KINDS or column.scale is None:
            return None
        header = self.sheet.headers[self.sheet.keys.index(column.key)]
        where = self.sheet.location(row.source.ref(column.key))
        return column.scale.value(raw, where, header)

    def _select(self, rows: list[ViewRow]) -> list[ViewRow]:
        if self.spec.select:
            # välj: {Förälder: M-12} keeps the rows whose cell in that column has that value
            # (or one of a list of values), e.g. the indicators of one goal
            for column, wanted_values in self.spec.select.items():
                key = self.sheet.column_key(str(column), self.location)
                allowed = {
                    normalize(v)
                    for v in (wanted_values if isinstance(wanted_values, list) else [wanted_values])
                }
                rows = [r for r in rows if normalize(r.row.source.get(key) or "") in allowed]
        if self.spec.rows:
            wanted = [self.ledger.find(key, self.location).key for key in self.spec.rows]
            by_key = {r.row.key: r for r in rows}
            rows = [by_key[k] for k in wanted]
        if self.spec.hide_empty_rows:
            rows = [
                r
                for r in rows
                if r.row.kind in NON_VALUE_KINDS
                or any(v not in (None, 0, 0.0) for v in r.values.values())
            ]
        return rows

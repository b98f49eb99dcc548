"""Computing a view of a ledger: source values in display units, sums, computed columns,
status cells, the rows the view shows; checks of the values the sheet already holds.

The sheet holds leaf values; sums (``delsumma``/``summa`` rows) and derived columns (avvikelse,
förändring %) are computed here. Values the sheet already holds for them are *check values*:
a disagreement beyond the rounding tolerance becomes a warning that names the sheet and cell.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..errors import Findings, KommunrapportError, Location
from ..text.amounts import convert
from .ledger import NON_VALUE_KINDS, Ledger, LedgerRow
from .ledger_checks import LedgerChecks
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
        self.checks = LedgerChecks(source, findings)
        self.sums = LedgerSums(ledger, self.checks.compare)

    # -- values -----------------------------------------------------------------------------
    def _source_value(self, row: LedgerRow, key: str, fmt: str) -> Any:
        value = row.source.get(key)
        if value is None or row.kind in NON_VALUE_KINDS:
            return None
        if fmt == "status":
            return value  # a code; read by the column's scale in compute()
        if is_number(value):
            return float(value)
        if fmt in ("text", "blandad"):
            return value
        raise KommunrapportError(
            f"väntade ett tal, fick {describe(value)}",
            self.sheet.location(row.source.ref(key)),
            "Skriv ett tal i cellen, lämna den tom, eller låt kolumnen ha format: blandad i "
            "tabellvyn om texten ska visas.",
        )

    def _to_display(self, value: Any, unit: str | None) -> Any:
        if isinstance(value, float) and unit not in (None, "andel"):
            return convert(value, self.source_unit, unit)
        return value

    def compute(self) -> ViewData:
        columns = self.column_builder.columns()
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
        summed = self.sums.sums(
            raw, [k for k, f in source_keys.items() if f not in ("text", "status")]
        )
        rows: list[ViewRow] = []
        for row in self.ledger.rows:
            values = summed[row.key]
            view_row = ViewRow(row)
            for column in columns:
                if column.expression is not None:  # a computed column
                    result = (
                        None if row.kind in NON_VALUE_KINDS else column.expression.evaluate(values)
                    )
                    self.checks.check_given(row, column, result)
                    view_row.values[column.key] = (
                        result
                        if column.format == "procent"
                        else self._to_display(result, column.unit)
                    )
                elif column.scale is not None:
                    view_row.values[column.key] = self._status(row, column, values)
                else:
                    view_row.values[column.key] = self._to_display(
                        values.get(column.key), column.unit
                    )
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

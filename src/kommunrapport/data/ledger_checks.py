"""Check values in a ledger sheet: a figure the sheet holds where the view computes one
(a sum row, a column named like a computed column) is compared with the computation, and a
disagreement beyond the rounding tolerance becomes a warning with sheet and cell."""

from __future__ import annotations

from ..errors import Findings, Location
from ..text.amounts import convert
from ..text.swedish_format import format_number, format_percent
from .ledger import NON_VALUE_KINDS, LedgerRow
from .view_model import ViewColumn, ViewSource
from .workbook import is_number, normalize


class LedgerChecks:
    """Compares given and computed values of one view and reports the differences."""

    def __init__(self, source: ViewSource, findings: Findings):
        self.source = source
        self.spec = source.spec
        self.sheet = source.sheet
        self.location = source.location
        self.render = source.render
        self.findings = findings
        self.source_unit = source.source_unit
        self.display_unit = source.display_unit
        self._check_key_cache: dict[str, list[str]] = {}

    def _unit_step(self) -> float:
        """One unit of the last printed decimal, in the sheet's unit."""
        step = 10.0**-self.spec.decimals
        if self.display_unit and self.source_unit:
            step = convert(step, self.display_unit, self.source_unit)
        return step

    def compare(
        self, row: LedgerRow, key: str, given: float, computed: float, parts: int, what: str
    ) -> None:
        step = self._unit_step()
        tolerance = (
            self.spec.tolerance
            if self.spec.tolerance is not None
            else (step * max(1.0, parts / 2) if what == "summa" else step)
        )
        if abs(given - computed) <= tolerance + 1e-9:
            return
        header = self.sheet.headers[self.sheet.keys.index(key)]
        decimals = self.spec.decimals if self.source_unit == self.display_unit else 0

        def show(value: float) -> str:
            return format_number(value, decimals)

        if what == "summa":
            message = (
                f"summaraden {row.label!r}, kolumn {header}: angivet {show(given)} men "
                f"raderna summerar till {show(computed)} "
                f"(skillnad {show(given - computed)})"
            )
            code = "summa"
        else:
            message = (
                f"{header} för {row.label!r}: angivet {show(given)}, beräknat "
                f"{show(computed)} (skillnad {show(given - computed)})"
            )
            code = "beraknat-varde"
        self.findings.warn(
            code,
            message,
            self.sheet.location(row.source.ref(key)),
            "Rätta värdet i arbetsboken eller ta bort det (verktyget räknar ut det).",
        )

    def check_given(self, row: LedgerRow, column: ViewColumn, computed: float | None) -> None:
        """A sheet column with the computed column's name holds check values."""
        if row.kind in NON_VALUE_KINDS:
            return
        for candidate in self._check_keys(column):
            if candidate not in self.sheet.keys:
                continue
            given = row.source.get(candidate)
            if not is_number(given):
                return
            if computed is None:
                self._warn_uncomputable(row, candidate, float(given), column)
            elif column.format == "procent":
                step = 0.5 * 10.0**-column.decimals / 100
                tolerance = self.spec.tolerance if self.spec.tolerance is not None else step
                if abs(float(given) - computed) > tolerance + 1e-12:
                    self._compare_percent(row, candidate, float(given), computed, column)
            else:
                self.compare(row, candidate, float(given), computed, 1, "beräknat")
            return

    def _check_keys(self, column: ViewColumn) -> list[str]:
        """Sheet columns that may hold check values for a computed column: the one named by
        ``kontroll:``, else the column's printed title (with {{ år }} rendered) or its name."""
        if column.key in self._check_key_cache:
            return self._check_key_cache[column.key]
        if column.spec.check_column:
            where = Location(self.location.file, self.location.line, self.location.field)
            keys = [self.sheet.column_key(self.render(column.spec.check_column, where), where)]
        else:
            title = self.render(column.title, self.location)
            keys = list(
                dict.fromkeys(
                    [
                        normalize(title),
                        normalize(column.attribute),
                        normalize(column.attribute.replace("_", " ")),
                    ]
                )
            )
        self._check_key_cache[column.key] = keys
        return keys

    def _warn_uncomputable(
        self, row: LedgerRow, key: str, given: float, column: ViewColumn
    ) -> None:
        header = self.sheet.headers[self.sheet.keys.index(key)]
        shown = (
            format_percent(given, column.decimals)
            if column.format == "procent"
            else format_number(given, self.spec.decimals)
        )
        self.findings.warn(
            "beraknat-varde",
            f"{header} för {row.label!r}: angivet {shown}, men värdet går inte att beräkna "
            f"ur raden ({column.spec.compute}; t.ex. division med noll eller tomma celler)",
            self.sheet.location(row.source.ref(key)),
            "Kontrollera raden; verktyget lämnar cellen tom.",
        )

    def _compare_percent(
        self, row: LedgerRow, key: str, given: float, computed: float, column: ViewColumn
    ) -> None:
        header = self.sheet.headers[self.sheet.keys.index(key)]
        places = column.decimals
        self.findings.warn(
            "beraknat-varde",
            f"{header} för {row.label!r}: angivet {format_percent(given, places)}, beräknat "
            f"{format_percent(computed, places)}",
            self.sheet.location(row.source.ref(key)),
            "Rätta värdet i arbetsboken eller ta bort det (verktyget räknar ut det).",
        )

"""Checks of the figures a ledger sheet gives where the view could compute one (a sum row, a
column named like a computed column): the computation is evaluated over the intervals its
inputs stand for, and a given figure outside that interval (beyond half a printed unit) is a
warning that names the sheet, the cell and both values. The given figure is printed anyway:
the source's figure is the published figure."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from ..errors import Findings, Location
from ..text.swedish_format import format_number, format_percent
from .figures import Figure, Span, convert_decimal
from .ledger import NON_VALUE_KINDS, LedgerRow
from .view_model import ViewColumn, ViewSource
from .workbook import is_number, normalize

HINT = (
    "Tabellen och texten visar värdet i arbetsboken. Rätta det, eller raderna det bygger på, "
    "om det är fel; töm cellen om verktyget ska räkna ut värdet."
)


def printed_step(decimals: int, fmt: str, unit: str | None, source_unit: str | None) -> Decimal:
    """One unit of the last printed digit, in the sheet's unit (a share for percent)."""
    step = Decimal(1).scaleb(-decimals)
    if fmt == "procent":
        return step / 100
    return convert_decimal(step, unit, source_unit)


class LedgerChecks:
    """Compares given and computed figures of one view and reports the differences."""

    def __init__(
        self,
        source: ViewSource,
        findings: Findings,
        step: Callable[[LedgerRow, str], Decimal],
    ):
        self.source = source
        self._step = step  # one printed unit of a sheet column in a row, in the sheet's unit
        self.spec = source.spec
        self.sheet = source.sheet
        self.location = source.location
        self.render = source.render
        self.findings = findings
        self.source_unit = source.source_unit
        self.display_unit = source.display_unit
        self._check_key_cache: dict[str, list[str]] = {}

    # -- the rule ------------------------------------------------------------------------------
    def _within(self, given: Decimal, computed: Decimal, span: Span | None, step: Decimal) -> bool:
        """Whether rounding explains the difference: the given figure lies in the interval of
        the computation, widened by half a unit of its own last printed digit. For a sum of n
        rounded rows that is |given − sum| ≤ n/2 units; ``tolerans:`` replaces the rule."""
        if self.spec.tolerance is not None:
            tolerance = Decimal(str(self.spec.tolerance))
            return abs(given - computed) <= tolerance
        if span is None:  # no bound (a divisor that may be zero): nothing to say
            return True
        half = step / 2
        return span.low - half < given < span.high + half

    def _show(self, value: Decimal) -> str:
        decimals = self.spec.decimals if self.source_unit == self.display_unit else 0
        return format_number(value, decimals)

    # -- sum rows ------------------------------------------------------------------------------
    def compare_sum(
        self, row: LedgerRow, key: str, given: Figure, computed: Figure, parts: int
    ) -> str | None:
        """A sum row's figure against its rows; returns the note for its provenance."""
        within = self._within(given.value, computed.value, computed.span, self._step(row, key))
        note = (
            None
            if given.value == computed.value
            else f"raderna summerar till {self._show(computed.value)}"
        )
        if within:
            return note
        header = self.sheet.headers[self.sheet.keys.index(key)]
        self.findings.warn(
            "summa",
            f"summaraden {row.label!r}, kolumn {header}: angivet {self._show(given.value)} men "
            f"raderna summerar till {self._show(computed.value)} "
            f"(skillnad {self._show(given.value - computed.value)})",
            self.sheet.location(row.source.ref(key)),
            HINT,
        )
        return note

    # -- computed columns ----------------------------------------------------------------------
    def check_key(self, row: LedgerRow, column: ViewColumn) -> str | None:
        """The sheet column that gives this row's figure for a computed column, if any."""
        if row.kind in NON_VALUE_KINDS:
            return None
        for candidate in self._check_keys(column):
            if candidate in self.sheet.keys:
                return candidate if is_number(row.source.get(candidate)) else None
        return None

    def compare_computed(
        self,
        row: LedgerRow,
        key: str,
        column: ViewColumn,
        given: Figure,
        computed: Decimal | None,
        span: Span | None,
        step: Decimal,
    ) -> str | None:
        """A figure the sheet gives for a computed column against the computation."""
        header = self.sheet.headers[self.sheet.keys.index(key)]
        percent = column.format == "procent"

        def show(value: Decimal) -> str:
            return format_percent(value, column.decimals) if percent else self._show(value)

        if computed is None:
            self.findings.warn(
                "beraknat-varde",
                f"{header} för {row.label!r}: angivet {show(given.value)}, men värdet går inte "
                f"att beräkna ur raden ({column.spec.compute}; t.ex. division med noll eller "
                "tomma celler) och kan inte kontrolleras",
                given.cell,
                "Tabellen och texten visar värdet i arbetsboken; kontrollera det.",
            )
            return "kan inte beräknas ur raden"
        note = None if computed == given.value else f"beräknat {show(computed)}"
        if self._within(given.value, computed, span, step):
            return note
        difference = "" if percent else f" (skillnad {show(given.value - computed)})"
        self.findings.warn(
            "beraknat-varde",
            f"{header} för {row.label!r}: angivet {show(given.value)}, beräknat "
            f"{show(computed)}{difference}",
            given.cell,
            HINT,
        )
        return note

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

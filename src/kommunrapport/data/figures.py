"""A figure of a view: its value at full precision, where it comes from, how exact it is.

The source's figure is the published figure. A value the workbook holds (a leaf row, a sum row,
a deviation column) is *given*: it is printed as it is. A value the workbook does not hold is
*computed* from the figures at full precision (``Decimal``, never display-rounded values) and
remembers its formula and the cells it used. Every figure also knows its *spread*: half the
width of the interval its true value lies in. A cell holding 373,3 in a sheet printed with one
decimal stands for 373,25–373,35 (spread 0,05); a sum of n such cells has spread n × 0,05. The
checks compare a given figure with the computation over those intervals, so a difference that
rounding explains is silent and any other is reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ..errors import Location

CURRENCY_DECIMAL = {
    "kr": Decimal(1),
    "tkr": Decimal(1000),
    "mnkr": Decimal(10**6),
    "mdkr": Decimal(10**9),
}
ZERO = Decimal(0)


def decimal_of(value: Any) -> Decimal:
    """A cell's number as the digits the workbook stores (``373.3`` → ``Decimal('373.3')``)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("a truth value is not a number")
    if isinstance(value, int):
        return Decimal(value)
    number = float(value)
    if number.is_integer() and abs(number) < 2**53:
        return Decimal(int(number))
    return Decimal(repr(number))


def convert_decimal(value: Decimal, source: str | None, target: str | None) -> Decimal:
    """``value`` from one currency unit to another; other units only to themselves."""
    if source == target or source is None or target is None:
        return value
    if source in CURRENCY_DECIMAL and target in CURRENCY_DECIMAL:
        return value * CURRENCY_DECIMAL[source] / CURRENCY_DECIMAL[target]
    return value


def stated_spread(value: Decimal, printed_step: Decimal) -> Decimal:
    """Half a unit of the last digit the value states, at most half a printed unit: 373,3 →
    0,05; 53 in a table printed with one decimal → 0,05; 1 234,56 kr printed in tkr → 0,005."""
    try:
        exponent = value.as_tuple().exponent
        stated = Decimal(5).scaleb(int(exponent) - 1)
    except (InvalidOperation, TypeError, ValueError):
        stated = printed_step / 2
    return min(stated, printed_step / 2)


@dataclass(frozen=True)
class Span:
    """A closed interval of possible values."""

    low: Decimal
    high: Decimal

    @classmethod
    def around(cls, value: Decimal, spread: Decimal) -> Span:
        return cls(value - spread, value + spread)

    def __add__(self, other: Span) -> Span:
        return Span(self.low + other.low, self.high + other.high)

    def __sub__(self, other: Span) -> Span:
        return Span(self.low - other.high, self.high - other.low)

    def __neg__(self) -> Span:
        return Span(-self.high, -self.low)

    def __mul__(self, other: Span) -> Span:
        products = [a * b for a in (self.low, self.high) for b in (other.low, other.high)]
        return Span(min(products), max(products))

    def contains_zero(self) -> bool:
        return self.low <= 0 <= self.high

    def divided_by(self, other: Span) -> Span | None:
        """None when the divisor may be zero: the quotient has no bound."""
        if other.contains_zero():
            return None
        return self * Span(1 / other.high, 1 / other.low)

    def absolute(self) -> Span:
        if self.low >= 0:
            return self
        if self.high <= 0:
            return -self
        return Span(ZERO, max(-self.low, self.high))


@dataclass(frozen=True)
class Figure:
    """One numeric value of a view, in the sheet's unit (a share for percent columns)."""

    value: Decimal
    spread: Decimal
    cell: Location | None = None  # the cell it was read from; None when computed
    formula: str | None = None  # how it was computed, naming the cells it used
    note: str | None = None  # what the check found, e.g. "raderna summerar till 804 964"

    @property
    def given(self) -> bool:
        return self.cell is not None

    @property
    def span(self) -> Span:
        return Span.around(self.value, self.spread)

    def with_note(self, note: str | None) -> Figure:
        return Figure(self.value, self.spread, self.cell, self.formula, note)

    def describe(self) -> str:
        """Where the figure comes from, for a reader: the cell, or the computation."""
        if self.cell is not None:
            text = str(self.cell)
        else:
            text = f"beräknat: {self.formula}" if self.formula else "beräknat"
        return f"{text} ({self.note})" if self.note else text


def cell_list(refs: list[str]) -> str:
    """``['G3', 'G4', 'G5', 'G9']`` → ``'G3–G5, G9'``: runs of cells in one column joined."""
    parts: list[str] = []
    run: list[tuple[str, int]] = []

    def close() -> None:
        if not run:
            return
        first, last = run[0], run[-1]
        parts.append(
            f"{first[0]}{first[1]}" if len(run) == 1 else f"{first[0]}{first[1]}–{last[0]}{last[1]}"
        )
        run.clear()

    for ref in refs:
        letters = ref.rstrip("0123456789")
        digits = ref[len(letters) :]
        if not digits:
            close()
            parts.append(ref)
            continue
        number = int(digits)
        if run and run[-1][0] == letters and run[-1][1] + 1 == number:
            run.append((letters, number))
        else:
            close()
            run.append((letters, number))
    close()
    return ", ".join(parts)

"""Amounts with a unit, so the narrative can say ``{{ x | mnkr }}`` whatever unit the sheet uses.

An :class:`Amount` remembers its unit (kr, tkr, mnkr, mdkr; "andel" for shares printed as
percent; None for plain numbers) and where it came from (sheet and cell), so a wrong filter or a
literal amount in the text can be traced back to the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..errors import KommunrapportError, Location

CURRENCY_FACTORS = {"kr": 1.0, "tkr": 1e3, "mnkr": 1e6, "mdkr": 1e9}
SHARE = "andel"


def convert(value: float, source_unit: str | None, target_unit: str | None) -> float:
    """Convert between kr, tkr, mnkr and mdkr; other units only to themselves."""
    if source_unit == target_unit or target_unit is None or source_unit is None:
        return value
    if source_unit in CURRENCY_FACTORS and target_unit in CURRENCY_FACTORS:
        return value * CURRENCY_FACTORS[source_unit] / CURRENCY_FACTORS[target_unit]
    raise KommunrapportError(f"kan inte räkna om {source_unit} till {target_unit}")


@dataclass(frozen=True)
class Amount:
    """A number from the data, with its unit and origin. Behaves like a number in templates."""

    value: float
    unit: str | None = None
    origin: Location | None = None
    # where the figure comes from, for the reader (cell, or formula and cells): see spåra
    source: str | None = field(default=None, compare=False)
    # half the width of the interval its true value lies in (rounded sources), in its unit
    spread: float | None = field(default=None, compare=False)

    # -- conversions ------------------------------------------------------------------------
    def to(self, unit: str | None) -> float:
        return convert(self.value, self.unit, unit)

    def __float__(self) -> float:
        return float(self.value)

    def __int__(self) -> int:
        return int(self.value)

    def __round__(self, ndigits: int | None = None) -> Any:
        return round(self.value, ndigits)

    def __bool__(self) -> bool:
        return bool(self.value)

    def __str__(self) -> str:
        from .swedish_format import format_number, format_percent

        if self.unit == SHARE:
            return format_percent(self.value, 1)
        decimals = 0 if self.unit in (None, "kr", "tkr") else 1
        if self.unit is None and not float(self.value).is_integer():
            decimals = 1
        text = format_number(self.value, decimals)
        return f"{text}\u00a0{self.unit}" if self.unit else text

    # -- arithmetic -------------------------------------------------------------------------
    def _other(self, other: Any) -> float:
        if isinstance(other, Amount):
            if self.unit in CURRENCY_FACTORS and other.unit in CURRENCY_FACTORS:
                return other.to(self.unit)
            return other.value
        if isinstance(other, (int, float)):
            return float(other)
        return NotImplemented

    def _derive(self, value: float, other: Any = None, spread: float | None = None) -> Amount:
        """A result in this unit; it comes from one cell only if no other amount took part."""
        if isinstance(other, Amount):
            return Amount(value, self.unit, None, None, spread)
        return Amount(value, self.unit, self.origin, self.source, spread)

    def _other_spread(self, other: Any) -> float | None:
        if not isinstance(other, Amount):
            return 0.0  # a plain number in the template is exact
        if other.spread is None:
            return None
        if self.unit in CURRENCY_FACTORS and other.unit in CURRENCY_FACTORS:
            return convert(other.spread, other.unit, self.unit)
        return other.spread

    def _sum_spread(self, other: Any) -> float | None:
        theirs = self._other_spread(other)
        return None if self.spread is None or theirs is None else self.spread + theirs

    def __add__(self, other: Any) -> Amount:
        return self._derive(
            _exact(self.value, "+", self._other(other)), other, self._sum_spread(other)
        )

    __radd__ = __add__

    def __sub__(self, other: Any) -> Amount:
        return self._derive(
            _exact(self.value, "-", self._other(other)), other, self._sum_spread(other)
        )

    def __rsub__(self, other: Any) -> Amount:
        return self._derive(
            _exact(self._other(other), "-", self.value), other, self._sum_spread(other)
        )

    def __mul__(self, other: Any) -> Amount:
        factor = self._other(other)
        spread = (
            abs(self.spread * factor)
            if self.spread is not None and not isinstance(other, Amount)
            else None
        )
        return self._derive(_exact(self.value, "*", factor), other, spread)

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> Amount:
        divisor = self._other(other)
        if divisor == 0:
            raise KommunrapportError("division med noll i ett uttryck med data")
        if isinstance(other, Amount):  # amount / amount: a share, printed as percent
            return Amount(_exact(self.value, "/", divisor), SHARE, None)
        spread = abs(self.spread / divisor) if self.spread is not None else None
        return self._derive(_exact(self.value, "/", divisor), None, spread)

    def __neg__(self) -> Amount:
        return self._derive(-self.value, None, self.spread)

    def __pos__(self) -> Amount:
        return self

    def __abs__(self) -> Amount:
        return self._derive(abs(self.value), None, self.spread)

    # -- comparisons ------------------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if isinstance(other, (Amount, int, float)):
            return self.value == self._other(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.value, self.unit))

    def __lt__(self, other: Any) -> bool:
        return self.value < self._other(other)

    def __le__(self, other: Any) -> bool:
        return self.value <= self._other(other)

    def __gt__(self, other: Any) -> bool:
        return self.value > self._other(other)

    def __ge__(self, other: Any) -> bool:
        return self.value >= self._other(other)


def _exact(a: float, operator: str, b: float) -> float:
    """``a operator b`` on the decimal digits of both (0,1 + 0,2 is 0,3, not 0,30000000000000004),
    so that arithmetic in a sentence agrees with the tables to the last printed digit."""
    x, y = Decimal(repr(float(a))), Decimal(repr(float(b)))
    if operator == "+":
        return float(x + y)
    if operator == "-":
        return float(x - y)
    if operator == "*":
        return float(x * y)
    return float(x / y)


@dataclass(frozen=True)
class Missing:
    """An empty cell read by a template. Printing it directly gives an empty string; using it
    as a number (a filter, arithmetic) is an error that names the cell."""

    origin: Location | None = None

    def __str__(self) -> str:
        return ""

    def __bool__(self) -> bool:
        return False

    def fail(self) -> KommunrapportError:
        return KommunrapportError(
            "texten använder ett värde som saknas (cellen är tom)",
            self.origin,
            "Fyll i cellen i arbetsboken, eller ändra meningen så att den inte använder talet.",
        )

    def _arith(self, *_args: Any) -> Any:
        raise self.fail()

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = _arith
    __neg__ = __abs__ = __float__ = __lt__ = __le__ = __gt__ = __ge__ = _arith


def as_float(value: Any, unit: str | None = None) -> float:
    """The numeric value of an Amount or number, optionally converted to ``unit``."""
    if isinstance(value, Amount):
        return value.to(unit) if unit else value.value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise KommunrapportError(f"väntade ett tal, fick {value!r}")
    return float(value)

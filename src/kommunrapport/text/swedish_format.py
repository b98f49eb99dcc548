"""Swedish number and date typography, from Babel's ``sv_SE`` locale data.

Non-breaking space as thousands separator, decimal comma, the real minus sign U+2212 (a package
may choose another), percent with a non-breaking space. The same functions serve tables, charts
and the sentences of the narrative, so DOCX, HTML and PDF print identical figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal

LOCALE = "sv_SE"
_SYMBOLS = Locale.parse(LOCALE).number_symbols["latn"]
MINUS_SIGN = _SYMBOLS["minusSign"]  # U+2212 in CLDR's Swedish data
GROUP = _SYMBOLS["group"]  # U+00A0
DECIMAL = _SYMBOLS["decimal"]
LIST_SEPARATOR = _SYMBOLS["list"]  # ";" (Swedish, since the decimal sign is a comma)
NBSP = "\u00a0"


@dataclass(frozen=True)
class NumberStyle:
    """How a package prints numbers. ``minus`` may be set to '-' or '–' by kommuner that use it."""

    minus: str = MINUS_SIGN
    group: str = GROUP
    group_four_digits: bool = True  # "1 060" rather than "1060"


DEFAULT_STYLE = NumberStyle()


def round_half_up(value: float | Decimal, decimals: int) -> Decimal:
    """Round the way accountants do (2,5 → 3), not banker's rounding."""
    quantum = Decimal(1).scaleb(-decimals)
    return Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)


def format_number(
    value: float | int | Decimal,
    decimals: int = 0,
    *,
    sign: bool = False,
    style: NumberStyle = DEFAULT_STYLE,
) -> str:
    """``-28416.4`` → ``'−28 416'``; ``sign=True`` adds '+' to positive values."""
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        raise ValueError(f"kan inte formatera {value}")
    rounded = round_half_up(value, decimals)
    if rounded == 0:
        rounded = abs(rounded)  # never print "−0"
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    text = format_decimal(rounded, format=pattern, locale=LOCALE, decimal_quantization=True)
    text = text.replace("-", style.minus).replace(GROUP, style.group)
    if not style.group_four_digits and abs(rounded) < 10000:
        text = text.replace(style.group, "")
    if sign and rounded > 0:
        text = "+" + text
    return text


def format_percent(
    value: float | Decimal,
    decimals: int = 1,
    *,
    sign: bool = False,
    style: NumberStyle = DEFAULT_STYLE,
) -> str:
    """A share (0.0493) as percent: ``'4,9 %'`` with a non-breaking space."""
    return format_number(Decimal(str(value)) * 100, decimals, sign=sign, style=style) + NBSP + "%"


def format_percent_points(
    value: float | Decimal, decimals: int = 1, *, style: NumberStyle = DEFAULT_STYLE
) -> str:
    """A difference of two shares in procentenheter: ``'+0,8 procentenheter'``."""
    number = format_number(Decimal(str(value)) * 100, decimals, sign=True, style=style)
    return f"{number}{NBSP}procentenheter"


_NUMBER_WORDS = [
    "noll", "en", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv",
]  # fmt: skip


def number_word(value: int, *, neuter: bool = False) -> str:
    """Språkrådet: numbers up to twelve are written as words in running text."""
    if 0 <= value < len(_NUMBER_WORDS):
        word = _NUMBER_WORDS[value]
        return "ett" if (neuter and value == 1) else word
    return format_number(value)


def format_date(value: date | datetime | str, style: str = "iso") -> str:
    """``'iso'`` → 2023-01-26, ``'lång'`` → 26 januari 2023, ``'månad'`` → januari 2023."""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if isinstance(value, datetime):
        value = value.date()
    if style == "iso":
        return value.isoformat()
    if style in ("lång", "lang"):
        return babel_format_date(value, "d MMMM y", locale=LOCALE)
    if style in ("månad", "manad"):
        return babel_format_date(value, "MMMM y", locale=LOCALE)
    raise ValueError(f"okänt datumformat {style!r}; använd 'iso', 'lång' eller 'månad'")

"""Jinja filters for the narrative: Swedish dates, numbers, amounts and words for signs.

``{{ drift_namnd.total.avvikelse | mnkr }}`` → "−28,4 mnkr". Amounts from the data know their
unit, so ``mnkr`` converts from tkr or kr as needed. All output uses the package's number style
(minus sign, non-breaking spaces), the same as in the tables.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from ..errors import KommunrapportError
from ..project.labels import Labels
from .amounts import CURRENCY_FACTORS, SHARE, Amount, Missing, convert
from .markdown_text import FigureText, provenance_of
from .swedish_format import (
    NBSP,
    NumberStyle,
    format_date,
    format_number,
    format_percent,
    format_percent_points,
    number_word,
)

DEFAULT_DECIMALS = {"kr": 0, "tkr": 0, "mnkr": 1, "mdkr": 1}


def _value_in(value: Any, unit: str, source_unit: str | None) -> float:
    if isinstance(value, Missing):
        raise value.fail()
    if isinstance(value, Amount):
        if value.unit in CURRENCY_FACTORS:
            return value.to(unit)
        if value.unit is None and source_unit:
            return convert(value.value, source_unit, unit)
        raise KommunrapportError(
            f"värdet {value} är inget belopp i kronor och kan inte visas i {unit}",
            value.origin,
            "Använd filtret tal eller procent för värden som inte är kronor.",
        )
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise not_a_number(unit, value)
    if source_unit is None:
        raise KommunrapportError(
            f"talet {value} har ingen enhet; ange vilken, t.ex. {{{{ x | {unit}(från='tkr') }}}}"
        )
    return convert(float(value), source_unit, unit)


def not_a_number(filter_name: str, value: Any) -> KommunrapportError:
    """The error for a filter given something else than a number, often the text an earlier
    filter made: ``{{ x | mnkr | belopp }}``."""
    if isinstance(value, str):
        shown = " ".join(value.replace(NBSP, " ").split())
        return KommunrapportError(
            f'filtret {filter_name} behöver ett tal, men fick texten "{shown}"',
            hint=(
                "Ett filter som mnkr, tkr, procent eller tal gör talet till text, så det ska stå "
                f"sist. Skriv {filter_name} direkt efter talet, t.ex. "
                '{{ x | belopp("mnkr") }} i stället för {{ x | mnkr | belopp }}, eller '
                "{{ x | mnkr(tecken=true) }}."
            ),
        )
    kind = "ett tomt värde" if value is None else f"{type(value).__name__} {value!r}"
    return KommunrapportError(
        f"filtret {filter_name} behöver ett tal, men fick {kind}",
        hint="Kontrollera uttrycket före filtret: det ska ge ett tal ur data.",
    )


def make_filters(style: NumberStyle, labels: Labels) -> dict[str, Callable[..., Any]]:
    def currency(unit: str) -> Callable[..., str]:
        def apply(
            value: Any, decimaler: int | None = None, tecken: bool = False, från: str | None = None
        ) -> str:
            number = _value_in(value, unit, från)
            decimals = DEFAULT_DECIMALS[unit] if decimaler is None else decimaler
            return f"{format_number(number, decimals, sign=tecken, style=style)}{NBSP}{unit}"

        return apply

    def plain(value: Any, filter_name: str) -> float:
        if isinstance(value, Missing):
            raise value.fail()
        if isinstance(value, Amount):
            return value.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise not_a_number(filter_name, value)
        return float(value)

    def tal(value: Any, decimaler: int = 0, tecken: bool = False) -> str:
        return format_number(plain(value, "tal"), decimaler, sign=tecken, style=style)

    def procent(value: Any, decimaler: int = 1, tecken: bool = False, andel: bool = True) -> str:
        number = plain(value, "procent")
        if isinstance(value, Amount) and value.unit not in (SHARE, None):
            raise KommunrapportError(f"{value} är ett belopp, inte en andel", value.origin)
        if not andel:  # the data holds 4,93 meaning 4,93 %
            number /= 100
        return format_percent(number, decimaler, sign=tecken, style=style)

    def procentenheter(value: Any, decimaler: int = 1) -> str:
        return format_percent_points(plain(value, "procentenheter"), decimaler, style=style)

    def tecken(value: Any, decimaler: int | None = None) -> str:
        if isinstance(value, Amount) and value.unit in DEFAULT_DECIMALS:
            return currency(value.unit)(value, decimaler, tecken=True)
        if isinstance(value, Amount) and value.unit == SHARE:
            return procent(value, 1 if decimaler is None else decimaler, tecken=True)
        return tal(value, decimaler or 0, tecken=True)

    def belopp(value: Any, enhet: str | None = None, decimaler: int | None = None) -> str:
        """Without sign: for "ett underskott på 28,4 mnkr"."""
        magnitude = abs(value) if isinstance(value, Amount) else abs(plain(value, "belopp"))
        unit = enhet or (value.unit if isinstance(value, Amount) else None)
        if unit in DEFAULT_DECIMALS:
            return currency(unit)(magnitude, decimaler)
        return tal(magnitude, decimaler or 0)

    def resultatord(value: Any) -> str:
        return labels["overskott"] if plain(value, "resultatord") >= 0 else labels["underskott"]

    def avvikelseord(value: Any) -> str:
        return labels["positiv"] if plain(value, "avvikelseord") >= 0 else labels["negativ"]

    def ord(value: Any, neutrum: bool = False) -> str:
        return number_word(int(plain(value, "ord")), neuter=neutrum)

    def datum(value: Any, stil: str = "iso") -> str:
        return format_date(value, stil)

    return {
        "kr": _traced(currency("kr")),
        "tkr": _traced(currency("tkr")),
        "mnkr": _traced(currency("mnkr")),
        "mdkr": _traced(currency("mdkr")),
        "tal": _traced(tal),
        "procent": _traced(procent),
        "procentenheter": _traced(procentenheter),
        "tecken": _traced(tecken),
        "belopp": _traced(belopp),
        "resultatord": resultatord,
        "avvikelseord": avvikelseord,
        "ord": ord,
        "datum": datum,
    }


def _traced(apply: Callable[..., str]) -> Callable[..., str]:
    """A number filter whose text keeps the source of the figure it prints (FigureText)."""

    @functools.wraps(apply)
    def traced(value: Any, *args: Any, **kwargs: Any) -> str:
        text = apply(value, *args, **kwargs)
        source = provenance_of(value)
        return FigureText(text, source) if source else text

    return traced


def count_phrase(count: int, total: int) -> str:
    """ "7 av 11": small numbers as words at the writer's choice via the ord filter."""
    return f"{count} av {total}"

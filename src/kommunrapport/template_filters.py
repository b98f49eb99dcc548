"""Jinja filters for Markdown sections: Swedish dates and numbers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .swedish_format import format_date, format_number, format_percent, number_word


def _date(value: Any, style: str = "iso") -> str:
    return format_date(value, style)


def _number(value: Any, decimals: int = 0, sign: bool = False) -> str:
    return format_number(value, decimals, sign=sign)


def _percent(value: Any, decimals: int = 1, sign: bool = False) -> str:
    return format_percent(value, decimals, sign=sign)


def _word(value: int, neuter: bool = False) -> str:
    return number_word(int(value), neuter=neuter)


FILTERS: dict[str, Callable[..., Any]] = {
    "datum": _date,
    "tal": _number,
    "procent": _percent,
    "ord": _word,
}

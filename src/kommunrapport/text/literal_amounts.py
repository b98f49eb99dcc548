"""Find amounts typed directly in the Markdown and check them against the data.

A sentence should read its figures from the data (``{{ … | mnkr }}``). An amount typed by hand,
such as "−14,2 mnkr", is compared with every figure in the package's data; if none rounds to it,
the build warns with the file and line, and names the nearest figure. This is how the originals'
drift ("−14,2 mnkr" for a cell of −14 042 tkr) is caught.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import Findings, Location
from .amounts import CURRENCY_FACTORS
from .swedish_format import format_number

JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
CODE = re.compile(r"`[^`\n]*`")
AMOUNT = re.compile(
    r"(?<![\w,.])(?P<sign>[+\-−–]\s?)?(?P<int>\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)"
    r"(?:,(?P<dec>\d+))?[ \u00a0\u202f]?"
    r"(?P<unit>mdkr|mnkr|tkr|miljoner kronor|miljarder kronor|procent|%)(?![\wåäö])"
)
UNIT_ALIASES = {"miljoner kronor": "mnkr", "miljarder kronor": "mdkr", "procent": "%"}


@dataclass(frozen=True)
class LiteralAmount:
    text: str
    value: float  # unsigned, in its unit
    decimals: int
    unit: str  # tkr, mnkr, mdkr or %
    location: Location


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def find_literals(source: str, display: str, allowed: set[str]) -> list[LiteralAmount]:
    """Amounts typed in ``source`` (a Markdown file's text), outside template expressions."""
    text = CODE.sub(_blank, JINJA.sub(_blank, source))
    found: list[LiteralAmount] = []
    in_front_matter = text.startswith("---")
    for number, line in enumerate(text.splitlines(), 1):
        if in_front_matter:
            if number > 1 and line.strip() in ("---", "..."):
                in_front_matter = False
            continue
        found += _literals(line, Location(display, line=number), allowed)
    return found


def find_literals_in_cell(text: str, cell: Location, allowed: set[str]) -> list[LiteralAmount]:
    """Amounts typed in a workbook cell's text (a Kommentar or Analys of a goal sheet): the
    same check as the Markdown, the warning names the sheet and cell."""
    return _literals(text.replace("\n", " "), cell, allowed)


def _literals(line: str, location: Location, allowed: set[str]) -> list[LiteralAmount]:
    found: list[LiteralAmount] = []
    for match in AMOUNT.finditer(line):
        literal = match.group(0).strip()
        if literal in allowed:
            continue
        digits = re.sub(r"[ \u00a0\u202f]", "", match.group("int"))
        decimals = match.group("dec") or ""
        value = float(f"{digits}.{decimals}" if decimals else digits)
        unit = UNIT_ALIASES.get(match.group("unit"), match.group("unit"))
        found.append(LiteralAmount(literal, value, len(decimals), unit, location))
    return found


def _matches(literal: LiteralAmount, candidates: list[float], factor: float) -> bool:
    target = round(literal.value, literal.decimals)
    return any(round(c / factor, literal.decimals) == target for c in candidates)


def _nearest(literal: LiteralAmount, candidates: list[float], factor: float) -> float | None:
    if not candidates:
        return None
    return min((c / factor for c in candidates), key=lambda v: abs(v - literal.value))


def check_literals(
    literals: list[LiteralAmount],
    amounts_kr: list[float],
    numbers: list[float],
    findings: Findings,
    check_percent: bool,
) -> None:
    for literal in literals:
        if literal.unit == "%":
            if not check_percent:
                continue
            shares = [n * 100 for n in numbers if n <= 1.5] + numbers
            if _matches(literal, shares, 1.0):
                continue
            nearest = _nearest(literal, shares, 1.0)
            unit_text = "%"
        else:
            factor = CURRENCY_FACTORS[literal.unit]
            if _matches(literal, amounts_kr, factor):
                continue
            nearest = _nearest(literal, amounts_kr, factor)
            unit_text = literal.unit
        near = (
            f" (närmast i data: {format_number(nearest, literal.decimals)} {unit_text})"
            if nearest is not None
            else ""
        )
        findings.warn(
            "belopp-i-text",
            f"beloppet {literal.text!r} står direkt i texten men finns inte i data{near}",
            literal.location,
            "Hämta talet ur data med ett uttryck, t.ex. {{ tabell.rad.kolumn | mnkr }}, "
            "eller rätta det.",
        )

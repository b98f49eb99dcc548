"""Swedish typography that a writer cannot see in Markdown (Språkrådet, Svenska skrivregler).

Applied to the narrative and to table cells, in every output format:

- quotation marks are ”…” (and ’…’), never "…", “…” or „…“;
- a hyphen between spaces used as a dash becomes a dash: "a - b" → "a – b";
- a range of numbers takes a dash, not a hyphen: "16-64 år" → "16–64 år", "2016-2017" →
  "2016–2017" (dates, codes with a leading zero and descending pairs are left alone);
- a number keeps its unit on the same line: a non-breaking space before %, ‰, kr, tkr, mnkr,
  mdkr, st, km, kg, kWh … and before miljoner, miljarder, kronor, procent, hektar (not before
  words such as år or dagar: "16 år" may break like any other words);
- a range of years never breaks after its dash ("2023–2024"): ``year_ranges`` finds them, and
  each writer keeps them together its own way (a word joiner, U+2060, in DOCX; a span that does
  not wrap around those in the web page's text), so the text stays plain for search and copying;
- a column heading with a date as six digits ("Utfall 150831") is written as a date
  ("Utfall 2015-08-31"); that is a judgement (six digits may be a code), so it is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

NBSP = "\u00a0"
WORD_JOINER = "\u2060"
EN_DASH = "–"

UNITS = (
    "%|‰|tkr|mnkr|mdkr|mkr|kr|st|km|kvm|m²|m2|kg|ton|kWh|MWh|GWh|ha|°C"
    "|miljoner|miljarder|kronor|procent|procentenheter|hektar|kvadratmeter|kilometer"
)
_DOUBLE_QUOTES = re.compile(r'["“„]')
_SINGLE_QUOTES = re.compile(r"[‘']")
_SPACED_HYPHEN = re.compile(r"(?<=\s)-(?=\s)")
_RANGE = re.compile(r"(?<![\w\-−–/:.,])(\d{1,4})-(\d{1,4})(?![\w\-/:]|,\d)")
_UNIT_SPACE = re.compile(
    rf"(?<=\d)[ \n](?=(?:{UNITS})(?![\wåäöÅÄÖ]))"
)  # \n: a line break in the source
STARTS_WITH_UNIT = re.compile(rf"(?:{UNITS})(?![\wåäöÅÄÖ])")
YEAR_RANGE = re.compile(r"(?<!\d)(?:19|20)\d\d–\u2060?\d{2,4}(?!\d)")
_SIX_DIGIT_DATE = re.compile(r"(?<![\d\-/.])(\d\d)(\d\d)(\d\d)(?![\d\-/.])")


def _range(match: re.Match[str]) -> str:
    first, second = match.group(1), match.group(2)
    a, b = int(first), int(second)
    leading_zero = (len(first) > 1 and first[0] == "0") or (len(second) > 1 and second[0] == "0")
    year_short = len(first) == 4 and len(second) == 2 and b > a % 100  # "2020-21"
    if leading_zero and not year_short:
        return match.group(0)
    if a < b or year_short:
        return f"{first}{EN_DASH}{second}"
    return match.group(0)


def typeset(text: str) -> str:
    """``text`` with the certain rules applied (quotes, dashes, non-breaking spaces)."""
    if not text:
        return text
    text = _DOUBLE_QUOTES.sub("”", text)
    text = _SINGLE_QUOTES.sub("’", text)
    text = _SPACED_HYPHEN.sub(EN_DASH, text)
    text = _RANGE.sub(_range, text)
    return _UNIT_SPACE.sub(NBSP, text)


def join_year_ranges(text: str) -> str:
    """``text`` with a word joiner after the dash of every range of years (for DOCX)."""
    joined = EN_DASH + WORD_JOINER
    return YEAR_RANGE.sub(lambda m: m.group(0).replace(joined, EN_DASH).replace("–", joined), text)


@dataclass(frozen=True)
class HeadingDate:
    """A six-digit date found in a column heading and how it is written instead."""

    original: str
    written: str


def date_heading(text: str) -> HeadingDate | None:
    """A column heading with a date as YYMMDD, written with the date as YYYY-MM-DD."""

    def replace(match: re.Match[str]) -> str:
        year, month, day = (int(g) for g in match.groups())
        try:
            return date(2000 + year, month, day).isoformat()
        except ValueError:
            return match.group(0)

    written = _SIX_DIGIT_DATE.sub(replace, text)
    return HeadingDate(text, written) if written != text else None

"""Swedish number typography from Babel's sv_SE data."""

from __future__ import annotations

from datetime import date

import pytest

from kommunrapport.project.labels import load_labels
from kommunrapport.project.package import builtin_templates_dir
from kommunrapport.text.amounts import Amount
from kommunrapport.text.swedish_format import (
    NumberStyle,
    format_date,
    format_number,
    format_percent,
    format_percent_points,
    number_word,
)
from kommunrapport.text.template_filters import make_filters

NB = "\u00a0"
MINUS = "\u2212"


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (-28416, 0, f"{MINUS}28{NB}416"),
        (1150713, 0, f"1{NB}150{NB}713"),
        (28.45, 1, "28,5"),  # half up, not banker's rounding
        (-0.04, 1, "0,0"),  # never "−0,0"
        (1060, 0, f"1{NB}060"),
        (12.8, 2, "12,80"),
    ],
)
def test_format_number(value, decimals, expected):
    assert format_number(value, decimals) == expected


def test_configurable_minus_and_sign():
    assert format_number(-5, style=NumberStyle(minus="-")) == "-5"
    assert format_number(1.551, 1, sign=True) == "+1,6"


def test_percent_and_points():
    assert format_percent(0.0493, 2) == f"4,93{NB}%"
    assert format_percent_points(0.0083, 2) == f"+0,83{NB}procentenheter"


def test_dates_and_words():
    assert format_date(date(2023, 1, 26)) == "2023-01-26"
    assert format_date(date(2023, 1, 26), "lång") == "26 januari 2023"
    assert number_word(6) == "sex"
    assert number_word(1, neuter=True) == "ett"
    assert number_word(14) == "14"


def test_narrative_filters_convert_units():
    filters = make_filters(NumberStyle(), load_labels([builtin_templates_dir()]))
    deviation = Amount(-28416.0, "tkr")
    assert filters["mnkr"](deviation) == f"{MINUS}28,4{NB}mnkr"
    assert filters["mnkr"](Amount(1551.0, "tkr"), tecken=True) == f"+1,6{NB}mnkr"
    assert filters["tkr"](Amount(-14042000.0, "kr")) == f"{MINUS}14{NB}042{NB}tkr"
    assert filters["belopp"](deviation, "mnkr") == f"28,4{NB}mnkr"
    assert filters["resultatord"](deviation) == "underskott"
    assert filters["avvikelseord"](Amount(157049.0, "tkr")) == "positiv"
    assert filters["procent"](Amount(0.0493, "andel"), 2) == f"4,93{NB}%"
    assert filters["mnkr"](2500, från="tkr") == f"2,5{NB}mnkr"

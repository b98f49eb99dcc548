"""``kontroller: lika:`` in report.yaml: figures from different places that must agree.

The values are the figures the tables print (the source's figures, not their display), and two
are the same figure when their rounding intervals meet: "42,5 mnkr" and "42 848 tkr" are not.
Each check lists template expressions (``nettoredovisning.KSF.avvikelse``,
``fem_ar.tillsvidare.v2016 + fem_ar.visstid.v2016``). They are evaluated with the package's
data and compared after unit conversion (tkr against mnkr), within a rounding tolerance.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinja2.exceptions import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..errors import Findings, KommunrapportError, Location
from ..project.config import EqualityCheck
from ..text.amounts import CURRENCY_FACTORS, SHARE, Amount
from ..text.templating import render_string

DEFAULT_TOLERANCE = {"kr": 0.5, "tkr": 0.5, "mnkr": 0.05, "mdkr": 0.05, SHARE: 0.0005}


def _value(
    env: ImmutableSandboxedEnvironment,
    expression: str,
    context: Mapping[str, Any],
    location: Location,
) -> Any:
    try:
        return env.compile_expression(expression)(**context)
    except KommunrapportError as exc:
        exc.location = location
        raise
    except TemplateError as exc:
        raise KommunrapportError(
            f"uttrycket {expression!r} kan inte beräknas: {exc}", location
        ) from None


def _in_unit(value: Any, unit: str | None) -> float:
    if isinstance(value, Amount):
        if unit in CURRENCY_FACTORS and value.unit in CURRENCY_FACTORS:
            return value.to(unit)
        return value.value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise KommunrapportError(f"väntade ett tal, fick {value!r}")


def run_equality_checks(
    checks: list[EqualityCheck],
    env: ImmutableSandboxedEnvironment,
    context: Mapping[str, Any],
    findings: Findings,
    location_of: Any,
) -> None:
    for index, check in enumerate(checks):
        location = location_of(index)
        values = [_value(env, expr, context, location) for expr in check.values]
        first = values[0]
        unit = first.unit if isinstance(first, Amount) else None
        base = _in_unit(first, unit)
        if check.tolerance is not None:
            tolerance = check.tolerance
        elif unit in DEFAULT_TOLERANCE:
            tolerance = DEFAULT_TOLERANCE[unit]
        else:
            tolerance = 0.5 if float(base).is_integer() else 0.05
        label = render_string(env, check.text, context, location) if check.text else None
        for expression, value in zip(check.values[1:], values[1:], strict=True):
            difference = abs(_in_unit(value, unit) - base)
            rounding = _rounding(first, value, unit)
            if check.tolerance is None and rounding is not None:
                differs = difference >= rounding  # the source values' intervals do not meet
            else:
                differs = difference > tolerance + 1e-9
            if differs:
                findings.warn(
                    "lika",
                    f"{label or 'värdena skiljer sig'}: {_described(check.values[0], first)} "
                    f"men {_described(expression, value)}",
                    location,
                    "Värdena ska stämma överens; rätta det som är fel i arbetsböckerna.",
                )


def _rounding(first: Any, other: Any, unit: str | None) -> float | None:
    """How far apart two source values may be and still be the same figure, rounded: the sum of
    their spreads (a cell with 42,5 mnkr stands for 42,45–42,55), in ``unit``; None when one of
    them does not know its precision (a number typed in the check)."""
    spreads = []
    for value in (first, other):
        if not isinstance(value, Amount) or value.spread is None:
            return None
        spread = value.spread
        if unit in CURRENCY_FACTORS and value.unit in CURRENCY_FACTORS:
            spread = spread * CURRENCY_FACTORS[value.unit] / CURRENCY_FACTORS[unit]
        spreads.append(spread)
    return sum(spreads)


def _described(expression: str, value: Any) -> str:
    """ "42,5 mnkr (data/mal.xlsx, blad Indikatorer, cell F3)", or the expression for a sum."""
    origin = value.origin if isinstance(value, Amount) else None
    return f"{value} ({origin})" if origin else f"{value} ({expression})"

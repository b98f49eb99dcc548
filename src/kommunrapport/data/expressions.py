"""Safe arithmetic over a row's columns, for computed table columns (``beräkna:``).

``Budget - Utfall``, ``[Utfall period] / [Budget helår]``, ``förändring(Utfall, Bokslut)``.
Only numbers, column names, + − × ÷, parentheses and a few named functions are allowed; the
expression is parsed once with Python's ``ast`` module and never executed as code.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..errors import KommunrapportError, Location
from .figures import Span, decimal_of
from .workbook import normalize

_BRACKETED = re.compile(r"\[([^\]]+)\]")

PERCENT_FUNCTIONS = {"andel", "förändring", "forandring"}


def _share(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    if a is None or b is None or b == 0:
        return None
    return a / b


def _change(new: Decimal | None, old: Decimal | None) -> Decimal | None:
    if new is None or old is None or old == 0:
        return None
    return (new - old) / abs(old)


def _abs(a: Decimal | None) -> Decimal | None:
    return None if a is None else abs(a)


FUNCTIONS: dict[str, Callable[..., Decimal | None]] = {
    "abs": _abs,
    "andel": _share,
    "förändring": _change,
    "forandring": _change,
}


def _share_span(a: Span | None, b: Span | None) -> Span | None:
    return None if a is None or b is None else a.divided_by(b)


def _change_span(new: Span | None, old: Span | None) -> Span | None:
    return None if new is None or old is None else (new - old).divided_by(old.absolute())


SPAN_FUNCTIONS: dict[str, Callable[..., Span | None]] = {
    "abs": lambda a: None if a is None else a.absolute(),
    "andel": _share_span,
    "förändring": _change_span,
    "forandring": _change_span,
}


@dataclass
class Expression:
    """A parsed expression; ``columns`` are the normalized column names it reads."""

    text: str
    tree: ast.Expression
    names: dict[str, str]  # python name in the tree → normalized column name
    is_percent: bool

    @property
    def columns(self) -> list[str]:
        return list(dict.fromkeys(self.names.values()))

    def evaluate(self, values: Mapping[str, Decimal | None]) -> Decimal | None:
        """The value at full precision; None where a cell it needs is empty (outside + and -)
        or a divisor is zero."""
        return _eval(self.tree.body, self.names, values)

    def evaluate_span(self, spans: Mapping[str, Span | None]) -> Span | None:
        """The interval of values the expression can take when each column's value lies in
        its interval; None when it has no bound (a divisor that may be zero) or no value."""
        return _eval_span(self.tree.body, self.names, spans)


def parse_expression(text: str, location: Location) -> Expression:
    names: dict[str, str] = {}

    def bracket(match: re.Match[str]) -> str:
        placeholder = f"_k{len(names)}"
        names[placeholder] = normalize(match.group(1))
        return placeholder

    source = _BRACKETED.sub(bracket, text)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError:
        raise KommunrapportError(
            f"uttrycket {text!r} kan inte tolkas",
            location,
            "Använd kolumnnamn, + - * /, parenteser och funktionerna abs, andel, förändring; "
            "skriv namn med mellanslag inom hakparentes: [Utfall period].",
        ) from None
    percent = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id not in names and node.id not in FUNCTIONS:
            names[node.id] = normalize(node.id)
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                raise KommunrapportError(
                    f"okänd funktion i uttrycket {text!r}",
                    location,
                    "Tillåtna funktioner: abs, andel, förändring.",
                )
            percent = percent or node.func.id in PERCENT_FUNCTIONS
        elif not isinstance(
            node,
            (
                ast.Expression,
                ast.BinOp,
                ast.UnaryOp,
                ast.Constant,
                ast.Name,
                ast.Load,
                ast.Add,
                ast.Sub,
                ast.Mult,
                ast.Div,
                ast.USub,
                ast.UAdd,
                ast.Call,
            ),
        ):
            raise KommunrapportError(f"otillåten del i uttrycket {text!r}", location)
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float)):
            raise KommunrapportError(f"otillåtet värde i uttrycket {text!r}", location)
    for func in FUNCTIONS:
        names.pop(func, None)
    return Expression(text, tree, names, percent)


def _eval(node: ast.AST, names: dict[str, str], values: Mapping[str, Any]) -> Decimal | None:
    if isinstance(node, ast.Constant):
        return Decimal(str(node.value))
    if isinstance(node, ast.Name):
        value = values.get(names[node.id])
        return None if value is None else decimal_of(value)
    if isinstance(node, ast.UnaryOp):
        operand = _eval(node.operand, names, values)
        if operand is None:
            return None
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.Call):
        args = [_eval(arg, names, values) for arg in node.args]
        return FUNCTIONS[node.func.id](*args)  # type: ignore[attr-defined]
    if isinstance(node, ast.BinOp):
        left = _eval(node.left, names, values)
        right = _eval(node.right, names, values)
        if isinstance(node.op, (ast.Add, ast.Sub)):
            # a blank cell counts as zero in sums and differences (blank budget = no budget)
            if left is None and right is None:
                return None
            left, right = left or Decimal(0), right or Decimal(0)
            return left + right if isinstance(node.op, ast.Add) else left - right
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Mult):
            return left * right
        return None if right == 0 else left / right
    raise KommunrapportError("otillåten del i uttrycket")


def _eval_span(node: ast.AST, names: dict[str, str], spans: Mapping[str, Any]) -> Span | None:
    """:func:`_eval` in interval arithmetic (the same rules for blank cells)."""
    if isinstance(node, ast.Constant):
        value = Decimal(str(node.value))
        return Span(value, value)
    if isinstance(node, ast.Name):
        span: Span | None = spans.get(names[node.id])
        return span
    if isinstance(node, ast.UnaryOp):
        operand = _eval_span(node.operand, names, spans)
        if operand is None:
            return None
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.Call):
        args = [_eval_span(arg, names, spans) for arg in node.args]
        return SPAN_FUNCTIONS[node.func.id](*args)  # type: ignore[attr-defined]
    if isinstance(node, ast.BinOp):
        left = _eval_span(node.left, names, spans)
        right = _eval_span(node.right, names, spans)
        if isinstance(node.op, (ast.Add, ast.Sub)):
            if left is None and right is None:
                return None
            zero = Span(Decimal(0), Decimal(0))
            left, right = left or zero, right or zero
            return left + right if isinstance(node.op, ast.Add) else left - right
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Mult):
            return left * right
        return left.divided_by(right)
    raise KommunrapportError("otillåten del i uttrycket")

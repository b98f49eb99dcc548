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
from typing import Any

from ..errors import KommunrapportError, Location
from .workbook import normalize

_BRACKETED = re.compile(r"\[([^\]]+)\]")

PERCENT_FUNCTIONS = {"andel", "förändring", "forandring"}


def _share(a: float | None, b: float | None) -> float | None:
    if a is None or b in (None, 0):
        return None
    return a / b


def _change(new: float | None, old: float | None) -> float | None:
    if new is None or old in (None, 0):
        return None
    return (new - old) / abs(old)


def _abs(a: float | None) -> float | None:
    return None if a is None else abs(a)


FUNCTIONS: dict[str, Callable[..., float | None]] = {
    "abs": _abs,
    "andel": _share,
    "förändring": _change,
    "forandring": _change,
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

    def evaluate(self, values: Mapping[str, float | None]) -> float | None:
        return _eval(self.tree.body, self.names, values)


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


def _eval(node: ast.AST, names: dict[str, str], values: Mapping[str, Any]) -> float | None:
    if isinstance(node, ast.Constant):
        return float(node.value)  # type: ignore[arg-type]  # the parser admits numbers only
    if isinstance(node, ast.Name):
        value = values.get(names[node.id])
        return None if value is None else float(value)
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
            left, right = left or 0.0, right or 0.0
            return left + right if isinstance(node.op, ast.Add) else left - right
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Mult):
            return left * right
        return None if right == 0 else left / right
    raise KommunrapportError("otillåten del i uttrycket")

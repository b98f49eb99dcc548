"""Text helpers of the goal blocks: Markdown escaping, plain numbers, lists in running text and
headings moved down a level."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ..text.swedish_format import NumberStyle, format_number

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~^$])")
_FENCE = re.compile(r"^\s*(```|~~~)")
_ATX_HEADING = re.compile(r"^(#{1,6})(?=\s)")


def markdown_escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def plain_number(value: float | int, style: NumberStyle, max_decimals: int = 2) -> str:
    """A number with as many decimals as it has (at most ``max_decimals``)."""
    if isinstance(value, int) or float(value).is_integer():
        return format_number(value, 0, style=style)
    text = f"{float(value):.{max_decimals}f}".rstrip("0")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return format_number(value, decimals, style=style)


def flytta_rubriker(text: Any, steg: int) -> str:
    """Markdown with its '#' headings moved ``steg`` levels down (at most level 6), so that text
    given to a block is written with '#' on the block's own heading level. Code blocks are left
    alone."""
    if not steg or not text:
        return str(text or "")
    out = []
    fenced = False
    for line in str(text).split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            line = _ATX_HEADING.sub(lambda m: "#" * min(len(m.group(1)) + steg, 6), line)
        out.append(line)
    return "\n".join(out)


def uppräkning(items: Iterable[Any], och: str = "och") -> str:
    """Items as a Swedish list in running text: "a, b och c"."""
    texts = [str(item) for item in items]
    if len(texts) <= 1:
        return "".join(texts)
    return f"{', '.join(texts[:-1])} {och} {texts[-1]}"

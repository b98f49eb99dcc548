"""Markdown that pandoc would take minutes over: containers nested far deeper than any text.

pandoc's Markdown reader slows down steeply with nesting: 500 list levels made by indentation
take it 18 seconds, 2,000 more than a minute, and 100,000 ``>`` in a row (a few hundred
kilobytes) do not finish. A report nests a list or a quote a few levels deep. So each line of a
rendered section is measured before pandoc sees it: its block quote markers, its list markers
and its indentation (two columns a level) together may not pass :data:`MAX_NESTING`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from ..errors import KommunrapportError, Location
from .outline import RenderedSection

MAX_NESTING = 50
# The start of a line: indentation, quote markers and list markers ("-", "*", "+", "1.", "a)",
# "(iv)", "#."), each marker followed by a space.
_PREFIX = re.compile(r"(?:[ \t]+|>|(?:[*+\-]|#\.|\(?\w{1,9}[.)])(?=[ \t]))*")
_MARKER = re.compile(r">|(?:[*+\-]|#\.|\(?\w{1,9}[.)])(?=[ \t])")


def nesting(line: str) -> int:
    """How deep the line's containers nest, at most: markers, plus indentation in pairs of
    columns (a tab counts four)."""
    prefix = _PREFIX.match(line)
    if prefix is None or not prefix.group():
        return 0
    text = prefix.group()
    markers = len(_MARKER.findall(text))
    indentation = text.count(" ") + 4 * text.count("\t")
    return markers + indentation // 2


def check_nesting(
    sections: Iterable[RenderedSection], read: Callable[[str], list[str]] | None = None
) -> None:
    """A located error at the first line that nests deeper than :data:`MAX_NESTING`."""
    for section in sections:
        for number, line in enumerate(section.body.splitlines(), start=1):
            if nesting(line) <= MAX_NESTING:
                continue
            source_lines = read(section.source) if read and section.source else []
            found = next(
                (i for i, text in enumerate(source_lines, start=1) if text.startswith(line[:60])),
                None,
            )
            raise KommunrapportError(
                f"texten är nästlad för djupt (listor, citat och indrag i mer än {MAX_NESTING} "
                "nivåer)",
                Location(section.source, line=found),
                "Skriv listan eller citatet med färre nivåer; en rapport behöver sällan mer än "
                "tre." + ("" if found else f" Raden är rad {number} i avsnittets färdiga text."),
            )

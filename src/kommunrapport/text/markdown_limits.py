"""Markdown that pandoc would take minutes over: too much text, or containers nested far deeper
than any report's.

A document's text may be at most :data:`MAX_DOCUMENT_TEXT` (the largest example package has
84 kB of Markdown in all; a 500 kB paragraph took 8.5 s and 900 MB in all for DOCX, HTML and
PDF, and pandoc alone 10 seconds and 450 MB to write one megabyte of prose as DOCX), and no
run of characters without a space may be longer than :data:`MAX_WORD` (pandoc's Typst writer
takes 9.5 seconds over one word of 60,000 and 2.6 seconds over 500 kB of words of 1,000).

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
MAX_DOCUMENT_TEXT = 256 * 1024  # bytes of rendered Markdown in one document
MAX_WORD = 1_000  # characters without a space: pandoc's Typst writer is quadratic in them
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


def check_lines(
    sections: Iterable[RenderedSection], read: Callable[[str], list[str]] | None = None
) -> None:
    """A located error at the first line that nests deeper than :data:`MAX_NESTING` or has a
    "word" (characters without a space) longer than :data:`MAX_WORD`."""
    for section in sections:
        for number, line in enumerate(section.body.splitlines(), start=1):
            if nesting(line) > MAX_NESTING:
                problem = (
                    f"texten är nästlad för djupt (listor, citat och indrag i mer än "
                    f"{MAX_NESTING} nivåer)"
                )
                hint = (
                    "Skriv listan eller citatet med färre nivåer; en rapport behöver sällan mer "
                    "än tre."
                )
            elif max(map(len, line.split()), default=0) > MAX_WORD:
                limit = f"{MAX_WORD:,}".replace(",", "\u00a0")
                problem = f"raden har en följd av mer än {limit} tecken utan mellanslag"
                hint = (
                    "Dela upp texten med mellanslag; en lång länk kan skrivas som [text](adress)."
                )
            else:
                continue
            source_lines = read(section.source) if read and section.source else []
            found = next(
                (i for i, text in enumerate(source_lines, start=1) if text.startswith(line[:60])),
                None,
            )
            raise KommunrapportError(
                problem,
                Location(section.source, line=found),
                hint + ("" if found else f" Raden är rad {number} i avsnittets färdiga text."),
            )


def check_document_size(sections: list[RenderedSection], where: Location) -> None:
    """A located error (the document in report.yaml, and its largest section) if the rendered
    sections together pass :data:`MAX_DOCUMENT_TEXT`."""
    sizes = [len(section.body.encode("utf-8")) for section in sections]
    if sum(sizes) <= MAX_DOCUMENT_TEXT:
        return
    largest = sections[sizes.index(max(sizes))]
    raise KommunrapportError(
        f"dokumentets text är för lång ({sum(sizes) // 1024} kB; högst "
        f"{MAX_DOCUMENT_TEXT // 1024} kB); störst är {largest.source or largest.title} "
        f"({max(sizes) // 1024} kB)",
        where,
        "Dela upp dokumentet i flera dokument i report.yaml, eller korta texten. Kontrollera "
        "också att ingen loop i en mall skriver ut samma text många gånger.",
    )

"""Accessibility problems that come from what the writer typed, found in each section's rendered
Markdown and reported by ``check`` (and ``build``) with file and line before a reader meets
them: a Markdown table without caption, a heading that skips a level, a link without text.

The accessibility tests (axe-core and the structure check of the web page) fail on the same
things; here the writer learns which line to change.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from ..errors import Findings, Location
from .outline import RenderedSection

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^(#{1,6})\s+\S")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_CAPTION = re.compile(r"^\s*(:|Table:)\s+\S")
_EMPTY_LINK = re.compile(r"(?<!!)\[\s*\]\([^)]*\)")


def _lines_outside_code(body: str) -> Iterable[tuple[int, str]]:
    fenced = False
    for number, line in enumerate(body.split("\n"), start=1):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            yield number, line


def _source_line(source_lines: list[str], text: str, near: int) -> int | None:
    """The line of the source file that holds ``text``, nearest to ``near``."""
    wanted = text.strip()
    if not wanted:
        return None
    hits = [i for i, line in enumerate(source_lines, start=1) if wanted in line]
    return min(hits, key=lambda i: abs(i - near)) if hits else None


class _SectionWarnings:
    """Warnings for one section, each on the source line that holds the text."""

    def __init__(self, section: RenderedSection, findings: Findings, source: list[str]) -> None:
        self.section = section
        self.findings = findings
        self.source = source

    def warn(self, code: str, message: str, text: str, near: int, hint: str) -> None:
        line = _source_line(self.source, text, near)
        file = self.section.source
        self.findings.warn(code, message, Location(file, line=line) if file else Location(), hint)


def check_writer_accessibility(
    sections: Iterable[RenderedSection], findings: Findings, read: Callable[[str], list[str]]
) -> None:
    """Warn about tables without caption, skipped heading levels and links without text.
    ``read(source)`` gives a section file's lines, to name the line the writer typed."""
    for section in sections:
        lines = list(_lines_outside_code(section.body))
        out = _SectionWarnings(section, findings, read(section.source) if section.source else [])
        previous = 0  # heading levels in the body: '#' is one level below the section's
        for index, (number, line) in enumerate(lines):
            heading = _HEADING.match(line)
            if heading:
                level = len(heading.group(1))
                if level > previous + 1:
                    out.warn(
                        "rubrik-hopp",
                        f"rubriken hoppar över en nivå ({'#' * level} efter "
                        f"{'#' * previous or 'avsnittets rubrik'}): skärmläsare och "
                        "innehållsförteckningen förutsätter att nivåerna följer på varandra",
                        line,
                        number,
                        f"Skriv {'#' * (previous + 1)} i stället för {'#' * level}.",
                    )
                previous = level
            for match in _EMPTY_LINK.finditer(line):
                out.warn(
                    "länk-utan-text",
                    f"länken {match.group(0)} har ingen text, så skärmläsare kan inte säga vart "
                    "den leder",
                    match.group(0),
                    number,
                    "Skriv länktexten inom hakparenteserna: [Kommunens webbplats](https://…).",
                )
            is_table = index > 0 and _TABLE_ROW.match(lines[index - 1][1])
            if _TABLE_RULE.match(line) and is_table and not _has_caption(lines, index):
                out.warn(
                    "tabell-utan-rubrik",
                    "tabellen har ingen bildtext, så tabellen på webbsidan får ingen "
                    "<caption> som skärmläsare läser upp",
                    lines[index - 1][1],
                    lines[index - 1][0],
                    "Skriv en rad ': Bildtext' direkt under tabellen (efter en tom rad), "
                    "eller gör tabellen till en tabellvy i tabeller.yaml med rubrik:.",
                )


def _has_caption(lines: list[tuple[int, str]], rule: int) -> bool:
    """A pandoc table caption (': text' or 'Table: text') right before or after the table."""
    end = rule + 1
    while end < len(lines) and _TABLE_ROW.match(lines[end][1]):
        end += 1
    after = [text for _, text in lines[end : end + 2] if text.strip()]
    start = rule - 1
    before = [text for _, text in lines[max(0, start - 2) : start] if text.strip()]
    return bool((after and _CAPTION.match(after[0])) or (before and _CAPTION.match(before[-1])))

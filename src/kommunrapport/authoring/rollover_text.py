"""Roll-over of text: years written out move on, the old period's prose becomes a comment.

Part of ``kommunrapport new --från`` (see :mod:`.rollover`): report.yaml, tabeller.yaml and
diagram.yaml get every year (in labels, headers, period names and dates) moved on by the same
number of years and the diarienummer becomes a placeholder; the front matter of Markdown files
gets its years moved; the prose of a section becomes a Jinja comment with a "[Skriv här: …]"
reminder in its place, while lines that only place a table or chart stay active.
"""

from __future__ import annotations

import calendar
import re
from typing import Any

from ..project.frontmatter import FENCE

YEAR = re.compile(r"(?<![\d])((?:19|20)\d\d)(?![\d])")
ISO_DATE = re.compile(r"(?<![\d])((?:19|20)\d\d)-(\d\d)-(\d\d)(?![\d])")
YEAR_WINDOW = 30  # years before the old report's year that count as years, not numbers


class YearShifter:
    """Moves years written out in text by ``delta`` years."""

    def __init__(self, old_year: int, new_year: int):
        self.old_year = old_year
        self.delta = new_year - old_year
        self.low = old_year - YEAR_WINDOW
        self.high = old_year + 2

    def is_year(self, value: int) -> bool:
        return self.low <= value <= self.high

    def years_in(self, text: str) -> list[int]:
        return [int(m) for m in YEAR.findall(text) if self.is_year(int(m))]

    def shift_text(self, text: str) -> str:
        def date_sub(match: re.Match[str]) -> str:
            year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3))
            if not self.is_year(year) or not 1 <= month <= 12:
                return match.group(0)
            new_year = year + self.delta
            day = min(day, calendar.monthrange(new_year, month)[1])  # 29 februari
            return f"{new_year:04d}-{month:02d}-{day:02d}"

        def year_sub(match: re.Match[str]) -> str:
            year = int(match.group(1))
            return str(year + self.delta) if self.is_year(year) else match.group(0)

        text = ISO_DATE.sub(date_sub, text)
        # Years that are not part of a date (the dates are already shifted).
        parts = re.split(r"((?:19|20)\d\d-\d\d-\d\d)", text)
        return "".join(p if ISO_DATE.fullmatch(p) else YEAR.sub(year_sub, p) for p in parts)

    def shift_header(self, header: Any) -> Any:
        """A header cell with its years moved on; numbers stay numbers (2021 → 2022)."""
        if isinstance(header, bool):
            return header
        if isinstance(header, int | float) and float(header).is_integer():
            return int(header) + self.delta if self.is_year(int(header)) else header
        if isinstance(header, str):
            return self.shift_text(header)
        return header


# -- configuration and text -----------------------------------------------------------------
CASE_NUMBER = re.compile(r"^(?P<key>\s*diarienummer:\s*)(?P<value>.+?)\s*$")


def case_number_placeholder(value: str, new_year: int) -> str:
    """'KS 2022/0231' → 'KS 2023/XXXX': the office's prefix kept, the number to be filled in."""
    text = value.strip().strip("'\"")
    match = re.match(r"^(?P<prefix>.*?)(?:19|20)\d\d(?P<sep>\s*[/:\-]\s*)\S+$", text)
    if match:
        return f"{match.group('prefix')}{new_year}{match.group('sep')}XXXX"
    return f"XX {new_year}/XXXX"


def shift_config_text(text: str, shifter: YearShifter, new_year: int, notes: list[str]) -> str:
    lines: list[str] = []
    for line in text.splitlines(keepends=True):
        body, newline = (line[:-1], "\n") if line.endswith("\n") else (line, "")
        stripped = body.lstrip()
        if stripped.startswith("#"):
            lines.append(line)
            continue
        case = CASE_NUMBER.match(body)
        if case:
            placeholder = case_number_placeholder(case.group("value"), new_year)
            notes.append(
                f"report.yaml: diarienummer {case.group('value').strip()} → "
                f"{placeholder} (fyll i det nya ärendets nummer)"
            )
            lines.append(f"{case.group('key')}{placeholder}{newline}")
            continue
        lines.append(shifter.shift_text(body) + newline)
    return "".join(lines)


def shift_front_matter(text: str, shifter: YearShifter) -> str:
    """Years in a Markdown file's front matter (its heading, for instance); not in the text."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != FENCE:
        return text
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (FENCE, "..."):
            head = [shifter.shift_text(line) for line in lines[1:index]]
            return "".join([lines[0], *head, *lines[index:]])
    return text


BLOCK_LINE = re.compile(r"^\s*\{\{-?\s*(?:tabell|diagram|sidbrytning)\s*\(.*\)\s*-?\}\}\s*$")


def retire_text(text: str, old_year: int, new_year: int) -> str:
    """The old period's prose as comments, the tables kept, and a reminder to write anew."""
    lines = text.splitlines()
    start = 0
    if lines and lines[0].rstrip() == FENCE:
        for index in range(1, len(lines)):
            if lines[index].rstrip() in (FENCE, "..."):
                start = index + 1
                break
    head, body = lines[:start], lines[start:]
    if not any(line.strip() for line in body):
        return text
    out = [
        *head,
        f"[Skriv här: texten för {new_year}; texten från {old_year} står som kommentar nedan.]",
        "",
    ]
    chunk: list[str] = []

    def flush() -> None:
        while chunk and not chunk[-1].strip():
            chunk.pop()
        while chunk and not chunk[0].strip():
            chunk.pop(0)
        if chunk:
            safe = [line.replace("#}", "# }").replace("{#", "{ #") for line in chunk]
            out.extend([f"{{# Text från {old_year}:", *safe, "#}", ""])
        chunk.clear()

    for line in body:
        if BLOCK_LINE.match(line):
            flush()
            out.extend([line, ""])
        else:
            chunk.append(line)
    flush()
    return "\n".join(out).rstrip("\n") + "\n"

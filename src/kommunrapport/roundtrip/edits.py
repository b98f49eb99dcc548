"""The change of one paragraph's text, as edits of its source file.

The old text (built from the current sources) and the new text (as the reviewer left it) are
compared word by word. Each changed stretch maps to the source through the position of each
old character: a stretch of literal template text becomes an edit of the file; a stretch in
the output of an expression (a figure from the data, a value from report.yaml) is not applied
but reported with the expression and, for data, the workbook cell.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Location
from .markdown_escape import escape_inline
from .source_map import Position, ProvenanceIndex

TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
LIST_MARKER = re.compile(r"[ \t]*([-+*]|\d+[.)])[ \t]+")


@dataclass
class SourceEdit:
    file: Path
    start: int
    end: int
    text: str  # Markdown written in place of file[start:end]
    old: str  # the rendered text it replaces (for the report)
    new: str


@dataclass
class NotApplied:
    """An edit of the reviewer's that was not made in the sources, and why."""

    reason: str  # short code: data, uttryck, upprepad, mall, okand, tabell, rubrik, …
    message: str
    location: Location
    old: str = ""
    new: str = ""
    hint: str = ""


@dataclass
class Outcome:
    edits: list[SourceEdit] = field(default_factory=list)
    not_applied: list[NotApplied] = field(default_factory=list)


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def _starts(parts: list[str]) -> list[int]:
    starts = [0]
    for part in parts:
        starts.append(starts[-1] + len(part))
    return starts


def _opcodes(
    old: str, new: str
) -> tuple[list[tuple[str, int, int, int, int]], list[int], list[int]]:
    a, b = tokens(old), tokens(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return list(matcher.get_opcodes()), _starts(a), _starts(b)


def changed_stretches(old: str, new: str) -> list[tuple[int, int, int, int]]:
    """(i1, i2, j1, j2): character ranges of ``old`` and ``new`` that differ, word by word."""
    codes, sa, sb = _opcodes(old, new)
    return [(sa[i1], sa[i2], sb[j1], sb[j2]) for tag, i1, i2, j1, j2 in codes if tag != "equal"]


def corresponding(source: str, target: str, position: int) -> int:
    """The position in ``target`` that corresponds to ``position`` in ``source``."""
    codes, sa, sb = _opcodes(source, target)
    for tag, i1, i2, j1, j2 in codes:
        if sa[i1] <= position < sa[i2] or (position == sa[i2] and i2 == len(sa) - 1):
            if tag == "equal":
                return sb[j1] + position - sa[i1]
            return sb[j1] if position == sa[i1] else sb[j2]
    return len(target)


REPEATED = "texten skrivs flera gånger av mallen (en slinga, ett makro eller ett delat textstycke)"
REPEATED_HINT = "Ändra texten i källfilen själv, så att den blir rätt på alla ställen."
STATEMENT = "ändringen går över en mallsats ({% … %}) eller en kommentar ({# … #})"
UNKNOWN = "texten kunde inte följas tillbaka till en källfil i paketet"
UNKNOWN_HINT = "Texten kommer från verktygets mallar eller data; ändra den där den skrivs."


class ParagraphMapper:
    """Edits for one paragraph: its old text and where each of its characters comes from."""

    def __init__(
        self,
        old: str,
        positions: list[Position],
        index: ProvenanceIndex,
        display: Callable[[Path], str],
    ) -> None:
        self.old = old
        self.new = old
        self.positions = positions
        self.index = index
        self.display = display  # a file as the user sees it
        self._reported: set[int] = set()  # expressions already listed as not applied

    def location(self, old_offset: int) -> Location:
        """The file and line of a character of the old text (the nearest known one)."""
        order = [*range(old_offset, len(self.positions)), *range(old_offset - 1, -1, -1)]
        for k in order:
            position = self.positions[k]
            if position.file is not None:
                return self._at(position.file, position.offset)
        return Location()

    def _at(self, path: Path, offset: int) -> Location:
        return Location(self.display(path), line=self.index.line(path, offset))

    def list_item_end(self) -> tuple[Path, int, str] | None:
        """Where a list item ends in its file and the marker its line starts with
        (None: not a plain list item of a package file)."""
        ends = [p for p in self.positions if p.file is not None and p.kind in ("lit", "expr")]
        first = self.positions[0] if self.positions else None
        if not ends or first is None or first.kind != "lit" or first.file is None:
            return None
        path = first.file
        text = self.index.files[path].text
        line_start = text.rfind("\n", 0, first.offset) + 1
        marker = text[line_start : first.offset]
        if not LIST_MARKER.fullmatch(marker) or any(p.repeated for p in self.positions):
            return None
        last = ends[-1]
        if last.file != path:
            return None
        return path, self._end(last), marker

    def apply(self, new: str) -> Outcome:
        self.new = new
        outcome = Outcome()
        spans: list[tuple[int, int, int, int]] = []  # of each entry in outcome.not_applied
        for i1, i2, j1, j2 in changed_stretches(self.old, new):
            before = len(outcome.not_applied)
            self._stretch(i1, i2, new[j1:j2], outcome)
            spans += [(i1, i2, j1, j2)] * (len(outcome.not_applied) - before)
        outcome.not_applied = self._merged(outcome.not_applied, spans)
        return outcome

    def _merged(
        self, entries: list[NotApplied], spans: list[tuple[int, int, int, int]]
    ) -> list[NotApplied]:
        """Neighbouring stretches not applied for the same reason (not figures) as one entry:
        "en mötesplats" → "två mötesplatser", not two."""
        out: list[NotApplied] = []
        last: tuple[int, int, int, int] | None = None
        for entry, span in zip(entries, spans, strict=True):
            previous = out[-1] if out else None
            joinable = entry.reason not in ("data", "uttryck")
            if (
                previous is not None
                and last is not None
                and joinable
                and (previous.reason == entry.reason and previous.message == entry.message)
            ):
                span = (last[0], span[1], last[2], span[3])
                previous.old = self.old[span[0] : span[1]]
                previous.new = self.new[span[2] : span[3]]
            else:
                out.append(entry)
            last = span
        return out

    def _skip(
        self,
        outcome: Outcome,
        reason: str,
        message: str,
        at: int,
        old: str,
        new: str,
        hint: str = "",
    ) -> None:
        outcome.not_applied.append(NotApplied(reason, message, self.location(at), old, new, hint))

    def _stretch(self, i1: int, i2: int, new: str, outcome: Outcome) -> None:
        old = self.old[i1:i2]
        if i1 == i2:
            self._insert(i1, new, outcome)
            return
        covered = self.positions[i1:i2]
        expressions = sorted({p.expression for p in covered if p.kind == "expr"})
        if expressions and (new.strip() or not all(self._inside(e, i1, i2) for e in expressions)):
            self._figures(expressions, outcome)
            return
        if any(p.kind == "none" or p.file is None for p in covered):
            self._skip(outcome, "okand", UNKNOWN, i1, old, new, UNKNOWN_HINT)
            return
        if any(p.repeated for p in covered):
            self._skip(outcome, "upprepad", REPEATED, i1, old, new, REPEATED_HINT)
            return
        files = {p.file for p in covered}
        if len(files) != 1:
            self._skip(outcome, "mall", "ändringen går över flera filer", i1, old, new)
            return
        path = files.pop()
        assert path is not None
        start = min(self._start(p) for p in covered)
        end = max(self._end(p) for p in covered)
        between = self.index.files[path].text[start:end]
        if "{%" in between or "{#" in between:
            self._skip(outcome, "mall", STATEMENT, i1, old, new, REPEATED_HINT)
            return
        outcome.edits.append(SourceEdit(path, start, end, escape_inline(new), old, new))

    def _start(self, position: Position) -> int:
        if position.kind == "expr":
            span = self.index.expression_span(position.expression)
            return span[1] if span else position.offset
        return position.offset

    def _end(self, position: Position) -> int:
        if position.kind == "expr":
            span = self.index.expression_span(position.expression)
            return span[2] if span else position.offset
        return position.offset + 1

    def _inside(self, expression: int, i1: int, i2: int) -> bool:
        """Whether all of the expression's output in this paragraph lies in old[i1:i2]."""
        return all(
            i1 <= k < i2
            for k, p in enumerate(self.positions)
            if p.kind == "expr" and p.expression == expression
        )

    def _insert(self, at: int, new: str, outcome: Outcome) -> None:
        """New text between two characters: after the literal text before it, else before the
        literal text after it, else next to the expression there."""
        before = self.positions[at - 1] if at > 0 else None
        after = self.positions[at] if at < len(self.positions) else None
        place: tuple[Path, int, Position] | None = None
        if before is not None and before.kind == "lit" and before.file is not None:
            place = (before.file, before.offset + 1, before)
        elif after is not None and after.kind == "lit" and after.file is not None:
            place = (after.file, after.offset, after)
        else:
            for position, side in ((before, 2), (after, 1)):
                if position is not None and position.kind == "expr":
                    span = self.index.expression_span(position.expression)
                    if span is not None:
                        offset = span[1] if side == 1 else span[2]
                        place = (span[0], offset, position)
                        break
        if place is None:
            self._skip(outcome, "okand", UNKNOWN, at, "", new, UNKNOWN_HINT)
            return
        path, offset, position = place
        if position.repeated:
            self._skip(outcome, "upprepad", REPEATED, at, "", new, REPEATED_HINT)
            return
        outcome.edits.append(SourceEdit(path, offset, offset, escape_inline(new), "", new))

    def _figures(self, expressions: list[int], outcome: Outcome) -> None:
        """A changed stretch that touches the output of expressions: one entry each."""
        for number in expressions:
            if number in self._reported:
                continue
            self._reported.add(number)
            inside = [
                k
                for k, p in enumerate(self.positions)
                if p.kind == "expr" and p.expression == number
            ]
            start, end = inside[0], inside[-1] + 1
            old = self.old[start:end]
            new = self.new[
                corresponding(self.old, self.new, start) : corresponding(self.old, self.new, end)
            ]
            expression = self.index.expressions[number]
            span = self.index.expression_span(number)
            location = self._at(span[0], span[1]) if span else self.location(start)
            cells = [o for o in expression.origins if o.sheet]
            if cells:
                where = "; ".join(str(o) for o in cells)
                message = f"talet kommer från data ({where}) genom {expression.source}"
                hint = "Ändra värdet i arbetsboken; texten följer med vid nästa bygge."
                reason = "data"
            else:
                message = f"texten skrivs av {expression.source}"
                hint = "Ändra uttrycket eller värdet det hämtar (report.yaml, data)."
                reason = "uttryck"
            outcome.not_applied.append(NotApplied(reason, message, location, old, new, hint))

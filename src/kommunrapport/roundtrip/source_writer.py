"""Write the edits into the source files of the working tree: each file once, edits applied
from the end so that earlier offsets stay valid; two edits of the same place are not guessed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Location
from .edits import NotApplied, SourceEdit
from .markdown_escape import escape_block_start
from .source_map import ProvenanceIndex


@dataclass
class ChangedFile:
    shown: str  # as the user sees it
    lines: list[int] = field(default_factory=list)  # where the edits start (old line numbers)


def _overlapping(edits: list[SourceEdit]) -> tuple[list[SourceEdit], list[SourceEdit]]:
    kept: list[SourceEdit] = []
    dropped: list[SourceEdit] = []
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if kept and (edit.start < kept[-1].end or (edit.start == kept[-1].start == edit.end)):
            dropped.append(edit)
        else:
            kept.append(edit)
    return kept, dropped


def write_edits(
    edits: list[SourceEdit], index: ProvenanceIndex, display: Callable[[Path], str]
) -> tuple[list[ChangedFile], list[NotApplied]]:
    by_file: dict[Path, list[SourceEdit]] = {}
    for edit in edits:
        by_file.setdefault(edit.file, []).append(edit)
    changed: list[ChangedFile] = []
    not_applied: list[NotApplied] = []
    for path in sorted(by_file):
        source = index.files[path]
        kept, dropped = _overlapping(by_file[path])
        for edit in dropped:
            not_applied.append(
                NotApplied(
                    "krock",
                    "två ändringar på samma ställe i källan",
                    Location(display(path), line=source.line_of(edit.start)),
                    edit.old,
                    edit.new,
                    "För in den här ändringen för hand.",
                )
            )
        text = source.text
        for edit in reversed(kept):
            insert = edit.text
            if edit.start == 0 or text[edit.start - 1] == "\n":
                insert = escape_block_start(insert)
            text = text[: edit.start] + insert + text[edit.end :]
        if text == source.text:
            continue
        raw = path.read_bytes()
        if b"\r\n" in raw:  # keep the file's line endings
            text = text.replace("\n", "\r\n")
        path.write_bytes(text.encode("utf-8"))
        changed.append(ChangedFile(display(path), sorted({source.line_of(e.start) for e in kept})))
    return changed, not_applied

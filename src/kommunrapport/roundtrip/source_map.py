"""From a paragraph of the DOCX back to the characters of its source file.

Two steps, exact where they can be and honest where they cannot:

1. the paragraph's text, as in the DOCX, is aligned with its section's rendered Markdown: the
   same characters less the Markdown markup, with quotes and dashes made typographic by pandoc;
   a character that does not align has no known origin;
2. each character of the rendered Markdown knows its origin from the provenance render (an
   offset in a literal run of a template, or an expression), and a template offset maps to an
   offset in the file (the template loader blanks the front matter).
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .provenance import Chunk, Expression, Origin

_NORMAL = str.maketrans(
    {
        "\n": " ",
        "\u00a0": " ",
        "\u202f": " ",
        "\t": " ",
        "“": '"',
        "”": '"',
        "„": '"',
        "‘": "'",
        "’": "'",
        "–": "-",
        "—": "-",
    }
)
MIN_ALIGNED = 0.9  # share of a paragraph's letters that must align with the Markdown


def normalize(text: str) -> str:
    return text.translate(_NORMAL)


@dataclass(frozen=True)
class Position:
    """Where one character of a paragraph comes from."""

    kind: str  # "lit": an offset in a file; "expr": an expression's output; "none": unknown
    file: Path | None = None
    offset: int = 0  # in the file's text ("lit"), or the expression's start ("expr")
    expression: int = -1  # the expression's number ("expr")
    repeated: bool = False  # the text comes out more than once (loop, macro, shared snippet)


@dataclass
class SourceFile:
    """A template file: its text, and how offsets in the template's text map to the file."""

    path: Path
    text: str
    blocks: list[tuple[int, int, int]]  # matching stretches: template offset, file offset, size

    @classmethod
    def load(cls, path: Path, template_text: str) -> SourceFile:
        text = path.read_text(encoding="utf-8")
        if template_text == text:
            return cls(path, text, [(0, 0, len(text))])
        matcher = difflib.SequenceMatcher(None, template_text, text, autojunk=False)
        blocks = [(a, b, size) for a, b, size in matcher.get_matching_blocks() if size]
        return cls(path, text, blocks)

    def file_offset(self, template_offset: int) -> int:
        """A template character's offset in the file; one in the blanked front matter maps to
        the first character after it."""
        for start, file_start, size in self.blocks:
            if template_offset < start:
                return file_start
            if template_offset < start + size:
                return file_start + template_offset - start
        return len(self.text)

    def line_of(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1


class ProvenanceIndex:
    """The provenance of one package's render: origins → positions in files."""

    def __init__(
        self,
        chunks: list[Chunk],
        expressions: list[Expression],
        sources: dict[str | None, str],
        editable: Path,
    ):
        self.chunks = chunks
        self.expressions = expressions
        self.sources = sources
        self.editable = editable.resolve()  # only files in the package are edited
        self.uses: Counter[int] = Counter()  # chunk → times it is printed in all documents
        self.files: dict[Path, SourceFile] = {}

    def count_uses(self, origins: list[Origin | None]) -> None:
        for origin in origins:
            if origin is not None and origin.kind == "lit" and origin.offset == 0:
                self.uses[origin.index] += 1

    def source(self, template: str, filename: str | None) -> SourceFile | None:
        if filename is None:
            return None
        path = Path(filename).resolve()
        inside = path.is_relative_to(self.editable) and not path.is_relative_to(
            self.editable / "templates"
        )
        if not inside or not path.is_file():
            return None
        if path not in self.files:
            self.files[path] = SourceFile.load(path, self.sources.get(template, ""))
        return self.files[path]

    def position(self, origin: Origin | None) -> Position:
        if origin is None:
            return Position("none")
        if origin.kind == "expr":
            expression = self.expressions[origin.index]
            source = self.source(expression.template, expression.filename)
            start = source.file_offset(expression.start) if source else 0
            path = source.path if source else None
            return Position("expr", path, start, origin.index, expression.repeated)
        chunk = self.chunks[origin.index]
        source = self.source(chunk.template, chunk.filename)
        if source is None:
            return Position("none")
        repeated = chunk.repeated or self.uses[origin.index] > 1
        return Position(
            "lit", source.path, source.file_offset(chunk.start + origin.offset), repeated=repeated
        )

    def expression_span(self, number: int) -> tuple[Path, int, int] | None:
        """The file, start and end of an expression's ``{{ … }}`` (None: not in the package)."""
        expression = self.expressions[number]
        source = self.source(expression.template, expression.filename)
        if source is None:
            return None
        start, end = source.file_offset(expression.start), source.file_offset(expression.end)
        return source.path, start, end

    def line(self, path: Path, offset: int) -> int:
        return self.files[path].line_of(offset)


def fill_expression_gaps(positions: list[Position]) -> list[Position]:
    """Characters that did not align next to an expression's output are part of it: the
    text pandoc or the build put in its place (a cross-reference's "Tabell 3")."""
    out = list(positions)
    index = 0
    while index < len(out):
        if out[index].kind != "none":
            index += 1
            continue
        end = index
        while end < len(out) and out[end].kind == "none":
            end += 1
        left = out[index - 1] if index > 0 else None
        right = out[end] if end < len(out) else None
        fill = left if left is not None and left.kind == "expr" else None
        if fill is None and right is not None and right.kind == "expr":
            fill = right
        if fill is not None:
            out[index:end] = [fill] * (end - index)
        index = end
    return out


@dataclass
class SectionMarkdown:
    """One section's rendered Markdown with an origin for each character."""

    text: str
    origins: list[Origin | None]
    cursor: int = 0

    def locate(self, paragraph: str) -> list[Origin | None] | None:
        """The origin of each character of ``paragraph`` (its text as in the DOCX), searching
        on from where the previous paragraph was found; None if it is not found."""
        if not paragraph:
            return []
        window_end = min(len(self.text), self.cursor + 2 * len(paragraph) + 400)
        matcher = difflib.SequenceMatcher(
            None, normalize(paragraph), normalize(self.text[self.cursor : window_end]), False
        )
        mapped: list[int | None] = [None] * len(paragraph)
        end = self.cursor
        for a, b, size in matcher.get_matching_blocks():
            for k in range(size):
                mapped[a + k] = self.cursor + b + k
            if size >= 4:  # stray single letters matched further on do not move the cursor
                end = max(end, self.cursor + b + size)
        letters = [i for i, c in enumerate(paragraph) if not c.isspace()]
        if letters and sum(mapped[i] is not None for i in letters) < MIN_ALIGNED * len(letters):
            return None
        self.cursor = end
        return [self.origins[m] if m is not None else None for m in mapped]

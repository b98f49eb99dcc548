"""Where things of the reviewed DOCX are in the sources (a character of a paragraph, the end of
a paragraph, a heading's title), and the reviewers' comments placed there."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import Location
from ..project.package import Package
from .alignment import Pair
from .docx_reader import Comment, DocParagraph, DocTable, Item
from .edits import ParagraphMapper, corresponding
from .rebuild import RebuiltDocument


@dataclass
class ImportedComment:
    author: str
    date: str | None
    text: str
    location: Location
    quoted: str  # the start of the commented paragraph


class Places:
    """File and line of what the reviewer saw, through the paragraphs' mappers."""

    def __init__(
        self,
        mappers: dict[str, ParagraphMapper | None],
        document: RebuiltDocument,
        package: Package,
    ):
        self.mappers = mappers
        self.document = document
        self.package = package

    def after(self, paragraph: Item | None) -> Location:
        """Where a new paragraph after ``paragraph`` (from the sources) goes in."""
        if isinstance(paragraph, DocParagraph) and paragraph.anchor:
            mapper = self.mappers.get(paragraph.anchor)
            if mapper is not None:
                return mapper.location(max(0, len(mapper.old) - 1))
        return Location()

    def within(self, before: Item | None, after: DocParagraph, offset: int) -> Location:
        """The source of the character at ``offset`` of the reviewed paragraph ``after``."""
        if isinstance(before, DocParagraph) and before.anchor:
            mapper = self.mappers.get(before.anchor)
            if mapper is not None:
                return mapper.location(corresponding(after.text, mapper.old, offset))
        if isinstance(before, DocParagraph) and before.heading:
            return self.heading(before)
        return Location()

    def heading(self, heading: DocParagraph) -> Location:
        """Where a section's title is written: its file's ``rubrik:`` line, else report.yaml."""
        for section in self.document.sections:
            if not (section.title and section.source and heading.text.endswith(section.title)):
                continue
            path = self.package.root / section.source
            lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
            if lines and lines[0].strip() == "---":
                for number, line in enumerate(lines[1:], start=2):
                    if line.strip() in ("---", "..."):
                        break
                    if line.startswith(("rubrik:", "titel:")):
                        return Location(section.source, line=number)
            return Location(self.package.config_display)
        return Location()


def _comment(comment: Comment, location: Location, text: str) -> ImportedComment:
    quoted = " ".join(text.split())
    quoted = quoted if len(quoted) <= 60 else quoted[:59] + "…"
    return ImportedComment(comment.author, comment.date, comment.text, location, quoted)


def place_comments(pairs: list[Pair], places: Places) -> list[ImportedComment]:
    """Every comment of the reviewed document, with the file and line it points to."""
    out = []
    previous: Item | None = None  # the last paragraph from the sources
    for before, after in pairs:
        new_paragraph = before is None and isinstance(after, DocParagraph)
        if isinstance(before, DocParagraph) and before.anchor:
            previous = before
        if isinstance(after, DocTable):
            out += [_comment(c, Location(), after.caption) for _r, _c, c in after.comments]
        elif isinstance(after, DocParagraph):
            for comment in after.comments:
                location = (
                    places.after(previous)
                    if new_paragraph
                    else places.within(before, after, comment.offset)
                )
                out.append(_comment(comment, location, after.text))
    return out

"""Read a DOCX the way a reviewer left it: its text with tracked changes accepted, the anchors
the build wrote, the tables cell by cell, and the comments with the place they point to."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from ..document.anchors import ANCHOR_PREFIX
from ..errors import KommunrapportError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def q(name: str) -> str:
    return f"{{{W}}}{name}"


@dataclass
class Comment:
    id: str
    author: str
    date: str | None
    text: str
    offset: int = 0  # where the commented text starts in its paragraph


@dataclass
class DocParagraph:
    text: str
    style: str
    anchors: list[str] = field(default_factory=list)  # the build's _kr… bookmarks in it
    bookmarks: list[str] = field(default_factory=list)  # other bookmarks (heading ids …)
    comments: list[Comment] = field(default_factory=list)
    listed: bool = False  # a list item (numbering)

    @property
    def anchor(self) -> str | None:
        return self.anchors[0] if self.anchors else None

    @property
    def heading(self) -> bool:
        return self.style.lower().startswith(("heading", "rubrik"))


@dataclass
class DocTable:
    rows: list[list[str]]
    caption: str  # the text of the paragraph just before the table
    bookmarks: list[str] = field(default_factory=list)  # the caption's (the table's id)
    comments: list[tuple[int, int, Comment]] = field(default_factory=list)  # row, column


Item = DocParagraph | DocTable


@dataclass
class DocxContent:
    items: list[Item]

    @property
    def paragraphs(self) -> list[DocParagraph]:
        return [i for i in self.items if isinstance(i, DocParagraph)]

    @property
    def tables(self) -> list[DocTable]:
        return [i for i in self.items if isinstance(i, DocTable)]

    @property
    def comments(self) -> list[Comment]:
        found: list[Comment] = []
        for item in self.items:
            if isinstance(item, DocTable):
                found += [comment for _r, _c, comment in item.comments]
            else:
                found += item.comments
        return found


# never part of the text: deleted text, moved-away text, field codes, properties
SKIPPED = {
    q("del"),
    q("moveFrom"),
    q("instrText"),
    q("delText"),
    q("delInstrText"),
    q("pPr"),
    q("rPr"),
    q("commentReference"),
    q("footnoteReference"),
    q("endnoteReference"),
}


class _ParagraphText:
    """Walks one paragraph in document order, accepting tracked changes."""

    def __init__(self, comments: dict[str, Comment]):
        self.parts: list[str] = []
        self.length = 0
        self.anchors: list[str] = []
        self.bookmarks: list[str] = []
        self.comments: list[Comment] = []
        self.known = comments
        self.field_code = False

    def add(self, text: str) -> None:
        if text and not self.field_code:
            self.parts.append(text)
            self.length += len(text)

    def walk(self, element: etree._Element) -> None:
        for child in element:
            tag = child.tag
            if tag in SKIPPED:
                continue
            if tag == q("t"):
                self.add(child.text or "")
            elif tag == q("tab"):
                self.add("\t")
            elif tag in (q("br"), q("cr")):
                if child.get(q("type")) in (None, "textWrapping"):
                    self.add("\n")
            elif tag == q("noBreakHyphen"):
                self.add("\u2011")
            elif tag == q("fldChar"):
                self.field_code = child.get(q("fldCharType")) == "begin"
            elif tag == q("bookmarkStart"):
                name = child.get(q("name")) or ""
                (self.anchors if name.startswith(ANCHOR_PREFIX) else self.bookmarks).append(name)
            elif tag == q("commentRangeStart"):
                comment = self.known.get(child.get(q("id")) or "")
                if comment is not None and comment not in self.comments:
                    comment.offset = self.length
                    self.comments.append(comment)
            else:
                self.walk(child)

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _properties(paragraph: etree._Element) -> tuple[str, bool, bool]:
    """Style, whether it is a list item, whether its mark is a tracked deletion."""
    ppr = paragraph.find(q("pPr"))
    if ppr is None:
        return "", False, False
    style = ppr.find(q("pStyle"))
    rpr = ppr.find(q("rPr"))
    deleted = rpr is not None and rpr.find(q("del")) is not None
    name = style.get(q("val")) or "" if style is not None else ""
    return name, ppr.find(q("numPr")) is not None, deleted


def _paragraph(element: etree._Element, comments: dict[str, Comment]) -> DocParagraph:
    walker = _ParagraphText(comments)
    walker.walk(element)
    style, listed, _deleted = _properties(element)
    return DocParagraph(
        walker.text, style, walker.anchors, walker.bookmarks, walker.comments, listed
    )


def _joined(first: DocParagraph, second: DocParagraph) -> DocParagraph:
    """A paragraph whose mark was deleted (tracked), joined with the one after it."""
    for comment in second.comments:
        comment.offset += len(first.text)
    return DocParagraph(
        first.text + second.text,
        first.style,
        first.anchors + second.anchors,
        first.bookmarks + second.bookmarks,
        first.comments + second.comments,
        first.listed,
    )


def _table(
    element: etree._Element, caption: DocParagraph | None, comments: dict[str, Comment]
) -> DocTable:
    table = DocTable([], caption.text if caption else "", caption.bookmarks if caption else [])
    for row in element.iterchildren(q("tr")):
        if row.find(f"{q('trPr')}/{q('del')}") is not None:
            continue  # a deleted row (tracked)
        cells: list[str] = []
        for cell in row.iterchildren(q("tc")):
            texts = []
            for paragraph in cell.iter(q("p")):
                read = _paragraph(paragraph, comments)
                texts.append(read.text)
                table.comments += [(len(table.rows), len(cells), c) for c in read.comments]
            cells.append("\n".join(texts))
        table.rows.append(cells)
    return table


def read_comments(archive: zipfile.ZipFile) -> dict[str, Comment]:
    try:
        root = etree.fromstring(archive.read("word/comments.xml"))
    except KeyError:
        return {}
    found = {}
    for comment in root.iter(q("comment")):
        paragraphs = []
        for paragraph in comment.iter(q("p")):
            walker = _ParagraphText({})
            walker.walk(paragraph)
            paragraphs.append(walker.text)
        identifier = comment.get(q("id")) or ""
        found[identifier] = Comment(
            identifier,
            comment.get(q("author")) or "",
            comment.get(q("date")),
            "\n".join(paragraphs).strip(),
        )
    return found


def _blocks(parent: etree._Element) -> Iterator[etree._Element]:
    """Paragraphs and tables of the body in order, also inside content controls."""
    for child in parent:
        if child.tag == q("sdt"):
            content = child.find(q("sdtContent"))
            if content is not None:
                yield from _blocks(content)
        elif child.tag in (q("p"), q("tbl")):
            yield child


def read_docx(data: bytes, name: str = "DOCX-filen") -> DocxContent:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        document = archive.read("word/document.xml")
    except (zipfile.BadZipFile, KeyError):
        raise KommunrapportError(
            f"{name} är ingen Word-fil (DOCX)",
            hint="Spara dokumentet i Word som .docx (Word-dokument) och försök igen.",
        ) from None
    comments = read_comments(archive)
    body = etree.fromstring(document).find(q("body"))
    items: list[Item] = []
    pending: DocParagraph | None = None
    previous: DocParagraph | None = None
    for element in _blocks(body if body is not None else etree.Element(q("body"))):
        if element.tag == q("tbl"):
            if pending is not None:
                items.append(pending)
                pending = None
            items.append(_table(element, previous, comments))
            previous = None
            continue
        paragraph = _paragraph(element, comments)
        if pending is not None:
            paragraph = _joined(pending, paragraph)
            pending = None
        if _properties(element)[2]:
            pending = paragraph
            continue
        items.append(paragraph)
        previous = paragraph
    if pending is not None:
        items.append(pending)
    return DocxContent(items)

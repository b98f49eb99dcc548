"""Word tracked changes (w:ins, w:del) written into a paragraph, a table row, or around a range
of characters of a paragraph, with runs split at the range's ends.

The author and date of every revision are fixed by the caller, and the revision ids are
counted from a fixed number, so the same two documents always give the same bytes.
"""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass, field

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
FIRST_REVISION_ID = 3_000_000  # above the bookmarks' ids (headings, captions, anchors)


def q(name: str) -> str:
    return f"{{{W}}}{name}"


@dataclass
class Revisions:
    author: str
    date: str | None  # "2024-02-05T00:00:00Z"
    next_id: int = FIRST_REVISION_ID
    counts: Counter[str] = field(default_factory=Counter)  # what changed: mening, cell, …

    def mark(self, kind: str) -> etree._Element:
        """A new, empty w:ins or w:del."""
        attributes = {q("id"): str(self.next_id), q("author"): self.author}
        if self.date:
            attributes[q("date")] = self.date
        self.next_id += 1
        return etree.Element(q(kind), attributes)


def run_text(run: etree._Element) -> str:
    parts = []
    for child in run:
        if child.tag == q("t"):
            parts.append(child.text or "")
        elif child.tag == q("tab"):
            parts.append("\t")
        elif child.tag in (q("br"), q("cr")) and child.get(q("type")) in (None, "textWrapping"):
            parts.append("\n")
        elif child.tag == q("noBreakHyphen"):
            parts.append("\u2011")
    return "".join(parts)


def text_runs(paragraph: etree._Element) -> list[etree._Element]:
    """The runs that carry the paragraph's visible text, in order: also inside hyperlinks and
    insertions; not deleted runs, not field codes (a field's result is text)."""
    out = []
    field_code = False
    for run in paragraph.iter(q("r")):
        if run.getparent().tag in (q("del"), q("moveFrom")):
            continue
        for child in run:
            if child.tag == q("fldChar"):
                field_code = child.get(q("fldCharType")) == "begin"
        if not field_code:
            out.append(run)
    return out


def paragraph_text(paragraph: etree._Element) -> str:
    return "".join(run_text(run) for run in text_runs(paragraph))


def _plain(run: etree._Element) -> bool:
    return [c.tag for c in run if c.tag != q("rPr")] == [q("t")]


def _set_text(run: etree._Element, text: str) -> None:
    t = run.find(q("t"))
    t.text = text
    t.set(XML_SPACE, "preserve")


class RangeMarker:
    """Marks ranges of one paragraph's characters as inserted, and adds deleted text."""

    def __init__(self, paragraph: etree._Element, revisions: Revisions):
        self.paragraph = paragraph
        self.revisions = revisions

    def split_at(self, offset: int) -> etree._Element | None:
        """Split a run so that one starts at ``offset``; that run (None: the end)."""
        position = 0
        for run in text_runs(self.paragraph):
            text = run_text(run)
            if position == offset and text:
                return run
            if position < offset < position + len(text) and _plain(run):
                first = copy.deepcopy(run)
                _set_text(first, text[: offset - position])
                _set_text(run, text[offset - position :])
                run.addprevious(first)
                return run
            position += len(text)
        return None

    def insert(self, start: int, end: int) -> etree._Element | None:
        """Mark characters [start, end) as inserted; return the first run of the range (or
        the run where an empty range is, None at the end of the paragraph)."""
        first = self.split_at(start)
        if start >= end:
            return first
        self.split_at(end)
        position = 0
        chosen = []
        for run in text_runs(self.paragraph):
            length = len(run_text(run))
            if length and start <= position and position + length <= end:
                chosen.append(run)
            position += length
        for run in chosen:
            if run.getparent().tag == q("ins"):
                continue
            wrapper = self.revisions.mark("ins")
            run.addprevious(wrapper)
            wrapper.append(run)
        return first

    def delete(self, text: str, before: etree._Element | None) -> None:
        """Deleted ``text`` just before the run ``before`` (at the end if None), formatted as
        that run (or the paragraph's last run)."""
        if not text:
            return
        runs = text_runs(self.paragraph)
        like = before if before is not None else (runs[-1] if runs else None)
        run = etree.Element(q("r"))
        rpr = like.find(q("rPr")) if like is not None else None
        if rpr is not None:
            run.append(copy.deepcopy(rpr))
        deleted = etree.SubElement(run, q("delText"))
        deleted.text = text
        deleted.set(XML_SPACE, "preserve")
        wrapper = self.revisions.mark("del")
        wrapper.append(run)
        if before is None:
            self.paragraph.append(wrapper)
            return
        anchor = before
        while anchor.getparent().tag == q("ins"):
            anchor = anchor.getparent()
        anchor.addprevious(wrapper)


def _paragraph_mark(paragraph: etree._Element, kind: str, revisions: Revisions) -> None:
    """The paragraph mark itself inserted or deleted (w:pPr/w:rPr/w:ins|w:del)."""
    ppr = paragraph.find(q("pPr"))
    if ppr is None:
        ppr = etree.Element(q("pPr"))
        paragraph.insert(0, ppr)
    rpr = ppr.find(q("rPr"))
    if rpr is None:
        rpr = etree.Element(q("rPr"))
        later = ppr.find(q("sectPr"))
        later = later if later is not None else ppr.find(q("pPrChange"))
        if later is not None:
            later.addprevious(rpr)
        else:
            ppr.append(rpr)
    rpr.insert(0, revisions.mark(kind))  # w:ins/w:del come first in a paragraph mark's rPr


def _detach(paragraph: etree._Element) -> None:
    """A copy from the older document keeps nothing that points into that document's parts:
    no bookmarks, pictures, embedded objects or note references; links become plain text."""
    for element in list(
        paragraph.iter(
            q("bookmarkStart"),
            q("bookmarkEnd"),
            q("drawing"),
            q("pict"),
            q("object"),
            q("footnoteReference"),
            q("endnoteReference"),
            q("commentRangeStart"),
            q("commentRangeEnd"),
            q("commentReference"),
        )
    ):
        element.getparent().remove(element)
    for link in list(paragraph.iter(q("hyperlink"))):
        parent = link.getparent()
        position = parent.index(link)
        for child in list(link):
            parent.insert(position, child)
            position += 1
        parent.remove(link)


def mark_paragraph(paragraph: etree._Element, kind: str, revisions: Revisions) -> None:
    """A whole paragraph inserted (``ins``) or deleted (``del``). A deleted paragraph is a copy
    from the older document: its bookmarks and pictures are left out (they would clash with
    the newer document's or point to its parts)."""
    if kind == "del":
        _detach(paragraph)
    for run in list(paragraph.iter(q("r"))):
        if kind == "del":
            for t in run.findall(q("t")):
                t.tag = q("delText")
            for t in run.findall(q("instrText")):
                t.tag = q("delInstrText")
        if run.getparent().tag in (q("ins"), q("del")):
            continue
        wrapper = revisions.mark(kind)
        run.addprevious(wrapper)
        wrapper.append(run)
    _paragraph_mark(paragraph, kind, revisions)


def mark_row(row: etree._Element, kind: str, revisions: Revisions) -> None:
    """A whole table row inserted or deleted (w:trPr/w:ins|w:del), its text with it."""
    trpr = row.find(q("trPr"))
    if trpr is None:
        trpr = etree.Element(q("trPr"))
        row.insert(1 if row.find(q("tblPrEx")) is not None else 0, trpr)
    trpr.append(revisions.mark(kind))
    for paragraph in row.iter(q("p")):
        mark_paragraph(paragraph, kind, revisions)


def mark_cell(old: str, cell: etree._Element, revisions: Revisions) -> None:
    """A changed cell: its old text deleted, its new text inserted."""
    paragraphs = list(cell.iter(q("p")))
    for paragraph in paragraphs:
        RangeMarker(paragraph, revisions).insert(0, len(paragraph_text(paragraph)))
    if paragraphs:
        first = paragraphs[0]
        runs = text_runs(first)
        RangeMarker(first, revisions).delete(" ".join(old.split("\n")), runs[0] if runs else None)

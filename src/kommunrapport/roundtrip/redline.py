"""The newer DOCX with everything that changed since the older one as Word tracked changes.

Body items are paired in order (the same text, or similar text within a changed stretch).
Within a changed paragraph the sentences are compared as ``kommunrapport diff`` compares them,
and each changed sentence becomes the deletion of the old sentence and the insertion of the
new one. Tables are paired in order, rows by their first cell; a changed cell is its old text
deleted and its new text inserted. New and removed paragraphs and rows are marked whole. The
table of contents is left as it is (the build writes it anew).
"""

from __future__ import annotations

import copy
import difflib
import io
import zipfile
from datetime import datetime

from lxml import etree

from ..review.section_text import sentence_spans
from ..writers.docx import normalize_zip
from .ooxml_revisions import (
    RangeMarker,
    Revisions,
    mark_cell,
    mark_paragraph,
    mark_row,
    paragraph_text,
    q,
)

SIMILAR = 0.45  # paragraphs at least this similar are one changed paragraph


def _style(paragraph: etree._Element) -> str:
    style = paragraph.find(f"{q('pPr')}/{q('pStyle')}")
    return (style.get(q("val")) or "") if style is not None else ""


def _toc(element: etree._Element) -> bool:
    return element.tag == q("p") and _style(element).startswith("TOC")


def _covering(text: str) -> list[tuple[int, int]]:
    """Sentence spans that cover the whole text: each runs to where the next begins."""
    spans = sentence_spans(text)
    starts = [start for start, _end in spans]
    return [(start, starts[i + 1] if i + 1 < len(starts) else len(text)) for i, start in
            enumerate(starts)]  # fmt: skip


def _sentence(text: str) -> str:
    return " ".join(text.split())


def mark_sentences(old: str, new_paragraph: etree._Element, revisions: Revisions) -> None:
    """Mark the sentences of ``new_paragraph`` that differ from those of the text ``old``."""
    new = paragraph_text(new_paragraph)
    old_spans, new_spans = _covering(old), _covering(new)
    matcher = difflib.SequenceMatcher(
        None,
        [_sentence(old[a:b]) for a, b in old_spans],
        [_sentence(new[a:b]) for a, b in new_spans],
        autojunk=False,
    )
    marker = RangeMarker(new_paragraph, revisions)
    for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):
        if tag == "equal":
            continue
        start = new_spans[j1][0] if j1 < len(new_spans) else len(new)
        end = new_spans[j2 - 1][1] if j2 > j1 else start
        removed_from = old_spans[i1][0] if i2 > i1 else 0
        if i2 > i1 and j1 == j2 == len(new_spans) and i1 > 0:
            # the last sentences went: the space before them goes with them
            previous = old[old_spans[i1 - 1][0] : old_spans[i1 - 1][1]]
            removed_from = old_spans[i1 - 1][0] + len(previous.rstrip())
        removed = old[removed_from : old_spans[i2 - 1][1]] if i2 > i1 else ""
        first = marker.insert(start, end)
        marker.delete(removed, first)
        revisions.counts["mening"] += max(i2 - i1, j2 - j1)


def _row_key(row: etree._Element) -> str:
    cells = row.findall(q("tc"))
    return " ".join(paragraph_text(p) for p in cells[0].iter(q("p"))) if cells else ""


def _cell_text(cell: etree._Element) -> str:
    return "\n".join(paragraph_text(p) for p in cell.iter(q("p")))


def mark_table(old: etree._Element, new: etree._Element, revisions: Revisions) -> None:
    old_rows, new_rows = old.findall(q("tr")), new.findall(q("tr"))
    matcher = difflib.SequenceMatcher(
        None, [_row_key(r) for r in old_rows], [_row_key(r) for r in new_rows], autojunk=False
    )
    for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            for old_row, new_row in zip(old_rows[i1:i2], new_rows[j1:j2], strict=True):
                _mark_row_cells(old_row, new_row, revisions)
            continue
        revisions.counts["rad"] += (i2 - i1) + (j2 - j1)
        for new_row in new_rows[j1:j2]:
            mark_row(new_row, "ins", revisions)
        following = new_rows[j2] if j2 < len(new_rows) else None
        for old_row in old_rows[i1:i2]:
            gone = copy.deepcopy(old_row)
            mark_row(gone, "del", revisions)
            if following is not None:
                following.addprevious(gone)
            else:
                new.append(gone)


def _mark_row_cells(old_row: etree._Element, new_row: etree._Element, revisions: Revisions) -> None:
    old_cells, new_cells = old_row.findall(q("tc")), new_row.findall(q("tc"))
    if len(old_cells) != len(new_cells):
        gone = copy.deepcopy(old_row)
        mark_row(gone, "del", revisions)
        new_row.addprevious(gone)
        mark_row(new_row, "ins", revisions)
        return
    for old_cell, new_cell in zip(old_cells, new_cells, strict=True):
        before = _cell_text(old_cell)
        if before != _cell_text(new_cell):
            mark_cell(before, new_cell, revisions)
            revisions.counts["cell"] += 1


def _key(element: etree._Element) -> str:
    if element.tag == q("tbl"):
        caption = element.find(f"{q('tblPr')}/{q('tblCaption')}")
        rows = element.findall(q("tr"))
        header = _row_key(rows[0]) if rows else ""
        name = caption.get(q("val")) if caption is not None else ""
        return f"tbl:{name}:{header}"
    return f"p:{_style(element)}:{paragraph_text(element)}"


def _similar(a: etree._Element, b: etree._Element) -> bool:
    if a.tag != b.tag:
        return False
    if a.tag == q("tbl"):
        return True
    ratio = difflib.SequenceMatcher(None, paragraph_text(a), paragraph_text(b)).ratio()
    return ratio >= SIMILAR


def _items(body: etree._Element) -> list[etree._Element]:
    return [c for c in body if c.tag in (q("p"), q("tbl"))]


Step = tuple[etree._Element | None, etree._Element | None]


def _pair(olds: list[etree._Element], news: list[etree._Element]) -> list[Step]:
    plan: list[Step] = []
    k = 0
    for old in olds:
        match = next((m for m in range(k, len(news)) if _similar(old, news[m])), None)
        if match is None:
            plan.append((old, None))
            continue
        plan += [(None, n) for n in news[k:match]]
        plan.append((old, news[match]))
        k = match + 1
    return plan + [(None, n) for n in news[k:]]


class BodyRedline:
    """Marks the newer body against the older one."""

    def __init__(self, old_body: etree._Element, new_body: etree._Element, revisions: Revisions):
        self.old_body = old_body
        self.new_body = new_body
        self.revisions = revisions

    def run(self) -> None:
        old_items, new_items = _items(self.old_body), _items(self.new_body)
        matcher = difflib.SequenceMatcher(
            None, [_key(e) for e in old_items], [_key(e) for e in new_items], autojunk=False
        )
        for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):
            if tag == "equal":
                for old, new in zip(old_items[i1:i2], new_items[j1:j2], strict=True):
                    if old.tag == q("tbl"):
                        mark_table(old, new, self.revisions)
                continue
            following = new_items[j2] if j2 < len(new_items) else None
            self._stretch(_pair(old_items[i1:i2], new_items[j1:j2]), following)

    def _stretch(self, plan: list[Step], following: etree._Element | None) -> None:
        for index, (old, new) in enumerate(plan):
            if old is not None and new is not None:
                if old.tag == q("tbl"):
                    mark_table(old, new, self.revisions)
                elif not _toc(new):
                    mark_sentences(paragraph_text(old), new, self.revisions)
            elif new is not None and not _toc(new):
                if new.tag == q("tbl"):
                    for row in new.findall(q("tr")):
                        mark_row(row, "ins", self.revisions)
                else:
                    mark_paragraph(new, "ins", self.revisions)
                self.revisions.counts["tabell" if new.tag == q("tbl") else "stycke"] += 1
            elif old is not None and not _toc(old):
                after = next((n for _o, n in plan[index + 1 :] if n is not None), following)
                self._removed(old, after)

    def _removed(self, old: etree._Element, after: etree._Element | None) -> None:
        self.revisions.counts["tabell" if old.tag == q("tbl") else "stycke"] += 1
        gone = copy.deepcopy(old)
        if gone.tag == q("tbl"):
            for row in gone.findall(q("tr")):
                mark_row(row, "del", self.revisions)
        else:
            mark_paragraph(gone, "del", self.revisions)
        if after is not None:
            after.addprevious(gone)
            return
        section = self.new_body.find(q("sectPr"))
        if section is not None:
            section.addprevious(gone)
        else:
            self.new_body.append(gone)


def redline(
    old_docx: bytes, new_docx: bytes, revisions: Revisions, timestamp: datetime | None = None
) -> bytes:
    """The newer document with its changes since the older one as tracked changes
    (``revisions`` counts what changed)."""
    old_archive = zipfile.ZipFile(io.BytesIO(old_docx))
    new_archive = zipfile.ZipFile(io.BytesIO(new_docx))
    old_root = etree.fromstring(old_archive.read("word/document.xml"))
    new_root = etree.fromstring(new_archive.read("word/document.xml"))
    BodyRedline(old_root.find(q("body")), new_root.find(q("body")), revisions).run()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in new_archive.infolist():
            data = new_archive.read(info.filename)
            if info.filename == "word/document.xml":
                data = etree.tostring(
                    new_root, xml_declaration=True, encoding="UTF-8", standalone=True
                )
            target.writestr(info, data)
    return normalize_zip(out.getvalue(), timestamp)

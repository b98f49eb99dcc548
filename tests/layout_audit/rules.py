"""The faults a kommunsekreterare sends back, counted on the pages of a PDF."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from .alignment import Placed
from .pdf_pages import EDGE_TOLERANCE, PdfText
from .source import Margins

FAULT_KINDS = {
    "heading_at_bottom": "rubrik bland sidans två sista rader, avsnittet fortsätter på nästa sida",
    "caption_at_bottom": "tabellrubrik (bildtext) på en sida, tabellen på nästa",
    "caption_separated": "bild på en sida, bildtexten på nästa",
    "header_alone": "tabellens rubrikrader utan datarad under sig på samma sida",
    "group_row_alone": "grupprad sist på sidan, dess rader på nästa",
    "lone_row_after_break": "summa- eller kommentarrad först på en ny sida",
    "header_word_broken": "ord avbrutet i en kolumnrubrik",
    "cell_word_broken": "ord avbrutet i en tabellcell",
    "cell_number_broken": "datum eller tal avbrutet i en tabellcell",
    "beyond_margins": "text eller bild utanför sidans marginaler",
    "half_empty_before_table": "sida mer än halvtom följd av en tabell",
    "toc_alone": "innehållsförteckningsrad ensam på en sida",
    "table_parted_from_lead": "kort tabell först på en sida, rubriken och texten som inleder "
    "den på sidan före",
}
NUMBER = re.compile(r"[−-]?\d(?:[\d.,:\-–]|[\u00a0\u202f](?=\d))*\d(?:[\u00a0\u202f]?%)?")
WORD = re.compile(r"[^\s\u00a0\u202f]+")
BREAKS_AFTER = set("-/\u00ad\u2010–")


@dataclass
class Fault:
    kind: str
    page: int  # 1-based
    text: str

    def __str__(self) -> str:
        return f"s. {self.page}: {self.kind}: {self.text[:70]}"


class Layout:
    """Where every placed item is on the pages."""

    def __init__(self, placed: list[Placed], pdf: PdfText) -> None:
        self.placed = placed
        self.pdf = pdf
        self.image_lines = self._images()

    def _images(self) -> dict[int, tuple[int, int]]:
        """Source image index → (page, line) when the PDF has as many images as the source."""
        pdf_images = [
            (number, index)
            for number, page in enumerate(self.pdf.pages)
            for index, line in enumerate(page.lines)
            if line.image
        ]
        sources = [i for i, p in enumerate(self.placed) if p.item.kind == "image"]
        if len(pdf_images) != len(sources):
            return {}
        return dict(zip(sources, pdf_images, strict=True))

    def found(self, index: int) -> bool:
        return bool(self.placed[index].chars) or index in self.image_lines

    def first(self, index: int) -> tuple[int, int]:
        if index in self.image_lines:
            return self.image_lines[index]
        char = self.pdf.chars[self.placed[index].chars[0]]
        return char.page, char.line

    def last(self, index: int) -> tuple[int, int]:
        if index in self.image_lines:
            return self.image_lines[index]
        chars = [self.pdf.chars[i] for i in self.placed[index].chars]
        page = max(c.page for c in chars)
        return page, max(c.line for c in chars if c.page == page)

    def next_found(self, index: int) -> int | None:
        return next((i for i in range(index + 1, len(self.placed)) if self.found(i)), None)

    def previous_found(self, index: int) -> int | None:
        return next((i for i in range(index - 1, -1, -1) if self.found(i)), None)

    def lines_below(self, page: int, line: int) -> int:
        return len(self.pdf.pages[page].lines) - 1 - line


def find_faults(placed: list[Placed], pdf: PdfText, margins: Margins) -> list[Fault]:
    layout = Layout(placed, pdf)
    faults: list[Fault] = []
    for index, entry in enumerate(placed):
        if not layout.found(index):
            continue
        role = entry.item.role
        if entry.item.kind == "para" and role == "heading":
            faults += _heading(layout, index)
        elif role == "caption_table":
            faults += _caption_before(layout, index)
        elif role == "caption_image":
            faults += _caption_after(layout, index)
        if entry.item.kind == "row":
            faults += _row(layout, index)
            faults += _parted_from_lead(layout, index)
            faults += _broken_words(layout, entry)
    faults += _margins(pdf, margins)
    faults += _half_empty(layout, margins)
    faults += _toc_alone(layout)
    return faults


def _fault(layout: Layout, kind: str, index: int, page: int | None = None) -> Fault:
    item = layout.placed[index].item
    where = page if page is not None else layout.first(index)[0]
    return Fault(kind, where + 1, item.text or item.style or item.kind)


def _heading(layout: Layout, index: int) -> list[Fault]:
    heading = layout.placed[index].item
    page, line = layout.last(index)
    after = layout.next_found(index)
    if after is None or layout.placed[after].item.break_before:
        return []
    if layout.first(after)[0] > page:
        return [_fault(layout, "heading_at_bottom", index, page)]
    if layout.lines_below(page, line) > 1:
        return []
    # one line under the heading, then a new page: does the section go on there?
    following = next(
        (
            i
            for i in range(after, len(layout.placed))
            if layout.found(i) and layout.first(i)[0] > page
        ),
        None,
    )
    if following is None:
        return []
    item = layout.placed[following].item
    if item.break_before or item.role == "title":
        return []
    if item.role == "heading" and item.level <= heading.level:
        return []
    return [_fault(layout, "heading_at_bottom", index, page)]


def _caption_before(layout: Layout, index: int) -> list[Fault]:
    after = layout.next_found(index)
    if after is None or layout.placed[after].item.break_before:
        return []
    if layout.first(after)[0] > layout.last(index)[0]:
        return [_fault(layout, "caption_at_bottom", index)]
    return []


def _caption_after(layout: Layout, index: int) -> list[Fault]:
    before = index - 1
    if before < 0 or layout.placed[before].item.kind != "image" or not layout.found(before):
        return []
    if layout.first(index)[0] != layout.last(before)[0]:
        return [_fault(layout, "caption_separated", index)]
    return []


def _same_table_rows(layout: Layout, index: int, step: int) -> int | None:
    item = layout.placed[index].item
    position = index + step
    while 0 <= position < len(layout.placed):
        other = layout.placed[position].item
        if other.kind != "row" or other.table != item.table:
            return None
        if layout.found(position):
            return position
        position += step
    return None


def _row(layout: Layout, index: int) -> list[Fault]:
    item = layout.placed[index].item
    page = layout.first(index)[0]
    following = _same_table_rows(layout, index, 1)
    if (
        item.role == "header"
        and following is not None
        and layout.placed[following].item.role != "header"
        and layout.first(following)[0] > page
    ):
        return [_fault(layout, "header_alone", index)]
    if item.role == "group" and following is not None and layout.first(following)[0] > page:
        return [_fault(layout, "group_row_alone", index)]
    if item.role in ("total", "comment"):
        previous = _same_table_rows(layout, index, -1)
        if (
            previous is not None
            and layout.placed[previous].item.role != "header"
            and layout.last(previous)[0] < page
        ):
            return [_fault(layout, "lone_row_after_break", index)]
    return []


def _parted_from_lead(layout: Layout, index: int) -> list[Fault]:
    """A short table (all on one page) that starts a page while the heading and the paragraph
    introducing it (heading, paragraph, table: a risk and its one-row table) end the page
    before."""
    item = layout.placed[index].item
    if item.row != 0 or item.break_before:
        return []
    page = layout.first(index)[0]
    lead = layout.previous_found(index)
    if lead is None or layout.last(lead)[0] >= page:
        return []
    lead_item = layout.placed[lead].item
    heading = layout.previous_found(lead)
    if lead_item.kind != "para" or lead_item.role != "body" or heading is None:
        return []
    if layout.placed[heading].item.role != "heading" or layout.last(heading)[0] != page - 1:
        return []
    last_row = index
    while (following := _same_table_rows(layout, last_row, 1)) is not None:
        last_row = following
    if layout.last(last_row)[0] != page:
        return []  # a long table: it may start on a page of its own
    return [_fault(layout, "table_parted_from_lead", index)]


def _broken_words(layout: Layout, entry: Placed) -> list[Fault]:
    faults: list[Fault] = []
    header = entry.item.role == "header"
    for text, chars, where in zip(
        entry.item.cells, entry.cell_chars, entry.cell_source, strict=False
    ):
        if not chars:
            continue
        line_of = {}
        for pdf_index, source_index in zip(chars, where, strict=True):
            char = layout.pdf.chars[pdf_index]
            line_of[source_index] = (char.page, char.line)
        numbers = [m.span() for m in NUMBER.finditer(text)]
        for start, end in numbers:
            if len({line_of[i] for i in range(start, end) if i in line_of}) > 1:
                page = min(line_of[i] for i in range(start, end) if i in line_of)[0]
                faults.append(Fault("cell_number_broken", page + 1, text[start:end]))
        for match in WORD.finditer(text):
            start, end = match.span()
            word = match.group(0)
            if any(s <= start < e for s, e in numbers) or sum(c.isalpha() for c in word) < 2:
                continue
            positions = [i for i in range(start, end) if i in line_of]
            for before, after in itertools.pairwise(positions):
                if line_of[before] != line_of[after] and not BREAKS_AFTER & set(text[before:after]):
                    kind = "header_word_broken" if header else "cell_word_broken"
                    faults.append(Fault(kind, line_of[before][0] + 1, word))
                    break
    return faults


def _margins(pdf: PdfText, margins: Margins) -> list[Fault]:
    faults = []
    for number, page in enumerate(pdf.pages):
        low, high = margins.left - EDGE_TOLERANCE, page.width - margins.right + EDGE_TOLERANCE
        for left, _bottom, right, _top in page.images:
            if left < low or right > high:
                faults.append(Fault("beyond_margins", number + 1, "[bild]"))
        for line in page.lines:
            outside = [pdf.chars[i] for i in line.chars if not low <= pdf.chars[i].left]
            outside += [pdf.chars[i] for i in line.chars if pdf.chars[i].right > high]
            if outside:
                text = "".join(c.char for c in sorted(outside, key=lambda c: c.left))
                text = "".join(
                    pdf.chars[i].char for i in sorted(line.chars, key=lambda i: pdf.chars[i].left)
                )
                faults.append(Fault("beyond_margins", number + 1, text))
    return faults


def _half_empty(layout: Layout, margins: Margins) -> list[Fault]:
    faults = []
    starts: dict[int, int] = {}
    for index in range(len(layout.placed)):
        if layout.found(index):
            page = layout.first(index)[0]
            previous = layout.previous_found(index)
            if previous is None or layout.last(previous)[0] < page:
                starts.setdefault(page, index)
    for number, page in enumerate(layout.pdf.pages[:-1]):
        first = starts.get(number + 1)
        if first is None:
            continue
        item = layout.placed[first].item
        if item.break_before or not (item.kind == "row" or item.role == "caption_table"):
            continue
        height = page.height - margins.top - margins.bottom
        bottom = min((line.bottom for line in page.lines), default=page.height - margins.top)
        if (page.height - margins.top - bottom) / height < 0.5:
            faults.append(Fault("half_empty_before_table", number + 1, item.text))
    return faults


def _toc_alone(layout: Layout) -> list[Fault]:
    owner: dict[int, int] = {}
    for index, entry in enumerate(layout.placed):
        for char in entry.chars:
            owner[char] = index
    faults = []
    for number, page in enumerate(layout.pdf.pages):
        if not page.lines or len(page.lines) > 2:
            continue
        roles = {
            layout.placed[owner[i]].item.role
            for line in page.lines
            for i in line.chars
            if i in owner
        }
        if roles == {"toc"}:
            faults.append(Fault("toc_alone", number + 1, "innehållsförteckning"))
    return faults

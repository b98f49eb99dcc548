"""The characters of a PDF with their boxes, grouped into the lines of each page (pypdfium2).

Running header and footer text (in the top and bottom page margins) is furniture: it is kept
apart so that a paragraph running over a page break reads as one stream of characters.
"""

from __future__ import annotations

import ctypes
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw

from .source import Margins

INVISIBLE_RENDER_MODE = 3
EDGE_TOLERANCE = 2.0  # points; a glyph box may poke out a little past its advance


@dataclass
class Char:
    char: str
    page: int
    left: float
    bottom: float
    right: float
    top: float
    line: int = -1  # index of the line on its page, from the top


@dataclass
class Line:
    top: float
    bottom: float
    chars: list[int] = field(default_factory=list)  # indexes into PdfText.chars
    image: bool = False

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class Page:
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    images: list[tuple[float, float, float, float]] = field(default_factory=list)  # l, b, r, t
    furniture: str = ""


@dataclass
class PdfText:
    chars: list[Char]  # content characters in stream order, furniture and spaces left out
    pages: list[Page]


def _is_space(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in ("Zs", "Zl", "Zp", "Cc")


def read_pdf(path: Path, margins: Margins) -> PdfText:
    document = pdfium.PdfDocument(str(path))
    chars: list[Char] = []
    pages: list[Page] = []
    try:
        for number in range(len(document)):
            page = document[number]
            width, height = page.get_size()
            info = Page(width, height)
            textpage = page.get_textpage()
            furniture: list[str] = []
            visible = _Visibility()
            for index in range(textpage.count_chars()):
                if pdfium_raw.FPDFText_IsGenerated(textpage.raw, index):
                    continue
                char = chr(pdfium_raw.FPDFText_GetUnicode(textpage.raw, index))
                if _is_space(char):
                    continue
                left, bottom, right, top = textpage.get_charbox(index)
                if not visible.check(textpage, index, (left + right) / 2, (bottom + top) / 2):
                    continue  # clipped away (text for screen readers only) or invisible
                if bottom >= height - margins.top or top <= margins.bottom:
                    furniture.append(char)
                    continue
                chars.append(Char(char, number, left, bottom, right, top))
            info.furniture = "".join(furniture)
            for obj in page.get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_IMAGE], max_depth=4):
                left, bottom, right, top = obj.get_bounds()
                if right - left > 20 and top - bottom > 20:  # not a rule or a bullet
                    info.images.append((left, bottom, right, top))
            pages.append(info)
            textpage.close()
            page.close()
    finally:
        document.close()
    _group_lines(chars, pages)
    return PdfText(chars, pages)


class _Visibility:
    """Whether a character is painted: not in invisible render mode, not outside its clip path
    (a visually hidden table caption is clipped to a 1 px box). Per text object, cached."""

    def __init__(self) -> None:
        self.objects: dict[int, tuple[bool, tuple[float, float, float, float] | None]] = {}

    def check(self, textpage: pdfium.PdfTextPage, index: int, x: float, y: float) -> bool:
        obj = pdfium_raw.FPDFText_GetTextObject(textpage.raw, index)
        if not obj:
            return True
        key = ctypes.cast(obj, ctypes.c_void_p).value or 0
        if key not in self.objects:
            invisible = pdfium_raw.FPDFTextObj_GetTextRenderMode(obj) == INVISIBLE_RENDER_MODE
            self.objects[key] = (invisible, _clip_box(obj))
        invisible, box = self.objects[key]
        if invisible:
            return False
        if box is None:
            return True
        left, bottom, right, top = box
        return left - 1 <= x <= right + 1 and bottom - 1 <= y <= top + 1


def _clip_box(obj) -> tuple[float, float, float, float] | None:  # type: ignore[no-untyped-def]
    """The bounding box (page space) of all points of an object's clip path, or None."""
    clip = pdfium_raw.FPDFPageObj_GetClipPath(obj)
    if not clip:
        return None
    xs: list[float] = []
    ys: list[float] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    for path in range(pdfium_raw.FPDFClipPath_CountPaths(clip)):
        for number in range(pdfium_raw.FPDFClipPath_CountPathSegments(clip, path)):
            segment = pdfium_raw.FPDFClipPath_GetPathSegment(clip, path, number)
            if segment and pdfium_raw.FPDFPathSegment_GetPoint(segment, x, y):
                xs.append(x.value)
                ys.append(y.value)
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


def _group_lines(chars: list[Char], pages: list[Page]) -> None:
    """Characters into lines, top to bottom; images are lines of their own."""
    by_page: dict[int, list[int]] = {}
    for index, char in enumerate(chars):
        by_page.setdefault(char.page, []).append(index)
    for number, page in enumerate(pages):
        indexes = sorted(
            by_page.get(number, []),
            key=lambda i: -(chars[i].top + chars[i].bottom) / 2,
        )
        lines: list[Line] = []
        for index in indexes:
            char = chars[index]
            middle = (char.top + char.bottom) / 2
            # sorted by middles from the top: a glyph belongs to the line when its middle is not
            # below the line's lowest glyph (a comma is low and small) or the line's middle is
            # within the glyph (after a quotation mark, which is high and small)
            if lines and (
                middle >= lines[-1].bottom - 0.5 or char.bottom <= lines[-1].middle <= char.top
            ):
                line = lines[-1]
                line.chars.append(index)
                line.top = max(line.top, char.top)
                line.bottom = min(line.bottom, char.bottom)
            else:
                lines.append(Line(char.top, char.bottom, [index]))
        for _left, bottom, _right, top in page.images:
            lines.append(Line(top, bottom, image=True))
        lines.sort(key=lambda line: -line.middle)
        page.lines = lines
        for line_index, line in enumerate(lines):
            for index in line.chars:
                chars[index].line = line_index

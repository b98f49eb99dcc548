"""Find each source item's characters in the PDF's character stream.

Both sides are compared without white space, soft hyphens, joiners, private-use glyphs (list
bullets), dot leaders and hyphens between two letters (so a word a PDF writer hyphenated at a
line end still matches). Items are found in order: long texts that occur once on both sides
anchor the rest, and every other item is looked for after the previous item and before the
next anchor, so repeated text (the header row of 42 risk tables, a contents line and its
heading) is found in the right place.
"""

from __future__ import annotations

import bisect
import unicodedata
from dataclasses import dataclass, field

from .pdf_pages import PdfText
from .source import Item

ANCHOR_LENGTH = 16  # shorter texts (a header row, "Summa") may repeat: not anchors
IGNORED = {"\u00ad", "\u200b", "\u2060", "\ufeff", "\x02"}
HYPHENS = {"-", "\u2010", "\u2011"}
NON_BREAKING_HYPHENS = {"\u2010", "\u2011"}  # shown as "-" by some PDF writers
SPAN_WINDOW = 2000  # how far after its row a cell spanning rows below may come


def normalize(text: str) -> tuple[str, list[int]]:
    """The compared form of ``text`` and, for each of its characters, the index in ``text``."""
    kept = [
        (char, index)
        for index, char in enumerate(text)
        if not (
            char in IGNORED or char.isspace() or unicodedata.category(char) in ("Zs", "Co", "Cc")
        )
    ]
    kept = [("-" if char in NON_BREAKING_HYPHENS else char, index) for char, index in kept]
    kept = _without_leaders(kept)
    out: list[str] = []
    where: list[int] = []
    for position, (char, index) in enumerate(kept):
        if (
            char in HYPHENS
            and 0 < position < len(kept) - 1
            and kept[position - 1][0].isalpha()
            and kept[position + 1][0].isalpha()
        ):
            continue
        out.append(char)
        where.append(index)
    return "".join(out), where


def _without_leaders(kept: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Runs of three or more dots left out: a contents line's dot leader (and "...")."""
    out: list[tuple[str, int]] = []
    run: list[tuple[str, int]] = []
    for item in [*kept, ("", -1)]:
        if item[0] == ".":
            run.append(item)
            continue
        if len(run) < 3:
            out.extend(run)
        run = []
        if item[1] >= 0:
            out.append(item)
    return out


@dataclass
class Placed:
    """Where an item was found: the PDF characters of each of its source characters."""

    item: Item
    chars: list[int] = field(default_factory=list)  # PDF char indexes, in order
    cell_chars: list[list[int]] = field(default_factory=list)  # per cell, rows only
    cell_source: list[list[int]] = field(default_factory=list)  # source index of each char

    @property
    def found(self) -> bool:
        return bool(self.chars)


def place_items(items: list[Item], pdf: PdfText) -> list[Placed]:
    stream, stream_map = normalize("".join(c.char for c in pdf.chars))
    targets = [normalize(_item_text(item))[0] for item in items]
    anchors = _anchors(targets, stream)
    limits = [len(stream)] * len(items)
    limit = len(stream)
    for index in range(len(items) - 1, -1, -1):
        limits[index] = limit
        if index in anchors:
            limit = anchors[index]
    cursor = 0
    placed: list[Placed] = []
    for index, item in enumerate(items):
        result = Placed(item)
        placed.append(result)
        target = targets[index]
        if item.kind == "image" or not target:
            continue
        if index in anchors:
            cursor = anchors[index]
        if item.kind == "row":
            cursor = _place_row(result, stream, stream_map, cursor, limits[index])
            continue
        start = stream.find(target, cursor, limits[index])
        if start >= 0:
            result.chars = [stream_map[i] for i in range(start, start + len(target))]
            cursor = start + len(target)
            continue
        # long paragraphs: find the beginning and the end separately
        head, tail = target[:30], target[-30:]
        start = stream.find(head, cursor, limits[index])
        if start < 0 or len(target) < 60:
            continue
        end = stream.find(tail, start, min(limits[index], start + int(len(target) * 1.3) + 200))
        if end < 0:
            continue
        result.chars = [stream_map[i] for i in range(start, end + len(tail))]
        cursor = end + len(tail)
    return placed


def _item_text(item: Item) -> str:
    return "".join(item.cells) if item.kind == "row" else item.text


def _anchors(targets: list[str], stream: str) -> dict[int, int]:
    """Items whose text is long and occurs once in the source and once in the PDF, kept where
    they are in the same order on both sides: each other item is looked for between them."""
    seen: dict[str, int] = {}
    for target in targets:
        seen[target] = seen.get(target, 0) + 1
    candidates: list[tuple[int, int]] = []
    for index, target in enumerate(targets):
        if len(target) < ANCHOR_LENGTH or seen[target] > 1:
            continue
        position = stream.find(target)
        if position >= 0 and stream.find(target, position + 1) < 0:
            candidates.append((index, position))
    return dict(_increasing(candidates))


def _increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of ``pairs`` (in order) whose positions increase."""
    tails: list[int] = []  # index into pairs of the smallest tail of each length
    previous: list[int] = [-1] * len(pairs)
    for number, (_, position) in enumerate(pairs):
        length = bisect.bisect_left([pairs[t][1] for t in tails], position)
        if length > 0:
            previous[number] = tails[length - 1]
        if length == len(tails):
            tails.append(number)
        else:
            tails[length] = number
    chain: list[tuple[int, int]] = []
    number = tails[-1] if tails else -1
    while number >= 0:
        chain.append(pairs[number])
        number = previous[number]
    return chain[::-1]


def _place_row(result: Placed, stream: str, stream_map: list[int], cursor: int, limit: int) -> int:
    cells = [normalize(text) for text in result.item.cells]
    whole = "".join(text for text, _ in cells)
    if not whole:
        return cursor
    start = stream.find(whole, cursor, limit)
    if start >= 0:
        position = start
        for text, where in cells:
            indexes = [stream_map[i] for i in range(position, position + len(text))]
            result.cell_chars.append(indexes)
            result.cell_source.append(where)
            position += len(text)
        result.chars = [i for cell in result.cell_chars for i in cell]
        return start + len(whole)
    # cell by cell (a PDF writer may order the cells of a row differently); a cell that spans
    # the rows below comes where the writer puts it (Typst: after the rows it spans), so it is
    # looked for from the row's start and does not move the cursor
    position = cursor
    spanning = result.item.spanning or [False] * len(cells)
    for (text, where), spans in zip(cells, spanning, strict=False):
        # (beyond the next anchor: the rows it spans may be anchors themselves)
        start = cursor if spans else position
        end = start + SPAN_WINDOW + len(text) if spans else min(limit, start + 400 + len(text))
        found = stream.find(text, start, end) if text else -1
        if found < 0:
            result.cell_chars.append([])
            result.cell_source.append([])
            continue
        result.cell_chars.append([stream_map[i] for i in range(found, found + len(text))])
        result.cell_source.append(where)
        if not spans:
            position = found + len(text)
    found_chars = sum(len(cell) for cell in result.cell_chars)
    if found_chars * 2 < len(whole):  # too little of the row: better not placed than misplaced
        result.cell_chars, result.cell_source = [], []
        return cursor
    result.chars = sorted(i for cell in result.cell_chars for i in cell)
    return position

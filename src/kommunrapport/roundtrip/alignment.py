"""Pair the items of the document as built with the items of the reviewed document.

Paragraphs with an anchor pair by their anchor, the rest by their text; within a stretch that
changed, items of the same kind pair when their text is similar (a paragraph whose bookmark
Word lost is found again that way). The reviewer's new paragraphs then attach to the paragraph
from the sources just before them (or, at the start of a section, just after them), so that a
split paragraph, a new paragraph and an edit around a figure are all one change of text.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from ..document.anchors import anchor_source_hash
from .docx_reader import DocParagraph, DocTable, Item

Pair = tuple[Item | None, Item | None]
SIMILAR = 0.5


@dataclass
class Unit:
    """A paragraph from the sources and what the reviewer made of it (one or more)."""

    before: DocParagraph
    after: list[DocParagraph]
    prefix: int = 0  # how many of ``after`` are new paragraphs before it


def _key(item: Item) -> str:
    if isinstance(item, DocTable):
        return "t:" + item.caption
    if item.anchor:
        return "a:" + item.anchor
    return f"p:{item.style}:{item.text}"


def _text(item: Item) -> str:
    if isinstance(item, DocTable):
        return item.caption + " ".join(" ".join(row) for row in item.rows)
    return item.text


def stale(before: Item | None, after: Item | None) -> bool:
    """A reviewed paragraph whose anchor the sources no longer have, paired with the paragraph
    of the same file that replaced it: its text changed in the sources (or data) since."""
    return (
        isinstance(before, DocParagraph)
        and isinstance(after, DocParagraph)
        and bool(before.anchor and after.anchor)
        and before.anchor != after.anchor
    )


def _same_kind(a: Item, b: Item, known: set[str]) -> bool:
    if isinstance(a, DocTable) or isinstance(b, DocTable):
        return isinstance(a, DocTable) and isinstance(b, DocTable)
    if a.anchor and b.anchor:  # one paragraph only if the reviewed one's anchor is out of date
        same_file = anchor_source_hash(a.anchor) == anchor_source_hash(b.anchor)
        return b.anchor not in known and same_file
    return a.heading == b.heading


def _pair_changed(old: list[Item], new: list[Item], known: set[str]) -> list[Pair]:
    out: list[Pair] = []
    k = 0
    for item in old:
        match = None
        for m in range(k, len(new)):
            candidate = new[m]
            if not _same_kind(item, candidate, known):
                continue
            ratio = difflib.SequenceMatcher(None, _text(item), _text(candidate)).ratio()
            if isinstance(item, DocTable) or ratio >= SIMILAR or stale(item, candidate):
                match = m
                break
        if match is None:
            out.append((item, None))
            continue
        out += [(None, n) for n in new[k:match]]
        out.append((item, new[match]))
        k = match + 1
    out += [(None, n) for n in new[k:]]
    return out


def align(old: list[Item], new: list[Item]) -> list[Pair]:
    matcher = difflib.SequenceMatcher(
        None, [_key(i) for i in old], [_key(i) for i in new], autojunk=False
    )
    known = {i.anchor for i in old if isinstance(i, DocParagraph) and i.anchor}
    pairs: list[Pair] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs += list(zip(old[i1:i2], new[j1:j2], strict=True))
        elif tag == "replace":
            pairs += _pair_changed(old[i1:i2], new[j1:j2], known)
        elif tag == "delete":
            pairs += [(o, None) for o in old[i1:i2]]
        else:
            pairs += [(None, n) for n in new[j1:j2]]
    return pairs


def _new_paragraph(pair: Pair) -> bool:
    before, after = pair
    return (
        before is None
        and isinstance(after, DocParagraph)
        and not after.heading
        and bool(after.text.strip())
    )


def _from_sources(pair: Pair) -> bool:
    before, after = pair
    return (
        isinstance(before, DocParagraph)
        and bool(before.anchor)
        and isinstance(after, DocParagraph)
        and after.anchor in (None, before.anchor)
    )


def attach_new_paragraphs(pairs: list[Pair]) -> list[Unit | Pair]:
    """Units for the paragraphs from the sources (with the new paragraphs around them), and
    the other pairs as they are."""
    out: list[Unit | Pair] = []
    index = 0
    while index < len(pairs):
        pair = pairs[index]
        if _from_sources(pair):
            end = index + 1
            while end < len(pairs) and _new_paragraph(pairs[end]):
                end += 1
            extra = [p[1] for p in pairs[index + 1 : end]]
            out.append(Unit(pair[0], [pair[1], *extra]))  # type: ignore[arg-type,list-item]
            index = end
            continue
        if _new_paragraph(pair):
            end = index
            while end < len(pairs) and _new_paragraph(pairs[end]):
                end += 1
            run = [p[1] for p in pairs[index:end]]
            if end < len(pairs) and _from_sources(pairs[end]):
                before, after = pairs[end]
                out.append(Unit(before, [*run, after], len(run)))  # type: ignore[arg-type,list-item]
                index = end + 1
                continue
            out += pairs[index:end]
            index = end
            continue
        out.append(pair)
        index += 1
    return out

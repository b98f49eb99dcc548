"""Invisible anchors that tie each paragraph of a DOCX to its section file.

Every paragraph that comes from a section's Markdown gets a hidden Word bookmark around its
text: a name starting with ``_``, which Word lists only when asked for hidden bookmarks, and
which neither Word nor LibreOffice shows in the text. The name is ``_kr`` + 5 hex digits of a
hash of the section file + 9 of a hash of the paragraph's rendered text (and how many times
that text occurred before in the same file). Word and LibreOffice keep bookmarks when a
document is edited and saved, so ``kommunrapport import-docx`` finds each paragraph of a
reviewed DOCX again; a paragraph whose text has changed in the sources or the data since the
DOCX was built no longer has the same name, so an old edit is never applied over newer text.

The bookmarks are raw OpenXML inlines: the DOCX writer (pandoc) copies them; the HTML writer
drops raw OpenXML, so the web page does not change. Pandoc cannot write these names itself
(it replaces an id that starts with ``_`` by a hash).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .pandoc_ast import Node, raw_inline, stringify

ANCHOR_PREFIX = "_kr"
SOURCE_DIGITS = 5
FIRST_ID = 2_000_000  # above pandoc's heading bookmarks and the captions' (100 000 – 1 900 000)


def source_hash(source: str) -> str:
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:SOURCE_DIGITS]


def anchor_source_hash(name: str) -> str:
    """The part of an anchor's name that names its section file."""
    return name[len(ANCHOR_PREFIX) : len(ANCHOR_PREFIX) + SOURCE_DIGITS]


def paragraph_text(inlines: list[Node]) -> str:
    return " ".join(stringify(inlines).split())


def anchor_name(source: str, text: str, occurrence: int) -> str:
    digest = hashlib.sha1(f"{text}\x00{occurrence}".encode()).hexdigest()[:9]
    return f"{ANCHOR_PREFIX}{source_hash(source)}{digest}"


@dataclass
class Anchors:
    """Hands out anchor names and bookmark ids, in document order, for one document."""

    seen: Counter[tuple[str, str]] = field(default_factory=Counter)
    count: int = 0

    def mark(self, node: Node, source: str | None) -> None:
        """Anchor the paragraphs of one block of a section from ``source``."""
        if not source:
            return
        kind = node.get("t")
        content: Any = node.get("c")
        if kind in ("Para", "Plain"):
            self._anchor(content, source)
        elif kind == "BulletList":
            for item in content:
                self.mark_all(item, source)
        elif kind == "OrderedList":
            for item in content[1]:
                self.mark_all(item, source)
        elif kind == "BlockQuote":
            self.mark_all(content, source)
        elif kind == "Div" and not any(c.startswith("kr-") for c in content[0][1]):
            self.mark_all(content[1], source)

    def mark_all(self, blocks: list[Node], source: str) -> None:
        for block in blocks:
            self.mark(block, source)

    def _anchor(self, inlines: list[Node], source: str) -> None:
        text = paragraph_text(inlines)
        if not text:
            return
        occurrence = self.seen[(source, text)]
        self.seen[(source, text)] += 1
        name = anchor_name(source, text, occurrence)
        number = FIRST_ID + self.count
        self.count += 1
        start = f'<w:bookmarkStart w:id="{number}" w:name="{name}"/>'
        inlines.insert(0, raw_inline("openxml", start))
        inlines.append(raw_inline("openxml", f'<w:bookmarkEnd w:id="{number}"/>'))

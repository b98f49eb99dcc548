"""Generated blocks (tables, charts, memo heads …) and how they travel through pandoc.

A template helper such as ``tabell(...)`` does not write raw HTML or OpenXML into the Markdown.
It registers a :class:`Block` and writes a placeholder div with a secret id. After pandoc has
read the Markdown (and the user's own raw HTML has been removed), each placeholder is replaced
by the block's output for the target format. Users cannot forge a placeholder, and their raw
HTML never reaches the HTML output.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..errors import KommunrapportError, Location
from ..project.labels import Labels
from ..text.swedish_format import NumberStyle
from .pandoc_ast import Node

Target = str  # "docx" or "html"

# Where the images a build makes (charts) are, in every format: ``kr-media/<name>``. No image
# of the package may lie there (``structure``), so a picture in a section and a chart never
# share a name, and neither can be shown in the other's place.
MEDIA_FOLDER = "kr-media"

CAPTION_KINDS = ("tabell", "figur")


@dataclass
class RenderContext:
    """What a block needs to render itself for one target format."""

    target: Target
    labels: Labels
    number_style: NumberStyle
    text_width_twips: int
    numbers: dict[str, tuple[str, Any]] = field(default_factory=dict)  # id → (kind, number)
    extra: dict[str, Any] = field(default_factory=dict)

    def caption_label(self, kind: str, number: int) -> str:
        return f"{self.labels[kind]} {number}"


class Block(Protocol):
    """Anything a helper can place in the document."""

    caption_kind: str | None  # "tabell", "figur" or None (no numbered caption)
    anchor: str | None  # id for cross-references
    location: Location

    def render(self, ctx: RenderContext) -> list[Node]: ...


@dataclass
class BlockRegistry:
    """The blocks of one document, addressed by placeholder ids."""

    token: str = field(default_factory=lambda: secrets.token_hex(6))
    blocks: dict[str, Block] = field(default_factory=dict)
    anchors: dict[str, Location] = field(default_factory=dict)
    references: int = 0  # ref() calls: without any, no walk looks for them

    def placeholder(self, block: Block) -> str:
        """Register ``block``; the returned Markdown stands in for it."""
        if block.anchor:
            if block.anchor in self.anchors:
                first = self.anchors[block.anchor]
                raise KommunrapportError(
                    f"id {block.anchor!r} används redan ({first})",
                    block.location,
                    "Ge varje tabell och diagram ett eget id.",
                )
            self.anchors[block.anchor] = block.location
        key = f"kr-{self.token}-{len(self.blocks)}"
        self.blocks[key] = block
        return f"\n\n::: {{#{key} .kr-block}}\n:::\n\n"

    def reference(self, anchor: str) -> str:
        """Markdown for a cross-reference; resolved once all captions are numbered."""
        self.references += 1
        return f"[{anchor}]{{.kr-ref-{self.token}}}"

    @property
    def ref_class(self) -> str:
        return f"kr-ref-{self.token}"

    def lookup(self, node_id: str) -> Block | None:
        return self.blocks.get(node_id)

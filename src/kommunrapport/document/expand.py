"""Turn the structured AST into the AST for one target format.

Placeholders become the blocks' DOCX or HTML output, captions are numbered in document order,
cross-references get their numbers, page breaks and format-only divs are resolved.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..errors import KommunrapportError
from . import typst_expand
from .assemble import COVER_CLASS, PAGE_BREAK_CLASS
from .blocks import BlockRegistry, RenderContext
from .ooxml import field, internal_link, page_break, text_run
from .pandoc_ast import Node, attr, copy_nodes, div, map_blocks, raw_block, raw_inline, walk_inlines

BLOCK_CLASS = "kr-block"
ONLY_CLASS = {"docx": "only-docx", "html": "only-html", "typst": "only-pdf"}


def number_captions(blocks: list[Node], registry: BlockRegistry) -> dict[str, tuple[str, Any]]:
    """Number tables and figures in document order; also map anchors to numbers."""
    counters: Counter[str] = Counter()
    numbers: dict[str, tuple[str, Any]] = {}

    def visit(node: Node) -> list[Node] | None:
        if node.get("t") == "Div" and BLOCK_CLASS in node["c"][0][1]:
            block = registry.lookup(node["c"][0][0])
            if block is not None and block.caption_kind:
                counters[block.caption_kind] += 1
                number = (block.caption_kind, counters[block.caption_kind])
                numbers[node["c"][0][0]] = number
                if block.anchor:
                    numbers[block.anchor] = number
        return None

    map_blocks(blocks, visit)
    return numbers


def expand(
    blocks: list[Node], registry: BlockRegistry, ctx: RenderContext, *, last_use: bool = False
) -> list[Node]:
    """The blocks expanded for ``ctx.target``. They are changed in place, so each target
    works on a copy, except the last (``last_use``), which may have the caller's."""
    target = ctx.target
    if not last_use:
        blocks = copy_nodes(blocks)

    other_only = {cls for fmt, cls in ONLY_CLASS.items() if fmt != target}

    def visit(node: Node) -> list[Node] | None:
        if node.get("t") != "Div":
            return None
        identifier, classes, _kv = node["c"][0]
        if BLOCK_CLASS in classes:
            block = registry.lookup(identifier)
            if block is None:
                return []
            ctx.extra["placeholder"] = identifier
            return block.render(ctx)
        if PAGE_BREAK_CLASS in classes:
            if target == "docx":
                return [raw_block("openxml", page_break())]
            if target == "typst":
                return [typst_expand.page_break()]
            return [div([], attr(classes=["page-break"]))]
        if COVER_CLASS in classes:
            if target == "docx":
                return [*node["c"][1], raw_block("openxml", page_break())]
            if target == "typst":
                return typst_expand.cover(map_blocks(node["c"][1], visit))
            return []
        if other_only & set(classes):
            return []
        if target == "typst":
            return typst_expand.styled(node, map_blocks(node["c"][1], visit))
        return None

    blocks = map_blocks(blocks, visit)
    if registry.references:  # the reference spans carry a random class no writer can type
        _resolve_references(blocks, registry, ctx)
    if target == "typst":
        blocks = typst_expand.sticky_leads(typst_expand.landscape_pages(blocks))
        walk_inlines(blocks, typst_expand.inline_rewriter(set(ctx.numbers)))
        walk_inlines(blocks, typst_expand.escape_cell_starts)
    return blocks


def _resolve_references(blocks: list[Node], registry: BlockRegistry, ctx: RenderContext) -> None:
    ref_class = registry.ref_class

    def visit(node: Node) -> None:
        content = node.get("c")
        if not isinstance(content, list):
            return
        for index, item in enumerate(content):
            if isinstance(item, dict) and item.get("t") == "Span" and ref_class in item["c"][0][1]:
                content[index] = _reference(item, ctx)

    walk_inlines(blocks, visit)


def _reference(span_node: Node, ctx: RenderContext) -> Node:
    anchor = "".join(i.get("c", "") for i in span_node["c"][1] if i.get("t") == "Str")
    if anchor not in ctx.numbers:
        known = ", ".join(sorted(k for k in ctx.numbers if not k.startswith("kr-"))) or "inga"
        known = known if len(known) < 400 else known[:400] + " …"
        raise KommunrapportError(
            f"hänvisningen ref({anchor!r}) pekar på ett id som inte finns",
            hint=f"Kända id för tabeller och diagram: {known}.",
        )
    kind, number = ctx.numbers[anchor]
    if kind in ("avsnitt", "rubrik"):  # a heading: "avsnitt 4.2" or its title
        text = f"{ctx.labels['avsnitt']}\u00a0{number}" if kind == "avsnitt" else f"”{number}”"
        if ctx.target == "docx":
            return raw_inline("openxml", internal_link(anchor, text_run(text)))
        return {
            "t": "Link",
            "c": [attr(classes=["xref"]), [{"t": "Str", "c": text}], [f"#{anchor}", ""]],
        }
    label = ctx.labels[kind]
    if ctx.target == "docx":
        runs = text_run(f"{label} ") + field(f"REF {anchor}_nr \\h", str(number))
        return raw_inline("openxml", internal_link(anchor, runs))
    return {
        "t": "Link",
        "c": [
            attr(classes=["xref"]),
            [{"t": "Str", "c": f"{label}\u00a0{number}"}],
            [f"#{anchor}", ""],
        ],
    }

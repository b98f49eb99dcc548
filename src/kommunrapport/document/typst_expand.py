"""What the "typst" target (the PDF) needs from the AST besides the blocks' own output.

* the cover: its paragraph styles (``custom-style="Title"`` …, as the DOCX) become calls of the
  template's ``kr-stil``, the whole cover a ``kr-omslag`` page;
* page breaks;
* status symbols in running text in their colour, as artifacts (the text beside them says the
  same);
* images as Typst ``image`` calls with their alt text; an image without one is decoration;
* paragraphs that introduce what follows are kept on its page (:func:`sticky_leads`);
* wide tables on turned pages, with their symbol legend (:func:`landscape_pages`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .pandoc_ast import Node, attr_value, raw_block, raw_inline, stringify, walk_inlines
from .table_typst import LANDSCAPE, LEGEND, WHOLE, table_marks
from .typst_code import typst_string

COVER_END = "] // omslag"
STICKY_CHARS = 200  # a paragraph this short after a heading takes one or two lines
LEAD_CHARS = 400  # … and one this short, about four lines, when a whole table follows it


def cover(inner: list[Node]) -> list[Node]:
    return [raw_block("typst", "#kr-omslag["), *inner, raw_block("typst", COVER_END)]


def page_break() -> Node:
    return raw_block("typst", "#pagebreak(weak: true)")


def styled(node: Node, inner: list[Node]) -> list[Node] | None:
    """A div with a paragraph style of the reference DOCX (``custom-style``), or None."""
    style = attr_value(node["c"][0], "custom-style")
    if not style:
        return None
    return [
        raw_block("typst", f"#kr-stil({typst_string(style)})["),
        *inner,
        raw_block("typst", "]"),
    ]


def inline_rewriter(labels: set[str]) -> Callable[[Node], None]:
    """What replaces status symbols, images and links in a node's inlines: a link Typst cannot
    follow (its target was removed as unsafe, or no heading, table or figure has that id)
    becomes its text, because Typst refuses to write a link to nowhere."""

    def rewrite(node: Node) -> None:
        content = node.get("c")
        if not isinstance(content, list):
            return
        for index, item in enumerate(content):
            if not isinstance(item, dict):
                continue
            kind = item.get("t")
            if kind == "Span":
                replacement = symbol(item)
                if replacement is not None:
                    content[index] = replacement
            elif kind == "Image":
                content[index] = image(item)
            elif kind == "Link" and not _followable(item["c"][2][0], labels):
                content[index] = {"t": "Span", "c": [["", [], []], item["c"][1]]}

    return rewrite


def _followable(url: str, labels: set[str]) -> bool:
    if url.startswith("#"):
        return url[1:] in labels
    return bool(url)


def symbol(span: Node) -> Node | None:
    """A status symbol span (``.symbol .sym-1a7f37``) as ``kr-symbol``, or None."""
    classes = span["c"][0][1]
    if "symbol" not in classes:
        return None
    colour = next((c[4:] for c in classes if c.startswith("sym-")), None)
    text = stringify(span["c"][1])
    args = typst_string(text) + (f", farg: {typst_string('#' + colour)}" if colour else "")
    return raw_inline("typst", f"#kr-symbol({args})")


def image(node: Node) -> Node:
    """An image with its alt text and width; without alt text it is decoration (an artifact)."""
    attributes, alt_inlines, (src, _title) = node["c"]
    alt = stringify(alt_inlines).strip()
    width = attr_value(attributes, "width")
    args = typst_string(src)
    if width:
        args += f", width: {_length(width)}"
    if alt:
        return raw_inline("typst", f"#box(image({args}, alt: {typst_string(alt)}))")
    return raw_inline("typst", f"#pdf.artifact(box(image({args})))")


def _length(value: str) -> str:
    """A pandoc width ("4cm", "50%", "120px") as a Typst length."""
    value = value.strip()
    for unit in ("cm", "mm", "in", "pt", "%"):
        if value.endswith(unit) and _number(value[: -len(unit)]):
            return value
    if value.endswith("px") and _number(value[:-2]):
        return f"{float(value[:-2]) * 0.75:g}pt"
    return "auto"


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


_CELL_MARKUP = re.compile(r"^(?:[-+=/]|\d+\.)")


def escape_cell_starts(node: Node) -> None:
    """Text that starts a table cell as "- minus", "+ plus" or "1. Först" would be a list in
    Typst (pandoc's Typst writer escapes it at a paragraph's start, not in a cell): the
    marker becomes an escaped raw Typst character. Call on every node (``walk_inlines``)."""
    if node.get("t") != "Table":
        return

    def first_word(inner: Node) -> None:
        if inner.get("t") not in ("Plain", "Para") or not inner["c"]:
            return
        first = inner["c"][0]
        marker = _CELL_MARKUP.match(first["c"]) if first.get("t") == "Str" else None
        if marker is None:
            return
        text = marker.group(0)
        escaped = "\\" + text if len(text) == 1 else text[:-1] + "\\."
        rest = [{"t": "Str", "c": first["c"][marker.end() :]}] if first["c"][marker.end() :] else []
        inner["c"][0:1] = [raw_inline("typst", escaped), *rest]

    walk_inlines(node, first_word)


def _marks(node: Node | None) -> set[str]:
    """The marks of a generated table's block (``table_typst.table_marks``)."""
    if node is None or node.get("t") != "RawBlock" or node["c"][0] != "typst":
        return set()
    return table_marks(node["c"][1])


def _whole_table(node: Node | None) -> bool:
    """A generated table the build keeps on one page."""
    return WHOLE in _marks(node)


def landscape_pages(blocks: list[Node]) -> list[Node]:
    """A wide table on a turned page of its own; a symbol legend that follows it with only
    paragraphs between goes on that page too (as in the DOCX), so the legend does not leave
    the table it explains."""
    out: list[Node] = []
    index = 0
    while index < len(blocks):
        node = blocks[index]
        if node.get("t") == "Div":
            node["c"][1] = landscape_pages(node["c"][1])
        if LANDSCAPE not in _marks(node):
            out.append(node)
            index += 1
            continue
        end = index + 1  # the page holds blocks[index:end]
        probe = end
        while probe < len(blocks) and blocks[probe].get("t") == "Para":
            probe += 1
        if probe < len(blocks) and LEGEND in _marks(blocks[probe]):
            end = probe + 1
        out += [
            raw_block("typst", "#page(flipped: true)["),
            *blocks[index:end],
            raw_block("typst", "]"),
        ]
        index = end
    return out


def sticky_leads(blocks: list[Node]) -> list[Node]:
    """Paragraphs that introduce what follows stay on its page: a short paragraph right after
    a heading (a longer one when a table kept whole follows it: a risk's description and its
    one-row table), and a paragraph that is all bold ("**Delprocesser**" above a list)."""
    out: list[Node] = []
    previous: Node | None = None
    for index, node in enumerate(blocks):
        kind = node.get("t")
        if kind == "Div":
            node["c"][1] = sticky_leads(node["c"][1])
        shown = [i for i in node["c"] if i.get("t") != "RawInline"] if kind == "Para" else []
        all_bold = len(shown) == 1 and shown[0].get("t") == "Strong"
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        limit = LEAD_CHARS if _whole_table(following) else STICKY_CHARS
        after_heading = (
            kind == "Para"
            and previous is not None
            and previous.get("t") == "Header"
            and len(stringify(node["c"])) <= limit
        )
        if all_bold or after_heading:
            out += [raw_block("typst", "#block(sticky: true)["), node, raw_block("typst", "]")]
        else:
            out.append(node)
        previous = node
    return out

"""Write one self-contained, accessible HTML page per document.

Pandoc writes the body; nh3 (ammonia) then keeps only an allow-list of elements and attributes,
so nothing executable reaches the page even if it slipped past the AST checks. Local images are
embedded as data URIs and the stylesheet is inlined: the page is a single file.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nh3

from ..document.pandoc_ast import Node, map_blocks
from ..document.structure import TocEntry
from ..project.source_files import TemplateFolders
from .html_page import render_page
from .html_scope import scope_header_cells
from .pandoc import ast_to_bytes

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
    "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "section",
    "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "u", "ul",
}  # fmt: skip
GENERIC_ATTRIBUTES = {
    "class",
    "id",
    "lang",
    "title",
    "role",
    "aria-label",
    "aria-hidden",
    "aria-describedby",
    "aria-labelledby",
    "dir",
}
TAG_ATTRIBUTES = {
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "th": {"scope", "colspan", "rowspan", "headers", "abbr"},
    "td": {"colspan", "rowspan", "headers"},
    "col": {"span"},
    "ol": {"start", "type"},
    "li": {"value"},
    "details": {"open"},
}


@dataclass
class HtmlPage:
    """What the page template needs besides the body."""

    title: str
    toc: list[TocEntry]
    show_toc: bool
    cover: dict[str, Any] | None
    metadata: dict[str, Any] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    shift_headings: bool = True


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"*": GENERIC_ATTRIBUTES, **TAG_ATTRIBUTES},
        generic_attribute_prefixes={"data-"},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel=None,
        strip_comments=True,
    )


_IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]+)(")')


def embed_images(
    html: str, allowed: Mapping[str, Path], media: dict[str, bytes] | None = None
) -> str:
    """Replace local image paths with data URIs; paths we did not check are dropped.

    ``media`` holds generated images (charts) by the relative name used in the page."""
    media = media or {}

    def replace(match: re.Match[str]) -> str:
        src = match.group(2).replace("&amp;", "&")
        if src in media:
            data = media[src]
        elif src in allowed:
            data = allowed[src].read_bytes()
        else:
            return match.group(1) + match.group(3)
        mime = mimetypes.guess_type(Path(src).name)[0] or "application/octet-stream"
        encoded = base64.b64encode(data).decode("ascii")
        return f"{match.group(1)}data:{mime};base64,{encoded}{match.group(3)}"

    return _IMG_SRC.sub(replace, html)


_TABLE_WRAP = re.compile(
    r'<div class="(table-wrap\b[^"]*)"(?: data-region-label="([^"]*)")?>'
    r"(\s*<table\b[^>]*>\s*(?:<caption\b[^>]*>(.*?)</caption>)?)",
    re.S,
)


def focusable_table_regions(html: str) -> str:
    """A wide table scrolls sideways inside its ``table-wrap``. Keyboard users must be able to
    reach and scroll it (WCAG 2.1.1; axe's scrollable-region-focusable), so the wrapper becomes
    a focusable region named by the table's caption (numbered when two captions are the same:
    landmarks need unique names). A table may name its region itself (``data-region-label``,
    e.g. a legend by its scales). Added after sanitising, on our own markup."""
    seen: dict[str, int] = {}

    def replace(match: re.Match[str]) -> str:
        given = match.group(2)  # already escaped by the sanitiser
        label = given.strip() if given else re.sub(r"<[^>]+>", "", match.group(4) or "").strip()
        label = label.replace('"', "&quot;")
        named = ""
        if label:
            seen[label] = seen.get(label, 0) + 1
            if seen[label] > 1:
                label = f"{label} ({seen[label]})"
            named = f' role="region" aria-label="{label}"'
        return f'<div class="{match.group(1)}" tabindex="0"{named}>{match.group(3)}'

    return _TABLE_WRAP.sub(replace, html)


def _shift_heading(node: Node) -> None:
    """The page's ``<h1>`` is the document title, so chapters start at ``<h2>``."""
    if node.get("t") == "Header":
        node["c"][0] = min(node["c"][0] + 1, 6)


def _toc_tree(entries: list[TocEntry], max_level: int) -> list[dict[str, Any]]:
    """Nest the flat heading list for the ``<nav>`` lists."""
    root: list[dict[str, Any]] = []
    stack: list[tuple[int, list[dict[str, Any]]]] = [(0, root)]
    for entry in entries:
        if entry.level > max_level:
            continue
        children: list[dict[str, Any]] = []
        node = {"entry": entry, "children": children}
        while stack and stack[-1][0] >= entry.level:
            stack.pop()
        stack[-1][1].append(node)
        stack.append((entry.level, children))
    return root


def write_html(
    blocks: list[Node],
    page: HtmlPage,
    templates: TemplateFolders,
    images: Mapping[str, Path],
    toc_depth: int,
    media: dict[str, bytes] | None = None,
) -> bytes:
    ast = {"pandoc-api-version": [1, 23, 1, 1], "meta": {}, "blocks": blocks}
    if page.shift_headings:
        map_blocks(blocks, _shift_heading)
    body = ast_to_bytes(ast, "html5", {"wrap_text": "none", "section_divs": True}).decode("utf-8")
    body = focusable_table_regions(embed_images(scope_header_cells(sanitize(body)), images, media))
    context = {
        "page": page,
        "toc_tree": _toc_tree(page.toc, toc_depth),
        "labels": page.labels,
        "meta": page.metadata,
    }
    attributes = {"*": GENERIC_ATTRIBUTES, **TAG_ATTRIBUTES}
    html = render_page(templates, body, context, ALLOWED_TAGS, attributes)
    return html.encode("utf-8")

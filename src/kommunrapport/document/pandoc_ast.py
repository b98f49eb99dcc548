"""Small helpers for pandoc's JSON AST: constructors, a walker and stringify."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import orjson

Node = dict[str, Any]
Attr = list[Any]  # [identifier, [classes], [[key, value], ...]]


def attr(identifier: str = "", classes: Iterable[str] = (), **kv: str) -> Attr:
    return [identifier, list(classes), [[k.replace("_", "-"), v] for k, v in kv.items()]]


def text_inlines(text: str) -> list[Node]:
    """Plain text as Str/Space inlines (no Markdown interpretation)."""
    inlines: list[Node] = []
    for index, word in enumerate(text.split(" ")):
        if index:
            inlines.append({"t": "Space"})
        if word:
            inlines.append({"t": "Str", "c": word})
    return inlines


def copy_nodes(nodes: list[Node]) -> list[Node]:
    """A deep copy of AST nodes (plain lists, dicts, strings and numbers): through orjson,
    several times faster than ``copy.deepcopy`` or a round trip through ``json``."""
    return orjson.loads(orjson.dumps(nodes))


def para(inlines: list[Node]) -> Node:
    return {"t": "Para", "c": inlines}


def plain(inlines: list[Node]) -> Node:
    return {"t": "Plain", "c": inlines}


def div(blocks: list[Node], a: Attr | None = None) -> Node:
    return {"t": "Div", "c": [a or attr(), blocks]}


def span(inlines: list[Node], a: Attr | None = None) -> Node:
    return {"t": "Span", "c": [a or attr(), inlines]}


def raw_block(fmt: str, text: str) -> Node:
    return {"t": "RawBlock", "c": [fmt, text]}


def raw_inline(fmt: str, text: str) -> Node:
    return {"t": "RawInline", "c": [fmt, text]}


def header(level: int, inlines: list[Node], a: Attr | None = None) -> Node:
    return {"t": "Header", "c": [level, a or attr(), inlines]}


def get_attr(node: Node) -> Attr | None:
    """The Attr of a node that has one (Div, Span, Header, Table, Code …)."""
    kind = node.get("t")
    c: Any = node.get("c")
    if kind in ("Div", "Span", "CodeBlock", "Code", "Table", "Figure"):
        return c[0]
    if kind == "Header":
        return c[1]
    if kind in ("Image", "Link"):
        return c[0]
    return None


def attr_value(a: Attr, key: str) -> str | None:
    for k, v in a[2]:
        if k == key:
            return v
    return None


def has_class(node: Node, name: str) -> bool:
    a = get_attr(node)
    return a is not None and name in a[1]


def stringify(value: Any) -> str:
    """The plain text of inlines or blocks, as pandoc's stringify does."""
    if isinstance(value, list):
        return "".join(stringify(v) for v in value)
    if not isinstance(value, dict):
        return ""
    kind = value.get("t")
    c: Any = value.get("c")
    if kind == "Str":
        return c
    if kind in ("Space", "SoftBreak", "LineBreak"):
        return " "
    if kind in ("Code", "Math"):
        return c[1]
    if kind in ("RawInline", "RawBlock", "Note"):
        return ""
    if kind in (
        "Emph",
        "Strong",
        "Strikeout",
        "Superscript",
        "Subscript",
        "SmallCaps",
        "Underline",
        "Para",
        "Plain",
    ):
        return stringify(c)
    if kind == "Quoted":
        return "”" + stringify(c[1]) + "”"
    if kind in ("Span", "Div", "Link", "Image", "Cite"):
        return stringify(c[1])
    if kind == "Header":
        return stringify(c[2])
    return stringify(c) if isinstance(c, list) else ""


BlockFn = Callable[[Node], list[Node] | None]


def map_blocks(blocks: list[Node], fn: BlockFn) -> list[Node]:
    """Depth-first over block lists: ``fn`` returns a replacement list, or None to keep the node
    (whose children are then visited)."""
    out: list[Node] = []
    for node in blocks:
        replacement = fn(node)
        if replacement is not None:
            out.extend(replacement)
            continue
        _map_children(node, fn)
        out.append(node)
    return out


def _map_children(node: Node, fn: BlockFn) -> None:
    kind = node.get("t")
    c: Any = node.get("c")
    if kind in ("Div",):
        c[1] = map_blocks(c[1], fn)
    elif kind == "BlockQuote":
        node["c"] = map_blocks(c, fn)
    elif kind in ("BulletList",):
        node["c"] = [map_blocks(item, fn) for item in c]
    elif kind == "OrderedList":
        c[1] = [map_blocks(item, fn) for item in c[1]]
    elif kind == "DefinitionList":
        node["c"] = [[term, [map_blocks(d, fn) for d in defs]] for term, defs in c]
    elif kind == "Figure":
        c[2] = map_blocks(c[2], fn)
    elif kind == "Table":
        for cell in _table_cells(node):
            cell[4] = map_blocks(cell[4], fn)


def _table_cells(node: Node) -> Iterable[list[Any]]:
    _attr, _caption, _specs, head, bodies, foot = node["c"]
    rows = list(head[1]) + list(foot[1])
    for body in bodies:
        rows += body[2] + body[3]
    for row in rows:
        yield from row[1]


def walk_inlines(value: Any, fn: Callable[[Node], None]) -> None:
    """Call ``fn`` on every dict node (blocks and inlines) inside ``value``, in document
    order, each node before its children (so ``fn`` may replace a node's children first).
    A loop with a stack, not recursion: this walk is the hottest code of a build."""
    stack = [value]
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        item = pop()
        if type(item) is list:
            extend(reversed(item))
        elif type(item) is dict:
            if "t" in item:
                fn(item)
            c = item.get("c")
            if type(c) is list or type(c) is dict:
                push(c)

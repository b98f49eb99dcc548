"""Raw HTML in a section must be balanced, even though it is removed from the outputs.

Raw HTML is stripped with a warning (see ``structure``). But an opening ``<details>``, ``<div>``
or ``<!--`` that is never closed makes pandoc read everything after it, the following sections'
headings included, as part of the raw HTML, and so removes them too: a report once lost 36 of its
42 numbered headings that way. Such a section is an error, named by its file.
"""

from __future__ import annotations

import re

from ..errors import KommunrapportError, Location
from .pandoc_ast import Node

_TAG = re.compile(r"<!--|-->|<(/?)([A-Za-z][A-Za-z0-9-]*)\b[^>]*?(/?)>")
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
}  # fmt: skip


class RawHtmlBalance:
    """Follows the raw HTML tags of one section; :meth:`check` reports one left open."""

    def __init__(self) -> None:
        self.open: list[str] = []
        self.in_comment = False

    def feed(self, node: Node) -> None:
        for text in _raw_html(node):
            self._scan(text)

    def _scan(self, text: str) -> None:
        for match in _TAG.finditer(text):
            token = match.group(0)
            if token == "<!--":
                self.in_comment = True
            elif token == "-->":
                self.in_comment = False
            elif self.in_comment:
                continue
            else:
                closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
                if name in VOID or self_closing:
                    continue
                if not closing:
                    self.open.append(name)
                elif name in self.open:
                    while self.open and self.open.pop() != name:
                        pass

    def check(self, source: str | None) -> None:
        if not (self.open or self.in_comment):
            return
        what = "<!--" if self.in_comment else f"<{self.open[-1]}>"
        raise KommunrapportError(
            f"rå HTML-kod {what} öppnas men stängs aldrig; allt efter den skulle försvinna ur "
            "rapporten",
            Location(source),
            "Ta bort HTML-koden (den tas ändå bort ur rapporten) eller stäng den i samma fil.",
        )


def _raw_html(node: object) -> list[str]:
    """The raw HTML under ``node``, in document order. Runs over every block of a document:
    written like ``pandoc_ast.walk_inlines`` (exact types, no strings on the stack)."""
    found: list[str] = []
    stack = [node]
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        item = pop()
        if type(item) is list:
            extend(reversed(item))
        elif type(item) is dict:
            kind = item.get("t")
            if kind == "RawBlock" or kind == "RawInline":
                fmt, text = item["c"]
                if fmt == "html":
                    found.append(text)
                continue
            c = item.get("c")
            if type(c) is list or type(c) is dict:
                push(c)
    return found

"""Header cells that say what they head: ``scope`` on the ``<th>`` pandoc writes.

Pandoc's HTML writer gives a Markdown table's heading cells no ``scope``; a screen reader then
guesses which cells a heading belongs to. A ``<th>`` in a table's ``<thead>`` heads its column
(``col``, or ``colgroup`` when it spans several), one in the body heads its row (``row``, or
``rowgroup``: pandoc writes the row head columns of a table as ``<th>``). Cells that already
have a scope (the toolkit's generated tables set their own) are left alone. The page is read
with the standard library's HTML parser and only the ``<th`` tags are rewritten, so nothing
else of the markup changes.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

SECTIONS = ("thead", "tbody", "tfoot")
# Anything that may be a <th> start tag (the parser's view is case-blind)
_TH_TAG = re.compile(r"<th[\s/>]", re.IGNORECASE)


class _HeaderCells(HTMLParser):
    """Finds each ``<th>`` without a scope: (offset of the tag's ``<th``, scope it needs)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[str] = []  # per open table: the section we are in
        self.found: list[tuple[tuple[int, int], str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.sections.append("")
        elif tag in SECTIONS and self.sections:
            self.sections[-1] = tag
        elif tag == "th" and self.sections:
            names = dict(attrs)
            if "scope" in names:
                return
            if self.sections[-1] == "thead":
                scope = "colgroup" if _spans(names.get("colspan")) else "col"
            else:
                scope = "rowgroup" if _spans(names.get("rowspan")) else "row"
            self.found.append((self.getpos(), scope))

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self.sections:
            self.sections.pop()
        elif tag in SECTIONS and self.sections:
            self.sections[-1] = ""


def _spans(value: str | None) -> bool:
    return (value or "1").strip() not in ("", "1")


def scope_header_cells(html: str) -> str:
    """``html`` with ``scope`` on every ``<th>`` that has none."""
    if "<th" not in html:
        return html
    # The toolkit's own tables write scope first: when every possible <th> tag starts so, the
    # parser (~10 ms a document) would find nothing to add.
    if all(html.startswith('<th scope="', m.start()) for m in _TH_TAG.finditer(html)):
        return html
    parser = _HeaderCells()
    parser.feed(html)
    parser.close()
    if not parser.found:
        return html
    line_starts = [0, *(match.end() for match in re.finditer("\n", html))]
    out: list[str] = []
    position = 0
    for (line, column), scope in parser.found:
        start = line_starts[line - 1] + column
        if html[start : start + 3].lower() != "<th":  # never: the parser points at the tag
            continue
        at = start + len("<th")
        out.append(html[position:at])
        out.append(f' scope="{scope}"')
        position = at
    out.append(html[position:])
    return "".join(out)

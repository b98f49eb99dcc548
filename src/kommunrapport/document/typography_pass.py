"""Swedish typography (``text.typography``) applied to a document before it is written: the
narrative in pandoc's AST and the cells of every generated table, so DOCX, HTML and PDF agree.

Code, raw blocks and math are left as they are. A Markdown quotation (pandoc's ``Quoted``) gets
Swedish marks. The text of generated tables is typeset by their renderers (``table_docx``,
``table_html``); here a column heading with a six-digit date is written as a date, with a
warning that names the table (a judgement: the writer should fix the heading in the source).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from ..errors import Findings
from ..text.typography import (
    NBSP,
    STARTS_WITH_UNIT,
    YEAR_RANGE,
    date_heading,
    join_year_ranges,
    typeset,
)
from .blocks import BlockRegistry
from .pandoc_ast import Node, attr, span, stringify
from .table_model import RenderTable

INLINE_TYPES = {
    "Str", "Space", "SoftBreak", "LineBreak", "Emph", "Strong", "Underline", "Strikeout",
    "Superscript", "Subscript", "SmallCaps", "Quoted", "Cite", "Code", "Math", "RawInline",
    "Link", "Image", "Note", "Span",
}  # fmt: skip
UNTOUCHED = {"Code", "CodeBlock", "RawInline", "RawBlock", "Math"}
TEXT_TYPES = {"Str", "Space", "SoftBreak"}
QUOTE_MARKS = {"DoubleQuote": "”", "SingleQuote": "’"}
NOWRAP_CLASS = "kr-nowrap"  # a range of years: HTML keeps it on one line, DOCX joins it


def typeset_document(blocks: list[Node], registry: BlockRegistry, findings: Findings) -> None:
    """The narrative (``blocks``, in place) and every generated table of ``registry``."""
    _visit(blocks)
    reported: set[str] = set()
    for block in registry.blocks.values():
        if isinstance(block, RenderTable):
            typeset_table(block, findings, reported)


def _visit(value: Any) -> None:
    if isinstance(value, list):
        if value and all(isinstance(v, dict) and v.get("t") in INLINE_TYPES for v in value):
            value[:] = _inlines(value)
            return
        for item in value:
            _visit(item)
    elif isinstance(value, dict) and value.get("t") not in UNTOUCHED and "c" in value:
        _visit(value["c"])


def _inlines(inlines: list[Node]) -> list[Node]:
    out: list[Node] = []
    run: list[Node] = []

    def flush() -> None:
        if run:
            out.extend(_text_nodes(typeset("".join(_plain(node) for node in run))))
            run.clear()

    for node in inlines:
        kind = node.get("t")
        if kind in TEXT_TYPES:
            run.append(node)
            continue
        if kind == "Quoted":
            mark = QUOTE_MARKS.get(node["c"][0].get("t"), "”")
            run.append({"t": "Str", "c": mark})
            flush()
            out.extend(_inlines(node["c"][1]))
            run.append({"t": "Str", "c": mark})
            continue
        flush()
        if kind not in UNTOUCHED:
            _visit(node.get("c"))
        out.append(node)
    flush()
    return _join_figures_to_units(out)


def _join_figures_to_units(inlines: list[Node]) -> list[Node]:
    """A figure from the data (in a span of its own) and the unit after it ("4,6 procent")
    are joined by a non-breaking space, as typed figures are by ``typeset``."""
    for index in range(1, len(inlines) - 1):
        node = inlines[index]
        if node.get("t") not in ("Space", "SoftBreak"):
            continue
        before, after = inlines[index - 1], inlines[index + 1]
        if before.get("t") == "Str" or after.get("t") != "Str":
            continue  # text on both sides was handled by typeset()
        if stringify(before)[-1:].isdigit() and STARTS_WITH_UNIT.match(after["c"]):
            inlines[index] = {"t": "Str", "c": NBSP}
    return inlines


def _plain(node: Node) -> str:
    kind = node["t"]
    return node["c"] if kind == "Str" else (" " if kind == "Space" else "\n")


def _text_nodes(text: str) -> Iterable[Node]:
    for part in re.split(r"([ \n])", text):
        if part == " ":
            yield {"t": "Space"}
        elif part == "\n":
            yield {"t": "SoftBreak"}
        elif part:
            yield from _words(part)


def _words(word: str) -> Iterable[Node]:
    """A word, with each range of years in a span the writers keep on one line."""
    position = 0
    for match in YEAR_RANGE.finditer(word):
        if match.start() > position:
            yield {"t": "Str", "c": word[position : match.start()]}
        yield span([{"t": "Str", "c": match.group(0)}], attr(classes=[NOWRAP_CLASS]))
        position = match.end()
    if position < len(word):
        yield {"t": "Str", "c": word[position:]}


def typeset_table(table: RenderTable, findings: Findings, reported: set[str]) -> None:
    """Six-digit dates in the column headings of ``table`` written as dates, reported once per
    heading text (``reported`` collects them). The renderers typeset every cell's text."""
    for header in table.header_rows:
        for cell in header:
            found = date_heading(cell.text)
            if found is None:
                continue
            cell.text = found.written
            if found.original not in reported:
                reported.add(found.original)
                findings.warn(
                    "datum-i-rubrik",
                    f"kolumnrubriken {found.original!r} har ett datum skrivet med sex siffror; "
                    f"den skrivs {found.written!r}",
                    table.location,
                    "Skriv datumet som ÅÅÅÅ-MM-DD i rubriken (i tabeller.yaml eller bladet), "
                    "eller med ord: 31 augusti 2015.",
                )


def join_nowrap_spans(value: Any) -> None:
    """Ranges of years the typography pass marked (a ``kr-nowrap`` span) get a word joiner
    after their dash, for the writers whose output has no "nowrap" style (DOCX, Typst):
    Word, LibreOffice and Typst then keep "2023–2024" on one line."""
    _replace_nowrap_spans(value, lambda text: {"t": "Str", "c": join_year_ranges(text)})


def box_nowrap_spans(value: Any) -> None:
    """Ranges of years the typography pass marked become Typst boxes, which never break (and
    add no character to the PDF's text, so a search for "2023–2024" finds them)."""
    _replace_nowrap_spans(
        value,
        lambda text: {"t": "RawInline", "c": ["typst", f"#box[{re.sub(r'[^0-9–]', '', text)}]"]},
    )


def _replace_nowrap_spans(value: Any, replacement: Callable[[str], Node]) -> None:
    """Every ``kr-nowrap`` span in the AST (outside raw output and code) replaced, in place,
    by ``replacement`` of its text."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            if (
                isinstance(item, dict)
                and item.get("t") == "Span"
                and NOWRAP_CLASS in item["c"][0][1]
            ):
                value[index] = replacement(stringify(item["c"][1]))
            else:
                _replace_nowrap_spans(item, replacement)
    elif isinstance(value, dict) and value.get("t") not in ("RawBlock", "RawInline", "Code"):
        _replace_nowrap_spans(value.get("c"), replacement)

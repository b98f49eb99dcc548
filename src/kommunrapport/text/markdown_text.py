"""A value inserted with ``{{ … }}`` is text, never Markdown syntax.

Sections are Markdown rendered through Jinja. A value from report.yaml or a workbook ("2022.",
"- 3 mnkr", "A_B", "<b>") must come out literally in every format, wherever it lands: at the
start of a line (where "2022." would start an ordered list), mid-line, in a pipe-table cell.
The environment autoescapes with :func:`markdown_value` as Jinja's ``finalize``: every printed
value that is not :class:`~markupsafe.Markup` gets a backslash before each ASCII punctuation
character that can start Markdown syntax (pandoc reads ``\\x`` as a literal x for any ASCII
punctuation). Quotes and apostrophes are left alone so that typographic quotes still apply.
A value can also make syntax together with the template's own text: "{{ år }}." at the start
of a line is "2022." (an ordered list). So each printed value is marked, and once the template
has rendered, :func:`settle_values` escapes a "." or ")" right after a value and drops the marks.

Trusted Markdown is :class:`~markupsafe.Markup`: the placeholders of generated blocks, the
output of the template helpers (``tabell()``, ``kommentar()`` …), text captured with
``{% set x %}…{% endset %}``, and values marked with the ``markdown`` filter.
"""

from __future__ import annotations

import functools
import re
import secrets
from collections.abc import Callable
from typing import Any

from markupsafe import Markup

# ASCII punctuation that can begin or end Markdown syntax in pandoc's reader (emphasis, code,
# links, spans and attributes, raw HTML and entities, headings, lists incl. "1." "a)" "(i)",
# block quotes, tables and line blocks, math, citations, super/subscript, definition lists).
_SYNTAX = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~^$@=:&])")
_LINE_BREAK = re.compile(r"[ \t]*(?:\r\n|\r|\n)[ \t\r\n]*")
_EDGE_SPACE = re.compile(r"^[ \t]{2,}|[ \t]{2,}$")
# Noncharacters (never in interchanged text) around each printed value until it is settled.
VALUE_START, VALUE_END = "\ufdd0", "\ufdd1"
_LIST_MARK_AFTER_VALUE = re.compile(VALUE_END + r"([.)])")


def escape_markdown(text: str) -> str:
    """``text`` so that pandoc's Markdown reader gives back exactly its characters.

    Line breaks become spaces (a value cannot start a paragraph, list item or table row), and
    runs of spaces at either end become one (four would start a code block, two before a line
    break a hard break)."""
    text = _LINE_BREAK.sub(" ", text.replace("\t", " "))
    text = _EDGE_SPACE.sub(" ", text)
    return _SYNTAX.sub(r"\\\1", text)


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


# A figure's source is ``data-kalla`` on the HTML page. Through the Markdown it travels under a
# name chosen at random in each process, which the document structurer renames to data-kalla;
# a data-kalla (or kalla) written in a package is removed there, so every source on the page is
# the toolkit's own.
PROVENANCE = "data-kalla"
PROVENANCE_IN_MARKDOWN = f"{PROVENANCE}-{secrets.token_hex(8)}"
_FIGURE_SPAN = re.compile(
    r"\[((?:[^\]\\\n]|\\.)*)\]\{" + re.escape(PROVENANCE_IN_MARKDOWN) + r'="(?:[^"\\\n]|\\.)*"\}'
)


def unescape_markdown(text: str) -> str:
    """Markdown as a reader sees it: figure spans reduced to their text, backslash escapes
    removed (for checks that search rendered text, such as template leftovers). Line numbers
    are kept."""
    return _ESCAPED.sub(r"\1", _FIGURE_SPAN.sub(r"\1", text))


class FigureText(str):
    """A figure as a filter prints it ("−28,4 mnkr"), remembering where it comes from (the
    workbook cell, or the computation): on the HTML page the figure carries it."""

    source: str

    def __new__(cls, text: str, source: str) -> FigureText:
        made = super().__new__(cls, text)
        made.source = source
        return made


def provenance_of(value: Any) -> str | None:
    """Where a printed figure comes from, if it knows: a FigureText or an Amount from data."""
    source = getattr(value, "source", None)
    return source if isinstance(source, str) and source else None


def _attribute(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def markdown_value(value: Any) -> Any:
    """Jinja ``finalize``: a printed value as Markdown text (Markup passes unchanged). A figure
    from data becomes a span that carries its source (``data-kalla`` on the HTML page, see
    :data:`PROVENANCE_IN_MARKDOWN`)."""
    if isinstance(value, Markup):
        return value
    text = escape_markdown(str(value))
    source = provenance_of(value)
    if source and text.strip():
        marked = f"{VALUE_START}{text}{VALUE_END}"
        return Markup(f"[{marked}]{{{PROVENANCE_IN_MARKDOWN}={_attribute(source)}}}")
    if not text.strip():  # nothing that could join the template's text into syntax
        return Markup(text)
    return Markup(f"{VALUE_START}{text}{VALUE_END}")


def settle_values(text: str) -> str:
    """Rendered Markdown without the marks around printed values; a "." or ")" that follows a
    value is escaped, so that "2022." or "a)" made of a value and the template's punctuation
    is never a list marker, wherever it stands."""
    if VALUE_END not in text:
        return text
    settled = _LIST_MARK_AFTER_VALUE.sub(r"\\\1", str(text))
    settled = settled.replace(VALUE_START, "").replace(VALUE_END, "")
    return Markup(settled) if isinstance(text, Markup) else settled


def as_markdown(value: Any) -> Markup:
    """The ``markdown`` filter: the value is Markdown to be read as such (e.g. a Beskrivning
    cell with a bullet list), not text."""
    return Markup("" if value is None else str(value))


def markdown_helper(function: Callable[..., Any]) -> Callable[..., Any]:
    """A template helper whose text result is Markdown it built itself (a block placeholder,
    a status span, a comment file): the result is marked trusted."""

    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        args = tuple(settle_values(a) if isinstance(a, str) else a for a in args)
        kwargs = {k: settle_values(v) if isinstance(v, str) else v for k, v in kwargs.items()}
        result = function(*args, **kwargs)
        return Markup(result) if isinstance(result, str) else result

    return call

"""Markdown in a workbook cell: a safe subset, read into a small model every writer prints.

A Kommentar or Analys cell of a goal sheet is often written like a section: ``*kursiv*``,
``**fet**``, a few lines starting with "- ". The subset read here is paragraphs (a blank line),
line breaks (a new line in the cell), emphasis, strong, bullet and numbered lists and links to
web and mail addresses. Everything else is text and prints as typed: raw HTML, entities,
headings, code, tables. The model (:class:`RichText`) holds only text and these few shapes, so
a writer (DOCX runs, HTML elements, Typst strings) can never be handed markup from a cell.

Two guards keep ordinary text ordinary: a list needs a line break in the cell (a one-line
"1. Trygg välfärd" is a name, not a list), and a number of three digits or more followed by "."
or ")" never starts a list ("2022. Året …").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, TypeAlias

from .markdown_text import escape_markdown

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

_INLINE_RULES = ["emphasis", "newline", "escape", "link"]
_LONG_NUMBER = re.compile(r"^([ \t]*\d{3,})([.)])(?=[ \t]|$)", re.MULTILINE)
_SAFE_LINK = re.compile(r"^(?:https?://|mailto:)", re.IGNORECASE)
# A character that may start Markdown of the subset (or that the parser normalises): a cell
# without any of them, and without spaces at either end, is one paragraph of plain text.
_MAYBE_MARKUP = re.compile(r"[\x00-\x1f*_\[\]\\<>`&!]")


@dataclass(frozen=True)
class Run:
    """Text with one look; ``"\\n"`` alone is a line break."""

    text: str
    bold: bool = False
    italic: bool = False
    link: str | None = None  # an http(s) or mailto address


@dataclass(frozen=True)
class Paragraph:
    runs: tuple[Run, ...]


@dataclass(frozen=True)
class ListBlock:
    ordered: bool
    start: int
    items: tuple[tuple[Block, ...], ...]


Block: TypeAlias = Paragraph | ListBlock


@dataclass(frozen=True)
class RichText:
    blocks: tuple[Block, ...]

    def plain(self) -> str:
        """The text without its marks: paragraphs and list items on lines of their own."""
        return "\n".join(_plain_lines(self.blocks))


def _plain_lines(blocks: tuple[Block, ...]) -> list[str]:
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            lines.append("".join(run.text for run in block.runs))
        else:
            for item in block.items:
                lines += _plain_lines(item)
    return lines


@lru_cache(maxsize=2)
def _parser(lists: bool) -> MarkdownIt:
    from markdown_it import MarkdownIt  # only for a cell with Markdown: 40 ms to import

    parser = MarkdownIt("zero", {"html": False, "linkify": False, "typographer": False})
    return parser.enable(["list", *_INLINE_RULES] if lists else _INLINE_RULES)


def parse_cell(text: str) -> RichText:
    """A cell's text read as the safe Markdown subset."""
    if text and text == text.strip() and _MAYBE_MARKUP.search(text) is None:
        return RichText((Paragraph((Run(text),)),))  # what the parser makes of plain text
    source = _LONG_NUMBER.sub(r"\1\\\2", text.replace("\r\n", "\n").replace("\r", "\n"))
    tokens = _parser("\n" in source.strip()).parse(source)
    blocks, _ = _blocks(tokens, 0, None)
    return RichText(tuple(blocks))


def cell_content(text: str) -> tuple[str, RichText | None]:
    """What a table cell prints: its plain text, and the rich text when the cell has any
    Markdown beyond plain lines (None: print the text as it is, as always)."""
    rich = parse_cell(text)
    if len(rich.blocks) == 1 and isinstance(rich.blocks[0], Paragraph):
        runs = rich.blocks[0].runs
        if all(not (r.bold or r.italic or r.link) for r in runs):
            return (text if "\\" not in text else rich.plain()), None
    if not rich.blocks:
        return text, None
    return rich.plain(), rich


def lead_in(lead: str, text: str) -> tuple[str, RichText | None]:
    """:func:`cell_content` of ``text`` after a lead ("Kommentar: "), which stays text."""
    plain, rich = cell_content(text)
    if rich is None:
        return lead + plain, None
    first = rich.blocks[0]
    if isinstance(first, Paragraph):
        blocks = (Paragraph((Run(lead), *first.runs)), *rich.blocks[1:])
    else:
        blocks = (Paragraph((Run(lead.rstrip()),)), *rich.blocks)
    made = RichText(tuple(blocks))
    return made.plain(), made


def plain_text(text: str) -> str:
    """A cell's text as a reader sees it (for checks on the text, such as literal amounts)."""
    return parse_cell(text).plain() if text.strip() else text


def _blocks(tokens: list[Token], index: int, close: str | None) -> tuple[list[Block], int]:
    blocks: list[Block] = []
    while index < len(tokens):
        token = tokens[index]
        if close is not None and token.type == close:
            return blocks, index + 1
        if token.type == "inline":
            blocks.append(Paragraph(tuple(_runs(token.children or []))))
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            ordered = token.type == "ordered_list_open"
            start = int(str(token.attrs.get("start", 1)))
            items: list[tuple[Block, ...]] = []
            index += 1
            while tokens[index].type == "list_item_open":
                item, index = _blocks(tokens, index + 1, "list_item_close")
                items.append(tuple(item))
            blocks.append(ListBlock(ordered, start, tuple(items)))
        index += 1
    return blocks, index


def _runs(children: list[Token]) -> list[Run]:
    runs: list[Run] = []
    bold = italic = 0
    link: str | None = None
    for child in children:
        kind = child.type
        if kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind == "link_open":
            href = str(child.attrs.get("href", ""))
            link = href if _SAFE_LINK.match(href) else None
        elif kind == "link_close":
            link = None
        elif kind in ("softbreak", "hardbreak"):
            runs.append(Run("\n"))
        elif child.content:
            runs.append(Run(child.content, bold > 0, italic > 0, link))
    return _merged(runs)


def _merged(runs: list[Run]) -> list[Run]:
    """Neighbouring runs with the same look as one (the parser splits text at each mark)."""
    out: list[Run] = []
    for run in runs:
        if out and run.text != "\n" and out[-1].text != "\n" and _look(out[-1]) == _look(run):
            out[-1] = Run(out[-1].text + run.text, run.bold, run.italic, run.link)
        else:
            out.append(run)
    return out


def _look(run: Run) -> tuple[bool, bool, str | None]:
    return run.bold, run.italic, run.link


def to_markdown(rich: RichText) -> str:
    """The rich text as pandoc Markdown for a section: every character of text escaped, so
    only the subset's own syntax is read."""
    return "\n\n".join(_block_markdown(block) for block in rich.blocks)


def _block_markdown(block: Block) -> str:
    if isinstance(block, Paragraph):
        return "".join(_run_markdown(run) for run in block.runs)
    lines = []
    for number, item in enumerate(block.items, block.start):
        marker = f"{number}. " if block.ordered else "- "
        body = "".join(
            ("\n" if isinstance(b, ListBlock) else "\n\n") * (i > 0) + _block_markdown(b)
            for i, b in enumerate(item)
        )
        indent = " " * len(marker)
        lines.append(marker + body.replace("\n", "\n" + indent))
    return "\n".join(lines)


def _run_markdown(run: Run) -> str:
    if run.text == "\n":
        return "\\\n"
    text = escape_markdown(run.text)
    if run.link:
        target = run.link.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
        text = f"[{text}]({target})"
    if run.italic:
        text = f"*{text}*"
    if run.bold:
        text = f"**{text}**"
    return text

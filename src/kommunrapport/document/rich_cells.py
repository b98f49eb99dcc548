"""A text cell's Markdown (:class:`~kommunrapport.text.cell_markdown.RichText`) in each format.

The table writers call these for a cell whose ``rich`` is set: HTML elements (``<p>``,
``<ul>``/``<ol>``, ``<strong>``, ``<em>``, ``<br>``, ``<a href>``), Word paragraphs (a list item
is a paragraph with its bullet or number and a hanging indent; a link is a HYPERLINK field) and
data for the Typst template's ``kr-rik`` (strings only, never markup). Every character of text
is escaped by the writer's own rules, so a cell can never carry HTML, OpenXML or Typst code.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from ..text.cell_markdown import Block, ListBlock, Paragraph, RichText, Run
from .ooxml import field, paragraph
from .xml_text import escape, quoteattr

Text = Callable[[str], str]
BULLET = "\u2022"
LIST_INDENT_TWIPS = 284  # 5 mm per list level, the marker hanging in it
BLOCK_SPACE = '<w:spacing w:before="80"/>'  # 4 pt before a block that follows another


def _same(text: str) -> str:
    return text


# -- HTML ----------------------------------------------------------------------------------------
def rich_html(rich: RichText, text: Text = _same) -> str:
    """The cell's content as HTML; ``text`` typesets a piece of text (before escaping)."""
    return "".join(_html_block(block, text) for block in rich.blocks)


def _html_block(block: Block, text: Text) -> str:
    if isinstance(block, Paragraph):
        return f"<p>{_html_runs(block.runs, text)}</p>"
    tag = "ol" if block.ordered else "ul"
    start = f' start="{block.start}"' if block.ordered and block.start != 1 else ""
    items = "".join(
        "<li>" + "".join(_html_block(b, text) for b in item) + "</li>" for item in block.items
    )
    return f"<{tag}{start}>{items}</{tag}>"


def _html_runs(runs: tuple[Run, ...], text: Text) -> str:
    out = []
    for run in runs:
        if run.text == "\n":
            out.append("<br>")
            continue
        content = html.escape(text(run.text))
        if run.link:
            content = f"<a href={quoteattr(run.link)}>{content}</a>"
        if run.italic:
            content = f"<em>{content}</em>"
        if run.bold:
            content = f"<strong>{content}</strong>"
        out.append(content)
    return "".join(out)


# -- DOCX ----------------------------------------------------------------------------------------
def rich_docx(
    rich: RichText,
    *,
    style: str,
    bold: bool = False,
    italic: bool = False,
    align: str | None = None,
    keep_next: bool = False,
    lead: str = "",
    text: Text = _same,
) -> str:
    """The cell's content as Word paragraphs in ``style``; ``bold``/``italic`` are the row's
    look, ``lead`` runs (a status symbol) go before the first paragraph's text."""
    out: list[str] = []
    for index, block in enumerate(rich.blocks):
        # a paragraph or list after another gets a little space before it, as on the web
        out += _docx_block(block, 0, (style, bold, italic, align, keep_next), text, index > 0)
    if lead and out:
        head = out[0]
        at = head.index("</w:pPr>") + len("</w:pPr>") if "</w:pPr>" in head else len("<w:p>")
        out[0] = head[:at] + lead + head[at:]
    return "".join(out)


_Look = tuple[str, bool, bool, str | None, bool]


def _docx_block(
    block: Block, level: int, look: _Look, text: Text, space: bool = False
) -> list[str]:
    style, bold, italic, align, keep = look
    before = BLOCK_SPACE if space else ""  # w:spacing before w:ind: the schema's order
    if isinstance(block, Paragraph):
        indent = f'<w:ind w:left="{level * LIST_INDENT_TWIPS}"/>' if level else ""
        runs = _docx_runs(block.runs, bold, italic, text)
        ppr = before + indent
        return [paragraph(runs, style=style, align=align, keep_next=keep, extra_ppr=ppr)]
    out: list[str] = []
    left = (level + 1) * LIST_INDENT_TWIPS
    hanging = f'<w:ind w:left="{left}" w:hanging="{LIST_INDENT_TWIPS}"/>'
    for number, item in enumerate(block.items, block.start):
        marker = f"{number}." if block.ordered else BULLET
        first = True
        for inner in item:
            if isinstance(inner, Paragraph) and first:
                runs = _docx_run(f"{marker}\t", bold, italic) + _docx_runs(
                    inner.runs, bold, italic, text
                )
                ppr = (before if not out else "") + hanging
                out.append(paragraph(runs, style=style, align=align, keep_next=keep, extra_ppr=ppr))
            else:
                out += _docx_block(inner, level + 1, look, text)
            first = False
    return out


def _docx_runs(runs: tuple[Run, ...], bold: bool, italic: bool, text: Text) -> str:
    out = []
    for run in runs:
        if run.text == "\n":
            out.append("<w:r><w:br/></w:r>")
        elif run.link:
            props = _props(run.bold or bold, run.italic or italic, link=True)
            out.append(field(f'HYPERLINK "{run.link}"', text(run.text), run_props=props))
        else:
            out.append(_docx_run(text(run.text), run.bold or bold, run.italic or italic))
    return "".join(out)


def _props(bold: bool, italic: bool, link: bool = False) -> str:
    props = '<w:rStyle w:val="Hyperlink"/>' if link else ""
    props += "<w:b/><w:bCs/>" if bold else ""
    props += "<w:i/><w:iCs/>" if italic else ""
    return props


def _docx_run(value: str, bold: bool, italic: bool) -> str:
    props = _props(bold, italic)
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    parts = value.split("\t")
    body = "<w:tab/>".join(f'<w:t xml:space="preserve">{escape(p)}</w:t>' for p in parts)
    return f"<w:r>{rpr}{body}</w:r>"


# -- Typst ---------------------------------------------------------------------------------------
def rich_typst(rich: RichText, text: Text = _same) -> list[dict[str, Any]]:
    """The cell's content as data for the template's ``kr-rik``: paragraphs ``(p: runs)`` and
    lists ``(lista: items, numrerad: bool, start: n)``; a run is ``(text: "…")`` with optional
    ``fet``, ``kursiv``, ``lank``, or ``(rad: true)`` for a line break."""
    return [_typst_block(block, text) for block in rich.blocks]


def _typst_block(block: Block, text: Text) -> dict[str, Any]:
    if isinstance(block, Paragraph):
        return {"p": [_typst_run(run, text) for run in block.runs]}
    assert isinstance(block, ListBlock)
    return {
        "lista": [[_typst_block(b, text) for b in item] for item in block.items],
        "numrerad": block.ordered,
        "start": block.start,
    }


def _typst_run(run: Run, text: Text) -> dict[str, Any]:
    if run.text == "\n":
        return {"rad": True}
    data: dict[str, Any] = {"text": text(run.text)}
    if run.bold:
        data["fet"] = True
    if run.italic:
        data["kursiv"] = True
    if run.link:
        data["lank"] = run.link
    return data

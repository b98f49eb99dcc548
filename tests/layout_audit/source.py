"""What a document holds, in reading order, read from its DOCX with python-docx.

The audit needs to know which lines of a page are headings, captions, table header rows, total
rows and comment rows. It takes that from the source document's structure (paragraph styles,
``w:tblHeader`` rows, spans and run formatting of table rows) rather than guessing from fonts
in the PDF: every PDF the toolkit writes (LibreOffice's rendering of the DOCX, or the PDF
writer's own) holds the same document, so the DOCX's items can be found in its text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn

ItemKind = Literal["para", "row", "image"]
LABEL_LENGTH = 90  # a bold paragraph this short is a heading in all but style
LABEL_LEVEL = 9

W_TAGS = {"p": qn("w:p"), "tbl": qn("w:tbl"), "sdt": qn("w:sdt"), "sdtContent": qn("w:sdtContent")}


@dataclass
class Item:
    """A paragraph, a table row or an image of the source, in reading order.

    ``role`` of a paragraph: heading, title, caption_table, caption_image, toc, body.
    ``role`` of a row: header, body, total, comment, group.
    """

    kind: ItemKind
    role: str
    text: str = ""
    style: str = ""
    level: int = 0
    cells: list[str] = field(default_factory=list)
    spanning: list[bool] = field(default_factory=list)  # a cell that starts a row span
    table: int = -1
    row: int = -1
    break_before: bool = False  # a page or section break forces a new page before this item


@dataclass
class Margins:
    """Page margins in points (PDF user space units)."""

    top: float
    right: float
    bottom: float
    left: float

    @classmethod
    def from_mm(cls, text: str) -> Margins:
        """``"25,25,22,25"`` (top, right, bottom, left, like CSS) in millimetres."""
        values = [float(v) * 72 / 25.4 for v in re.split(r"[,\s]+", text.strip()) if v]
        if len(values) != 4:
            raise ValueError(f"fyra marginaler behövs (topp,höger,botten,vänster i mm): {text!r}")
        return cls(*values)


@dataclass
class SourceDocument:
    items: list[Item]
    margins: Margins
    tables: int


def _text(element) -> str:  # type: ignore[no-untyped-def]
    """Visible text of an element: w:t, tabs and breaks; field instructions left out."""
    out: list[str] = []
    for node in element.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:noBreakHyphen")):
        if node.tag == qn("w:t"):
            out.append(node.text or "")
        elif node.tag == qn("w:noBreakHyphen"):
            out.append("\u2011")
        else:
            out.append(" ")
    return "".join(out)


def _style_chain_breaks(style) -> bool:  # type: ignore[no-untyped-def]
    while style is not None:
        value = style.paragraph_format.page_break_before
        if value is not None:
            return bool(value)
        style = style.base_style
    return False


class _Reader:
    def __init__(self, path: Path) -> None:
        self.doc = Document(str(path))
        self.styles = {s.style_id: s for s in self.doc.styles if s.type is not None}
        self.items: list[Item] = []
        self.pending_break = False
        self.table_count = 0

    def add(self, item: Item) -> None:
        item.break_before = self.pending_break
        self.pending_break = False
        self.items.append(item)

    def read(self, container) -> None:  # type: ignore[no-untyped-def]
        for child in container.iterchildren():
            if child.tag == W_TAGS["p"]:
                self.paragraph(child)
            elif child.tag == W_TAGS["tbl"]:
                self.table(child)
            elif child.tag == W_TAGS["sdt"]:
                content = child.find(W_TAGS["sdtContent"])
                if content is not None:
                    self.read(content)

    def paragraph(self, p) -> None:  # type: ignore[no-untyped-def]
        ppr = p.find(qn("w:pPr"))
        style_id = ""
        if ppr is not None and ppr.find(qn("w:pStyle")) is not None:
            style_id = ppr.find(qn("w:pStyle")).get(qn("w:val"))
        style = self.styles.get(style_id) or self.doc.styles.default(WD_STYLE_TYPE.PARAGRAPH)
        name = style.name or ""
        explicit = ppr is not None and ppr.find(qn("w:pageBreakBefore")) is not None
        if explicit or _style_chain_breaks(style):
            self.pending_break = True
        text = _text(p).strip()
        has_image = any(True for _ in p.iter(qn("w:drawing"), qn("w:pict")))
        if has_image:
            self.add(Item("image", "image", style=name))
        if text:
            role, level = _paragraph_role(name), _heading_level(name)
            if role == "toc":  # without its page: another writer's PDF numbers its own pages
                text = re.sub(r"\s+\d+$", "", text)
            if role == "body" and len(text) <= LABEL_LENGTH and _all_bold(p):
                role, level = "heading", LABEL_LEVEL  # a bold line introducing what follows
            self.add(Item("para", role, text, name, level))
        if any(br.get(qn("w:type")) == "page" for br in p.iter(qn("w:br"))):
            self.pending_break = True
        sect = ppr.find(qn("w:sectPr")) if ppr is not None else None
        if sect is not None:
            kind = sect.find(qn("w:type"))
            if kind is None or kind.get(qn("w:val")) != "continuous":
                self.pending_break = True

    def table(self, tbl) -> None:  # type: ignore[no-untyped-def]
        index = self.table_count
        self.table_count += 1
        grid = len(tbl.findall(f"{qn('w:tblGrid')}/{qn('w:gridCol')}"))
        rows = tbl.findall(qn("w:tr"))
        for number, tr in enumerate(rows):
            cells = tr.findall(qn("w:tc"))
            texts = ["\n".join(_text(p) for p in tc.iter(qn("w:p"))).strip() for tc in cells]
            role = _row_role(tr, cells, texts, grid)
            if not any(texts):
                continue
            item = Item("row", role, "".join(texts), cells=texts, table=index, row=number)
            item.spanning = [_starts_row_span(tc) for tc in cells]
            item.level = _indent(cells[0]) if cells else 0
            self.add(item)
        _groups([i for i in self.items if i.kind == "row" and i.table == index])


def _paragraph_role(style: str) -> str:
    lowered = style.lower()
    if lowered.startswith("heading") or lowered == "toc heading":
        return "heading"
    if lowered == "title":
        return "title"
    if lowered.startswith("toc"):
        return "toc"
    if "caption" in lowered and ("image" in lowered or "figure" in lowered):
        return "caption_image"
    if "caption" in lowered:
        return "caption_table"
    return "body"


def _heading_level(style: str) -> int:
    match = re.search(r"(\d)$", style)
    if style.lower() == "toc heading":
        return 1
    return int(match.group(1)) if match and style.lower().startswith("heading") else 0


def _all_bold(p) -> bool:  # type: ignore[no-untyped-def]
    flags = _bold_runs(p)
    return bool(flags) and all(flags)


def _bold_runs(tc) -> list[bool]:  # type: ignore[no-untyped-def]
    flags = []
    for run in tc.iter(qn("w:r")):
        if not _text(run).strip():
            continue
        rpr = run.find(qn("w:rPr"))
        bold = rpr is not None and rpr.find(qn("w:b")) is not None
        if bold and rpr.find(qn("w:b")).get(qn("w:val")) in ("0", "false"):
            bold = False
        flags.append(bold)
    return flags


def _row_role(tr, cells, texts: list[str], grid: int) -> str:  # type: ignore[no-untyped-def]
    trpr = tr.find(qn("w:trPr"))
    if trpr is not None and trpr.find(qn("w:tblHeader")) is not None:
        return "header"
    bold = [flag for tc in cells for flag in _bold_runs(tc)]
    all_bold = bool(bold) and all(bold)
    spans_all = len(cells) == 1 and grid > 1
    if spans_all:
        return "group" if all_bold else "comment"
    filled = [t for t in texts if t]
    if grid > 1 and len(filled) == 1 and texts[0] and len(cells) > 1:
        return "label"  # a group heading if the rows under it are indented (see _groups)
    if all_bold and len(filled) > 1:
        return "total"
    return "body"


def _starts_row_span(tc) -> bool:  # type: ignore[no-untyped-def]
    merge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
    return merge is not None and merge.get(qn("w:val")) == "restart"


def _indent(tc) -> int:  # type: ignore[no-untyped-def]
    ind = tc.find(f"{qn('w:p')}/{qn('w:pPr')}/{qn('w:ind')}")
    value = ind.get(qn("w:left")) or ind.get(qn("w:start")) if ind is not None else None
    return int(value) if value and value.lstrip("-").isdigit() else 0


def _groups(rows: list[Item]) -> None:
    """A label row (figures empty) is a group heading when the next row is indented under it."""
    for row, following in zip(rows, [*rows[1:], None], strict=True):
        if row.role == "label":
            row.role = "group" if following is not None and following.level > row.level else "body"


def read_source(path: Path) -> SourceDocument:
    reader = _Reader(path)
    reader.read(reader.doc.element.body)
    section = reader.doc.sections[0]
    pt = 12700  # EMU per point
    margins = Margins(
        top=(section.top_margin or 0) / pt,
        right=(section.right_margin or 0) / pt,
        bottom=(section.bottom_margin or 0) / pt,
        left=(section.left_margin or 0) / pt,
    )
    return SourceDocument(reader.items, margins, reader.table_count)

"""Page numbers in the stored result of the DOCX's TOC field (``document.ooxml.toc_field``).

Each entry of the table of contents ends in a PAGEREF field whose result is the page number a
reader sees. They are filled in from a layout of the finished document (``libreoffice_layout``:
the headings with their pages, in order), matched to the entries by their text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn


@dataclass
class TocLink:
    anchor: str
    text: str  # "1.1 Väsentliga händelser"
    result: object  # the <w:t> holding the page number


def _normal(text: str) -> str:
    """Text as compared: spaces of every kind as one, invisible joiners left out."""
    text = re.sub(r"[\u2060\u200b\u00ad]", "", text)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip().casefold()


_W_P, _W_PPR, _W_PSTYLE, _W_VAL = qn("w:p"), qn("w:pPr"), qn("w:pStyle"), qn("w:val")
_W_R, _W_T, _W_TAB, _W_INSTR = qn("w:r"), qn("w:t"), qn("w:tab"), qn("w:instrText")
_W_FLDCHAR, _W_FLDCHARTYPE = qn("w:fldChar"), qn("w:fldCharType")
_TOC_STYLE = re.compile(r"TOC\d")
_HEADING_STYLE = re.compile(r"Heading(\d)")
_PARAGRAPH_STYLE = f"{_W_PPR}/{_W_PSTYLE}"


def toc_links(doc: DocxDocument) -> list[TocLink]:
    """The entries of the table of contents, in order. Only paragraphs with a TOC style are
    looked at (found by their style element: a report has thousands of paragraphs in its
    table cells, and a TOC a few dozen)."""
    links = []
    for style in doc.element.body.iter(_W_PSTYLE):
        properties = style.getparent()
        paragraph = properties.getparent() if properties is not None else None
        if (
            paragraph is None
            or properties.tag != _W_PPR
            or paragraph.tag != _W_P
            or not _TOC_STYLE.fullmatch(style.get(_W_VAL, ""))
        ):
            continue
        runs = list(paragraph.iter(_W_R))
        texts: list[str] = []
        for index, run in enumerate(runs):
            instruction = run.find(_W_INSTR)
            if instruction is not None and (instruction.text or "").strip().startswith("PAGEREF"):
                anchor = (instruction.text or "").split()[1]
                result = _result_text(runs[index + 1 :])
                if result is not None:
                    links.append(TocLink(anchor, " ".join(texts), result))
                break
            for node in run:
                if node.tag == _W_T:
                    texts.append(node.text or "")
                elif node.tag == _W_TAB:
                    texts.append(" ")
    return links


def _result_text(runs: list[object]) -> object | None:
    """The <w:t> after the field's "separate" mark."""
    separated = False
    for run in runs:
        mark = run.find(_W_FLDCHAR)  # type: ignore[attr-defined]
        if mark is not None and mark.get(_W_FLDCHARTYPE) == "separate":
            separated = True
            continue
        if separated:
            return run.find(_W_T)  # type: ignore[attr-defined]
    return None


def fill_page_numbers(doc: DocxDocument, pages: list[tuple[str, int]]) -> bool:
    """Write each entry's page from ``pages`` (heading text, page), matched in order; True when
    every entry got one."""
    links = toc_links(doc)
    position = 0
    filled = 0
    for link in links:
        wanted = _normal(link.text)
        for index in range(position, len(pages)):
            if _normal(pages[index][0]) == wanted:
                link.result.text = str(pages[index][1])  # type: ignore[attr-defined]
                position = index + 1
                filled += 1
                break
    return bool(links) and filled == len(links)


def unlist_other_headings(doc: DocxDocument) -> None:
    """Headings the table of contents leaves out (``unlisted``) get the outline level of body
    text, so that Word, updating the field, lists what the stored result lists."""
    listed = [_normal(link.text) for link in toc_links(doc)]
    if not listed:
        return
    instruction = next(
        (i.text or "" for i in doc.element.body.iter(qn("w:instrText")) if "TOC" in (i.text or "")),
        "",
    )
    found = re.search(r'\\o "1-(\d)"', instruction)
    depth = int(found.group(1)) if found else 3
    position = 0
    for paragraph in doc.element.body.iterchildren(_W_P):
        style = paragraph.find(_PARAGRAPH_STYLE)
        level = _HEADING_STYLE.fullmatch(style.get(_W_VAL, "")) if style is not None else None
        if level is None or int(level.group(1)) > depth:
            continue
        text = _normal("".join(t.text or "" for t in paragraph.iter(_W_T)))
        if position < len(listed) and text == listed[position]:
            position += 1
            continue
        outline = OxmlElement("w:outlineLvl")
        outline.set(qn("w:val"), "9")
        _add_to_ppr(paragraph.find(qn("w:pPr")), outline)


# the elements of w:pPr after w:outlineLvl (ECMA-376, CT_PPrBase and CT_PPr)
_AFTER_OUTLINE = ("divId", "cnfStyle", "rPr", "sectPr", "pPrChange")


def _add_to_ppr(ppr, element) -> None:
    later = next((c for c in ppr if c.tag.rsplit("}", 1)[-1] in _AFTER_OUTLINE), None)
    if later is None:
        ppr.append(element)
    else:
        later.addprevious(element)

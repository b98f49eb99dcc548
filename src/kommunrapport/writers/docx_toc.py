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


def toc_links(doc: DocxDocument) -> list[TocLink]:
    links = []
    for paragraph in doc.element.body.iter(qn("w:p")):
        style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if style is None or not re.fullmatch(r"TOC\d", style.get(qn("w:val"), "")):
            continue
        runs = list(paragraph.iter(qn("w:r")))
        texts: list[str] = []
        for index, run in enumerate(runs):
            instruction = run.find(qn("w:instrText"))
            if instruction is not None and (instruction.text or "").strip().startswith("PAGEREF"):
                anchor = (instruction.text or "").split()[1]
                result = _result_text(runs[index + 1 :])
                if result is not None:
                    links.append(TocLink(anchor, " ".join(texts), result))
                break
            for node in run:
                if node.tag == qn("w:t"):
                    texts.append(node.text or "")
                elif node.tag == qn("w:tab"):
                    texts.append(" ")
    return links


def _result_text(runs: list[object]) -> object | None:
    """The <w:t> after the field's "separate" mark."""
    separated = False
    for run in runs:
        mark = run.find(qn("w:fldChar"))  # type: ignore[attr-defined]
        if mark is not None and mark.get(qn("w:fldCharType")) == "separate":
            separated = True
            continue
        if separated:
            return run.find(qn("w:t"))  # type: ignore[attr-defined]
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
    for paragraph in doc.element.body.iterchildren(qn("w:p")):
        style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        level = (
            re.fullmatch(r"Heading(\d)", style.get(qn("w:val"), "")) if style is not None else None
        )
        if level is None or int(level.group(1)) > depth:
            continue
        text = _normal("".join(t.text or "" for t in paragraph.iter(qn("w:t"))))
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

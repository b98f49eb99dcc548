"""Landscape pages for wide tables in the finished DOCX.

A wide table is written between two marker paragraphs (``document.table_docx``). Here they
become section breaks: the section holding the table has its page turned, and its own header
and footer, copies of the document's with their tab stops moved to the landscape text width
(a right-aligned "Kalmar kommun" stays at the right edge, not at 16 cm). A symbol legend that
follows the table, with only paragraphs between, stays on the landscape page with it.
"""

from __future__ import annotations

import copy

from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ..document.table_docx import LANDSCAPE_MARKER


def landscape_sections(doc: DocxDocument, kept: tuple[str, ...] = ()) -> None:
    _keep_legends(doc, kept)
    _turn_pages(doc)
    _landscape_header_footer(doc)


_W_P, _W_T = qn("w:p"), qn("w:t")


def _marker_text(paragraph) -> str:
    return "".join(t.text or "" for t in paragraph.iter(_W_T))


def _with_marker_text(body) -> list:
    """The paragraphs with a text holding the marker, in order: the marker is written as one
    run (``document.table_docx``), so only these few of a report's thousands of paragraphs
    (most in table cells) need their text joined."""
    found: dict[object, None] = {}
    for text in body.iter(_W_T):
        if text.text and LANDSCAPE_MARKER in text.text:
            paragraph = next(text.iterancestors(_W_P), None)
            if paragraph is not None:
                found.setdefault(paragraph, None)
    return list(found)


def _caption(table) -> str:
    caption = table.find(f"{qn('w:tblPr')}/{qn('w:tblCaption')}")
    return caption.get(qn("w:val"), "") if caption is not None else ""


def _keep_legends(doc: DocxDocument, kept: tuple[str, ...]) -> None:
    """Move a landscape section's end after a legend that follows its table."""
    if not kept:
        return
    body = doc.element.body
    for marker in list(body.iterchildren(qn("w:p"))):
        if _marker_text(marker) != LANDSCAPE_MARKER + "-END":
            continue
        sibling = marker.getnext()
        while sibling is not None:
            if sibling.tag == qn("w:tbl"):
                if _caption(sibling) in kept:
                    following = sibling.getnext()
                    anchor = following if _is_spacer(following) else sibling
                    anchor.addnext(marker)
                break
            if sibling.tag != qn("w:p") or _ends_run_of_text(sibling):
                break
            sibling = sibling.getnext()


def _is_spacer(element) -> bool:
    return element is not None and element.tag == qn("w:p") and not _marker_text(element)


def _ends_run_of_text(paragraph) -> bool:
    """A heading, a section break or another marker: the legend search stops there."""
    style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    heading = style is not None and style.get(qn("w:val"), "").startswith("Heading")
    section = paragraph.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None
    return heading or section or _marker_text(paragraph).startswith(LANDSCAPE_MARKER)


def _turn_pages(doc: DocxDocument) -> None:
    """Turn the marker paragraphs around wide tables into landscape sections.

    The portrait section before the table ends with a copy of the document's own section
    properties; the landscape section gets the page turned (its header and footer come from
    ``_landscape_header_footer``) and keeps the page numbering (it continues).
    """
    body = doc.element.body
    markers = [p for p in _with_marker_text(body) if _marker_text(p).startswith(LANDSCAPE_MARKER)]
    if not markers:
        return
    final = body.find(qn("w:sectPr"))
    first_section = True
    for marker in markers:
        is_start = "".join(t.text or "" for t in marker.iter(qn("w:t"))).endswith("-START")
        for run in marker.findall(qn("w:r")):
            marker.remove(run)
        section = copy.deepcopy(final)
        if not first_section:
            for title_page in section.findall(qn("w:titlePg")):
                section.remove(title_page)
        if not is_start:  # the section that ends here holds the wide table
            for reference in section.findall(qn("w:headerReference")) + section.findall(
                qn("w:footerReference")
            ):
                section.remove(reference)
            size = section.find(qn("w:pgSz"))
            width, height = size.get(qn("w:w")), size.get(qn("w:h"))
            size.set(qn("w:w"), height)
            size.set(qn("w:h"), width)
            size.set(qn("w:orient"), "landscape")
            for title_page in section.findall(qn("w:titlePg")):
                section.remove(title_page)
        first_section = False
        ppr = marker.find(qn("w:pPr"))
        if ppr is None:
            ppr = OxmlElement("w:pPr")
            marker.insert(0, ppr)
        ppr.append(section)
    for title_page in final.findall(qn("w:titlePg")):
        final.remove(title_page)


def _landscape_header_footer(doc: DocxDocument) -> None:
    """Landscape sections get copies of the first section's header and footer, with their tab
    stops scaled to the landscape text width."""
    sections = list(doc.sections)
    first = sections[0]
    portrait = (first.page_width or 0) - (first.left_margin or 0) - (first.right_margin or 0)
    for section in sections[1:]:
        if section.orientation != WD_ORIENT.LANDSCAPE:
            continue
        width = (section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0)
        for source, target in ((first.header, section.header), (first.footer, section.footer)):
            target.is_linked_to_previous = False
            element = target._element
            for child in list(element):
                element.remove(child)
            for child in source._element:
                element.append(copy.deepcopy(child))
            for tab in element.iter(qn("w:tab")):
                position = tab.get(qn("w:pos"))
                if position is not None and portrait:
                    tab.set(qn("w:pos"), str(round(int(position) * width / portrait)))

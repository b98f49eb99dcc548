"""Page breaks in the finished DOCX that a committee secretary would not send back.

Headings and captions keep with the next paragraph by their styles (reference document); the
tables keep their own rows together (``document.table_docx``). What is left is decided here,
on the whole body, where a paragraph's neighbours are known:

- a short paragraph right under a heading (one line) keeps with the next one, so a heading
  never ends a page with a single line under it;
- a paragraph that is one bold line ("Kommentar", "Delprocesser") is a heading in all but
  style: it keeps with the next paragraph, and so does a short paragraph under it;
- a paragraph of a few lines between a heading and a table that is kept whole (a risk's
  description above its one-row risk table) keeps with the table: heading, text and table
  move to the next page together instead of leaving the table alone at the top of a page;
- a picture keeps with its caption below it, and sits on the text column's edges (pandoc
  leaves the spacing around a picture unset, and LibreOffice then indents it by 0.32 cm,
  pushing a full-width chart into the right margin).
"""

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ..document.text_metrics import TextMeasure

CAPTION_STYLES = ("ImageCaption", "Caption", "Bildtext")
ONE_LINE_SHARE = 0.95  # a paragraph narrower than this share of the text width fits one line
LEAD_LINES = 4  # a paragraph between a heading and a whole table keeps with it up to this long


def _style_id(paragraph) -> str:
    style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return style.get(qn("w:val")) if style is not None else ""


def _text(paragraph) -> str:
    return "".join(t.text or "" for t in paragraph.iter(qn("w:t")))


def _keep_next(paragraph) -> None:
    ppr = paragraph.find(qn("w:pPr"))
    if ppr is None:
        ppr = OxmlElement("w:pPr")
        paragraph.insert(0, ppr)
    if ppr.find(qn("w:keepNext")) is not None:
        return
    keep = OxmlElement("w:keepNext")
    style = ppr.find(qn("w:pStyle"))
    if style is not None:
        style.addnext(keep)  # pStyle comes first, keepNext right after it
    else:
        ppr.insert(0, keep)


def is_bold_label(paragraph) -> bool:
    """A paragraph whose text is all bold."""
    runs = [r for r in paragraph.iter(qn("w:r")) if _text(r).strip()]
    if not runs:
        return False
    for run in runs:
        bold = run.find(f"{qn('w:rPr')}/{qn('w:b')}")
        if bold is None or bold.get(qn("w:val")) in ("0", "false"):
            return False
    return True


def _keeps_next(paragraph) -> bool:
    return paragraph.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None


def _kept_whole(table) -> bool:
    """Whether every row of ``table`` but the last keeps with the next (the table moves to the
    next page whole rather than split)."""
    rows = table.findall(qn("w:tr"))
    if len(rows) < 2:
        return False
    for row in rows[:-1]:
        paragraphs = row.findall(f".//{qn('w:p')}")
        if not paragraphs or not all(_keeps_next(p) for p in paragraphs):
            return False
    return True


def _whole_table_follows(body: list, index: int) -> bool:
    """Whether a table kept whole follows ``body[index]`` (after its caption, if any)."""
    following = body[index + 1 : index + 3]
    if following and following[0].tag == qn("w:p") and _style_id(following[0]) in CAPTION_STYLES:
        following = following[1:]
    return bool(following) and following[0].tag == qn("w:tbl") and _kept_whole(following[0])


def keep_together(doc: DocxDocument, measure: TextMeasure, text_width_twips: int) -> None:
    body = [child for child in doc.element.body.iterchildren() if child.tag != qn("w:sectPr")]
    room = text_width_twips * ONE_LINE_SHARE
    for index, element in enumerate(body[:-1]):
        if element.tag != qn("w:p"):
            continue
        following = body[index + 1]
        label = is_bold_label(element) and measure.width(_text(element), True) * 20 < room
        if label:
            _keep_next(element)
        if (_style_id(element).startswith("Heading") or label) and following.tag == qn("w:p"):
            text = _text(following)
            width = measure.width(text) * 20 if text else 0.0
            lines = LEAD_LINES if _whole_table_follows(body, index + 1) else 1
            if text and width < lines * room:
                _keep_next(following)
        if any(True for _ in element.iter(qn("w:drawing"))) and _style_id(following) in (
            CAPTION_STYLES
        ):
            _keep_next(element)


def picture_spacing(doc: DocxDocument) -> None:
    """Spacing around inline pictures set to none (Word's default), as the program expects."""
    for inline in doc.element.body.iter(qn("wp:inline")):
        for side in ("distT", "distB", "distL", "distR"):
            if inline.get(side) is None:
                inline.set(side, "0")

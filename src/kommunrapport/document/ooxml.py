"""Building blocks of WordprocessingML, written as strings for pandoc raw ``openxml`` blocks.

Fields are written *with* their result already filled in (a table of contents with its entries, a
caption with its number), so a document is complete when opened, without "update fields".
"""

from __future__ import annotations

from .xml_text import escape, quoteattr

NS_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def text_run(
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    style: str | None = None,
    size_half_points: int | None = None,
    extra_props: str = "",
) -> str:
    props = ""
    if style:
        props += f"<w:rStyle w:val={quoteattr(style)}/>"
    if bold:
        props += "<w:b/><w:bCs/>"
    if italic:
        props += "<w:i/><w:iCs/>"
    props += extra_props  # already in schema order (b, bCs, i, iCs, color …)
    if size_half_points:
        props += f'<w:sz w:val="{size_half_points}"/><w:szCs w:val="{size_half_points}"/>'
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    lines = [
        "<w:tab/>".join(_texts(part) for part in line.split("\t")) for line in text.split("\n")
    ]
    return f"<w:r>{rpr}{'<w:br/>'.join(lines)}</w:r>"


def _texts(text: str) -> str:
    """``<w:t>`` runs of ``text``; a non-breaking hyphen (U+2011) is Word's own element."""
    return "<w:noBreakHyphen/>".join(
        f'<w:t xml:space="preserve">{escape(p)}</w:t>' if p else "" for p in text.split("\u2011")
    )


def field(instruction: str, cached: str, *, run_props: str = "") -> str:
    """A complex field (``PAGE``, ``SEQ Tabell``, ``REF x``) with its current result."""
    rpr = f"<w:rPr>{run_props}</w:rPr>" if run_props else ""
    return (
        f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r>{rpr}<w:instrText xml:space="preserve"> {escape(instruction)} </w:instrText></w:r>'
        f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>'
        f'<w:r>{rpr}<w:t xml:space="preserve">{escape(cached)}</w:t></w:r>'
        f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>'
    )


def paragraph(
    content: str,
    *,
    style: str | None = None,
    align: str | None = None,
    keep_next: bool = False,
    extra_ppr: str = "",
) -> str:
    props = ""
    if style:
        props += f"<w:pStyle w:val={quoteattr(style)}/>"
    if keep_next:
        props += "<w:keepNext/>"
    props += extra_ppr
    if align:
        props += f'<w:jc w:val="{align}"/>'
    ppr = f"<w:pPr>{props}</w:pPr>" if props else ""
    return f"<w:p>{ppr}{content}</w:p>"


def page_break() -> str:
    return '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'


def bookmark(name: str, content: str, number: int) -> str:
    """Wrap runs in a bookmark (for REF/PAGEREF fields and links)."""
    return (
        f'<w:bookmarkStart w:id="{number}" w:name={quoteattr(name)}/>{content}'
        f'<w:bookmarkEnd w:id="{number}"/>'
    )


def internal_link(anchor: str, content: str) -> str:
    return f'<w:hyperlink w:anchor={quoteattr(anchor)} w:history="1">{content}</w:hyperlink>'


TOC_NUMBER_SPACE = 567  # twips (1 cm) kept free for the page numbers of the table of contents


def toc_field(entries: list[tuple[int, str, str, str]], heading: str, depth: int) -> str:
    """The table of contents as Word's own TOC field, one paragraph per heading: (level,
    number, title, bookmark).

    The field's stored result holds every entry with a link to its heading and a PAGEREF
    field for its page; the DOCX writer fills in the page numbers from a layout of the finished
    document (``writers.docx``). Word can still update the field (F9), from the headings.
    """
    out = [paragraph(text_run(heading), style="TOCHeading")]
    begin = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> TOC \\o "1-{depth}" \\h \\z \\u </w:instrText>'
        '</w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    )
    end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    for index, (level, number, title, anchor) in enumerate(entries):
        text = f"{number}\t{title}" if number else title
        indent = 340 * (level - 1)
        number_tab = indent + 340 + 180 * level
        tabs = f'<w:tabs><w:tab w:val="left" w:pos="{number_tab}"/></w:tabs>' if number else ""
        # the right indent keeps a long title clear of the page number at the right tab stop
        hanging = (
            f'<w:ind w:left="{number_tab}" w:right="{TOC_NUMBER_SPACE}" '
            f'w:hanging="{number_tab - indent}"/>'
            if number
            else f'<w:ind w:left="{indent}" w:right="{TOC_NUMBER_SPACE}"/>'
        )
        link = internal_link(
            anchor, text_run(text) + "<w:r><w:tab/></w:r>" + field(f"PAGEREF {anchor} \\h", "")
        )
        content = (begin if index == 0 else "") + link
        content += end if index == len(entries) - 1 else ""
        out.append(paragraph(content, style=f"TOC{level}", extra_ppr=tabs + hanging))
    return "".join(out)

"""Write a DOCX: pandoc with the reference document, then finishing touches with python-docx.

Pandoc writes the body (styles from the reference DOCX). python-docx then fills the header and
footer placeholders (title, kommun, live page numbers), sets the document properties and page
settings. Finally the zip is rewritten with fixed timestamps and member order, so the same
sources always give the same bytes.
"""

from __future__ import annotations

import copy
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from ..document.pandoc_ast import Node
from ..document.table_docx import LANDSCAPE_MARKER
from ..text.swedish_format import DECIMAL, LIST_SEPARATOR
from .pandoc import ast_to_bytes

PLACEHOLDER = re.compile(r"\{([a-zåäö_]+)\}")
FIELD_PLACEHOLDERS = {"sida": "PAGE", "sidor": "NUMPAGES"}


@dataclass
class DocxSettings:
    reference_doc: Path
    title: str
    subject: str
    author: str
    placeholders: dict[str, str]
    timestamp: datetime
    first_page_plain: bool = True  # cover page without header and footer
    resource_dirs: list[Path] = field(default_factory=list)  # where relative images are
    keywords: str = ""
    # Word keeps the cached result of a field until it is updated; with this set, Word offers to
    # update the fields when the file is opened, so the table of contents gets its page numbers
    update_fields_on_open: bool = False
    decimal_symbol: str = DECIMAL  # for calculated fields, as a Swedish Word would have them
    list_separator: str = LIST_SEPARATOR


def write_docx(blocks: list[Node], settings: DocxSettings) -> bytes:
    ast = {
        "pandoc-api-version": [1, 23, 1, 1],
        "meta": {
            "lang": {"t": "MetaInlines", "c": [{"t": "Str", "c": "sv-SE"}]},
        },
        "blocks": blocks,
    }
    resources = os.pathsep.join(str(p) for p in settings.resource_dirs)
    raw = ast_to_bytes(
        ast, "docx", ["--reference-doc", str(settings.reference_doc), "--resource-path", resources]
    )
    finished = _finish(raw, settings)
    return normalize_zip(finished, settings.timestamp)


def _finish(data: bytes, settings: DocxSettings) -> bytes:
    doc = Document(io.BytesIO(data))
    _landscape_sections(doc)
    for section in doc.sections:
        if not settings.first_page_plain:
            section.different_first_page_header_footer = False
        for part in (
            section.header,
            section.footer,
            section.first_page_header,
            section.first_page_footer,
        ):
            if part.is_linked_to_previous:
                continue
            for paragraph in part.paragraphs:
                _fill_placeholders(paragraph, settings.placeholders)
            for table in part.tables:
                for row in table.rows:
                    for cell in row.cells:
                        for paragraph in cell.paragraphs:
                            _fill_placeholders(paragraph, settings.placeholders)
    _word_settings(doc, settings)
    props = doc.core_properties
    props.title = settings.title
    props.subject = settings.subject
    props.author = settings.author
    props.last_modified_by = settings.author
    props.language = "sv-SE"
    props.keywords = settings.keywords
    props.created = settings.timestamp
    props.modified = settings.timestamp
    props.revision = 1
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# elements of w:settings that must come after w:updateFields (ECMA-376, CT_Settings)
_AFTER_UPDATE_FIELDS = (
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr",
    "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType",
    "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator",
)  # fmt: skip


def _word_settings(doc, settings: DocxSettings) -> None:
    """Field updating on open and the Swedish decimal and list separators in settings.xml."""
    root = doc.settings.element
    for name, value in (
        ("decimalSymbol", settings.decimal_symbol),
        ("listSeparator", settings.list_separator),
    ):
        element = root.find(qn(f"w:{name}"))
        if element is None:
            element = OxmlElement(f"w:{name}")
            root.append(element)
        element.set(qn("w:val"), value)
    for old in root.findall(qn("w:updateFields")):
        root.remove(old)
    if not settings.update_fields_on_open:
        return
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    later = next((child for child in root if _local_name(child.tag) in _AFTER_UPDATE_FIELDS), None)
    if later is None:
        root.append(update)
    else:
        later.addprevious(update)


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _landscape_sections(doc) -> None:
    """Turn the marker paragraphs around wide tables into landscape sections.

    The portrait section before the table ends with a copy of the document's own section
    properties; the landscape section gets the page turned and keeps headers and footers (they
    carry over from the previous section) and the page numbering (it continues).
    """
    body = doc.element.body
    markers = [
        p
        for p in body.iter(qn("w:p"))
        if "".join(t.text or "" for t in p.iter(qn("w:t"))).startswith(LANDSCAPE_MARKER)
    ]
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


def _fill_placeholders(paragraph: Paragraph, values: dict[str, str]) -> None:
    text = "".join(run.text for run in paragraph.runs)
    if "{" not in text or not PLACEHOLDER.search(text):
        return
    template_run = paragraph.runs[0]._r if paragraph.runs else None
    rpr = template_run.rPr if template_run is not None else None
    for run in list(paragraph.runs):
        run._r.getparent().remove(run._r)
    position = 0
    for match in PLACEHOLDER.finditer(text):
        _append_text(paragraph, text[position : match.start()], rpr)
        key = match.group(1)
        if key in FIELD_PLACEHOLDERS:
            _append_field(paragraph, FIELD_PLACEHOLDERS[key], rpr)
        else:
            _append_text(paragraph, values.get(key, match.group(0)), rpr)
        position = match.end()
    _append_text(paragraph, text[position:], rpr)


def _copy_rpr(rpr):
    return copy.deepcopy(rpr) if rpr is not None else None


def _append_text(paragraph: Paragraph, text: str, rpr) -> None:
    if not text:
        return
    run = paragraph.add_run(text)
    if rpr is not None:
        run._r.insert(0, _copy_rpr(rpr))


def _append_field(paragraph: Paragraph, instruction: str, rpr) -> None:
    parts = [
        ("begin", None),
        ("instr", f" {instruction} "),
        ("separate", None),
        ("text", "1"),
        ("end", None),
    ]
    for kind, value in parts:
        run = OxmlElement("w:r")
        if rpr is not None:
            run.append(_copy_rpr(rpr))
        if kind in ("begin", "separate", "end"):
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run.append(char)
        elif kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = value
            run.append(instr)
        else:
            t = OxmlElement("w:t")
            t.text = value
            run.append(t)
        paragraph._p.append(run)


ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def normalize_zip(data: bytes, timestamp: datetime | None = None) -> bytes:
    """Rewrite an OOXML zip with sorted members and one fixed timestamp: same input, same bytes."""
    stamp = ZIP_EPOCH
    if timestamp is not None and timestamp.year >= 1980:
        stamp = (timestamp.year, timestamp.month, timestamp.day, 0, 0, 0)
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    first = [n for n in ("[Content_Types].xml", "_rels/.rels") if n in names]
    ordered = first + sorted(n for n in names if n not in first)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in ordered:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(name), compresslevel=6)
    return out.getvalue()

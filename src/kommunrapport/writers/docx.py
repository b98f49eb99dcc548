"""Write a DOCX: pandoc with the reference document, then finishing touches with python-docx.

Pandoc writes the body (styles from the reference DOCX). python-docx then fills the header and
footer placeholders (title, kommun, live page numbers), sets the document properties and page
settings. Finally the zip is rewritten with fixed timestamps and member order, so the same
sources always give the same bytes.
"""

from __future__ import annotations

import copy
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from ..document.docx_look import read_look
from ..document.pandoc_ast import Node
from ..document.typography_pass import join_nowrap_spans
from ..project.code_digest import toolkit_code_digest
from ..text.swedish_format import DECIMAL, LIST_SEPARATOR
from .docx_pagination import keep_together, picture_spacing
from .docx_sections import landscape_sections
from .docx_toc import fill_page_numbers, unlist_other_headings
from .libreoffice_layout import heading_pages
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
    # The document has a table of contents: its page numbers come from LibreOffice's layout
    # of the document where LibreOffice is installed; otherwise Word offers to update the
    # fields when the file is opened, so the table of contents gets its page numbers
    update_fields_on_open: bool = False
    # captions of tables (the symbol legend) kept on the landscape page of a wide table above
    kept_in_landscape: tuple[str, ...] = ()
    decimal_symbol: str = DECIMAL  # for calculated fields, as a Swedish Word would have them
    list_separator: str = LIST_SEPARATOR


@dataclass
class DocxDraft:
    """A written DOCX whose table of contents still lacks its page numbers: ``unpaged`` is the
    file without them (what LibreOffice lays out, made only when it must), ``paged`` the file
    with them. ``recipe`` names the unpaged file without making it: a layout cached under it
    needs no python-docx pass for a file nobody reads."""

    raw: bytes  # pandoc's DOCX
    settings: DocxSettings
    _unpaged: bytes | None = None

    @property
    def unpaged(self) -> bytes:
        if self._unpaged is None:
            self._unpaged = normalize_zip(
                _finish(self.raw, self.settings, None), self.settings.timestamp
            )
        return self._unpaged

    def recipe(self) -> str:
        """A hash of everything the unpaged file is made from: pandoc's DOCX, the settings
        (the folders pandoc looked for images in are already in its DOCX), the reference
        document's content and the toolkit's code. The same recipe, the same bytes."""
        digest = hashlib.sha256(b"kommunrapport-docx-draft\0")
        digest.update(hashlib.sha256(self.raw).digest())
        settings = {
            name: getattr(self.settings, name)
            for name in sorted(f.name for f in fields(self.settings))
            if name not in ("resource_dirs", "reference_doc")
        }
        digest.update(repr(settings).encode("utf-8"))
        digest.update(hashlib.sha256(self.settings.reference_doc.read_bytes()).digest())
        digest.update(toolkit_code_digest().encode())
        return digest.hexdigest()

    def paged(self, pages: list[tuple[str, int]] | None) -> bytes:
        if pages is None:
            return self.unpaged  # Word fills them in when it opens the file
        return normalize_zip(_finish(self.raw, self.settings, pages), self.settings.timestamp)


def write_docx(blocks: list[Node], settings: DocxSettings) -> bytes:
    """The finished DOCX; its table of contents, if any, gets its page numbers from
    LibreOffice's layout of this one document (a build lays out all of them in one run:
    ``draft_docx``, ``libreoffice_layout.PageLayouts``)."""
    draft = draft_docx(blocks, settings)
    if not settings.update_fields_on_open:
        return draft.unpaged
    return draft.paged(heading_pages(draft.unpaged, draft.recipe()))


def draft_docx(blocks: list[Node], settings: DocxSettings) -> DocxDraft:
    join_nowrap_spans(blocks)
    ast = {
        "pandoc-api-version": [1, 23, 1, 1],
        "meta": {
            "lang": {"t": "MetaInlines", "c": [{"t": "Str", "c": "sv-SE"}]},
        },
        "blocks": blocks,
    }
    raw = ast_to_bytes(
        ast,
        "docx",
        {"reference_doc": str(settings.reference_doc)},
        resources=list(settings.resource_dirs),
    )
    return DocxDraft(raw, settings)


def _finish(data: bytes, settings: DocxSettings, pages: list[tuple[str, int]] | None) -> bytes:
    doc = Document(io.BytesIO(data))
    update_fields = settings.update_fields_on_open
    unlist_other_headings(doc)
    if pages is not None and fill_page_numbers(doc, pages):
        update_fields = False
    section = doc.sections[0]
    width = (section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0)
    keep_together(doc, read_look(settings.reference_doc).body_text, int(width / 635))
    picture_spacing(doc)
    landscape_sections(doc, settings.kept_in_landscape)
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
    _word_settings(doc, settings, update_fields)
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


def _word_settings(doc, settings: DocxSettings, update_fields: bool) -> None:
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
    if not update_fields:
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

"""One document from its Markdown to a writer per format: pandoc's AST, numbered and made safe,
expanded for each target format, and handed to the DOCX, HTML and PDF (Typst) writers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from ..document.assemble import COVER_CLASS
from ..document.blocks import BlockRegistry, RenderContext
from ..document.docx_look import read_look
from ..document.expand import expand, number_captions
from ..document.ooxml import toc_field
from ..document.pandoc_ast import Node, raw_block
from ..document.structure import DocumentStructurer, TocEntry
from ..document.table_widths import TableKinds, document_tables
from ..document.typography_pass import typeset_document
from ..errors import KommunrapportError, Location
from ..project.config import DocumentSpec
from ..project.paths import builtin_templates_dir
from ..text.swedish_format import format_date
from ..writers.docx import DocxDraft, DocxSettings, draft_docx, write_docx
from ..writers.libreoffice_head_start import HeadStart
from ..writers.libreoffice_layout import PageLayouts
from .metadata import build_timestamp, cover_facts, page_metadata
from .package_context import PackageContext

Writer = Callable[[], bytes]


@dataclass(frozen=True)
class TwoStageWriter:
    """A writer in two stages: ``prepare`` (our Python and pandoc) gives the second stage,
    which a build runs in a lane of its own (the PDF: Typst compiles while pandoc is idle)."""

    prepare: Callable[[], Writer]

    def __call__(self) -> bytes:
        return self.prepare()()


TARGETS = {"docx": "docx", "html": "html", "pdf": "typst"}  # format → target of the blocks


def render_targets(formats: tuple[str, ...]) -> list[str]:
    """The targets the AST is expanded for: the PDF is set by Typst."""
    return [TARGETS[f] for f in formats]


def has_toc(doc: DocumentSpec) -> bool:
    """The document has a table of contents (a tjänsteskrivelse never has one)."""
    return bool(doc.toc) and doc.kind != "tjänsteskrivelse"


def numbering_depth(shared: PackageContext, doc: DocumentSpec) -> int:
    if doc.kind == "tjänsteskrivelse":
        return 0
    return (doc.numbering or shared.config.numbering).depth


class DocumentBuilder:
    """Turns one document's assembled Markdown into a writer (a callable giving the file's
    bytes) per target format; the caller decides when and where the writers run."""

    def __init__(
        self, shared: PackageContext, formats: tuple[str, ...], media_dir: Callable[[], Path]
    ):
        self.shared = shared
        self.formats = formats
        self.media_dir = media_dir
        # set while a whole build runs: its DOCX get their page numbers in one LibreOffice run
        self.page_layouts: PageLayouts | None = None
        self._drafts: dict[str, DocxDraft] = {}

    def start_page_layouts(self, head_start: HeadStart | None = None) -> None:
        """Lay out every DOCX with a table of contents in one LibreOffice run (started by the
        DOCX writers as they finish, or ahead by the build command: ``head_start``);
        ``paged_docx`` then gives each its page numbers."""
        wanted = [doc for doc in self.shared.config.documents if has_toc(doc)]
        if "docx" in self.formats and wanted:
            self.page_layouts = PageLayouts(len(wanted), head_start)
        elif head_start is not None:  # nothing to lay out, in this build or the next
            head_start.record_all_cached()
            head_start.close()

    def paged_docx(self, doc_id: str, docx: bytes) -> bytes:
        """The DOCX with the page numbers of its table of contents, when it has one."""
        draft = self._drafts.pop(doc_id, None)
        if draft is None or self.page_layouts is None:
            return docx
        return draft.paged(self.page_layouts.pages(doc_id))

    def stop_page_layouts(self) -> None:
        if self.page_layouts is not None:
            self.page_layouts.close()
        self.page_layouts = None
        self._drafts.clear()

    def writers(
        self, doc: DocumentSpec, registry: BlockRegistry, ast: dict[str, Any]
    ) -> dict[str, Writer]:
        """The writers of one document from pandoc's reading of its Markdown
        (``writers.pandoc.markdown_to_ast``, which the caller may run ahead in a thread)."""
        shared = self.shared
        title, _subtitle = shared.titles[doc.id]
        memo = doc.kind == "tjänsteskrivelse"
        depth = numbering_depth(shared, doc)
        structurer = DocumentStructurer(
            shared.package,
            shared.findings,
            depth,
            trusted_classes={"kr-block", "kr-pagebreak", COVER_CLASS, registry.ref_class},
        )
        blocks = structurer.flatten_sections(ast["blocks"])
        typeset_document(blocks, registry, shared.findings)
        structurer.number_headings(blocks)
        numbers = number_captions(blocks, registry)
        numbers.update(structurer.heading_references)
        toc_depth = depth if depth else 2
        cover = None if memo or not doc.cover else cover_facts(shared, doc)
        # Each format's blocks are expanded here (charts are drawn here, one at a time); the
        # writers, which mostly wait for their pandoc process, may then run side by side.
        writers: dict[str, Writer] = {}
        targets = render_targets(self.formats)
        for target in targets:
            ctx = RenderContext(
                target,
                shared.labels,
                shared.number_style,
                shared.text_widths[0],
                numbers=dict(numbers),
                extra={"landscape_width_twips": shared.text_widths[1]},
            )
            if target in ("docx", "typst"):  # the PDF's columns are measured like the DOCX's
                look = read_look(shared.reference_docx, builtin_templates_dir() / "reference.docx")
                ctx.extra["docx_look"] = look
                tables = document_tables(registry.blocks.values())
                ctx.extra["table_kinds"] = TableKinds(tables, look.cell_text)
            expanded = expand(blocks, registry, ctx, last_use=target == targets[-1])
            if target == "docx":
                writers["docx"] = partial(
                    self._docx, doc, expanded, structurer.toc, toc_depth, title, memo
                )
            elif target == "html":
                page = {
                    "title": title,
                    "toc": structurer.toc,
                    "show_toc": doc.toc and not memo,
                    "cover": cover,
                    "metadata": page_metadata(shared),
                    "labels": dict(shared.labels),
                    "shift_headings": not memo,
                }
                writers["html"] = partial(
                    self._html,
                    expanded,
                    page,
                    structurer.images,
                    toc_depth,
                    ctx.extra.get("media"),
                )
            elif target == "typst":
                writers["pdf"] = TwoStageWriter(
                    partial(
                        self._pdf,
                        doc,
                        expanded,
                        toc_depth,
                        title,
                        structurer.images,
                        ctx.extra.get("media") or {},
                    )
                )
        return writers

    def _placeholders(self, title: str) -> dict[str, str]:
        """The texts ``{titel}``, ``{kommun}`` … in running headers and footers stand for."""
        config = self.shared.config
        return {
            "titel": title,
            "kommun": config.municipality,
            "nämnd": config.committee,
            "diarienummer": config.case_number or "",
            "datum": format_date(config.report_date) if config.report_date else "",
        }

    # The HTML and PDF writers import their modules when they run, in their own thread: a
    # build imports only the writers of the formats it makes (the DOCX writer's module is
    # needed here already, for LibreOffice's page layouts).

    def _html(
        self,
        blocks: list[Node],
        page: dict[str, Any],
        images: Mapping[str, Path],
        toc_depth: int,
        media: dict[str, bytes] | None,
    ) -> bytes:
        from ..writers.html import HtmlPage, write_html

        return write_html(
            blocks, HtmlPage(**page), self.shared.package.templates, images, toc_depth, media=media
        )

    def _pdf(
        self,
        doc: DocumentSpec,
        blocks: list[Node],
        toc_depth: int,
        title: str,
        images: Mapping[str, Path],
        media: dict[str, bytes],
    ) -> Writer:
        """Pandoc's Typst now; the compile when the returned writer runs."""
        from ..writers.pdf import PdfResult, PdfSettings, prepare_pdf

        shared = self.shared
        config = shared.config
        memo = doc.kind == "tjänsteskrivelse"
        settings = PdfSettings(
            title=title,
            author=config.committee,
            subject=f"{config.committee}, {config.municipality}",
            timestamp=build_timestamp(config.stamp_date),
            template_dirs=shared.package.template_dirs,
            reference_docx=shared.reference_docx,
            placeholders=self._placeholders(title),
            keywords=[config.case_number] if config.case_number else [],
            cover=bool(doc.cover and not memo),
            toc=(shared.labels["innehallsforteckning"], toc_depth)
            if doc.toc and not memo
            else None,
        )
        prepared = self._naming(doc, partial(prepare_pdf, blocks, settings, images, media))

        def compile_pdf() -> bytes:
            result: PdfResult = self._naming(doc, prepared.compile)
            where = Location(shared.package.display(shared.reference_docx))
            for warning in result.warnings:  # the same for every document: reported once
                shared.findings.warn(
                    "pdf",
                    warning,
                    where,
                    "Lägg typsnittsfilerna i templates/fonts/ eller välj ett annat typsnitt i "
                    "referensdokumentet.",
                )
            return result.pdf

        return compile_pdf

    def _naming(self, doc: DocumentSpec, step: Callable[[], Any]) -> Any:
        """``step()``; an error without a place (Typst's) names the document."""
        try:
            return step()
        except KommunrapportError as error:
            if error.location.file:
                raise
            index = self.shared.config.documents.index(doc)
            where = self.shared.package.config_location("dokument", index, "id")
            raise KommunrapportError(f"{doc.id}.pdf: {error.message}", where, error.hint) from None

    def _docx(
        self,
        doc: DocumentSpec,
        blocks: list[Node],
        toc: list[TocEntry],
        toc_depth: int,
        title: str,
        memo: bool,
    ) -> bytes:
        shared = self.shared
        config = shared.config
        if doc.toc and not memo:
            entries = [
                (e.level, e.number or "", e.title, e.anchor) for e in toc if e.level <= toc_depth
            ]
            toc_xml = toc_field(entries, shared.labels["innehallsforteckning"], toc_depth)
            toc_block = [
                raw_block("openxml", toc_xml),
                raw_block("openxml", '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'),
            ]
            insert_at = _after_cover(blocks)
            blocks = blocks[:insert_at] + toc_block + blocks[insert_at:]
        settings = DocxSettings(
            reference_doc=shared.reference_docx,
            title=title,
            subject=f"{config.committee}, {config.municipality}",
            author=config.committee,
            placeholders=self._placeholders(title),
            timestamp=build_timestamp(config.stamp_date),
            first_page_plain=not memo,
            keywords=config.case_number or "",
            update_fields_on_open=has_toc(doc),
            kept_in_landscape=(shared.labels["forklaring_symboler"],),
            # the build's charts (under blocks.MEDIA_FOLDER, where no package image may lie)
            resource_dirs=[self.media_dir(), shared.package.dir.resolve()],
        )
        layouts = self.page_layouts
        if layouts is None or not settings.update_fields_on_open:
            return write_docx(blocks, settings)
        draft = draft_docx(blocks, settings)
        layouts.add(doc.id, lambda: draft.unpaged, draft.recipe())
        known, pages = layouts.answered(doc.id)
        if known:  # laid out before (or never): finished here, beside the other writers
            return draft.paged(pages)
        self._drafts[doc.id] = draft
        return b""  # the file is made by paged_docx, once LibreOffice has laid it out


def _after_cover(blocks: list[Node]) -> int:
    """Index just after the cover's closing page break (0 if there is no cover)."""
    for index, node in enumerate(blocks):
        if node.get("t") == "RawBlock" and 'w:type="page"' in node["c"][1]:
            return index + 1
        if node.get("t") == "Header":
            return 0
    return 0

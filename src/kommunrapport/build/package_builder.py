"""Build the documents of one package in memory, every requested format.

The stages, each in its own module (see ARCHITECTURE.md):

    PackageContext   report.yaml, labels, templates, data, follow-up: once per package
    DocumentSource   one document's sections through Jinja → one Markdown text
    DocumentBuilder  pandoc AST → numbered, safe structure → a writer per format
    package_checks   package-wide checks (literal amounts in the text)
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ..document.blocks import BlockRegistry
from ..document.charts import ChartBlock
from ..errors import Findings
from ..project.config import DocumentSpec
from ..project.package import Package
from ..text.markdown_text import PROVENANCE_IN_MARKDOWN
from ..writers.libreoffice_head_start import HeadStart
from ..writers.pandoc import markdown_to_ast
from ..writers.pandoc_engine import POOL
from ..writers.typst_process import SERVER as TYPST
from .document_builder import DocumentBuilder, TwoStageWriter
from .document_source import DocumentSource
from .outputs import DocumentResult
from .package_checks import PACKAGE_CHECKS
from .package_context import PackageContext
from .scheduler import Share, available_cores

Progress = Callable[[str], None]
READ_AHEAD = 1  # documents assembled and read before the first waiting one is written
# Typst compiles at a time, at most (and never more than the package's share of the cores).
# Measured for Kalmar, all formats with a warm cache: 192 MiB for the whole process tree with
# one lane, 244 MiB with two (pandoc's engine never runs beside them: without_engine); a third
# worker would bring it near the 300 MiB a build may use, on two cores for no gain.
PDF_LANES = 2


class PackageBuilder:
    """Produces the documents of one package in memory (nothing is written here)."""

    def __init__(
        self,
        package: Package,
        formats: tuple[str, ...],
        progress: Progress | None = None,
        share: Share | None = None,
        head_start: HeadStart | None = None,
    ):
        self.package = package
        self.head_start = head_start  # LibreOffice, started ahead by the build command
        self.config = package.config
        self.formats = formats
        self.progress = progress or (lambda _msg: None)
        self.share = share or Share(writers=available_cores())
        self.shared = PackageContext(package)
        self.findings: Findings = self.shared.findings
        self.source = DocumentSource(self.shared, self.media_dir)
        self.renderer = DocumentBuilder(self.shared, formats, self.media_dir)
        self._media_dir: Path | None = None

    def media_dir(self) -> Path:
        """A scratch folder for generated images that pandoc embeds in the DOCX."""
        if self._media_dir is None:
            self._media_dir = Path(tempfile.mkdtemp(prefix="kommunrapport-media-"))
        return self._media_dir

    def _assemble(self, index: int, doc: DocumentSpec) -> tuple[DocumentResult, BlockRegistry, str]:
        title, _subtitle = self.shared.titles[doc.id]
        self.progress(f"  {doc.id}: {title}")
        with self.findings.in_document(index):
            registry, markdown = self.source.assemble(index, doc)
        return DocumentResult(doc.id, title), registry, markdown

    def build_document(self, index: int, doc: DocumentSpec) -> DocumentResult:
        """One document, its writers run at once (``check`` uses this one by one)."""
        result, registry, markdown = self._assemble(index, doc)
        writers = self.renderer.writers(
            doc, registry, markdown_to_ast(markdown, (registry.token, PROVENANCE_IN_MARKDOWN))
        )
        with ThreadPoolExecutor(max_workers=max(1, len(writers))) as pool:
            futures = {fmt: pool.submit(write) for fmt, write in writers.items()}
        self._collect(result, futures)
        return result

    @staticmethod
    def _collect(result: DocumentResult, futures: dict[str, Future[bytes]]) -> None:
        """A document's written files, once its writers are done."""
        for fmt, future in futures.items():
            result.files[fmt] = future.result()

    def build(self) -> list[DocumentResult]:
        """Every document of the package, as a pipeline in one pool of ``share.writers``
        threads (each waits on pandoc, which runs as one long-lived process): a document's
        Markdown is assembled and handed to pandoc to read; while pandoc reads it, the next
        one is assembled here, and then the first one's AST is structured and expanded and its
        writers start, so pandoc has work from the start to the end. A PDF's Typst source is
        made there too; Typst compiles in lanes of their own (``PDF_LANES``, at most the
        package's share of the cores), only while pandoc has nothing to do
        (``EnginePool.without_engine``): a compile must not hold a thread that the reading and
        the other writers need meanwhile. A document whose charts are still to be drawn
        waits while another one is read and ready (``_next_to_write``). The results, and the
        findings, are in document order all the same."""
        pending: list[tuple[int, DocumentResult, dict[str, Future[bytes]]]] = []
        self.renderer.start_page_layouts(self.head_start)
        try:
            with (
                POOL.session(),
                TYPST.session(),
                ThreadPoolExecutor(max_workers=self.share.writers) as pool,
                ThreadPoolExecutor(max_workers=min(PDF_LANES, self.share.writers)) as pdf_lane,
            ):
                read: list[tuple[int, DocumentSpec, DocumentResult, BlockRegistry, Future[Any]]]
                read = []

                def write_next() -> None:
                    index, doc, result, registry, ast = read.pop(_next_to_write(read))
                    with self.findings.in_document(index):
                        writers = self.renderer.writers(doc, registry, ast.result())
                    futures: dict[str, Future[bytes]] = {}
                    for fmt, writer in writers.items():
                        if isinstance(writer, TwoStageWriter):
                            first = pool.submit(writer.prepare)
                            futures[fmt] = pdf_lane.submit(_second_stage, first)
                        else:
                            futures[fmt] = pool.submit(writer)
                    pending.append((index, result, futures))

                for index, doc in enumerate(self.config.documents):
                    result, registry, markdown = self._assemble(index, doc)
                    reading = pool.submit(
                        markdown_to_ast, markdown, (registry.token, PROVENANCE_IN_MARKDOWN)
                    )
                    read.append((index, doc, result, registry, reading))
                    if len(read) > READ_AHEAD:
                        write_next()
                while read:
                    write_next()
                pending.sort(key=lambda item: item[0])
                for _index, result, futures in pending:
                    self._collect(result, futures)
            results = {result.doc_id: result for _index, result, _futures in pending}
            layouts = self.renderer.page_layouts
            for doc_id in layouts.in_order(list(results)) if layouts else results:
                files = results[doc_id].files  # finished as LibreOffice lays them out
                if "docx" in files:
                    files["docx"] = self.renderer.paged_docx(doc_id, files["docx"])
        finally:
            self.renderer.stop_page_layouts()
            if self._media_dir is not None:
                shutil.rmtree(self._media_dir, ignore_errors=True)
                self._media_dir = None
        with self.findings.in_document(len(self.config.documents)):
            for check in PACKAGE_CHECKS:
                check(self.shared)
        self.findings.in_report_order()
        return [result for _index, result, _futures in pending]


def _next_to_write(read: list[tuple[Any, Any, Any, BlockRegistry, Any]]) -> int:
    """Which of the documents read ahead to write next: the first, unless its charts are
    still to be drawn (a first build) and another one's are not. Drawing takes a while (Kalmar's
    two charts: 1.2 s with importing matplotlib), and meanwhile the second stage, LibreOffice
    laying out a DOCX for its page numbers or Typst compiling a PDF, has the other document to
    work on instead of waiting. Kalmar's first build, DOCX + HTML: 1.0–1.5 s less in three
    paired runs."""
    for position, (*_head, registry, _ast) in enumerate(read):
        if not any(isinstance(b, ChartBlock) and not b.drawn() for b in registry.blocks.values()):
            return position
    return 0


def _second_stage(first: Future[Callable[[], bytes]]) -> bytes:
    """A two-stage writer's second stage, once its first is done."""
    return first.result()()

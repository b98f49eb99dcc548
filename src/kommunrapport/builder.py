"""Build one report package: every document, every requested format, written atomically.

The stages, each in its own module:

    report.yaml  → config (validated)            package.py, config.py
    *.md         → sections (Jinja, sandboxed)    outline.py, templating.py
                 → one Markdown text → pandoc AST assemble.py, pandoc_runner.py
                 → structure (numbers, ids, safe) structure.py
                 → per format (blocks expanded)   expand.py
                 → DOCX / HTML                    docx_writer.py, html_writer.py

Nothing is written until every document of the package has been produced; then the files are
moved into place one by one with ``os.replace``. A failing build leaves earlier outputs intact.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property, partial
from pathlib import Path
from typing import Any

from docx import Document
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .assemble import COVER_CLASS, assemble_markdown
from .blocks import BlockRegistry, RenderContext
from .build_cache import record_build, reuse_outputs, source_key
from .config import DocumentSpec
from .context import document_facts, metadata_context
from .data_context import DataContext
from .docx_writer import DocxSettings, write_docx
from .equality_checks import run_equality_checks
from .errors import Findings, KommunrapportError, strict_failure
from .expand import expand, number_captions
from .follow_up import FollowUp
from .formats import FORMATS
from .html_writer import HtmlPage, write_html
from .labels import Labels, load_labels
from .literal_amounts import check_literals, find_literals
from .memo import MemoHead, Signatures
from .ooxml import toc_entries
from .outline import RenderedSection, SectionRenderer, document_outline
from .package import Package, load_package
from .pandoc_ast import Node, raw_block
from .pandoc_runner import markdown_to_ast
from .pdf_writer import PdfSettings, write_pdfs_parallel
from .placeholders import PlaceholderCheck
from .status_scales import load_scales
from .structure import DocumentStructurer, TocEntry
from .swedish_format import NumberStyle, format_date
from .template_filters import make_filters
from .templating import make_environment, render_string, render_template

Progress = Callable[[str], None]


def build_timestamp(config_date: Any) -> datetime:
    """``SOURCE_DATE_EPOCH`` if set, else the report's date: never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).replace(tzinfo=None)
    return datetime(config_date.year, config_date.month, config_date.day)


def reference_text_widths(reference_docx: Path) -> tuple[int, int]:
    """Text width in twips of the reference document's page, upright and turned."""
    section = Document(str(reference_docx)).sections[0]
    upright = section.page_width - section.left_margin - section.right_margin
    turned = section.page_height - section.left_margin - section.right_margin
    return int(upright / 635), int(turned / 635)  # EMU → twips


@dataclass
class DocumentResult:
    doc_id: str
    title: str
    files: dict[str, bytes] = field(default_factory=dict)  # format → content


@dataclass
class PackageResult:
    package_id: str
    written: list[Path] = field(default_factory=list)
    findings: Findings = field(default_factory=Findings)
    unchanged: list[Path] = field(default_factory=list)  # kept: the sources did not change


class PackageBuilder:
    """Produces the documents of one package in memory."""

    def __init__(
        self, package: Package, formats: tuple[str, ...], progress: Progress | None = None
    ):
        self.package = package
        self.config = package.config
        self.formats = formats
        self.progress = progress or (lambda _msg: None)
        self.findings = Findings()
        self._media_dir: Path | None = None
        self._pdf_jobs: list[tuple[DocumentResult, int, bytes, PdfSettings]] = []
        self._writer_pool: ThreadPoolExecutor | None = None
        self._pending: list[tuple[DocumentResult, int, dict[str, Future[bytes]]]] = []

        self.labels: Labels = load_labels(package.template_dirs, self.config.language)
        self.number_style = NumberStyle(minus=self.config.number_format.minus)
        self.env: ImmutableSandboxedEnvironment = make_environment(
            [package.dir, *package.template_dirs],
            package.display,
            filters=make_filters(self.number_style, self.labels),
        )
        self.base_context = metadata_context(self.config)
        self._render_variables()
        self.base_context["etikett"] = dict(self.labels)
        # Status scales first: table views may print a column through a scale (skala:).
        self.scales = load_scales(
            self.config.scales, package.config_source, package.config_display, self.findings
        )
        self.data = DataContext(
            package,
            self.findings,
            self.number_style,
            lambda text, where: render_string(self.env, text, self.base_context, where),
            self.scales,
        )
        self.base_context.update(self.data.template_names())
        self.base_context.update(self.extra_context())
        run_equality_checks(
            self.config.checks.equalities,
            self.env,
            self.base_context,
            self.findings,
            lambda index: package.config_location("kontroller", "lika", index),
        )

    def _render_variables(self) -> None:
        """``variabler:`` may use other metadata, e.g. ``Verksamhetsplan {{ år }}``."""
        for key, value in self.config.extra.items():
            if isinstance(value, str):
                location = self.package.config_location("variabler", key)
                self.base_context[key] = render_string(self.env, value, self.base_context, location)

    def extra_context(self) -> dict[str, Any]:
        """Names contributed by later stages: goal follow-up and intern kontroll."""
        self.follow_up = FollowUp.load(self.package, self.data.reader, self.findings, self.scales)
        return self.follow_up.template_names()

    # -- shared facts ---------------------------------------------------------------------
    @cached_property
    def reference_docx(self) -> Path:
        path = self.package.find_template("reference.docx")
        if path is None:
            raise KommunrapportError("hittar inget referensdokument (templates/reference.docx)")
        return path

    @cached_property
    def text_widths(self) -> tuple[int, int]:
        return reference_text_widths(self.reference_docx)

    @cached_property
    def titles(self) -> dict[str, tuple[str, str | None]]:
        out: dict[str, tuple[str, str | None]] = {}
        for index, doc in enumerate(self.config.documents):
            location = self.package.config_location("dokument", index, "titel")
            title = render_string(self.env, doc.title, self.base_context, location)
            subtitle = (
                render_string(self.env, doc.subtitle, self.base_context, location)
                if doc.subtitle
                else None
            )
            out[doc.id] = (title, subtitle)
        return out

    def document_list(self) -> list[dict[str, Any]]:
        return [{**document_facts(d, *self.titles[d.id])} for d in self.config.documents]

    def appendices(self) -> list[dict[str, Any]]:
        docs = [d for d in self.document_list() if d["bilaga"]]
        return sorted(docs, key=lambda d: d["bilaga"])

    # -- one document ---------------------------------------------------------------------
    def document_context(self, doc: DocumentSpec, registry: BlockRegistry) -> dict[str, Any]:
        title, subtitle = self.titles[doc.id]
        context = dict(self.base_context)
        context["dokument"] = document_facts(doc, title, subtitle)
        context["dokumentlista"] = self.document_list()
        context["bilagor"] = self.appendices()
        context["ref"] = registry.reference
        context["sidbrytning"] = lambda: "\n\n::: {.kr-pagebreak}\n:::\n\n"
        decision = self.config.decision
        if decision is not None:
            location = self.package.config_location("förslag_till_beslut")
            context["förslag_till_beslut"] = {
                "inledning": render_string(self.env, decision.lead_in, context, location)
                if decision.lead_in
                else None,
                "beslutspunkter": [
                    render_string(self.env, p, context, location) for p in decision.points
                ],
                "numrerade": decision.numbered,
            }
        context.update(self.document_helpers(doc, registry, context))
        return context

    def document_helpers(
        self, doc: DocumentSpec, registry: BlockRegistry, context: dict[str, Any]
    ) -> dict[str, Any]:
        recipient = self.config.recipient or self.config.committee
        follow_up = self.follow_up.helper_object(
            registry, self.env, context, self.labels, self.number_style, lambda: self.media_dir
        )

        def tabell(name: str, **overrides: Any) -> str:
            block = self.data.table_block(name, self.env, context, self.labels, overrides)
            for scale in self.data.view_scales(name):  # status columns fill the legend
                follow_up.use_scale(scale)
            return registry.placeholder(block)

        def diagram(name: str) -> str:
            return registry.placeholder(
                self.data.chart_block(name, self.env, context, self.media_dir)
            )

        return {
            **follow_up.functions(),
            "tabell": tabell,
            "diagram": diagram,
            "memohuvud": lambda: registry.placeholder(MemoHead(self.config, recipient)),
            "underskrifter_block": lambda: registry.placeholder(
                Signatures(self.config.signatories, self.config.signature_heading)
            ),
        }

    def numbering_depth(self, doc: DocumentSpec) -> int:
        if doc.kind == "tjänsteskrivelse":
            return 0
        return (doc.numbering or self.config.numbering).depth

    def cover_rows(self, doc: DocumentSpec) -> list[tuple[str, str]]:
        rows: list[tuple[str, str]] = []
        if self.config.period:
            rows.append((self.labels["avser_period"], self.config.period.label))
        if self.config.case_number:
            rows.append((self.labels["diarienummer"], self.config.case_number))
        if self.config.report_date:
            rows.append((self.labels["datum"], format_date(self.config.report_date)))
        if self.config.deciding_body:
            decided = ", ".join(
                x
                for x in (
                    format_date(self.config.decision_date) if self.config.decision_date else None,
                    f"§ {self.config.decision_paragraph}"
                    if self.config.decision_paragraph
                    else None,
                )
                if x
            )
            rows.append(
                (self.labels["beslut_i"].format(instans=self.config.deciding_body), decided)
            )
        for index, line in enumerate(self.config.cover_lines):
            location = self.package.config_location("omslagsrader", index)
            rows.append(
                (
                    render_string(self.env, line.label, self.base_context, location),
                    render_string(self.env, line.value, self.base_context, location),
                )
            )
        return rows

    @cached_property
    def placeholder_check(self) -> PlaceholderCheck:
        """Template leftovers ("Myndighet/nämnd/namn", "XX"); report.yaml is checked once."""
        check = PlaceholderCheck.for_package(self.package)
        check.check_config(self.findings)
        return check

    def render_sections(
        self, index: int, doc: DocumentSpec, context: dict[str, Any]
    ) -> list[RenderedSection]:
        """The document's outline with each section's Markdown rendered through Jinja."""
        renderer = SectionRenderer(
            self.package, self.env, context, ("dokument", index, "disposition")
        )
        memo = doc.kind == "tjänsteskrivelse"
        sections = renderer.render(
            document_outline(self.package, doc, index), base_level=2 if memo else 1
        )
        self.placeholder_check.check_sections(sections, self.findings)
        return sections

    def assemble_document(self, index: int, doc: DocumentSpec) -> tuple[BlockRegistry, str]:
        """The document as one Markdown text for pandoc, and the blocks its placeholders
        stand for. Public so that bench/ can hand plain pandoc the very same text."""
        registry = BlockRegistry()
        context = self.document_context(doc, registry)
        memo = doc.kind == "tjänsteskrivelse"
        sections = self.render_sections(index, doc, context)
        prelude, epilogue = self._frame(doc, context, memo)
        return registry, assemble_markdown(sections, prelude, epilogue)

    def build_document(self, index: int, doc: DocumentSpec) -> DocumentResult:
        title, subtitle = self.titles[doc.id]
        self.progress(f"  {doc.id}: {title}")
        memo = doc.kind == "tjänsteskrivelse"
        registry, markdown = self.assemble_document(index, doc)
        ast = markdown_to_ast(markdown)

        depth = self.numbering_depth(doc)
        structurer = DocumentStructurer(
            self.package,
            self.findings,
            depth,
            trusted_classes={"kr-block", "kr-pagebreak", COVER_CLASS, registry.ref_class},
        )
        blocks = structurer.flatten_sections(ast["blocks"])
        structurer.number_headings(blocks)
        numbers = number_captions(blocks, registry)
        numbers.update(structurer.heading_references)
        toc_depth = depth if depth else 2
        result = DocumentResult(doc.id, title)
        cover = None if memo or not doc.cover else self.cover_facts(doc, title, subtitle)
        # Each format's blocks are expanded here (charts are drawn here, one at a time); the
        # writers, which mostly wait for their pandoc process, then run side by side.
        writers: dict[str, Callable[[], bytes]] = {}
        for target in render_targets(self.formats):
            ctx = RenderContext(
                target,
                self.labels,
                self.number_style,
                self.text_widths[0],
                numbers=dict(numbers),
                extra={"landscape_width_twips": self.text_widths[1]},
            )
            expanded = expand(blocks, registry, ctx)
            if target == "docx":
                writers["docx"] = partial(
                    self._docx, doc, expanded, structurer.toc, toc_depth, title, memo
                )
            elif target == "html":
                page = HtmlPage(
                    title=title,
                    toc=structurer.toc,
                    show_toc=doc.toc and not memo,
                    cover=cover,
                    metadata=self.page_metadata(),
                    labels=dict(self.labels),
                    shift_headings=not memo,
                )
                writers["html"] = partial(
                    write_html,
                    expanded,
                    page,
                    self.package.template_dirs,
                    structurer.images,
                    toc_depth,
                    media=ctx.extra.get("media"),
                )
        if self._writer_pool is not None:  # inside build(): finish while the next one starts
            futures = {fmt: self._writer_pool.submit(write) for fmt, write in writers.items()}
            self._pending.append((result, index, futures))
            return result
        with ThreadPoolExecutor(max_workers=max(1, len(writers))) as pool:
            futures = {fmt: pool.submit(write) for fmt, write in writers.items()}
        self._collect(result, index, futures)
        return result

    def _collect(
        self, result: DocumentResult, index: int, futures: dict[str, Future[bytes]]
    ) -> None:
        """A document's written files, once its writers are done; then its PDF job."""
        for fmt, future in futures.items():
            result.files[fmt] = future.result()
        if "pdf" in self.formats:
            self._pdf(result, index)

    def cover_facts(self, doc: DocumentSpec, title: str, subtitle: str | None) -> dict[str, Any]:
        bilaga = f"{self.labels['bilaga']} {doc.appendix}" if doc.appendix else None
        return {
            "kommun": self.config.municipality,
            "nämnd": self.config.committee,
            "bilaga": bilaga,
            "titel": title,
            "undertitel": subtitle,
            "rader": self.cover_rows(doc),
        }

    def page_metadata(self) -> dict[str, Any]:
        return {
            "kommun": self.config.municipality,
            "nämnd": self.config.committee,
            "diarienummer": self.config.case_number,
            "datum": format_date(self.config.report_date) if self.config.report_date else None,
        }

    def _frame(self, doc: DocumentSpec, context: dict[str, Any], memo: bool) -> tuple[str, str]:
        """The Markdown around the outline: the memo's head and ending, or a report's cover."""
        if memo:
            before = self._render_frame("dokument/tjansteskrivelse/inledning.md.j2", context)
            after = self._render_frame("dokument/tjansteskrivelse/avslutning.md.j2", context)
            return before, after
        if not doc.cover:
            return "", ""
        title, subtitle = self.titles[doc.id]
        cover_context = {**context, "omslag": self.cover_facts(doc, title, subtitle)}
        cover = self._render_frame("dokument/rapport/omslag.md.j2", cover_context)
        return f"\n\n::: {{.{COVER_CLASS}}}\n{cover}\n:::\n\n", ""

    def _render_frame(self, name: str, context: dict[str, Any]) -> str:
        return render_template(self.env, name, context, name)

    def _docx(
        self,
        doc: DocumentSpec,
        blocks: list[Node],
        toc: list[TocEntry],
        toc_depth: int,
        title: str,
        memo: bool,
    ) -> bytes:
        if doc.toc and not memo:
            entries = [
                (e.level, e.number or "", e.title, e.anchor) for e in toc if e.level <= toc_depth
            ]
            toc_xml = toc_entries(entries, self.labels["innehallsforteckning"])
            toc_block = [
                raw_block("openxml", toc_xml),
                raw_block("openxml", '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'),
            ]
            insert_at = _after_cover(blocks)
            blocks = blocks[:insert_at] + toc_block + blocks[insert_at:]
        settings = DocxSettings(
            reference_doc=self.reference_docx,
            title=title,
            subject=f"{self.config.committee}, {self.config.municipality}",
            author=self.config.committee,
            placeholders={
                "titel": title,
                "kommun": self.config.municipality,
                "nämnd": self.config.committee,
                "diarienummer": self.config.case_number or "",
                "datum": format_date(self.config.report_date) if self.config.report_date else "",
            },
            timestamp=build_timestamp(self.config.stamp_date),
            first_page_plain=not memo,
            keywords=self.config.case_number or "",
            update_fields_on_open=bool(doc.toc and not memo),
            resource_dirs=[self.package.dir.resolve(), self.media_dir],
        )
        return write_docx(blocks, settings)

    def _pdf(self, result: DocumentResult, index: int) -> None:
        """The PDFs, printed from the HTML page (kept only if HTML was asked for too)."""
        html = result.files["html"] if "html" in self.formats else result.files.pop("html")
        settings = PdfSettings(
            title=result.title,
            municipality=self.config.municipality,
            author=self.config.committee,
            subject=f"{self.config.committee}, {self.config.municipality}",
            timestamp=build_timestamp(self.config.stamp_date),
            page_label=self.labels["sida_av"],
            template_dirs=self.package.template_dirs,
            keywords=[self.config.case_number] if self.config.case_number else [],
        )
        self._pdf_jobs.append((result, index, html, settings))

    def _write_pdfs(self) -> None:
        """The documents' PDFs, laid out in parallel (one process per core)."""
        jobs, self._pdf_jobs = self._pdf_jobs, []
        outcomes = write_pdfs_parallel([(html, settings) for _r, _i, html, settings in jobs])
        for (result, index, _html, _settings), (files, problems) in zip(
            jobs, outcomes, strict=True
        ):
            result.files.update(files)
            for problem in problems:
                self.findings.warn(
                    "pdf",
                    f"WeasyPrint rapporterade ett problem i PDF:en för {result.doc_id}: {problem}",
                    self.package.config_location("dokument", index),
                    "Kontrollera bilderna och mallarna i dokumentet.",
                )

    @property
    def media_dir(self) -> Path:
        """A scratch folder for generated images that pandoc embeds in the DOCX."""
        if self._media_dir is None:
            self._media_dir = Path(tempfile.mkdtemp(prefix="kommunrapport-media-"))
        return self._media_dir

    def build(self) -> list[DocumentResult]:
        """Every document of the package. A document's writers (each waiting on its pandoc
        process) run in threads while the next document is rendered, so the machine's cores
        share the work; the results are collected in document order."""
        try:
            with ThreadPoolExecutor(max_workers=2) as pool:
                self._writer_pool = pool
                try:
                    results = [
                        self.build_document(i, d) for i, d in enumerate(self.config.documents)
                    ]
                    for result, index, futures in self._pending:
                        self._collect(result, index, futures)
                finally:
                    self._writer_pool = None
                    self._pending = []
            self._write_pdfs()
        finally:
            if self._media_dir is not None:
                shutil.rmtree(self._media_dir, ignore_errors=True)
                self._media_dir = None
        self.check_literal_amounts()
        return results

    def check_literal_amounts(self) -> None:
        """Amounts typed in any Markdown file of the package, checked against the data."""
        checks = self.config.checks
        if not (checks.literal_amounts or checks.literal_percent):
            return
        allowed = set(checks.allowed_literals)
        literals = []
        for path in sorted(self.package.dir.rglob("*.md")):
            relative = path.relative_to(self.package.dir)
            if relative.parts[0] in ("templates", "output") or path.name == "README.md":
                continue
            text = path.read_text(encoding="utf-8")
            literals += find_literals(text, self.package.display(path), allowed)
        if not checks.literal_amounts:
            literals = [lit for lit in literals if lit.unit == "%"]
        check_literals(
            literals,
            self.data.known_amounts_kr,
            self.data.known_numbers,
            self.findings,
            checks.literal_percent,
        )


def render_targets(formats: tuple[str, ...]) -> list[str]:
    """The formats rendered from the AST: the PDF is printed from the HTML page."""
    targets = [f for f in formats if f != "pdf"]
    if "pdf" in formats and "html" not in targets:
        targets.append("html")
    return targets


def output_name(doc_id: str, key: str) -> str:
    """File name of one output: ``docx`` → ``<doc-id>.docx``, ``pdf-arkiv`` →
    ``<doc-id>-arkiv.pdf``."""
    fmt, _, variant = key.partition("-")
    return f"{doc_id}-{variant}.{fmt}" if variant else f"{doc_id}.{fmt}"


def _after_cover(blocks: list[Node]) -> int:
    """Index just after the cover's closing page break (0 if there is no cover)."""
    for index, node in enumerate(blocks):
        if node.get("t") == "RawBlock" and 'w:type="page"' in node["c"][1]:
            return index + 1
        if node.get("t") == "Header":
            return 0
    return 0


def write_outputs(
    results: list[DocumentResult], destination: Path, formats: tuple[str, ...]
) -> list[Path]:
    """Stage every file, then move each into place; remove outputs of vanished documents."""
    destination.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=destination.parent))
    written: list[Path] = []
    try:
        planned: list[tuple[Path, Path]] = []
        for result in results:
            for fmt, content in result.files.items():
                staged = staging / output_name(result.doc_id, fmt)
                staged.write_bytes(content)
                planned.append((staged, destination / staged.name))
        for staged, final in planned:
            os.replace(staged, final)
            written.append(final)
        produced = {p.name for p in written}
        for old in destination.iterdir():
            if old.suffix.lstrip(".") in formats and old.name not in produced:
                old.unlink()
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written


def build_package(
    package_dir: Path,
    output_root: Path,
    formats: tuple[str, ...] = FORMATS,
    progress: Progress | None = None,
    strict: bool = False,
    use_cache: bool = True,
) -> PackageResult:
    """Build every document of a package; with ``strict`` a warning stops the build before
    anything is written. If the sources are unchanged since the last build into the same
    folder (``build_cache``), nothing is rebuilt and that build's warnings are repeated."""
    package = load_package(package_dir)
    destination = output_root / package.id
    key = source_key(package, formats)
    cached = reuse_outputs(destination, key) if use_cache else None
    if cached is not None:
        _refuse_warnings(cached.findings, strict)
        return PackageResult(package.id, [], cached.findings, unchanged=cached.files)
    builder = PackageBuilder(package, formats, progress)
    results = builder.build()
    _refuse_warnings(builder.findings, strict)
    written = write_outputs(results, destination, formats)
    record_build(destination, key, written, builder.findings)
    return PackageResult(package.id, written, builder.findings)


def _refuse_warnings(findings: Findings, strict: bool) -> None:
    failure = strict_failure(findings) if strict else None
    if failure is not None:
        raise failure

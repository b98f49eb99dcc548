"""One document as Markdown for pandoc: the template names it sees, its sections rendered
through Jinja, and the frame around them (the memo's head and ending, or a report's cover)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..document.assemble import COVER_CLASS, assemble_markdown
from ..document.blocks import BlockRegistry
from ..document.memo import MemoHead, Signatures
from ..project.config import DocumentSpec
from ..text.context import document_facts
from ..text.markdown_limits import check_document_size, check_lines
from ..text.markdown_text import markdown_helper
from ..text.outline import RenderedSection, SectionRenderer, document_outline
from ..text.templating import render_template
from ..text.writer_checks import check_writer_accessibility
from .metadata import cover_facts
from .package_context import PackageContext

PAGE_BREAK_MARKDOWN = "\n\n::: {.kr-pagebreak}\n:::\n\n"
TEXT_HELPERS = {"uppräkning"}  # helpers whose result is text from the data, not Markdown


class DocumentSource:
    """Renders the documents of one package to Markdown, sharing its ``PackageContext``."""

    def __init__(self, shared: PackageContext, media_dir: Callable[[], Path]):
        self.shared = shared
        self.media_dir = media_dir  # where charts are drawn for pandoc to embed

    def context(self, doc: DocumentSpec, registry: BlockRegistry) -> dict[str, Any]:
        """Every name the document's sections and frame templates can use."""
        shared = self.shared
        title, subtitle = shared.titles[doc.id]
        context = dict(shared.base_context)
        context["dokument"] = document_facts(doc, title, subtitle)
        context["dokumentlista"] = shared.document_list()
        context["bilagor"] = shared.appendices()
        context["ref"] = markdown_helper(registry.reference)
        context["sidbrytning"] = markdown_helper(lambda: PAGE_BREAK_MARKDOWN)
        decision = shared.config.decision
        if decision is not None:
            location = shared.package.config_location("förslag_till_beslut")
            context["förslag_till_beslut"] = {
                "inledning": shared.render(decision.lead_in, context, location)
                if decision.lead_in
                else None,
                "beslutspunkter": [shared.render(p, context, location) for p in decision.points],
                "numrerade": decision.numbered
                if decision.numbered is not None
                else len(decision.points) > 1,
            }
        context.update(self.helpers(registry, context))
        return context

    def helpers(self, registry: BlockRegistry, context: dict[str, Any]) -> dict[str, Any]:
        """The functions templates call to place generated blocks: ``tabell()``, ``diagram()``,
        the goal and intern kontroll helpers, the memo head and the signatures."""
        shared = self.shared
        config = shared.config
        recipient = config.recipient or config.committee
        follow_up = shared.follow_up.helper_object(
            registry, shared.env, context, shared.labels, shared.number_style, self.media_dir
        )

        def tabell(name: str, **overrides: Any) -> str:
            block = shared.data.table_block(name, shared.env, context, shared.labels, overrides)
            for scale in shared.data.view_scales(name):  # status columns fill the legend
                follow_up.use_scale(scale)
            return registry.placeholder(block)

        def diagram(name: str) -> str:
            return registry.placeholder(
                shared.data.chart_block(name, shared.env, context, self.media_dir())
            )

        helpers = {
            **follow_up.functions(),
            "tabell": tabell,
            "diagram": diagram,
            "memohuvud": lambda: registry.placeholder(MemoHead(config, recipient)),
            "underskrifter_block": lambda: registry.placeholder(
                Signatures(config.signatories, config.signature_heading)
            ),
        }
        # the helpers build Markdown (placeholders, status spans, comments): trusted, unlike
        # values, which {{ … }} prints as text; uppräkning() joins data and stays text
        return {
            name: helper if name in TEXT_HELPERS else markdown_helper(helper)
            for name, helper in helpers.items()
        }

    def render_sections(
        self, index: int, doc: DocumentSpec, context: dict[str, Any]
    ) -> list[RenderedSection]:
        """The document's outline with each section's Markdown rendered through Jinja."""
        shared = self.shared
        renderer = SectionRenderer(
            shared.package, shared.env, context, ("dokument", index, "disposition")
        )
        memo = doc.kind == "tjänsteskrivelse"
        sections = renderer.render(
            document_outline(shared.package, doc, index), base_level=2 if memo else 1
        )
        check_document_size(sections, shared.package.config_location("dokument", index, "id"))
        check_lines(sections, shared.placeholder_check.read_source)
        shared.placeholder_check.check_sections(sections, shared.findings)
        check_writer_accessibility(sections, shared.findings, shared.placeholder_check.read_source)
        return sections

    def assemble(self, index: int, doc: DocumentSpec) -> tuple[BlockRegistry, str]:
        """The document as one Markdown text for pandoc, and the blocks its placeholders
        stand for (bench/ hands plain pandoc the very same text)."""
        registry = BlockRegistry()
        context = self.context(doc, registry)
        sections = self.render_sections(index, doc, context)
        prelude, epilogue = self.frame(doc, context)
        return registry, assemble_markdown(sections, prelude, epilogue)

    def frame(self, doc: DocumentSpec, context: dict[str, Any]) -> tuple[str, str]:
        """The Markdown around the outline: the memo's head and ending, or a report's cover."""
        if doc.kind == "tjänsteskrivelse":
            before = self._render_frame("dokument/tjansteskrivelse/inledning.md.j2", context)
            after = self._render_frame("dokument/tjansteskrivelse/avslutning.md.j2", context)
            return before, after
        if not doc.cover:
            return "", ""
        cover_context = {**context, "omslag": cover_facts(self.shared, doc)}
        cover = self._render_frame("dokument/rapport/omslag.md.j2", cover_context)
        return f"\n\n::: {{.{COVER_CLASS}}}\n{cover}\n:::\n\n", ""

    def _render_frame(self, name: str, context: dict[str, Any]) -> str:
        return render_template(self.shared.env, name, context, name)

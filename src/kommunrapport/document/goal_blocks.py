"""Template helpers for goal follow-up and intern kontroll: tables, comments, status, legend.

The block templates (``templates/block/malbilaga.md.j2`` …) write the headings and the prose;
these helpers place what Markdown cannot express: tables with status symbols (``RenderTable``
blocks behind placeholders), the legend generated from the scales a document used, the status
of one row inline in a sentence, and long comments from ``kommentarer/<Id>.md``. Each job has
its own module; :class:`FollowUpHelpers` gathers them under the names templates use.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..data.status_scales import Scale, StatusValue
from ..errors import Findings, KommunrapportError, Location
from ..followup.internal_control import InternalControl
from ..followup.row_tree import RowTree
from ..project.labels import Labels
from ..project.package import Package
from ..text.swedish_format import NumberStyle
from .blocks import BlockRegistry
from .control_tables import ControlTables
from .goal_comments import COMMENT_DIR, GoalComments, check_comment_files
from .goal_context import GoalDocument
from .goal_counts import LevelCounts
from .goal_tables import GoalTables
from .goal_text import flytta_rubriker, markdown_escape, uppräkning
from .indicator_tables import IndicatorTables
from .status_cells import Legend

__all__ = ["COMMENT_DIR", "FollowUpHelpers", "check_comment_files"]


class FollowUpHelpers:
    """The helpers of one document; they register blocks in the document's registry."""

    def __init__(
        self,
        package: Package,
        registry: BlockRegistry,
        env: ImmutableSandboxedEnvironment,
        context: dict[str, Any],
        labels: Labels,
        style: NumberStyle,
        findings: Findings,
        scales: dict[str, Scale],
        goals: RowTree,
        control: InternalControl,
        media_dir: Callable[[], Path],
    ) -> None:
        self.doc = GoalDocument(
            package, registry, env, context, labels, style, findings, scales, goals, control,
            media_dir,
        )  # fmt: skip
        self.comments = GoalComments(self.doc)
        self.tables = GoalTables(self.doc, self.comments)
        self.indicators = IndicatorTables(self.doc, self.tables)
        self.counts = LevelCounts(self.doc)
        self.control = ControlTables(self.doc, self.tables)

    def functions(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "symbolförklaring": self.symbolförklaring,
            "kommentar": self.comments.kommentar,
            "har_kommentar": self.comments.har_kommentar,
            "måltabell": self.tables.måltabell,
            "egenskapstabell": self.tables.egenskapstabell,
            "aktivitetstabell": self.tables.aktivitetstabell,
            "indikatortabell": self.indicators.indikatortabell,
            "risktabell": self.control.risktabell,
            "kontrollmomenttabell": self.control.kontrollmomenttabell,
            "riskmatris": self.control.riskmatris,
            "fördelningstabell": self.counts.fördelningstabell,
            "uppräkning": uppräkning,
            "flytta_rubriker": flytta_rubriker,
        }

    def use_scale(self, scale: Scale) -> None:
        """A scale printed by another helper (a status column in ``tabell()``): the legend
        ``symbolförklaring()`` without arguments includes it."""
        self.doc.use(scale)

    def status(self, value: Any, skala: str | None = None) -> str:
        """Inline symbol and text: ``{{ status(rad.bedömning) }}`` → "● Helt uppfyllt"."""
        if value is None:
            return ""
        if not isinstance(value, StatusValue):
            if skala is None:
                raise KommunrapportError(
                    f"status({value!r}) behöver en skala",
                    hint='Skriv status("helt", "bedömning") eller status(rad.bedömning).',
                )
            scale = self.doc.scale(skala)
            value = scale.value(value, Location(), scale.rubrik)
            if value is None:
                return ""
        self.doc.use(value.scale)
        colour = f" .sym-{value.färg.lstrip('#')}" if value.färg else ""
        symbol = (
            f'[{markdown_escape(value.symbol)}]{{custom-style="Statussymbol" .symbol'
            f'{colour} aria-hidden="true"}}'
        )
        return f"[{symbol} {markdown_escape(value.text)}]{{.status}}"

    def symbolförklaring(self, *skalor: str) -> str:
        """The legend ("Förklaring symboler") for the named scales, or every scale used."""
        scales = [self.doc.scale(name) for name in skalor]
        for scale in scales:
            self.doc.use(scale)
        legend = Legend(scales, self.doc.labels, used=None if scales else self.doc.used)
        return self.doc.registry.placeholder(legend)

"""The follow-up stage of a build: status scales, goal tree and intern kontroll, once per build.

``PackageBuilder.extra_context()`` adds the template names (``mål``, ``intern_kontroll``,
``skalor``) and ``document_helpers()`` the per-document helpers (tables, legend, status,
comments, risk matrix) from :class:`FollowUp`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..data.status_scales import Scale, load_scales
from ..data.workbook import WorkbookReader
from ..document.blocks import BlockRegistry
from ..document.goal_blocks import FollowUpHelpers, check_comment_files
from ..errors import Findings
from ..followup.goal_data import GoalConfig, read_goal_tree
from ..followup.internal_control import (
    InternalControl,
    InternalControlConfig,
    read_internal_control,
)
from ..followup.level_reader import ColumnScales
from ..followup.row_tree import RowTree
from ..project.config import fold, validate_model
from ..project.labels import Labels
from ..project.package import Package
from ..text.swedish_format import NumberStyle


@dataclass
class FollowUp:
    package: Package
    findings: Findings
    scales: dict[str, Scale]
    goals: RowTree
    control: InternalControl

    @classmethod
    def load(
        cls,
        package: Package,
        reader: WorkbookReader,
        findings: Findings,
        scales: dict[str, Scale] | None = None,
    ) -> FollowUp:
        """``scales``: already loaded by the builder (table views use them too)."""
        config = package.config
        source, display = package.config_source, package.config_display
        if scales is None:
            scales = load_scales(config.scales, source, display, findings)

        configured = _folded(source.data)

        def read_part(key: str, model: Any, raw: dict[str, Any], read: Callable[..., Any]) -> Any:
            """One part of report.yaml (måluppföljning, intern_kontroll) read from its sheets;
            without its block in report.yaml a workbook is not read, whatever its name."""
            part = validate_model(model, raw, source, display, (key,))
            if fold(key) not in configured:
                return read(reader, part, None, findings, explicit=False, configured=False)
            columns = ColumnScales(
                scales,
                part.columns,
                lambda column: package.config_location(key, "kolumner", column),
            )
            return read(reader, part, columns, findings, explicit="arbetsbok" in _folded(raw))

        goals = read_part("måluppföljning", GoalConfig, config.goals, read_goal_tree)
        control = read_part(
            "intern_kontroll", InternalControlConfig, config.internal_control, read_internal_control
        )
        check_comment_files(package, goals, control, findings)
        return cls(package, findings, scales, goals, control)

    def template_names(self) -> dict[str, Any]:
        names: dict[str, Any] = {"mål": self.goals, "intern_kontroll": self.control}
        if self.scales:
            names["skalor"] = dict(self.scales)
        return names

    def helper_object(
        self,
        registry: BlockRegistry,
        env: ImmutableSandboxedEnvironment,
        context: dict[str, Any],
        labels: Labels,
        style: NumberStyle,
        media_dir: Callable[[], Path],
    ) -> FollowUpHelpers:
        """The helpers of one document; ``.functions()`` are the template names, and
        ``.use_scale()`` lets other helpers (status columns in tabell()) fill the legend."""
        return FollowUpHelpers(
            self.package,
            registry,
            env,
            context,
            labels,
            style,
            self.findings,
            self.scales,
            self.goals,
            self.control,
            media_dir,
        )


def _folded(data: Any) -> set[str]:
    return {fold(str(k)) for k in data} if isinstance(data, dict) else set()

"""What the goal and intern-kontroll helpers of one document share.

The helpers (tables, indicators, comments, counts, intern kontroll) each do one job; they share
the package, the document's block registry and template context, the goal and control trees,
and the scales the document has printed so far (the legend ``symbolförklaring()`` lists them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..data.status_scales import Scale, find_scale
from ..errors import Findings, KommunrapportError
from ..followup.goal_rows import GoalRow
from ..followup.internal_control import InternalControl
from ..followup.row_tree import RowTree
from ..project.labels import Labels
from ..project.package import Package
from ..text.swedish_format import NumberStyle
from .blocks import BlockRegistry


@dataclass
class GoalDocument:
    """One document's view of the follow-up data, shared by its helpers."""

    package: Package
    registry: BlockRegistry
    env: ImmutableSandboxedEnvironment
    context: dict[str, Any]
    labels: Labels
    style: NumberStyle
    findings: Findings
    scales: dict[str, Scale]
    goals: RowTree
    control: InternalControl
    media_dir: Callable[[], Path]
    used: list[Scale] = field(default_factory=list)

    def use(self, scale: Scale) -> None:
        """A scale printed in the document: the legend without arguments includes it."""
        if scale not in self.used:
            self.used.append(scale)

    def scale(self, name: str) -> Scale:
        scale = find_scale(self.scales, name)
        if scale is None:
            known = ", ".join(self.scales) or "inga"
            raise KommunrapportError(
                f"skalan {name!r} finns inte", hint=f"Skalor i report.yaml: {known}."
            )
        return scale

    def rows(self, rows: Any) -> list[GoalRow]:
        """A row, an id, or a list of rows and ids, as rows: ``"MED-K1"`` is one id (a string
        is never iterated character by character)."""
        if isinstance(rows, GoalRow):
            return [rows]
        if isinstance(rows, (str, int)):
            return [self.lookup(rows)]
        out = []
        for item in rows or []:
            out.append(item if isinstance(item, GoalRow) else self.lookup(item))
        return out

    def one_row(self, row: Any, helper: str) -> GoalRow:
        rows = self.rows(row)
        if not rows:
            raise KommunrapportError(
                f"{helper}() fick ingen rad", hint=f'Skriv till exempel {helper}("NM-03").'
            )
        return rows[0]

    def lookup(self, row_id: Any) -> GoalRow:
        if row_id in self.goals:
            return self.goals[row_id]
        if row_id in self.control:
            return self.control[row_id]
        return self.goals[row_id]  # raises with suggestions

"""Goal follow-up data: sheets per level, read into a typed tree with parent checks.

Each level of the goal hierarchy (fokusområde → mål → nämndsmål → indikatorer, aktiviteter,
uppdrag) is one sheet of a workbook, one row per item, with ``Id`` and a parent key
``Förälder``. Levels a kommun does not use are simply absent. Status columns hold codes that a
scale (status_scales.py) turns into text and symbol. The same reader serves the internal-control
workbook (processer → risker → kontrollmoment).

This module holds the configuration (``måluppföljning:``) and reads the tree: rows are in
goal_rows, the reader in level_reader, the tree and its counts in row_tree.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..data.workbook import WorkbookReader, normalize
from ..errors import Findings, KommunrapportError
from ..project.config import Model, described
from .goal_sheets import DEFAULT_GOAL_WORKBOOK, GOAL_SHEETS
from .level_reader import ColumnScales, LevelReader
from .row_tree import RowTree


class GoalConfig(Model):
    """``måluppföljning:`` in report.yaml."""

    model_config = described(
        "Måluppföljningen: arbetsboken med ett blad per nivå (docs/data-format.md, avsnitt 4)."
    )

    workbook: str = Field(
        DEFAULT_GOAL_WORKBOOK,
        alias="arbetsbok",
        description="Arbetsboken under data/.",
        examples=["malbilaga.xlsx"],
    )
    columns: dict[str, str] = Field(
        default_factory=dict,
        alias="kolumner",
        description=("Vilken skala en kolumn använder; Blad/Kolumn gäller bara det bladet."),
        examples=[{"Aktiviteter/Status": "aktivitetsstatus"}],
    )
    sheets: list[str] | None = Field(
        None,
        alias="blad",
        description="Målbladen i nivåordning, när de har andra namn än de kända.",
        examples=[["Fokusområden", "Mål", "Nämndsmål"]],
        min_length=1,
    )
    percent: Literal["andel", "procenttal"] | None = Field(
        None,
        alias="procent",
        description=(
            "Hur indikatorer med Enhet % är skrivna: andel (0,205) eller procenttal (20,5)."
        ),
        examples=["andel"],
    )


# -- goals ----------------------------------------------------------------------------------


def goal_levels(config: GoalConfig) -> dict[str, int]:
    if config.sheets:
        return {normalize(name): index + 1 for index, name in enumerate(config.sheets)}
    return dict(GOAL_SHEETS)


def read_goal_tree(
    reader: WorkbookReader,
    config: GoalConfig,
    scales: ColumnScales | None,
    findings: Findings,
    explicit: bool,
    configured: bool = True,
) -> RowTree:
    """The goal tree; an absent default workbook means the package has no goal follow-up,
    and so does a package without ``måluppföljning:`` in report.yaml."""
    path = reader.data_dir / config.workbook
    if not configured or scales is None:
        return RowTree.empty(missing_block="måluppföljning")
    if not path.is_file() and not explicit:
        return RowTree.empty()
    levels = goal_levels(config)
    level_reader = LevelReader(reader, config.workbook, levels, scales, findings)
    if config.sheets:
        present = {normalize(n) for n in reader.sheets_of(config.workbook)}
        for name in config.sheets:
            if normalize(name) not in present:
                raise KommunrapportError(
                    f"bladet {name!r} i måluppföljning.blad finns inte i {config.workbook}",
                    hint=f"Bladen är: {', '.join(reader.sheets_of(config.workbook))}.",
                )
    tree = level_reader.read()
    tree.procent = config.percent
    return tree

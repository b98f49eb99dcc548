"""Checks over a whole package that run once its documents are built."""

from __future__ import annotations

from ..text.cell_markdown import plain_text
from ..text.literal_amounts import (
    LiteralAmount,
    check_literals,
    find_literals,
    find_literals_in_cell,
)
from .package_context import PackageContext


def check_literal_amounts(shared: PackageContext) -> None:
    """Amounts typed in any Markdown file of the package, checked against the data."""
    checks = shared.config.checks
    if not (checks.literal_amounts or checks.literal_percent):
        return
    package = shared.package
    allowed = set(checks.allowed_literals)
    literals = []
    for path in sorted(package.dir.rglob("*.md")):
        relative = path.relative_to(package.dir)
        if relative.parts[0] in ("templates", "output") or path.name == "README.md":
            continue
        text = package.files.read_text(path)
        literals += find_literals(text, package.display(path), allowed)
    literals += literals_in_goal_cells(shared, allowed)
    if not checks.literal_amounts:
        literals = [lit for lit in literals if lit.unit == "%"]
    check_literals(
        literals,
        shared.data.known_amounts_kr,
        shared.data.known_numbers,
        shared.findings,
        checks.literal_percent,
    )


# Narrative typed in the cells of goal and internal-control sheets (a comment file under
# kommentarer/ is Markdown and checked above).
NARRATIVE_COLUMNS = ("Kommentar", "Analys")


def literals_in_goal_cells(shared: PackageContext, allowed: set[str]) -> list[LiteralAmount]:
    found: list[LiteralAmount] = []
    follow_up = shared.follow_up
    for tree in (follow_up.goals, follow_up.control):
        for row in tree.rader():
            for column in row.kolumner_av(*NARRATIVE_COLUMNS):
                value = row.get(column)
                if isinstance(value, str):  # the text a reader sees: "*112* mnkr" is 112 mnkr
                    text = plain_text(value)
                    found += find_literals_in_cell(text, row.location(column), allowed)
    return found


# Run by PackageBuilder.build() after the documents, and by `check` when a document stopped.
PACKAGE_CHECKS = (check_literal_amounts,)

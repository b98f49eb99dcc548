"""Comments on goal and intern-kontroll rows: the cell ``Kommentar``, or a longer text in
``kommentarer/<Id>.md`` rendered through the same template engine as the sections."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import Findings, Location
from ..followup.goal_rows import GoalRow
from ..followup.internal_control import InternalControl
from ..followup.row_tree import RowTree
from ..project.package import Package
from ..text.cell_markdown import cell_content, to_markdown
from ..text.templating import render_template
from .goal_context import GoalDocument
from .goal_text import markdown_escape

COMMENT_DIR = "kommentarer"


class GoalComments:
    """``kommentar(rad)`` and ``har_kommentar(rad)``."""

    def __init__(self, doc: GoalDocument) -> None:
        self.doc = doc

    def comment_file(self, row: GoalRow) -> Path | None:
        path = self.doc.package.dir / COMMENT_DIR / f"{row.id}.md"
        return path if self.doc.package.files.exists(path, row.location("id")) else None

    def har_kommentar(self, row: Any) -> bool:
        row = self.doc.one_row(row, "har_kommentar")
        return bool(row.kommentar) or self.comment_file(row) is not None

    def kommentar(self, row: Any) -> str:
        """The row's comment as Markdown: ``kommentarer/<Id>.md`` if it exists, else the cell."""
        row = self.doc.one_row(row, "kommentar")
        path = self.comment_file(row)
        if path is None:
            return cell_markdown(str(row.kommentar)) if row.kommentar else ""
        if row.kommentar:
            self.doc.findings.warn(
                "kommentar-dubbel",
                f"{row.id} har både en kommentar i cellen och filen "
                f"{self.doc.package.display(path)}; filen används",
                row.location("kommentar"),
                "Ta bort kommentaren i cellen eller filen.",
            )
        name = f"{COMMENT_DIR}/{row.id}.md"
        display = self.doc.package.display(path)
        return render_template(self.doc.env, name, self.doc.context, display).strip()


def cell_markdown(text: str) -> str:
    """A comment cell as section Markdown: the cell's safe subset (emphasis, lists, line
    breaks, links), every other character escaped."""
    plain, rich = cell_content(text)
    if rich is None:
        return markdown_escape(plain)
    return to_markdown(rich)


def check_comment_files(
    package: Package, goals: RowTree, control: InternalControl, findings: Findings
) -> None:
    """A ``kommentarer/<Id>.md`` whose Id is in no goal or internal-control sheet."""
    folder = package.dir / COMMENT_DIR
    if not folder.is_dir() or (goals.tom and control.tom):
        return
    for path in sorted(folder.glob("*.md")):
        if path.stem not in goals and path.stem not in control:
            findings.warn(
                "kommentar-utan-rad",
                f"kommentarsfilen hör inte till någon rad: det finns inget Id {path.stem!r} i "
                "mål- eller internkontrollbladen",
                Location(package.display(path)),
                "Döp filen efter radens Id (kommentarer/<Id>.md) eller ta bort den.",
            )

"""One cell of an indicator table: a value with its row's unit (% as a share or a percent
number) and decimals, or a status, or text."""

from __future__ import annotations

from ..data.status_scales import StatusValue
from ..data.workbook import is_number
from ..followup.goal_rows import GoalRow, format_plain
from ..text.swedish_format import format_number
from .goal_context import GoalDocument
from .goal_text import plain_number
from .status_cells import status_cell
from .table_model import Cell


class IndicatorCells:
    """Formats indicator values; warns once per row whose percent convention was guessed."""

    def __init__(self, doc: GoalDocument) -> None:
        self.doc = doc
        self._percent_warned: set[str] = set()  # rows already warned about

    def _percent_convention(self, row: GoalRow, override: str | None) -> str:
        """How a row with Enhet % stores its numbers: "andel" (0,205 is 20,5 %, as a cell
        formatted as percent in Excel holds it) or "procenttal" (20,5 is 20,5 %).

        ``måluppföljning.procent`` (or the helper's ``procent=``) decides. Without it a row
        whose numbers are all between −1 and 1 holds shares; a row with a larger number is
        read as percent numbers, never multiplied by 100, and the build says so."""
        chosen = override or self.doc.goals.procent
        if chosen:
            return chosen
        large = next(
            (
                (key, value)
                for key, value in row._values.items()
                if key.startswith(("utfall", "målvärde")) and is_number(value) and abs(value) > 1
            ),
            None,
        )
        if large is None:
            return "andel"
        if row.id not in self._percent_warned:
            self._percent_warned.add(row.id)
            key, value = large
            shown = plain_number(value, self.doc.style)
            self.doc.findings.warn(
                "indikator-procent",
                f"indikatorn {row.namn!r} har enheten % och värdet {shown}: raden läses som "
                f"procenttal ({shown} %), inte som andel",
                row.location(key),
                "Ange i report.yaml måluppföljning.procent: procenttal (20,5 betyder 20,5 %) "
                "eller andel (0,205 betyder 20,5 %), så läses alla indikatorer med enheten % "
                "på samma sätt.",
            )
        return "procenttal"

    def value(self, row: GoalRow, key: str, procent: str | None, from_source: bool = False) -> Cell:
        value = row.get(key)
        if value is None:
            return Cell("", align="right")
        if isinstance(value, StatusValue):
            self.doc.use(value.scale)
            return status_cell(value, align="right")
        if not is_number(value):
            return Cell(format_plain(value), align="right")
        unit = str(row.get("enhet") or "").strip().lower()
        decimals = row.get("decimaler")
        if unit in ("%", "procent"):
            if self._percent_convention(row, procent) == "andel":
                value = value * 100
                if from_source and not is_number(decimals):  # 0,04 → 4 %, 0,103 → 10,3 %
                    text = plain_number(round(value, 9), self.doc.style)
                else:
                    count = int(decimals) if is_number(decimals) else 1
                    text = format_number(value, count, style=self.doc.style)
            elif is_number(decimals):
                text = format_number(value, int(decimals), style=self.doc.style)
            else:
                text = plain_number(value, self.doc.style)
            return Cell(text + "\u00a0%", align="right")
        if is_number(decimals):
            return Cell(format_number(value, int(decimals), style=self.doc.style), align="right")
        return Cell(plain_number(value, self.doc.style), align="right")

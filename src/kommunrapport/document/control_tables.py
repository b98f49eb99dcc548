"""Intern kontroll in the document: the table of one risk, its kontrollmoment and activities,
and the risk matrix."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..data.workbook import normalize
from .goal_context import GoalDocument
from .goal_tables import GoalTables, as_names, parse_columns
from .risk_matrix import risk_matrix_block


class ControlTables:
    """``risktabell``, ``kontrollmomenttabell`` and ``riskmatris``."""

    def __init__(self, doc: GoalDocument, tables: GoalTables) -> None:
        self.doc = doc
        self.tables = tables

    def risktabell(self, risk: Any) -> str:
        """Riskkategori | Ansvarig | Riskvärde | Sannolikhet | Konsekvens for one risk."""
        columns = [
            c for c in ("Riskkategori", "Ansvarig") if self.doc.one_row(risk, "risktabell").has(c)
        ]
        return self.tables.egenskapstabell(
            risk, [*columns, "Riskvärde", "Sannolikhet", "Konsekvens"]
        )

    def kontrollmomenttabell(
        self,
        risk: Any,
        blad: str = "Kontrollmoment",
        rubrik: str | None = None,
        kommentarer: bool = True,
        gruppera: Iterable[str] | str = (),
    ) -> str:
        """The risk's kontrollmoment (or activities with ``blad="Aktiviteter"``): Namn,
        Beskrivning, Status, Resultat/Färdiggrad, and the optional columns some row fills."""
        parent = self.doc.one_row(risk, "kontrollmomenttabell")
        rows = parent.barn_i(blad)
        if not rows:
            return ""
        sheet = rows[0]._sheet
        keys = [
            c
            for c in ("Namn", "Beskrivning", "Status", "Resultat", "Färdiggrad")
            if normalize(c) in sheet.keys
        ]
        if normalize(blad) == "kontrollmoment":
            keys += self.doc.control.valfria_kolumner()
        caption = rows[0].blad if rubrik is None else (rubrik or None)
        columns = parse_columns(keys)
        return self.tables.table(rows, columns, caption, kommentarer, group=as_names(gruppera))

    def riskmatris(self, rubrik: str | None = None, id: str | None = "fig-riskmatris") -> str:
        """A chart: risks per sannolikhet × konsekvens (SVG in HTML, PNG in DOCX)."""
        if not self.doc.control.risker:
            return ""
        caption = rubrik or self.doc.labels["riskmatris_rubrik"]
        block = risk_matrix_block(
            self.doc.control, caption, id, self.doc.media_dir(), self.doc.style, self.doc.labels
        )
        return self.doc.registry.placeholder(block)

"""Indicator tables: ``indikatortabell(rad)``, the indicators under one or more goals with their
outcomes per year, target value and trend, each value with its row's unit and decimals."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ..data.status_scales import StatusValue
from ..data.workbook import normalize
from ..errors import KommunrapportError, Location
from ..followup.goal_rows import GoalRow
from ..followup.goal_sheets import PERCENT_CONVENTIONS
from ..text.templating import render_string
from .goal_context import GoalDocument
from .goal_tables import GoalTables, HiddenCaptionTable, name_heading, parse_columns
from .goal_text import uppräkning
from .indicator_cells import IndicatorCells
from .indicator_rows import select_indicators
from .table_model import Cell, Column, RenderTable, Row

_UTFALL = re.compile(r"^utfall (\d{4})$")


class IndicatorTables:
    """``indikatortabell()``; warns once per row whose percent convention had to be guessed."""

    def __init__(self, doc: GoalDocument, tables: GoalTables) -> None:
        self.doc = doc
        self.tables = tables
        self.cells = IndicatorCells(doc)

    def indikatortabell(
        self,
        rad: Any,
        år: int = 3,
        rubrik: str | None = None,
        blad: str = "Indikatorer",
        kolumner: Iterable[Any] | None = None,
        målvärde: str | bool | None = "före",
        rubriker: dict[str, str] | None = None,
        procent: str | None = None,
        id: str | None = None,
        numrerad: bool | None = None,
        välj: dict[str, Any] | None = None,
        decimaler: str | None = None,
    ) -> str:
        """The indicators under one or more rows (a row, an id or a list: one combined table).

        Default columns: Indikator, the outcome of the last ``år`` years up to the report year,
        Målvärde (``målvärde``: "före" the latest outcome, "efter" the outcomes, "först" after
        the name, false: none), Trend when any indicator has one. ``rubriker`` replaces
        headings by kind ("namn", "utfall", "målvärde", "trend"); a heading may use
        ``{{ år }}`` and ``{{ kolumnår }}`` (the column's year). ``kolumner`` lists the columns
        instead: sheet column names (``"Utfall {{ år - 1 }}"``), optionally with a heading.
        ``procent`` ("andel" or "procenttal") overrides ``måluppföljning.procent``;
        ``välj={"Typ": "KF"}`` keeps the indicators whose column has that value;
        ``decimaler="källan"`` prints a share with the decimals the source has (4 %, 10,3 %)."""
        parents = self.doc.rows(rad)
        rows, reason = select_indicators(parents, blad, välj, self.doc.goals.bladnamn)
        if reason and parents:
            self.doc.findings.warn(
                "indikatortabell-tom",
                f"indikatortabell() blir tom: {reason}",
                parents[0].location(),
                "Ge indikatortabell() målet som indikatorerna hör till, rätt blad (blad=) "
                "och ett villkor (välj=) som stämmer med bladets värden.",
            )
        if not parents or not rows:
            return ""
        owner = parents[0]
        sheet = rows[0]._sheet
        where = owner.location()
        if decimaler not in (None, "källan"):
            raise KommunrapportError(
                f"indikatortabell(decimaler={decimaler!r}) känns inte igen",
                hint='Skriv decimaler="källan" (så många decimaler som i arbetsboken) eller '
                "ange decimaler per rad i kolumnen Decimaler.",
            )
        if procent is not None and procent not in PERCENT_CONVENTIONS:
            raise KommunrapportError(
                f"indikatortabell(procent={procent!r}) känns inte igen",
                hint='Skriv procent="andel" (0,205 visas 20,5 %) eller procent="procenttal" '
                "(20,5 visas 20,5 %).",
            )
        if kolumner is not None:
            choices = self._indicator_columns_given(kolumner, sheet, where)
        else:
            choices = self._indicator_columns_default(rows, år, målvärde, rubriker or {}, where)
        body = []
        for row in rows:
            cells = []
            for key, _title, kind in choices:
                if kind == "value":
                    cells.append(self.cells.value(row, key, procent, decimaler == "källan"))
                else:
                    cells.append(self.tables.cell(row, key))
            body.append(Row(cells))
        header = []
        columns = []
        for index, (_key, title, kind) in enumerate(choices):
            numeric = kind == "value" and index > 0
            header.append(Cell(title, align="right" if numeric else "left"))
            columns.append(Column(numeric=numeric))
        numbered = bool(rubrik) if numrerad is None else numrerad
        if rubrik:
            table = RenderTable(columns, [header], body, caption=rubrik, anchor=id, location=where)
            if not numbered:
                table.caption_kind = None
        else:
            names = uppräkning(p.namn for p in parents)
            table = HiddenCaptionTable(
                columns,
                [header],
                body,
                caption=f"{self.doc.labels['indikatorer']}: {names}",
                anchor=id,
                location=where,
            )
        return self.doc.registry.placeholder(table)

    def _heading_text(self, template: str, where: Location, **names: Any) -> str:
        """A heading from the template author: ``"Mål {{ år }}"``, ``"Utfall {{ kolumnår }}"``."""
        return render_string(self.doc.env, str(template), {**self.doc.context, **names}, where)

    def _indicator_columns_default(
        self,
        rows: list[GoalRow],
        count: int,
        target_place: str | bool | None,
        headings: dict[str, str],
        where: Location,
    ) -> list[tuple[str, str, str]]:
        """(sheet key, heading, kind) for the default layout; kind "value" is an indicator
        value (number with the row's unit, or text), "cell" anything else."""
        unknown = set(headings) - {"namn", "utfall", "målvärde", "trend"}
        if unknown:
            raise KommunrapportError(
                f"indikatortabell(rubriker=…) har okända nycklar: {', '.join(sorted(unknown))}",
                hint="Nycklarna är namn, utfall, målvärde och trend.",
            )
        places = ("före", "efter", "först")
        if target_place not in (*places, False, None, "nej"):
            raise KommunrapportError(
                f"indikatortabell(målvärde={target_place!r}) känns inte igen",
                hint='Skriv målvärde="före" (före årets utfall), "efter", "först" eller false.',
            )
        sheet = rows[0]._sheet
        years = sorted(int(m.group(1)) for k in sheet.keys if (m := _UTFALL.match(k)))
        report_year = int(self.doc.context.get("år", years[-1] if years else 0))
        years = [y for y in years if y <= report_year][-count:] if count > 0 else []
        latest = years[-1] if years else report_year

        def heading(kind: str, default: str, year: int | None = None) -> str:
            template = headings.get(kind)
            if template is None:
                return default
            return self._heading_text(template, where, kolumnår=year)

        labels = self.doc.labels
        name = ("namn", heading("namn", name_heading(labels, "Indikatorer")), "cell")
        outcomes = [
            (f"utfall {y}", heading("utfall", labels["kolumn_utfall"].format(år=y), y), "value")
            for y in years
        ]
        target_key = next((k for k in sheet.keys if k.startswith("målvärde")), None)
        target: list[tuple[str, str, str]] = []
        if target_key and target_place in places:
            title = sheet.headers[sheet.keys.index(target_key)]
            if title.strip().lower() == "målvärde" and years:
                title = labels["kolumn_malvarde"].format(år=latest)
            target = [(target_key, heading("målvärde", title, latest), "value")]
        if target_place == "först":
            choices = [name, *target, *outcomes]
        elif target_place == "efter":
            choices = [name, *outcomes, *target]
        else:
            choices = [name, *outcomes[:-1], *target, *outcomes[-1:]]
        if "trend" in sheet.keys and any(r.get("trend") for r in rows):
            scale = next(
                (r.get("trend").scale for r in rows if isinstance(r.get("trend"), StatusValue)),
                None,
            )
            choices.append(
                (
                    "trend",
                    heading("trend", scale.rubrik if scale else labels["kolumn_trend"]),
                    "cell",
                )
            )
        return choices

    def _indicator_columns_given(
        self, spec: Iterable[Any], sheet: Any, where: Location
    ) -> list[tuple[str, str, str]]:
        """``kolumner=["Namn", "Utfall {{ år - 1 }}", ("Målvärde", "Mål {{ år }}")]``."""
        choices = []
        for choice in parse_columns(spec, keep_case=True):
            column = self._heading_text(choice.key, where)
            key = normalize(column)
            if key not in sheet.keys:
                raise KommunrapportError(
                    f"indikatortabell: bladet {sheet.name} har ingen kolumn {column!r}",
                    sheet.location(),
                    f"Kolumnerna är: {', '.join(sheet.headers)}.",
                )
            if choice.heading is not None:
                title = self._heading_text(choice.heading, where)
            elif key == "namn":
                title = name_heading(self.doc.labels, "Indikatorer")
            else:
                title = sheet.headers[sheet.keys.index(key)]
            kind = "value" if key.startswith(("utfall", "målvärde", "mål ")) else "cell"
            choices.append((key, title, kind))
        return choices

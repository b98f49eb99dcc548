"""Template helpers for goal follow-up and intern kontroll: tables, comments, status, legend.

The block templates (``templates/block/malbilaga.md.j2`` …) write the headings and the prose;
these helpers place what Markdown cannot express: tables with status symbols (``RenderTable``
blocks behind placeholders), the legend generated from the scales a document used, the status
of one row inline in a sentence, and long comments from ``kommentarer/<Id>.md``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..data.status_scales import Scale, StatusValue, find_scale
from ..data.workbook import is_number, normalize
from ..errors import Findings, KommunrapportError, Location
from ..followup.goal_rows import GoalRow, format_plain
from ..followup.goal_sheets import PERCENT_CONVENTIONS
from ..followup.internal_control import InternalControl
from ..followup.row_tree import RowTree
from ..project.labels import Labels
from ..project.package import Package
from ..text.swedish_format import NumberStyle, format_number, format_percent
from ..text.templating import render_string, render_template
from .blocks import BlockRegistry, RenderContext
from .pandoc_ast import Node, raw_block
from .risk_matrix import risk_matrix_block
from .status_cells import Legend, status_cell
from .table_docx import docx_table
from .table_html import html_table
from .table_model import Cell, Column, RenderTable, Row

COMMENT_DIR = "kommentarer"
# The heading of the name column, by sheet: "Namn" reads poorly above a list of activities.
NAME_HEADINGS = {
    "aktiviteter": "Aktivitet", "åtaganden": "Åtagande", "uppdrag": "Uppdrag",
    "indikatorer": "Indikator", "nämndsmål": "Nämndsmål", "mål": "Mål",
    "kontrollmoment": "Kontrollmoment", "risker": "Risk", "processer": "Process",
    "processområden": "Processområde", "fokusområden": "Fokusområde",
}  # fmt: skip
ACTIVITY_SHEETS = ("Aktiviteter", "Åtaganden")
ACTIVITY_COLUMNS = (
    ("Namn", None),
    ("Ansvarig", None),
    ("Start", "Startdatum"),
    ("Slut", "Slutdatum"),
    ("Status", None),
    ("Färdiggrad", None),
)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~^$])")
_UTFALL = re.compile(r"^utfall (\d{4})$")


def markdown_escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def plain_number(value: float | int, style: NumberStyle, max_decimals: int = 2) -> str:
    """A number with as many decimals as it has (at most ``max_decimals``)."""
    if isinstance(value, int) or float(value).is_integer():
        return format_number(value, 0, style=style)
    text = f"{float(value):.{max_decimals}f}".rstrip("0")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return format_number(value, decimals, style=style)


class HiddenCaptionTable(RenderTable):
    """A small table whose caption is for screen readers only: the HTML ``<caption>`` is
    visually hidden, and the DOCX keeps it as the table's alt text instead of a paragraph."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.caption_kind = None  # never numbered

    def render(self, ctx: RenderContext) -> list[Node]:
        if ctx.target == "docx":
            xml = docx_table(self, ctx, None)
            return [raw_block("openxml", xml[xml.index("<w:tbl>") :])]
        html = html_table(self, ctx, None).replace(
            "<caption>", '<caption class="visually-hidden">', 1
        )
        return [raw_block("html", html)]


@dataclass
class ColumnChoice:
    key: str  # normalized sheet header
    heading: str | None  # printed heading, None: from the scale or the sheet


def _columns(spec: Iterable[Any], keep_case: bool = False) -> list[ColumnChoice]:
    """Column choices as written in a template; ``keep_case`` keeps the column name as typed
    (it may still hold ``{{ år }}``) instead of the normalized sheet key."""
    key = (lambda name: str(name)) if keep_case else normalize
    out = []
    for item in [spec] if isinstance(spec, str) else spec:
        if isinstance(item, str):
            out.append(ColumnChoice(key(item), None))
        elif isinstance(item, (list, tuple)) and len(item) == 2:
            out.append(ColumnChoice(key(item[0]), str(item[1])))
        elif isinstance(item, dict) and "kolumn" in item:
            out.append(ColumnChoice(key(item["kolumn"]), item.get("rubrik")))
        else:
            raise KommunrapportError(
                f"kolumnen {item!r} kan inte tolkas",
                hint='Ange kolumner som "Namn", ("Namn", "Aktivitet") eller '
                '{"kolumn": "Namn", "rubrik": "Aktivitet"}.',
            )
    return out


@dataclass
class FollowUpHelpers:
    """The helpers of one document; they register blocks in the document's registry."""

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
    _percent_warned: set[str] = field(default_factory=set)  # rows already warned about

    def functions(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "symbolförklaring": self.symbolförklaring,
            "kommentar": self.kommentar,
            "har_kommentar": self.har_kommentar,
            "måltabell": self.måltabell,
            "egenskapstabell": self.egenskapstabell,
            "aktivitetstabell": self.aktivitetstabell,
            "indikatortabell": self.indikatortabell,
            "risktabell": self.risktabell,
            "kontrollmomenttabell": self.kontrollmomenttabell,
            "riskmatris": self.riskmatris,
            "fördelningstabell": self.fördelningstabell,
            "uppräkning": uppräkning,
            "flytta_rubriker": flytta_rubriker,
        }

    # -- status and legend ------------------------------------------------------------------
    def _use(self, scale: Scale) -> None:
        if scale not in self.used:
            self.used.append(scale)

    def use_scale(self, scale: Scale) -> None:
        """A scale printed by another helper (a status column in ``tabell()``): the legend
        ``symbolförklaring()`` without arguments includes it."""
        self._use(scale)

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
            scale = self._scale(skala)
            value = scale.value(value, Location(), scale.rubrik)
            if value is None:
                return ""
        self._use(value.scale)
        colour = f" .sym-{value.färg.lstrip('#')}" if value.färg else ""
        symbol = (
            f'[{markdown_escape(value.symbol)}]{{custom-style="Statussymbol" .symbol'
            f'{colour} aria-hidden="true"}}'
        )
        return f"[{symbol} {markdown_escape(value.text)}]{{.status}}"

    def _scale(self, name: str) -> Scale:
        scale = find_scale(self.scales, name)
        if scale is None:
            known = ", ".join(self.scales) or "inga"
            raise KommunrapportError(
                f"skalan {name!r} finns inte", hint=f"Skalor i report.yaml: {known}."
            )
        return scale

    def symbolförklaring(self, *skalor: str) -> str:
        """The legend ("Förklaring symboler") for the named scales, or every scale used."""
        scales = [self._scale(name) for name in skalor]
        for scale in scales:
            self._use(scale)
        legend = Legend(scales, self.labels, used=None if scales else self.used)
        return self.registry.placeholder(legend)

    # -- comments ---------------------------------------------------------------------------
    def _comment_file(self, row: GoalRow) -> Path | None:
        path = self.package.dir / COMMENT_DIR / f"{row.id}.md"
        return path if path.is_file() else None

    def har_kommentar(self, row: Any) -> bool:
        row = self._one_row(row, "har_kommentar")
        return bool(row.kommentar) or self._comment_file(row) is not None

    def kommentar(self, row: Any) -> str:
        """The row's comment as Markdown: ``kommentarer/<Id>.md`` if it exists, else the cell."""
        row = self._one_row(row, "kommentar")
        path = self._comment_file(row)
        if path is None:
            return markdown_escape(str(row.kommentar)) if row.kommentar else ""
        if row.kommentar:
            self.findings.warn(
                "kommentar-dubbel",
                f"{row.id} har både en kommentar i cellen och filen "
                f"{self.package.display(path)}; filen används",
                row.location("kommentar"),
                "Ta bort kommentaren i cellen eller filen.",
            )
        name = f"{COMMENT_DIR}/{row.id}.md"
        return render_template(self.env, name, self.context, self.package.display(path)).strip()

    # -- tables -----------------------------------------------------------------------------
    def _rows(self, rows: Any) -> list[GoalRow]:
        """A row, an id, or a list of rows and ids, as rows: ``"MED-K1"`` is one id (a string
        is never iterated character by character)."""
        if isinstance(rows, GoalRow):
            return [rows]
        if isinstance(rows, (str, int)):
            return [self._lookup(rows)]
        out = []
        for item in rows or []:
            out.append(item if isinstance(item, GoalRow) else self._lookup(item))
        return out

    def _one_row(self, row: Any, helper: str) -> GoalRow:
        rows = self._rows(row)
        if not rows:
            raise KommunrapportError(
                f"{helper}() fick ingen rad", hint=f'Skriv till exempel {helper}("NM-03").'
            )
        return rows[0]

    def _lookup(self, row_id: Any) -> GoalRow:
        if row_id in self.goals:
            return self.goals[row_id]
        if row_id in self.control:
            return self.control[row_id]
        return self.goals[row_id]  # raises with suggestions

    def _heading(self, rows: list[GoalRow], choice: ColumnChoice) -> str:
        if choice.heading is not None:
            return choice.heading
        sample = rows[0]
        value = next(
            (r.get(choice.key) for r in rows if isinstance(r.get(choice.key), StatusValue)), None
        )
        if isinstance(value, StatusValue):
            return value.scale.rubrik
        if choice.key == "namn":
            return NAME_HEADINGS.get(normalize(sample.blad), "Namn")
        sheet = sample._sheet
        if choice.key in sheet.keys:
            return sheet.headers[sheet.keys.index(choice.key)]
        return choice.key.capitalize()

    def _cell(self, row: GoalRow, key: str) -> Cell:
        if key not in row._values and key not in row._sheet.keys:
            raise KommunrapportError(
                f"bladet {row.blad} har ingen kolumn {key!r}",
                row._sheet.location(),
                f"Kolumnerna är: {', '.join(row._sheet.headers)}.",
            )
        value = row.get(key)
        if isinstance(value, StatusValue):
            self._use(value.scale)
            return status_cell(value)
        if is_number(value):
            return Cell(plain_number(value, self.style), align="right")
        if isinstance(value, date):
            return Cell(value.isoformat(), css_class="nowrap")
        return Cell(format_plain(value))

    def table(
        self,
        rows: list[GoalRow],
        columns: list[ColumnChoice],
        caption: str | None,
        comments: bool,
        anchor: str | None = None,
        numbered: bool = False,
        row_headers: bool = True,
    ) -> str:
        """A table of rows; comment rows (cell comments) inside, file comments after it."""
        if not rows:
            return ""
        headings = [self._heading(rows, c) for c in columns]
        body: list[Row] = []
        after: list[str] = []
        for row in rows:
            cells = [self._cell(row, c.key) for c in columns]
            body.append(Row(cells))
            if not comments:
                continue
            if self._comment_file(row) is not None:
                text = self.kommentar(row)
                if text:
                    after.append(
                        f"**{self.labels['kommentar']}, {markdown_escape(row.namn)}**\n\n{text}"
                    )
            elif row.kommentar:
                label = self.labels["kommentar"]
                body.append(
                    Row(
                        [Cell(f"{label}: {format_plain(row.kommentar)}", colspan=len(columns))],
                        kind="comment",
                    )
                )
        numeric = [
            all(
                c.align == "right" for r in body if r.kind == "body" for c in [r.cells[i]] if c.text
            )
            and any(r.cells[i].text for r in body if r.kind == "body")
            for i in range(len(columns))
        ]
        header = [Cell(h, align="right" if numeric[i] else "left") for i, h in enumerate(headings)]
        table_class = RenderTable if caption else HiddenCaptionTable
        if not caption:  # a name for screen readers: "Budget i balans: ansvarig och bedömning"
            owner = rows[0].namn if len(rows) == 1 else (rows[0].förälder or rows[0]).namn
            caption = f"{owner}: {uppräkning(h.lower() for h in headings if h)}"
        table = table_class(
            [Column(numeric=n) for n in numeric],
            [header],
            body,
            caption=caption,
            anchor=anchor,
            row_headers=row_headers,
            location=rows[0].location(),
        )
        if not numbered:
            table.caption_kind = None
        placeholder = self.registry.placeholder(table)
        return placeholder + "".join(f"\n\n{text}\n\n" for text in after)

    def måltabell(
        self,
        rader: Any,
        kolumner: Iterable[Any] = ("Namn",),
        rubrik: str | None = None,
        kommentarer: bool = False,
        id: str | None = None,
        numrerad: bool | None = None,
    ) -> str:
        """A table over rows (or ids) with chosen columns; scale columns get symbol + text."""
        rows = self._rows(rader)
        numbered = bool(rubrik) if numrerad is None else numrerad
        return self.table(rows, _columns(kolumner), rubrik, kommentarer, id, numbered)

    def aktivitetstabell(
        self,
        rad: Any,
        blad: str | None = None,
        kolumner: Iterable[Any] | None = None,
        rubrik: str | None = None,
        kommentarer: bool = True,
    ) -> str:
        """The row's activities (or åtaganden): Namn, Ansvarig, Startdatum, Slutdatum, Status,
        Färdiggrad (those the sheet has), with comment rows; the caption names the sheet."""
        parent = self._one_row(rad, "aktivitetstabell")
        rows: list[GoalRow] = []
        for sheet in [blad] if blad else ACTIVITY_SHEETS:
            rows = parent.barn_i(sheet)
            if rows:
                break
        if not rows:
            return ""
        if kolumner is None:
            keys = rows[0]._sheet.keys
            kolumner = [
                (column, heading) if heading else column
                for column, heading in ACTIVITY_COLUMNS
                if normalize(column) in keys
            ]
        caption = rows[0].blad if rubrik is None else (rubrik or None)
        return self.table(rows, _columns(kolumner), caption, kommentarer)

    def egenskapstabell(
        self,
        rad: Any,
        kolumner: Iterable[Any] = ("Ansvarig", "Bedömning"),
        rubrik: str | None = None,
    ) -> str:
        """One row as a small table: headings over values (Ansvarig | Bedömning)."""
        rows = self._rows(rad)
        return self.table(rows, _columns(kolumner), rubrik, False, row_headers=False)

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
    ) -> str:
        """The indicators under one or more rows (a row, an id or a list: one combined table).

        Default columns: Indikator, the outcome of the last ``år`` years up to the report year,
        Målvärde (``målvärde``: "före" the latest outcome, "efter" the outcomes, "först" after
        the name, false: none), Trend when any indicator has one. ``rubriker`` replaces
        headings by kind ("namn", "utfall", "målvärde", "trend"); a heading may use
        ``{{ år }}`` and ``{{ kolumnår }}`` (the column's year). ``kolumner`` lists the columns
        instead: sheet column names (``"Utfall {{ år - 1 }}"``), optionally with a heading.
        ``procent`` ("andel" or "procenttal") overrides ``måluppföljning.procent``."""
        parents = self._rows(rad)
        rows: list[GoalRow] = []
        for parent in parents:
            rows += [r for r in parent.barn_i(blad) if r not in rows]
        if not parents or not rows:
            return ""
        owner = parents[0]
        sheet = rows[0]._sheet
        where = owner.location()
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
                    cells.append(self._indicator_value(row, key, procent))
                else:
                    cells.append(self._cell(row, key))
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
                caption=f"{self.labels['indikatorer']}: {names}",
                anchor=id,
                location=where,
            )
        return self.registry.placeholder(table)

    def _heading_text(self, template: str, where: Location, **names: Any) -> str:
        """A heading from the template author: ``"Mål {{ år }}"``, ``"Utfall {{ kolumnår }}"``."""
        return render_string(self.env, str(template), {**self.context, **names}, where)

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
        report_year = int(self.context.get("år", years[-1] if years else 0))
        years = [y for y in years if y <= report_year][-count:] if count > 0 else []
        latest = years[-1] if years else report_year

        def heading(kind: str, default: str, year: int | None = None) -> str:
            template = headings.get(kind)
            if template is None:
                return default
            return self._heading_text(template, where, kolumnår=year)

        name = ("namn", heading("namn", NAME_HEADINGS["indikatorer"]), "cell")
        outcomes = [(f"utfall {y}", heading("utfall", f"Utfall {y}", y), "value") for y in years]
        target_key = next((k for k in sheet.keys if k.startswith("målvärde")), None)
        target: list[tuple[str, str, str]] = []
        if target_key and target_place in places:
            title = sheet.headers[sheet.keys.index(target_key)]
            if title.strip().lower() == "målvärde" and years:
                title = f"Målvärde {latest}"
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
            choices.append(("trend", heading("trend", scale.rubrik if scale else "Trend"), "cell"))
        return choices

    def _indicator_columns_given(
        self, spec: Iterable[Any], sheet: Any, where: Location
    ) -> list[tuple[str, str, str]]:
        """``kolumner=["Namn", "Utfall {{ år - 1 }}", ("Målvärde", "Mål {{ år }}")]``."""
        choices = []
        for choice in _columns(spec, keep_case=True):
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
                title = NAME_HEADINGS["indikatorer"]
            else:
                title = sheet.headers[sheet.keys.index(key)]
            kind = "value" if key.startswith(("utfall", "målvärde", "mål ")) else "cell"
            choices.append((key, title, kind))
        return choices

    def _percent_convention(self, row: GoalRow, override: str | None) -> str:
        """How a row with Enhet % stores its numbers: "andel" (0,205 is 20,5 %, as a cell
        formatted as percent in Excel holds it) or "procenttal" (20,5 is 20,5 %).

        ``måluppföljning.procent`` (or the helper's ``procent=``) decides. Without it a row
        whose numbers are all between −1 and 1 holds shares; a row with a larger number is
        read as percent numbers, never multiplied by 100, and the build says so."""
        chosen = override or self.goals.procent
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
            shown = plain_number(value, self.style)
            self.findings.warn(
                "indikator-procent",
                f"indikatorn {row.namn!r} har enheten % och värdet {shown}: raden läses som "
                f"procenttal ({shown} %), inte som andel",
                row.location(key),
                "Ange i report.yaml måluppföljning.procent: procenttal (20,5 betyder 20,5 %) "
                "eller andel (0,205 betyder 20,5 %), så läses alla indikatorer med enheten % "
                "på samma sätt.",
            )
        return "procenttal"

    def _indicator_value(self, row: GoalRow, key: str, procent: str | None = None) -> Cell:
        value = row.get(key)
        if value is None:
            return Cell("", align="right")
        if isinstance(value, StatusValue):
            self._use(value.scale)
            return status_cell(value, align="right")
        if not is_number(value):
            return Cell(format_plain(value), align="right")
        unit = str(row.get("enhet") or "").strip().lower()
        decimals = row.get("decimaler")
        if unit in ("%", "procent"):
            if self._percent_convention(row, procent) == "andel":
                value = value * 100
                text = format_number(
                    value, int(decimals) if is_number(decimals) else 1, style=self.style
                )
            elif is_number(decimals):
                text = format_number(value, int(decimals), style=self.style)
            else:
                text = plain_number(value, self.style)
            return Cell(text + "\u00a0%", align="right")
        if is_number(decimals):
            return Cell(format_number(value, int(decimals), style=self.style), align="right")
        return Cell(plain_number(value, self.style), align="right")

    def fördelningstabell(
        self,
        kolumn: str,
        blad: str | None = None,
        träd: RowTree | None = None,
        rubrik: str | None = None,
        andel: bool = False,
        tomma: bool = True,
    ) -> str:
        """How many rows have each level of a column's scale: symbol and text, Antal (and
        Andel). Rows with an empty cell are a last row when there are any."""
        tree = self.goals if träd is None else träd
        counts = tree.per_nivå(kolumn, blad)
        sheet = tree._sheet_with([kolumn], blad)
        total = len(tree.blad(sheet))
        scale = tree._scale(sheet, kolumn)
        if scale is not None:
            self._use(scale)
        rows = [
            Row(
                [
                    Cell(
                        c.text,
                        symbol=c.symbol,
                        symbol_color=scale.nivåer[i].färg if scale else None,
                    ),
                    Cell(str(c.antal), align="right"),
                ]
                + (
                    [
                        Cell(
                            format_percent(c.antal / total if total else 0, 0, style=self.style),
                            align="right",
                        )
                    ]
                    if andel
                    else []
                )
            )
            for i, c in enumerate(counts)
        ]
        empty = total - sum(c.antal for c in counts)
        if empty and tomma:
            rows.append(
                Row(
                    [Cell(self.labels["ej_angivet"])]
                    + [Cell(str(empty), align="right")]
                    + (
                        [Cell(format_percent(empty / total, 0, style=self.style), align="right")]
                        if andel
                        else []
                    )
                )
            )
        rows.append(
            Row(
                [Cell(self.labels["summa"]), Cell(str(total), align="right")]
                + ([Cell(format_percent(1, 0, style=self.style), align="right")] if andel else []),
                kind="total",
            )
        )
        heading = scale.rubrik if scale else kolumn
        header = [Cell(heading), Cell(self.labels["antal"], align="right")] + (
            [Cell(self.labels["andel"], align="right")] if andel else []
        )
        columns = [Column()] + [Column(numeric=True)] * (2 if andel else 1)
        table = (RenderTable if rubrik else HiddenCaptionTable)(
            columns,
            [header],
            rows,
            caption=rubrik or f"{heading}: {self.labels['antal'].lower()}",
            location=tree.blad(sheet)[0].location() if total else Location(),
        )
        return self.registry.placeholder(table)

    # -- intern kontroll ----------------------------------------------------------------------
    def risktabell(self, risk: Any) -> str:
        """Riskkategori | Ansvarig | Riskvärde | Sannolikhet | Konsekvens for one risk."""
        columns = [
            c for c in ("Riskkategori", "Ansvarig") if self._one_row(risk, "risktabell").has(c)
        ]
        return self.egenskapstabell(risk, [*columns, "Riskvärde", "Sannolikhet", "Konsekvens"])

    def kontrollmomenttabell(
        self,
        risk: Any,
        blad: str = "Kontrollmoment",
        rubrik: str | None = None,
        kommentarer: bool = True,
    ) -> str:
        """The risk's kontrollmoment (or activities with ``blad="Aktiviteter"``): Namn,
        Beskrivning, Status, Resultat/Färdiggrad, and the optional columns some row fills."""
        parent = self._one_row(risk, "kontrollmomenttabell")
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
            keys += self.control.valfria_kolumner()
        caption = rows[0].blad if rubrik is None else (rubrik or None)
        return self.table(rows, _columns(keys), caption, kommentarer)

    def riskmatris(self, rubrik: str | None = None, id: str | None = "fig-riskmatris") -> str:
        """A chart: risks per sannolikhet × konsekvens (SVG in HTML, PNG in DOCX)."""
        if not self.control.risker:
            return ""
        caption = rubrik or self.labels["riskmatris_rubrik"]
        block = risk_matrix_block(
            self.control, caption, id, self.media_dir(), self.style, self.labels
        )
        return self.registry.placeholder(block)


_FENCE = re.compile(r"^\s*(```|~~~)")
_ATX_HEADING = re.compile(r"^(#{1,6})(?=\s)")


def flytta_rubriker(text: Any, steg: int) -> str:
    """Markdown with its '#' headings moved ``steg`` levels down (at most level 6), so that text
    given to a block is written with '#' on the block's own heading level. Code blocks are left
    alone."""
    if not steg or not text:
        return str(text or "")
    out = []
    fenced = False
    for line in str(text).split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            line = _ATX_HEADING.sub(lambda m: "#" * min(len(m.group(1)) + steg, 6), line)
        out.append(line)
    return "\n".join(out)


def uppräkning(items: Iterable[Any], och: str = "och") -> str:
    """Items as a Swedish list in running text: "a, b och c"."""
    texts = [str(item) for item in items]
    if len(texts) <= 1:
        return "".join(texts)
    return f"{', '.join(texts[:-1])} {och} {texts[-1]}"


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

"""Tables of goal and intern-kontroll rows: ``måltabell``, ``aktivitetstabell``,
``egenskapstabell``; scale columns print symbol and text, cell comments become comment rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..data.status_scales import StatusValue
from ..data.workbook import is_number, normalize
from ..errors import KommunrapportError
from ..followup.goal_rows import GoalRow, format_plain
from ..project.config import fold
from ..text.cell_markdown import cell_content, lead_in
from .blocks import RenderContext
from .goal_comments import GoalComments
from .goal_context import GoalDocument
from .goal_text import markdown_escape, plain_number, uppräkning
from .pandoc_ast import Node, raw_block
from .status_cells import status_cell
from .table_docx import docx_table
from .table_html import html_table
from .table_model import Cell, Column, RenderTable, Row, merge_runs
from .table_typst import typst_table

ACTIVITY_SHEETS = ("Aktiviteter", "Åtaganden")
ACTIVITY_COLUMNS = (
    ("Namn", None),
    ("Ansvarig", None),
    ("Start", "kolumn_start"),  # a label key: the heading is in the locale file
    ("Slut", "kolumn_slut"),
    ("Status", None),
    ("Färdiggrad", None),
)


def name_heading(labels: Mapping[str, str], sheet: str) -> str:
    """The heading of the name column, by sheet ("Aktivitet" above activities), from the
    locale file: ``namnkolumn_aktiviteter``; ``namnkolumn`` ("Namn") for other sheets."""
    key = "namnkolumn_" + fold(sheet).replace(" ", "_").replace("-", "_")
    return labels[key] if key in labels else labels["namnkolumn"]


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
        if ctx.target == "typst":  # no printed caption, as in the DOCX
            return [raw_block("typst", typst_table(self, ctx, None, show_caption=False))]
        html = html_table(self, ctx, None).replace(
            "<caption>", '<caption class="visually-hidden">', 1
        )
        return [raw_block("html", html)]


def as_names(names: Iterable[str] | str) -> list[str]:
    return [names] if isinstance(names, str) else [str(name) for name in names]


def group_indexes(columns: list[ColumnChoice], names: Iterable[str]) -> list[int]:
    """The positions of the grouping columns (``gruppera``) among the table's columns."""
    keys = [c.key for c in columns]
    indexes = []
    for name in names:
        key = normalize(name)
        if key not in keys:
            raise KommunrapportError(
                f"gruppera: kolumnen {name!r} finns inte bland tabellens kolumner",
                hint="Gruppera bara kolumner som tabellen visar: "
                f"{', '.join(c.heading or c.key for c in columns)}.",
            )
        indexes.append(keys.index(key))
    return sorted(indexes)


@dataclass
class ColumnChoice:
    key: str  # normalized sheet header
    heading: str | None  # printed heading, None: from the scale or the sheet


def parse_columns(spec: Iterable[Any], keep_case: bool = False) -> list[ColumnChoice]:
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


class GoalTables:
    """Tables over rows of the goal and intern-kontroll trees."""

    def __init__(self, doc: GoalDocument, comments: GoalComments) -> None:
        self.doc = doc
        self.comments = comments

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
            return name_heading(self.doc.labels, sample.blad)
        sheet = sample._sheet
        if choice.key in sheet.keys:
            return sheet.headers[sheet.keys.index(choice.key)]
        return choice.key.capitalize()

    def cell(self, row: GoalRow, key: str) -> Cell:
        if key not in row._values and key not in row._sheet.keys:
            raise KommunrapportError(
                f"bladet {row.blad} har ingen kolumn {key!r}",
                row._sheet.location(),
                f"Kolumnerna är: {', '.join(row._sheet.headers)}.",
            )
        value = row.get(key)
        if isinstance(value, StatusValue):
            self.doc.use(value.scale)
            return status_cell(value)
        if is_number(value):
            return Cell(plain_number(value, self.doc.style), align="right")
        if isinstance(value, date):
            return Cell(value.isoformat(), css_class="nowrap")
        if isinstance(value, str):  # a text cell may hold Markdown: *kursiv*, - punkt
            text, rich = cell_content(value)
            return Cell(text, rich=rich)
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
        group: Iterable[str] = (),
    ) -> str:
        """A table of rows; comment rows (cell comments) inside, file comments after it;
        ``group`` names columns whose equal cells in consecutive rows become one."""
        if not rows:
            return ""
        grouped = group_indexes(columns, group)
        headings = [self._heading(rows, c) for c in columns]
        body: list[Row] = []
        after: list[str] = []
        for row in rows:
            cells = [self.cell(row, c.key) for c in columns]
            body.append(Row(cells))
            if not comments:
                continue
            if self.comments.comment_file(row) is not None:
                text = self.comments.kommentar(row)
                if text:
                    after.append(
                        f"**{self.doc.labels['kommentar']}, {markdown_escape(row.namn)}**\n\n{text}"
                    )
            elif row.kommentar:
                label = self.doc.labels["kommentar"]
                text, rich = lead_in(f"{label}: ", format_plain(row.kommentar))
                body.append(Row([Cell(text, colspan=len(columns), rich=rich)], kind="comment"))
        numeric = [
            all(
                c.align == "right" for r in body if r.kind == "body" for c in [r.cells[i]] if c.text
            )
            and any(r.cells[i].text for r in body if r.kind == "body")
            for i in range(len(columns))
        ]
        header = [Cell(h, align="right" if numeric[i] else "left") for i, h in enumerate(headings)]
        merge_runs(body, grouped)
        leading = next((n for n in range(len(columns)) if n not in grouped), len(columns))
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
            row_header_columns=leading + 1,
        )
        if not numbered:
            table.caption_kind = None
        placeholder = self.doc.registry.placeholder(table)
        return placeholder + "".join(f"\n\n{text}\n\n" for text in after)

    def måltabell(
        self,
        rader: Any,
        kolumner: Iterable[Any] = ("Namn",),
        rubrik: str | None = None,
        kommentarer: bool = False,
        id: str | None = None,
        numrerad: bool | None = None,
        gruppera: Iterable[str] | str = (),
    ) -> str:
        """A table over rows (or ids) with chosen columns; scale columns get symbol + text;
        ``gruppera`` names columns whose equal cells in consecutive rows become one."""
        rows = self.doc.rows(rader)
        numbered = bool(rubrik) if numrerad is None else numrerad
        columns = parse_columns(kolumner)
        return self.table(
            rows, columns, rubrik, kommentarer, id, numbered, group=as_names(gruppera)
        )

    def aktivitetstabell(
        self,
        rad: Any,
        blad: str | None = None,
        kolumner: Iterable[Any] | None = None,
        rubrik: str | None = None,
        kommentarer: bool = True,
        gruppera: Iterable[str] | str = (),
    ) -> str:
        """The row's activities (or åtaganden): Namn, Ansvarig, Startdatum, Slutdatum, Status,
        Färdiggrad (those the sheet has), with comment rows; the caption names the sheet;
        ``gruppera`` as in :meth:`måltabell`."""
        parent = self.doc.one_row(rad, "aktivitetstabell")
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
                (column, self.doc.labels[heading]) if heading else column
                for column, heading in ACTIVITY_COLUMNS
                if normalize(column) in keys
            ]
        caption = rows[0].blad if rubrik is None else (rubrik or None)
        columns = parse_columns(kolumner)
        return self.table(rows, columns, caption, kommentarer, group=as_names(gruppera))

    def egenskapstabell(
        self,
        rad: Any,
        kolumner: Iterable[Any] = ("Ansvarig", "Bedömning"),
        rubrik: str | None = None,
    ) -> str:
        """One row as a small table: headings over values (Ansvarig | Bedömning)."""
        rows = self.doc.rows(rad)
        return self.table(rows, parse_columns(kolumner), rubrik, False, row_headers=False)

"""A computed view as a printed table, and as data that sentences can read figures from."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from typing import Any

from .amounts import Amount, Missing
from .errors import KommunrapportError, Location
from .ledger import NON_VALUE_KINDS, ViewColumn, ViewData, ViewRow
from .status_scales import StatusValue, status_cell
from .swedish_format import NumberStyle, format_number, format_percent
from .table_model import Cell, Column, RenderTable, Row
from .workbook import attribute_name, normalize

ROW_KIND = {
    "summa": "total",
    "delsumma": "subtotal",
    "varav": "varav",
    "rubrik": "group",
    "kommentar": "comment",
    "post": "body",
    "avdrag": "body",
}


def format_value(
    value: Any,
    column: ViewColumn,
    zero: str,
    missing: str,
    style: NumberStyle,
    decimals: int | None = None,
) -> str:
    """A cell's text: Swedish number format, the table's zero and missing policy."""
    if value is None:
        return missing
    if isinstance(value, str):
        return value
    places = column.decimals if decimals is None else decimals
    if column.format == "procent":
        return format_percent(value, places, style=style)
    text = format_number(value, places, style=style)
    return zero if text.strip("0,") == "" else text


def render_view(
    view: ViewData,
    style: NumberStyle,
    caption: str | None,
    titles: list[str],
    group_titles: list[tuple[str, int]],
    unit_caption: str | None,
    anchor: str | None,
    location: Location,
    notes: list[str] | None = None,
) -> RenderTable:
    spec = view.spec
    textual = ("text", "status")  # status columns: symbol and text, left-aligned
    columns = [Column(numeric=False, weight=spec.label_width)] + [
        Column(numeric=c.format not in textual, weight=c.spec.width) for c in view.columns
    ]
    header_rows: list[list[Cell]] = []
    if group_titles:
        group_row = [Cell("")]
        used = 0
        for text, span in group_titles:
            group_row.append(Cell(text, align="center", colspan=span))
            used += span
        group_row += [Cell("") for _ in range(len(view.columns) - used)]
        header_rows.append(group_row)
    header_rows.append(
        [Cell(spec.label_title)]
        + [
            Cell(title, align="right" if c.format not in textual else "left")
            for title, c in zip(titles, view.columns, strict=True)
        ]
    )
    rows: list[Row] = []
    notes = list(spec.notes if notes is None else notes)
    for view_row in view.rows:
        ledger_row = view_row.row
        kind = ROW_KIND[ledger_row.kind]
        bold = ledger_row.style == "fet" or (
            kind in ("total", "subtotal") and ledger_row.style is None
        )
        italic = ledger_row.style == "kursiv" or (kind == "varav" and ledger_row.style is None)
        label = ledger_row.label
        if ledger_row.note:
            notes.append(ledger_row.note)
            label = f"{label} {len(notes)})"
        if kind == "comment":
            rows.append(Row([Cell(label, italic=italic, colspan=len(columns))], "comment"))
            continue
        cells = [Cell(label, bold=bold, italic=italic, indent=ledger_row.level)]
        for column in view.columns:
            value = view_row.values.get(column.key)
            if column.format == "status":  # symbol and text from the column's scale
                if isinstance(value, StatusValue):
                    cells.append(status_cell(value, bold=bold, italic=italic))
                else:
                    empty = "" if ledger_row.kind in NON_VALUE_KINDS else spec.missing
                    cells.append(Cell(empty, bold=bold, italic=italic))
                continue
            text = (
                ""
                if ledger_row.kind in NON_VALUE_KINDS
                else format_value(
                    value, column, spec.zero, spec.missing, style, ledger_row.decimals
                )
            )
            if ledger_row.unit and text and isinstance(value, (int, float)):
                text = f"{text}\u00a0{ledger_row.unit}"
            align = "left" if column.format == "text" else "right"
            cells.append(Cell(text, align=align, bold=bold, italic=italic))
        rows.append(Row(cells, kind))
    full_caption = caption
    if caption and unit_caption:
        full_caption = f"{caption} ({unit_caption})"
    return RenderTable(
        columns,
        header_rows,
        rows,
        caption=full_caption,
        anchor=anchor,
        notes=notes,
        source=spec.source,
        landscape=spec.landscape,
        location=location,
    )


class RowData:
    """One row for templates: ``rad.avvikelse``, ``rad["Budget"]``, ``rad.text``."""

    def __init__(self, view: ViewData, row: ViewRow, unit_of: Callable[[ViewColumn], str | None]):
        self._view = view
        self._row = row
        self._unit_of = unit_of
        self.text = row.row.label
        self.id = row.row.key
        self.typ = row.row.kind

    def _column(self, name: str) -> ViewColumn:
        key = normalize(name)
        for column in self._view.columns:
            if key in (
                column.key,
                normalize(column.attribute),
                normalize(column.title),
                attribute_name(column.title),
            ):
                return column
        names = [c.attribute for c in self._view.columns]
        close = difflib.get_close_matches(str(name), names, n=1)
        raise KommunrapportError(
            f"tabellen {self._view.name!r} har ingen kolumn {name!r}",
            hint=(
                f"Menade du '{close[0]}'?" if close else f"Kolumnerna heter: {', '.join(names)}."
            ),
        )

    def __getitem__(self, name: str) -> Any:
        if name in ("text", "id", "typ"):
            return getattr(self, name)
        column = self._column(name)
        value = self._row.values.get(column.key)
        origin = self._view.ledger.sheet.location(self._row.row.source.ref(column.key))
        if isinstance(value, (int, float)):
            return Amount(float(value), self._unit_of(column), origin)
        if value is None:
            return Missing(origin)
        return value

    def __str__(self) -> str:
        return self.text


class TableData:
    """A view for templates: rows by Id or text, ``total`` for the last sum row."""

    def __init__(self, view: ViewData):
        self._view = view
        self.namn = view.name

    @staticmethod
    def _unit(column: ViewColumn) -> str | None:
        return column.unit

    def _wrap(self, row: ViewRow) -> RowData:
        return RowData(self._view, row, self._unit)

    @property
    def rader(self) -> list[RowData]:
        return [self._wrap(r) for r in self._view.rows if r.row.kind not in NON_VALUE_KINDS]

    @property
    def total(self) -> RowData:
        for row in reversed(self._view.rows):
            if row.row.kind == "summa":
                return self._wrap(row)
        raise KommunrapportError(
            f"tabellen {self._view.name!r} har ingen summarad (Typ summa)",
            hint='Använd tabell["radens Id"] eller lägg till en summarad i bladet.',
        )

    def __getitem__(self, key: str) -> RowData:
        if key in ("rader", "total", "namn"):
            return getattr(self, key)
        wanted = self._view.ledger.find(key).key
        for row in self._view.rows:
            if row.row.key == wanted:
                return self._wrap(row)
        raise KommunrapportError(
            f"raden {key!r} visas inte i tabellen {self._view.name!r}",
            hint="Ta med raden under 'rader:' i tabellvyn.",
        )

    def __iter__(self) -> Iterator[RowData]:
        return iter(self.rader)

    def __len__(self) -> int:
        return len(self.rader)

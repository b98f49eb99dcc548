"""A computed view as a printed table."""

from __future__ import annotations

from typing import Any

from ..data.figures import Figure, convert_decimal
from ..data.ledger import NON_VALUE_KINDS
from ..data.status_scales import StatusValue
from ..data.view_model import ViewColumn, ViewData
from ..errors import KommunrapportError, Location
from ..text.swedish_format import NumberStyle, format_number, format_percent
from .status_cells import status_cell
from .table_model import Cell, Column, RenderTable, Row, RowKind, merge_runs

MAX_SOURCE_PLACES = 6
# Rows one table may show: about 25 pages (the examples' largest has about 60). A sheet may hold
# 20,000 rows, and a table of all of them is 500 pages that Typst cannot lay out in 1 GiB and
# LibreOffice not in minutes.
MAX_TABLE_ROWS = 1_000
ROW_KIND: dict[str, RowKind] = {
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


def source_places(figure: Figure | None, column: ViewColumn, source_unit: str | None) -> int | None:
    """With ``decimaler: källan``: the decimals a value read from the sheet has there, in the
    column's unit (0,103 in a percent column: 10,3 → 1); None for a computed value."""
    if not column.source_decimals or figure is None or not figure.given:
        return None
    if column.format == "procent":
        value = figure.value * 100
    else:
        value = convert_decimal(figure.value, source_unit, column.unit)
    exponent = value.normalize().as_tuple().exponent
    return min(-exponent, MAX_SOURCE_PLACES) if isinstance(exponent, int) and exponent < 0 else 0


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
    if len(view.rows) > MAX_TABLE_ROWS:
        shown = f"{len(view.rows):,} rader; högst {MAX_TABLE_ROWS:,}".replace(",", "\u00a0")
        raise KommunrapportError(
            f"tabellen {view.name!r} har {shown} går att visa i ett dokument",
            location,
            "Välj raderna som ska visas med rader: i tabellvyn, eller dela upp tabellen.",
        )
    spec = view.spec
    sheet = view.ledger.sheet
    group_keys = [sheet.column_key(name, location) for name in spec.group_columns]
    textual = ("text", "status")  # status columns: symbol and text, left-aligned
    columns = [Column(numeric=False) for _ in group_keys]
    columns += [Column(numeric=False, weight=spec.label_width)] + [
        Column(numeric=c.format not in textual, weight=c.spec.width) for c in view.columns
    ]
    header_rows: list[list[Cell]] = []
    if group_titles:
        group_row = [Cell("") for _ in group_keys] + [Cell("")]
        used = 0
        for text, span in group_titles:
            group_row.append(Cell(text, align="center", colspan=span))
            used += span
        group_row += [Cell("") for _ in range(len(view.columns) - used)]
        header_rows.append(group_row)
    header_rows.append(
        [Cell(str(sheet.headers[sheet.keys.index(key)])) for key in group_keys]
        + [Cell(spec.label_title)]
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
        cells = [
            Cell(_group_text(ledger_row.source.get(key)), bold=bold, italic=italic)
            for key in group_keys
        ]
        cells.append(Cell(label, bold=bold, italic=italic, indent=ledger_row.level))
        for column in view.columns:
            value = view_row.values.get(column.key)
            if column.format == "status":  # symbol and text from the column's scale
                if isinstance(value, StatusValue):
                    cells.append(status_cell(value, bold=bold, italic=italic))
                else:
                    empty = "" if ledger_row.kind in NON_VALUE_KINDS else spec.missing
                    cells.append(Cell(empty, bold=bold, italic=italic))
                continue
            figure = view_row.figures.get(column.key)
            places = ledger_row.decimals
            if places is None:
                places = source_places(figure, column, spec.source_unit or spec.unit)
            text = (
                ""
                if ledger_row.kind in NON_VALUE_KINDS
                else format_value(value, column, spec.zero, spec.missing, style, places)
            )
            if ledger_row.unit and text and isinstance(value, (int, float)):
                text = f"{text}\u00a0{ledger_row.unit}"
            cells.append(
                Cell(
                    text,
                    align="left" if column.format == "text" else "right",
                    bold=bold,
                    italic=italic,
                    source=figure.describe() if figure is not None and text else None,
                )
            )
        rows.append(Row(cells, kind))
    merge_runs(rows, range(len(group_keys)))  # gruppera: equal values in a row share a cell
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
        row_header_columns=len(group_keys) + 1,
    )


def _group_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)

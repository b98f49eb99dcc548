"""Compare two versions of a workbook sheet by sheet, row by row, the way a reviewer reads them.

Rows are matched by their key, as in the data contract (docs/data-format.md): the ``Id``
column, else the ``Rad`` column, else the sheet's first column; columns are matched by their
header in row 1. So a row inserted in the middle of a sheet is one added row, not a shifted
sheet, and a changed figure is one cell: "Brandkåren, Utfall: −2 345 → −2 512".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from ..data.workbook import SheetCells
from ..text.swedish_format import format_number
from .xlsx_text import read_workbook

KEY_HEADERS = ("id", "rad")
LABEL_HEADER = "rad"
MAX_DECIMALS = 6


def _normalize(header: str) -> str:
    return " ".join(header.split()).lower()


def format_cell(value: Any) -> str:
    """A value the Swedish way: ``-2345.5`` → ``−2 345,5``; text as it is; dates ISO."""
    if value is None or value == "":
        return "(tom)"
    if isinstance(value, bool):
        return "sant" if value else "falskt"
    if isinstance(value, int | float | Decimal):
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            return str(value)
        decimals = _decimals_needed(value)
        return format_number(value, decimals)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def plain_text(value: Any) -> str:
    """A header, key or row text: trimmed text; whole numbers without separators (2021)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, datetime | date):
        return format_cell(value)
    return " ".join(str(value).split())


def _decimals_needed(value: int | float | Decimal) -> int:
    if isinstance(value, int):
        return 0
    text = format(Decimal(repr(value)) if isinstance(value, float) else value, "f")
    if "." not in text:
        return 0
    return min(len(text.split(".", 1)[1].rstrip("0")), MAX_DECIMALS)


def same_value(old: Any, new: Any) -> bool:
    if old in (None, "") and new in (None, ""):
        return True
    numeric = (int, float, Decimal)
    if (
        isinstance(old, numeric)
        and isinstance(new, numeric)
        and not isinstance(old, bool)
        and not isinstance(new, bool)
    ):
        return math.isclose(float(old), float(new), rel_tol=1e-12, abs_tol=1e-9)
    return type(old) is type(new) and old == new


@dataclass
class KeyedSheet:
    """A sheet as header names and rows keyed the way the data contract keys them."""

    name: str
    headers: list[str]  # display names, in column order
    columns: dict[str, int]  # header → column number
    rows: dict[str, dict[str, Any]]  # row key → header → value
    row_numbers: dict[str, int]  # row key → Excel row number
    labels: dict[str, str]  # row key → text shown for the row


def key_sheet(sheet: SheetCells) -> KeyedSheet:
    grouped = sheet.rows()
    if not grouped:
        return KeyedSheet(sheet.name, [], {}, {}, {}, {})
    header_row = min(grouped)
    headers: list[str] = []
    columns: dict[str, int] = {}
    for column, cell in sorted(grouped[header_row].items()):
        name = plain_text(cell.value) or get_column_letter(column)
        while name in columns:
            name += "′"
        headers.append(name)
        columns[name] = column
    lookup = {_normalize(h): h for h in headers}
    key_header = next((lookup[k] for k in KEY_HEADERS if k in lookup), headers[0])
    label_header = lookup.get(LABEL_HEADER, key_header)
    by_column = {number: name for name, number in columns.items()}

    rows: dict[str, dict[str, Any]] = {}
    row_numbers: dict[str, int] = {}
    labels: dict[str, str] = {}
    for row_number in sorted(grouped):
        if row_number == header_row:
            continue
        values: dict[str, Any] = {}
        for column, cell in grouped[row_number].items():
            name = by_column.get(column) or get_column_letter(column)
            if name not in columns:
                columns[name] = column
                headers.append(name)
                by_column[column] = name
            values[name] = cell.value
        raw_key = values.get(key_header)
        key = plain_text(raw_key) or f"rad {row_number}"
        unique, counter = key, 2
        while unique in rows:
            unique, counter = f"{key} ({counter})", counter + 1
        rows[unique] = values
        row_numbers[unique] = row_number
        label = values.get(label_header)
        labels[unique] = plain_text(label) or unique
    counts: dict[str, int] = {}
    for text in labels.values():
        counts[text] = counts.get(text, 0) + 1
    for key, text in labels.items():
        if counts[text] > 1 and text != key:
            labels[key] = f"{text} ({key})"
    return KeyedSheet(sheet.name, headers, columns, rows, row_numbers, labels)


@dataclass(frozen=True)
class CellChange:
    row: str  # the row's label
    column: str
    cell: str  # reference in the new version, e.g. "D7"
    old: Any
    new: Any


@dataclass(frozen=True)
class RowChange:
    row: str
    excel_row: int
    values: tuple[tuple[str, Any], ...]  # (header, value) of the row's non-empty cells


@dataclass
class SheetDiff:
    workbook: str
    sheet: str
    status: str = "ändrat"  # "ändrat", "nytt" or "borttaget"
    cells: list[CellChange] = field(default_factory=list)
    added_rows: list[RowChange] = field(default_factory=list)
    removed_rows: list[RowChange] = field(default_factory=list)
    added_columns: list[str] = field(default_factory=list)
    removed_columns: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(
            self.status != "ändrat"
            or self.cells
            or self.added_rows
            or self.removed_rows
            or self.added_columns
            or self.removed_columns
        )


def _row_change(sheet: KeyedSheet, key: str) -> RowChange:
    values = tuple(
        (header, value)
        for header, value in sorted(
            sheet.rows[key].items(), key=lambda item: sheet.columns.get(item[0], 0)
        )
        if value not in (None, "")
    )
    return RowChange(sheet.labels[key], sheet.row_numbers[key], values)


def compare_sheets(workbook: str, old: KeyedSheet, new: KeyedSheet) -> SheetDiff:
    diff = SheetDiff(workbook, new.name)
    old_headers, new_headers = set(old.headers), set(new.headers)
    diff.added_columns = [h for h in new.headers if h not in old_headers]
    diff.removed_columns = [h for h in old.headers if h not in new_headers]
    common = [h for h in new.headers if h in old_headers]
    for key in new.rows:
        if key not in old.rows:
            diff.added_rows.append(_row_change(new, key))
            continue
        before, after = old.rows[key], new.rows[key]
        for header in common:
            if not same_value(before.get(header), after.get(header)):
                reference = f"{get_column_letter(new.columns[header])}{new.row_numbers[key]}"
                diff.cells.append(
                    CellChange(
                        new.labels[key], header, reference, before.get(header), after.get(header)
                    )
                )
    diff.removed_rows = [_row_change(old, key) for key in old.rows if key not in new.rows]
    return diff


def compare_workbooks(name: str, old: Path | None, new: Path | None) -> list[SheetDiff]:
    """The changes between two versions of a workbook (``None``: the file does not exist)."""
    old_sheets = {s.name: key_sheet(s) for s in read_workbook(old, name)} if old else {}
    new_sheets = {s.name: key_sheet(s) for s in read_workbook(new, name)} if new else {}
    diffs: list[SheetDiff] = []
    for sheet_name, sheet in new_sheets.items():
        if sheet_name not in old_sheets:
            added = SheetDiff(name, sheet_name, "nytt")
            added.added_rows = [_row_change(sheet, k) for k in sheet.rows]
            diffs.append(added)
            continue
        diff = compare_sheets(name, old_sheets[sheet_name], sheet)
        if diff:
            diffs.append(diff)
    for sheet_name, sheet in old_sheets.items():
        if sheet_name not in new_sheets:
            removed = SheetDiff(name, sheet_name, "borttaget")
            removed.removed_rows = [_row_change(sheet, k) for k in sheet.rows]
            diffs.append(removed)
    return diffs

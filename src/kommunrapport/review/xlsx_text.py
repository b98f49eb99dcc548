"""A workbook as stable, line-based text: one line per non-empty cell.

Used as a git *textconv* driver so that ``git diff`` and ``git log -p`` show an ``.xlsx`` cell by
cell instead of "Binary files differ", and by ``kommunrapport diff`` to read sheets. The text
depends only on the sheet names, cell references and values, never on styles, shared-string order
or the time of saving, so saving the same figures again gives the same text.

    'Drift nämnd'!B4 = -28416.4
    'Drift nämnd'!D4 = 1230 [formel =B4-C4]
    Personal!A2 = "Kvinnor"
    Personal!C2 = 2023-01-31
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from ..errors import KommunrapportError, Location

_PLAIN_SHEET_NAME = re.compile(r"^[A-Za-z_ÅÄÖåäö][\wÅÄÖåäö.]*$")


@dataclass(frozen=True)
class CellValue:
    """One non-empty cell: its value (cached value for a formula) and its formula, if any."""

    row: int
    column: int
    value: Any
    formula: str | None = None

    @property
    def reference(self) -> str:
        return f"{get_column_letter(self.column)}{self.row}"


@dataclass
class SheetCells:
    name: str
    cells: list[CellValue]

    def rows(self) -> dict[int, dict[int, CellValue]]:
        """Cells grouped by row number, then by column number."""
        grouped: dict[int, dict[int, CellValue]] = {}
        for cell in self.cells:
            grouped.setdefault(cell.row, {})[cell.column] = cell
        return grouped


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value == "")


def _is_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("=") and len(value) > 1


def _iter_values(sheet: Any) -> Iterator[tuple[int, int, Any]]:
    for row_index, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        for column_index, value in enumerate(row, start=1):
            if not _is_empty(value):
                yield row_index, column_index, value


def read_workbook(path: Path, display: str | None = None) -> list[SheetCells]:
    """Every sheet's non-empty cells in workbook order, row by row, left to right.

    A formula cell carries both the formula and the value Excel last calculated (None when the
    file was written by a program that does not calculate, e.g. openpyxl).
    """
    shown = display or str(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about unsupported extensions
            formulas = load_workbook(path, read_only=True, data_only=False)
            cached = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise KommunrapportError(
            "arbetsboken finns inte", Location(shown), "Kontrollera filnamnet."
        ) from None
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException …
        raise KommunrapportError(
            f"filen kan inte läsas som en Excel-arbetsbok (.xlsx): {exc}",
            Location(shown),
            "Spara filen i Excel-format (.xlsx). Är den en Git LFS-pekare? Kör 'git lfs pull'.",
        ) from None
    try:
        sheets: list[SheetCells] = []
        for name in formulas.sheetnames:
            values = {(r, c): v for r, c, v in _iter_values(cached[name])}
            cells: list[CellValue] = []
            for row, column, raw in _iter_values(formulas[name]):
                if not isinstance(raw, str) and isinstance(getattr(raw, "text", None), str):
                    raw = raw.text  # an array formula
                if _is_formula(raw):
                    cells.append(CellValue(row, column, values.get((row, column)), raw))
                else:
                    cells.append(CellValue(row, column, raw))
            sheets.append(SheetCells(name, cells))
        return sheets
    finally:
        formulas.close()
        cached.close()


def sheet_reference(name: str) -> str:
    """A sheet name as Excel writes it in a reference: quoted when it has spaces etc."""
    if _PLAIN_SHEET_NAME.match(name):
        return name
    return "'" + name.replace("'", "''") + "'"


def format_value(value: Any) -> str:
    """A stable text for a cell value: numbers in Python's shortest round-trip form, text in
    double quotes (so the number 2022 and the text "2022" differ), dates in ISO 8601."""
    if value is None:
        return "(inget beräknat värde)"
    if isinstance(value, bool):
        return "SANT" if value else "FALSKT"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds" if not value.microsecond else "microseconds")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return f"{value.total_seconds():g} s"
    return json.dumps(str(value), ensure_ascii=False)


def cell_line(sheet: str, cell: CellValue) -> str:
    text = f"{sheet_reference(sheet)}!{cell.reference} = "
    if cell.formula is None:
        return text + format_value(cell.value)
    if cell.value is None:
        return text + cell.formula
    return text + f"{format_value(cell.value)} [formel {cell.formula}]"


def workbook_text(path: Path, display: str | None = None) -> str:
    """The whole workbook as text, one line per non-empty cell, sheets in workbook order."""
    lines: list[str] = []
    for sheet in read_workbook(path, display):
        if not sheet.cells:
            lines.append(f"{sheet_reference(sheet.name)} (tomt blad)")
        lines.extend(cell_line(sheet.name, cell) for cell in sheet.cells)
    return "\n".join(lines) + ("\n" if lines else "")

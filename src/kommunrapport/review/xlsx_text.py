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
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..data.workbook import CellValue, SheetCells, read_all_cells

_PLAIN_SHEET_NAME = re.compile(r"^[A-Za-z_ÅÄÖåäö][\wÅÄÖåäö.]*$")


def read_workbook(path: Path, display: str | None = None) -> list[SheetCells]:
    """Every sheet's non-empty cells (data.workbook reads them, with its bounds)."""
    return read_all_cells(path, display or str(path))


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
    text = f"{sheet_reference(sheet)}!{cell.ref} = "
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

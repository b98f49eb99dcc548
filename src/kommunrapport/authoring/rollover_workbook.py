"""Roll-over of workbooks: year columns move on, the old period's figures are emptied.

Part of ``kommunrapport new --från`` (see :mod:`.rollover`): each sheet that a table view reads
keeps its rows; a column whose header names a year gets the next year and the figures the old
package has under that header; a previous-year column is filled from the old period's column;
the other value columns are emptied so that no old figure is printed as a new one.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..data.workbook import RESERVED, normalize, open_for_editing
from ..data.xlsx_stream import is_formula
from ..project.package import CONFIG_NAME
from ..project.yaml_lines import load_yaml_file
from .rollover_text import YearShifter

CLEARED_TEXT_COLUMNS = {"kommentar"}
PREVIOUS_YEAR = re.compile(r"^(?P<base>.*?)\s+(?:föregående år|fg\.? år|fjolåret|i fjol)$", re.I)
OUTCOME_COLUMNS = ("utfall", "bokslut", "utfall helår")


def normalize_header(header: Any) -> str:
    return normalize(header) if header is not None else ""


def _column_values(sheet: Any, column: int) -> list[Any]:
    return [sheet.cell(row, column).value for row in range(2, sheet.max_row + 1)]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def roll_sheet(sheet: Any, shifter: YearShifter, where: str) -> list[str]:
    """Shift the year columns of one sheet and empty the old period's figures."""
    if sheet.max_row < 1 or sheet.max_column < 1:
        return []
    headers = {c: sheet.cell(1, c).value for c in range(1, sheet.max_column + 1)}
    by_name = {normalize_header(h): c for c, h in headers.items() if h not in (None, "")}
    old_values = {c: _column_values(sheet, c) for c in headers}
    old_year = str(shifter.old_year)
    reserved = set(RESERVED)
    filled: list[str] = []
    emptied: list[str] = []
    moved: list[str] = []
    for column, header in headers.items():
        name = normalize_header(header)
        if not name or name in reserved:
            continue
        years = shifter.years_in(str(header if not isinstance(header, float) else int(header)))
        if years:
            new_header = shifter.shift_header(header)
            new_name = normalize_header(new_header)
            source = by_name.get(new_name)
            if source is None and old_year in new_name.split():
                # "Utfall 2022" in the new sheet: the old sheet's "Utfall" (without a year)
                undated = " ".join(w for w in new_name.split() if w != old_year)
                candidate = by_name.get(undated)
                if candidate is not None and not shifter.years_in(undated):
                    source = candidate
            sheet.cell(1, column).value = new_header
            values = old_values[source] if source is not None else [None] * len(old_values[column])
            for offset, value in enumerate(values, start=2):
                sheet.cell(offset, column).value = value
            moved.append(f"{header} → {new_header}")
            if source is None:
                emptied.append(str(new_header))
            elif normalize_header(headers[source]) == new_name:
                filled.append(str(new_header))
            else:
                filled.append(f"{new_header} (från {headers[source]})")
            continue
        previous = PREVIOUS_YEAR.match(name)
        if previous:
            base = previous.group("base")
            source = next(
                (by_name[c] for c in (base, *OUTCOME_COLUMNS) if c in by_name and c != name),
                None,
            )
            if source is not None:
                for offset, value in enumerate(old_values[source], start=2):
                    sheet.cell(offset, column).value = value
                filled.append(f"{header} (från {headers[source]})")
            continue
        cleared = False
        for row in range(2, sheet.max_row + 1):
            cell = sheet.cell(row, column)
            if (
                _is_number(cell.value)
                or is_formula(cell.value)
                or (name in CLEARED_TEXT_COLUMNS and cell.value not in (None, ""))
            ):
                cell.value = None
                cleared = True
        if cleared:
            emptied.append(str(header))
    notes: list[str] = []
    if moved:
        notes.append(f"{where}: årskolumner flyttade: {', '.join(moved)}")
    if filled:
        notes.append(f"{where}: med föregående periods siffror: {', '.join(filled)}")
    if emptied:
        notes.append(f"{where}: tömda, fyll i den nya periodens siffror: {', '.join(emptied)}")
    return notes


def table_sheets(package_dir: Path) -> set[tuple[str, str]]:
    """(workbook, sheet), lower case, of every table view: the sheets whose figures belong to
    one period. Goal and internal-control sheets are not among them."""
    specs: list[Any] = []
    for name, key in (("tabeller.yaml", None), (CONFIG_NAME, "tabeller")):
        path = package_dir / name
        if not path.is_file():
            continue
        data = load_yaml_file(path, path.name).data or {}
        if key is not None:
            data = data.get(key) or {} if isinstance(data, dict) else {}
        if isinstance(data, dict):
            specs += list(data.values())
    found: set[tuple[str, str]] = set()
    for spec in specs:
        sheet = spec.get("blad") if isinstance(spec, dict) else None
        if isinstance(sheet, str) and "/" in sheet:
            book, _, name = sheet.partition("/")
            found.add((book.strip().lower(), " ".join(name.split()).lower()))
    return found


def roll_workbook(
    path: Path, shifter: YearShifter, display: str, sheets: set[str] | None = None
) -> list[str]:
    """Roll the sheets named in ``sheets`` (lower case; None: every sheet) of a workbook."""
    workbook = open_for_editing(path, display)
    notes: list[str] = []
    for sheet in workbook.worksheets:
        if sheets is not None and " ".join(sheet.title.split()).lower() not in sheets:
            continue
        notes += roll_sheet(sheet, shifter, f"{display}, blad {sheet.title}")
    workbook.save(path)
    return notes

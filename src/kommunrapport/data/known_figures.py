"""Every figure of a package, for the check of amounts typed in the text."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..errors import KommunrapportError
from ..text.amounts import CURRENCY_FACTORS
from .view_model import ViewData
from .workbook import WorkbookReader, is_number


def known_amounts_kr(views: Iterable[ViewData]) -> list[float]:
    """Every figure in the views, in kronor where the unit is known."""
    values: list[float] = []
    for view in views:
        unit_factor = CURRENCY_FACTORS.get(view.spec.unit or "", None)
        for row in view.rows:
            for column in view.columns:
                value = row.values.get(column.key)
                if isinstance(value, (int, float)) and column.format == "tal":
                    factor = CURRENCY_FACTORS.get(column.unit or "", unit_factor)
                    if factor:
                        values.append(abs(value) * factor)
    return values


def known_numbers(reader: WorkbookReader, data_dir: Path) -> list[float]:
    """Every plain number in every workbook (cells of all sheets), for percent literals."""
    numbers: list[float] = []
    if not data_dir.is_dir():
        return numbers
    for path in sorted(data_dir.glob("*.xlsx")):
        for name in reader.sheets_of(path.name):
            try:
                sheet = reader.sheet(f"{path.name}/{name}")
            except KommunrapportError:
                continue
            for row in sheet.rows:
                for cell in row.cells.values():
                    if is_number(cell.value):
                        numbers.append(abs(float(cell.value)))
    return numbers

"""A sheet as the rest of the toolkit sees it: headers, rows and cells with their places.

Every value keeps its cell, so any later problem can say "data/ekonomi.xlsx, blad Drift, cell
D7". ``data.workbook`` fills these from the xlsx files.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from ..errors import KommunrapportError, Location
from .cell_refs import column_letter

RESERVED = (
    "id",
    "rad",
    "nivå",
    "typ",
    "förälder",
    "summerar",
    "stil",
    "not",
    "decimaler",
    "radenhet",
)


def normalize(name: Any) -> str:
    """Header text as a lookup key: trimmed, lower case, inner whitespace collapsed."""
    if type(name) is str:
        return _normalized_text(name)
    if isinstance(name, float) and name.is_integer():
        name = int(name)
    return " ".join(str(name).split()).lower()


@lru_cache(maxsize=4096)
def _normalized_text(name: str) -> str:
    # remembered: the same few headers are looked up ~19,000 times in a build of Kalmar
    return " ".join(name.split()).lower()


def attribute_name(name: str) -> str:
    """A column as a template attribute: 'Utfall period' → 'utfall_period'."""
    return normalize(name).replace(" ", "_").replace("-", "_").replace("%", "procent")


@dataclass(frozen=True)
class CellValue:
    """One cell of a sheet: its place, its value (a formula's last calculated value) and the
    formula itself, if any."""

    row: int
    column: int
    value: Any  # int, float, str, date or None
    formula: str | None = None

    @property
    def ref(self) -> str:  # "D7"
        return f"{column_letter(self.column)}{self.row}"


@dataclass
class SheetCells:
    """Every non-empty cell of a sheet, in order (the git textconv and ``diff`` read these)."""

    name: str
    cells: list[CellValue]

    def rows(self) -> dict[int, dict[int, CellValue]]:
        """Cells grouped by row number, then by column number."""
        grouped: dict[int, dict[int, CellValue]] = {}
        for cell in self.cells:
            grouped.setdefault(cell.row, {})[cell.column] = cell
        return grouped


@dataclass
class SheetRow:
    excel_row: int
    cells: dict[str, CellValue]  # normalized header → value

    def get(self, key: str) -> Any:
        cell = self.cells.get(key)
        return cell.value if cell else None

    def ref(self, key: str) -> str | None:
        cell = self.cells.get(key)
        return cell.ref if cell else None


@dataclass
class Sheet:
    """One table of data: headers in order and the rows under them."""

    workbook: str  # as the user sees it, e.g. content/x/data/ekonomi.xlsx
    name: str
    headers: list[str]  # as written
    rows: list[SheetRow] = field(default_factory=list)

    @property
    def keys(self) -> list[str]:
        return [normalize(h) for h in self.headers]

    def location(self, cell: str | None = None, row: int | None = None) -> Location:
        return Location(self.workbook, sheet=self.name, cell=cell, row=row)

    def has_column(self, name: str) -> bool:
        return normalize(name) in self.keys

    def column_key(self, name: str, used_at: Location | None = None) -> str:
        key = normalize(name)
        if key in self.keys:
            return key
        close = difflib.get_close_matches(key, self.keys, n=1)
        hint = (
            f"Menade du '{self.headers[self.keys.index(close[0])]}'?"
            if close
            else f"Kolumnerna är: {', '.join(str(h) for h in self.headers)}."
        )
        raise KommunrapportError(
            f"kolumnen {name!r} finns inte i blad {self.name} ({self.workbook})",
            used_at or self.location(),
            hint,
        )


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def describe(value: Any) -> str:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return f'"{value}"' if isinstance(value, str) else repr(value)

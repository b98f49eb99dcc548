"""Read the package's xlsx workbooks into typed sheets, with precise error places.

A sheet (or an Excel table, or a named range) is read as a header row plus data rows. Every
value keeps its cell reference, so any later problem can say "data/ekonomi.xlsx, blad Drift,
cell D7". A formula without a cached value (the workbook was never opened and saved in Excel or
LibreOffice) is an error, since its value cannot be known.
"""

from __future__ import annotations

import difflib
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

from ..errors import KommunrapportError, Location

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
    if isinstance(name, float) and name.is_integer():
        name = int(name)
    return " ".join(str(name).split()).lower()


def attribute_name(name: str) -> str:
    """A column as a template attribute: 'Utfall period' → 'utfall_period'."""
    return normalize(name).replace(" ", "_").replace("-", "_").replace("%", "procent")


@dataclass(frozen=True)
class CellValue:
    value: Any  # int, float, str, date or None
    ref: str  # "D7"


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


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        stripped = value.strip()
        return stripped or None
    if isinstance(value, datetime):
        return value.date() if (value.hour, value.minute, value.second) == (0, 0, 0) else value
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return value
    return value


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet of an xlsx file holds a formula (an ``<f>`` element)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return any(
                re.search(rb"<(?:\w+:)?f[ >/]", archive.read(name))
                for name in archive.namelist()
                if name.startswith("xl/worksheets/") and name.endswith(".xml")
            )
    except (OSError, zipfile.BadZipFile):
        return True  # let openpyxl report what is wrong with the file


class WorkbookReader:
    """Loads workbooks once per build and hands out sheets by 'file.xlsx/Sheet' names."""

    def __init__(self, data_dir: Path, display: Any):
        self.data_dir = data_dir
        self.display = display  # Path -> str
        self._books: dict[Path, tuple[Any, Any]] = {}
        self._sheets: dict[tuple[str, str], Sheet] = {}

    def _load(self, path: Path, location: Location | None) -> tuple[Any, Any]:
        if path not in self._books:
            if not path.is_file():
                raise KommunrapportError(
                    f"arbetsboken {self.display(path)} finns inte",
                    location,
                    "Lägg arbetsboken i paketets mapp data/ eller rätta namnet.",
                )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    values = load_workbook(path, data_only=True)
                    # the formulas are only needed to tell an uncalculated formula from an
                    # empty cell; most exported workbooks have none, so look before loading
                    formulas = load_workbook(path, data_only=False) if _has_formulas(path) else None
                except Exception as exc:  # openpyxl raises many kinds for a broken file
                    raise KommunrapportError(
                        f"arbetsboken kan inte läsas: {exc}",
                        Location(self.display(path)),
                        "Spara om filen som .xlsx i Excel eller LibreOffice.",
                    ) from None
            self._books[path] = (values, formulas)
        return self._books[path]

    def workbook_path(self, file_name: str, location: Location | None) -> Path:
        path = (self.data_dir / file_name).resolve()
        if self.data_dir.resolve() not in path.parents:
            raise KommunrapportError(
                f"arbetsboken {file_name!r} ligger utanför paketets data/",
                location,
                "Ange arbetsboken med namn, t.ex. ekonomi.xlsx/Blad1.",
            )
        return path

    def sheet(self, reference: str, location: Location | None = None) -> Sheet:
        """``'ekonomi.xlsx/Drift nämnd'``: a sheet, an Excel table or a named range."""
        if "/" not in reference:
            raise KommunrapportError(
                f"bladreferensen {reference!r} saknar arbetsbok",
                location,
                "Skriv arbetsbok och blad med snedstreck: ekonomi.xlsx/Drift nämnd.",
            )
        file_name, sheet_name = reference.split("/", 1)
        key = (file_name, sheet_name)
        if key not in self._sheets:
            path = self.workbook_path(file_name, location)
            values, formulas = self._load(path, location)
            self._sheets[key] = self._read(path, values, formulas, sheet_name, location)
        return self._sheets[key]

    def sheets_of(self, file_name: str) -> list[str]:
        path = self.workbook_path(file_name, None)
        values, _ = self._load(path, None)
        return list(values.sheetnames)

    def _area(
        self, values: Any, name: str, path: Path, location: Location | None
    ) -> tuple[Any, Any, tuple[int, int, int, int] | None]:
        if name in values.sheetnames:
            return values[name], name, None
        for worksheet in values.worksheets:
            if name in worksheet.tables:
                return worksheet, worksheet.title, _bounds(worksheet.tables[name].ref)
        if name in values.defined_names:
            for sheet_title, ref in values.defined_names[name].destinations:
                return values[sheet_title], sheet_title, _bounds(ref.replace("$", ""))
        close = difflib.get_close_matches(name, values.sheetnames, n=1)
        hint = (
            f"Menade du '{close[0]}'?" if close else f"Bladen är: {', '.join(values.sheetnames)}."
        )
        raise KommunrapportError(
            f"bladet {name!r} finns inte i {self.display(path)}", location, hint
        )

    def _read(
        self, path: Path, values: Any, formulas: Any, name: str, location: Location | None
    ) -> Sheet:
        worksheet, title, bounds = self._area(values, name, path, location)
        formula_sheet = formulas[title] if formulas is not None else None
        min_col, min_row, max_col, max_row = bounds or (
            1,
            1,
            worksheet.max_column,
            worksheet.max_row,
        )
        display = self.display(path)
        header_cells = [
            worksheet.cell(row=min_row, column=c).value for c in range(min_col, max_col + 1)
        ]
        while header_cells and header_cells[-1] in (None, ""):
            header_cells.pop()
        headers: list[str] = []
        for offset, text in enumerate(header_cells):
            ref = f"{get_column_letter(min_col + offset)}{min_row}"
            if text in (None, ""):
                raise KommunrapportError(
                    "rubrikraden har en tom cell",
                    Location(display, sheet=name, cell=ref),
                    "Ge varje kolumn en rubrik på rad 1 (eller ta bort den tomma kolumnen).",
                )
            label = str(int(text)) if isinstance(text, float) and text.is_integer() else str(text)
            if normalize(label) in (normalize(h) for h in headers):
                raise KommunrapportError(
                    f"rubriken {label!r} förekommer två gånger",
                    Location(display, sheet=name, cell=ref),
                    "Ge kolumnerna olika rubriker.",
                )
            headers.append(label.strip())
        sheet = Sheet(display, name, headers)
        keys = sheet.keys
        for row_number in range(min_row + 1, max_row + 1):
            cells: dict[str, CellValue] = {}
            empty = True
            for offset, key in enumerate(keys):
                column = min_col + offset
                ref = f"{get_column_letter(column)}{row_number}"
                value = _clean(worksheet.cell(row=row_number, column=column).value)
                if value is None and formula_sheet is not None:
                    raw = formula_sheet.cell(row=row_number, column=column).value

                    if isinstance(raw, str) and raw.startswith("="):
                        raise KommunrapportError(
                            f"formeln {raw} saknar sparat värde",
                            Location(display, sheet=name, cell=ref),
                            "Öppna arbetsboken i Excel eller LibreOffice och spara den, så "
                            "att formelns resultat sparas i filen.",
                        )
                else:
                    empty = False
                cells[key] = CellValue(value, ref)
            if not empty:
                sheet.rows.append(SheetRow(row_number, cells))
        return sheet


def _bounds(ref: str) -> tuple[int, int, int, int]:
    """(min_col, min_row, max_col, max_row) of a range such as ``A1:F20``; a whole column or
    row (``A:F``, ``1:20``) has no such corners and cannot be a table."""
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    if min_col is None or min_row is None or max_col is None or max_row is None:
        raise KommunrapportError(
            f"området {ref!r} saknar hörn (hela kolumner eller rader)",
            hint="Ge det namngivna området eller tabellen ett område med hörn, t.ex. A1:F20.",
        )
    return min_col, min_row, max_col, max_row


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def describe(value: Any) -> str:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return f'"{value}"' if isinstance(value, str) else repr(value)

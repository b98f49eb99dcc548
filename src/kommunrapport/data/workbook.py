"""Read the package's xlsx workbooks into typed sheets, with precise error places.

A sheet (or an Excel table, or a named range) is read as a header row plus data rows. Every
value keeps its cell reference, so any later problem can say "data/ekonomi.xlsx, blad Drift,
cell D7". A formula without a cached value (the workbook was never opened and saved in Excel or
LibreOffice) is an error, since its value cannot be known.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import warnings
import weakref
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import Findings, KommunrapportError, Location
from ..project.openpyxl_import import import_openpyxl_without_numpy
from ..project.source_files import SourceFiles, find_control_character
from .book_snapshot import BookSnapshot
from .cell_refs import column_letter, range_bounds
from .sheets import (  # noqa: F401  (re-exported: the place callers look)
    RESERVED,
    CellValue,
    Sheet,
    SheetCells,
    SheetRow,
    attribute_name,
    describe,
    is_number,
    normalize,
)
from .xlsx_stream import (
    MAX_COLUMNS,
    MAX_ROWS,
    StreamedCell,
    check_archive,
    open_book,
    stream_cells,
)


def read_all_cells(path: Path, shown: str) -> list[SheetCells]:
    """Every sheet's non-empty cells in workbook order, row by row, left to right; a formula
    cell carries its formula and the value Excel last calculated (None if never calculated).
    Read with the same bounds as a build's sheets."""
    if not path.is_file():
        raise KommunrapportError(
            "arbetsboken finns inte", Location(shown), "Kontrollera filnamnet."
        )
    book = open_book(path, shown)
    try:
        return [
            SheetCells(
                title,
                [
                    CellValue(c.row, c.column, c.value, c.formula)
                    for row in stream_cells(book, title, shown, keep_blank_text=True)
                    for c in row
                ],
            )
            for title in book.sheetnames
        ]
    finally:
        book.close()


def open_for_editing(path: Path, shown: str) -> Any:
    """A whole workbook that can be changed and saved (``new --från``), after the same bounds
    checks as a read: the zip's size, and each sheet's used range."""
    check_archive(path, shown)
    import_openpyxl_without_numpy()
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(path)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise KommunrapportError(
            f"arbetsboken kan inte läsas: {exc}",
            Location(shown),
            "Spara filen i Excel-format (.xlsx) och försök igen.",
        ) from None
    for sheet in book.worksheets:
        if sheet.max_row > MAX_ROWS or sheet.max_column > MAX_COLUMNS:
            corner = f"{column_letter(sheet.max_column)}{sheet.max_row}"
            raise KommunrapportError(
                f"bladet går ända till cell {corner}, långt utanför en rapporttabell",
                Location(shown, sheet=sheet.title, cell=corner),
                "Ta bort innehåll och formatering långt ner eller långt till höger i bladet.",
            )
    return book


def _clean(value: Any, display: str = "", sheet: str = "", cell: Any = None) -> Any:
    if isinstance(value, str):
        stripped = value.strip()
        if stripped and find_control_character(stripped) is not None and cell is not None:
            raise KommunrapportError(
                "cellen innehåller ett styrtecken (ett osynligt tecken som inte kan skrivas ut)",
                Location(display, sheet=sheet, cell=cell.ref),
                "Skriv om texten i cellen; styrtecken följer ofta med när text klistras in.",
            )
        return stripped or None
    if isinstance(value, datetime):
        return value.date() if (value.hour, value.minute, value.second) == (0, 0, 0) else value
    return value


class WorkbookReader:
    """Opens workbooks once per build (read-only, through the package's files) and hands out
    sheets by 'file.xlsx/Sheet' names, each read as a bounded stream of its rows, or from the
    cache where the same file was read before (:mod:`book_snapshot`)."""

    def __init__(
        self,
        data_dir: Path,
        display: Any,
        files: SourceFiles | None = None,
        findings: Findings | None = None,
    ):
        self.data_dir = data_dir
        self.display = display  # Path -> str
        self.files = files
        self.findings = findings
        self._books: dict[Path, BookSnapshot] = {}
        self._sheets: dict[tuple[str, str], Sheet] = {}
        weakref.finalize(self, _close_all, self._books)

    def _load(self, path: Path, location: Location | None) -> BookSnapshot:
        if path not in self._books:
            exists = self.files.exists(path, location) if self.files else path.is_file()
            if not exists:
                raise KommunrapportError(
                    f"arbetsboken {self.display(path)} finns inte",
                    location,
                    "Lägg arbetsboken i paketets mapp data/ eller rätta namnet.",
                )
            self._books[path] = BookSnapshot(path, self.display(path))
        return self._books[path]

    def workbook_path(self, file_name: str, location: Location | None) -> Path:
        base = Path(os.path.normpath(os.path.abspath(self.data_dir)))
        path = Path(os.path.normpath(base / file_name))
        if not path.is_relative_to(base) or path == base:
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
            book = self._load(path, location)
            self._sheets[key] = self._read(path, book, sheet_name, location)
        return self._sheets[key]

    def sheets_of(self, file_name: str) -> list[str]:
        path = self.workbook_path(file_name, None)
        return list(self._load(path, None).sheetnames)

    def _area(
        self, book: BookSnapshot, name: str, path: Path, location: Location | None
    ) -> tuple[str, tuple[int, int, int, int] | None]:
        if name in book.sheetnames:
            return name, None
        for title in book.sheetnames:
            tables = book.tables(title)
            if name in tables:
                return title, _bounds(tables[name])
        if book.has_defined_name(name):
            for sheet_title, ref in book.destinations(name):
                return sheet_title, _bounds(ref.replace("$", ""))
        close = difflib.get_close_matches(name, book.sheetnames, n=1)
        hint = f"Menade du '{close[0]}'?" if close else f"Bladen är: {', '.join(book.sheetnames)}."
        raise KommunrapportError(
            f"bladet {name!r} finns inte i {self.display(path)}", location, hint
        )

    def _read(self, path: Path, book: BookSnapshot, name: str, location: Location | None) -> Sheet:
        title, bounds = self._area(book, name, path, location)
        display = self.display(path)
        if title not in book.sheetnames:
            raise KommunrapportError(
                f"området {name!r} pekar på bladet {title!r}, som inte finns",
                Location(display),
                "Rätta det namngivna området i Excel (Formler → Namnhanteraren).",
            )
        min_col, min_row, max_col, max_row = bounds or (1, 1, MAX_COLUMNS, MAX_ROWS)
        rows: list[tuple[int, dict[int, StreamedCell]]] = []
        for streamed in book.rows(title):
            if not streamed or not min_row <= streamed[0].row <= max_row:
                continue
            inside = {c.column: c for c in streamed if min_col <= c.column <= max_col}
            rows.append((streamed[0].row, inside))
        header_row = rows[0][1] if rows and rows[0][0] == min_row else {}
        headers = _headers(header_row, min_col, min_row, display, name)
        sheet = Sheet(display, name, headers)
        keys = sheet.keys
        for row_number, inside in rows:
            if row_number == min_row:
                continue
            cells: dict[str, CellValue] = {}
            empty = True
            for offset, key in enumerate(keys):
                column = min_col + offset
                found = inside.get(column)
                value = _clean(found.value, display, name, found) if found else None
                if value is None and found is not None and found.formula:
                    raise KommunrapportError(
                        f"formeln {found.formula} saknar sparat värde",
                        Location(display, sheet=name, cell=found.ref),
                        "Öppna arbetsboken i Excel eller LibreOffice och spara den, så "
                        "att formelns resultat sparas i filen.",
                    )
                if value is not None:
                    empty = False
                formula = found.formula if found else None
                cells[key] = CellValue(row_number, column, value, formula)
            if not empty:
                sheet.rows.append(SheetRow(row_number, cells))
        self._notes(book, title, name, display, sheet, (min_col, min_row, max_col, max_row))
        return sheet

    def _notes(
        self,
        book: BookSnapshot,
        title: str,
        name: str,
        display: str,
        sheet: Sheet,
        bounds: tuple[int, int, int, int],
    ) -> None:
        """Warnings for what Excel shows differently from what is read: hidden rows (read
        as any other row) and merged cells (only the first cell has the value)."""
        if self.findings is None:
            return
        notes = book.notes(title)
        read = {row.excel_row for row in sheet.rows}
        for number in notes.hidden_rows:
            if number in read:
                self.findings.warn(
                    "dold-rad",
                    f"rad {number} är dold i Excel men läses som de andra raderna",
                    Location(display, sheet=name, row=number),
                    "Ta bort raden om den inte ska med, eller visa den i Excel.",
                )
        min_col, min_row, max_col, max_row = bounds
        for ref in notes.merged:
            first_col, first_row, last_col, last_row = range_bounds(ref)
            if first_col is None or first_row is None or last_col is None or last_row is None:
                continue
            if (
                last_col < min_col
                or first_col > max_col
                or last_row < min_row
                or first_row > max_row
            ):
                continue
            self.findings.warn(
                "sammanfogade-celler",
                f"cellerna {ref} är sammanfogade; bara den första har ett värde, de andra läses "
                "som tomma",
                Location(display, sheet=name, cell=ref),
                "Dela upp de sammanfogade cellerna och skriv värdet i varje cell som ska ha det.",
            )


def _close_all(books: dict[Path, BookSnapshot]) -> None:
    for book in books.values():
        with contextlib.suppress(Exception):
            book.close()


def _headers(
    row: dict[int, StreamedCell], min_col: int, min_row: int, display: str, name: str
) -> list[str]:
    last = max(row, default=min_col - 1)
    headers: list[str] = []
    for column in range(min_col, last + 1):
        cell = row.get(column)
        ref = f"{column_letter(column)}{min_row}"
        text = cell.value if cell else None
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
    return headers


def _bounds(ref: str) -> tuple[int, int, int, int]:
    """(min_col, min_row, max_col, max_row) of a range such as ``A1:F20``; a whole column or
    row (``A:F``, ``1:20``) has no such corners and cannot be a table."""
    min_col, min_row, max_col, max_row = range_bounds(ref)
    if min_col is None or min_row is None or max_col is None or max_row is None:
        raise KommunrapportError(
            f"området {ref!r} saknar hörn (hela kolumner eller rader)",
            hint="Ge det namngivna området eller tabellen ett område med hörn, t.ex. A1:F20.",
        )
    return min_col, min_row, max_col, max_row

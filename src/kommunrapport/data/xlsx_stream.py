"""Open an xlsx file with bounds, and stream a sheet's cells without building the sheet.

An xlsx is a zip of XML files. Before openpyxl sees it, the zip's directory is checked: not too
many parts, no part larger than ``MAX_PART_BYTES`` unpacked, and not more than
``MAX_UNPACKED_BYTES`` in all (a 300 KB file can unpack to gigabytes). A sheet is then read as a
stream of its rows (openpyxl's read-only parser, which never holds the whole sheet), and the
used range is bounded: a value beyond row ``MAX_ROWS`` or column ``MAX_COLUMNS``, or more than
``MAX_CELLS`` cells, stops with an error that names the cell. Rows that are missing in the file
are skipped, not generated, so a far-away cell costs nothing until it is reached.

openpyxl is imported when a workbook is opened, not with this module: a build whose workbooks
all come from the cache (:mod:`book_snapshot`) does without it.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..errors import KommunrapportError, Location
from ..project.openpyxl_import import import_openpyxl_without_numpy
from .cell_refs import column_letter

MAX_PARTS = 2_000
MAX_PART_BYTES = 16 * 1024 * 1024
MAX_UNPACKED_BYTES = 128 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 500
MAX_CELLS = 250_000
MAX_CELL_TEXT = 32_767  # characters: Excel's own limit for a cell
# Characters of text in one sheet: a 32,767-character shared string can fill 20,000 cells from a
# 50 kB file, and every one of them would be written out (a 15 MB cell took 2.6 GB and > 120 s).
MAX_SHEET_TEXT = 2_000_000
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[ >/]")
_HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\bhidden="(?:1|true)"[^>]*>')
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+\d+:[A-Z]+\d+)"')


@dataclass(frozen=True)
class StreamedCell:
    row: int
    column: int
    value: Any  # the cached value of a formula
    formula: str | None = None

    @property
    def ref(self) -> str:
        return f"{column_letter(self.column)}{self.row}"


@dataclass
class SheetNotes:
    """What the sheet's XML says besides values: hidden rows and merged ranges."""

    hidden_rows: list[int] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)


def is_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("=") and len(value) > 1


def unreadable(shown: str, exc: BaseException) -> KommunrapportError:
    return KommunrapportError(
        f"filen kan inte läsas som en Excel-arbetsbok (.xlsx): {exc}",
        Location(shown),
        "Spara filen i Excel-format (.xlsx) i Excel eller LibreOffice. Är den en Git "
        "LFS-pekare? Kör 'git lfs pull'.",
    )


def check_archive(path: Path | IO[bytes], shown: str) -> None:
    """The zip's directory within the bounds (nothing is unpacked to find out)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        raise unreadable(shown, exc) from None
    too_large = KommunrapportError(
        "arbetsboken packas upp till för mycket data",
        Location(shown),
        "Spara en arbetsbok med bara rapportens blad; ta bort stora blad, bilder och "
        "formatering som täcker hela kolumner.",
    )
    if len(members) > MAX_PARTS:
        raise too_large
    if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise too_large
    for member in members:
        if member.file_size > MAX_PART_BYTES:
            part = member.filename.rsplit("/", 1)[-1]
            raise KommunrapportError(
                f"arbetsboken har en för stor del ({part}: {member.file_size // 1_000_000} MB "
                f"uppackad; högst {MAX_PART_BYTES // 1_000_000} MB)",
                Location(shown),
                too_large.hint,
            )


def open_book(path: Path | IO[bytes], shown: str) -> Any:
    """A read-only openpyxl workbook (names, sheets, shared strings) after the bounds check;
    close it with ``.close()``."""
    check_archive(path, shown)
    import_openpyxl_without_numpy()
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about unsupported extensions
            return load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise unreadable(shown, exc) from None


def _part(book: Any, title: str) -> bytes:
    worksheet = book[title]
    return book._archive.read(worksheet._worksheet_path)  # bounded by check_archive


def sheet_notes(book: Any, title: str) -> SheetNotes:
    data = _part(book, title)
    hidden = [
        int(m.group(1)) for h in _HIDDEN_ROW.finditer(data) if (m := _ROW_NUMBER.search(h.group()))
    ]
    return SheetNotes(hidden, [m.group(1).decode() for m in _MERGE.finditer(data)])


def sheet_tables(book: Any, title: str) -> dict[str, str]:
    """The Excel tables of a sheet by name (and display name): their ranges, e.g. "A1:F20".
    Read-only workbooks do not load tables, so they are read from the sheet's relations."""
    from openpyxl.packaging.relationship import get_dependents, get_rels_path
    from openpyxl.worksheet.table import Table
    from openpyxl.xml.functions import fromstring

    worksheet = book[title]
    archive = book._archive
    rels_path = get_rels_path(worksheet._worksheet_path)
    if rels_path not in archive.namelist():
        return {}
    found: dict[str, str] = {}
    for relation in get_dependents(archive, rels_path):
        if not str(relation.Type).endswith("/table"):
            continue
        target = relation.target.lstrip("/")
        if target not in archive.namelist():
            continue
        table = Table.from_tree(fromstring(archive.read(target)))
        if table is None:
            continue
        for key in (table.name, table.displayName):
            if key:
                found[key] = table.ref
    return found


def _parser(book: Any, title: str, data_only: bool) -> Any:
    from openpyxl.worksheet._reader import WorkSheetParser

    worksheet = book[title]
    source = book._archive.open(worksheet._worksheet_path)
    return WorkSheetParser(
        source,
        worksheet._shared_strings,
        data_only=data_only,
        epoch=book.epoch,
        date_formats=book._date_formats,
        timedelta_formats=book._timedelta_formats,
    )


def _formula_text(raw: Any) -> str | None:
    if not isinstance(raw, str) and isinstance(getattr(raw, "text", None), str):
        raw = raw.text  # an array formula
    return raw if is_formula(raw) else None


# What openpyxl raises for a sheet that is not what Excel writes (a shared-string index that
# does not exist is an IndexError).
_BROKEN_SHEET = (
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    StopIteration,
    AttributeError,
    SyntaxError,
)


def stream_cells(
    book: Any, title: str, shown: str, keep_blank_text: bool = False
) -> Iterator[list[StreamedCell]]:
    """The sheet's rows in order, each as its non-empty cells (value, and formula if any).

    Stops with a located error at the first value outside the bounds."""
    with_formulas = bool(_FORMULA_TAG.search(_part(book, title)))
    values = _parser(book, title, data_only=True).parse()
    formulas = _parser(book, title, data_only=False).parse() if with_formulas else None
    count = 0
    text = 0
    try:
        for row_index, cells in values:
            raw_cells = next(formulas)[1] if formulas is not None else cells
            row: list[StreamedCell] = []
            for cell, raw in zip(cells, raw_cells, strict=True):
                formula = _formula_text(raw.get("value")) if formulas is not None else None
                value = cell.get("value")
                if value is None and formula is None:
                    continue
                if value == "" and formula is None:
                    continue
                blank = isinstance(value, str) and not value.strip()
                if blank and formula is None and not keep_blank_text:
                    continue
                column = cell["column"]
                count += 1
                if isinstance(value, str):
                    text += len(value)
                    if len(value) > MAX_CELL_TEXT or text > MAX_SHEET_TEXT:
                        raise _too_much_text(shown, title, StreamedCell(row_index, column, value))
                if row_index > MAX_ROWS or column > MAX_COLUMNS or count > MAX_CELLS:
                    raise _out_of_bounds(
                        shown, title, StreamedCell(row_index, column, value), count
                    )
                row.append(StreamedCell(row_index, column, value, formula))
            yield row
    except _BROKEN_SHEET as exc:
        raise unreadable(shown, exc) from None


def _too_much_text(shown: str, title: str, cell: StreamedCell) -> KommunrapportError:
    if isinstance(cell.value, str) and len(cell.value) > MAX_CELL_TEXT:
        problem = (
            f"cellen {cell.ref} har {len(cell.value):,} tecken text "
            f"(Excel tillåter {MAX_CELL_TEXT:,})"
        )
    else:
        problem = f"bladet har mer än {MAX_SHEET_TEXT:,} tecken text i sina celler"
    return KommunrapportError(
        problem.replace(",", "\u00a0"),
        Location(shown, sheet=title, cell=cell.ref),
        "Korta texten i cellen, eller flytta den långa texten till ett avsnitt i Markdown.",
    )


def _out_of_bounds(shown: str, title: str, cell: StreamedCell, count: int) -> KommunrapportError:
    if count > MAX_CELLS:
        problem = f"bladet har fler än {MAX_CELLS:,} ifyllda celler".replace(",", "\u00a0")
    else:
        problem = (
            f"cellen {cell.ref} har ett värde långt utanför tabellen (ett blad läses till och med "
            f"rad {MAX_ROWS:,} och kolumn {column_letter(MAX_COLUMNS)})"
        ).replace(",", "\u00a0")
    return KommunrapportError(
        problem,
        Location(shown, sheet=title, cell=cell.ref),
        "Ta bort innehållet i cellen (markera den och tryck Delete), eller flytta den stora "
        "tabellen till en egen arbetsbok som inte hör till rapporten.",
    )

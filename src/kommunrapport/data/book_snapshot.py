"""What a build reads of one workbook, remembered between builds by the file's content.

Reading Kalmar's workbooks with openpyxl costs a build about 0.25 s of CPU (0.1 s of it only to
import openpyxl), every time, although the workbooks rarely change between two builds. So what
a build reads of a workbook (its sheet names, the names of its defined ranges, and for each
sheet it uses: the streamed cells, its Excel tables, its hidden rows and merged ranges) is kept
in the user's cache under a key made of the file's bytes, the toolkit's code and openpyxl's
version. The next build with the same file reads the entry and never opens the workbook, nor
imports openpyxl; a sheet the entry lacks is read from the workbook then and added.

Only what a successful read gives is stored: a read that stops with an error (a value beyond
the bounds, a broken sheet) is read again, and fails again, on every build. Nothing in an entry
depends on where the workbook lies or how its path is shown. A damaged entry is not used
(``read_verified``), and a cache that cannot be written only makes the next build slower.
"""

from __future__ import annotations

import hashlib
import io
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import orjson

from ..project.code_digest import toolkit_code_digest
from ..project.tool_versions import installed_version
from ..project.user_cache import cache_dir, read_verified, write_verified
from .xlsx_stream import (
    SheetNotes,
    StreamedCell,
    open_book,
    sheet_notes,
    sheet_tables,
    stream_cells,
    unreadable,
)

CACHE_KIND = "arbetsbocker"
_FORMAT = b"book-snapshot-1"


class _Unstorable(Exception):
    """A value the entry cannot hold as it is (the sheet is then not stored)."""


def _encode(value: Any) -> Any:
    if value is None or type(value) in (str, int, float, bool):
        return value
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, time):
        return {"t": value.isoformat()}
    if isinstance(value, timedelta):
        return {"td": [value.days, value.seconds, value.microseconds]}
    raise _Unstorable(type(value).__name__)


def _decode(value: Any) -> Any:
    if type(value) is not dict:
        return value
    if "dt" in value:
        return datetime.fromisoformat(value["dt"])
    if "d" in value:
        return date.fromisoformat(value["d"])
    if "t" in value:
        return time.fromisoformat(value["t"])
    days, seconds, microseconds = value["td"]
    return timedelta(days=days, seconds=seconds, microseconds=microseconds)


class BookSnapshot:
    """One workbook as a build reads it: from the cache where it can, else from the file.

    ``shown`` is the path as the user sees it (for errors). Close it with :meth:`close`."""

    def __init__(self, path: Path, shown: str):
        self.shown = shown
        try:
            self._data = path.read_bytes()
        except OSError as exc:
            raise unreadable(shown, exc) from None
        self._book: Any = None  # openpyxl's, opened on the first thing the entry lacks
        self._entry_path = _entry_path(self._data)
        stored = read_verified(self._entry_path) if self._entry_path is not None else None
        self._entry: dict[str, Any] = {}
        if stored is not None:
            try:
                self._entry = orjson.loads(stored)
            except orjson.JSONDecodeError:
                self._entry = {}
        self._sheets: dict[str, dict[str, Any]] = self._entry.setdefault("sheets", {})

    def _opened(self) -> Any:
        if self._book is None:
            self._book = open_book(io.BytesIO(self._data), self.shown)
            self._entry.setdefault("sheetnames", list(self._book.sheetnames))
            self._entry.setdefault("defined", list(self._book.defined_names))
        return self._book

    @property
    def sheetnames(self) -> list[str]:
        if "sheetnames" not in self._entry:
            self._opened()
            self._save()
        names: list[str] = self._entry["sheetnames"]
        return names

    def has_defined_name(self, name: str) -> bool:
        if "defined" not in self._entry:
            self._opened()
            self._save()
        return name in self._entry["defined"]

    def destinations(self, name: str) -> list[tuple[str, str]]:
        """Where a defined name points: (sheet title, range) pairs."""
        known = self._entry.setdefault("destinations", {})
        if name not in known:
            book = self._opened()
            known[name] = [list(pair) for pair in book.defined_names[name].destinations]
            self._save()
        return [(title, ref) for title, ref in known[name]]

    def _sheet(self, title: str, part: str, read: Any) -> Any:
        sheet = self._sheets.setdefault(title, {})
        if part not in sheet:
            sheet[part] = read(self._opened())
            self._save()
        return sheet[part]

    def tables(self, title: str) -> dict[str, str]:
        """The sheet's Excel tables by name: their ranges."""
        found: dict[str, str] = self._sheet(title, "tables", lambda b: sheet_tables(b, title))
        return found

    def rows(self, title: str) -> list[list[StreamedCell]]:
        """The sheet's rows as :func:`stream_cells` gives them (a located error if it stops)."""

        def read(book: Any) -> list[list[Any]]:
            return [
                [[c.row, c.column, c.value, c.formula] for c in row]
                for row in stream_cells(book, title, self.shown)
            ]

        stored = self._sheet(title, "rows", read)
        return [[StreamedCell(r, c, _decode(v), f) for r, c, v, f in row] for row in stored]

    def notes(self, title: str) -> SheetNotes:
        hidden, merged = self._sheet(
            title, "notes", lambda b: (lambda n: [n.hidden_rows, n.merged])(sheet_notes(b, title))
        )
        return SheetNotes(list(hidden), list(merged))

    def _save(self) -> None:
        if self._entry_path is None:
            return
        try:
            data = orjson.dumps(
                self._entry, default=_encode, option=orjson.OPT_PASSTHROUGH_DATETIME
            )
        except (TypeError, _Unstorable):
            return  # a value JSON cannot hold as it is: this workbook is read every time
        write_verified(self._entry_path, data)

    def close(self) -> None:
        if self._book is not None:
            self._book.close()
            self._book = None


def _entry_path(data: bytes) -> Path | None:
    folder = cache_dir(CACHE_KIND)
    if folder is None:
        return None
    key = hashlib.sha256(_FORMAT)
    key.update(toolkit_code_digest().encode())
    key.update(installed_version("openpyxl").encode())
    key.update(hashlib.sha256(data).digest())
    return folder / f"{key.hexdigest()[:40]}.json"

"""Workbooks read once and remembered by content (data/book_snapshot.py), and the cell
references that let a build do without openpyxl (data/cell_refs.py)."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.table import Table

from kommunrapport.data import book_snapshot, xlsx_stream
from kommunrapport.data.cell_refs import column_letter, range_bounds
from kommunrapport.data.workbook import WorkbookReader
from kommunrapport.errors import Findings, KommunrapportError

from .small_packages import write_small_package

ROWS = [
    ["Rad", "Text", "Heltal", "Tal", "Sant", "Datum", "Tid", "Klockslag", "Längd"],
    ["a", "Åtgärd – nästa år", 1200, -3.25, True, date(2023, 12, 31), None, None, None],
    ["b", " mellanslag ", 0, 1e-9, False, datetime(2023, 6, 1, 13, 45, 10), None, None, None],
    ["c", "#DIV/0!", 10**15, 0.1 + 0.2, None, None, None, time(8, 30), timedelta(hours=30)],
]


def _workbook(path: Path, value: object = 1200) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Blad ett"
    for row in ROWS:
        sheet.append(row)
    sheet["C2"] = value
    sheet["I4"].number_format = "[h]:mm:ss"
    sheet.row_dimensions[3].hidden = True
    sheet.merge_cells("B4:B5")
    other = book.create_sheet("Tabeller")
    for row in [["Namn", "Värde"], ["x", 1], ["y", 2]]:
        other.append(row)
    other.add_table(Table(displayName="Nyckeltal", ref="A1:B3"))
    book.defined_names["Omrade"] = DefinedName("Omrade", attr_text="'Blad ett'!$A$1:$C$3")
    book.save(path)


def _read(folder: Path, names: list[str]) -> tuple[list[object], list[str]]:
    findings = Findings()
    reader = WorkbookReader(folder, str, findings=findings)
    sheets = [reader.sheet(f"bok.xlsx/{name}") for name in names]
    return sheets, [f"{f.code}: {f.message} {f.location}" for f in findings]


NAMES = ["Blad ett", "Nyckeltal", "Omrade"]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache" / book_snapshot.CACHE_KIND


def _no_workbook_opened(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object) -> None:
        raise AssertionError("the workbook was opened although the cache had everything")

    monkeypatch.setattr(book_snapshot, "open_book", refuse)


def test_sheets_from_the_cache_equal_the_sheets_from_the_file(tmp_path, cache, monkeypatch):
    _workbook(tmp_path / "bok.xlsx")
    first, first_warnings = _read(tmp_path, NAMES)
    assert len(list(cache.iterdir())) == 1
    _no_workbook_opened(monkeypatch)
    second, second_warnings = _read(tmp_path, NAMES)
    assert second == first
    assert second_warnings == first_warnings
    assert any("dold-rad" in w for w in first_warnings)
    assert any("sammanfogade-celler" in w and "B4:B5" in w for w in first_warnings)
    values = [row.get("heltal") for row in first[0].rows] + [first[0].rows[1].get("datum")]
    assert values == [1200, 0, 10**15, datetime(2023, 6, 1, 13, 45, 10)]
    types = {type(row.get(key)) for row in second[0].rows for key in ("tal", "klockslag", "längd")}
    assert {float, time, timedelta} <= types
    assert [row.get("värde") for row in second[1].rows] == [1, 2]
    assert [row.get("rad") for row in second[2].rows] == ["a", "b"]


def test_a_changed_workbook_is_read_again(tmp_path, cache):
    _workbook(tmp_path / "bok.xlsx")
    assert _read(tmp_path, ["Blad ett"])[0][0].rows[0].get("heltal") == 1200
    _workbook(tmp_path / "bok.xlsx", value=1300)
    assert _read(tmp_path, ["Blad ett"])[0][0].rows[0].get("heltal") == 1300
    assert len(list(cache.iterdir())) == 2


def test_a_sheet_the_entry_lacks_is_read_and_added(tmp_path, cache, monkeypatch):
    _workbook(tmp_path / "bok.xlsx")
    _read(tmp_path, ["Blad ett"])
    both, _warnings = _read(tmp_path, ["Blad ett", "Nyckeltal"])
    _no_workbook_opened(monkeypatch)
    assert _read(tmp_path, ["Blad ett", "Nyckeltal"])[0] == both


def test_a_damaged_entry_is_not_used(tmp_path, cache):
    _workbook(tmp_path / "bok.xlsx")
    first, _warnings = _read(tmp_path, NAMES)
    (entry,) = cache.iterdir()
    data = bytearray(entry.read_bytes())
    data[-20:-10] = b"1234567890"
    entry.write_bytes(bytes(data))
    assert _read(tmp_path, NAMES)[0] == first


def test_a_sheet_that_fails_is_read_again_and_fails_again(tmp_path, cache, monkeypatch):
    book = Workbook()
    book.active.title = "Blad"
    book.active.append(["Rad", "Belopp"])
    book.active.cell(row=xlsx_stream.MAX_ROWS + 5, column=2, value=1)
    book.save(tmp_path / "bok.xlsx")
    opened: list[object] = []
    real_open = book_snapshot.open_book
    monkeypatch.setattr(book_snapshot, "open_book", lambda *a: opened.append(a) or real_open(*a))
    for _ in range(2):
        with pytest.raises(KommunrapportError, match="långt utanför tabellen") as error:
            _read(tmp_path, ["Blad"])
        assert error.value.location is not None and error.value.location.cell == "B20005"
    assert len(opened) == 2


def test_with_caching_off_nothing_is_stored(tmp_path, monkeypatch):
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", "0")
    _workbook(tmp_path / "bok.xlsx")
    assert _read(tmp_path, ["Blad ett"])[0][0].rows[0].get("heltal") == 1200
    assert not (tmp_path / "0").exists()


def test_a_build_with_a_warm_cache_does_not_import_openpyxl(tmp_path):
    package = write_small_package(tmp_path)
    script = (
        "import sys\n"
        "from kommunrapport.cli import main\n"
        f"code = main(['build', {package.name!r}, '--format', 'html', '--force', '-q'])\n"
        "print('openpyxl' in sys.modules, code)\n"
    )
    env = {**os.environ, "KOMMUNRAPPORT_CACHE": str(tmp_path / "cache")}
    answers = [
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()[-2:]
        for _ in range(2)
    ]
    assert answers == [["True", "0"], ["False", "0"]]


def test_column_letters_are_openpyxls():
    assert [column_letter(i) for i in (1, 26, 27, 702, 703, 18278)] == [
        get_column_letter(i) for i in (1, 26, 27, 702, 703, 18278)
    ]
    assert all(column_letter(i) == get_column_letter(i) for i in range(1, 18279))
    for wrong in (0, 18279):
        with pytest.raises(ValueError):
            column_letter(wrong)


def test_range_corners_are_openpyxls():
    cases = ["A1:F20", "A1", "A:F", "1:20", "$A$1:$B$2", "a1:b2", "A1:B", "AAAA1", ":", "A0"]
    rng = random.Random(13)
    alphabet = "AZaz190$:"
    cases += ["".join(rng.choices(alphabet, k=rng.randint(0, 7))) for _ in range(3000)]

    def outcome(function, reference):
        try:
            return function(reference)
        except ValueError as error:
            return ("ValueError", str(error))

    for reference in cases:
        assert outcome(range_bounds, reference) == outcome(range_boundaries, reference), reference

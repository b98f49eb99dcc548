"""Reading the level sheets of one workbook into rows with parents and children.

Checks here: a duplicate id, an orphan or upward parent key and an unknown status code stop the
build with workbook, sheet and cell; a goal without assessment is a warning.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from ..data.status_scales import Scale, find_scale
from ..data.workbook import Sheet, SheetRow, WorkbookReader, normalize
from ..errors import Findings, KommunrapportError
from .goal_rows import GoalRow, text_key
from .goal_sheets import ASSESSMENT_COLUMN
from .row_tree import RowTree


class ColumnScales:
    """Which scale a sheet column uses: ``kolumner:`` first (``Blad/Kolumn`` or ``Kolumn``),
    else the scale named like the column, else none (plain text)."""

    def __init__(
        self, scales: dict[str, Scale], mapping: dict[str, str], where: Any
    ) -> None:  # where(key) -> Location of the mapping entry
        self.scales = scales
        self.mapping: dict[str, Scale] = {}
        for key, scale_name in mapping.items():
            scale = find_scale(scales, scale_name)
            if scale is None:
                known = ", ".join(scales) or "inga (lägg till skalor: i report.yaml)"
                raise KommunrapportError(
                    f"kolumnen {key!r} ska använda skalan {scale_name!r}, som inte finns",
                    where(key),
                    f"Kända skalor: {known}.",
                )
            self.mapping[normalize(key)] = scale

    def for_column(self, sheet: str, header: str) -> Scale | None:
        key = normalize(header)
        explicit = self.mapping.get(f"{normalize(sheet)}/{key}") or self.mapping.get(key)
        return explicit or find_scale(self.scales, header)


@dataclass
class LevelReader:
    """Reads the level sheets of one workbook into rows with parents and children."""

    reader: WorkbookReader
    workbook: str
    levels: dict[str, int]  # normalized sheet name → level
    scales: ColumnScales
    findings: Findings
    required: tuple[str, ...] = ("id", "namn")
    rows: dict[str, GoalRow] = field(default_factory=dict)
    sheets: dict[str, list[GoalRow]] = field(default_factory=dict)  # sheet name → rows
    sheet_scales: dict[str, dict[str, Scale]] = field(default_factory=dict)

    def read(self) -> RowTree:
        """Every level sheet present, in level order, as a tree."""
        present = [
            name for name in self.reader.sheets_of(self.workbook) if normalize(name) in self.levels
        ]
        present.sort(key=lambda name: self.levels[normalize(name)])
        for name in present:
            self._read_sheet(name, self.levels[normalize(name)])
        roots: list[GoalRow] = []
        for name in present:
            for row in self.sheets[name]:
                self._attach(row, roots)
        return RowTree(self.rows, self.sheets, roots, self.sheet_scales, self.workbook)

    def _read_sheet(self, name: str, rank: int) -> None:
        sheet = self.reader.sheet(f"{self.workbook}/{name}")
        for column in self.required:
            if column not in sheet.keys:
                raise KommunrapportError(
                    f"bladet {name} saknar kolumnen {column.capitalize()!r}",
                    sheet.location("A1"),
                    f"Lägg till kolumnen på rad 1. Kolumnerna i ett blad {name} beskrivs i "
                    "docs/data-format.md, avsnitt 4.",
                )
        column_scales: dict[str, Scale] = {}
        for header in sheet.headers:
            scale = self.scales.for_column(name, header)
            if scale is not None:
                column_scales[normalize(header)] = scale
        previous_of: dict[str, str] = {}  # previous column → base column
        for header in sheet.headers:
            key = normalize(header)
            for base in column_scales:
                if key.startswith(base + " ") and key != base:
                    previous_of[key] = base
                    column_scales.setdefault(key, column_scales[base])
                    break
        self.sheet_scales[name] = column_scales
        rows: list[GoalRow] = []
        for sheet_row in sheet.rows:
            rows.append(self._row(sheet, sheet_row, rank, column_scales, previous_of))
        self.sheets[name] = rows

    def _row(
        self,
        sheet: Sheet,
        sheet_row: SheetRow,
        rank: int,
        column_scales: dict[str, Scale],
        previous_of: dict[str, str],
    ) -> GoalRow:
        raw_id = sheet_row.get("id")
        if raw_id is None:
            raise KommunrapportError(
                "raden saknar Id",
                sheet.location(sheet_row.ref("id")),
                "Ge varje rad ett eget Id; föräldranycklar och kommentarsfiler pekar på det.",
            )
        row_id = text_key(raw_id)
        if row_id in self.rows:
            first = self.rows[row_id]
            raise KommunrapportError(
                f"Id {row_id!r} förekommer två gånger (första gången i blad {first.blad}, "
                f"cell {first._row.ref('id')})",
                sheet.location(sheet_row.ref("id")),
                "Ge varje rad ett eget Id, unikt i hela arbetsboken.",
            )
        values: dict[str, Any] = {}
        for key, cell in sheet_row.cells.items():
            scale = column_scales.get(key)
            value = cell.value
            if scale is not None:
                header = sheet.headers[sheet.keys.index(key)]
                value = scale.value(value, sheet.location(cell.ref), header)
            elif isinstance(value, float) and value.is_integer() and key in ("id", "förälder"):
                value = int(value)
            values[key] = value
        previous = {base: values.get(prev) for prev, base in previous_of.items()}
        parent = sheet_row.get("förälder")
        parent_id = text_key(parent) if parent is not None else None
        row = GoalRow(sheet, sheet_row, rank, row_id, parent_id, values, previous)
        self.rows[row_id] = row
        if ASSESSMENT_COLUMN in column_scales and sheet_row.get(ASSESSMENT_COLUMN) is None:
            self.findings.warn(
                "mål-utan-bedömning",
                f"{row.namn or row_id} ({row_id}) saknar bedömning",
                sheet.location(sheet_row.ref(ASSESSMENT_COLUMN)),
                "Skriv en av skalans koder i kolumnen Bedömning.",
            )
        return row

    def _attach(self, row: GoalRow, roots: list[GoalRow]) -> None:
        if row._parent_id is None:
            roots.append(row)
            return
        where = row.location("förälder")
        parent = self.rows.get(row._parent_id)
        if parent is None:
            close = difflib.get_close_matches(row._parent_id, list(self.rows), n=1)
            hint = (
                f"Menade du {close[0]!r}?"
                if close
                else "Förälder ska vara Id för en rad i ett blad på en högre nivå."
            )
            raise KommunrapportError(
                f"föräldern {row._parent_id!r} finns inte i arbetsboken", where, hint
            )
        if parent._rank >= row._rank:
            raise KommunrapportError(
                f"föräldern {row._parent_id!r} ligger i blad {parent.blad}, som inte är en "
                f"högre nivå än {row.blad}",
                where,
                "Förälder ska peka på en rad i ett blad högre upp i hierarkin "
                "(docs/data-format.md, avsnitt 4.2).",
            )
        row.förälder = parent
        parent.barn.append(row)

"""A computed view as data that sentences read figures from: ``drift.total.avvikelse``."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from typing import Any

from ..errors import KommunrapportError
from ..text.amounts import Amount, Missing
from .figures import convert_decimal
from .ledger import NON_VALUE_KINDS
from .view_model import ViewColumn, ViewData, ViewRow
from .workbook import attribute_name, normalize


class RowData:
    """One row for templates: ``rad.avvikelse``, ``rad["Budget"]``, ``rad.text``."""

    def __init__(self, view: ViewData, row: ViewRow, unit_of: Callable[[ViewColumn], str | None]):
        self._view = view
        self._row = row
        self._unit_of = unit_of
        self.text = row.row.label
        self.id = row.row.key
        self.typ = row.row.kind

    def _column(self, name: str) -> ViewColumn:
        key = normalize(name)
        for column in self._view.columns:
            if key in (
                column.key,
                normalize(column.attribute),
                normalize(column.title),
                attribute_name(column.title),
            ):
                return column
        names = [c.attribute for c in self._view.columns]
        close = difflib.get_close_matches(str(name), names, n=1)
        raise KommunrapportError(
            f"tabellen {self._view.name!r} har ingen kolumn {name!r}",
            hint=(
                f"Menade du '{close[0]}'?" if close else f"Kolumnerna heter: {', '.join(names)}."
            ),
        )

    def __getitem__(self, name: str) -> Any:
        if name in ("text", "id", "typ"):
            return getattr(self, name)
        column = self._column(name)
        value = self._row.values.get(column.key)
        figure = self._row.figures.get(column.key)
        origin = self._view.ledger.sheet.location(self._row.row.source.ref(column.key))
        if figure is not None and figure.cell is not None:
            origin = figure.cell  # e.g. the sheet's Avvikelse cell of a computed column
        if isinstance(value, (int, float)):
            unit = self._unit_of(column)
            spread = None
            if figure is not None:
                source_unit = self._view.spec.source_unit or self._view.spec.unit
                spread = (
                    float(figure.spread)
                    if column.format == "procent" or unit in (None, "andel")
                    else float(convert_decimal(figure.spread, source_unit, unit))
                )
            source = figure.describe() if figure is not None else None
            return Amount(float(value), unit, origin, source, spread)
        if value is None:
            return Missing(origin)
        return value

    def __str__(self) -> str:
        return self.text


class TableData:
    """A view for templates: rows by Id or text, ``total`` for the last sum row."""

    def __init__(self, view: ViewData):
        self._view = view
        self.namn = view.name
        self._rows_by_key: dict[str, ViewRow] | None = None

    @staticmethod
    def _unit(column: ViewColumn) -> str | None:
        return column.unit

    def _wrap(self, row: ViewRow) -> RowData:
        return RowData(self._view, row, self._unit)

    @property
    def rader(self) -> list[RowData]:
        return [self._wrap(r) for r in self._view.rows if r.row.kind not in NON_VALUE_KINDS]

    @property
    def total(self) -> RowData:
        for row in reversed(self._view.rows):
            if row.row.kind == "summa":
                return self._wrap(row)
        raise KommunrapportError(
            f"tabellen {self._view.name!r} har ingen summarad (Typ summa)",
            hint='Använd tabell["radens Id"] eller lägg till en summarad i bladet.',
        )

    def __getitem__(self, key: str) -> RowData:
        if key in ("rader", "total", "namn"):
            return getattr(self, key)
        wanted = self._view.ledger.find(key).key
        if self._rows_by_key is None:  # once: a chart of every row looks each one up
            self._rows_by_key = {}
            for row in self._view.rows:
                self._rows_by_key.setdefault(row.row.key, row)
        found = self._rows_by_key.get(wanted)
        if found is not None:
            return self._wrap(found)
        raise KommunrapportError(
            f"raden {key!r} visas inte i tabellen {self._view.name!r}",
            hint="Ta med raden under 'rader:' i tabellvyn.",
        )

    def __iter__(self) -> Iterator[RowData]:
        return iter(self.rader)

    def __len__(self) -> int:
        return len(self.rader)

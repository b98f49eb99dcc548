"""A computed view: its columns, and its rows with the values they print."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import Location
from .expressions import Expression
from .figures import Figure
from .ledger import Ledger, LedgerRow
from .status_scales import Scale
from .table_spec import ColumnSpec, TableSpec
from .workbook import Sheet


@dataclass
class ViewColumn:
    spec: ColumnSpec
    key: str  # normalized sheet column or computed name
    attribute: str  # template attribute name
    title: str
    is_computed: bool
    expression: Expression | None
    format: str  # tal | procent | text | blandad | status (a column with skala:)
    decimals: int
    unit: str | None  # display unit for currency columns, "andel" for percent
    scale: Scale | None = None  # status columns: their cells become StatusValues
    # decimaler: källan: a value read from the sheet prints with the decimals it has there
    # (``decimals`` is then for computed values)
    source_decimals: bool = False


@dataclass
class ViewRow:
    row: LedgerRow
    values: dict[str, Any] = field(default_factory=dict)  # column key → printed value (view unit)
    figures: dict[str, Figure] = field(default_factory=dict)  # column key → figure (sheet unit)


@dataclass
class ViewData:
    name: str
    spec: TableSpec
    ledger: Ledger
    columns: list[ViewColumn]
    rows: list[ViewRow]


@dataclass
class ViewSource:
    """What computing one view works from: its declaration, its ledger, where it is declared,
    and how to render ``{{ år }}`` in its column names."""

    name: str
    spec: TableSpec
    ledger: Ledger
    location: Location
    render: Callable[[str, Location], str]

    @property
    def sheet(self) -> Sheet:
        return self.ledger.sheet

    @property
    def source_unit(self) -> str | None:
        return self.spec.source_unit or self.spec.unit

    @property
    def display_unit(self) -> str | None:
        return self.spec.unit

"""Ledger arithmetic: a sheet read as rows with a hierarchy, sums and computed columns.

The sheet holds leaf values; sums (``delsumma``/``summa`` rows) and derived columns (avvikelse,
förändring %) are computed here. Values the sheet already holds for them are *check values*:
a disagreement beyond the rounding tolerance becomes a warning that names the sheet and cell.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import Findings, KommunrapportError, Location
from ..text.amounts import convert
from ..text.swedish_format import format_number, format_percent
from .expressions import Expression, parse_expression
from .status_scales import Scale, find_scale
from .table_spec import ColumnSpec, TableSpec
from .workbook import Sheet, SheetRow, attribute_name, describe, is_number, normalize

ROW_KINDS = ("post", "delsumma", "summa", "varav", "rubrik", "avdrag", "kommentar")
SUM_KINDS = ("delsumma", "summa")
NON_VALUE_KINDS = ("rubrik", "kommentar")
FALLBACK_MEMBER_KINDS = ("post", "delsumma", "avdrag")


@dataclass
class LedgerRow:
    key: str
    label: str
    level: int
    kind: str
    parent: str | None
    sums: list[str]
    style: str | None
    note: str | None
    source: SheetRow
    decimals: int | None = None
    unit: str | None = None  # printed after the row's figures, e.g. "%"


@dataclass
class Ledger:
    """A sheet's rows with their structural columns interpreted."""

    sheet: Sheet
    rows: list[LedgerRow]
    by_key: dict[str, LedgerRow]
    label_key: str

    def find(self, key: str | int, location: Location | None = None) -> LedgerRow:
        text = normalize(key)
        if text in self.by_key:
            return self.by_key[text]
        for row in self.rows:
            if normalize(row.label) == text:
                return row
        candidates = [r.label for r in self.rows] + [r.key for r in self.rows]
        close = difflib.get_close_matches(str(key), candidates, n=1)
        hint = f"Menade du '{close[0]}'?" if close else "Ange radens Id eller text."
        raise KommunrapportError(
            f"raden {key!r} finns inte i blad {self.sheet.name}", location, hint
        )


def read_ledger(
    sheet: Sheet, label_column: str | None = None, parent_column: str = "Förälder"
) -> Ledger:
    """Interpret a sheet's structural columns. ``parent_column`` names the column that holds
    the in-sheet parent; "ingen" turns the hierarchy off (e.g. a sheet whose Förälder column
    points into another sheet, as goal sheets do)."""
    keys = sheet.keys
    parent_key = None if normalize(parent_column) == "ingen" else normalize(parent_column)
    if parent_key and parent_key != "förälder" and parent_key not in keys:
        sheet.column_key(parent_column)
    label_key = normalize(label_column) if label_column else ("rad" if "rad" in keys else None)
    if label_key is None:
        label_key = next((k for k in keys if k not in ("id",)), keys[0])
    elif label_key not in keys:
        sheet.column_key(label_column or "Rad")
    rows: list[LedgerRow] = []
    by_key: dict[str, LedgerRow] = {}
    for source in sheet.rows:
        label = source.get(label_key)
        label_text = "" if label is None else str(label)
        kind = normalize(source.get("typ") or "post")
        if kind not in ROW_KINDS:
            raise KommunrapportError(
                f"okänd radtyp {source.get('typ')!r}",
                sheet.location(source.ref("typ")),
                f"Tillåtna typer: {', '.join(ROW_KINDS)}.",
            )
        raw_key = source.get("id")
        key = normalize(raw_key if raw_key is not None else label_text)
        if not key:
            if kind == "kommentar" or kind == "rubrik":
                key = f"_rad{source.excel_row}"
            else:
                raise KommunrapportError(
                    "raden saknar både Id och radtext",
                    sheet.location(row=source.excel_row),
                    "Skriv radens text i kolumnen Rad (eller ett Id).",
                )
        if key in by_key:
            first = by_key[key].source.excel_row
            raise KommunrapportError(
                f"nyckeln {raw_key if raw_key is not None else label_text!r} förekommer två "
                f"gånger (även på rad {first})",
                sheet.location(source.ref("id") or source.ref(label_key)),
                "Ge varje rad ett unikt Id.",
            )
        level_value = source.get("nivå")
        try:
            level = int(level_value) if level_value is not None else 0
        except (TypeError, ValueError):
            raise KommunrapportError(
                f"Nivå ska vara ett heltal, fick {describe(level_value)}",
                sheet.location(source.ref("nivå")),
            ) from None
        parent = source.get(parent_key) if parent_key else None
        sums = [normalize(s) for s in str(source.get("summerar") or "").split(",") if s.strip()]
        style = normalize(source.get("stil")) if source.get("stil") else None
        note = source.get("not")
        decimals = source.get("decimaler")
        if decimals is not None and not (is_number(decimals) and 0 <= decimals <= 6):
            raise KommunrapportError(
                f"Decimaler ska vara ett heltal 0–6, fick {describe(decimals)}",
                sheet.location(source.ref("decimaler")),
            )
        row = LedgerRow(
            key,
            label_text,
            level,
            kind,
            normalize(parent) if parent else None,
            sums,
            style,
            str(note) if note else None,
            source,
            int(decimals) if decimals is not None else None,
            str(source.get("radenhet")) if source.get("radenhet") is not None else None,
        )
        rows.append(row)
        by_key[key] = row
    ledger = Ledger(sheet, rows, by_key, label_key)
    for row in rows:
        for ref_key, column in ([(row.parent, parent_key)] if row.parent and parent_key else []) + [
            (s, "summerar") for s in row.sums
        ]:
            if ref_key not in by_key:
                raise KommunrapportError(
                    f"raden hänvisar till {ref_key!r} som inte finns i bladet",
                    sheet.location(row.source.ref(column)),
                    "Skriv Id för en rad i samma blad.",
                )
    return ledger


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


@dataclass
class ViewRow:
    row: LedgerRow
    values: dict[str, Any] = field(default_factory=dict)  # column key → value (display unit)


@dataclass
class ViewData:
    name: str
    spec: TableSpec
    ledger: Ledger
    columns: list[ViewColumn]
    rows: list[ViewRow]


class LedgerCalculator:
    """Computes one view: source values in display units, sums, derived columns, checks."""

    def __init__(
        self,
        name: str,
        spec: TableSpec,
        ledger: Ledger,
        findings: Findings,
        location: Location,
        render: Callable[[str, Location], str] | None = None,
        formulas: dict[str, str] | None = None,
        scales: Mapping[str, Scale] | None = None,
    ):
        self.scales = scales or {}  # skalor: in report.yaml, for status columns (skala:)
        self.render = render or (lambda text, _location: text)
        self.formulas = {normalize(k): v for k, v in (formulas or {}).items()}
        self._check_key_cache: dict[str, list[str]] = {}
        self.name = name
        self.spec = spec
        self.ledger = ledger
        self.sheet = ledger.sheet
        self.findings = findings
        self.location = location
        self.source_unit = spec.source_unit or spec.unit
        self.display_unit = spec.unit

    # -- columns ----------------------------------------------------------------------------
    def columns(self) -> list[ViewColumn]:
        out: list[ViewColumn] = []
        for index, col in enumerate(self.spec.columns):
            where = Location(
                self.location.file, self.location.line, f"{self.location.field}.kolumner[{index}]"
            )
            if col.compute is not None:
                # a name from the package's `beräkningar:` stands for its formula, so the sign
                # convention of e.g. avvikelse is chosen once per package
                formula = self.formulas.get(normalize(col.compute), col.compute)
                expression = parse_expression(formula, where)
                for name in expression.columns:
                    self.sheet.column_key(name, where)
                title = col.title or col.compute
                key = normalize(col.attribute or title)
                fmt = col.format or ("procent" if expression.is_percent else "tal")
                decimals = (
                    col.decimals
                    if col.decimals is not None
                    else (1 if fmt == "procent" else self.spec.decimals)
                )
                unit: str | None = "andel" if fmt == "procent" else self.display_unit
                attribute = col.attribute or attribute_name(title)
                out.append(
                    ViewColumn(col, key, attribute, title, True, expression, fmt, decimals, unit)
                )
            else:
                key = self.sheet.column_key(self.render(str(col.column), where), where)
                header = self.sheet.headers[self.sheet.keys.index(key)]
                if col.scale is not None:  # a status column: codes shown as symbol and text
                    out.append(
                        ViewColumn(
                            col,
                            key,
                            col.attribute or attribute_name(header),
                            col.title or header,
                            False,
                            None,
                            "status",
                            0,
                            None,
                            self._scale(col.scale, where),
                        )
                    )
                    continue
                fmt = col.format or "tal"
                decimals = (
                    col.decimals
                    if col.decimals is not None
                    else (1 if fmt == "procent" else self.spec.decimals)
                )
                unit = "andel" if fmt == "procent" else (col.unit or self.display_unit)
                attribute = col.attribute or attribute_name(header)
                out.append(
                    ViewColumn(
                        col, key, attribute, col.title or header, False, None, fmt, decimals, unit
                    )
                )
        return out

    def _scale(self, name: str, where: Location) -> Scale:
        scale = find_scale(dict(self.scales), name)
        if scale is None:
            known = ", ".join(self.scales) or "inga (lägg till skalor: i report.yaml)"
            raise KommunrapportError(
                f"skalan {name!r} finns inte",
                Location(where.file, where.line, f"{where.field}.skala"),
                f"Skalor i report.yaml: {known}.",
            )
        return scale

    # -- values -----------------------------------------------------------------------------
    def _source_value(self, row: LedgerRow, key: str, fmt: str) -> Any:
        value = row.source.get(key)
        if value is None or row.kind in NON_VALUE_KINDS:
            return None
        if fmt == "status":
            return value  # a code; read by the column's scale in compute()
        if is_number(value):
            return float(value)
        if fmt in ("text", "blandad"):
            return value
        raise KommunrapportError(
            f"väntade ett tal, fick {describe(value)}",
            self.sheet.location(row.source.ref(key)),
            "Skriv ett tal i cellen, lämna den tom, eller låt kolumnen ha format: blandad i "
            "tabellvyn om texten ska visas.",
        )

    def _to_display(self, value: Any, unit: str | None) -> Any:
        if isinstance(value, float) and unit not in (None, "andel"):
            return convert(value, self.source_unit, unit)
        return value

    def compute(self) -> ViewData:
        columns = self.columns()
        source_keys: dict[str, str] = {}
        for column in columns:
            if column.is_computed and column.expression:
                for name in column.expression.columns:
                    source_keys.setdefault(name, "tal")
            elif not column.is_computed:
                source_keys[column.key] = column.format
        raw: dict[str, dict[str, Any]] = {
            row.key: {k: self._source_value(row, k, fmt) for k, fmt in source_keys.items()}
            for row in self.ledger.rows
        }
        summed = self._sums(raw, [k for k, f in source_keys.items() if f not in ("text", "status")])
        rows: list[ViewRow] = []
        for row in self.ledger.rows:
            values = summed[row.key]
            view_row = ViewRow(row)
            for column in columns:
                if column.expression is not None:  # a computed column
                    result = (
                        None if row.kind in NON_VALUE_KINDS else column.expression.evaluate(values)
                    )
                    self._check_given(row, column, result)
                    view_row.values[column.key] = (
                        result
                        if column.format == "procent"
                        else self._to_display(result, column.unit)
                    )
                elif column.scale is not None:
                    view_row.values[column.key] = self._status(row, column, values)
                else:
                    view_row.values[column.key] = self._to_display(
                        values.get(column.key), column.unit
                    )
            rows.append(view_row)
        rows = self._select(rows)
        return ViewData(self.name, self.spec, self.ledger, columns, rows)

    def _status(self, row: LedgerRow, column: ViewColumn, values: dict[str, Any]) -> Any:
        """A status column's cell as a StatusValue; an unknown code stops the build with the
        sheet and cell."""
        raw = values.get(column.key)
        if row.kind in NON_VALUE_KINDS or column.scale is None:
            return None
        header = self.sheet.headers[self.sheet.keys.index(column.key)]
        where = self.sheet.location(row.source.ref(column.key))
        return column.scale.value(raw, where, header)

    def _select(self, rows: list[ViewRow]) -> list[ViewRow]:
        if self.spec.select:
            # välj: {Förälder: M-12} keeps the rows whose cell in that column has that value
            # (or one of a list of values), e.g. the indicators of one goal
            for column, wanted_values in self.spec.select.items():
                key = self.sheet.column_key(str(column), self.location)
                allowed = {
                    normalize(v)
                    for v in (wanted_values if isinstance(wanted_values, list) else [wanted_values])
                }
                rows = [r for r in rows if normalize(r.row.source.get(key) or "") in allowed]
        if self.spec.rows:
            wanted = [self.ledger.find(key, self.location).key for key in self.spec.rows]
            by_key = {r.row.key: r for r in rows}
            rows = [by_key[k] for k in wanted]
        if self.spec.hide_empty_rows:
            rows = [
                r
                for r in rows
                if r.row.kind in NON_VALUE_KINDS
                or any(v not in (None, 0, 0.0) for v in r.values.values())
            ]
        return rows

    # -- sums -------------------------------------------------------------------------------
    def _members(self, row: LedgerRow) -> list[LedgerRow]:
        if row.sums:
            return [self.ledger.by_key[k] for k in row.sums]
        children = [
            r
            for r in self.ledger.rows
            if r.parent == row.key and r.kind not in ("varav", *NON_VALUE_KINDS)
        ]
        if children or row.kind == "delsumma":
            return children
        return [
            r
            for r in self.ledger.rows
            if r is not row
            and r.parent is None
            and r.level == row.level
            and r.kind in FALLBACK_MEMBER_KINDS
        ]

    def _sums(self, raw: dict[str, dict[str, Any]], keys: list[str]) -> dict[str, dict[str, Any]]:
        result: dict[str, dict[str, Any]] = {}
        visiting: set[str] = set()

        def value_of(row: LedgerRow) -> dict[str, Any]:
            if row.key in result:
                return result[row.key]
            if row.kind not in SUM_KINDS:
                result[row.key] = raw[row.key]
                return result[row.key]
            if row.key in visiting:
                raise KommunrapportError(
                    f"summaraden {row.label!r} ingår i sin egen summa",
                    self.sheet.location(row=row.source.excel_row),
                    "Kontrollera kolumnerna Förälder och Summerar.",
                )
            visiting.add(row.key)
            members = self._members(row)
            if not members:
                raise KommunrapportError(
                    f"summaraden {row.label!r} har inga rader att summera",
                    self.sheet.location(row=row.source.excel_row),
                    "Ange Förälder på raderna som ska summeras, eller Summerar på summaraden.",
                )
            totals: dict[str, Any] = dict(raw[row.key])
            for key in keys:
                parts = []
                for member in members:
                    value = value_of(member).get(key)
                    if isinstance(value, float):
                        parts.append(-value if member.kind == "avdrag" else value)
                computed = sum(parts) if parts else None
                given = raw[row.key].get(key)
                if isinstance(given, float) and computed is not None:
                    self._compare(row, key, given, computed, len(parts), "summa")
                totals[key] = computed
            visiting.discard(row.key)
            result[row.key] = totals
            return totals

        for row in self.ledger.rows:
            value_of(row)
        return result

    # -- checks -----------------------------------------------------------------------------
    def _unit_step(self) -> float:
        """One unit of the last printed decimal, in the sheet's unit."""
        step = 10.0**-self.spec.decimals
        if self.display_unit and self.source_unit:
            step = convert(step, self.display_unit, self.source_unit)
        return step

    def _compare(
        self, row: LedgerRow, key: str, given: float, computed: float, parts: int, what: str
    ) -> None:
        step = self._unit_step()
        tolerance = (
            self.spec.tolerance
            if self.spec.tolerance is not None
            else (step * max(1.0, parts / 2) if what == "summa" else step)
        )
        if abs(given - computed) <= tolerance + 1e-9:
            return
        header = self.sheet.headers[self.sheet.keys.index(key)]
        decimals = self.spec.decimals if self.source_unit == self.display_unit else 0

        def show(value: float) -> str:
            return format_number(value, decimals)

        if what == "summa":
            message = (
                f"summaraden {row.label!r}, kolumn {header}: angivet {show(given)} men "
                f"raderna summerar till {show(computed)} "
                f"(skillnad {show(given - computed)})"
            )
            code = "summa"
        else:
            message = (
                f"{header} för {row.label!r}: angivet {show(given)}, beräknat "
                f"{show(computed)} (skillnad {show(given - computed)})"
            )
            code = "beraknat-varde"
        self.findings.warn(
            code,
            message,
            self.sheet.location(row.source.ref(key)),
            "Rätta värdet i arbetsboken eller ta bort det (verktyget räknar ut det).",
        )

    def _check_given(self, row: LedgerRow, column: ViewColumn, computed: float | None) -> None:
        """A sheet column with the computed column's name holds check values."""
        if row.kind in NON_VALUE_KINDS:
            return
        for candidate in self._check_keys(column):
            if candidate not in self.sheet.keys:
                continue
            given = row.source.get(candidate)
            if not is_number(given):
                return
            if computed is None:
                self._warn_uncomputable(row, candidate, float(given), column)
            elif column.format == "procent":
                step = 0.5 * 10.0**-column.decimals / 100
                tolerance = self.spec.tolerance if self.spec.tolerance is not None else step
                if abs(float(given) - computed) > tolerance + 1e-12:
                    self._compare_percent(row, candidate, float(given), computed, column)
            else:
                self._compare(row, candidate, float(given), computed, 1, "beräknat")
            return

    def _check_keys(self, column: ViewColumn) -> list[str]:
        """Sheet columns that may hold check values for a computed column: the one named by
        ``kontroll:``, else the column's printed title (with {{ år }} rendered) or its name."""
        if column.key in self._check_key_cache:
            return self._check_key_cache[column.key]
        if column.spec.check_column:
            where = Location(self.location.file, self.location.line, self.location.field)
            keys = [self.sheet.column_key(self.render(column.spec.check_column, where), where)]
        else:
            title = self.render(column.title, self.location)
            keys = list(
                dict.fromkeys(
                    [
                        normalize(title),
                        normalize(column.attribute),
                        normalize(column.attribute.replace("_", " ")),
                    ]
                )
            )
        self._check_key_cache[column.key] = keys
        return keys

    def _warn_uncomputable(
        self, row: LedgerRow, key: str, given: float, column: ViewColumn
    ) -> None:
        header = self.sheet.headers[self.sheet.keys.index(key)]
        shown = (
            format_percent(given, column.decimals)
            if column.format == "procent"
            else format_number(given, self.spec.decimals)
        )
        self.findings.warn(
            "beraknat-varde",
            f"{header} för {row.label!r}: angivet {shown}, men värdet går inte att beräkna "
            f"ur raden ({column.spec.compute}; t.ex. division med noll eller tomma celler)",
            self.sheet.location(row.source.ref(key)),
            "Kontrollera raden; verktyget lämnar cellen tom.",
        )

    def _compare_percent(
        self, row: LedgerRow, key: str, given: float, computed: float, column: ViewColumn
    ) -> None:
        header = self.sheet.headers[self.sheet.keys.index(key)]
        places = column.decimals
        self.findings.warn(
            "beraknat-varde",
            f"{header} för {row.label!r}: angivet {format_percent(given, places)}, beräknat "
            f"{format_percent(computed, places)}",
            self.sheet.location(row.source.ref(key)),
            "Rätta värdet i arbetsboken eller ta bort det (verktyget räknar ut det).",
        )

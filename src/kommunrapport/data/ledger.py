"""A sheet read as a ledger: rows with their structural columns (Id, Rad, Nivå, Typ, Förälder,
Summerar, Stil, Not, Decimaler, Radenhet) interpreted, and the hierarchy checked.

Computing a view of a ledger (sums, computed columns, checks) is ``view_calculator``'s job.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from ..errors import KommunrapportError, Location
from .workbook import Sheet, SheetRow, describe, is_number, normalize

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
    sheet: Sheet,
    label_column: str | None = None,
    parent_column: str = "Förälder",
    view: str | None = None,
) -> Ledger:
    """Interpret a sheet's structural columns. ``parent_column`` names the column that holds
    the in-sheet parent; "ingen" turns the hierarchy off (e.g. a sheet whose Förälder column
    points into another sheet, as goal sheets do). ``view``: where the table view is declared,
    for messages."""
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
                raise _missing_reference(sheet, row, ref_key, column, parent_column, view)
    return ledger


def _missing_reference(
    sheet: Sheet, row: LedgerRow, ref_key: str, column: str, parent_column: str, view: str | None
) -> KommunrapportError:
    """A Förälder or Summerar that names no row of the sheet. In a table view, Förälder is the
    sum row a row counts into; in goal sheets the same word means a goal: say both."""
    where = sheet.location(row.source.ref(column))
    if column == "summerar":
        return KommunrapportError(
            f"Summerar hänvisar till {ref_key!r}, som inte är en rad i bladet",
            where,
            "Skriv Id för rader i samma blad, åtskilda med komma.",
        )
    declared = f" ({view})" if view else ""
    return KommunrapportError(
        f"kolumnen {parent_column} hänvisar till {ref_key!r}, som inte är en rad i bladet; i en "
        "tabellvy anger kolumnen vilken summarad i samma blad raden räknas in i",
        where,
        f"Betyder {parent_column} något annat här (t.ex. ett mål i målbladen), skriv "
        f"'föräldrakolumn: ingen' i tabellvyn{declared} i tabeller.yaml. Annars: skriv Id för "
        "en summarad (Typ summa eller delsumma) i samma blad.",
    )

"""Edits inside a generated table: never applied (the table is printed from a workbook), but
listed cell by cell with the sheet and cell to change instead."""

from __future__ import annotations

from ..data.view_model import ViewData
from ..errors import Location
from .docx_reader import DocTable
from .edits import NotApplied

TABLE_HINT = "Ändra värdet i arbetsboken (eller tabellens beskrivning i tabeller.yaml)."
MARKDOWN_TABLE_HINT = "Tabellen är skriven i avsnittets Markdown-fil; ändra cellen där."


def table_anchor(name: str, view: ViewData) -> str:
    """The bookmark of a view's caption, as table_block names it."""
    return view.spec.anchor or f"tbl-{name.replace('_', '-')}"


def find_view(table: DocTable, views: dict[str, ViewData]) -> ViewData | None:
    for name, view in views.items():
        if table_anchor(name, view) in table.bookmarks:
            return view
    return None


def cell_location(view: ViewData, table: DocTable, row: int, column: int) -> Location | None:
    """The workbook cell behind a cell of the table as built (None: a heading cell)."""
    first_body = len(table.rows) - len(view.rows)
    if row < first_body or first_body < 0:
        return None
    view_row = view.rows[row - first_body]
    sheet = view.ledger.sheet
    source = view_row.row.source
    if column == 0:
        key = view.ledger.label_key
        return sheet.location(source.ref(key), row=None if source.ref(key) else source.excel_row)
    if column - 1 >= len(view.columns):
        return None
    view_column = view.columns[column - 1]
    ref = None if view_column.is_computed else source.ref(view_column.key)
    if ref is not None and view_row.row.kind not in ("summa", "delsumma"):
        return sheet.location(ref)
    return sheet.location(row=source.excel_row)


def _describe(view: ViewData | None, table: DocTable, row: int, column: int) -> str:
    label = table.rows[row][0] if table.rows[row] else ""
    header = ""
    for heading in table.rows[: len(table.rows) - len(view.rows)] if view else table.rows[:1]:
        if column < len(heading) and heading[column].strip():
            header = heading[column]
    where = f"rad ”{label}”" + (f", kolumn ”{header}”" if header else "")
    if view is None or column == 0:
        return where
    view_column = view.columns[column - 1] if column - 1 < len(view.columns) else None
    if view_column is not None and view_column.is_computed:
        return f"{where} (beräknad kolumn: {view_column.spec.compute})"
    first_body = len(table.rows) - len(view.rows)
    if row >= first_body and view.rows[row - first_body].row.kind in ("summa", "delsumma"):
        return f"{where} (summa av raderna ovanför)"
    return where


def table_changes(
    before: DocTable, after: DocTable, views: dict[str, ViewData], where: Location
) -> list[NotApplied]:
    """Each changed cell of a generated table, with the workbook cell behind it."""
    view = find_view(before, views)
    out = []
    for r, (old_row, new_row) in enumerate(zip(before.rows, after.rows, strict=False)):
        for c, (old, new) in enumerate(zip(old_row, new_row, strict=False)):
            if old == new:
                continue
            cell = cell_location(view, before, r, c) if view else None
            message = f"ändrad cell i {before.caption}: {_describe(view, before, r, c)}"
            hint = TABLE_HINT if view else MARKDOWN_TABLE_HINT
            out.append(NotApplied("tabell", message, cell or where, old, new, hint))
    if len(before.rows) != len(after.rows) or any(
        len(a) != len(b) for a, b in zip(before.rows, after.rows, strict=False)
    ):
        out.append(
            NotApplied(
                "tabell",
                f"{before.caption}: rader eller kolumner har lagts till eller tagits bort",
                where,
                hint="Rader och kolumner styrs av bladet och tabeller.yaml.",
            )
        )
    return out

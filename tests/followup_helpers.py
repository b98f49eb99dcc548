"""Helpers for the goal, status-scale and intern kontroll tests: load a package's follow-up
data without rendering documents, and change a workbook cell the way a report writer would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from openpyxl import load_workbook

from kommunrapport.build.package_builder import PackageBuilder
from kommunrapport.project.package import load_package

MALBILAGA = "malbilaga.xlsx"
INTERN_KONTROLL = "intern_kontroll.xlsx"


def load_builder(package_dir: Path) -> PackageBuilder:
    """Everything up to the documents: configuration, data, scales, goal tree, checks."""
    return PackageBuilder(load_package(package_dir), ("html",))


def findings_text(builder: PackageBuilder) -> list[str]:
    return [str(f) for f in builder.findings]


def edit_sheet(
    package_dir: Path,
    workbook: str,
    sheet: str,
    cells: dict[str, Any] | None = None,
    append: list[Any] | None = None,
    delete_rows: list[int] | None = None,
) -> None:
    path = package_dir / "data" / workbook
    book = load_workbook(path)
    ws = book[sheet]
    for ref, value in (cells or {}).items():
        ws[ref] = value
    for row in sorted(delete_rows or [], reverse=True):
        ws.delete_rows(row)
    if append is not None:
        ws.append(append)
    book.save(path)


def find_row(package_dir: Path, workbook: str, sheet: str, row_id: str) -> int:
    ws = load_workbook(package_dir / "data" / workbook)[sheet]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == row_id:
            return row[0].row
    raise AssertionError(f"{row_id} finns inte i {sheet}")


def column_letter(package_dir: Path, workbook: str, sheet: str, header: str) -> str:
    ws = load_workbook(package_dir / "data" / workbook)[sheet]
    for cell in ws[1]:
        if cell.value == header:
            return cell.column_letter
    raise AssertionError(f"kolumnen {header} finns inte i {sheet}")


def cell_of(package_dir: Path, workbook: str, sheet: str, row_id: str, header: str) -> str:
    """The reference ("D7") of the cell in the row ``row_id`` under the column ``header``."""
    ws = load_workbook(package_dir / "data" / workbook)[sheet]
    columns = [cell.column_letter for cell in ws[1] if cell.value == header]
    if not columns:
        raise AssertionError(f"kolumnen {header} finns inte i {sheet}")
    for row in ws.iter_rows(min_row=2):
        if row[0].value == row_id:
            return f"{columns[0]}{row[0].row}"
    raise AssertionError(f"{row_id} finns inte i {sheet}")


def set_cell(
    package_dir: Path, workbook: str, sheet: str, row_id: str, header: str, value: Any
) -> str:
    """Write ``value`` in the row ``row_id`` under ``header``; returns the cell's reference."""
    ref = cell_of(package_dir, workbook, sheet, row_id, header)
    edit_sheet(package_dir, workbook, sheet, {ref: value})
    return ref


def edit_report_yaml(package_dir: Path, change: Any) -> None:
    """Apply ``change(data)`` to report.yaml (a plain dict) and write it back."""
    path = package_dir / "report.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def sheet_rows(package_dir: Path, workbook: str, sheet: str) -> list[dict[str, Any]]:
    ws = load_workbook(package_dir / "data" / workbook)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    headers = rows[0]
    return [dict(zip(headers, row, strict=False)) for row in rows[1:] if any(row)]


def scale_levels(package_dir: Path, scale: str) -> dict[str, dict[str, Any]]:
    data = yaml.safe_load((package_dir / "report.yaml").read_text(encoding="utf-8"))
    return {
        str(level.get("kod", level.get("från"))): level for level in data["skalor"][scale]["nivåer"]
    }

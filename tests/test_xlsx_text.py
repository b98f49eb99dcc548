"""``kommunrapport xlsx-text``: a workbook as stable line-based text for git diff."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from kommunrapport.cli import main
from kommunrapport.errors import KommunrapportError
from kommunrapport.review.xlsx_text import workbook_text


def make_workbook(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Drift nämnd"
    ws.append(["Id", "Rad", "Budget", "Utfall", "Avvikelse"])
    ws.append(["klk", "Kommunledningskontoret", -120500, -118250.75, "=C2-D2"])
    ws.append(["rtj", "Räddningstjänst", -60000.5, -62511, None])
    ws.append([])
    ws.append(["not", "Uppdaterad", datetime(2023, 1, 20), date(2023, 1, 31), "2022"])
    other = wb.create_sheet("Personal")
    other["A1"] = "Antal"
    other["B1"] = 1060
    other["C1"] = 0.0493
    other["D1"] = True
    wb.create_sheet("Tomt")
    wb.save(path)


def test_lines_name_sheet_cell_and_value(tmp_path: Path) -> None:
    path = tmp_path / "ekonomi.xlsx"
    make_workbook(path)
    lines = workbook_text(path).splitlines()
    assert "'Drift nämnd'!A1 = \"Id\"" in lines
    assert "'Drift nämnd'!C2 = -120500" in lines
    assert "'Drift nämnd'!D2 = -118250.75" in lines
    assert "'Drift nämnd'!C3 = -60000.5" in lines
    # a formula without a cached value shows the formula
    assert "'Drift nämnd'!E2 = =C2-D2" in lines
    # dates in ISO, text that looks like a number stays text
    assert "'Drift nämnd'!C5 = 2023-01-20" in lines
    assert "'Drift nämnd'!D5 = 2023-01-31" in lines
    assert "'Drift nämnd'!E5 = \"2022\"" in lines
    assert "Personal!B1 = 1060" in lines
    assert "Personal!C1 = 0.0493" in lines
    assert "Personal!D1 = SANT" in lines
    assert "Tomt (tomt blad)" in lines
    # empty cells and rows are left out; sheets in workbook order, rows top to bottom
    assert not any(line.startswith("'Drift nämnd'!E3") for line in lines)
    sheets = [line.split("!")[0] for line in lines if "!" in line]
    assert sheets == sorted(sheets, key=["'Drift nämnd'", "Personal"].index)


def test_formula_with_cached_value_shows_both(tmp_path: Path) -> None:
    """Excel stores the last calculated value next to the formula; both are printed."""
    path = tmp_path / "cached.xlsx"
    wb = Workbook()
    wb.active.title = "Blad1"
    wb.active["A1"] = 5
    wb.active["A2"] = "=A1*2"
    wb.save(path)
    _add_cached_value(path, "A2", "10")
    assert "Blad1!A2 = 10 [formel =A1*2]" in workbook_text(path).splitlines()


def _add_cached_value(path: Path, ref: str, value: str) -> None:
    """Write a cached value into a formula cell, as Excel does when it saves."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    xml = members["xl/worksheets/sheet1.xml"].decode("utf-8")
    xml = re.sub(
        rf'(<c r="{ref}"[^>]*>\s*<f>[^<]*</f>)\s*(<v\s*/>|<v></v>)?',
        rf"\1<v>{value}</v>",
        xml,
    )
    members["xl/worksheets/sheet1.xml"] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_stable_across_saves(tmp_path: Path) -> None:
    """Saving the same figures again (other program, other styles, other order of shared
    strings) gives exactly the same text."""
    first = tmp_path / "first.xlsx"
    make_workbook(first)
    wb = load_workbook(first)
    ws = wb["Drift nämnd"]
    ws["A1"].font = Font(bold=True)
    ws.column_dimensions["B"].width = 40
    wb.active = 1
    second = tmp_path / "second.xlsx"
    wb.save(second)
    third = tmp_path / "third.xlsx"
    load_workbook(second).save(third)
    text = workbook_text(first)
    assert workbook_text(second) == text
    assert workbook_text(third) == text
    assert first.read_bytes() != second.read_bytes()


def test_one_changed_cell_is_one_changed_line(tmp_path: Path) -> None:
    path = tmp_path / "ekonomi.xlsx"
    make_workbook(path)
    before = workbook_text(path).splitlines()
    wb = load_workbook(path)
    wb["Drift nämnd"]["D3"] = -62600
    wb.save(path)
    after = workbook_text(path).splitlines()
    assert [line for line in before if line not in after] == ["'Drift nämnd'!D3 = -62511"]
    assert [line for line in after if line not in before] == ["'Drift nämnd'!D3 = -62600"]


def test_command_prints_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ekonomi.xlsx"
    make_workbook(path)
    assert main(["xlsx-text", str(path)]) == 0
    assert capsys.readouterr().out == workbook_text(path)


def test_not_a_workbook_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "pekare.xlsx"
    path.write_text("version https://git-lfs.github.com/spec/v1\n", encoding="utf-8")
    with pytest.raises(KommunrapportError, match="kan inte läsas som en Excel-arbetsbok"):
        workbook_text(path)
    assert main(["xlsx-text", str(path)]) == 1


def test_git_textconv_shows_cell_changes(tmp_path: Path) -> None:
    """With the .gitattributes and git config lines from the README, git diff shows cells."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-C", str(repo)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "config", "user.name", "Test"], check=True)
    subprocess.run([*git, "config", "user.email", "test@example.com"], check=True)
    command = f"{sys.executable} -m kommunrapport.cli xlsx-text"
    subprocess.run([*git, "config", "diff.xlsx.textconv", command], check=True)
    (repo / ".gitattributes").write_text("*.xlsx diff=xlsx\n", encoding="utf-8")
    path = repo / "ekonomi.xlsx"
    make_workbook(path)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "första"], check=True)
    wb = load_workbook(path)
    wb["Personal"]["B1"] = 1072
    wb.save(path)
    diff = subprocess.run(
        [*git, "diff", "--no-color"], check=True, capture_output=True, text=True
    ).stdout
    assert "-Personal!B1 = 1060" in diff
    assert "+Personal!B1 = 1072" in diff
    assert "Binary files" not in diff

"""``kommunrapport diff``: changed cells and sentences between two git revisions."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kommunrapport.cli import main
from kommunrapport.errors import KommunrapportError
from kommunrapport.review.revision_diff import COMMENT_MARKER, diff_revisions
from kommunrapport.review.section_text import split_sentences

from .conftest import CONTENT, KALMAR
from .review_fixtures import PACKAGE_ID, SECTION, write_package

NBSP = "\u00a0"
MINUS = "\u2212"
OLD_SENTENCE = "Under 2022 har 27 föreningar fått stöd för trygghetsarbete."
NEW_SENTENCE = "Under 2022 har 29 föreningar fått stöd för trygghetsarbete."


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A report repository in git with the test package and its workbook, committed."""
    root = tmp_path / "rapporter"
    write_package(root)
    git_init(root)
    commit(root, "Första versionen")
    return root


def git_init(root: Path) -> None:
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    git(root, "config", "user.name", "Testare")
    git(root, "config", "user.email", "testare@example.com")
    git(root, "config", "commit.gpgsign", "false")


def change_cell_and_sentence(root: Path) -> None:
    package = root / "content" / PACKAGE_ID
    wb = load_workbook(package / "data" / "granskning.xlsx")
    wb["Drift nämnd"]["D3"] = -62512
    wb.save(package / "data" / "granskning.xlsx")
    section = package / SECTION
    text = section.read_text(encoding="utf-8")
    assert text.count("har 27 föreningar") == 1
    text = text.replace("har 27 föreningar", "har 29 föreningar")
    section.write_text(text, encoding="utf-8")


def test_exactly_the_changed_cell_and_sentence(repo: Path) -> None:
    change_cell_and_sentence(repo)
    commit(repo, "Nya siffror")
    result = diff_revisions(repo, "HEAD~1", "HEAD")
    assert [p.package_id for p in result.packages] == [PACKAGE_ID]
    package = result.packages[0]
    assert package.problems == []
    [sheet] = package.sheets
    assert (sheet.workbook, sheet.sheet) == ("data/granskning.xlsx", "Drift nämnd")
    assert not (sheet.added_rows or sheet.removed_rows or sheet.added_columns)
    [cell] = sheet.cells
    assert (cell.row, cell.column, cell.cell, cell.old, cell.new) == (
        "Räddningstjänst",
        "Utfall",
        "D3",
        -62345,
        -62512,
    )
    [section] = package.sections
    assert (section.document, section.title, section.source) == (
        "rapport",
        "Trygghet",
        f"content/{PACKAGE_ID}/{SECTION}",
    )
    [change] = section.changes
    # the rendered sentence: {{ år }} filled in
    assert change.removed == [OLD_SENTENCE]
    assert change.added == [NEW_SENTENCE]


def test_terminal_and_markdown_output(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    change_cell_and_sentence(repo)
    commit(repo, "Nya siffror")
    assert main(["diff", "HEAD~1", "HEAD", "--root", str(repo)]) == 0
    out = capsys.readouterr().out
    cell = f"Räddningstjänst, Utfall (D3): {MINUS}62{NBSP}345 → {MINUS}62{NBSP}512"
    assert f"    data/granskning.xlsx, blad Drift nämnd\n      {cell}\n" in out
    assert f"      - {OLD_SENTENCE}" in out
    assert f"      + {NEW_SENTENCE}" in out
    assert out.count("\n      - ") == 1 and out.count("\n      + ") == 1

    assert main(["diff", "HEAD~1", "HEAD", "--markdown", "--root", str(repo)]) == 0
    md = capsys.readouterr().out
    assert md.startswith(COMMENT_MARKER + "\n## Ändringar i siffror och text")
    assert f"| Räddningstjänst | Utfall | D3 | {MINUS}62{NBSP}345 | {MINUS}62{NBSP}512 |" in md
    assert f"```diff\n- {OLD_SENTENCE}\n+ {NEW_SENTENCE}\n```" in md


def test_working_tree_is_the_default_new_side(repo: Path) -> None:
    change_cell_and_sentence(repo)  # not committed
    result = diff_revisions(repo, "HEAD")
    assert result.new_label == "arbetskopian"
    package = result.packages[0]
    assert [c.cell for s in package.sheets for c in s.cells] == ["D3"]
    assert len(package.sections) == 1
    assert git(repo, "status", "--porcelain").count("\n") == 2  # nothing else touched


def test_changed_template_value_shows_as_changed_text(repo: Path) -> None:
    """A figure in report.yaml used through {{ … }}: the sentence that uses it changes."""
    package = repo / "content" / PACKAGE_ID
    config = package / "report.yaml"
    text = config.read_text(encoding="utf-8")
    with_value = text.replace("  forvaltning_kort: KLK", "  forvaltning_kort: KLK\n  antal: 27")
    config.write_text(with_value, encoding="utf-8")
    section = package / SECTION
    section.write_text(
        section.read_text(encoding="utf-8").replace(
            "har 27 föreningar", "har {{ antal }} föreningar"
        ),
        encoding="utf-8",
    )
    commit(repo, "Antalet från report.yaml")
    config.write_text(with_value.replace("antal: 27", "antal: 31"), encoding="utf-8")
    commit(repo, "Ändrat antal")
    [package_diff] = diff_revisions(repo, "HEAD~1", "HEAD").packages
    assert package_diff.sheets == []
    changes = [c for s in package_diff.sections for c in s.changes]
    assert [(c.removed, c.added) for c in changes] == [
        ([OLD_SENTENCE], [OLD_SENTENCE.replace("27", "31")])
    ]


def test_rows_and_columns_added_or_removed(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = repo / "content" / PACKAGE_ID / "data" / "granskning.xlsx"
    wb = load_workbook(path)
    ws = wb["Drift nämnd"]
    ws.insert_rows(3)
    for column, value in enumerate(["ekon", "Ekonomienheten", -15000, -14200.5], start=1):
        ws.cell(3, column, value)
    ws.delete_rows(2)  # Kommunledningskontoret
    personal = wb["Personal"]
    personal["D1"] = "2023"
    personal["D2"] = 780
    wb.save(path)
    commit(repo, "Rader och kolumner")
    [package] = diff_revisions(repo, "HEAD~1", "HEAD").packages
    sheets = {s.sheet: s for s in package.sheets}
    drift = sheets["Drift nämnd"]
    assert drift.cells == []  # Räddningstjänst moved up a row but did not change
    assert [r.row for r in drift.added_rows] == ["Ekonomienheten"]
    assert [r.row for r in drift.removed_rows] == ["Kommunledningskontoret"]
    assert sheets["Personal"].added_columns == ["2023"]
    assert main(["diff", "HEAD~1", "HEAD", "--root", str(repo)]) == 0
    out = capsys.readouterr().out
    assert (
        f"+ ny rad Ekonomienheten (rad 2): Id ekon, Rad Ekonomienheten, Budget {MINUS}15{NBSP}000, "
        f"Utfall {MINUS}14{NBSP}200,5"
    ) in out
    assert "− borttagen rad Kommunledningskontoret:" in out
    assert "ny kolumn: 2023" in out


def test_no_changes(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "HEAD", "--root", str(repo)]) == 0
    assert "Inga ändringar i siffror eller text." in capsys.readouterr().out


def test_unknown_revision_is_a_clear_error(repo: Path) -> None:
    with pytest.raises(KommunrapportError, match="okänd git-revision 'finnsinte'"):
        diff_revisions(repo, "finnsinte")


def test_sentence_split_keeps_abbreviations() -> None:
    text = (
        "Kostnaden blev ca. 5 mnkr, t.ex. för IT. Nästa år väntas bl.a. Kalmar växa! "
        "Avvikelsen (−35,0 mnkr). Den beror på 2,5 mnkr. 2023 blir bra."
    )
    assert split_sentences(text) == [
        "Kostnaden blev ca. 5 mnkr, t.ex. för IT.",
        "Nästa år väntas bl.a. Kalmar växa!",
        "Avvikelsen (−35,0 mnkr).",
        "Den beror på 2,5 mnkr.",
        "2023 blir bra.",
    ]


def test_kalmar_changed_figure_shows_as_cell_and_as_sentence(tmp_path: Path) -> None:
    """In the Kalmar package a sentence quotes a cell through {{ … | mnkr }}: changing the cell
    shows the cell (old → new) and the sentence that quotes it."""
    root = tmp_path / "rapporter"
    package = root / "content" / KALMAR
    shutil.copytree(CONTENT / KALMAR, package)
    git_init(root)
    commit(root, "Kalmar 2022")
    path = package / "data" / "ekonomi.xlsx"
    wb = load_workbook(path)
    ws = wb["Drift verksamhet"]
    header = [c.value for c in ws[1]]
    utfall = header.index("Utfall") + 1
    row = next(
        r for r in range(2, ws.max_row + 1) if ws.cell(r, 2).value == "Mark och exploatering"
    )
    old = ws.cell(row, utfall).value
    ws.cell(row, utfall).value = old + 1000  # one mnkr more spent
    # the sheet holds the ekonomisystem's deviation, which is the printed one: it moves too
    deviation = header.index("Avvikelse") + 1
    old_deviation = ws.cell(row, deviation).value
    ws.cell(row, deviation).value = old_deviation - 1000
    wb.save(path)
    commit(root, "Nytt utfall för mark och exploatering")
    [package_diff] = diff_revisions(root, "HEAD~1", "HEAD").packages
    cells = [c for s in package_diff.sheets for c in s.cells]
    assert [(c.row, c.column, c.old, c.new) for c in cells] == [
        ("Mark och exploatering", "Utfall", old, old + 1000),
        ("Mark och exploatering", "Avvikelse", old_deviation, old_deviation - 1000),
    ]
    changed = [
        (c.removed, c.added)
        for s in package_diff.sections
        if s.source and s.source.endswith("10-driftredovisning.md")
        for c in s.changes
    ]
    assert len(changed) == 1
    [(removed, added)] = changed
    assert len(removed) == len(added) == 1
    assert "Den största negativa avvikelsen finns inom mark och exploatering" in added[0]
    assert removed[0] != added[0]

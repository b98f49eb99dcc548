"""Roll a report package over to the next period: ``kommunrapport new --från``.

The new package is a copy of the old one, with the period moved on:

* **report.yaml, tabeller.yaml, diagram.yaml** and the front matter of the Markdown files:
  every year written out (in labels, headers, period names and dates) moves on by the same
  number of years. Expressions such as ``{{ år - 1 }}`` follow ``år`` by themselves. The
  diarienummer becomes a placeholder (a new report is a new case) that ``check`` reports.
* **Workbooks** under ``data/``, each sheet that a table view (``tabeller.yaml``) is made of
  (row 1 is the header row, see docs/data-format.md). Goal and internal-control sheets keep
  their rows and values, which the writers update:
  - a column whose header names a year ("2021", "Antal personer 2022", "Utfall aug 2022")
    gets the next year in its header, and the figures the old package has under that new
    header: "Antal personer 2022" of the 2023 package is filled from "Antal personer 2022" of
    the 2022 package, and "Antal personer 2023" is left empty for the new figures. A header
    for the old year that the old sheet had without a year ("Utfall 2022" from "Utfall") and
    a previous-year column ("Utfall föregående år") are filled from the old period's column;
  - the other value columns (Budget, Utfall, Avvikelse …) hold the old period's figures; their
    numbers are emptied so that no old figure is printed as a new one;
  - the row structure (Id, Rad, Nivå, Typ, Förälder …) stays as it is.
* **The text** of the sections, snippets and comment files (``kommentarer/``) is the old
  period's: copied as it is, its sentences would be published again as the new period's
  ("Under 2021 fortsatte …" in a 2022 report is a defect the reference reports show) and would
  quote figures the new period does not have yet. So the prose becomes a Jinja comment
  ``{# … #}`` in the same file, kept as a starting point, and a visible "[Skriv här: …]"
  reminder (reported by ``check``) takes its place. Lines that only place a table or chart
  (``{{ tabell("…") }}``) stay active. With ``keep_text`` the text is copied unchanged.

This module copies the package and runs the steps; :mod:`.rollover_text` moves the text on and
:mod:`.rollover_workbook` the workbooks.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import KommunrapportError
from ..project.package import CONFIG_NAME, load_package
from ..project.source_files import SourceFiles, read_own_text
from .rollover_text import YearShifter, retire_text, shift_config_text, shift_front_matter
from .rollover_workbook import roll_workbook, table_sheets

CONFIG_FILES = (CONFIG_NAME, "tabeller.yaml", "diagram.yaml")
SKIPPED = {"output", ".git", "__pycache__"}
DATA_DIR = "data"


@dataclass
class RolloverReport:
    """What the roll-over did, for the summary the command prints."""

    package_dir: Path
    old_year: int
    new_year: int
    notes: list[str] = field(default_factory=list)


# -- the whole package ----------------------------------------------------------------------
def default_package_id(old_id: str, old_year: int, new_year: int) -> str:
    if str(old_year) not in old_id:
        raise KommunrapportError(
            f"paket-id {old_id!r} innehåller inte året {old_year}",
            hint="Ange det nya paketets id, t.ex. kommunrapport new nytt-paket-id --från …",
        )
    return old_id.replace(str(old_year), str(new_year))


def _copy_package(old_dir: Path, new_dir: Path) -> None:
    def ignore(folder: str, names: list[str]) -> set[str]:
        return {n for n in names if n in SKIPPED or n.startswith("~$") or n.startswith(".~lock")}

    # every link must stay inside the package: the copy holds the content of what it points to
    files = SourceFiles.for_package(old_dir, old_dir.parent)
    for current, dirs, names in os.walk(old_dir):
        for name in [*dirs, *names]:
            path = Path(current, name)
            if path.is_symlink():
                files.check(path)
    shutil.copytree(old_dir, new_dir, ignore=ignore)


def rollover_package(
    old_dir: Path, new_dir: Path, new_year: int | None = None, keep_text: bool = False
) -> RolloverReport:
    """Copy ``old_dir`` to ``new_dir`` and move it on to ``new_year`` (default: the next)."""
    old_package = load_package(old_dir)
    old_year = old_package.config.year
    new_year = new_year if new_year is not None else old_year + 1
    if new_year <= old_year:
        raise KommunrapportError(
            f"det nya året ({new_year}) ska komma efter paketets år ({old_year})",
            hint="Ange ett senare år med --år.",
        )
    if new_dir.exists() and any(new_dir.iterdir()):
        raise KommunrapportError(
            f"mappen {new_dir} finns redan och är inte tom",
            hint="Välj ett annat paket-id; ett befintligt paket skrivs aldrig över.",
        )
    if new_dir.exists():
        new_dir.rmdir()
    shifter = YearShifter(old_year, new_year)
    report = RolloverReport(new_dir, old_year, new_year)
    _copy_package(old_dir, new_dir)
    try:
        for name in CONFIG_FILES:
            path = new_dir / name
            if path.is_file():
                text = read_own_text(path, old_package.display(old_dir / name))
                path.write_text(
                    shift_config_text(text, shifter, new_year, report.notes), encoding="utf-8"
                )
        report.notes.insert(
            0, f"report.yaml: år {old_year} → {new_year}, datum och period flyttade lika många år"
        )
        retired = 0
        for path in sorted(new_dir.rglob("*.md")):
            relative = path.relative_to(new_dir)
            if relative.parts[0] == "templates" or path.name.lower() == "readme.md":
                continue
            text = read_own_text(path, old_package.display(old_dir / relative))
            shifted = shift_front_matter(text, shifter)
            if not keep_text:
                shifted = retire_text(shifted, old_year, new_year)
                retired += shifted != text
            if shifted != text:
                path.write_text(shifted, encoding="utf-8")
        if retired:
            report.notes.append(
                f"{retired} Markdown-filer: texten från {old_year} ligger kvar som kommentar att "
                "skriva om; tabellerna står kvar"
            )
        tables = table_sheets(new_dir)
        untouched: list[str] = []
        for path in sorted((new_dir / DATA_DIR).glob("*.xlsx")):
            display = old_package.display(path)
            sheets = {sheet for book, sheet in tables if book == path.name.lower()}
            if not sheets:
                untouched.append(path.name)
                continue
            report.notes += roll_workbook(path, shifter, display, sheets)
        if untouched:
            report.notes.append(
                f"{', '.join(untouched)}: oförändrade (ingen tabell i tabeller.yaml läser dem); "
                "uppdatera bedömningar, status och kommentarer för den nya perioden"
            )
    except BaseException:
        shutil.rmtree(new_dir, ignore_errors=True)  # no half-made package is left behind
        raise
    return report

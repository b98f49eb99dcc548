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
"""

from __future__ import annotations

import calendar
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..data.workbook import RESERVED, normalize, open_for_editing
from ..data.xlsx_stream import is_formula
from ..errors import KommunrapportError
from ..project.frontmatter import FENCE
from ..project.package import CONFIG_NAME, load_package
from ..project.source_files import SourceFiles, read_own_text
from ..project.yaml_lines import load_yaml_file

YEAR = re.compile(r"(?<![\d])((?:19|20)\d\d)(?![\d])")
ISO_DATE = re.compile(r"(?<![\d])((?:19|20)\d\d)-(\d\d)-(\d\d)(?![\d])")
YEAR_WINDOW = 30  # years before the old report's year that count as years, not numbers
CLEARED_TEXT_COLUMNS = {"kommentar"}
PREVIOUS_YEAR = re.compile(r"^(?P<base>.*?)\s+(?:föregående år|fg\.? år|fjolåret|i fjol)$", re.I)
OUTCOME_COLUMNS = ("utfall", "bokslut", "utfall helår")
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


def normalize_header(header: Any) -> str:
    return normalize(header) if header is not None else ""


class YearShifter:
    """Moves years written out in text by ``delta`` years."""

    def __init__(self, old_year: int, new_year: int):
        self.old_year = old_year
        self.delta = new_year - old_year
        self.low = old_year - YEAR_WINDOW
        self.high = old_year + 2

    def is_year(self, value: int) -> bool:
        return self.low <= value <= self.high

    def years_in(self, text: str) -> list[int]:
        return [int(m) for m in YEAR.findall(text) if self.is_year(int(m))]

    def shift_text(self, text: str) -> str:
        def date_sub(match: re.Match[str]) -> str:
            year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3))
            if not self.is_year(year) or not 1 <= month <= 12:
                return match.group(0)
            new_year = year + self.delta
            day = min(day, calendar.monthrange(new_year, month)[1])  # 29 februari
            return f"{new_year:04d}-{month:02d}-{day:02d}"

        def year_sub(match: re.Match[str]) -> str:
            year = int(match.group(1))
            return str(year + self.delta) if self.is_year(year) else match.group(0)

        text = ISO_DATE.sub(date_sub, text)
        # Years that are not part of a date (the dates are already shifted).
        parts = re.split(r"((?:19|20)\d\d-\d\d-\d\d)", text)
        return "".join(p if ISO_DATE.fullmatch(p) else YEAR.sub(year_sub, p) for p in parts)

    def shift_header(self, header: Any) -> Any:
        """A header cell with its years moved on; numbers stay numbers (2021 → 2022)."""
        if isinstance(header, bool):
            return header
        if isinstance(header, int | float) and float(header).is_integer():
            return int(header) + self.delta if self.is_year(int(header)) else header
        if isinstance(header, str):
            return self.shift_text(header)
        return header


# -- configuration and text -----------------------------------------------------------------
CASE_NUMBER = re.compile(r"^(?P<key>\s*diarienummer:\s*)(?P<value>.+?)\s*$")


def case_number_placeholder(value: str, new_year: int) -> str:
    """'KS 2022/0231' → 'KS 2023/XXXX': the office's prefix kept, the number to be filled in."""
    text = value.strip().strip("'\"")
    match = re.match(r"^(?P<prefix>.*?)(?:19|20)\d\d(?P<sep>\s*[/:\-]\s*)\S+$", text)
    if match:
        return f"{match.group('prefix')}{new_year}{match.group('sep')}XXXX"
    return f"XX {new_year}/XXXX"


def shift_config_text(text: str, shifter: YearShifter, new_year: int, notes: list[str]) -> str:
    lines: list[str] = []
    for line in text.splitlines(keepends=True):
        body, newline = (line[:-1], "\n") if line.endswith("\n") else (line, "")
        stripped = body.lstrip()
        if stripped.startswith("#"):
            lines.append(line)
            continue
        case = CASE_NUMBER.match(body)
        if case:
            placeholder = case_number_placeholder(case.group("value"), new_year)
            notes.append(
                f"report.yaml: diarienummer {case.group('value').strip()} → "
                f"{placeholder} (fyll i det nya ärendets nummer)"
            )
            lines.append(f"{case.group('key')}{placeholder}{newline}")
            continue
        lines.append(shifter.shift_text(body) + newline)
    return "".join(lines)


def shift_front_matter(text: str, shifter: YearShifter) -> str:
    """Years in a Markdown file's front matter (its heading, for instance); not in the text."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != FENCE:
        return text
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (FENCE, "..."):
            head = [shifter.shift_text(line) for line in lines[1:index]]
            return "".join([lines[0], *head, *lines[index:]])
    return text


BLOCK_LINE = re.compile(r"^\s*\{\{-?\s*(?:tabell|diagram|sidbrytning)\s*\(.*\)\s*-?\}\}\s*$")


def retire_text(text: str, old_year: int, new_year: int) -> str:
    """The old period's prose as comments, the tables kept, and a reminder to write anew."""
    lines = text.splitlines()
    start = 0
    if lines and lines[0].rstrip() == FENCE:
        for index in range(1, len(lines)):
            if lines[index].rstrip() in (FENCE, "..."):
                start = index + 1
                break
    head, body = lines[:start], lines[start:]
    if not any(line.strip() for line in body):
        return text
    out = [
        *head,
        f"[Skriv här: texten för {new_year}; texten från {old_year} står som kommentar nedan.]",
        "",
    ]
    chunk: list[str] = []

    def flush() -> None:
        while chunk and not chunk[-1].strip():
            chunk.pop()
        while chunk and not chunk[0].strip():
            chunk.pop(0)
        if chunk:
            safe = [line.replace("#}", "# }").replace("{#", "{ #") for line in chunk]
            out.extend([f"{{# Text från {old_year}:", *safe, "#}", ""])
        chunk.clear()

    for line in body:
        if BLOCK_LINE.match(line):
            flush()
            out.extend([line, ""])
        else:
            chunk.append(line)
    flush()
    return "\n".join(out).rstrip("\n") + "\n"


# -- workbooks ------------------------------------------------------------------------------
def _column_values(sheet: Any, column: int) -> list[Any]:
    return [sheet.cell(row, column).value for row in range(2, sheet.max_row + 1)]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def roll_sheet(sheet: Any, shifter: YearShifter, where: str) -> list[str]:
    """Shift the year columns of one sheet and empty the old period's figures."""
    if sheet.max_row < 1 or sheet.max_column < 1:
        return []
    headers = {c: sheet.cell(1, c).value for c in range(1, sheet.max_column + 1)}
    by_name = {normalize_header(h): c for c, h in headers.items() if h not in (None, "")}
    old_values = {c: _column_values(sheet, c) for c in headers}
    old_year = str(shifter.old_year)
    reserved = set(RESERVED)
    filled: list[str] = []
    emptied: list[str] = []
    moved: list[str] = []
    for column, header in headers.items():
        name = normalize_header(header)
        if not name or name in reserved:
            continue
        years = shifter.years_in(str(header if not isinstance(header, float) else int(header)))
        if years:
            new_header = shifter.shift_header(header)
            new_name = normalize_header(new_header)
            source = by_name.get(new_name)
            if source is None and old_year in new_name.split():
                # "Utfall 2022" in the new sheet: the old sheet's "Utfall" (without a year)
                undated = " ".join(w for w in new_name.split() if w != old_year)
                candidate = by_name.get(undated)
                if candidate is not None and not shifter.years_in(undated):
                    source = candidate
            sheet.cell(1, column).value = new_header
            values = old_values[source] if source is not None else [None] * len(old_values[column])
            for offset, value in enumerate(values, start=2):
                sheet.cell(offset, column).value = value
            moved.append(f"{header} → {new_header}")
            if source is None:
                emptied.append(str(new_header))
            elif normalize_header(headers[source]) == new_name:
                filled.append(str(new_header))
            else:
                filled.append(f"{new_header} (från {headers[source]})")
            continue
        previous = PREVIOUS_YEAR.match(name)
        if previous:
            base = previous.group("base")
            source = next(
                (by_name[c] for c in (base, *OUTCOME_COLUMNS) if c in by_name and c != name),
                None,
            )
            if source is not None:
                for offset, value in enumerate(old_values[source], start=2):
                    sheet.cell(offset, column).value = value
                filled.append(f"{header} (från {headers[source]})")
            continue
        cleared = False
        for row in range(2, sheet.max_row + 1):
            cell = sheet.cell(row, column)
            if (
                _is_number(cell.value)
                or is_formula(cell.value)
                or (name in CLEARED_TEXT_COLUMNS and cell.value not in (None, ""))
            ):
                cell.value = None
                cleared = True
        if cleared:
            emptied.append(str(header))
    notes: list[str] = []
    if moved:
        notes.append(f"{where}: årskolumner flyttade: {', '.join(moved)}")
    if filled:
        notes.append(f"{where}: med föregående periods siffror: {', '.join(filled)}")
    if emptied:
        notes.append(f"{where}: tömda, fyll i den nya periodens siffror: {', '.join(emptied)}")
    return notes


def table_sheets(package_dir: Path) -> set[tuple[str, str]]:
    """(workbook, sheet), lower case, of every table view: the sheets whose figures belong to
    one period. Goal and internal-control sheets are not among them."""
    specs: list[Any] = []
    for name, key in (("tabeller.yaml", None), (CONFIG_NAME, "tabeller")):
        path = package_dir / name
        if not path.is_file():
            continue
        data = load_yaml_file(path, path.name).data or {}
        if key is not None:
            data = data.get(key) or {} if isinstance(data, dict) else {}
        if isinstance(data, dict):
            specs += list(data.values())
    found: set[tuple[str, str]] = set()
    for spec in specs:
        sheet = spec.get("blad") if isinstance(spec, dict) else None
        if isinstance(sheet, str) and "/" in sheet:
            book, _, name = sheet.partition("/")
            found.add((book.strip().lower(), " ".join(name.split()).lower()))
    return found


def roll_workbook(
    path: Path, shifter: YearShifter, display: str, sheets: set[str] | None = None
) -> list[str]:
    """Roll the sheets named in ``sheets`` (lower case; None: every sheet) of a workbook."""
    workbook = open_for_editing(path, display)
    notes: list[str] = []
    for sheet in workbook.worksheets:
        if sheets is not None and " ".join(sheet.title.split()).lower() not in sheets:
            continue
        notes += roll_sheet(sheet, shifter, f"{display}, blad {sheet.title}")
    workbook.save(path)
    return notes


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

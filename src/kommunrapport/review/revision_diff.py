"""What changed in the report packages between two git revisions: figures and sentences.

For each package:

* **tables**: every workbook under the package, sheet by sheet; changed cells as old → new in
  Swedish number format, rows and columns added or removed (see workbook_diff.py);
* **text**: every section rendered as in a build and split into sentences; the sentences that
  were removed, added or changed (see section_text.py).

The result prints as text for the terminal or as Markdown for a pull-request comment.
"""

from __future__ import annotations

import difflib
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import KommunrapportError
from ..project.package import discover_packages
from ..project.source_files import SourceFiles
from .git_revisions import GitRepository
from .section_text import PackageText, package_text
from .workbook_diff import CellChange, RowChange, SheetDiff, compare_workbooks, format_cell

WORKING_TREE = "arbetskopian"
MAX_ROWS_LISTED = 25  # added or removed rows listed per sheet; the rest are counted
MAX_MARKDOWN = 60000  # GitHub allows 65 536 characters in a comment
COMMENT_MARKER = "<!-- kommunrapport-diff -->"


@dataclass
class SentenceChange:
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)


@dataclass
class SectionDiff:
    document: str
    title: str
    source: str | None
    status: str = "ändrat"  # "ändrat", "nytt", "borttaget"
    old_title: str | None = None
    changes: list[SentenceChange] = field(default_factory=list)


@dataclass
class PackageDiff:
    package_id: str
    status: str = "ändrat"  # "ändrat", "nytt", "borttaget"
    sheets: list[SheetDiff] = field(default_factory=list)
    sections: list[SectionDiff] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.status != "ändrat" or self.sheets or self.sections or self.problems)


@dataclass
class RevisionDiff:
    old_label: str
    new_label: str
    packages: list[PackageDiff] = field(default_factory=list)


# -- comparing ------------------------------------------------------------------------------
def workbooks_in(package_dir: Path | None) -> dict[str, Path]:
    if package_dir is None or not package_dir.is_dir():
        return {}
    found: dict[str, Path] = {}
    for path in sorted(package_dir.rglob("*.xlsx")):
        relative = path.relative_to(package_dir).as_posix()
        if path.name.startswith("~$") or relative.startswith(("templates/", "output/")):
            continue
        found[relative] = path
    return found


def _workbook_bytes(package_dir: Path, path: Path) -> bytes:
    """A workbook's bytes through the package's one opener (a link out is refused)."""
    files = SourceFiles.for_package(package_dir, package_dir.parent)
    return files.read_bytes(path)


def compare_package_workbooks(
    package_id: str, old_dir: Path | None, new_dir: Path | None, problems: list[str]
) -> list[SheetDiff]:
    old_books, new_books = workbooks_in(old_dir), workbooks_in(new_dir)
    diffs: list[SheetDiff] = []
    for name in sorted(set(old_books) | set(new_books)):
        old, new = old_books.get(name), new_books.get(name)
        try:
            old_data = _workbook_bytes(old_dir, old) if old and old_dir else None
            new_data = _workbook_bytes(new_dir, new) if new and new_dir else None
            if old_data is not None and old_data == new_data:
                continue
            diffs.extend(compare_workbooks(name, old, new))
        except KommunrapportError as error:
            problems.append(f"{name}: {error}")
    return diffs


def compare_sentences(old: list[str], new: list[str]) -> list[SentenceChange]:
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    changes: list[SentenceChange] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            changes.append(SentenceChange(old[i1:i2], new[j1:j2]))
    return changes


def compare_texts(old: PackageText, new: PackageText) -> list[SectionDiff]:
    old_sections = {(s.document, s.key): s for s in old.sections}
    new_sections = {(s.document, s.key): s for s in new.sections}
    diffs: list[SectionDiff] = []
    for key, section in new_sections.items():
        before = old_sections.get(key)
        if before is None:
            diff = SectionDiff(section.document, section.title, section.source, "nytt")
            if section.sentences:
                diff.changes = [SentenceChange([], list(section.sentences))]
            diffs.append(diff)
            continue
        changes = compare_sentences(before.sentences, section.sentences)
        renamed = before.title if before.title != section.title else None
        if changes or renamed:
            diffs.append(
                SectionDiff(
                    section.document, section.title, section.source, "ändrat", renamed, changes
                )
            )
    for key, section in old_sections.items():
        if key not in new_sections:
            diffs.append(SectionDiff(section.document, section.title, section.source, "borttaget"))
    return diffs


def compare_package(package_id: str, old_dir: Path | None, new_dir: Path | None) -> PackageDiff:
    status = "nytt" if old_dir is None else "borttaget" if new_dir is None else "ändrat"
    diff = PackageDiff(package_id, status)
    if old_dir is None or new_dir is None:
        return diff  # a whole new or removed package is not listed cell by cell
    diff.sheets = compare_package_workbooks(package_id, old_dir, new_dir, diff.problems)
    old_text, new_text = package_text(old_dir), package_text(new_dir)
    for label, text in (("före", old_text), ("efter", new_text)):
        diff.problems.extend(f"texten {label} ändringen: {e}" for e in text.errors)
    diff.sections = compare_texts(old_text, new_text)
    return diff


def _packages(root: Path) -> dict[str, Path]:
    return {p.name: p for p in discover_packages(root / "content")}


def compare_roots(
    old_root: Path, new_root: Path, names: Iterable[str] = (), labels: tuple[str, str] = ("", "")
) -> RevisionDiff:
    old_packages, new_packages = _packages(old_root), _packages(new_root)
    wanted = list(names) or sorted(set(old_packages) | set(new_packages))
    result = RevisionDiff(*labels)
    for name in wanted:
        package_id = Path(name).name
        old, new = old_packages.get(package_id), new_packages.get(package_id)
        if old is None and new is None:
            known = ", ".join(sorted(set(old_packages) | set(new_packages))) or "inga"
            raise KommunrapportError(
                f"hittar inget rapportpaket {name!r} i någon av revisionerna",
                hint=f"Ange ett paket-id under content/ (finns: {known}).",
            )
        diff = compare_package(package_id, old, new)
        if diff:
            result.packages.append(diff)
    return result


def diff_revisions(
    root: Path, old_rev: str, new_rev: str | None = None, names: Iterable[str] = ()
) -> RevisionDiff:
    """Compare the packages at ``old_rev`` with ``new_rev`` (default: the working tree)."""
    repo = GitRepository.containing(root)
    old_commit = repo.resolve(old_rev)
    new_commit = repo.resolve(new_rev) if new_rev else None
    old_label = (
        f"{old_rev} ({repo.short(old_commit)})" if old_rev != repo.short(old_commit) else old_rev
    )
    if new_commit:
        short = repo.short(new_commit)
        new_label = f"{new_rev} ({short})" if new_rev != short else short
    else:
        new_label = WORKING_TREE
    with tempfile.TemporaryDirectory(prefix="kommunrapport-diff-") as tmp:
        old_root = repo.extract(old_commit, Path(tmp) / "fore")
        new_root = repo.extract(new_commit, Path(tmp) / "efter") if new_commit else root
        return compare_roots(old_root, new_root, names, (old_label, new_label))


def _more_rows(rows: list[RowChange], kind: str, indent: str) -> list[str]:
    hidden = len(rows) - MAX_ROWS_LISTED
    return [f"{indent}… och {hidden} {kind} rader till"] if hidden > 0 else []


# -- text for the terminal ------------------------------------------------------------------
def _row_values(row: RowChange) -> str:
    return ", ".join(f"{header} {format_cell(value)}" for header, value in row.values)


def _cell_line(change: CellChange) -> str:
    return (
        f"{change.row}, {change.column} ({change.cell}): "
        f"{format_cell(change.old)} → {format_cell(change.new)}"
    )


def _sheet_heading(sheet: SheetDiff) -> str:
    suffix = {"nytt": " (nytt blad)", "borttaget": " (bladet är borttaget)"}.get(sheet.status, "")
    return f"{sheet.workbook}, blad {sheet.sheet}{suffix}"


def _section_heading(section: SectionDiff) -> str:
    where = f" ({section.source})" if section.source else ""
    suffix = {"nytt": " (nytt avsnitt)", "borttaget": " (avsnittet är borttaget)"}.get(
        section.status, ""
    )
    return f"{section.document}: {section.title}{where}{suffix}"


def format_text(diff: RevisionDiff) -> str:
    lines = [f"Ändringar från {diff.old_label} till {diff.new_label}"]
    if not diff.packages:
        lines.append("Inga ändringar i siffror eller text.")
    for package in diff.packages:
        lines.append("")
        status = {"nytt": " (nytt paket)", "borttaget": " (paketet är borttaget)"}.get(
            package.status, ""
        )
        lines.append(f"== {package.package_id}{status}")
        for problem in package.problems:
            lines.append(f"  OBS: {problem}")
        if package.sheets:
            lines.append("  Tabeller:")
        for sheet in package.sheets:
            lines.append(f"    {_sheet_heading(sheet)}")
            for column in sheet.added_columns:
                lines.append(f"      ny kolumn: {column}")
            for column in sheet.removed_columns:
                lines.append(f"      borttagen kolumn: {column}")
            for change in sheet.cells:
                lines.append(f"      {_cell_line(change)}")
            for row in sheet.added_rows[:MAX_ROWS_LISTED]:
                lines.append(f"      + ny rad {row.row} (rad {row.excel_row}): {_row_values(row)}")
            lines.extend(_more_rows(sheet.added_rows, "nya", "      "))
            for row in sheet.removed_rows[:MAX_ROWS_LISTED]:
                lines.append(f"      − borttagen rad {row.row}: {_row_values(row)}")
            lines.extend(_more_rows(sheet.removed_rows, "borttagna", "      "))
        if package.sections:
            lines.append("  Text:")
        for section in package.sections:
            lines.append(f"    {_section_heading(section)}")
            if section.old_title:
                lines.append(f"      rubrik: {section.old_title} → {section.title}")
            for sentences in section.changes:
                lines.extend(f"      - {s}" for s in sentences.removed)
                lines.extend(f"      + {s}" for s in sentences.added)
    return "\n".join(lines) + "\n"


# -- Markdown for a pull request ------------------------------------------------------------
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+!|~:.=-])")
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\u2028\u2029\v\f]")


def _md_cell(text: str) -> str:
    """Text from the sources as inert Markdown for a pull-request comment: one line, no
    syntax (links, emphasis, table pipes, headings, HTML, autolinks), and no @mention or
    #reference that GitHub would turn into a notification or a link."""
    text = _LINE_BREAKS.sub(" ", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)
    return text.replace("@", "@\u200b").replace("#", "#\u200b")


def _fence(lines: list[str]) -> str:
    """A code fence longer than any run of backticks in ``lines``."""
    longest = max((len(run) for line in lines for run in re.findall("`+", line)), default=0)
    return "`" * max(3, longest + 1)


def _md_code(text: str) -> str:
    return f"`{text}`" if "`" not in text else text


def format_markdown(diff: RevisionDiff) -> str:
    out = [
        COMMENT_MARKER,
        "## Ändringar i siffror och text",
        "",
        f"Från {_md_code(diff.old_label)} till {_md_code(diff.new_label)}.",
    ]
    if not diff.packages:
        out += ["", "Inga ändringar i siffror eller text."]
    for package in diff.packages:
        status = {"nytt": " (nytt paket)", "borttaget": " (paketet är borttaget)"}.get(
            package.status, ""
        )
        out += ["", f"### {_md_cell(package.package_id)}{status}"]
        for problem in package.problems:
            out += ["", f"> **OBS:** {_md_cell(problem)}"]
        if package.sheets:
            out += ["", "#### Tabeller"]
        for sheet in package.sheets:
            out += ["", f"**{_md_cell(_sheet_heading(sheet))}**", ""]
            notes = [f"ny kolumn *{_md_cell(c)}*" for c in sheet.added_columns]
            notes += [f"borttagen kolumn *{_md_cell(c)}*" for c in sheet.removed_columns]
            if notes:
                out += ["- " + note for note in notes] + [""]
            if sheet.cells:
                out += ["| Rad | Kolumn | Cell | Före | Efter |", "|---|---|---|--:|--:|"]
                out += [
                    f"| {_md_cell(c.row)} | {_md_cell(c.column)} | {c.cell} | "
                    f"{_md_cell(format_cell(c.old))} | {_md_cell(format_cell(c.new))} |"
                    for c in sheet.cells
                ]
                out.append("")
            for row in sheet.added_rows[:MAX_ROWS_LISTED]:
                out.append(f"- ➕ ny rad **{_md_cell(row.row)}**: {_md_cell(_row_values(row))}")
            out.extend(_more_rows(sheet.added_rows, "nya", "- "))
            for row in sheet.removed_rows[:MAX_ROWS_LISTED]:
                values = _md_cell(_row_values(row))
                out.append(f"- ➖ borttagen rad **{_md_cell(row.row)}**: {values}")
            out.extend(_more_rows(sheet.removed_rows, "borttagna", "- "))
        if package.sections:
            out += ["", "#### Text"]
        for section in package.sections:
            out += ["", f"**{_md_cell(_section_heading(section))}**"]
            if section.old_title:
                out += [
                    "",
                    f"Rubrik: ~~{_md_cell(section.old_title)}~~ → {_md_cell(section.title)}",
                ]
            if section.changes:
                lines = []
                for change in section.changes:
                    lines += [f"- {_LINE_BREAKS.sub(' ', s)}" for s in change.removed]
                    lines += [f"+ {_LINE_BREAKS.sub(' ', s)}" for s in change.added]
                fence = _fence(lines)
                out += ["", f"{fence}diff", *lines, fence]
    text = "\n".join(out).replace("\n\n\n", "\n\n") + "\n"
    if len(text) > MAX_MARKDOWN:
        text = text[: text.rfind("\n", 0, MAX_MARKDOWN)]
        if text.count("\n```") % 2:
            text += "\n" + _fence(text.splitlines())
        text += "\n\n*… listan är för lång för en kommentar; kör `kommunrapport diff` lokalt.*\n"
    return text

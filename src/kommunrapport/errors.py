"""Errors and findings that point at a place in the user's sources.

Every problem a report writer can cause is reported with a :class:`Location`: the file, and
where known the line, the configuration field, the sheet or the cell. Messages are Swedish,
because they are read by report writers; the code around them is English.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path


@dataclass(frozen=True)
class Location:
    """Where in the sources something is. All parts are optional."""

    file: str | None = None
    line: int | None = None
    field: str | None = None
    sheet: str | None = None
    cell: str | None = None
    row: int | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"blad {self.sheet}")
        if self.cell:
            parts.append(f"cell {self.cell}")
        elif self.row is not None:
            parts.append(f"rad {self.row}")
        if self.line is not None:
            parts.append(f"rad {self.line}")
        if self.field:
            parts.append(f"fält {self.field}")
        return ", ".join(parts)

    def detail(self) -> str:
        """The parts a file/line annotation cannot carry: sheet, cell or row, field."""
        return str(replace(self, file=None, line=None))

    def with_file(self, file: str | Path) -> Location:
        return Location(str(file), self.line, self.field, self.sheet, self.cell, self.row)


class KommunrapportError(Exception):
    """A problem in the user's sources that stops the build.

    ``message`` says what is wrong, ``hint`` what to do about it.
    """

    def __init__(self, message: str, location: Location | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.location = location or Location()
        self.hint = hint

    def __str__(self) -> str:
        place = str(self.location)
        text = f"{place}: {self.message}" if place else self.message
        if self.hint:
            text += f"\n  Åtgärd: {self.hint}"
        return text


class Severity(StrEnum):
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Finding:
    """A check result: something that may be wrong but does not stop the build by itself."""

    code: str
    message: str
    location: Location = field(default_factory=Location)
    severity: Severity = Severity.WARNING
    hint: str | None = None

    def __str__(self) -> str:
        label = "varning" if self.severity is Severity.WARNING else "fel"
        place = str(self.location)
        text = f"{place}: {label} [{self.code}]: {self.message}" if place else self.message
        if self.hint:
            text += f"\n  Åtgärd: {self.hint}"
        return text


@dataclass
class Findings:
    """Collects findings during one package build, without duplicates, in report order."""

    items: list[Finding] = field(default_factory=list)
    # the document (index in report.yaml) whose stage adds findings now, and each item's
    _document: int = field(default=-1, compare=False, repr=False)
    _documents: list[int] = field(default_factory=list, compare=False, repr=False)

    def add(self, finding: Finding) -> None:
        if finding not in self.items:
            self.items.append(finding)
            self._documents.append(self._document)

    @contextmanager
    def in_document(self, index: int) -> Iterator[None]:
        """Findings added meanwhile belong to document ``index`` (see :meth:`in_report_order`)."""
        previous, self._document = self._document, index
        try:
            yield
        finally:
            self._document = previous

    def in_report_order(self) -> None:
        """Put the findings in the order of the documents they belong to, and in the order
        they came within each: a build that writes its documents in another order than
        report.yaml's still reports them in report order."""
        documents = self._documents + [self._document] * (len(self.items) - len(self._documents))
        order = sorted(range(len(self.items)), key=documents.__getitem__)
        self.items[:] = [self.items[i] for i in order]
        self._documents[:] = [documents[i] for i in order]

    def warn(
        self, code: str, message: str, location: Location | None = None, hint: str | None = None
    ) -> None:
        self.add(Finding(code, message, location or Location(), Severity.WARNING, hint))

    def extend(self, other: Findings) -> None:
        for item in other.items:
            self.add(item)

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def strict_failure(findings: Findings) -> KommunrapportError | None:
    """With --strict, warnings stop the build: the error that says so, or None if clean."""
    if not len(findings):
        return None
    listing = "\n  ".join(str(f) for f in findings)
    return KommunrapportError(
        f"{len(findings)} varningar, och --strict gör dem till fel:\n  {listing}",
        hint="Rätta varningarna eller bygg utan --strict.",
    )


def internal_error(
    error: BaseException, package: str | None = None, file: str | None = None
) -> KommunrapportError:
    """An unexpected exception (a bug in the toolkit, not in the user's files) as a message
    that says so: which package and file, what went wrong where in the code, and what to send
    to the maintainers. ``KOMMUNRAPPORT_FELSOK=1`` adds the whole traceback."""
    import traceback  # only for a bug

    frames = traceback.extract_tb(error.__traceback__)
    own = [f for f in frames if "kommunrapport" in f.filename.replace("\\", "/")]
    where = ""
    if own:
        frame = own[-1]
        module = frame.filename.replace("\\", "/").rsplit("kommunrapport/", 1)[-1]
        where = f" i {module}:{frame.lineno}"
    detail = str(error).splitlines()[0][:200] if str(error) else ""
    subject = f" i {package}" if package else ""
    message = f"internt fel{subject}: {type(error).__name__}{where}" + (
        f": {detail}" if detail else ""
    )
    if os.environ.get("KOMMUNRAPPORT_FELSOK"):
        message += "\n" + "".join(traceback.format_exception(error))
    return KommunrapportError(
        message,
        Location(file) if file else None,
        "Det här är ett fel i kommunrapport, inte i dina filer. Skicka hela meddelandet (och "
        "gärna filen som nämns) till dem som underhåller verktyget. Andra paket påverkas inte.",
    )

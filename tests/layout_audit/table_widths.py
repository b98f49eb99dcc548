"""Tables of the same kind (the same column headings) should have the same column widths, so
consecutive tables line up: the 42 risk tables of an intern kontroll, the 24 activity tables of
a målbilaga. Read from the DOCX's table grids."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass
class TableKind:
    headings: str
    tables: int
    widths: set[tuple[int, ...]]

    @property
    def consistent(self) -> bool:
        return len(self.widths) == 1


def _text(cell) -> str:  # type: ignore[no-untyped-def]
    return "".join(
        "-" if node.tag == f"{W}noBreakHyphen" else node.text or ""
        for node in cell.iter(f"{W}t", f"{W}noBreakHyphen")
    )


def table_kinds(docx: Path) -> list[TableKind]:
    """Kinds of table that occur more than once, with the column widths (twips) they get."""
    with zipfile.ZipFile(docx) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    kinds: dict[str, TableKind] = {}
    for table in root.iter(f"{W}tbl"):
        header = [
            row for row in table.findall(f"{W}tr") if row.find(f"{W}trPr/{W}tblHeader") is not None
        ]
        if not header:
            continue
        headings = " | ".join(_text(cell) for cell in header[-1].findall(f"{W}tc"))
        grid = tuple(int(c.get(f"{W}w", "0")) for c in table.iter(f"{W}gridCol"))
        kind = kinds.setdefault(headings, TableKind(headings, 0, set()))
        kind.tables += 1
        kind.widths.add(grid)
    return [k for k in kinds.values() if k.tables > 1]


def inconsistent(docx: Path) -> list[TableKind]:
    return [kind for kind in table_kinds(docx) if not kind.consistent]

"""Rows of level sheets by id and by sheet, with the counts the narrative asks for
(``mål.antal(bedömning="helt")``, ``mål.av(…)``, ``mål.per_nivå(…)``, ``mål.förändringar(…)``)."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..data.status_scales import Level, Scale, StatusValue, code_key
from ..data.workbook import normalize
from ..errors import KommunrapportError
from .goal_rows import GoalRow, text_key
from .goal_sheets import GOAL_SHEETS


@dataclass(frozen=True)
class LevelCount:
    """One level of a scale with how many rows have it: ``{{ n.antal }} {{ n.text }}``."""

    kod: str
    text: str
    symbol: str
    mening: str | None
    antal: int

    def __str__(self) -> str:
        return f"{self.antal} {self.text}"


@dataclass(frozen=True)
class Change:
    """A row whose value differs from the previous report's."""

    rad: GoalRow
    före: StatusValue | None
    nu: StatusValue | None

    @property
    def riktning(self) -> str:
        if self.före is None or self.nu is None:
            return "ändrad"
        if self.nu.ordning < self.före.ordning:
            return "bättre"
        if self.nu.ordning > self.före.ordning:
            return "sämre"
        return "ändrad"


def count_phrase(count: int, total: int) -> str:
    return f"{count} av {total}"


class RowTree:
    """Rows of level sheets by id and by sheet, with counts for the narrative."""

    def __init__(
        self,
        rows: dict[str, GoalRow],
        sheets: dict[str, list[GoalRow]],
        roots: list[GoalRow],
        sheet_scales: dict[str, dict[str, Scale]],
        workbook: str | None,
    ) -> None:
        self._rows = rows
        self._sheets = sheets
        self._sheet_scales = sheet_scales
        self.rötter = roots
        self.arbetsbok = workbook
        self.procent: str | None = None  # måluppföljning.procent: "andel" or "procenttal"
        self.missing_block: str | None = None  # the report.yaml block this tree needs

    @classmethod
    def empty(cls, missing_block: str | None = None) -> RowTree:
        """The tree of a package without this kind of follow-up; ``missing_block`` names the
        block of report.yaml that would configure it."""
        tree = cls({}, {}, [], {}, None)
        tree.missing_block = missing_block
        return tree

    def _not_configured(self) -> str | None:
        if self.missing_block is None:
            return None
        return (
            f"report.yaml har inget block {self.missing_block}:, så inga sådana blad läses. "
            f"Lägg till {self.missing_block}: (med arbetsbok: om arbetsboken har ett annat namn)."
        )

    def __bool__(self) -> bool:
        return bool(self._rows)

    def __iter__(self) -> Iterator[GoalRow]:
        return iter(self._rows.values())

    def __len__(self) -> int:
        return len(self._rows)

    @property
    def tom(self) -> bool:
        return not self._rows

    @property
    def bladnamn(self) -> list[str]:
        return list(self._sheets)

    def __contains__(self, row_id: object) -> bool:
        return isinstance(row_id, (str, int)) and text_key(row_id) in self._rows

    def __getitem__(self, row_id: Any) -> GoalRow:
        key = text_key(row_id)
        if key not in self._rows:
            close = difflib.get_close_matches(key, list(self._rows), n=3)
            hint = f"Menade du {', '.join(close)}?" if close else "Kontrollera Id i arbetsboken."
            hint = self._not_configured() or hint
            raise KommunrapportError(f"det finns ingen rad med Id {key!r}", hint=hint)
        return self._rows[key]

    def hämta(self, ids: Any) -> list[GoalRow]:
        """Rows by id: ``mål.hämta("F2")`` or ``mål.hämta(["F1", "F3"])`` (rows pass through)."""
        if isinstance(ids, (str, int, GoalRow)):
            ids = [ids]
        return [i if isinstance(i, GoalRow) else self[i] for i in ids]

    def blad(self, name: str) -> list[GoalRow]:
        wanted = normalize(name)
        for sheet, rows in self._sheets.items():
            if normalize(sheet) == wanted:
                return rows
        if normalize(name) in GOAL_SHEETS:
            return []  # a level this kommun does not use
        known = ", ".join(self._sheets) or "inga"
        raise KommunrapportError(
            f"det finns inget blad {name!r} bland målbladen",
            hint=self._not_configured() or f"Bladen är: {known}.",
        )

    def rader(self, blad: str | None = None, förälder: Any = None) -> list[GoalRow]:
        rows = self.blad(blad) if blad else list(self._rows.values())
        if förälder is not None:
            parent = self[förälder] if not isinstance(förälder, GoalRow) else förälder
            rows = [r for r in rows if parent in r.förfäder]
        return rows

    def blad_med(self, kolumn: str) -> str | None:
        """The one sheet that has the column (e.g. "Nämndsmål" for Bedömning), else None."""
        key = normalize(kolumn)
        sheets = [s for s, rows in self._sheets.items() if rows and key in rows[0]._values]
        return sheets[0] if len(sheets) == 1 else None

    # -- counting ---------------------------------------------------------------------------
    def _sheet_with(self, columns: list[str], blad: str | None) -> str:
        if blad:
            self.blad(blad)
            return next(s for s in self._sheets if normalize(s) == normalize(blad))
        keys = [normalize(c) for c in columns]
        candidates = [
            s
            for s, rows in self._sheets.items()
            if rows and all(k in rows[0]._values for k in keys)
        ]
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            raise KommunrapportError(
                f"inget målblad har kolumnen {', '.join(columns)}",
                hint=f"Bladen är: {', '.join(self._sheets) or 'inga'}.",
            )
        raise KommunrapportError(
            f"flera blad har kolumnen {', '.join(columns)}: {', '.join(candidates)}",
            hint='Ange vilket med blad="…".',
        )

    def _scale(self, sheet: str, column: str) -> Scale | None:
        return self._sheet_scales.get(sheet, {}).get(normalize(column))

    def _matches(self, row: GoalRow, column: str, wanted: Any, previous: bool) -> bool:
        value = row.föregående(column) if previous else row.get(column)
        if isinstance(wanted, (list, tuple)):
            return any(self._matches(row, column, w, previous) for w in wanted)
        if wanted is None:  # an empty cell (also when the scale shows it as its 'tom' level)
            return value is None or (isinstance(value, StatusValue) and value.empty)
        if isinstance(value, StatusValue):
            scale = value.scale
            if scale.typ == "procent":
                return value.raw == wanted
            level = scale._lookup.get(code_key(wanted))
            if level is None:
                raise KommunrapportError(
                    f"{wanted!r} är ingen kod i skalan {scale.name!r}",
                    hint=f"Koderna är: {', '.join(scale.koder)}.",
                )
            return value.level == level
        return value == wanted

    def _select(
        self, blad: str | None, criteria: dict[str, Any], previous: bool = False
    ) -> list[GoalRow]:
        columns = list(criteria)
        sheet = self._sheet_with(columns or ["id"], blad) if (columns or blad) else None
        rows = self._sheets[sheet] if sheet else list(self._rows.values())
        return [
            row
            for row in rows
            if all(self._matches(row, c, w, previous) for c, w in criteria.items())
        ]

    def antal(self, blad: str | None = None, **kriterier: Any) -> int:
        """``mål.antal(bedömning="helt")``: rows with that code (None: empty cells)."""
        return len(self._select(blad, kriterier))

    def antal_före(self, blad: str | None = None, **kriterier: Any) -> int:
        """The same count at the previous report (columns ``<Kolumn> <jämförelsepunkt>``)."""
        return len(self._select(blad, kriterier, previous=True))

    def totalt(self, kolumn: str, blad: str | None = None) -> int:
        return len(self._sheets[self._sheet_with([kolumn], blad)])

    def av(self, blad: str | None = None, **kriterier: Any) -> str:
        """Rows with the code out of all rows of that sheet: "7 av 25"."""
        sheet = self._sheet_with(list(kriterier) or ["id"], blad)
        return count_phrase(len(self._select(sheet, kriterier)), len(self._sheets[sheet]))

    def andel(self, blad: str | None = None, **kriterier: Any) -> float:
        sheet = self._sheet_with(list(kriterier) or ["id"], blad)
        total = len(self._sheets[sheet])
        return len(self._select(sheet, kriterier)) / total if total else 0.0

    def per_nivå(self, kolumn: str, blad: str | None = None) -> list[LevelCount]:
        """One entry per level of the column's scale, best first, with its count."""
        sheet = self._sheet_with([kolumn], blad)
        scale = self._scale(sheet, kolumn)
        if scale is None:
            raise KommunrapportError(
                f"kolumnen {kolumn!r} i blad {sheet} har ingen skala",
                hint="Ange skalan under måluppföljning.kolumner.",
            )
        counts: dict[str, int] = {level.kod: 0 for level in scale.nivåer}
        for row in self._sheets[sheet]:
            value = row.get(kolumn)
            if isinstance(value, StatusValue):  # an empty cell counts as the 'tom' level
                counts[value.kod] += 1
        return [
            LevelCount(level.kod, level.text, level.symbol, level.mening, counts[level.kod])
            for level in scale.nivåer
        ]

    def förändringar(self, kolumn: str, blad: str | None = None) -> list[Change]:
        """Rows whose value differs from the column ``<Kolumn> <jämförelsepunkt>``."""
        sheet = self._sheet_with([kolumn], blad)
        changes = []
        for row in self._sheets[sheet]:
            now, before = row.get(kolumn), row.föregående(kolumn)
            if normalize(kolumn) not in row._previous:
                raise KommunrapportError(
                    f"bladet {sheet} har ingen kolumn med föregående värde för {kolumn}",
                    hint=f"Lägg till en kolumn '{kolumn} föregående' (eller t.ex. "
                    f"'{kolumn} årsskiftet').",
                )
            if _level(now) != _level(before):
                changes.append(Change(row, before, now))
        return changes


def _level(value: Any) -> Level | None:
    return value.level if isinstance(value, StatusValue) and not value.empty else None

"""Goal follow-up data: sheets per level, read into a typed tree with parent checks.

Each level of the goal hierarchy (fokusområde → mål → nämndsmål → indikatorer, aktiviteter,
uppdrag) is one sheet of a workbook, one row per item, with ``Id`` and a parent key
``Förälder``. Levels a kommun does not use are simply absent. Status columns hold codes that a
scale (status_scales.py) turns into text and symbol. The same reader serves the internal-control
workbook (processer → risker → kontrollmoment).

Checks here: a duplicate id, an orphan or upward parent key and an unknown status code stop the
build with workbook, sheet and cell; a goal without assessment is a warning.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from pydantic import Field

from ..data.status_scales import Level, Scale, StatusValue, code_key, find_scale
from ..data.workbook import Sheet, SheetRow, WorkbookReader, attribute_name, normalize
from ..errors import Findings, KommunrapportError, Location
from ..project.config import Model

# Known goal sheets and their level (1 = top). Sheets on the same level are parallel.
GOAL_SHEETS: dict[str, int] = {
    "fokusområden": 1, "målområden": 1, "perspektiv": 1, "strategiska områden": 1,
    "processområden": 2, "verksamhetsområden": 2,
    "mål": 3, "kf-mål": 3, "långsiktiga mål": 3, "årsmål": 3, "processmål": 3,
    "nämndsmål": 4, "förvaltningsmål": 4,
    "indikatorer": 5, "aktiviteter": 5, "åtaganden": 5, "uppdrag": 5,
}  # fmt: skip
ASSESSMENT_COLUMN = "bedömning"
DEFAULT_GOAL_WORKBOOK = "mal.xlsx"
# How an indicator row with Enhet % stores its numbers: a share (0,205 is 20,5 %, what a cell
# formatted as percent in Excel holds) or a percent number (20,5 is 20,5 %).
PERCENT_CONVENTIONS = ("andel", "procenttal")


class GoalConfig(Model):
    """``måluppföljning:`` in report.yaml."""

    workbook: str = Field(DEFAULT_GOAL_WORKBOOK, alias="arbetsbok")
    columns: dict[str, str] = Field(default_factory=dict, alias="kolumner")
    sheets: list[str] | None = Field(None, alias="blad", min_length=1)
    percent: Literal["andel", "procenttal"] | None = Field(None, alias="procent")


# -- scale columns --------------------------------------------------------------------------


class ColumnScales:
    """Which scale a sheet column uses: ``kolumner:`` first (``Blad/Kolumn`` or ``Kolumn``),
    else the scale named like the column, else none (plain text)."""

    def __init__(
        self, scales: dict[str, Scale], mapping: dict[str, str], where: Any
    ) -> None:  # where(key) -> Location of the mapping entry
        self.scales = scales
        self.mapping: dict[str, Scale] = {}
        for key, scale_name in mapping.items():
            scale = find_scale(scales, scale_name)
            if scale is None:
                known = ", ".join(scales) or "inga (lägg till skalor: i report.yaml)"
                raise KommunrapportError(
                    f"kolumnen {key!r} ska använda skalan {scale_name!r}, som inte finns",
                    where(key),
                    f"Kända skalor: {known}.",
                )
            self.mapping[normalize(key)] = scale

    def for_column(self, sheet: str, header: str) -> Scale | None:
        key = normalize(header)
        explicit = self.mapping.get(f"{normalize(sheet)}/{key}") or self.mapping.get(key)
        return explicit or find_scale(self.scales, header)


# -- rows -----------------------------------------------------------------------------------


def _text_key(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# Fields every row answers (None when its sheet lacks the column): rad.kommentar, rad["Typ"] …
OPTIONAL_FIELDS = (
    "namn",
    "rubrik",
    "typ",
    "beskrivning",
    "ansvarig",
    "kommentar",
    "bedömning",
    "trend",
    "status",
    "färdiggrad",
    "resultat",
    "enhet",
    "målvärde",
    "start",
    "slut",
)


class MissingColumn(KommunrapportError, KeyError):
    """A column the sheet does not have; a KeyError too, so Jinja tries attributes next."""

    def __str__(self) -> str:
        return KommunrapportError.__str__(self)


class GoalRow:
    """One row of a goal or internal-control sheet, as templates see it.

    ``rad.namn``, ``rad.bedömning`` (a status value), ``rad.barn`` … and any column by its name:
    ``rad["Utfall 2022"]`` or ``rad.utfall_2022``."""

    def __init__(
        self,
        sheet: Sheet,
        row: SheetRow,
        rank: int,
        row_id: str,
        parent_id: str | None,
        values: dict[str, Any],
        previous: dict[str, Any],
    ) -> None:
        self._sheet = sheet
        self._row = row
        self._rank = rank
        self._values = values  # normalized header → value (status columns: StatusValue)
        self._previous = previous  # normalized base column → previous StatusValue | None
        self._parent_id = parent_id
        self.id = row_id
        self.förälder: GoalRow | None = None
        self.barn: list[GoalRow] = []

    # -- identity and places ----------------------------------------------------------------
    @property
    def blad(self) -> str:
        return self._sheet.name

    def location(self, column: str | None = None) -> Location:
        if column is None:
            return self._sheet.location(self._row.ref("id"), self._row.excel_row)
        return self._sheet.location(self._row.ref(normalize(column)), self._row.excel_row)

    def has(self, column: str) -> bool:
        return normalize(column) in self._values

    def get(self, column: str, default: Any = None) -> Any:
        return self._values.get(normalize(column), default)

    # -- common fields (None when the sheet has no such column) ------------------------------
    @property
    def namn(self) -> str:
        return str(self.get("namn") or "")

    @property
    def rubrik(self) -> str:
        return str(self.get("rubrik") or self.namn)

    typ = property(lambda self: self.get("typ"))
    beskrivning = property(lambda self: self.get("beskrivning"))
    ansvarig = property(lambda self: self.get("ansvarig"))
    kommentar = property(lambda self: self.get("kommentar"))
    bedömning = property(lambda self: self.get("bedömning"))
    trend = property(lambda self: self.get("trend"))
    status = property(lambda self: self.get("status"))
    färdiggrad = property(lambda self: self.get("färdiggrad"))
    resultat = property(lambda self: self.get("resultat"))
    enhet = property(lambda self: self.get("enhet"))
    målvärde = property(lambda self: self.get("målvärde"))
    start = property(lambda self: self.get("start"))
    slut = property(lambda self: self.get("slut"))

    def kolumner_av(self, *columns: str) -> list[str]:
        """Those of ``columns`` that the row's sheet has, in the order given."""
        return [c for c in columns if normalize(c) in self._values]

    def föregående(self, column: str) -> StatusValue | None:
        """The value at the previous report (column ``<Kolumn> <jämförelsepunkt>``)."""
        return self._previous.get(normalize(column))

    def barn_i(self, sheet: str) -> list[GoalRow]:
        wanted = normalize(sheet)
        return [child for child in self.barn if normalize(child.blad) == wanted]

    @property
    def förfäder(self) -> list[GoalRow]:
        out = []
        node = self.förälder
        while node is not None:
            out.append(node)
            node = node.förälder
        return out

    def __getitem__(self, column: str) -> Any:
        key = normalize(column)
        if key not in self._values and key in OPTIONAL_FIELDS:
            return getattr(self, key)
        if key not in self._values:
            raise MissingColumn(
                f"bladet {self.blad} har ingen kolumn {column!r}",
                self._sheet.location(),
                f"Kolumnerna är: {', '.join(self._sheet.headers)}.",
            )
        return self._values[key]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        for key, value in self._values.items():
            if attribute_name(key) == name:
                return value
        raise AttributeError(name)

    def __repr__(self) -> str:
        return f"<{self.blad} {self.id}: {self.namn}>"

    def __str__(self) -> str:
        return self.namn


# -- reading --------------------------------------------------------------------------------


@dataclass
class LevelReader:
    """Reads the level sheets of one workbook into rows with parents and children."""

    reader: WorkbookReader
    workbook: str
    levels: dict[str, int]  # normalized sheet name → level
    scales: ColumnScales
    findings: Findings
    required: tuple[str, ...] = ("id", "namn")
    rows: dict[str, GoalRow] = field(default_factory=dict)
    sheets: dict[str, list[GoalRow]] = field(default_factory=dict)  # sheet name → rows
    sheet_scales: dict[str, dict[str, Scale]] = field(default_factory=dict)

    def read(self) -> RowTree:
        """Every level sheet present, in level order, as a tree."""
        present = [
            name for name in self.reader.sheets_of(self.workbook) if normalize(name) in self.levels
        ]
        present.sort(key=lambda name: self.levels[normalize(name)])
        for name in present:
            self._read_sheet(name, self.levels[normalize(name)])
        roots: list[GoalRow] = []
        for name in present:
            for row in self.sheets[name]:
                self._attach(row, roots)
        return RowTree(self.rows, self.sheets, roots, self.sheet_scales, self.workbook)

    def _read_sheet(self, name: str, rank: int) -> None:
        sheet = self.reader.sheet(f"{self.workbook}/{name}")
        for column in self.required:
            if column not in sheet.keys:
                raise KommunrapportError(
                    f"bladet {name} saknar kolumnen {column.capitalize()!r}",
                    sheet.location("A1"),
                    f"Lägg till kolumnen på rad 1. Kolumnerna i ett blad {name} beskrivs i "
                    "docs/data-format.md, avsnitt 4.",
                )
        column_scales: dict[str, Scale] = {}
        for header in sheet.headers:
            scale = self.scales.for_column(name, header)
            if scale is not None:
                column_scales[normalize(header)] = scale
        previous_of: dict[str, str] = {}  # previous column → base column
        for header in sheet.headers:
            key = normalize(header)
            for base in column_scales:
                if key.startswith(base + " ") and key != base:
                    previous_of[key] = base
                    column_scales.setdefault(key, column_scales[base])
                    break
        self.sheet_scales[name] = column_scales
        rows: list[GoalRow] = []
        for sheet_row in sheet.rows:
            rows.append(self._row(sheet, sheet_row, rank, column_scales, previous_of))
        self.sheets[name] = rows

    def _row(
        self,
        sheet: Sheet,
        sheet_row: SheetRow,
        rank: int,
        column_scales: dict[str, Scale],
        previous_of: dict[str, str],
    ) -> GoalRow:
        raw_id = sheet_row.get("id")
        if raw_id is None:
            raise KommunrapportError(
                "raden saknar Id",
                sheet.location(sheet_row.ref("id")),
                "Ge varje rad ett eget Id; föräldranycklar och kommentarsfiler pekar på det.",
            )
        row_id = _text_key(raw_id)
        if row_id in self.rows:
            first = self.rows[row_id]
            raise KommunrapportError(
                f"Id {row_id!r} förekommer två gånger (första gången i blad {first.blad}, "
                f"cell {first._row.ref('id')})",
                sheet.location(sheet_row.ref("id")),
                "Ge varje rad ett eget Id, unikt i hela arbetsboken.",
            )
        values: dict[str, Any] = {}
        for key, cell in sheet_row.cells.items():
            scale = column_scales.get(key)
            value = cell.value
            if scale is not None:
                header = sheet.headers[sheet.keys.index(key)]
                value = scale.value(value, sheet.location(cell.ref), header)
            elif isinstance(value, float) and value.is_integer() and key in ("id", "förälder"):
                value = int(value)
            values[key] = value
        previous = {base: values.get(prev) for prev, base in previous_of.items()}
        parent = sheet_row.get("förälder")
        parent_id = _text_key(parent) if parent is not None else None
        row = GoalRow(sheet, sheet_row, rank, row_id, parent_id, values, previous)
        self.rows[row_id] = row
        if ASSESSMENT_COLUMN in column_scales and sheet_row.get(ASSESSMENT_COLUMN) is None:
            self.findings.warn(
                "mål-utan-bedömning",
                f"{row.namn or row_id} ({row_id}) saknar bedömning",
                sheet.location(sheet_row.ref(ASSESSMENT_COLUMN)),
                "Skriv en av skalans koder i kolumnen Bedömning.",
            )
        return row

    def _attach(self, row: GoalRow, roots: list[GoalRow]) -> None:
        if row._parent_id is None:
            roots.append(row)
            return
        where = row.location("förälder")
        parent = self.rows.get(row._parent_id)
        if parent is None:
            close = difflib.get_close_matches(row._parent_id, list(self.rows), n=1)
            hint = (
                f"Menade du {close[0]!r}?"
                if close
                else "Förälder ska vara Id för en rad i ett blad på en högre nivå."
            )
            raise KommunrapportError(
                f"föräldern {row._parent_id!r} finns inte i arbetsboken", where, hint
            )
        if parent._rank >= row._rank:
            raise KommunrapportError(
                f"föräldern {row._parent_id!r} ligger i blad {parent.blad}, som inte är en "
                f"högre nivå än {row.blad}",
                where,
                "Förälder ska peka på en rad i ett blad högre upp i hierarkin "
                "(docs/data-format.md, avsnitt 4.2).",
            )
        row.förälder = parent
        parent.barn.append(row)


# -- the tree and its narrative helpers -----------------------------------------------------


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

    @classmethod
    def empty(cls) -> RowTree:
        """The tree of a package without this kind of follow-up."""
        return cls({}, {}, [], {}, None)

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
        return isinstance(row_id, (str, int)) and _text_key(row_id) in self._rows

    def __getitem__(self, row_id: Any) -> GoalRow:
        key = _text_key(row_id)
        if key not in self._rows:
            close = difflib.get_close_matches(key, list(self._rows), n=3)
            hint = f"Menade du {', '.join(close)}?" if close else "Kontrollera Id i arbetsboken."
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
            f"det finns inget blad {name!r} bland målbladen", hint=f"Bladen är: {known}."
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


# -- goals ----------------------------------------------------------------------------------


def goal_levels(config: GoalConfig) -> dict[str, int]:
    if config.sheets:
        return {normalize(name): index + 1 for index, name in enumerate(config.sheets)}
    return dict(GOAL_SHEETS)


def read_goal_tree(
    reader: WorkbookReader,
    config: GoalConfig,
    scales: ColumnScales,
    findings: Findings,
    explicit: bool,
) -> RowTree:
    """The goal tree; an absent default workbook means the package has no goal follow-up."""
    path = reader.data_dir / config.workbook
    if not path.is_file() and not explicit:
        return RowTree.empty()
    levels = goal_levels(config)
    level_reader = LevelReader(reader, config.workbook, levels, scales, findings)
    if config.sheets:
        present = {normalize(n) for n in reader.sheets_of(config.workbook)}
        for name in config.sheets:
            if normalize(name) not in present:
                raise KommunrapportError(
                    f"bladet {name!r} i måluppföljning.blad finns inte i {config.workbook}",
                    hint=f"Bladen är: {', '.join(reader.sheets_of(config.workbook))}.",
                )
    tree = level_reader.read()
    tree.procent = config.percent
    return tree


def format_plain(value: Any) -> str:
    """A non-status cell as text: dates ISO, whole numbers without decimals."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)

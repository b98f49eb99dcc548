"""One row of a goal or intern-kontroll sheet, as templates see it (``rad.namn``,
``rad.bedömning``, ``rad.barn``, ``rad["Utfall 2022"]`` …)."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..data.status_scales import StatusValue
from ..data.workbook import Sheet, SheetRow, attribute_name, normalize
from ..errors import KommunrapportError, Location


def text_key(value: Any) -> str:
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


def format_plain(value: Any) -> str:
    """A non-status cell as text: dates ISO, whole numbers without decimals."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)

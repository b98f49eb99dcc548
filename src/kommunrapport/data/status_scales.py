"""Status scales: a kommun's own words for assessments and statuses, as symbol and text.

``skalor:`` in report.yaml defines each scale: levels in order (best first), each with a code
(what the spreadsheet holds), a text, a symbol and an optional colour. A cell value becomes a
:class:`StatusValue`; a table cell shows the symbol **and** the text (never colour alone), and
the legend ("Förklaring symboler") is generated from the same definitions. A ``procent`` scale
(färdiggrad) maps a number 0–100 to the level whose lower bound ``från`` it reaches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from ..errors import Findings, KommunrapportError, Location
from ..project.config import Model, described, fold, validate_model
from ..project.yaml_lines import LinedYaml
from ..text.swedish_format import DEFAULT_STYLE, NumberStyle, format_number
from .workbook import is_number, normalize

# Accessible colours: each has at least 4.5:1 contrast against white.
PALETTE = {
    "grön": "#1a7f37",
    "gul": "#8a6100",
    "orange": "#b35900",
    "röd": "#cf222e",
    "blå": "#0969da",
    "lila": "#8250df",
    "grå": "#57606a",
}
# Glyphs present in both Segoe UI Symbol (DOCX) and DejaVu Sans (HTML, PDF), none an emoji.
KNOWN_SYMBOLS = set("●◐◑◒◓○◔◕◉◎■□▣▲△▼▽◆◇◈★☆✓✔✗✘✕✖!?–—−+×↑↗→↘↓⇧⇨⇩▶▷◀◁▬⚠☐☑☒")
MIN_CONTRAST = 3.0  # WCAG 2.1 SC 1.4.11 for graphical objects


# -- configuration model --------------------------------------------------------------------


class LevelSpec(Model):
    model_config = described("En nivå i en skala.")
    code: str | None = Field(
        None, alias="kod", description="Det som står i kalkylbladet.", examples=["helt"]
    )
    lower_bound: float | None = Field(
        None,
        alias="från",
        description="I en procentskala: nivåns lägsta värde (0–100).",
        examples=[50],
    )
    text: str = Field(
        alias="text",
        description="Nivåns text; står alltid bredvid symbolen.",
        examples=["Helt uppfyllt"],
        min_length=1,
    )
    symbol: str = Field(
        alias="symbol",
        description=("Ett tecken, t.ex. ● ◐ ○ ✓ ↗. Samma symbol i flera nivåer kräver olika färg."),
        examples=["●"],
        min_length=1,
        max_length=3,
    )
    color: str | None = Field(
        None,
        alias="färg",
        description="grön, gul, orange, röd, blå, lila, grå eller en hexkod.",
        examples=["grön"],
    )
    sentence: str | None = Field(
        None,
        alias="mening",
        description="Standardmening för nivån, i blocken och i förklaringen.",
        examples=["Målet bedöms vara uppfyllt."],
    )
    aliases: list[str] = Field(
        default_factory=list,
        alias="alias",
        description="Andra stavningar som godtas i bladet.",
        examples=[["Helt"]],
    )

    @field_validator("code", mode="before")
    @classmethod
    def _code_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, (int, float)) else value

    @field_validator("color")
    @classmethod
    def _known_colour(cls, value: str | None) -> str | None:
        if value is None:
            return None
        name = value.strip().lower()
        if name in PALETTE:
            return PALETTE[name]
        if re.fullmatch(r"#[0-9a-f]{6}", name):
            return name
        raise ValueError(
            f'okänd färg {value!r}: använd {", ".join(PALETTE)} eller en hexkod som "#1a7f37"'
        )


class ScaleSpec(Model):
    model_config = described(
        "En skala för bedömning eller status, bäst först. Cellen i bladet "
        "har nivåns kod, och rapporten visar symbol och text."
    )
    title: str | None = Field(
        None,
        alias="rubrik",
        description=("Kolumnrubrik och rubrik i symbolförklaringen. Standard: skalans namn."),
        examples=["Bedömning"],
    )
    legend_title: str | None = Field(
        None,
        alias="förklaringsrubrik",
        description="Rubrik i symbolförklaringen, om den ska skilja sig från rubrik.",
        examples=["Mål"],
    )
    explanation: str | None = Field(
        None,
        alias="förklaring",
        description="Mening som inleder skalans del av symbolförklaringen.",
        examples=["Nämndens bedömning vid årets slut."],
    )
    kind: Literal["kod", "procent"] = Field(
        "kod",
        alias="typ",
        description=(
            "kod: cellen har en kod; procent: cellen har ett tal 0–100 och nivån väljs med från."
        ),
        examples=["procent"],
    )
    empty: str | None = Field(
        None, alias="tom", description="Koden som visas när cellen är tom.", examples=["ej_angiven"]
    )
    levels: list[LevelSpec] = Field(
        alias="nivåer", description="Nivåerna, bäst först.", min_length=2
    )

    @model_validator(mode="after")
    def _consistent(self) -> ScaleSpec:
        # The text is printed next to every symbol, so one shape in different colours is
        # allowed (coloured dots); the same symbol in the same (or no) colour is ambiguous.
        shown: set[tuple[str, str | None]] = set()
        for level in self.levels:
            if (
                (level.symbol, level.color) in shown
                or (level.symbol, None) in shown
                or (level.color is None and any(s == level.symbol for s, _ in shown))
            ):
                raise ValueError(
                    f"symbolen {level.symbol!r} används för två nivåer utan olika färg; ge "
                    "nivåerna olika symboler, eller samma symbol i olika färger (färg:)"
                )
            shown.add((level.symbol, level.color))
        if self.kind == "procent":
            if any(level.lower_bound is None for level in self.levels):
                raise ValueError("i en skala med typ: procent behöver varje nivå 'från' (0–100)")
            bounds = [level.lower_bound or 0.0 for level in self.levels]
            if bounds != sorted(bounds, reverse=True):
                raise ValueError("nivåerna i en procentskala skrivs med högst 'från' först")
            if min(bounds) > 0:
                raise ValueError("den lägsta nivån i en procentskala ska ha 'från: 0'")
            return self
        seen: set[str] = set()
        for level in self.levels:
            if not level.code:
                raise ValueError(f"nivån {level.text!r} saknar 'kod'")
            # A level's own code, text and aliases may coincide ("slutfört" / "Slutfört"): they
            # name the same thing. Only a key shared by two *different* levels is ambiguous.
            keys = {code_key(key): key for key in (level.code, level.text, *level.aliases)}
            for folded, key in keys.items():
                if folded in seen:
                    raise ValueError(f"koden eller texten {key!r} förekommer i två nivåer")
            seen.update(keys)
        if self.empty is not None and code_key(self.empty) not in seen:
            raise ValueError(f"'tom: {self.empty}' är ingen av skalans koder")
        return self


def code_key(text: Any) -> str:
    """Codes compare without case, surrounding space or Swedish letters: 'Ej påbörjad'."""
    return fold(normalize(text))


# -- runtime model --------------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    """One level of a scale, as templates see it (``nivå.text``, ``nivå.symbol`` …)."""

    kod: str
    text: str
    symbol: str
    färg: str | None
    mening: str | None
    ordning: int  # 0 = best
    från: float | None = None

    def __str__(self) -> str:
        return self.text


@dataclass(eq=False)
class Scale:
    name: str
    rubrik: str  # the column heading in tables
    förklaring: str | None
    typ: str
    nivåer: list[Level]
    tom: Level | None = None
    förklaringsrubrik: str | None = None  # the scale's title in the legend, if not ``rubrik``
    _lookup: dict[str, Level] = field(default_factory=dict, repr=False)

    @property
    def koder(self) -> list[str]:
        return [level.kod for level in self.nivåer]

    @property
    def legend_title(self) -> str:
        """The title of the scale's group in the legend: ``förklaringsrubrik``, else ``rubrik``."""
        return self.förklaringsrubrik or self.rubrik

    def level_for(self, raw: Any) -> Level | None:
        if self.typ == "procent":
            for level in self.nivåer:
                if raw >= (level.från or 0):
                    return level
            return None
        return self._lookup.get(code_key(raw))

    def __getitem__(self, code: str) -> Level:
        level = self._lookup.get(code_key(code))
        if level is None:
            raise KommunrapportError(
                f"skalan {self.name!r} har ingen nivå {code!r}",
                hint=f"Koderna är: {', '.join(self.koder)}.",
            )
        return level

    def value(self, raw: Any, location: Location, column: str) -> StatusValue | None:
        """A sheet cell as a status value; an unknown code stops the build."""
        if raw is None:
            return StatusValue(self.tom, self, None, location, empty=True) if self.tom else None
        if self.typ == "procent":
            if not is_number(raw) or not 0 <= raw <= 100:
                raise KommunrapportError(
                    f"{column} ska vara ett tal mellan 0 och 100 (procent), inte {raw!r}",
                    location,
                    "Skriv till exempel 80 för 80 %.",
                )
            return StatusValue(self.level_for(raw), self, raw, location)  # type: ignore[arg-type]
        level = self.level_for(raw)
        if level is None:
            raise KommunrapportError(
                f"okänd kod {raw!r} i kolumnen {column} (skalan {self.name!r})",
                location,
                f"Använd en av koderna {', '.join(self.koder)} (eller nivåns text), eller lägg "
                f"till nivån under skalor.{self.name} i report.yaml.",
            )
        return StatusValue(level, self, raw, location)


@dataclass(frozen=True, eq=False)
class StatusValue:
    """A cell's value on a scale. Prints as its text; ``.symbol`` and ``.mening`` for templates."""

    level: Level
    scale: Scale
    raw: Any
    location: Location
    empty: bool = False  # shown through the scale's 'tom' level: the cell itself is blank

    @property
    def kod(self) -> str:
        return self.level.kod

    @property
    def text(self) -> str:
        if self.scale.typ == "procent":
            return percent_text(self.raw)
        return self.level.text

    @property
    def symbol(self) -> str:
        return self.level.symbol

    @property
    def färg(self) -> str | None:
        return self.level.färg

    @property
    def mening(self) -> str | None:
        return self.level.mening

    @property
    def ordning(self) -> int:
        return self.level.ordning

    @property
    def värde(self) -> Any:
        return self.raw

    def __str__(self) -> str:
        return self.text

    def __eq__(self, other: object) -> bool:
        if isinstance(other, StatusValue):
            return self.scale is other.scale and self.kod == other.kod
        if isinstance(other, str):
            return code_key(other) in (code_key(self.kod), code_key(self.level.text))
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.scale.name, self.kod))


def percent_text(value: Any, style: NumberStyle | None = None) -> str:
    decimals = 0 if float(value).is_integer() else 1
    number = format_number(value, decimals, style=style or DEFAULT_STYLE)
    return f"{number}\u00a0%"


# -- loading --------------------------------------------------------------------------------


def relative_luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_on_white(hex_colour: str) -> float:
    return 1.05 / (relative_luminance(hex_colour) + 0.05)


def build_scale(name: str, spec: ScaleSpec) -> Scale:
    levels = []
    for order, level in enumerate(spec.levels):
        code = level.code if level.code is not None else format_number(level.lower_bound or 0)
        levels.append(
            Level(
                code,
                level.text,
                level.symbol,
                level.color,
                level.sentence,
                order,
                level.lower_bound,
            )
        )
    scale = Scale(
        name,
        spec.title or name[:1].upper() + name[1:],
        spec.explanation,
        spec.kind,
        levels,
        förklaringsrubrik=spec.legend_title,
    )
    for built, level_spec in zip(levels, spec.levels, strict=True):
        for key in (built.kod, built.text, *level_spec.aliases):
            scale._lookup[code_key(key)] = built
    if spec.empty is not None:
        scale.tom = scale._lookup[code_key(spec.empty)]
    return scale


def load_scales(
    raw_scales: dict[str, Any], source: LinedYaml, display: str, findings: Findings
) -> dict[str, Scale]:
    """Validate ``skalor:``; errors name the field and line in report.yaml."""
    scales: dict[str, Scale] = {}
    for name, value in (raw_scales or {}).items():
        prefix = ("skalor", name)
        spec = validate_model(ScaleSpec, value, source, display, prefix)
        scales[str(name)] = build_scale(str(name), spec)
        for index, level in enumerate(spec.levels):
            where = Location(
                display,
                line=source.line_of((*prefix, "nivåer", index)),
                field=f"skalor.{name}.nivåer[{index}]",
            )
            if level.color and level.color not in PALETTE.values():
                ratio = contrast_on_white(level.color)
                if ratio < MIN_CONTRAST:
                    findings.warn(
                        "skala-kontrast",
                        f"färgen {level.color} har kontrasten {ratio:.1f}:1 mot vit bakgrund "
                        f"(minst {MIN_CONTRAST:.0f}:1 behövs för symboler)",
                        where,
                        f"Välj en mörkare färg eller ett av namnen {', '.join(PALETTE)}.",
                    )
            unknown = [c for c in level.symbol if c not in KNOWN_SYMBOLS and not c.isspace()]
            if unknown:
                findings.warn(
                    "skala-symbol",
                    f"symbolen {level.symbol!r} finns kanske inte i typsnitten Segoe UI Symbol "
                    "och DejaVu Sans (eller är en emoji)",
                    where,
                    "Välj ett tecken ur listan i docs/data-format.md, avsnitt 4.1.",
                )
    return scales


def find_scale(scales: dict[str, Scale], name: str) -> Scale | None:
    """A scale by name, compared like sheet headers: 'Bedömning' finds 'bedömning'."""
    wanted = code_key(name)
    for key, scale in scales.items():
        if code_key(key) == wanted:
            return scale
    return None

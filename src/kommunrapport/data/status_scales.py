"""Status scales: a kommun's own words for assessments and statuses, as symbol and text.

``skalor:`` in report.yaml defines each scale: levels in order (best first), each with a code
(what the spreadsheet holds), a text, a symbol and an optional colour. A cell value becomes a
:class:`StatusValue`; a table cell shows the symbol **and** the text (never colour alone), and
the legend ("Förklaring symboler") is generated from the same definitions. A ``procent`` scale
(färdiggrad) maps a number 0–100 to the level whose lower bound ``från`` it reaches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import Findings, KommunrapportError, Location
from ..project.config import validate_model
from ..project.yaml_lines import LinedYaml
from ..text.swedish_format import DEFAULT_STYLE, NumberStyle, format_number
from .scale_spec import KNOWN_SYMBOLS as KNOWN_SYMBOLS
from .scale_spec import MIN_CONTRAST as MIN_CONTRAST
from .scale_spec import PALETTE as PALETTE
from .scale_spec import LevelSpec as LevelSpec
from .scale_spec import ScaleSpec as ScaleSpec
from .scale_spec import code_key as code_key
from .workbook import is_number

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

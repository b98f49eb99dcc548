"""The model of ``skalor:`` in report.yaml: a scale's levels, best first, each with a code, a
text, a symbol and an optional colour, checked as the writer wrote them."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from ..project.config import Model, described, fold
from .workbook import normalize

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

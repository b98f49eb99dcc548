"""How wide a text is in a font, from the font's own metrics (fontTools).

The reference document names its fonts (Arial, Calibri …). Where a named font is not installed,
its metric-compatible free twin is used (Liberation Sans for Arial and Helvetica, Carlito for
Calibri …: the same advance widths, which is what LibreOffice substitutes too); failing that,
DejaVu Sans, which ships with matplotlib and so is always there. Fonts are found with
matplotlib's font manager. A character the font lacks (a status symbol) is measured in a font
that has it, as a word processor would substitute one.

Both answers are remembered between builds (:mod:`font_memo`): a warm build imports neither
matplotlib nor fontTools.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from .font_memo import remembered_advances, remembered_font_file

METRIC_TWINS = {
    "arial": "Liberation Sans",
    "helvetica": "Liberation Sans",
    "arial narrow": "Liberation Sans Narrow",
    "times new roman": "Liberation Serif",
    "times": "Liberation Serif",
    "courier new": "Liberation Mono",
    "calibri": "Carlito",
    "cambria": "Caladea",
}
FALLBACK_FONTS = ("DejaVu Sans",)  # matplotlib's own font: always present
SYMBOL_FONTS = ("Segoe UI Symbol", "DejaVu Sans", "Noto Sans Symbols 2", "Noto Sans Symbols")


@cache
def _font_manager() -> Any:
    """matplotlib's font manager, imported on first use (about 0.35 s of CPU)."""
    import logging

    from matplotlib import font_manager

    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    return font_manager


@dataclass(frozen=True)
class FontFace:
    """Advance widths of one font file, per character, in units of the em."""

    path: Path
    advances: dict[int, float]

    def width(self, char: str) -> float | None:
        return self.advances.get(ord(char))


@lru_cache(maxsize=64)
def _face(path: str) -> FontFace:
    return FontFace(Path(path), remembered_advances(path, lambda: _read_advances(path)))


def _read_advances(path: str) -> dict[int, float]:
    from fontTools.ttLib import TTFont

    font = TTFont(path, lazy=True, fontNumber=0)
    units = font["head"].unitsPerEm
    metrics = font["hmtx"].metrics
    cmap = font.getBestCmap() or {}
    advances = {code: metrics[glyph][0] / units for code, glyph in cmap.items() if glyph in metrics}
    font.close()
    return advances


@lru_cache(maxsize=128)
def _find(family: str, bold: bool) -> str | None:
    return remembered_font_file(["family", family, bold], lambda: _find_now(family, bold))


def _find_now(family: str, bold: bool) -> str | None:
    font_manager = _font_manager()
    properties = font_manager.FontProperties(family=family, weight="bold" if bold else "normal")
    try:
        path = font_manager.findfont(properties, fallback_to_default=False)
    except ValueError:
        return None
    return str(path)


@lru_cache(maxsize=64)
def font_path(family: str, bold: bool = False) -> str:
    """The file of ``family`` (or its metric twin, or the fallback) in the weight asked for."""
    for name in (family, METRIC_TWINS.get(family.lower(), ""), *FALLBACK_FONTS):
        if name:
            path = _find(name, bold)
            if path is not None:
                return path
    path = remembered_font_file(["default", bold], lambda: _default_font(bold))
    assert path is not None
    return path


def _default_font(bold: bool) -> str:
    font_manager = _font_manager()
    return str(
        font_manager.findfont(font_manager.FontProperties(weight="bold" if bold else "normal"))
    )


@dataclass(frozen=True)
class TextMeasure:
    """Widths of text set in ``family`` at ``size`` points."""

    family: str
    size: float

    def width(self, text: str, bold: bool = False) -> float:
        """Width in points (advance widths, no kerning)."""
        return _em_width(self.family, text, bold) * self.size


@lru_cache(maxsize=1 << 16)
def _em_width(family: str, text: str, bold: bool) -> float:
    """Width of ``text`` in ems; remembered, because table widths measure the same cell texts
    for every table of a kind and for DOCX and PDF alike (23,000 calls for Kalmar)."""
    advances = _face(font_path(family, bold)).advances
    total = 0.0
    for char in text:
        advance = advances.get(ord(char))
        if advance is None:
            advance = _substitute(char, bold)
        total += advance
    return total


@lru_cache(maxsize=512)
def _substitute(char: str, bold: bool) -> float:
    for family in (*SYMBOL_FONTS, *FALLBACK_FONTS):
        path = _find(family, bold) or _find(family, False)
        if path is None:
            continue
        advance = _face(path).width(char)
        if advance is not None:
            return advance
    return 0.0 if char in "\u2060\u200b\u00ad" else 0.6

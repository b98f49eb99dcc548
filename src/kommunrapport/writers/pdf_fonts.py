"""The fonts a PDF may use: the same files on every machine, never the system's.

* Liberation Sans 2.1.5 ships with the toolkit (``templates/typst/fonts``, SIL OFL 1.1): the
  metric twin of Arial, the reference DOCX's font, and what LibreOffice sets the DOCX in.
* DejaVu Sans comes with matplotlib (already a dependency): every status-scale symbol
  (● ◐ ○ ✓ ⚠ ↗ …) and the charts' own font.
* A report repository may add its profile's fonts in ``templates/fonts/``.

System fonts are ignored, so the PDF is byte for byte the same wherever it is built.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import typst

from ..document.font_memo import remembered_font_numbers

TOOLKIT_FONTS = "typst/fonts"
PACKAGE_FONTS = "fonts"


def font_dirs(template_dirs: list[Path]) -> tuple[Path, ...]:
    """Every folder fonts are read from: the repository's ``templates/fonts`` first."""
    dirs = [d / PACKAGE_FONTS for d in template_dirs if (d / PACKAGE_FONTS).is_dir()]
    dirs += [d / TOOLKIT_FONTS for d in template_dirs if (d / TOOLKIT_FONTS).is_dir()]
    dirs.append(matplotlib_fonts())
    return tuple(dict.fromkeys(dirs))


def matplotlib_fonts() -> Path:
    """matplotlib's font folder, found without importing matplotlib (half a second)."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("matplotlib")
    return Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"


@dataclass(frozen=True)
class FontBook:
    """Typst's view of the fonts in ``dirs``, and where each family's regular face lies."""

    fonts: typst.Fonts
    families: dict[str, str]  # lower-cased family → family as Typst names it
    regular: dict[str, Path]  # family → file of its regular (or first) face


@cache
def font_book(dirs: tuple[Path, ...]) -> FontBook:
    fonts = typst.Fonts(
        include_system_fonts=False,
        include_embedded_fonts=False,
        font_paths=[str(d) for d in dirs],
    )
    families: dict[str, str] = {}
    regular: dict[str, Path] = {}
    for info in sorted(fonts.fonts(), key=lambda i: (i.family, i.weight, i.style, i.path or "")):
        families.setdefault(info.family.lower(), info.family)
        if info.path and (
            info.family not in regular or (info.weight == 400 and info.style == "normal")
        ):
            regular[info.family] = Path(info.path)
    return FontBook(fonts, families, regular)


@cache
def line_metrics(path: Path) -> tuple[float, float]:
    """(Word's single line, Typst's line box), in em, of the font in ``path``.

    Word (and LibreOffice for a DOCX) makes a single line as tall as the font's ascender,
    descender and line gap (hhea); Typst sets a line in the typographic ascender-to-descender
    box and adds the paragraph's leading. The template's leading is the difference.
    Remembered between builds (:mod:`font_memo`): a warm build does not import fontTools."""
    single, box = remembered_font_numbers("linjer", str(path), lambda: _line_metrics(path))
    return single, box


def _line_metrics(path: Path) -> list[float]:
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), lazy=True)
    units = font["head"].unitsPerEm
    hhea = font["hhea"]
    single = (hhea.ascent - hhea.descent + hhea.lineGap) / units
    os2 = font["OS/2"]
    box = (os2.sTypoAscender - os2.sTypoDescender) / units
    if box <= 0:
        box = (hhea.ascent - hhea.descent) / units
    return [round(single, 4), round(box, 4)]

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
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..document.font_memo import remembered_font_book, remembered_font_numbers

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
    """Typst's view of the fonts in ``dirs``: its family names, and where each family's
    regular face lies."""

    families: dict[str, str]  # lower-cased family → family as Typst names it
    regular: dict[str, Path]  # family → file of its regular (or first) face


@cache
def font_book(dirs: tuple[Path, ...]) -> FontBook:
    """Remembered between builds (:mod:`font_memo`) under every file in ``dirs`` with its
    size and mtime: a warm build does not import typst here, nor read the font folders
    (~17 ms of CPU and ~16 MiB in the build's process; the Typst child reads them itself)."""
    book = remembered_font_book(font_files(dirs), lambda: _read_font_book(dirs))
    return FontBook(
        dict(book["families"]), {family: Path(f) for family, f in book["regular"].items()}
    )


def font_files(dirs: tuple[Path, ...]) -> list[list[object]]:
    """Path, size and mtime of every file under ``dirs`` (what Typst may read as a font)."""
    found: list[list[object]] = []
    for folder in dirs:
        for parent, subdirs, names in os.walk(folder, followlinks=True):
            subdirs.sort()
            for name in sorted(names):
                path = os.path.join(parent, name)
                try:
                    info = os.stat(path)
                except OSError:
                    continue
                found.append([path, info.st_size, info.st_mtime_ns])
    return found


def _read_font_book(dirs: tuple[Path, ...]) -> dict[str, dict[str, str]]:
    import typst

    fonts = typst.Fonts(
        include_system_fonts=False,
        include_embedded_fonts=False,
        font_paths=[str(d) for d in dirs],
    )
    families: dict[str, str] = {}
    regular: dict[str, str] = {}
    for info in sorted(fonts.fonts(), key=lambda i: (i.family, i.weight, i.style, i.path or "")):
        families.setdefault(info.family.lower(), info.family)
        if info.path and (
            info.family not in regular or (info.weight == 400 and info.style == "normal")
        ):
            regular[info.family] = info.path
    return {"families": families, "regular": regular}


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

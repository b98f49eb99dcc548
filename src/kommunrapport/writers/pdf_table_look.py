"""The PDF's tables in the look of the DOCX's: the reference document's table style.

:mod:`document.docx_look` reads the table style "Table" of the reference DOCX (its borders, the
header row's and total rows' conditional formatting) and the paragraph style "Tabelltext" (font,
size, line height); the DOCX writer repeats that formatting on its cells. This module turns the
same look into the plain values the Typst template's ``profil.tabell`` takes: rules as
``[width in pt, "#rrggbb"]`` (``none`` where the style draws no rule), fills and text colours as
``"#rrggbb"``, sizes in pt. So a kommun that restyles its tables in Word restyles the PDF's too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lxml import etree

from ..document.docx_look import DocxLook, RunLook

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NO_RULE = ("nil", "none")


def _parse(fragment: str) -> etree._Element:
    """OpenXML fragments (``<w:tcBorders>…</w:tcBorders><w:shd …/>``) under one root."""
    return etree.fromstring(f'<root xmlns:w="{W}">{fragment}</root>'.encode())


def _attr(element: etree._Element, name: str) -> str:
    return element.get(f"{{{W}}}{name}") or ""


def _hex(value: str, auto: str | None) -> str | None:
    """``1F3A5F`` → ``#1f3a5f``; ``auto`` (the text colour) → ``auto``."""
    if not value or value.lower() == "auto":
        return auto
    return f"#{value.lower()}" if len(value) == 6 else auto


def _rule(fragment: str, holder: str, side: str, text_colour: str) -> list[Any] | None:
    """The border ``side`` of ``holder`` (tblBorders, tcBorders) in ``fragment``: width in pt
    (OpenXML gives eighths of a point) and colour; ``None`` when there is no rule."""
    root = _parse(fragment)
    border = root.find(f"w:{holder}/w:{side}", {"w": W})
    if border is None or _attr(border, "val") in NO_RULE:
        return None
    size = _attr(border, "sz")
    width = int(size) / 8 if size.isdigit() else 0.5
    return [max(width, 0.25), _hex(_attr(border, "color"), text_colour)]


def _fill(fragment: str) -> str | None:
    shading = _parse(fragment).find("w:shd", {"w": W})
    if shading is None or _attr(shading, "val") == "nil":
        return None
    return _hex(_attr(shading, "fill"), None)


def _text_colour(run: RunLook) -> str | None:
    if not run.color:
        return None
    return _hex(_attr(_parse(run.color)[0], "val"), None)


def table_profile(
    look: DocxLook, text_colour: str, resolve_font: Callable[[str], str]
) -> dict[str, Any]:
    """``profil.tabell`` for the Typst template. ``resolve_font`` maps the font the reference
    names to a family the PDF embeds (a metric twin, or the body font)."""
    table = look.table

    def outer(side: str) -> list[Any] | None:
        return _rule(table.borders, "tblBorders", side, text_colour)

    def cell(fragment: str, side: str) -> list[Any] | None:
        return _rule(fragment, "tcBorders", side, text_colour)

    return {
        "typsnitt": [resolve_font(look.cell_text.family)],
        "storlek": look.cell_text.size,
        "radhojd": round(look.cell_line_pt, 2),
        "topp": outer("top"),
        "botten": outer("bottom"),
        "vanster": outer("left"),
        "hoger": outer("right"),
        "mellan": outer("insideH"),
        "lodrat": outer("insideV"),
        "rubrik-topp": cell(table.header_cell, "top"),
        "rubrik-under": cell(table.header_cell, "bottom"),
        "rubrik-bakgrund": _fill(table.header_cell),
        "rubrik-farg": _text_colour(table.header_text),
        "rubrik-fet": table.header_text.bold,
        "summa-over": cell(table.total_cell, "top"),
        "summa-under": cell(table.total_cell, "bottom"),
        "summa-bakgrund": _fill(table.total_cell),
        "summa-farg": _text_colour(table.total_text),
        "delsumma-over": cell(table.subtotal_cell, "top"),
    }

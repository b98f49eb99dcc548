"""The printed page's look, read from the reference DOCX: what makes the PDF look like the
committee paper a kommun gets from Word.

From ``templates/reference.docx`` (the kommun's own, or the toolkit's): the body and heading
fonts, sizes and colours, the spacing of paragraphs and headings, line spacing, page margins,
and the texts of the running header and footer (with ``{titel}``, ``{kommun}``, ``{sida}`` …).
Font names are resolved against the fonts the PDF may use (the toolkit's, matplotlib's DejaVu,
and ``templates/fonts/`` of the report repository): a name without a font file falls back to a
metric-compatible one (Arial → Liberation Sans) or, failing that, to Liberation Sans with a
warning, because a PDF must embed every font it uses. The tables' rules, fills and font come
from the same table style the DOCX's tables take (:mod:`pdf_table_look`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from docx import Document
from docx.shared import Length

from ..document.docx_look import read_look
from ..project.paths import builtin_templates_dir
from .pdf_table_look import table_profile

DEFAULT_FONT = "Liberation Sans"
SYMBOL_FONT = "DejaVu Sans"
# Fonts a kommun's Word profile names that we do not ship, and their metric-compatible twins.
METRIC_TWINS = {
    "arial": "Liberation Sans",
    "helvetica": "Liberation Sans",
    "arimo": "Liberation Sans",
    "calibri": "Liberation Sans",
    "segoe ui": "Liberation Sans",
    "segoe ui symbol": SYMBOL_FONT,
}
HEADING_LEVELS = range(1, 7)


@dataclass
class FontChoice:
    """A font family the PDF uses, and what became of the name the reference DOCX gave."""

    family: str
    asked: str
    substituted: bool = False


@dataclass
class PageProfile:
    """Everything the Typst template needs to know about the kommun's look (Typst values as
    strings: ``"10.5pt"``, ``"rgb(\\"#1f3a5f\\")"`` are written by :meth:`typst_fields`)."""

    body_font: FontChoice
    heading_font: FontChoice
    body_size: float = 10.5
    line_spacing: float = 1.15
    paragraph_after: float = 8.0
    text_colour: str = "#1a1a1a"
    accent: str = "#1f3a5f"
    heading_sizes: list[float] = field(default_factory=lambda: [17, 14, 12, 11, 10.5, 10.5])
    heading_before: list[float] = field(default_factory=lambda: [18, 14, 12, 10, 8, 8])
    heading_colours: list[str] = field(default_factory=list)
    margins_cm: dict[str, float] = field(
        default_factory=lambda: {"left": 2.5, "right": 2.5, "top": 2.5, "bottom": 2.2}
    )
    header_distance_cm: float = 1.0
    footer_distance_cm: float = 1.0
    header: list[str] = field(default_factory=lambda: ["{titel}", "{kommun}"])
    footer: str = "Sida {sida} av {sidor}"
    line_single_em: float = 1.149  # Word's single line for the body font (hhea)
    line_box_em: float = 0.938  # the box Typst sets a line in (its ascender to descender)
    table_font: FontChoice | None = None  # "Tabelltext"'s font
    table: dict[str, Any] = field(default_factory=dict)  # the template's ``profil.tabell``

    def typst_fields(self) -> dict[str, Any]:
        """The profile as the template's ``profil`` dictionary (plain values: the template
        turns numbers into lengths and hex strings into colours)."""
        return {
            "brodtext": [self.body_font.family],
            "rubriker": [self.heading_font.family],
            "symboler": [SYMBOL_FONT],
            "storlek": self.body_size,
            "radavstand": self.line_spacing,
            "radhojd-enkel": self.line_single_em,
            "radlada": self.line_box_em,
            "styckeavstand": self.paragraph_after,
            "text": self.text_colour,
            "accent": self.accent,
            "rubrikstorlek": self.heading_sizes,
            "rubrik-fore": self.heading_before,
            "rubrikfarger": self.heading_colours or [self.accent] * 6,
            "marginaler": self.margins_cm,
            "sidhuvud-avstand": self.header_distance_cm,
            "sidfot-avstand": self.footer_distance_cm,
            "tabell": self.table,
        }


def _points(length: Length | None, default: float) -> float:
    return round(length.pt, 2) if length is not None else default


def _style_value(style: Any, getter: Any) -> Any:
    """A style's own value or the nearest one up its ``based on`` chain."""
    while style is not None:
        value = getter(style)
        if value is not None:
            return value
        style = style.base_style
    return None


def _colour(style: Any) -> str | None:
    rgb = _style_value(style, lambda s: s.font.color.rgb if s.font.color.type else None)
    return f"#{rgb}".lower() if rgb is not None else None


def _style(doc: Any, name: str) -> Any:
    wanted = name.lower()
    return next((s for s in doc.styles if (s.name or "").lower() == wanted), None)


def _header_parts(section: Any) -> list[str]:
    text = "\n".join(p.text for p in section.header.paragraphs if p.text.strip())
    parts = [part.strip() for part in text.split("\t")]
    return parts if any(parts) else []


def _footer_text(section: Any) -> str | None:
    text = " ".join(p.text.replace("\t", " ").strip() for p in section.footer.paragraphs)
    return text.strip() or None


def resolve_font(name: str | None, available: dict[str, str]) -> FontChoice:
    """``available``: lower-cased family → family as Typst names it."""
    asked = name or DEFAULT_FONT
    if asked.lower() in available:
        return FontChoice(available[asked.lower()], asked)
    twin = METRIC_TWINS.get(asked.lower(), DEFAULT_FONT)
    return FontChoice(twin, asked, substituted=asked.lower() not in METRIC_TWINS)


def read_profile(reference_docx: Path, available: dict[str, str]) -> PageProfile:
    """The page profile of a reference DOCX (cached by path and modification time)."""
    stat = reference_docx.stat()
    return _read_profile(reference_docx, stat.st_mtime_ns, tuple(sorted(available.items())))


@cache
def _read_profile(
    reference_docx: Path, _mtime: int, available: tuple[tuple[str, str], ...]
) -> PageProfile:
    families = dict(available)
    doc = Document(str(reference_docx))
    normal = doc.styles["Normal"]
    body_style = _style(doc, "Body Text") or normal
    heading1 = _style(doc, "Heading 1")
    profile = PageProfile(
        body_font=resolve_font(_style_value(normal, lambda s: s.font.name), families),
        heading_font=resolve_font(
            _style_value(heading1, lambda s: s.font.name) if heading1 else None, families
        ),
    )
    size = _style_value(body_style, lambda s: s.font.size)
    profile.body_size = _points(size, profile.body_size)
    spacing = _style_value(body_style, lambda s: s.paragraph_format.line_spacing)
    if isinstance(spacing, float):
        profile.line_spacing = spacing
    after = _style_value(body_style, lambda s: s.paragraph_format.space_after)
    profile.paragraph_after = _points(after, profile.paragraph_after)
    profile.text_colour = _colour(normal) or profile.text_colour
    colours = []
    for level in HEADING_LEVELS:
        style = _style(doc, f"Heading {level}")
        if style is None:
            colours.append(profile.accent)
            continue
        index = level - 1
        profile.heading_sizes[index] = _points(
            _style_value(style, lambda s: s.font.size), profile.heading_sizes[index]
        )
        profile.heading_before[index] = _points(
            _style_value(style, lambda s: s.paragraph_format.space_before),
            profile.heading_before[index],
        )
        colours.append(_colour(style) or profile.accent)
    profile.accent = colours[0]
    profile.heading_colours = colours
    section = doc.sections[0]
    for side in ("left", "right", "top", "bottom"):
        value = getattr(section, f"{side}_margin")
        if value is not None:
            profile.margins_cm[side] = round(value.cm, 3)
    if section.header_distance is not None:
        profile.header_distance_cm = round(section.header_distance.cm, 3)
    if section.footer_distance is not None:
        profile.footer_distance_cm = round(section.footer_distance.cm, 3)
    profile.header = _header_parts(section) or profile.header
    profile.footer = _footer_text(section) or profile.footer
    _read_table_look(profile, reference_docx, families)
    return profile


def _read_table_look(profile: PageProfile, reference_docx: Path, families: dict[str, str]) -> None:
    """The tables' look: the reference's table style (or the toolkit's, when the reference has
    no header and total formatting), its cell font resolved like the body font."""
    look = read_look(reference_docx, builtin_templates_dir() / "reference.docx")
    chosen = resolve_font(look.cell_text.family, families)
    if chosen.substituted:  # no file and no twin: the body font, not a fixed default
        chosen = FontChoice(profile.body_font.family, chosen.asked, substituted=True)
    profile.table_font = chosen
    profile.table = table_profile(look, profile.text_colour, lambda _name: chosen.family)

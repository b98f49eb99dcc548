"""Assemble the rendered sections of one document into a single Markdown text for pandoc."""

from __future__ import annotations

from ..text.outline import RenderedSection

SECTION_CLASS = "kr-section"
PAGE_BREAK_CLASS = "kr-pagebreak"
COVER_CLASS = "kr-cover"
FENCE = "::::::::"


def _heading_attributes(section: RenderedSection) -> str:
    parts = []
    if section.anchor:
        parts.append(f"#{section.anchor}")
    if not section.numbered:
        parts.append(".unnumbered")
    if not section.listed:
        parts.append(".unlisted")
    if section.source:
        parts.append(f'data-source="{section.source}"')
    return " {" + " ".join(parts) + "}" if parts else ""


def page_break_markdown() -> str:
    return f"\n\n::: {{.{PAGE_BREAK_CLASS}}}\n:::\n\n"


def assemble_markdown(
    sections: list[RenderedSection], prelude: str = "", epilogue: str = ""
) -> str:
    """One Markdown text: each section's heading, then its body in a div that records the
    section's level (so ``#`` inside a section file becomes a sub-heading) and source file."""
    parts = [prelude]
    for section in sections:
        if section.page_break:
            parts.append(page_break_markdown())
        title = " ".join(section.title.split())
        level = section.level
        if title:
            parts.append(f"\n\n{'#' * level} {title}{_heading_attributes(section)}\n\n")
        else:
            level -= 1  # a block without its own heading: its '#' headings take this level
        source = f' data-source="{section.source}"' if section.source else ""
        numbered = "" if section.numbered else ' data-unnumbered="1"'
        parts.append(
            f'{FENCE} {{.{SECTION_CLASS} data-level="{level}"{source}{numbered}}}\n'
            f"{section.body}\n\n{FENCE}\n"
        )
    parts.append(epilogue)
    return "".join(parts)

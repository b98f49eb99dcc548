"""Resolve a document's outline and render each section's Markdown through Jinja."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..errors import KommunrapportError, Location
from ..project.config import DocumentSpec, OutlineEntry, validate_model
from ..project.frontmatter import split_front_matter
from ..project.package import Package
from ..project.yaml_lines import load_yaml_file
from .templating import render_string, render_template

FRONT_MATTER_TITLE_KEYS = ("rubrik", "titel")


@dataclass
class RenderedSection:
    """One heading of the outline with its rendered Markdown body."""

    title: str
    level: int
    numbered: bool
    anchor: str | None
    source: str | None  # file as the user sees it, for messages
    body: str
    page_break: bool = False
    landscape: bool = False
    listed: bool = True


def structure_outline(package: Package, name: str, location: Location) -> list[OutlineEntry]:
    """The standard outline of a report type, from ``templates/strukturer/<name>.yaml``."""
    path = package.find_template(f"strukturer/{name}.yaml", location)
    if path is None:
        raise KommunrapportError(
            f"okänd mall {name!r}",
            location,
            "Använd en mall som finns under templates/strukturer/ eller skriv en disposition.",
        )
    shown = package.display(path)
    raw = load_yaml_file(path, shown, package.files)
    data = raw.data or {}
    entries = data.get("disposition", []) if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise KommunrapportError(
            "en struktur ska ha fältet 'disposition:' med en lista av avsnitt",
            Location(shown, line=raw.line_of(("disposition",)) or 1),
            "Skriv 'disposition:' och under det ett avsnitt per rad som börjar med '- '.",
        )
    return [
        validate_model(OutlineEntry, entry, raw, shown, ("disposition", index))
        for index, entry in enumerate(entries)
    ]


def document_outline(package: Package, doc: DocumentSpec, index: int) -> list[OutlineEntry]:
    if doc.outline:
        return doc.outline
    if doc.structure:
        return structure_outline(package, doc.structure, package.config_location("dokument", index))
    return []


class SectionRenderer:
    """Renders the outline entries of one document into :class:`RenderedSection` s."""

    def __init__(
        self,
        package: Package,
        env: ImmutableSandboxedEnvironment,
        context: Mapping[str, Any],
        config_path: tuple[str | int, ...],
    ):
        self.package = package
        self.env = env
        self.context = context
        self.config_path = config_path

    def render(self, entries: list[OutlineEntry], base_level: int = 1) -> list[RenderedSection]:
        sections: list[RenderedSection] = []
        for index, entry in enumerate(entries):
            self._render_entry(entry, base_level, True, (*self.config_path, index), sections)
        return sections

    def _render_entry(
        self,
        entry: OutlineEntry,
        level: int,
        parent_numbered: bool,
        path: tuple[str | int, ...],
        out: list[RenderedSection],
    ) -> None:
        meta: dict[str, Any] = {}
        body = ""
        source: str | None = None
        if entry.file:
            file_location = self.package.config_location(*path, "fil")
            file_path = self.package.resolve_inside(entry.file, file_location)
            source = self.package.display(file_path)
            if not self.package.files.exists(file_path, file_location):
                raise KommunrapportError(
                    f"avsnittsfilen {entry.file!r} finns inte",
                    file_location,
                    f"Skapa filen {source} eller rätta sökvägen i report.yaml.",
                )
            text = self.package.files.read_text(file_path)
            meta = split_front_matter(text, source).meta
            name = str(file_path.relative_to(self.package.dir.resolve()).as_posix())
            body = render_template(self.env, name, {**self.context, "sida": meta}, source)
        elif entry.block:
            template = f"block/{entry.block}.md.j2"
            block_location = self.package.config_location(*path, "block")
            if self.package.find_template(template, block_location) is None:
                raise KommunrapportError(
                    f"okänt block {entry.block!r}",
                    block_location,
                    "Blocken finns som templates/block/<namn>.md.j2.",
                )
            source = template
            body = render_template(self.env, template, dict(self.context), template)

        title = entry.title or next((meta[k] for k in FRONT_MATTER_TITLE_KEYS if k in meta), None)
        if not title and entry.block:
            title = ""  # a block without a heading of its own: its headings take this level
        elif not title:
            raise KommunrapportError(
                "avsnittet saknar rubrik",
                self.package.config_location(*path),
                "Ange 'rubrik:' i report.yaml eller i filens inledning (front matter).",
            )
        title = (
            render_string(self.env, str(title), self.context, self.package.config_location(*path))
            if title
            else ""
        )
        numbered = parent_numbered and entry.numbered and meta.get("numrerad", True) is not False
        out.append(
            RenderedSection(
                title=title,
                level=level,
                numbered=numbered,
                anchor=entry.anchor or meta.get("id"),
                source=source,
                body=body,
                page_break=entry.page_break or bool(meta.get("sidbrytning")),
                landscape=entry.landscape or bool(meta.get("liggande")),
                listed=entry.listed and meta.get("i_innehåll", True) is not False,
            )
        )
        for index, child in enumerate(entry.children):
            self._render_entry(child, level + 1, numbered, (*path, "underavsnitt", index), out)

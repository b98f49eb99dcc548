"""Split a Markdown file into its YAML front matter and its body."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import KommunrapportError, Location
from .yaml_lines import parse_yaml

FENCE = "---"


@dataclass
class MarkdownSource:
    """A Markdown file's parts. ``body`` keeps the file's line numbers: the front matter lines
    are replaced by empty lines, so a line number in the body is a line number in the file."""

    meta: dict[str, Any] = field(default_factory=dict)
    body: str = ""


def split_front_matter(text: str, display: str) -> MarkdownSource:
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != FENCE:
        return MarkdownSource({}, text)
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (FENCE, "..."):
            yaml_text = "".join(lines[1:index])
            parsed = parse_yaml(yaml_text, display, line_offset=1).data or {}
            if not isinstance(parsed, dict):
                raise KommunrapportError(
                    "inledningen (front matter) ska bestå av fält på formen 'nyckel: värde'",
                    Location(display, line=2),
                    "Skriv ett fält per rad mellan raderna '---', t.ex. 'rubrik: Ekonomi'.",
                )
            body = "\n" * (index + 1) + "".join(lines[index + 1 :])
            return MarkdownSource(parsed, body)
    raise KommunrapportError(
        "inledningen (front matter) som börjar med '---' avslutas aldrig",
        Location(display, line=1),
        "Avsluta fälten med en rad som bara innehåller '---'.",
    )

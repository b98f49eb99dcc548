"""Load YAML and remember the line of every value, so errors can name it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import KommunrapportError, Location

PathKey = tuple[str | int, ...]
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class LinedYaml:
    """Plain YAML data plus the 1-based line of each value, keyed by its path."""

    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line_of(self, path: PathKey) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)


def _walk(node: yaml.Node, path: PathKey, lines: dict[PathKey, int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            lines[(*path, key)] = key_node.start_mark.line + 1
            _walk(value_node, (*path, key), lines)
            lines[(*path, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), lines)


def parse_yaml(text: str, source: str, line_offset: int = 0) -> LinedYaml:
    """Parse YAML text; a syntax error names the file and line."""
    try:
        # One parse: compose the node tree (it has the line numbers), then build the data
        # from it. libyaml's C loader where PyYAML has it, the pure-Python one otherwise.
        loader = _LOADER(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else None
        problem = exc.problem or exc.context or "okänt fel"
        raise KommunrapportError(
            f"YAML kan inte läsas: {problem}",
            Location(source, line=line),
            "Kontrollera indrag, kolon och citattecken på raden.",
        ) from None
    lines: dict[PathKey, int] = {}
    if node is not None:
        _walk(node, (), lines)
    if line_offset:
        lines = {key: value + line_offset for key, value in lines.items()}
    return LinedYaml(data, lines)


def load_yaml_file(path: Path, display: str) -> LinedYaml:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KommunrapportError(
            "filen finns inte", Location(display), "Skapa filen eller rätta sökvägen."
        ) from None
    except UnicodeDecodeError:
        raise KommunrapportError(
            "filen är inte sparad som UTF-8", Location(display), "Spara om filen som UTF-8."
        ) from None
    return parse_yaml(text, display)

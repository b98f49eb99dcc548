"""Load YAML and remember the line of every value, so errors can name it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import KommunrapportError, Location
from .source_files import SourceFiles, read_own_text

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


MAX_EXPANDED_NODES = 100_000  # values in a file once every alias (*namn) is filled in
_CHECKED_TAGS = ("timestamp", "int", "float")


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _walk(root: yaml.Node, lines: dict[PathKey, int]) -> None:
    """The line of every value by its path (iteratively: nesting cannot exhaust the stack)."""
    stack: list[tuple[yaml.Node, PathKey]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in reversed(node.value):
                key = (*path, key_node.value)
                lines[key] = key_node.start_mark.line + 1
                stack.append((value_node, key))
        elif isinstance(node, yaml.SequenceNode):
            for index in reversed(range(len(node.value))):
                stack.append((node.value[index], (*path, index)))


def _check_tree(root: yaml.Node, source: str, offset: int) -> None:
    """Before anything is built: no key twice in a mapping, no alias that contains itself,
    and not more than ``MAX_EXPANDED_NODES`` values once the aliases are filled in (a few
    hundred bytes of nested aliases would otherwise expand to gigabytes)."""
    sizes: dict[int, int] = {}
    active: set[int] = set()
    first_alias: int | None = None
    stack: list[tuple[yaml.Node, bool, int]] = [(root, False, root.start_mark.line)]
    while stack:
        node, done, parent_line = stack.pop()
        key = id(node)
        if done:
            active.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            continue
        if key in active:
            raise KommunrapportError(
                "ett alias (*namn) innehåller sig självt",
                Location(source, line=node.start_mark.line + 1 + offset),
                "Ta bort aliaset eller låt det peka på något annat än det står i.",
            )
        if key in sizes:  # met before: an alias (its own line is the anchor's)
            first_alias = first_alias if first_alias is not None else parent_line
            continue
        if isinstance(node, yaml.MappingNode):
            _check_keys(node, source, offset)
        active.add(key)
        stack.append((node, True, parent_line))
        line = node.start_mark.line
        stack.extend((child, False, line) for child in reversed(_children(node)))
    if sizes[id(root)] > MAX_EXPANDED_NODES:
        line = (first_alias if first_alias is not None else root.start_mark.line) + 1 + offset
        raise KommunrapportError(
            f"aliasen (&namn och *namn) blir för många värden när de fylls i (mer än "
            f"{MAX_EXPANDED_NODES:,})".replace(",", "\u00a0"),
            Location(source, line=line),
            "Skriv ut värdena i stället för att upprepa alias i alias.",
        )


def _check_keys(node: yaml.MappingNode, source: str, offset: int) -> None:
    seen: dict[str, int] = {}
    for key_node, _value in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.value == "<<":
            continue
        line = key_node.start_mark.line + 1 + offset
        if key_node.value in seen:
            raise KommunrapportError(
                f"nyckeln {key_node.value!r} står två gånger (rad {seen[key_node.value]} och "
                f"rad {line})",
                Location(source, line=line),
                "Ta bort den ena raden; annars gäller bara den sista, utan att det märks.",
            )
        seen[key_node.value] = line


def _failing_scalar(loader: Any, root: yaml.Node) -> tuple[yaml.Node, Exception] | None:
    """The first date or number that cannot be built (e.g. 2023-02-30), with its error."""
    stack = [root]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode) and node.tag.endswith(_CHECKED_TAGS):
            build = loader.yaml_constructors.get(node.tag)
            try:
                if build is not None:
                    build(loader, node)
            except (ValueError, OverflowError, TypeError) as error:
                return node, error
        stack.extend(reversed(_children(node)))
    return None


def _syntax_error(exc: yaml.MarkedYAMLError, source: str, offset: int) -> KommunrapportError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 + offset if mark else None
    problem = exc.problem or exc.context or "okänt fel"
    return KommunrapportError(
        f"YAML kan inte läsas: {problem}",
        Location(source, line=line),
        "Kontrollera indrag, kolon och citattecken på raden.",
    )


def parse_yaml(text: str, source: str, line_offset: int = 0) -> LinedYaml:
    """Parse YAML text; a syntax error names the file and line."""
    try:
        # One parse: compose the node tree (it has the line numbers), then build the data
        # from it. libyaml's C loader where PyYAML has it, the pure-Python one otherwise.
        loader = _LOADER(text)
        try:
            node = loader.get_single_node()
            if node is not None:
                _check_tree(node, source, line_offset)
            data = _construct(loader, node, source, line_offset)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, source, line_offset) from None
    except yaml.YAMLError as exc:  # a character YAML does not allow (ReaderError)
        position = getattr(exc, "position", None)
        line = text.count("\n", 0, position) + 1 + line_offset if position is not None else None
        character = getattr(exc, "character", None)
        what = f"U+{ord(character):04X} " if isinstance(character, str) else ""
        raise KommunrapportError(
            f"YAML kan inte läsas: otillåtet tecken {what}(ett styrtecken)",
            Location(source, line=line),
            "Ta bort tecknet; det syns inte i de flesta redigerare men följer ofta med när text "
            "klistras in.",
        ) from None
    lines: dict[PathKey, int] = {}
    if node is not None:
        _walk(node, lines)
    if line_offset:
        lines = {key: value + line_offset for key, value in lines.items()}
    return LinedYaml(data, lines)


def _construct(loader: Any, node: yaml.Node | None, source: str, offset: int) -> Any:
    if node is None:
        return None
    try:
        return loader.construct_document(node)
    except (ValueError, OverflowError, TypeError) as error:
        failing = _failing_scalar(loader, node)
        culprit, problem = failing if failing else (node, error)
        raise KommunrapportError(
            f"värdet {_short(culprit.value)!r} kan inte läsas: {_explain(problem)}"
            if isinstance(culprit, yaml.ScalarNode)
            else f"YAML kan inte läsas: {problem}",
            Location(source, line=culprit.start_mark.line + 1 + offset),
            "Skriv ett giltigt datum (ÅÅÅÅ-MM-DD) eller tal, eller sätt värdet inom citattecken "
            "om det är text.",
        ) from None


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _explain(error: Exception) -> str:
    text = str(error)
    if "day is out of range" in text:
        return "dagen finns inte i den månaden"
    if "month must be" in text:
        return "månaden finns inte"
    if "digits" in text:
        return "talet har för många siffror"
    return text


def load_yaml_file(path: Path, display: str, files: SourceFiles | None = None) -> LinedYaml:
    """Read and parse a YAML file: through the package's ``files`` (so it cannot lie outside
    the package), or, for the toolkit's own files, with the same checks on size and text."""
    text = files.read_text(path) if files is not None else read_own_text(path, display)
    return parse_yaml(text, display)

"""Find template leftovers ("Myndighet/nämnd/namn", "[Skriv här]", "XX mnkr", "TODO") in the
rendered text of every section and in ``report.yaml``.

The patterns are configuration: ``templates/kontroller/platshallare.yaml``. The built-in file
holds the defaults; a report repository's or package's file of the same name adds patterns
(the same ``namn`` replaces one) and may switch defaults off with ``ta_bort``.

The check runs on the *rendered* Markdown, so a leftover inside ``{# … #}`` is ignored and a
leftover that comes from a variable is found. Each hit is mapped back to the line of the source
file that holds the same text; text that only appears after rendering (from an included file or
a value in report.yaml) is reported with its file but without a line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import Findings, KommunrapportError, Location
from ..project.package import Package
from ..project.source_files import TemplateFolders
from ..project.yaml_lines import load_yaml_file
from .markdown_text import unescape_markdown
from .outline import RenderedSection

PATTERNS_FILE = "kontroller/platshallare.yaml"
FINDING_CODE = "placeholder"
_ALLOWED_KEYS = {"namn", "text", "regex", "skiftläge", "skiftlage", "beskrivning"}


@dataclass(frozen=True)
class PlaceholderPattern:
    name: str
    regex: re.Pattern[str]
    description: str | None = None


def _compile(entry: object, display: str, index: int) -> PlaceholderPattern:
    where = Location(display, field=f"platshållare[{index}]")
    if not isinstance(entry, dict) or not isinstance(entry.get("namn"), str):
        raise KommunrapportError(
            "ett mönster ska ha minst 'namn' och 'text' eller 'regex'",
            where,
            "Skriv t.ex. '- {namn: todo, text: TODO}'.",
        )
    unknown = sorted(set(entry) - _ALLOWED_KEYS)
    if unknown:
        raise KommunrapportError(
            f"okänt fält {', '.join(map(repr, unknown))} i mönstret {entry['namn']!r}",
            where,
            f"Tillåtna fält: {', '.join(sorted(_ALLOWED_KEYS - {'skiftlage'}))}.",
        )
    text, regex = entry.get("text"), entry.get("regex")
    if (text is None) == (regex is None):
        raise KommunrapportError(
            f"mönstret {entry['namn']!r} ska ha antingen 'text' eller 'regex'", where
        )
    case_sensitive = bool(entry.get("skiftläge", entry.get("skiftlage", False)))
    flags = 0 if case_sensitive else re.IGNORECASE
    source = re.escape(str(text)) if text is not None else str(regex)
    try:
        compiled = re.compile(source, flags)
    except re.error as exc:
        raise KommunrapportError(
            f"mönstret {entry['namn']!r} är inget giltigt reguljärt uttryck: {exc}",
            where,
            "Rätta uttrycket, eller använd 'text:' för en exakt text.",
        ) from None
    description = entry.get("beskrivning")
    return PlaceholderPattern(entry["namn"], compiled, str(description) if description else None)


def load_patterns(templates: TemplateFolders | Iterable[Path]) -> list[PlaceholderPattern]:
    """The patterns of every ``kontroller/platshallare.yaml``, built-in first, then the
    repository's, then the package's (the folders are ordered most specific first)."""
    if not isinstance(templates, TemplateFolders):
        templates = TemplateFolders.of(templates)
    patterns: dict[str, PlaceholderPattern] = {}
    for folder in reversed(templates.folders):
        path = folder / PATTERNS_FILE
        if not templates.files.exists(path):
            continue
        shown = templates.files.display(path)
        data = load_yaml_file(path, shown, templates.files).data or {}
        if not isinstance(data, dict):
            raise KommunrapportError(
                "filen ska ha fälten 'platshållare' och/eller 'ta_bort'", Location(shown)
            )
        for name in data.get("ta_bort") or []:
            patterns.pop(str(name), None)
        for index, entry in enumerate(data.get("platshållare") or data.get("platshallare") or []):
            pattern = _compile(entry, shown, index)
            patterns[pattern.name] = pattern
    return list(patterns.values())


@dataclass(frozen=True)
class Hit:
    pattern: PlaceholderPattern
    text: str
    line: int  # 1-based line in the searched text


def find_hits(text: str, patterns: Iterable[PlaceholderPattern]) -> list[Hit]:
    """Every match in ``text``, in order of position."""
    found: list[tuple[int, Hit]] = []
    for pattern in patterns:
        for match in pattern.regex.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append((match.start(), Hit(pattern, match.group(0), line)))
    found.sort(key=lambda item: (item[0], item[1].pattern.name))
    return [hit for _position, hit in found]


ANCHOR_LENGTH = 8  # characters of a hit's start or end that identify its source line


def _source_line(source_lines: list[str], text: str, near: int) -> int | None:
    """The line of the source file that holds ``text``, nearest to line ``near``.

    A hit that contains a filled-in expression ("[Skriv här: analys av 2023.]" from
    "[Skriv här: analys av {{ år }}.]") is found by its start or its end."""
    probes = [text]
    if len(text) > ANCHOR_LENGTH * 2:
        probes += [text[:ANCHOR_LENGTH], text[-ANCHOR_LENGTH:]]
    for probe in probes:
        candidates = [i + 1 for i, line in enumerate(source_lines) if probe in line]
        if candidates:
            return min(candidates, key=lambda n: (abs(n - near), n))
    return None


MAX_SHOWN = 60  # characters of a long hit shown in the message


def _message(hit: Hit) -> str:
    what = f" ({hit.pattern.description})" if hit.pattern.description else ""
    shown = hit.text if len(hit.text) <= MAX_SHOWN else hit.text[: MAX_SHOWN - 1] + "…"
    return f"mallrest {shown!r} i texten{what}"


HINT = "Skriv den riktiga texten eller uppgiften, eller hämta den från data med {{ … }}."


class PlaceholderCheck:
    """Runs the patterns over a package's rendered sections and its report.yaml."""

    def __init__(self, package: Package, patterns: list[PlaceholderPattern]):
        self.package = package
        self.patterns = patterns

    @classmethod
    def for_package(cls, package: Package) -> PlaceholderCheck:
        return cls(package, load_patterns(package.templates))

    def read_source(self, source: str | None) -> list[str]:
        if not source:
            return []
        path = self.package.root / source
        try:
            if not self.package.files.exists(path):
                return []
            return self.package.files.read_text(path).splitlines()
        except KommunrapportError:  # the section itself was read through the same checks
            return []

    def check_sections(self, sections: Iterable[RenderedSection], findings: Findings) -> None:
        for section in sections:
            source_lines = self.read_source(section.source)
            for hit in find_hits(section.title, self.patterns):
                self._report(hit, section.source, source_lines, findings, near=1)
            # a value printed with {{ }} is escaped for Markdown ("\\[Skriv här\\]"): search the
            # text as the reader sees it
            for hit in find_hits(unescape_markdown(section.body), self.patterns):
                self._report(hit, section.source, source_lines, findings, near=hit.line)

    def _report(
        self,
        hit: Hit,
        source: str | None,
        source_lines: list[str],
        findings: Findings,
        near: int,
    ) -> None:
        line = _source_line(source_lines, hit.text, near)
        message = _message(hit)
        if line is None and source:
            message += " (texten kommer från ett uttryck, en inkluderad fil eller report.yaml)"
        findings.warn(
            FINDING_CODE,
            message,
            Location(source, line=line) if source else Location(),
            HINT,
        )

    def check_config(self, findings: Findings) -> None:
        """Leftovers typed into report.yaml (comments excluded), with their line."""
        path = self.package.dir / "report.yaml"
        lines = self.read_source(self.package.display(path))
        for number, line in enumerate(lines, start=1):
            content = _strip_yaml_comment(line)
            for hit in find_hits(content, self.patterns):
                findings.warn(
                    FINDING_CODE,
                    _message(hit),
                    Location(self.package.config_display, line=number),
                    "Fyll i den riktiga uppgiften i report.yaml.",
                )


def _strip_yaml_comment(line: str) -> str:
    """The line without a YAML comment: a '#' at the start or after whitespace, outside
    quotes (good enough for the simple values of report.yaml)."""
    quote: str | None = None
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1].isspace()):
            return line[:index]
    return line

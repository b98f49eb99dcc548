"""Printed labels ("Tabell", "Innehållsförteckning" …) from the locale file.

The built-in ``templates/locale/sv.yaml`` holds every label; a package or report repository may
override single labels with its own ``templates/locale/sv.yaml``. A label's placeholders are
plain names (``{enhet}``); anything else (``{0}``, ``{x.y}``, ``{x:>9}``) is an error, so a
locale file can only ever put the values the toolkit hands it into the text.
"""

from __future__ import annotations

import difflib
import string
from collections.abc import Mapping
from pathlib import Path

from ..errors import Findings, KommunrapportError, Location
from .source_files import TemplateFolders
from .yaml_lines import LinedYaml, load_yaml_file

_FORMATTER = string.Formatter()


class Labels(dict[str, str]):
    """A mapping of label keys to text; a missing key is a clear error, not a silent blank."""

    def __init__(self, labels: Mapping[str, str] | None = None) -> None:
        super().__init__(labels or {})
        self.sources: dict[str, Location] = {}

    def __missing__(self, key: str) -> str:
        raise KommunrapportError(
            f"etiketten {key!r} saknas i språkfilen",
            Location("templates/locale/sv.yaml"),
            f"Lägg till raden '{key}: …' i språkfilen.",
        )

    def fill(self, key: str, **values: object) -> str:
        """The label with its ``{name}`` placeholders filled in."""
        text = self[key]
        parts = []
        for literal, name, _spec, _conversion in _FORMATTER.parse(text):
            parts.append(literal)
            if name is None:
                continue
            if name not in values:
                known = ", ".join("{" + v + "}" for v in values) or "inga"
                raise KommunrapportError(
                    f"etiketten {key!r} har platshållaren {{{name}}}, som inte finns här",
                    self.sources.get(key, Location("templates/locale/sv.yaml")),
                    f"Använd bara {known}.",
                )
            parts.append(str(values[name]))
        return "".join(parts)


def _check_placeholders(key: str, text: str, location: Location) -> None:
    try:
        fields = [(n, s, c) for _l, n, s, c in _FORMATTER.parse(text) if n is not None]
    except ValueError as error:  # a lone '{' or '}'
        raise KommunrapportError(
            f"etiketten {key!r} har en klammer som inte hör till en platshållare ({error})",
            location,
            "Skriv platshållare som {namn}; en klammer i texten skrivs dubbelt: {{ eller }}.",
        ) from None
    for name, spec, conversion in fields:
        if not name.isidentifier() or spec or conversion:
            raise KommunrapportError(
                f"etiketten {key!r} har en otillåten platshållare i {text!r}",
                location,
                "En platshållare är bara ett namn inom klamrar, t.ex. {enhet}.",
            )


def _merge(merged: Labels, raw: LinedYaml, shown: str) -> None:
    data = raw.data or {}
    if not isinstance(data, dict):
        raise KommunrapportError(
            "språkfilen ska bestå av rader på formen 'nyckel: text'",
            Location(shown, line=1),
            "Skriv en etikett per rad: nyckel: text.",
        )
    for key, value in data.items():
        location = Location(shown, line=raw.line_of((key,)))
        text = "" if value is None else str(value)
        _check_placeholders(str(key), text, location)
        merged[str(key)] = text
        merged.sources[str(key)] = location


def load_labels(templates: TemplateFolders | list[Path], language: str = "sv") -> Labels:
    """Merge the locale files of all template folders; the most specific wins."""
    merged = Labels()
    name = f"locale/{language}.yaml"
    if isinstance(templates, TemplateFolders):
        for folder in reversed(templates.folders):
            path = folder / name
            if templates.files.exists(path):
                shown = templates.files.display(path)
                _merge(merged, load_yaml_file(path, shown, templates.files), shown)
        return merged
    for folder in reversed(templates):
        path = folder / name
        if path.is_file():
            _merge(merged, load_yaml_file(path, str(path)), str(path))
    return merged


def check_label_files(templates: TemplateFolders, findings: Findings, language: str = "sv") -> None:
    """A key in a package's or repository's locale file that the toolkit has no label for is
    a typo (it would silently change nothing): warn with file and line."""
    *own, builtin = templates.folders
    known_path = builtin / "locale" / f"{language}.yaml"
    known = set((load_yaml_file(known_path, str(known_path)).data or {}).keys())
    for folder in own:
        path = folder / "locale" / f"{language}.yaml"
        if not templates.files.exists(path):
            continue
        shown = templates.files.display(path)
        source = load_yaml_file(path, shown, templates.files)
        for key in source.data or {}:
            if key in known:
                continue
            close = difflib.get_close_matches(str(key), sorted(known), n=1)
            findings.warn(
                "etikett-okänd",
                f"etiketten {key!r} finns inte bland verktygets etiketter och används aldrig",
                Location(shown, line=source.line_of((key,))),
                (f"Menade du '{close[0]}'? " if close else "")
                + f"Etiketterna står i verktygets templates/locale/{language}.yaml.",
            )

"""Printed labels ("Tabell", "Innehållsförteckning" …) from the locale file.

The built-in ``templates/locale/sv.yaml`` holds every label; a package or report repository may
override single labels with its own ``templates/locale/sv.yaml``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from pathlib import Path

from ..errors import Findings, KommunrapportError, Location
from .yaml_lines import load_yaml_file


class Labels(dict[str, str]):
    """A mapping of label keys to text; a missing key is a clear error, not a silent blank."""

    def __missing__(self, key: str) -> str:
        raise KommunrapportError(
            f"etiketten {key!r} saknas i språkfilen",
            Location("templates/locale/sv.yaml"),
            f"Lägg till raden '{key}: …' i språkfilen.",
        )


def load_labels(template_dirs: list[Path], language: str = "sv") -> Labels:
    """Merge the locale files of all template folders; the most specific wins."""
    merged = Labels()
    for folder in reversed(template_dirs):
        path = folder / "locale" / f"{language}.yaml"
        if path.is_file():
            data = load_yaml_file(path, str(path)).data or {}
            merged.update({str(k): str(v) for k, v in data.items()})
    return merged


def check_label_files(
    template_dirs: list[Path],
    findings: Findings,
    display: Callable[[Path], str],
    language: str = "sv",
) -> None:
    """A key in a package's or repository's locale file that the toolkit has no label for is
    a typo (it would silently change nothing): warn with file and line."""
    *own, builtin = template_dirs
    known_path = builtin / "locale" / f"{language}.yaml"
    known = set((load_yaml_file(known_path, str(known_path)).data or {}).keys())
    for folder in own:
        path = folder / "locale" / f"{language}.yaml"
        if not path.is_file():
            continue
        shown = display(path)
        source = load_yaml_file(path, shown)
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

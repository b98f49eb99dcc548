"""Printed labels ("Tabell", "Innehållsförteckning" …) from the locale file.

The built-in ``templates/locale/sv.yaml`` holds every label; a package or report repository may
override single labels with its own ``templates/locale/sv.yaml``.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import KommunrapportError, Location
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

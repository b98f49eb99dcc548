"""Font lookups remembered between builds, so that a build need not import matplotlib.

Which file a font family resolves to (matplotlib's font manager) and the advance widths in a
font file (fontTools) are the same in every build on a machine, but importing matplotlib's font
manager costs a build about 0.35 s of CPU and fontTools another 0.06 s. Both answers are kept in
the user's cache folder (:mod:`user_cache`, kind ``fonter``) as small JSON files:

* a family's file, under a key of matplotlib's version and the state of matplotlib's own font
  list cache (the ``fontlist-v*.json`` it reads instead of scanning the fonts: matplotlib does
  not notice a newly installed font until that file is rebuilt, and neither do we), and used only
  while the file it names still exists;
* a font file's advance widths, under a key of the file's path, size and modification time and
  fontTools' version.

A missing, damaged or unreadable entry is computed again; caching never changes a result.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from ..project.tool_versions import installed_version
from ..project.user_cache import cache_dir, read_verified, write_verified

_VERSION = "1"
_KIND = "fonter"


def _matplotlib_font_lists() -> list[list[object]]:
    """Name, size and mtime of every font list matplotlib may read (its cache folder is
    ``$MPLCONFIGDIR``, else ``$XDG_CACHE_HOME/matplotlib`` or ``~/.cache/matplotlib``)."""
    folders = [os.environ.get("MPLCONFIGDIR", "")]
    folders.append(os.path.join(os.environ.get("XDG_CACHE_HOME", ""), "matplotlib"))
    folders.append(os.path.join(os.path.expanduser("~"), ".cache", "matplotlib"))
    found: list[list[object]] = []
    for folder in folders:
        try:
            names = sorted(os.listdir(folder)) if folder else []
        except OSError:
            continue
        for name in names:
            if name.startswith("fontlist-") and name.endswith(".json"):
                try:
                    info = os.stat(os.path.join(folder, name))
                except OSError:
                    continue
                found.append([folder, name, info.st_size, info.st_mtime_ns])
    return found


@cache
def _font_set() -> list[object]:
    return [
        installed_version("matplotlib"),
        os.environ.get("MPL_IGNORE_SYSTEM_FONTS", ""),
        _matplotlib_font_lists(),
    ]


def _remembered(
    name: str, key: list[object], compute: Callable[[], Any], valid: Callable[[Any], bool]
) -> Any:
    """``compute()``, or its earlier answer (JSON) kept under ``key``."""
    folder = cache_dir(_KIND)
    if folder is None:
        return compute()
    digest = hashlib.sha256(json.dumps([_VERSION, name, *key]).encode("utf-8")).hexdigest()
    path = folder / f"{name}-{digest[:32]}.json"
    payload = read_verified(path)
    if payload is not None:
        try:
            answer = json.loads(payload)
        except ValueError:
            answer = None
        else:
            if valid(answer):
                return answer["value"]
    value = compute()
    write_verified(path, json.dumps({"value": value}).encode("utf-8"))
    return value


def remembered_font_file(request: list[object], find: Callable[[], str | None]) -> str | None:
    """The font file ``find()`` resolves ``request`` (family, weight …) to, or None."""

    def valid(answer: Any) -> bool:
        value = answer.get("value") if isinstance(answer, dict) else None
        return value is None or (isinstance(value, str) and Path(value).is_file())

    return _remembered("fil", [*_font_set(), *request], find, valid)


def remembered_font_numbers(name: str, path: str, read: Callable[[], list[float]]) -> list[float]:
    """Numbers ``read()`` finds in the font file at ``path`` (such as its line metrics),
    remembered under the name of what is read and the file's path, size and mtime."""
    try:
        info = os.stat(path)
    except OSError:
        return read()
    key: list[object] = [installed_version("fonttools"), path, info.st_size, info.st_mtime_ns]

    def valid(answer: Any) -> bool:
        value = answer.get("value") if isinstance(answer, dict) else None
        return isinstance(value, list) and all(isinstance(v, float) for v in value)

    return [float(v) for v in _remembered(name, key, read, valid)]


def remembered_advances(path: str, read: Callable[[], dict[int, float]]) -> dict[int, float]:
    """The advance widths ``read()`` finds in the font file at ``path``."""
    try:
        info = os.stat(path)
    except OSError:
        return read()
    key: list[object] = [installed_version("fonttools"), path, info.st_size, info.st_mtime_ns]

    def as_json() -> dict[str, float]:
        return {str(code): advance for code, advance in read().items()}

    def valid(answer: Any) -> bool:
        return isinstance(answer, dict) and isinstance(answer.get("value"), dict)

    stored = _remembered("bredder", key, as_json, valid)
    return {int(code): float(advance) for code, advance in stored.items()}


def remembered_font_book(
    files: list[list[object]], read: Callable[[], dict[str, dict[str, str]]]
) -> dict[str, dict[str, str]]:
    """What ``read()`` finds in a set of font folders (Typst's family names, each family's
    regular file), remembered under Typst's version and ``files``: every file in the folders
    with its size and mtime, so any change is read again."""
    key: list[object] = [installed_version("typst"), files]

    def valid(answer: Any) -> bool:
        value = answer.get("value") if isinstance(answer, dict) else None
        if not isinstance(value, dict) or set(value) != {"families", "regular"}:
            return False
        regular = value["regular"]
        return isinstance(regular, dict) and all(Path(str(f)).is_file() for f in regular.values())

    book: dict[str, dict[str, str]] = _remembered("typst-typsnitt", key, read, valid)
    return book

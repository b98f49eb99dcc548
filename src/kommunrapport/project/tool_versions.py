"""Versions of installed libraries, read from their ``*.dist-info`` folder names.

Cheaper than ``importlib.metadata`` (whose import alone costs a no-change rebuild 0.04 s) and
than importing a library to read ``__version__`` (matplotlib: 0.3 s): a build asks for them on
every run, for its cache keys.
"""

from __future__ import annotations

import os
import re
import sys
from functools import cache

_DIST_INFO = re.compile(r"^(?P<name>.+?)-(?P<version>[^-]+)\.dist-info$")


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


@cache
def _installed() -> dict[str, str]:
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = sorted(os.listdir(entry or "."))
        except OSError:
            continue
        for name in names:
            match = _DIST_INFO.match(name)
            if match:  # the first on sys.path wins, as for imports
                found.setdefault(_normalized(match["name"]), match["version"])
    return found


def installed_version(distribution: str) -> str:
    """The installed version of a distribution (``pypandoc-binary``), or "-" if absent."""
    version = _installed().get(_normalized(distribution))
    if version is not None:
        return version
    from importlib import metadata  # an egg or other layout: ask the slow way

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "-"

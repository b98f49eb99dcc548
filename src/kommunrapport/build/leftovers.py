"""What a killed build leaves next to an output folder, and how the next build removes it.

Apart from :mod:`outputs` (which writes), so that an unchanged rebuild, which only tidies up
and compares hashes, need not import what writing needs (shutil, tempfile, ctypes).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

NEW_MARK = ".ny-"
OLD_MARK = ".gammal-"
LEGACY_STAGING = ".staging-"  # the name earlier versions used, in the output root


def _remove_tree(path: Path) -> None:
    import shutil  # only when there is something to remove

    shutil.rmtree(path, ignore_errors=True)


def remove_leftovers(destination: Path) -> None:
    """Remove what a killed build of this package left: staging and old folders next to the
    output folder (an old folder comes back if the output folder itself is missing), and
    staging folders of earlier versions in the output root."""
    with contextlib.suppress(OSError):
        for leftover in destination.parent.glob(f"{LEGACY_STAGING}*"):
            _remove_tree(leftover)
    folder = Path(os.path.realpath(destination))
    if not folder.parent.is_dir():
        return
    with contextlib.suppress(OSError):
        olds = sorted(folder.parent.glob(f".{folder.name}{OLD_MARK}*"))
        if olds and not folder.exists():
            os.rename(olds.pop(), folder)
        for leftover in [*olds, *folder.parent.glob(f".{folder.name}{NEW_MARK}*")]:
            _remove_tree(leftover)

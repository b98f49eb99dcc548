"""Content hashes of folders: a package's sources for the build cache, and the toolkit's own
code, which keys everything kept between builds that the code could change (the build cache,
compiled templates)."""

from __future__ import annotations

import hashlib
import os
import stat
from functools import cache
from pathlib import Path

SKIPPED_DIRS = {"__pycache__", ".git", ".ipynb_checkpoints"}


def _files_under(folder: Path) -> list[Path]:
    found: list[Path] = []
    for current, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        found.extend(Path(current) / name for name in sorted(names))
    return found


def hash_tree(digest: hashlib._Hash, label: str, folder: Path) -> None:
    digest.update(f"\0tree\0{label}\0".encode())
    for path in _files_under(folder):
        digest.update(f"\0file\0{path.relative_to(folder).as_posix()}\0".encode())
        digest.update(_content_digest(path))


def _content_digest(path: Path) -> bytes:
    """A file's content hash. A link is hashed by where it points (the file it points to is
    hashed where it lies, if the build may read it at all), and a FIFO or a device by its kind:
    neither is ever opened, so hashing cannot hang or read outside the package."""
    mode = os.lstat(path).st_mode
    if stat.S_ISLNK(mode):
        return hashlib.sha256(b"link\0" + os.fsencode(os.readlink(path))).digest()
    if not stat.S_ISREG(mode):
        return hashlib.sha256(f"special\0{stat.S_IFMT(mode)}".encode()).digest()
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.digest()


@cache
def toolkit_code_digest() -> str:
    """Every file of the installed ``kommunrapport`` package (its code, and its templates where
    they are installed inside it)."""
    digest = hashlib.sha256()
    hash_tree(digest, "code", Path(__file__).resolve().parents[1])
    return digest.hexdigest()

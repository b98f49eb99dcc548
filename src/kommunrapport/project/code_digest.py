"""Content hashes of folders: a package's sources for the build cache, and the toolkit's own
code, which keys everything kept between builds that the code could change (the build cache,
compiled templates)."""

from __future__ import annotations

import hashlib
import os
import stat
from functools import cache
from pathlib import Path

from .user_cache import cache_dir, read_verified, write_verified

SKIPPED_DIRS = {"__pycache__", ".git", ".ipynb_checkpoints"}


def _files_under(folder: Path) -> list[Path]:
    found: list[Path] = []
    for current, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        found.extend(Path(current) / name for name in sorted(names))
    return found


def hash_tree(
    digest: hashlib._Hash, label: str, folder: Path, files: list[Path] | None = None
) -> None:
    digest.update(f"\0tree\0{label}\0".encode())
    for path in _files_under(folder) if files is None else files:
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


def toolkit_tree_digest(label: str, folder: Path) -> bytes:
    """The content hash of one of the toolkit's own folders (its code, its templates), as
    :func:`hash_tree` gives it, remembered in the user cache under every file's name, size,
    modification time and inode: those change when the toolkit is updated or edited, so an
    unchanged rebuild need not read and hash some 3 MB again (~15 ms). Only for the toolkit's
    folders: a package's files are always hashed."""
    files = _files_under(folder)
    listing = hashlib.sha256(f"{label}\0{folder}".encode())
    for path in files:
        info = os.lstat(path)
        listing.update(f"\0{path}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ino}".encode())
    memo_dir = cache_dir("bygge")
    memo = memo_dir / f"verktyg-{listing.hexdigest()[:32]}" if memo_dir is not None else None
    known = read_verified(memo) if memo is not None else None
    if known is not None and len(known) == 32:
        return known
    digest = hashlib.sha256()
    hash_tree(digest, label, folder, files)
    if memo is not None:
        write_verified(memo, digest.digest())
    return digest.digest()


@cache
def toolkit_code_digest() -> str:
    """Every file of the installed ``kommunrapport`` package (its code, and its templates where
    they are installed inside it)."""
    return toolkit_tree_digest("code", Path(__file__).resolve().parents[1]).hex()

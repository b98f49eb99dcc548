"""The user's cache folder for work that can be reused between builds (charts, compiled templates).

``$KOMMUNRAPPORT_CACHE`` names the folder ("0" turns caching off); otherwise it is
``$XDG_CACHE_HOME/kommunrapport`` or ``~/.cache/kommunrapport``. Never inside the report
repository, so a cache can never change what git sees. A cache that cannot be read or written is
simply skipped: it only makes builds faster, never different.

Every edit of a section, and every new version of the toolkit, leaves entries no build will ask
for again, so the cache is pruned (:func:`prune`, at most once a day, after a build command): an
entry no build has used for :data:`MAX_AGE_DAYS` days goes, and then the least recently used
until the cache holds at most :data:`MAX_BYTES`. A read marks its entry as used (its
modification time). Only our own entries are removed: files in the folders of
:data:`KINDS` that begin with the cache's mark, never anything else in a folder
``KOMMUNRAPPORT_CACHE`` names.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from contextlib import suppress
from pathlib import Path

# Every kind of entry, by its folder: what is pruned (and nothing else).
KINDS = (
    "arbetsbocker",  # workbooks as read (data.book_snapshot)
    "bygge",  # the toolkit's code digest (project.code_digest)
    "diagram",  # charts (document.charts)
    "fonter",  # font files and widths (document.font_memo)
    "mallar",  # compiled templates (text.templating)
    "pandoc-ast",  # pandoc's readings (writers.pandoc)
    "pandoc-skrivning",  # pandoc's writings (writers.pandoc)
    "pdf",  # compiled PDFs (writers.pdf_cache)
    "sidnummer",  # TOC page numbers (writers.libreoffice_layout)
)
MAX_AGE_DAYS = 30
MAX_BYTES = 512 * 1024**2
PRUNE_EVERY = 24 * 3600  # seconds
_PRUNED_STAMP = ".rensad"


def cache_root() -> Path | None:
    """The cache's folder, or None when caching is turned off."""
    setting = os.environ.get("KOMMUNRAPPORT_CACHE")
    if setting == "0":
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kommunrapport"


def cache_dir(kind: str) -> Path | None:
    """The folder for one kind of cached work (one of :data:`KINDS`), or None when caching is
    turned off."""
    if kind not in KINDS:
        raise ValueError(f"unknown cache kind {kind!r}: add it to user_cache.KINDS")
    root = cache_root()
    return root / kind if root is not None else None


def file_digest(path: Path) -> bytes:
    """The SHA-256 of a file's bytes, for a cache key (a file that cannot be read has a key of
    its own, so it never matches one that could)."""
    try:
        return hashlib.sha256(path.read_bytes()).digest()
    except OSError:
        return b"unreadable"


def write_quietly(path: Path, data: bytes) -> None:
    """Store a cache file atomically; a cache that cannot be written is skipped."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(path.suffix + f".{os.getpid()}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError:
        pass


_MAGIC = b"KRCACHE1"


def write_verified(path: Path, data: bytes) -> None:
    """Store a cache entry with a SHA-256 of its content (see :func:`read_verified`)."""
    write_quietly(path, _MAGIC + hashlib.sha256(data).digest() + data)


def read_verified(path: Path) -> bytes | None:
    """A cache entry's content if it is there and its SHA-256 matches, else None: a damaged,
    cut-short or planted entry is never used."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = len(_MAGIC) + 32
    payload = data[head:]
    if not data.startswith(_MAGIC) or hashlib.sha256(payload).digest() != data[len(_MAGIC) : head]:
        return None
    with suppress(OSError):
        os.utime(path)  # used: kept by prune()
    return payload


def prune(now: float | None = None) -> int:
    """Remove the entries no build has used for :data:`MAX_AGE_DAYS` days, then the least
    recently used until the cache is at most :data:`MAX_BYTES`; at most once in
    :data:`PRUNE_EVERY` seconds. Returns how many files went. Never fails a build."""
    root = cache_root()
    if root is None or not root.is_dir():
        return 0
    now = time.time() if now is None else now
    stamp = root / _PRUNED_STAMP
    try:
        if now - stamp.stat().st_mtime < PRUNE_EVERY:
            return 0
    except OSError:
        pass
    entries = sorted(_entries(root))  # oldest use first
    size = sum(length for _used, length, _path in entries)
    removed = 0
    for used, length, path in entries:
        if used > now - MAX_AGE_DAYS * 86400 and size <= MAX_BYTES:
            break
        if not _is_ours(path):
            continue
        try:
            path.unlink()
        except OSError:
            continue
        size -= length
        removed += 1
    if removed:
        _remove_empty_folders(root)
    write_quietly(stamp, b"")
    with suppress(OSError):
        os.utime(stamp, (now, now))
    return removed


def _entries(root: Path) -> list[tuple[float, int, Path]]:
    """(last use, size, path) of every file in the folders of :data:`KINDS` and the folders
    below them (compiled templates are kept per version of the toolkit), links not followed."""
    found = []
    for kind in KINDS:
        for folder, _dirs, names in os.walk(root / kind):
            for name in names:
                path = Path(folder) / name
                try:
                    info = path.lstat()
                except OSError:
                    continue
                if stat.S_ISREG(info.st_mode):  # its size on disk, in whole blocks
                    size = getattr(info, "st_blocks", 0) * 512 or info.st_size
                    found.append((info.st_mtime, size, path))
    return found


def _remove_empty_folders(root: Path) -> None:
    """The folders below a kind's folder that pruning left empty (a toolkit version's templates)."""
    for kind in KINDS:
        for folder, _dirs, _names in os.walk(root / kind, topdown=False):
            if Path(folder) != root / kind:
                with suppress(OSError):
                    os.rmdir(folder)  # only an empty folder goes


def _is_ours(path: Path) -> bool:
    """Written by this module (its mark first): only such a file is ever removed."""
    try:
        with path.open("rb") as file:
            return file.read(len(_MAGIC)) == _MAGIC
    except OSError:
        return False

"""The user's cache folder for work that can be reused between builds (charts, compiled templates).

``$KOMMUNRAPPORT_CACHE`` names the folder ("0" turns caching off); otherwise it is
``$XDG_CACHE_HOME/kommunrapport`` or ``~/.cache/kommunrapport``. Never inside the report
repository, so a cache can never change what git sees. A cache that cannot be read or written is
simply skipped: it only makes builds faster, never different.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def cache_dir(kind: str) -> Path | None:
    """The folder for one kind of cached work, or None when caching is turned off."""
    setting = os.environ.get("KOMMUNRAPPORT_CACHE")
    if setting == "0":
        return None
    if setting:
        return Path(setting) / kind
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kommunrapport" / kind


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
    return payload

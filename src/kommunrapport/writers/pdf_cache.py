"""Compiled PDFs kept between builds.

Typst reads nothing but the folder a compile fills (the template, the document's facts and
body, its images and charts) and the font folders of :mod:`pdf_fonts` (no system fonts), and
writes the same bytes for the same files: the dates come from the build's timestamp. So a
compile's PDF and its warnings are kept in the user's cache under a hash of exactly that: the
name and bytes of every file the folder gets, the name and bytes of every font file, the PDF
standards and the timestamp, the typst package's version and the toolkit's code. A document
whose sources did not change is not compiled again (in a build with ``--force``, or when
another document of the package changed): an edit compiles only the documents it touches.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path

from ..project.code_digest import toolkit_code_digest
from ..project.tool_versions import installed_version
from ..project.user_cache import cache_dir, file_digest, read_verified, write_verified
from .pdf_fonts import font_files

KIND = "pdf"


def pdf_entry(
    files: Mapping[str, bytes], font_dirs: Sequence[Path], standards: Sequence[str], timestamp: int
) -> Path | None:
    """Where the PDF compiled from ``files`` (name → bytes, as the compile folder gets them)
    is kept; None when caching is off."""
    folder = cache_dir(KIND)
    if folder is None:
        return None
    key = hashlib.sha256(b"typst-pdf-1\0")
    for part in (installed_version("typst"), toolkit_code_digest(), *standards, str(timestamp)):
        key.update(part.encode("utf-8") + b"\0")
    key.update(_fonts_digest(tuple(font_dirs)))
    for name in sorted(files):
        key.update(name.encode("utf-8") + b"\0" + hashlib.sha256(files[name]).digest())
    return folder / f"{key.hexdigest()[:40]}.pdf"


def cached_pdf(entry: Path | None) -> tuple[bytes, list[str]] | None:
    """(PDF, Typst's warnings) kept at ``entry``, if it is there and whole."""
    stored = read_verified(entry) if entry is not None else None
    if stored is None or len(stored) < 4:
        return None
    length = int.from_bytes(stored[:4], "big")
    try:
        notes = json.loads(stored[4 : 4 + length])
    except ValueError:
        return None
    return stored[4 + length :], [str(note) for note in notes]


def keep_pdf(entry: Path | None, pdf: bytes, notes: list[str]) -> None:
    if entry is not None:
        header = json.dumps(notes, ensure_ascii=False).encode("utf-8")
        write_verified(entry, len(header).to_bytes(4, "big") + header + pdf)


def _fonts_digest(dirs: tuple[Path, ...]) -> bytes:
    """The name and bytes of every font file, read once per process for the files as they
    are (their path, size and modification time)."""
    return _digest_of(tuple(tuple(file) for file in font_files(dirs)), dirs)


@cache
def _digest_of(listing: tuple[tuple[object, ...], ...], dirs: tuple[Path, ...]) -> bytes:
    digest = hashlib.sha256()
    for path, _size, _mtime in listing:
        assert isinstance(path, str)
        index, folder = next((i, d) for i, d in enumerate(dirs) if Path(path).is_relative_to(d))
        digest.update(f"{index}\0{os.path.relpath(path, folder)}\0".encode())
        digest.update(file_digest(Path(path)))
    return digest.digest()

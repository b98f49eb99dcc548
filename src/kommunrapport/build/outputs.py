"""A package's documents in memory, and how their files replace the old ones: all at once.

The set of a package's outputs changes as one. Every new file (and the build cache record) is
written to a staging folder next to ``output/<paket>/``, on the same file system (next to the
folder's real location, if ``output/<paket>`` is a link), together with hard links to the files
the build keeps (other formats). Then the staging folder and the output folder swap places: with
one ``renameat2(RENAME_EXCHANGE)`` on Linux, atomically, elsewhere with two renames (a reader
may then briefly find no folder, never a mixed one). The old folder is removed afterwards.

Before anything is written, every file in the output folder is checked: one that cannot be
replaced (open in Word on Windows, immutable or append-only on Linux) stops the build with a
message that names it, and nothing changes. Staging and old folders that a killed build left
behind are removed by the next build of the package.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import KommunrapportError, Location
from .leftovers import NEW_MARK, OLD_MARK, remove_leftovers

_FS_IOC_GETFLAGS = 0x80086601
_LOCKING_FLAGS = 0x10 | 0x20  # FS_IMMUTABLE_FL, FS_APPEND_FL
_PROGRAMS = {".docx": "Word", ".pdf": "PDF-läsaren"}


@dataclass
class DocumentResult:
    doc_id: str
    title: str
    files: dict[str, bytes] = field(default_factory=dict)  # format → content


def output_name(doc_id: str, key: str) -> str:
    """File name of one output: ``docx`` → ``<doc-id>.docx``, ``pdf-arkiv`` →
    ``<doc-id>-arkiv.pdf``."""
    fmt, _, variant = key.partition("-")
    return f"{doc_id}-{variant}.{fmt}" if variant else f"{doc_id}.{fmt}"


def write_outputs(
    results: list[DocumentResult],
    destination: Path,
    formats: tuple[str, ...],
    extra: dict[str, bytes] | None = None,
) -> list[Path]:
    """Put the results' files in ``destination`` in one switch: outputs of vanished documents
    (in the built ``formats``) go, other files stay. ``extra`` files (the build cache record)
    switch with them. Returns the written outputs."""
    new_files = {
        output_name(result.doc_id, fmt): content
        for result in results
        for fmt, content in result.files.items()
    }
    folder = _real_folder(destination)
    with _switch_lock(folder.parent):
        remove_leftovers(destination)
        old_names = _existing(folder)
        for name in old_names:
            _check_replaceable(folder / name, destination / name)
        kept = [
            name
            for name in old_names
            if name not in new_files
            and name not in (extra or {})
            and not (Path(name).suffix.lstrip(".") in formats and "/" not in name)
        ]
        staging = _stage(folder, new_files, extra or {}, kept)
        try:
            _swap(staging, folder, destination)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return [destination / name for name in new_files]


def _real_folder(destination: Path) -> Path:
    """Where the output folder really is (a link is followed), checked to be usable."""
    if destination.exists() and not destination.is_dir():
        raise _not_a_folder(destination)
    parent = destination.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise _not_a_folder(_first_file(parent)) from None
    except OSError as error:
        raise _cannot_write(parent, error) from None
    if destination.is_symlink() and not destination.exists():
        raise KommunrapportError(
            f"{destination} är en länk till en mapp som inte finns",
            Location(str(destination)),
            "Ta bort länken eller skapa mappen den pekar på.",
        )
    return Path(os.path.realpath(destination))


def _first_file(path: Path) -> Path:
    for candidate in [path, *path.parents]:
        if candidate.exists() and not candidate.is_dir():
            return candidate
    return path


def _not_a_folder(path: Path) -> KommunrapportError:
    return KommunrapportError(
        f"{path} är en fil, inte en mapp",
        Location(str(path)),
        "Flytta eller ta bort filen, eller ange en annan utdatamapp med --output.",
    )


def _cannot_write(path: Path, error: OSError) -> KommunrapportError:
    return KommunrapportError(
        f"kan inte skriva i {path}: {error.strerror or error}",
        Location(str(path)),
        "Kontrollera att mappen finns och att du får skriva i den, eller ange en annan "
        "utdatamapp med --output.",
    )


def _existing(folder: Path) -> list[str]:
    """Every file under the output folder, as a path relative to it."""
    if not folder.is_dir():
        return []
    found: list[str] = []
    for current, _dirs, names in os.walk(folder):
        for name in names:
            found.append(Path(current, name).relative_to(folder).as_posix())
    return sorted(found)


def _locked(path: Path) -> bool:
    """Whether ``path`` cannot be replaced or removed: open with a lock (Windows), read-only
    (Windows), or immutable or append-only (Linux)."""
    if sys.platform == "win32":
        try:
            os.close(os.open(path, os.O_RDWR))
        except PermissionError:
            return True
        except OSError:
            return False
        return False
    try:
        import array
        import fcntl

        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except (ImportError, OSError):
        return False
    try:
        flags = array.array("i", [0])
        fcntl.ioctl(descriptor, _FS_IOC_GETFLAGS, flags, True)
        return bool(flags[0] & _LOCKING_FLAGS)
    except OSError:
        return False  # a file system without such flags
    finally:
        os.close(descriptor)


def _check_replaceable(real: Path, shown: Path) -> None:
    if _locked(real):
        program = _PROGRAMS.get(real.suffix.lower(), "programmet som har den öppen")
        raise KommunrapportError(
            f"{shown.name} är låst eller skrivskyddad och kan inte ersättas; inget har ändrats",
            Location(str(shown)),
            f"Stäng {shown.name} i {program} och bygg igen (eller ta bort skrivskyddet).",
        )


def _stage(folder: Path, new: dict[str, bytes], extra: dict[str, bytes], kept: list[str]) -> Path:
    """The complete new folder, next to the old one (same file system)."""
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}{NEW_MARK}", dir=folder.parent))
    except OSError as error:
        raise _cannot_write(folder.parent, error) from None
    try:
        for name, content in {**new, **extra}.items():
            _write(staging / name, content)
        for name in kept:
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(folder / name, target)
            except OSError:
                shutil.copy2(folder / name, target)
        os.chmod(staging, 0o755)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise _cannot_write(folder.parent, error) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as stream:
        stream.write(content)
        stream.flush()
        os.fsync(stream.fileno())
    os.chmod(path, 0o644)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically (Linux renameat2); False where the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes  # only where a build switches folders (not in an unchanged rebuild)

        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    at_cwd, exchange = -100, 2
    if function(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def _swap(staging: Path, folder: Path, shown: Path) -> None:
    """Make ``staging`` the output folder; afterwards ``staging`` holds the old one (or
    nothing)."""
    try:
        if not folder.exists():
            os.rename(staging, folder)
            return
        if _exchange(staging, folder):
            return
        old = Path(tempfile.mkdtemp(prefix=f".{folder.name}{OLD_MARK}", dir=folder.parent))
        os.rmdir(old)
        os.rename(folder, old)
        try:
            os.rename(staging, folder)
        except OSError:
            os.rename(old, folder)  # back as it was
            raise
        os.rename(old, staging)  # removed with the staging folder
    except OSError as error:
        if error.errno in (errno.EBUSY, errno.EXDEV):
            raise KommunrapportError(
                f"{shown} kan inte bytas ut (den är en monteringspunkt)",
                Location(str(shown)),
                "Ange mappen ovanför som utdatamapp med --output.",
            ) from None
        raise _cannot_write(shown, error) from None


@contextlib.contextmanager
def _switch_lock(parent: Path) -> Iterator[None]:
    """One switch at a time in an output folder's parent (two builds of the same package at
    once must not take each other's staging folder for a leftover)."""
    try:
        import fcntl
    except ImportError:  # not on POSIX: no lock
        yield
        return
    try:
        descriptor = os.open(parent, os.O_RDONLY)
    except OSError:
        yield
        return
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)

"""The one place that opens a package's files.

Everything a build reads (sections, snippets, templates, structures, report.yaml and the other
YAML files, workbooks, images, comment files, the locale file, stylesheets, the reference
document) comes through :class:`SourceFiles`. It resolves the real path, following every
symlink, and refuses with a located error anything that lands outside the folders a package may
read: its own folder, the report repository's ``templates/`` and the toolkit's own templates.
Only regular files are read (never a FIFO or a device), each up to a size limit, and text must
be UTF-8 without control characters.

A path is shown to the user as it was written (relative to the report repository), never as the
target of a link: the message says which file of the package is wrong, not what it points at.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import KommunrapportError, Location

MAX_TEXT_BYTES = 8 * 1024 * 1024  # a section, a YAML file, a template, a stylesheet
MAX_BINARY_BYTES = 64 * 1024 * 1024  # a workbook, an image, a reference document
MEBIBYTE = 1024 * 1024
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffe\uffff]")
_LINK_HINT = (
    "Ett paket får bara läsa sina egna filer, rapportförrådets templates/ och verktygets mallar. "
    "Kopiera filen in i paketet i stället för att länka till den."
)


_LAST_READ: dict[str, str] = {}  # package folder → the last file read for it (for "internt fel")


def last_read(package_dir: Path) -> str | None:
    """The last file read for a package: where an unexpected error most likely came from."""
    return _LAST_READ.get(os.path.realpath(package_dir))


def real_path(path: Path) -> Path:
    """``path`` with every symlink and ``..`` resolved (the path need not exist)."""
    return Path(os.path.realpath(path))


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


@dataclass(frozen=True)
class SourceFiles:
    """The folders a package may read, and the one way to read from them."""

    package_dir: Path  # the package folder as given (its real path is in ``allowed``)
    root: Path  # the report repository: paths are shown relative to it
    allowed: tuple[Path, ...]  # real paths of the folders that may be read

    @classmethod
    def for_package(cls, package_dir: Path, root: Path, extra: Iterable[Path] = ()) -> SourceFiles:
        """The package's own folder plus ``extra`` folders (real paths of template folders)."""
        allowed = [real_path(package_dir), *(real_path(p) for p in extra)]
        return cls(package_dir, root, tuple(dict.fromkeys(allowed)))

    def display(self, path: Path) -> str:
        """``path`` relative to the report repository, without following links."""
        absolute = Path(os.path.normpath(os.path.abspath(path)))
        root = Path(os.path.normpath(os.path.abspath(self.root)))
        if _inside(absolute, root):
            return absolute.relative_to(root).as_posix()
        return str(path)

    def may_read(self, path: Path) -> bool:
        real = real_path(path)
        return any(_inside(real, folder) for folder in self.allowed)

    def check(self, path: Path, location: Location | None = None) -> Path:
        """The real path of ``path``; a located error if it leads outside the allowed folders."""
        real = real_path(path)
        if not any(_inside(real, folder) for folder in self.allowed):
            shown = self.display(path)
            raise KommunrapportError(
                f"{shown} pekar utanför paketets mapp",
                location if location and location.file else Location(shown),
                _LINK_HINT,
            )
        return real

    def exists(self, path: Path, location: Location | None = None) -> bool:
        """Whether ``path`` is a file that may be read. A link that leads outside, or a path
        that is not a regular file (a folder, a FIFO, a device), is an error, not a miss."""
        if not os.path.lexists(path):
            return False
        real = self.check(path, location)
        try:
            mode = os.stat(real).st_mode
        except OSError:
            return False  # a dangling link: the file is missing
        if stat.S_ISDIR(mode):
            return False
        if not stat.S_ISREG(mode):
            shown = self.display(path)
            raise KommunrapportError(
                f"{shown} är ingen vanlig fil",
                location if location and location.file else Location(shown),
                "Ersätt den med en vanlig fil.",
            )
        return True

    def read_bytes(
        self, path: Path, location: Location | None = None, limit: int = MAX_BINARY_BYTES
    ) -> bytes:
        """The file's bytes, after every check; a missing file is a located error too."""
        shown = self.display(path)
        where = location if location and location.file else Location(shown)
        if not self.exists(path, location):
            raise KommunrapportError(
                f"filen {shown} finns inte", where, "Skapa filen eller rätta sökvägen."
            )
        real = real_path(path)
        _LAST_READ[os.path.realpath(self.package_dir)] = shown
        try:
            with open(real, "rb") as stream:
                size = os.fstat(stream.fileno()).st_size
                if size > limit:
                    raise _too_large(shown, size, limit, where)
                data = stream.read(limit + 1)
        except OSError as error:
            raise KommunrapportError(
                f"filen {shown} kan inte läsas: {error.strerror or error}",
                where,
                "Kontrollera att filen finns och går att läsa.",
            ) from None
        if len(data) > limit:
            raise _too_large(shown, len(data), limit, where)
        return data

    def read_text(
        self, path: Path, location: Location | None = None, limit: int = MAX_TEXT_BYTES
    ) -> str:
        """The file as UTF-8 text (a leading byte-order mark dropped), without control
        characters."""
        data = self.read_bytes(path, location, limit)
        return decode_text(data, self.display(path))


def find_control_character(text: str) -> int | None:
    """The index of the first control character (other than tab and line breaks), if any."""
    found = _CONTROL.search(text)
    return found.start() if found else None


def decode_text(data: bytes, shown: str) -> str:
    """Bytes of a text file as ``str``; not UTF-8 or a control character is a located error."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise KommunrapportError(
            "filen är inte sparad som UTF-8",
            Location(shown, line=line),
            "Spara om filen med teckenkodningen UTF-8 (i de flesta program: Spara som → UTF-8).",
        ) from None
    text = text.removeprefix("\ufeff")
    found = _CONTROL.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        raise KommunrapportError(
            f"otillåtet tecken U+{ord(found.group()):04X} (ett styrtecken) i texten",
            Location(shown, line=line),
            "Ta bort tecknet; det syns inte i de flesta redigerare men följer ofta med när text "
            "klistras in.",
        )
    return text


def _too_large(shown: str, size: int, limit: int, where: Location) -> KommunrapportError:
    return KommunrapportError(
        f"filen {shown} är för stor ({size / MEBIBYTE:.1f} MB; högst {limit // MEBIBYTE} MB)",
        where,
        "Dela upp filen, eller ta bort det som inte hör till rapporten.",
    )


@dataclass(frozen=True)
class TemplateFolders:
    """The template folders of a package, most specific first, read through its files."""

    folders: tuple[Path, ...]
    files: SourceFiles

    @classmethod
    def of(cls, folders: Iterable[Path]) -> TemplateFolders:
        """Template folders on their own (the toolkit's, in tests): exactly they may be read."""
        real = tuple(real_path(f) for f in folders)
        return cls(real, SourceFiles(real[0], real[0], real))

    def find(self, name: str, location: Location | None = None) -> Path | None:
        """The first ``folder/name`` that exists; a link out of the folders is an error."""
        for folder in self.folders:
            candidate = folder / name
            if self.files.exists(candidate, location):
                return candidate
        return None

    def read_text(self, name: str, location: Location | None = None) -> str | None:
        path = self.find(name, location)
        return None if path is None else self.files.read_text(path, location)


def read_own_text(path: Path, shown: str, limit: int = MAX_TEXT_BYTES) -> str:
    """A text file the user named directly or the toolkit ships (not a package's): the same
    checks on kind, size and encoding, but no folder it must lie in."""
    where = Location(shown)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise KommunrapportError(
            "filen finns inte", where, "Skapa filen eller rätta sökvägen."
        ) from None
    except OSError as error:
        raise KommunrapportError(
            f"filen kan inte läsas: {error.strerror or error}", where, "Kontrollera sökvägen."
        ) from None
    if not stat.S_ISREG(mode):
        raise KommunrapportError("är ingen vanlig fil", where, "Ange en vanlig fil.")
    with open(path, "rb") as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise _too_large(shown, len(data), limit, where)
    return decode_text(data, shown)


MAX_IMAGE_PIXELS = 50_000_000  # a 48-megapixel photo fits; a decompression bomb does not
_RASTER = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp"}


def check_image(path: Path, shown: str, location: Location | None = None) -> None:
    """An image the outputs embed: not larger than ``MAX_BINARY_BYTES``, and a raster image
    not more than ``MAX_IMAGE_PIXELS`` pixels (read from its header, nothing is decoded)."""
    where = location if location and location.file else Location(shown)
    size = os.stat(path).st_size
    if size > MAX_BINARY_BYTES:
        raise _too_large(shown, size, MAX_BINARY_BYTES, where)
    if path.suffix.lower() not in _RASTER:
        return
    from PIL import Image

    try:
        with Image.open(path) as image:
            width, height = image.size
    except Image.DecompressionBombError:
        width, height = 0, 0  # far more pixels than Pillow will open
    except Exception:  # Pillow raises many kinds for a file that is not an image
        raise KommunrapportError(
            f"bilden {shown} kan inte läsas som en bild",
            where,
            "Spara bilden på nytt som PNG eller JPEG.",
        ) from None
    if width * height > MAX_IMAGE_PIXELS or width == 0:
        dimensions = f"{width} × {height} bildpunkter" if width else "för många bildpunkter"
        raise KommunrapportError(
            f"bilden {shown} är för stor ({dimensions}; högst "
            f"{MAX_IMAGE_PIXELS // 1_000_000} miljoner)",
            where,
            "Minska bilden i ett bildprogram; för en rapport räcker omkring 2000 bildpunkter "
            "i bredd.",
        )


MAX_ZIP_UNPACKED = 128 * 1024 * 1024


def check_zip(path: Path, shown: str) -> None:
    """A zip file (a DOCX) that does not unpack to more than ``MAX_ZIP_UNPACKED`` bytes: its
    directory is read, nothing is unpacked to find out."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(member.file_size for member in archive.infolist())
    except (OSError, zipfile.BadZipFile, ValueError) as error:
        raise KommunrapportError(
            f"filen {shown} kan inte läsas som ett Word-dokument (.docx): {error}",
            Location(shown),
            "Spara filen på nytt i Word som .docx.",
        ) from None
    if total > MAX_ZIP_UNPACKED:
        raise KommunrapportError(
            f"filen {shown} packas upp till för mycket data ({total // 1_000_000} MB)",
            Location(shown),
            "Spara ett referensdokument utan stora bilder och inbäddade filer.",
        )

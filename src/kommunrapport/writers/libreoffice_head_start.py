"""LibreOffice started as a build begins, before the build knows it will need it.

A build learns that a DOCX needs laying out (``libreoffice_layout``) only when the DOCX is
written: in a first build of Kalmar that is 2.7 s after the command started, and LibreOffice,
started then, took another 4 s (its start on a new profile is about 2 s of wall and 1.5 s of
CPU, most of it before the first document can be handed over). Started when the command
begins instead, it starts while the build reads workbooks and draws charts.

It is started only when the build will probably need it: the formats include DOCX, and the
last build of the same sources did not leave every page layout in the cache. That is known
from a record in the cache under the digest of the sources (``build.cache.source_key_for``
with the DOCX format alone: the toolkit's code and versions, the package's files and its
templates), written when a build ends with every DOCX's page numbers cached (or with no DOCX
that has a table of contents). A warm build of unchanged sources therefore never starts
LibreOffice; a first build, or one after an edit, starts it at once. A wrong guess costs time,
never bytes: the pages are the same whoever started LibreOffice.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path

from ..project.user_cache import cache_dir, read_verified, write_verified
from .libreoffice_ahead import OfficeAhead, profile_of, soffice

RECORD_KIND = "sidnummer"  # the records live beside the page layouts they speak of


class HeadStart:
    """One LibreOffice started ahead for one package's build. The build's page layouts
    ``take`` it; whoever has it last closes it (``close`` does nothing once it is taken)."""

    def __init__(self, digest: str, folder: Path, office: OfficeAhead) -> None:
        self.digest = digest
        self._folder: Path | None = folder
        self._office: OfficeAhead | None = office
        self._lock = threading.Lock()

    @classmethod
    def begin(cls, digest: str) -> HeadStart | None:
        """Start LibreOffice unless it is missing or the sources' layouts are all cached."""
        program = soffice()
        if program is None or layouts_cached(digest):
            return None
        folder = Path(tempfile.mkdtemp(prefix="kommunrapport-sidor-"))
        office = OfficeAhead.start(program, profile_of(folder))
        if office is None:
            shutil.rmtree(folder, ignore_errors=True)
            return None
        office.watch()
        return cls(digest, folder, office)

    def take(self) -> tuple[Path, OfficeAhead] | None:
        """The scratch folder and the running LibreOffice, handed over once."""
        with self._lock:
            if self._folder is None or self._office is None:
                return None
            taken = self._folder, self._office
            self._folder = self._office = None
            return taken

    def record_all_cached(self) -> None:
        """Remember that a build of these sources needs no LibreOffice."""
        record_layouts_cached(self.digest)

    def close(self) -> None:
        """Stop LibreOffice and remove the scratch folder, unless they were taken."""
        taken = self.take()
        if taken is not None:
            folder, office = taken
            office.stop(0)
            shutil.rmtree(folder, ignore_errors=True)


def _record_file(digest: str) -> Path | None:
    folder = cache_dir(RECORD_KIND)
    return None if folder is None else folder / f"alla-{digest}.json"


def layouts_cached(digest: str) -> bool:
    record = _record_file(digest)
    return record is not None and read_verified(record) is not None


def record_layouts_cached(digest: str) -> None:
    record = _record_file(digest)
    if record is not None and read_verified(record) is None:
        write_verified(record, b"{}")

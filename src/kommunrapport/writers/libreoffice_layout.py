"""The page of every heading in a DOCX, from LibreOffice's layout of it.

The DOCX's table of contents is a TOC field whose stored result is what a reader sees until
the field is updated (Word asks, Word Online and Protected View never do, LibreOffice shows
it as stored). To have the right page numbers in it, the finished document is laid out once
by LibreOffice (headless, a private profile in a temporary folder) into a PDF, whose outline
lists every heading with its page. The result is cached by the document's bytes, so an
unchanged document is not laid out again. Without LibreOffice, there are no page numbers and
the writer asks Word to update the field when the file is opened.

Starting LibreOffice costs more than laying out a document (about 1.3 s of CPU against 0.3–0.5 s
for one of the examples' documents), so a build lays out all its documents with one LibreOffice
(:class:`PageLayouts`): started ahead, by the build command as it begins
(``libreoffice_head_start``) or else as soon as a first document needs it, it lays out each
document when it is written while the build goes on (``libreoffice_ahead``); where that cannot
be done, one ``soffice --convert-to`` lays them all out once the last one is written.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import tempfile
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path

from ..project.user_cache import cache_dir, read_verified, write_verified
from .libreoffice_ahead import OfficeAhead, profile_of, soffice
from .libreoffice_head_start import HeadStart

TIMEOUT_SECONDS = 300
# LibreOffice takes about ten seconds a megabyte of document.xml (a table of 20,000 rows, 12 MB:
# more than 100 s). A larger document (the examples' largest has 0.55 MB) is not laid out: its
# table of contents gets its page numbers when Word updates the field, as without LibreOffice.
MAX_LAYOUT_BYTES = 2 * 1024 * 1024
POLL_SECONDS = 0.05  # how often a starting LibreOffice is looked at

Pages = list[tuple[str, int]]


def heading_pages(docx: bytes, key: str | None = None) -> Pages | None:
    """(heading text, page number) of every heading in document order; None when LibreOffice
    is not installed or could not lay the document out. ``key``: see :meth:`PageLayouts.add`."""
    layouts = PageLayouts(1)
    try:
        layouts.add("dokument", lambda: docx, key or hashlib.sha256(docx).hexdigest())
        return layouts.pages("dokument")
    finally:
        layouts.close()


class PageLayouts:
    """The heading pages of the ``expected`` documents of one build, from one LibreOffice.

    ``add`` (from any thread) hands over each document as soon as it is written; LibreOffice
    works in a thread of its own while the build goes on; ``pages`` waits for one document's
    layout (ask ``in_order``: each is answered while the next is laid out); ``close`` stops
    it and removes the scratch folder. A document that is cached, too large, or added
    without LibreOffice installed is answered at once; one that fails to lay out gets no page
    numbers (Word fills them in). With a ``head_start``, the LibreOffice the build command
    started ahead is used (``libreoffice_head_start``), and told at ``close`` whether every
    layout is in the cache now."""

    def __init__(self, expected: int, head_start: HeadStart | None = None) -> None:
        self._expected = expected
        self._wanted = expected
        self._unsettled = 0  # documents LibreOffice failed to lay out (not cached)
        self._changed = threading.Condition()
        self._program = soffice()
        self._waiting: dict[str, tuple[str, bytes]] = {}  # name → (key, document)
        self._order: list[str] = []  # the documents handed over, in that order
        self._working = False  # the worker thread has not ended
        self._converting = False  # LibreOffice is laying out a batch of documents
        self._pages: dict[str, Pages | None] = {}
        self._folder: Path | None = None
        self._batches = 0
        self._office: OfficeAhead | None = None
        self._worker: threading.Thread | None = None
        self._head_start = head_start
        taken = head_start.take() if head_start is not None and self._program else None
        if taken is not None:  # LibreOffice is starting already
            self._folder, self._office = taken

    def add(self, name: str, docx: Callable[[], bytes], key: str) -> None:
        """Hand over a document. ``key`` names everything the file is made from (the same key,
        the same bytes): its layout is cached under it, so a document laid out before is
        answered without ``docx`` being called (making the file costs a python-docx pass)."""
        known, pages, document = self._known(docx, key)
        with self._changed:
            self._order.append(name)
            if known:
                self._pages[name] = pages
            else:
                assert document is not None
                self._waiting[name] = (key, document)
                more = 0 <= self._arrived < self._expected
                if self._office is None and more and self._program is not None:
                    self._office = OfficeAhead.start(self._program, self._profile())
                if self._office is not None and self._worker is None:
                    self._start_worker()
            if self._complete() and self._waiting and self._worker is None:
                self._start_worker()
            self._changed.notify_all()

    def answered(self, name: str) -> tuple[bool, Pages | None]:
        """(True, pages) when a document's pages are known already (its layout was cached,
        or it needs none), without waiting; else (False, None)."""
        with self._changed:
            if name in self._pages:
                return True, self._pages[name]
        return False, None

    def pages(self, name: str) -> Pages | None:
        """The pages of a document, as soon as LibreOffice has laid it out (it may still be
        laying out the next ones). No document is added after this: those still expected
        will not come (the build stopped short of them)."""
        with self._changed:
            self._expected = min(self._expected, self._arrived)
            if self._waiting and self._worker is None:
                self._start_worker()
            self._changed.notify_all()
            while name not in self._pages and self._working:
                self._changed.wait()
            return self._pages.get(name)

    def in_order(self, names: list[str]) -> list[str]:
        """``names`` in the order to ask for their ``pages``: those never handed over first,
        then the others in the order LibreOffice lays them out (each is answered while it
        lays out the next)."""
        with self._changed:
            rank = {name: position for position, name in enumerate(self._order)}
        return sorted(names, key=lambda name: rank.get(name, -1))

    def close(self) -> None:
        """Stop LibreOffice (at once if a failed build left it working) and remove the scratch
        folder."""
        with self._changed:
            self._expected = -1  # nothing starts after this
            self._changed.notify_all()
            worker, office = self._worker, self._office
            # a build that stopped short: LibreOffice is at work, or would have been
            unfinished = self._converting or bool(self._waiting) or self._arrived < self._wanted
        if worker is not None and worker.is_alive():
            if office is not None and unfinished:
                office.stop(0)
            worker.join()  # bounded by TIMEOUT_SECONDS; else it ends as it sees nothing left
        if office is not None:
            office.stop()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
        if self._head_start is not None:
            if self._arrived == self._wanted and not self._waiting and not self._unsettled:
                self._head_start.record_all_cached()  # the next build of these sources
            self._head_start.close()
            self._head_start = None

    @property
    def _arrived(self) -> int:
        """How many documents have been handed over."""
        return len(self._order)

    def _complete(self) -> bool:
        return self._expected < 0 or self._arrived >= self._expected

    def _start_worker(self) -> None:
        self._working = True
        self._worker = threading.Thread(target=self._work, daemon=True)
        self._worker.start()

    def _known(
        self, docx: Callable[[], bytes], key: str
    ) -> tuple[bool, Pages | None, bytes | None]:
        """(True, pages, _) when no layout is needed: no LibreOffice, cached, or too large;
        else (False, None, the document)."""
        if self._program is None:
            return True, None, None
        cached = _cache_file(key)
        stored = read_verified(cached) if cached is not None else None
        if stored is not None:
            try:
                data = json.loads(stored)
                return True, [(str(title), int(page)) for title, page in data], None
            except (ValueError, TypeError):
                pass
        document = docx()
        if _document_size(document) > MAX_LAYOUT_BYTES:
            return True, None, None
        return False, None, document

    def _scratch(self) -> Path:
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="kommunrapport-sidor-"))
        return self._folder

    def _profile(self) -> str:
        return profile_of(self._scratch())

    def _next_batch(self) -> dict[str, tuple[str, bytes]]:
        """The documents to lay out next: each as soon as it comes while LibreOffice runs
        ahead, else all together once the last one has come; empty when all are done."""
        with self._changed:
            while True:
                if self._expected < 0 or (self._complete() and not self._waiting):
                    return {}
                ready = self._office.ready() if self._office is not None else False
                if self._waiting and (ready or (ready is False and self._complete())):
                    batch = dict(self._waiting)
                    self._waiting.clear()
                    self._converting = True
                    return batch
                self._changed.wait(POLL_SECONDS if ready is None else None)

    def _work(self) -> None:
        try:
            while batch := self._next_batch():
                try:
                    results = self._convert([docx for _key, docx in batch.values()])
                except Exception:  # never break the build: Word fills the page numbers in
                    results = [None] * len(batch)
                for (name, (key, _docx)), pages in zip(batch.items(), results, strict=True):
                    cached = _cache_file(key)
                    if pages is not None and cached is not None:
                        write_verified(cached, json.dumps(pages, ensure_ascii=False).encode())
                    with self._changed:
                        self._pages[name] = pages
                        if pages is None or cached is None:
                            self._unsettled += 1
                        self._converting = False
                        self._changed.notify_all()
        finally:
            if self._office is not None:
                self._office.ask_to_end()
            with self._changed:
                self._working = False
                self._changed.notify_all()

    def _convert(self, documents: list[bytes]) -> list[Pages | None]:
        """One ``soffice --convert-to`` for the documents: the LibreOffice started ahead
        converts them if it runs, else this one does."""
        assert self._program is not None
        self._batches += 1
        folder = self._scratch() / f"omgang-{self._batches}"
        folder.mkdir()
        sources = []
        for index, docx in enumerate(documents):
            source = folder / f"dokument-{index + 1}.docx"
            source.write_bytes(docx)
            sources.append(source)
        command = [
            self._program,
            f"-env:UserInstallation={self._profile()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(folder),
            *(str(source) for source in sources),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return [None] * len(documents)
        return [_outline_pages(source.with_suffix(".pdf")) for source in sources]


def _cache_file(key: str) -> Path | None:
    folder = cache_dir("sidnummer")
    if folder is None:
        return None
    return folder / f"{key}.json"


def _document_size(docx: bytes) -> int:
    """The unpacked size of the DOCX's body (the toolkit wrote it: it is a sound zip file)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return archive.getinfo("word/document.xml").file_size


def _outline_pages(pdf_path: Path) -> Pages | None:
    if not pdf_path.is_file():
        return None
    import pypdfium2 as pdfium  # only when LibreOffice laid a document out (not cached)

    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        pages = []
        for bookmark in pdf.get_toc():
            destination = bookmark.get_dest()
            if destination is not None:
                pages.append((bookmark.get_title(), destination.get_index() + 1))
    finally:
        pdf.close()
    return pages

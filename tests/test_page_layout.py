"""The page numbers of the tables of contents come from one LibreOffice per build.

Starting LibreOffice costs more than laying out a document, so one LibreOffice lays out every
DOCX of a build that has a table of contents (Kalmar: three of four): started ahead by the
first of them, it takes each through its single-instance pipe from a ``soffice --convert-to``
that then only waits (or, without the pipe, one ``soffice --convert-to`` converts them all).
The result is cached under the recipe of the document (everything its bytes are made from):
the next build starts no LibreOffice at all, and does not even make the file LibreOffice read;
each DOCX is then finished by its writer, beside the other writers, not at the end.
"""

from __future__ import annotations

import io
import os
import shlex
import zipfile

import pytest

from kommunrapport.build.pipeline import build_package

from .conftest import CONTENT, KALMAR
from .libreoffice_helpers import SOFFICE

# Logs each soffice command: "start" for LibreOffice started ahead, else "convert N" where N is
# how many files that command converted itself (0: it handed them to the one running ahead).
WRAPPER = """#!/bin/sh
case "$*" in
  *--convert-to*)
    out=$({real} "$@" 2>/dev/null); status=$?
    echo "convert $(printf '%s\\n' "$out" | grep -c '^convert ') $*" >> {log}
    printf '%s\\n' "$out"; exit $status;;
  *) echo "start $*" >> {log}; exec {real} "$@";;
esac
"""


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice saknas (soffice)")
def test_one_libreoffice_lays_out_every_document_of_a_build(built, tmp_path, monkeypatch):
    assert SOFFICE is not None
    log = tmp_path / "soffice.log"
    wrapper = tmp_path / "bin" / "soffice"
    wrapper.parent.mkdir()
    wrapper.write_text(WRAPPER.format(real=shlex.quote(SOFFICE), log=shlex.quote(str(log))))
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{wrapper.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", str(tmp_path / "cache"))
    result = build_package(CONTENT / KALMAR, tmp_path / "ut", formats=("docx",))
    lines = log.read_text().splitlines()
    started = [line for line in lines if line.startswith("start ")]
    conversions = [line.split(" ", 2) for line in lines if line.startswith("convert ")]
    laid_out_alone = [c for c in conversions if c[1] != "0"]
    assert len(started) + len(laid_out_alone) == 1, lines  # one LibreOffice did the work
    assert sum(c[2].count(".docx") for c in conversions) == 3, lines  # each document once
    # each document got its own pages: the same bytes as the session's build (whose page
    # numbers test_docx_layout checks against LibreOffice's layout of each file)
    for path in result.written:
        assert path.read_bytes() == (built(KALMAR) / path.name).read_bytes(), path.name
    # the next build finds every layout in the cache, under the recipe of each file: it makes
    # no file without page numbers (one python-docx pass a document, not two)
    from kommunrapport.writers import docx

    finishing = docx._finish
    passes: list[bool] = []

    def counted(data, settings, pages):
        passes.append(pages is not None)
        return finishing(data, settings, pages)

    monkeypatch.setattr(docx, "_finish", counted)
    # ... and each DOCX is finished by its own writer, beside the other writers: the build
    # never waits for the page-layout worker at its end
    from kommunrapport.writers.libreoffice_layout import PageLayouts

    def no_waiting(self, name):
        raise AssertionError(f"{name}: the build waited for cached pages")

    monkeypatch.setattr(PageLayouts, "pages", no_waiting)
    again = build_package(CONTENT / KALMAR, tmp_path / "igen", formats=("docx",))
    assert log.read_text().splitlines() == lines
    assert passes.count(False) == 1 and passes.count(True) == 3, passes  # memo has no TOC
    for path in again.written:
        assert path.read_bytes() == (built(KALMAR) / path.name).read_bytes(), path.name


def test_a_damaged_page_number_entry_is_not_used(tmp_path, monkeypatch):
    """Cached page numbers are checked like every cache entry (SHA-256): a changed entry is
    laid out again, never printed in a table of contents."""
    from kommunrapport.project.user_cache import write_verified
    from kommunrapport.writers import libreoffice_layout

    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", str(tmp_path))
    monkeypatch.setattr(libreoffice_layout, "soffice", lambda: "/usr/bin/soffice")
    layouts = libreoffice_layout.PageLayouts(1)
    entry = libreoffice_layout._cache_file("nyckel")
    assert entry is not None
    write_verified(entry, b'[["Inledning", 3]]')
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert layouts._known(docx.getvalue, "nyckel") == (True, [("Inledning", 3)], None)
    entry.write_bytes(entry.read_bytes().replace(b"3]]", b"7]]"))
    assert layouts._known(docx.getvalue, "nyckel") == (False, None, docx.getvalue())


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice saknas (soffice)")
def test_the_build_command_starts_libreoffice_ahead_only_when_it_will_be_needed(
    tmp_path, monkeypatch, capsys
):
    """LibreOffice starts as the build command begins (``libreoffice_head_start``), not when
    the first DOCX is written, but only if the last build of the same sources did not leave
    every layout in the cache; who started it never changes a byte."""
    from kommunrapport.cli import main
    from kommunrapport.writers import libreoffice_head_start
    from kommunrapport.writers.libreoffice_ahead import OfficeAhead

    from .small_packages import SECTION, write_small_package

    package = write_small_package(tmp_path / "repo")
    monkeypatch.chdir(tmp_path / "repo")
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", str(tmp_path / "cache"))
    starts: list[str] = []
    start = OfficeAhead.start.__func__  # type: ignore[attr-defined]

    def counted(cls, program, profile):
        import inspect

        starts.append(inspect.stack()[1].function)
        return start(cls, program, profile)

    monkeypatch.setattr(OfficeAhead, "start", classmethod(counted))

    def build(output: str) -> bytes:
        assert main(["build", "-q", "--force", "--format", "docx", "--output", output]) == 0, (
            capsys.readouterr()
        )
        return (tmp_path / "repo" / output / package.name / "rapport.docx").read_bytes()

    first = build("ut1")
    assert starts == ["begin"]  # by the command, before the pipeline was imported
    assert b'w:instrText xml:space="preserve"> TOC' in _document_xml(first)
    assert build("ut2") == first  # the same sources: every layout is cached, no LibreOffice
    assert starts == ["begin"]
    section = package / SECTION
    original = section.read_text(encoding="utf-8")
    section.write_text(original + "\nEn ny mening.\n", "utf-8")
    edited = build("ut3")
    assert starts == ["begin", "begin"]  # an edit: LibreOffice is started ahead again
    section.write_text(original, "utf-8")
    # without a head start (a new cache), the build starts LibreOffice itself: the same bytes
    monkeypatch.setattr(libreoffice_head_start.HeadStart, "begin", classmethod(lambda c, d: None))
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", str(tmp_path / "cache2"))
    assert build("ut4") == first
    assert starts == ["begin", "begin"]  # one document: laid out by a soffice of its own
    assert edited != first


def _document_xml(docx: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return archive.read("word/document.xml")


class _FakeHeadStart:
    def __init__(self) -> None:
        self.recorded = 0
        self.closed = 0

    def take(self):
        return None

    def record_all_cached(self) -> None:
        self.recorded += 1

    def close(self) -> None:
        self.closed += 1


@pytest.mark.parametrize(
    ("laid_out", "documents", "recorded"),
    [
        ([[("Inledning", 3)]], 2, 1),  # one cached, one laid out: the next build needs none
        ([None], 2, 0),  # LibreOffice failed on one: the next build needs it again
        ([[("Inledning", 3)]], 1, 0),  # the build stopped before its second document
    ],
)
def test_the_head_start_record_is_written_only_when_every_layout_is_cached(
    tmp_path, monkeypatch, laid_out, documents, recorded
):
    from kommunrapport.project.user_cache import write_verified
    from kommunrapport.writers import libreoffice_layout

    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", str(tmp_path))
    monkeypatch.setattr(libreoffice_layout, "soffice", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(libreoffice_layout.OfficeAhead, "start", lambda *_args: None)
    monkeypatch.setattr(libreoffice_layout.PageLayouts, "_convert", lambda self, docs: laid_out)
    entry = libreoffice_layout._cache_file("kand")
    assert entry is not None
    write_verified(entry, b'[["Inledning", 1]]')
    head_start = _FakeHeadStart()
    layouts = libreoffice_layout.PageLayouts(2, head_start)  # type: ignore[arg-type]
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    layouts.add("forsta", docx.getvalue, "kand")
    if documents == 2:
        layouts.add("andra", docx.getvalue, "ny")
        layouts.pages("andra")
    layouts.close()
    assert (head_start.recorded, head_start.closed) == (recorded, 1)


class _ReadyOffice:
    """A LibreOffice started ahead that is ready at once (the layouts themselves are faked)."""

    def ready(self) -> bool:
        return True

    def ask_to_end(self) -> None:
        pass

    def stop(self, grace: float = 0.0) -> None:
        pass


def test_a_documents_pages_are_given_while_the_next_one_is_laid_out(tmp_path, monkeypatch):
    """A document gets its page numbers as soon as LibreOffice has laid it out, not when it has
    laid out them all: the build finishes the DOCX meanwhile (Kalmar's first build: two of the
    three python-docx passes, 0.15 s, no longer wait for the last layout). ``in_order`` gives
    the order to ask in; a document that never came is answered None once LibreOffice is done."""
    import threading

    from kommunrapport.writers import libreoffice_layout

    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", str(tmp_path))
    monkeypatch.setattr(libreoffice_layout, "soffice", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(
        libreoffice_layout.OfficeAhead, "start", classmethod(lambda *_args: _ReadyOffice())
    )
    second_may_end = threading.Event()
    started = [threading.Event(), threading.Event()]
    calls: list[int] = []

    def convert(self, documents):
        calls.append(len(documents))
        started[len(calls) - 1].set()
        if len(calls) == 2:
            assert second_may_end.wait(10)
        return [[("Inledning", len(calls))] for _ in documents]

    monkeypatch.setattr(libreoffice_layout.PageLayouts, "_convert", convert)
    layouts = libreoffice_layout.PageLayouts(3)
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    try:
        layouts.add("forsta", docx.getvalue, "nyckel-1")
        assert started[0].wait(10)
        layouts.add("andra", docx.getvalue, "nyckel-2")
        assert started[1].wait(10)  # LibreOffice is at the second one now
        assert layouts.in_order(["tredje", "andra", "forsta"]) == ["tredje", "forsta", "andra"]
        assert layouts.pages("forsta") == [("Inledning", 1)]  # the second is still at it
        assert not second_may_end.is_set() and calls == [1, 1]
        second_may_end.set()
        assert layouts.pages("andra") == [("Inledning", 2)]
        assert layouts.pages("tredje") is None  # the build stopped short of it
    finally:
        second_may_end.set()
        layouts.close()

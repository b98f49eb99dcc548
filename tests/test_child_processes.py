"""The programs a build starts are bounded: Typst compiles in a child process (a crash or a hang
is an error for one document, never the end of the build process; before, a Typst allocation
of 2.1 GB aborted the whole build), and pandoc runs with a heap limit and a timeout."""

from __future__ import annotations

from pathlib import Path

import pytest

from kommunrapport.errors import KommunrapportError
from kommunrapport.project.paths import builtin_templates_dir
from kommunrapport.writers import pandoc, typst_process
from kommunrapport.writers.typst_process import TypstJob, compile_in_child

FONTS = str(builtin_templates_dir() / "typst" / "fonts")


def _job(tmp_path: Path, source: str) -> TypstJob:
    root = tmp_path / "dokument"
    root.mkdir()
    (root / "main.typ").write_text(source, encoding="utf-8")
    return TypstJob(
        root=str(root),
        output=str(tmp_path / "dokument.pdf"),
        font_dirs=[FONTS],
        standards=["ua-1", "a-2u"],
        timestamp=1_700_000_000,
    )


def test_a_document_compiles_in_the_child(tmp_path):
    pdf, warnings = compile_in_child(
        _job(tmp_path, '#set document(title: "T")\n= Rubrik\n\nText.\n')
    )
    assert pdf.startswith(b"%PDF-")
    assert warnings == []


def test_typst_running_out_of_memory_is_an_error_not_an_abort(tmp_path):
    """range(2e8) asks Typst for about 2 GB: the child hits its memory cap and dies; this
    process gets a Swedish error and goes on."""
    job = _job(tmp_path, "#let x = range(200000000)\nText\n")
    with pytest.raises(KommunrapportError, match="Typst avbröts") as raised:
        compile_in_child(job)
    assert raised.value.hint


def test_typst_errors_come_back_as_messages(tmp_path):
    job = _job(tmp_path, "#let x = \n")
    with pytest.raises(KommunrapportError, match="PDF:en kunde inte skapas"):
        compile_in_child(job)


def test_a_child_that_does_not_finish_in_time_is_stopped(tmp_path, monkeypatch):
    monkeypatch.setattr(typst_process, "TIME_LIMIT", 0.001)
    with pytest.raises(KommunrapportError, match="inte klar på"):
        compile_in_child(_job(tmp_path, "Text\n"))


def test_pandoc_that_does_not_finish_in_time_is_stopped(monkeypatch):
    """A fresh engine (pandoc's start alone takes far longer than the limit): an engine left
    idle by an earlier test in this process could answer "Text" within the millisecond."""
    from kommunrapport.writers.pandoc_engine import POOL

    POOL.close_idle()
    monkeypatch.setattr(pandoc, "TIME_LIMIT", 0.001)
    with pytest.raises(KommunrapportError, match="pandoc blev inte klar"):
        pandoc.markdown_to_ast("Text\n")


def test_pandoc_runs_with_a_heap_limit(monkeypatch):
    monkeypatch.setattr(pandoc, "HEAP_LIMIT", "-M1m")
    with pytest.raises(KommunrapportError, match="för mycket minne"):
        pandoc.markdown_to_ast("Text med *lite* Markdown.\n" * 20_000)


def test_libreoffice_does_not_lay_out_a_huge_document(monkeypatch):
    """LibreOffice takes about ten seconds a megabyte of document.xml: a document over the limit
    gets no stored page numbers (Word fills them in), and LibreOffice is not started."""
    import io
    import zipfile

    from kommunrapport.writers import libreoffice_layout

    started = []
    monkeypatch.setattr(libreoffice_layout, "soffice", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(libreoffice_layout.PageLayouts, "_convert", started.append)
    monkeypatch.setattr(libreoffice_layout, "cache_dir", lambda _name: None)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", " " * (libreoffice_layout.MAX_LAYOUT_BYTES + 1))
    assert libreoffice_layout.heading_pages(out.getvalue()) is None
    assert not started, "LibreOffice started"

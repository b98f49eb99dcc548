"""The programs a build starts are bounded: Typst compiles in a child process (a crash or a hang
is an error for one document, never the end of the build process; before, a Typst allocation
of 2.1 GB aborted the whole build), and pandoc runs with a heap limit and a timeout."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path

import pytest

from kommunrapport.errors import KommunrapportError
from kommunrapport.project.paths import builtin_templates_dir
from kommunrapport.writers import pandoc, typst_process
from kommunrapport.writers.typst_process import TypstJob, compile_in_child

from .hardening_support import small_package

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


def test_one_typst_child_serves_every_document_and_survives_their_failures(tmp_path):
    """One server process compiles document after document (Python, typst and the fonts load
    once); a document with a Typst error or one that hits the memory cap fails alone, and the
    next document compiles in the same server."""
    typst_process.SERVER.close()
    sources = {
        "first": '#set document(title: "T")\n= Ett\n\nText.\n',
        "typst_error": "#let x = \n",
        "memory": "#let x = range(200000000)\nText\n",
        "last": '#set document(title: "T")\n= Två\n\nText.\n',
    }
    jobs = {}
    for name, source in sources.items():
        (tmp_path / name).mkdir()
        jobs[name] = _job(tmp_path / name, source)
    pdf, _ = compile_in_child(jobs["first"])
    server = typst_process.SERVER.pid
    assert pdf.startswith(b"%PDF-") and server is not None
    with pytest.raises(KommunrapportError, match="PDF:en kunde inte skapas: "):
        compile_in_child(jobs["typst_error"])
    with pytest.raises(KommunrapportError, match="Typst avbröts"):
        compile_in_child(jobs["memory"])
    pdf, _ = compile_in_child(jobs["last"])
    assert pdf.startswith(b"%PDF-")
    assert typst_process.SERVER.pid == server


def test_a_build_starts_one_typst_child_for_all_its_pdfs(tmp_path, monkeypatch, capsys):
    """Both documents of the small package compile in the same server, which ends with the
    build."""
    from kommunrapport.cli import main
    from kommunrapport.writers import pdf

    root = tmp_path / "repo"
    small_package(root, "ks-2022")
    servers: list[int | None] = []
    compile_for_real = typst_process.compile_in_child

    def compile_watched(job: TypstJob) -> tuple[bytes, list[str]]:
        result = compile_for_real(job)
        servers.append(typst_process.SERVER.pid)
        return result

    monkeypatch.setattr(pdf, "compile_in_child", compile_watched)
    monkeypatch.chdir(root)
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", "0")
    assert main(["build", "-q", "--format", "pdf"]) == 0, capsys.readouterr()
    assert len(list((root / "output" / "ks-2022").glob("*.pdf"))) == len(servers) == 2
    assert servers[0] is not None and servers == [servers[0]] * 2, servers
    assert typst_process.SERVER.pid is None  # ended with the build's session


def test_the_typst_child_started_early_serves_the_first_compile(tmp_path):
    """The PDF writer starts the server with the font folders before the first compile; that
    compile uses it, and starting it again while it runs changes nothing."""
    typst_process.SERVER.close()
    typst_process.SERVER.start_soon([FONTS])
    server = typst_process.SERVER.pid
    assert server is not None
    typst_process.SERVER.start_soon([FONTS])
    pdf, _ = compile_in_child(_job(tmp_path, '#set document(title: "T")\nText\n'))
    assert pdf.startswith(b"%PDF-")
    assert typst_process.SERVER.pid == server


def test_a_typst_child_that_times_out_is_replaced(tmp_path, monkeypatch):
    """The time limit ends the server with its worker; the next compile starts a new one."""
    typst_process.SERVER.close()
    for name in ("slow", "next"):
        (tmp_path / name).mkdir()
    monkeypatch.setattr(typst_process, "TIME_LIMIT", 0.001)
    with pytest.raises(KommunrapportError, match="inte klar på"):
        compile_in_child(_job(tmp_path / "slow", "Text\n"))
    assert typst_process.SERVER.pid is None
    monkeypatch.setattr(typst_process, "TIME_LIMIT", 300)
    pdf, _ = compile_in_child(_job(tmp_path / "next", '#set document(title: "T")\nText\n'))
    assert pdf.startswith(b"%PDF-")


def test_pandoc_that_does_not_finish_in_time_is_stopped(monkeypatch):
    """A fresh engine, and a text pandoc takes about 0.8 s to read: the limit's timer thread
    has that long to fire. (With a one-line text, pandoc's whole start and reading took 19 ms,
    and on a loaded machine the timer once fired later than that: CI on 95c9fa5.)"""
    from kommunrapport.writers.pandoc_engine import POOL

    POOL.close_idle()
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", "0")  # pandoc reads, not the cache
    monkeypatch.setattr(pandoc, "TIME_LIMIT", 0.001)
    with pytest.raises(KommunrapportError, match="pandoc blev inte klar"):
        pandoc.markdown_to_ast("Text med *lite* Markdown.\n" * 20_000)


def test_pandoc_runs_with_a_heap_limit(monkeypatch):
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", "0")  # pandoc reads, not the cache
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


HEAVY = '#set document(title: "T")\n' + "#for i in range(6000) [Ord #i, ]\n"


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        with suppress(OSError):
            found.update(int(c) for c in (task / "children").read_text().split())
    return found


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux's /proc")
def test_two_compiles_run_in_two_workers_at_once(tmp_path):
    """The build's two PDF lanes compile side by side in the one server: two workers at the
    same time, each PDF its own."""
    typst_process.SERVER.close()
    typst_process.SERVER.start_soon([FONTS])
    server = typst_process.SERVER.pid
    assert server is not None
    jobs = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        jobs.append(_job(tmp_path / name, HEAVY.replace("Ord", f"Ord {name}")))
    most = 0
    with ThreadPoolExecutor(max_workers=2) as lanes:
        results = [lanes.submit(compile_in_child, job) for job in jobs]
        while not all(result.done() for result in results):
            most = max(most, len(_children(server)))
            time.sleep(0.002)
    pdfs = [result.result()[0] for result in results]
    assert most == 2
    assert pdfs[0].startswith(b"%PDF-") and pdfs[0] != pdfs[1]
    assert typst_process.SERVER.pid == server


def test_a_compile_that_times_out_does_not_take_the_other_one_with_it(tmp_path, monkeypatch):
    """A time limit ends the server and every worker in it; the compile whose time ran out is an
    error, the other one compiles again in a new server."""
    typst_process.SERVER.close()
    for name in ("slow", "other"):
        (tmp_path / name).mkdir()
    limits = {"slow": 0.05, "other": 300.0}
    compile_for_real = typst_process.TypstServer.compile

    asked: list[str] = []

    def limited(self, job, _limit):
        asked.append(Path(job.root).parent.name)
        return compile_for_real(self, job, limits[asked[-1]])

    monkeypatch.setattr(typst_process.TypstServer, "compile", limited)
    with ThreadPoolExecutor(max_workers=2) as lanes:
        other = lanes.submit(compile_in_child, _job(tmp_path / "other", HEAVY))
        slow = lanes.submit(compile_in_child, _job(tmp_path / "slow", HEAVY))
        with pytest.raises(KommunrapportError, match="inte klar på"):
            slow.result()
        pdf, _ = other.result()
    assert pdf.startswith(b"%PDF-")
    assert sorted(asked) == ["other", "other", "slow"]  # the other one, twice

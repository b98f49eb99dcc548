"""The long-lived pandoc engine: the same bytes as pandoc's command line, one process for a
whole build, errors that leave it usable, nothing left behind."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from kommunrapport.errors import KommunrapportError
from kommunrapport.writers import pandoc
from kommunrapport.writers.pandoc_engine import POOL

from .hardening_support import run_cli_capped, small_package

MARKDOWN = (
    "# Rubrik {#rubrik}\n\nText med *betoning*, en tabb\there och en [länk](https://example.se).\n\n"
    "| År | Belopp |\n|---|--:|\n| 2022 | −28 416 |\n\n![Diagram](bild.png)\n"
)
# a 1×1 PNG (binary: holds \r\n and \x1a, which a text-mode pipe would mangle)
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201ffa1c5f3a40000000049454e44ae426082"
)


@pytest.fixture(autouse=True)
def _pandoc_reads_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about the engine: no reading comes from the cache of readings."""
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", "0")


def _cli(args: list[str], stdin: bytes, cwd: Path) -> bytes:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "0"}
    done = subprocess.run(
        [pandoc.pandoc_path(), *args], input=stdin, capture_output=True, cwd=cwd, env=env
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_engine_gives_the_command_lines_bytes(tmp_path):
    (tmp_path / "bild.png").write_bytes(PNG)
    ast = pandoc.markdown_to_ast(MARKDOWN)
    cli_json = _cli(["-f", pandoc.MARKDOWN_FORMAT, "-t", "json"], MARKDOWN.encode(), tmp_path)
    import orjson

    assert ast == orjson.loads(cli_json)
    data = orjson.dumps(ast)
    html = pandoc.ast_to_bytes(ast, "html5", {"wrap_text": "none", "section_divs": True})
    assert html == _cli(
        ["-f", "json", "-t", "html5", "--wrap=none", "--section-divs"], data, tmp_path
    )
    assert html.endswith(b"\n")  # as the command line ends text that is not standalone
    typst = pandoc.ast_to_bytes(ast, "typst", {"wrap_text": "none"})
    assert typst == _cli(["-f", "json", "-t", "typst", "--wrap=none"], data, tmp_path)
    docx = pandoc.ast_to_bytes(ast, "docx", resources=[tmp_path])
    expected = _cli(["-f", "json", "-t", "docx", "-o", "-"], data, tmp_path)
    assert docx == expected
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        media = [n for n in archive.namelist() if n.startswith("word/media/")]
        assert [archive.read(n) for n in media] == [PNG]  # the image, byte for byte


def test_images_are_looked_up_in_the_resource_folders_in_order(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (second / "bild.png").write_bytes(PNG)
    ast = pandoc.markdown_to_ast("![Diagram](bild.png)\n")
    docx = pandoc.ast_to_bytes(ast, "docx", resources=[first, second])
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        assert any(archive.read(n) == PNG for n in archive.namelist() if "media/" in n)
    missing = pandoc.ast_to_bytes(ast, "docx", resources=[first])
    with zipfile.ZipFile(io.BytesIO(missing)) as archive:
        assert not [n for n in archive.namelist() if "media/" in n]


def test_a_failed_conversion_leaves_the_engine_working():
    with POOL.session():
        with pytest.raises(KommunrapportError, match="pandoc misslyckades"):
            pandoc.ast_to_bytes({"blocks": "inte ett dokument"}, "html5")
        engine = POOL._idle
        assert engine is not None and engine.alive()
        assert pandoc.markdown_to_ast("Text\n")["blocks"]
        assert POOL._idle is engine  # the same process answered


def test_a_session_leaves_no_process_or_folder_behind():
    with POOL.session():
        pandoc.markdown_to_ast("Text\n")
        engine = POOL._idle
        assert engine is not None
        folder, process = engine.folder, engine.process
        assert process.poll() is None
    assert process.poll() is not None
    assert not folder.exists()
    assert POOL._idle is None


COUNTING_PANDOC = """\
#!{python}
import subprocess, sys
with open({log!r}, "a") as log:
    log.write(" ".join(sys.argv[1:]) + "\\n")
sys.exit(subprocess.run([{real!r}, *sys.argv[1:]]).returncode)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="the counting wrapper is a shell script")
def test_one_pandoc_process_serves_a_whole_build(tmp_path):
    """A package in DOCX and HTML: each document read once and written twice, all by one
    process (before the engine: three processes a document). With PDF, the engine ends for
    each Typst compile and a new one serves what comes after: at most one more a PDF."""
    root = tmp_path / "repo"
    small_package(root, "ks-2022", tables=True)
    log = tmp_path / "pandoc.log"
    wrapper = tmp_path / "pandoc"
    wrapper.write_text(
        COUNTING_PANDOC.format(python=sys.executable, log=str(log), real=pandoc.pandoc_path()),
        encoding="utf-8",
    )
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    env = {"PYPANDOC_PANDOC": str(wrapper)}
    code, output = run_cli_capped(root, "build", "--format", "docx,html", env=env)
    assert code == 0, output
    assert {p.suffix for p in (root / "output" / "ks-2022").iterdir()} >= {".docx", ".html"}
    starts = log.read_text(encoding="utf-8").splitlines()
    assert len(starts) == 1 and " lua " in f" {starts[0]} ", starts
    log.unlink()
    code, output = run_cli_capped(root, "build", "--format", "pdf", "--force", env=env)
    assert code == 0, output
    pdfs = list((root / "output" / "ks-2022").glob("*.pdf"))
    assert 1 <= len(log.read_text(encoding="utf-8").splitlines()) <= len(pdfs) + 1


def test_no_pandoc_runs_while_typst_compiles(tmp_path, monkeypatch, capsys):
    """While Typst compiles a PDF, pandoc's engine has ended and no conversion runs: the
    build's peak is its Python and one helper process, not three."""
    from kommunrapport.cli import main
    from kommunrapport.writers import pdf, typst_process

    root = tmp_path / "repo"
    small_package(root, "ks-2022", tables=True)
    seen: list[tuple[int, int]] = []
    compile_for_real = typst_process.compile_in_child

    def compile_watched(job):
        # no engine left, and the slot every conversion needs is taken by the compile
        seen.append((POOL._idle is None, POOL._slot.taken()))
        return compile_for_real(job)

    monkeypatch.setattr(pdf, "compile_in_child", compile_watched)
    monkeypatch.chdir(root)
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", "0")
    assert main(["build", "-q"]) == 0, capsys.readouterr()
    assert seen and all(state == (True, True) for state in seen), seen
    assert len(list((root / "output" / "ks-2022").glob("*.pdf"))) == len(seen)


def test_conversions_go_before_a_waiting_compile():
    """A Typst compile waits while any conversion waits: the writers and the next document
    wait for conversions, only the PDF waits for its compile."""
    import threading
    import time

    from kommunrapport.writers.pandoc_engine import HelperSlot

    slot = HelperSlot()
    order: list[str] = []
    first_holds = threading.Event()
    release_first = threading.Event()

    def conversion(name: str, hold: threading.Event | None = None) -> None:
        with slot.conversion():
            order.append(name)
            if hold is not None:
                first_holds.set()
                release_first.wait(5)

    def compile_() -> None:
        with slot.other():
            order.append("compile")

    first = threading.Thread(target=conversion, args=("first", release_first))
    first.start()
    assert first_holds.wait(5)
    waiting_compile = threading.Thread(target=compile_)
    waiting_compile.start()
    time.sleep(0.05)  # the compile waits for the slot first ...
    later = threading.Thread(target=conversion, args=("later",))
    later.start()
    deadline = time.monotonic() + 5
    while slot._conversions_waiting == 0 and time.monotonic() < deadline:
        time.sleep(0.001)
    release_first.set()  # ... but the conversion that came after it goes first
    for thread in (first, waiting_compile, later):
        thread.join(5)
    assert order == ["first", "later", "compile"]
    assert not slot.taken()


def test_compiles_run_side_by_side_but_never_beside_a_conversion():
    """Two compiles hold the slot at once (the build's PDF lanes); a conversion that comes
    meanwhile waits until both are done."""
    import threading
    import time

    from kommunrapport.writers.pandoc_engine import HelperSlot

    slot = HelperSlot()
    both_in = threading.Barrier(3, timeout=5)
    release = threading.Event()
    order: list[str] = []

    def compile_(name: str) -> None:
        with slot.other():
            order.append(f"{name} in")
            both_in.wait()
            release.wait(5)
            order.append(f"{name} out")

    def conversion() -> None:
        with slot.conversion():
            order.append("conversion")

    compiles = [threading.Thread(target=compile_, args=(n,)) for n in ("a", "b")]
    for thread in compiles:
        thread.start()
    both_in.wait()  # fails after 5 s if the second compile waited for the first
    converting = threading.Thread(target=conversion)
    converting.start()
    deadline = time.monotonic() + 5
    while slot._conversions_waiting == 0 and time.monotonic() < deadline:
        time.sleep(0.001)
    release.set()
    for thread in (*compiles, converting):
        thread.join(5)
    assert order.index("conversion") > max(order.index("a out"), order.index("b out"))
    assert not slot.taken()


def test_a_helper_lives_until_the_last_of_its_sessions_ends():
    """Two builds in one process (``serve``) share pandoc's engine and Typst's server: the one
    that ends first leaves it to the other."""
    from kommunrapport.writers.helper_sessions import HelperSessions

    closed: list[int] = []
    sessions = HelperSessions(lambda: closed.append(1))
    with sessions.session():
        with sessions.session():
            pass
        assert closed == []
    assert closed == [1]
    with sessions.session():
        pass
    assert closed == [1, 1]

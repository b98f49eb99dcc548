"""Typst in a child process, under a memory cap and a time limit.

Typst runs in the build's own process as a library, and a Rust allocation that fails aborts the
whole process: every other package of a ``build -j1`` would die with it. Compiling in a child
keeps such a failure to the document: each compile gets an address-space limit
(:data:`MEMORY_LIMIT`) and :data:`TIME_LIMIT` seconds; a compile that is killed, aborts or runs
out of time becomes a located error for that document, and the rest of the build goes on.

One child (:mod:`typst_child`, which imports nothing of the toolkit) serves every document of
a build: it loads Python, ``typst`` and the font folders once and forks a worker per document,
so each document starts from the same small process (no memory of the one before: an idle
server holds about 25 MiB beside pandoc's engine, a server that kept Typst's caches would hold
over 100). Jobs go as JSON lines on its standard input (the folder Typst may read, the font
folders, the PDF standards, the timestamp, where the PDF and the answer go); it answers each
with the worker's exit status. The answer file holds the warnings, or Typst's error.

The PDF writer starts the server as soon as it knows the font folders (:meth:`start_soon`),
so Python, typst and the fonts load while pandoc writes the document's Typst, not after.
A worker that aborts (the memory cap) leaves the server running; a compile over the time limit
ends the server and its worker, and the next compile starts a new one. The server ends when the
build's ``session`` ends, at exit, or when its stdin closes (the parent died).
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..errors import KommunrapportError
from . import typst_child
from .typst_child import MEMORY_LIMIT

__all__ = ["MEMORY_LIMIT", "SERVER", "TIME_LIMIT", "TypstJob", "compile_in_child"]

TIME_LIMIT = 300  # seconds; the largest example document takes a few
HINT = (
    "Dela upp dokumentet eller korta de största tabellerna; hjälper inte det, "
    "skicka paketet till verktygets förvaltare."
)


@dataclass(frozen=True)
class TypstJob:
    root: str  # the only folder Typst reads; main.typ is in it
    output: str  # the PDF file (outside root)
    font_dirs: list[str]
    standards: list[str]
    timestamp: int


class ServerFailure(Exception):
    """The server ended during a compile: ``timed_out`` says whether the time limit did it."""

    def __init__(self, timed_out: bool):
        super().__init__("time" if timed_out else "ended")
        self.timed_out = timed_out


class TypstServer:
    """The one Typst child of this process: started when needed, one compile at a time."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._folder: Path | None = None
        self._stderr: Any = None
        self._lock = threading.Lock()
        self._sessions = 0

    @property
    def pid(self) -> int | None:
        """The running server's process id (None when none runs)."""
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    def compile(self, job: TypstJob, time_limit: float) -> tuple[int, dict[str, Any] | None, str]:
        """The worker's exit status, its answer (None if it wrote none) and what it wrote on
        standard error."""
        with self._lock:
            process, folder = self._started(job.font_dirs)
            answer = folder / "answer.json"
            answer.unlink(missing_ok=True)
            errors_before = (folder / "stderr.txt").stat().st_size
            line = json.dumps({**asdict(job), "answer": str(answer)}).encode("utf-8") + b"\n"
            fired = threading.Event()

            def stop() -> None:
                fired.set()
                _kill(process)

            timer = threading.Timer(time_limit, stop)
            timer.start()
            try:
                assert process.stdin is not None and process.stdout is not None
                process.stdin.write(line)
                process.stdin.flush()
                status = process.stdout.readline().strip()
            except OSError:
                status = b""
            finally:
                timer.cancel()
            errors = (folder / "stderr.txt").read_bytes()[errors_before:]
            if not status or fired.is_set():
                self._close()
                raise ServerFailure(timed_out=fired.is_set())
            read = json.loads(answer.read_text(encoding="utf-8")) if answer.exists() else None
            return int(status), read, errors.decode("utf-8", "replace")

    def start_soon(self, font_dirs: list[str]) -> None:
        """Start the server now, reading ``font_dirs`` at once, unless it runs or a compile
        holds it (never waits)."""
        if self._lock.acquire(blocking=False):
            try:
                self._started(font_dirs)
            finally:
                self._lock.release()

    def _started(self, font_dirs: list[str]) -> tuple[subprocess.Popen[bytes], Path]:
        if self._process is not None and self._process.poll() is not None:
            self._close()  # ended since the last compile
        if self._process is None or self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="kommunrapport-typst-"))
            self._stderr = open(self._folder / "stderr.txt", "w+b")  # noqa: SIM115 (_close)
            self._process = subprocess.Popen(
                [sys.executable, "-m", typst_child.__name__, *font_dirs],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
                cwd=self._folder,
                env={**os.environ, "MALLOC_ARENA_MAX": "2", "RUST_BACKTRACE": "0"},
                start_new_session=True,  # a timeout ends the server and its worker together
            )
        return self._process, self._folder

    @contextmanager
    def session(self) -> Iterator[None]:
        """A server started inside lives until the last session ends (one build)."""
        with self._lock:
            self._sessions += 1
        try:
            yield
        finally:
            with self._lock:
                self._sessions -= 1
                if self._sessions == 0:
                    self._close()

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            for stream in (process.stdin, process.stdout):
                if stream is not None:
                    with suppress(OSError):
                        stream.close()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                _kill(process)
                process.wait()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def forget(self) -> None:
        """In a forked child: the parent's server is not ours to use or close."""
        self._process = None
        self._folder = None
        self._stderr = None
        self._lock = threading.Lock()
        self._sessions = 0


def _kill(process: subprocess.Popen[bytes]) -> None:
    """The server and its worker (its own process group; Windows has no groups and no fork)."""
    with suppress(OSError):
        if hasattr(os, "killpg"):
            os.killpg(process.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows
            process.kill()


SERVER = TypstServer()
atexit.register(SERVER.close)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=SERVER.forget)


def compile_in_child(job: TypstJob) -> tuple[bytes, list[str]]:
    """The PDF and Typst's warnings; Typst's own error, a crash or a timeout is an error."""
    try:
        status, answer, errors = SERVER.compile(job, TIME_LIMIT)
    except ServerFailure as failure:
        if failure.timed_out:
            raise KommunrapportError(
                f"PDF:en kunde inte skapas: Typst blev inte klar på {TIME_LIMIT} sekunder",
                hint=HINT,
            ) from None
        status, answer, errors = 1, None, ""  # ended by something else: no more is known
    if status != 0 or answer is None:
        out_of_memory = status < 0 or "memory allocation" in errors
        raise KommunrapportError(
            "PDF:en kunde inte skapas: Typst avbröts"
            + (" (för mycket minne)" if out_of_memory else ""),
            hint=HINT,
        )
    if "error" in answer:
        raise KommunrapportError(
            f"PDF:en kunde inte skapas: {answer['error']}",
            hint=" ".join(answer["hints"])
            or "Kontrollera alternativtexter och tecken som inget typsnitt har.",
        )
    return Path(job.output).read_bytes(), list(answer["warnings"])

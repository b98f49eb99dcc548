"""Typst in a child process, under a memory cap and a time limit.

Typst runs in the build's own process as a library, and a Rust allocation that fails aborts the
whole process: every other package of a ``build -j1`` would die with it. Compiling in a child
keeps such a failure to the document: each compile gets an address-space limit
(:data:`MEMORY_LIMIT`) and :data:`TIME_LIMIT` seconds; a compile that is killed, aborts or runs
out of time becomes a located error for that document, and the rest of the build goes on.

One child (:mod:`typst_child`, which imports nothing of the toolkit) serves every document of
a build: it loads Python, ``typst`` and the font folders once and forks a worker per document,
so each document starts from the same small process (no memory of the one before: an idle
server holds about 25 MiB, a server that kept Typst's caches would hold over 100). Jobs go as
JSON lines on its standard input (an id, the folder Typst may read, the font folders, the PDF
standards, the timestamp, where the PDF, the answer and the worker's standard error go); it
answers each with the job's id and the worker's exit status when the worker ends. The answer
file holds the warnings, or Typst's error. Compiles the build asks for at the same time (its PDF
lanes) run side by side, each in its own worker; a thread here reads the answers.

The PDF writer starts the server as soon as it knows the font folders (:meth:`start_soon`),
so Python, typst and the fonts load while pandoc writes the document's Typst, not after.
A worker that aborts (the memory cap) leaves the server running; a compile over the time limit
ends the server and its workers, and the next compile starts a new one (a compile that lost
its worker that way compiles again there). The server ends when the build's ``session`` ends,
at exit, or when its stdin closes (the parent died).
"""

from __future__ import annotations

import atexit
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from contextlib import AbstractContextManager, suppress
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..errors import KommunrapportError
from . import typst_child
from .helper_sessions import HelperSessions
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
    """The server ended during a compile: ``timed_out`` says whether this compile's time limit
    did it (another compile's time limit, or a crash, ends the server under the others too)."""

    def __init__(self, timed_out: bool):
        super().__init__("time" if timed_out else "ended")
        self.timed_out = timed_out


class _Running:
    """One server process, the reader of its answers and the compiles waiting for them."""

    def __init__(self, process: subprocess.Popen[bytes], folder: Path):
        self.process = process
        self.folder = folder
        self.answers: dict[str, int] = {}  # job id → the worker's exit status
        self.changed = threading.Condition()
        self.ended = False
        self.reader = threading.Thread(target=self._read, name="typst-svar", daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            job_id, _, status = line.decode("ascii", "replace").strip().partition(" ")
            with self.changed:  # an answer that is no status: the worker failed, no more known
                self.answers[job_id] = int(status) if status.lstrip("-").isdigit() else 1
                self.changed.notify_all()
        with self.changed:  # the server ended: every compile still waiting has lost its worker
            self.ended = True
            self.changed.notify_all()

    def wait(self, job_id: str, time_limit: float) -> int | None:
        """The worker's exit status; None if the server ended first or the time ran out."""
        with self.changed:
            self.changed.wait_for(lambda: job_id in self.answers or self.ended, time_limit)
            return self.answers.pop(job_id, None)


class TypstServer:
    """The one Typst child of this process: started when needed; the compiles the build asks
    for at the same time run side by side, each in a worker of its own."""

    def __init__(self) -> None:
        self._running: _Running | None = None
        self._stderr: Any = None
        self._lock = threading.Lock()  # the server process and its stdin
        self._sessions = HelperSessions(self.close)
        self._jobs = itertools.count(1)

    @property
    def pid(self) -> int | None:
        """The running server's process id (None when none runs)."""
        running = self._running
        if running is None or running.process.poll() is not None:
            return None
        return running.process.pid

    def compile(self, job: TypstJob, time_limit: float) -> tuple[int, dict[str, Any] | None, str]:
        """The worker's exit status, its answer (None if it wrote none) and what it wrote on
        standard error."""
        with self._lock:
            running = self._started(job.font_dirs)
            job_id = str(next(self._jobs))
            answer = running.folder / f"{job_id}.json"
            errors = running.folder / f"{job_id}.stderr"
            line = {**asdict(job), "id": job_id, "answer": str(answer), "errors": str(errors)}
            try:
                assert running.process.stdin is not None
                running.process.stdin.write(json.dumps(line).encode("utf-8") + b"\n")
                running.process.stdin.flush()
            except OSError:
                pass  # the server has ended: its reader says so below
        status = running.wait(job_id, time_limit)
        if status is None:
            timed_out = not running.ended
            with self._lock:
                if self._running is running:
                    self._close()  # ends every worker of this server (their compiles retry)
            raise ServerFailure(timed_out=timed_out)
        read = json.loads(answer.read_text(encoding="utf-8")) if answer.exists() else None
        said = errors.read_bytes().decode("utf-8", "replace") if errors.exists() else ""
        return status, read, said

    def start_soon(self, font_dirs: list[str]) -> None:
        """Start the server now, reading ``font_dirs`` at once, unless it runs or a compile
        holds it (never waits)."""
        if self._lock.acquire(blocking=False):
            try:
                self._started(font_dirs)
            finally:
                self._lock.release()

    def _started(self, font_dirs: list[str]) -> _Running:
        if self._running is not None and self._running.process.poll() is not None:
            self._close()  # ended since the last compile
        if self._running is None:
            folder = Path(tempfile.mkdtemp(prefix="kommunrapport-typst-"))
            self._stderr = open(folder / "stderr.txt", "w+b")  # noqa: SIM115 (_close)
            process = subprocess.Popen(
                [sys.executable, "-m", typst_child.__name__, *font_dirs],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
                cwd=folder,
                env={**os.environ, "MALLOC_ARENA_MAX": "2", "RUST_BACKTRACE": "0"},
                start_new_session=True,  # a timeout ends the server and its workers together
            )
            self._running = _Running(process, folder)
        return self._running

    def session(self) -> AbstractContextManager[None]:
        """A server started inside lives until the last session ends (one build)."""
        return self._sessions.session()

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        running, self._running = self._running, None
        if running is not None:
            process = running.process
            if process.poll() is not None:
                _kill(process)  # it ended by itself: its workers may be left
            elif process.stdin is not None:
                with suppress(OSError):
                    process.stdin.close()  # the server ends its workers and itself
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                _kill(process)
                process.wait()
            running.reader.join(timeout=5)
            if process.stdout is not None:
                with suppress(OSError):
                    process.stdout.close()
            shutil.rmtree(running.folder, ignore_errors=True)
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def forget(self) -> None:
        """In a forked child: the parent's server is not ours to use or close."""
        self._running = None
        self._stderr = None
        self._lock = threading.Lock()
        self._sessions = HelperSessions(self.close)


def _kill(process: subprocess.Popen[bytes]) -> None:
    """The server and its workers (its own process group; Windows has no groups and no fork)."""
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
    for _attempt in range(2):
        try:
            status, answer, errors = SERVER.compile(job, TIME_LIMIT)
            break
        except ServerFailure as failure:
            if failure.timed_out:
                raise KommunrapportError(
                    f"PDF:en kunde inte skapas: Typst blev inte klar på {TIME_LIMIT} sekunder",
                    hint=HINT,
                ) from None
            # the server ended under this compile: another compile's time limit, or a crash;
            # once more in a new server, then no more is known
            status, answer, errors = 1, None, ""
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

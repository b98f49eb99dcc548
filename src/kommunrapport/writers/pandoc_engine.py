"""Long-lived pandoc processes that read and write every document of a build.

A build of Kalmar asks pandoc for 16 conversions (each document's Markdown read once, then
written as DOCX, HTML and Typst). As 16 processes, each start costs pandoc's runtime and Lua
set-up again, and their memory adds up while several run at once. Here one ``pandoc lua``
process (``pandoc_server.lua``) serves the conversions one after another over a pipe: inputs and
outputs are files in its private folder, so binary output (DOCX) passes unchanged on every
platform. The same pandoc binary and the same reader and writer options give the same bytes as
the command line did.

Threads ask the pool for the engine, one conversion at a time (one engine keeps pandoc busy
beside our own Python on two cores). A conversion that fails leaves its engine running; one
that kills pandoc (heap limit, timeout) ends that engine, and the next conversion starts a new
one. Engines end when the build's ``session`` ends, at exit, or when their stdin closes (the
parent died).

pandoc's engine or Typst, never both, beside the build's Python: Kalmar's build holds about
90 MiB in its own Python, the engine about 120 MiB (94 MiB of it pandoc's own code, read from
its binary), and Typst's server with a worker compiling the largest document about 100 MiB
(two workers side by side, the build's PDF lanes, about 155 MiB); the engine beside Typst would
pass the 300 MiB a build may use. So Typst compiles run ``without_engine``: the idle engine ends
first and conversions wait until the compiles are done (a new engine starts in about 10 ms of
CPU).

Conversions go first (:class:`HelperSlot`): a compile waits while any conversion is waiting. A
conversion takes 10-250 ms and a writer thread, or the next document, waits for it; a compile
takes longer and only its own PDF waits for it. So the build's Python rarely sits idle behind
a compile.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from pathlib import Path
from typing import Any

import orjson

from ..errors import KommunrapportError
from .helper_sessions import HelperSessions

SERVER_SCRIPT = Path(__file__).with_name("pandoc_server.lua")


def _log(request: dict[str, Any], begun: float, cpu_picoseconds: str) -> None:
    """One line per conversion (start, wall, pandoc's CPU, what) in the file
    ``KOMMUNRAPPORT_PANDOC_LOG`` names, if any: bench/profile_build.py reads it."""
    path = os.environ.get("KOMMUNRAPPORT_PANDOC_LOG")
    if not path:
        return
    what = f"AST → {request['to']}" if "to" in request else "Markdown → AST"
    cpu = int(cpu_picoseconds or 0) / 1e12
    with open(path, "a", encoding="utf-8") as log:
        log.write(f"{begun:.3f} {time.time() - begun:.3f} {cpu:.3f} {what}\n")


class EngineFailure(Exception):
    """pandoc ended (memory, timeout, crash): ``message`` says how."""


class PandocEngine:
    """One ``pandoc lua`` process answering one request at a time."""

    def __init__(self, command: list[str], env: dict[str, str], time_limit: float):
        self.folder = Path(tempfile.mkdtemp(prefix="kommunrapport-pandoc-"))
        self.started_as = (command, env)
        self.time_limit = time_limit
        self._stderr = open(self.folder / "stderr.txt", "wb")  # noqa: SIM115 (closed in close())
        self.process = subprocess.Popen(
            [*command, "lua", str(SERVER_SCRIPT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            cwd=self.folder,
            env=env,
        )

    def request(self, request: dict[str, Any], payload: bytes) -> bytes:
        """Write ``payload`` as the request's input file, run it, return the output file."""
        (self.folder / "in").write_bytes(payload)
        line = orjson.dumps({**request, "out": "out"}) + b"\n"
        fired = threading.Event()

        def stop() -> None:
            fired.set()
            self.process.kill()

        begun = time.time()
        timer = threading.Timer(self.time_limit, stop)
        timer.start()
        try:
            assert self.process.stdin is not None and self.process.stdout is not None
            self.process.stdin.write(line)
            self.process.stdin.flush()
            answer = self.process.stdout.readline().decode("utf-8", "replace").strip()
        except OSError:
            answer = ""
        finally:
            timer.cancel()
        if answer.startswith("ok"):
            _log(request, begun, answer[3:])
            return (self.folder / "out").read_bytes()
        if answer.startswith("error "):
            raise KommunrapportError(f"pandoc misslyckades: {answer[6:]}")
        raise EngineFailure(self._why_ended(timed_out=fired.is_set()))

    def _why_ended(self, timed_out: bool) -> str:
        self.process.kill()
        self.process.wait()
        self._stderr.flush()
        message = (self.folder / "stderr.txt").read_bytes().decode("utf-8", "replace")
        if "Heap exhausted" in message:
            return "memory"
        if timed_out:
            return "time"
        return message.strip() or f"pandoc avslutades med kod {self.process.returncode}"

    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self) -> None:
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                with suppress(OSError):
                    stream.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._stderr.close()
        shutil.rmtree(self.folder, ignore_errors=True)


class HelperSlot:
    """Either pandoc's engine or Typst's compiles, never both; pandoc's conversions first: a
    compile (``other()``) waits until no conversion is running or waiting, and several
    compiles may run at once (the build asks for at most as many as it has PDF lanes)."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._converting = False
        self._others = 0
        self._conversions_waiting = 0

    @contextmanager
    def conversion(self) -> Iterator[None]:
        with self._changed:
            self._conversions_waiting += 1
            try:
                self._changed.wait_for(lambda: not self._converting and not self._others)
            finally:
                self._conversions_waiting -= 1
            self._converting = True
        try:
            yield
        finally:
            with self._changed:
                self._converting = False
                self._changed.notify_all()

    @contextmanager
    def other(self) -> Iterator[None]:
        with self._changed:
            self._changed.wait_for(lambda: not self._converting and not self._conversions_waiting)
            self._others += 1
        try:
            yield
        finally:
            with self._changed:
                self._others -= 1
                self._changed.notify_all()

    def taken(self) -> bool:
        return self._converting or self._others > 0


class EnginePool:
    """The engine of this process: started when needed, one conversion at a time. The slot
    that orders the conversions is also what Typst's compiles take (``without_engine``), so
    pandoc and Typst never run side by side beside the build's Python."""

    def __init__(self) -> None:
        self._idle: PandocEngine | None = None
        self._sessions = HelperSessions(self.close_idle)
        self._lock = threading.Lock()  # the idle engine
        self._slot = HelperSlot()  # pandoc or Typst, never both: see the module's text

    @contextmanager
    def engine(
        self, command: list[str], env: dict[str, str], time_limit: float
    ) -> Iterator[PandocEngine]:
        with self._slot.conversion():
            with self._lock:
                engine, self._idle = self._idle, None
            if engine is not None and (not engine.alive() or engine.started_as != (command, env)):
                engine.close()  # ended, or started with other limits or environment
                engine = None
            if engine is None:
                engine = PandocEngine(command, env, time_limit)
            engine.time_limit = time_limit
            try:
                yield engine
            finally:
                if engine.alive():  # a conversion that failed leaves it working
                    with self._lock:
                        self._idle = engine
                else:  # ended by the heap limit, the timeout or a crash
                    engine.close()

    @contextmanager
    def without_engine(self) -> Iterator[None]:
        """For another helper process (Typst's child), once no conversion is running or
        waiting: the idle engine ends first, and no conversion runs until it is done; the next
        one starts a new engine."""
        with self._slot.other():
            self.close_idle()
            yield

    def session(self) -> AbstractContextManager[None]:
        """An engine started inside lives until the last session ends (one build)."""
        return self._sessions.session()

    def close_idle(self) -> None:
        with self._lock:
            engine, self._idle = self._idle, None
        if engine is not None:
            engine.close()

    def forget(self) -> None:
        """In a forked child: the parent's engine is not ours to use or close."""
        self._idle = None
        self._sessions = HelperSessions(self.close_idle)
        self._lock = threading.Lock()
        self._slot = HelperSlot()


POOL = EnginePool()
atexit.register(POOL.close_idle)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=POOL.forget)

"""The child process that compiles the Typst documents of a build (see :mod:`typst_process`).

Run as ``python -m kommunrapport.writers.typst_child``: it imports only the standard library
and ``typst``, not the toolkit (whose errors module alone costs a child ~20 ms of CPU). It
starts once per build and serves every document: Python, ``typst`` and the font folders are
loaded once (about 30 ms of CPU that a process per document paid each time).

Each job is one JSON line on standard input, with an ``id``. The server forks a worker for it
at once, also while other workers run (the build decides how many compiles it asks for at a
time: ``PackageBuilder``'s PDF lanes). A worker sets the memory cap, sends its standard error to
the job's own file, compiles, writes the PDF and its answer (JSON: Typst's warnings, or its
error and hints) where the job says, and exits. When a worker ends, the server answers with one
line on standard output: the job's id and the worker's exit status (negative: the signal that
ended it, as the memory cap's abort). A worker that fails takes nothing with it. The server
never compiles itself, so it has no threads to lose in a fork (Typst's thread pool starts in
each worker), and it keeps no document's memory between jobs. The server ends when its
standard input closes (the build is done, or died), and ends its running workers with it.
Font folders given as arguments are read at start, before the first job arrives.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

MEMORY_LIMIT = 1024**3  # address space; the largest example document compiles in 384 MiB


def serve() -> None:  # pragma: no cover - runs in the child
    import typst

    fonts: dict[tuple[str, ...], Any] = {}
    if len(sys.argv) > 1:
        fonts[tuple(sys.argv[1:])] = _fonts(typst, tuple(sys.argv[1:]))
    if not hasattr(os, "fork"):  # Windows: one job at a time, here, without the memory cap
        for line in sys.stdin.buffer:
            job = json.loads(line)
            run_job(typst, job, _fonts_for(typst, fonts, job))
            _answer(job["id"], 0)
        return
    _serve_forking(typst, fonts)


def _serve_forking(typst: Any, fonts: dict[tuple[str, ...], Any]) -> None:  # pragma: no cover
    """Jobs from standard input and ended workers, whichever comes first: SIGCHLD wakes the
    ``select`` through a pipe (``signal.set_wakeup_fd``)."""
    import select
    import signal

    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_read, False)
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda _signal, _frame: None)
    running: dict[int, str] = {}  # worker pid → job id
    pending = b""
    stdin = sys.stdin.buffer.fileno()
    while True:
        ready, _, _ = select.select([stdin, wake_read], [], [])
        if wake_read in ready:
            while True:
                try:
                    if not os.read(wake_read, 512):
                        break
                except BlockingIOError:
                    break
        _reap(running)
        if stdin in ready:
            data = os.read(stdin, 1 << 16)
            if not data:  # the build is done, or died: nothing waits for these workers
                for pid in running:
                    os.kill(pid, signal.SIGKILL)
                return
            pending += data
            *lines, pending = pending.split(b"\n")
            for line in lines:
                if line.strip():
                    job = json.loads(line)
                    running[_fork_worker(typst, job, _fonts_for(typst, fonts, job))] = job["id"]


def _reap(running: dict[int, str]) -> None:  # pragma: no cover
    while running:
        pid, wait_status = os.waitpid(-1, os.WNOHANG)
        if pid == 0:
            return
        job_id = running.pop(pid, None)
        if job_id is not None:
            _answer(job_id, os.waitstatus_to_exitcode(wait_status))


def _answer(job_id: str, status: int) -> None:  # pragma: no cover
    sys.stdout.write(f"{job_id} {status}\n")
    sys.stdout.flush()


def _fonts(typst: Any, dirs: tuple[str, ...]) -> Any:  # pragma: no cover
    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=False, font_paths=dirs)


def _fonts_for(typst: Any, fonts: dict[tuple[str, ...], Any], job: dict[str, Any]) -> Any:
    """The font folders of ``job``, read once (lazily loaded faces load in the workers)."""
    dirs = tuple(job["font_dirs"])
    if dirs not in fonts:  # pragma: no cover - the build starts the server with its folders
        fonts[dirs] = _fonts(typst, dirs)
    return fonts[dirs]


def _fork_worker(typst: Any, job: dict[str, Any], fonts: Any) -> int:  # pragma: no cover
    """The pid of a forked worker running ``job``."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            import signal

            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            # the worker's output goes to its own file: standard output is the server's answers
            errors = os.open(job["errors"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(errors, 1)
            os.dup2(errors, 2)
            run_job(typst, job, fonts)
            status = 0
        except BaseException:
            import traceback

            traceback.print_exc()
        finally:
            sys.stderr.flush()
            os._exit(status)
    return pid


def run_job(typst: Any, job: dict[str, Any], fonts: Any) -> None:  # pragma: no cover
    try:
        import resource  # POSIX only (os.fork is too)
    except ImportError:
        pass
    else:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    root = job["root"]
    try:
        pdf, notes = typst.compile_with_warnings(
            os.path.join(root, "main.typ"),
            root=root,
            font_paths=fonts,
            ignore_system_fonts=True,
            pdf_standards=job["standards"],
            timestamp=job["timestamp"],
        )
    except typst.TypstError as error:
        answer: dict[str, Any] = {"error": error.message, "hints": list(error.hints)}
    else:
        with open(job["output"], "wb") as out:
            out.write(pdf)
        answer = {"warnings": [note.message for note in notes]}
    with open(job["answer"], "w", encoding="utf-8") as out:
        out.write(json.dumps(answer, ensure_ascii=False))


if __name__ == "__main__":  # pragma: no cover
    serve()

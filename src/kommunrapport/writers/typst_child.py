"""The child process that compiles the Typst documents of a build (see :mod:`typst_process`).

Run as ``python -m kommunrapport.writers.typst_child``: it imports only the standard library
and ``typst``, not the toolkit (whose errors module alone costs a child ~20 ms of CPU). It
starts once per build and serves every document: Python, ``typst`` and the font folders are
loaded once (about 30 ms of CPU that a process per document paid each time).

Each job is one JSON line on standard input. The server forks a worker for it, which sets the
memory cap, compiles, writes the PDF and its answer (JSON: Typst's warnings, or its error and
hints) where the job says, and exits. The server answers with one line on standard output:
the worker's exit status (negative: the signal that ended it, as the memory cap's abort).
A worker that fails takes nothing with it: the next job gets a fresh worker from the same
server. The server never compiles itself, so it has no threads to lose in a fork (Typst's
thread pool starts in each worker), and it keeps no document's memory between jobs.
The server ends when its standard input closes (the build is done, or died). Font folders
given as arguments are read at start, before the first job arrives.
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
        fonts[tuple(sys.argv[1:])] = typst.Fonts(
            include_system_fonts=False, include_embedded_fonts=False, font_paths=sys.argv[1:]
        )
    for line in sys.stdin.buffer:
        job = json.loads(line)
        dirs = tuple(job["font_dirs"])
        if dirs not in fonts:  # font folders read once; lazily loaded faces load in workers
            fonts[dirs] = typst.Fonts(
                include_system_fonts=False, include_embedded_fonts=False, font_paths=list(dirs)
            )
        sys.stdout.write(f"{compile_in_worker(typst, job, fonts[dirs])}\n")
        sys.stdout.flush()


def compile_in_worker(typst: Any, job: dict[str, Any], fonts: Any) -> int:  # pragma: no cover
    """The exit status of a forked worker that ran ``job`` (in this process where there is
    no fork: Windows, without the memory cap)."""
    if not hasattr(os, "fork"):
        run_job(typst, job, fonts)
        return 0
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            run_job(typst, job, fonts)
            status = 0
        except BaseException:
            import traceback

            traceback.print_exc()
        finally:
            sys.stderr.flush()
            os._exit(status)
    _, wait_status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(wait_status)


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

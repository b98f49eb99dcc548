"""Typst in a child process, under a memory cap and a time limit.

Typst runs in the build's own process as a library, and a Rust allocation that fails aborts the
whole process: every other package of a ``build -j1`` would die with it. Compiling in a child
keeps such a failure to the document: the child gets an address-space limit
(:data:`MEMORY_LIMIT`) and :data:`TIME_LIMIT` seconds; a child that is killed, aborts or runs
out of time becomes a located error for that document, and the rest of the build goes on.

The child (:mod:`typst_child`, which imports nothing of the toolkit) reads one job as JSON on
standard input (the folder Typst may read, the font folders, the PDF standards, the timestamp
and where the PDF goes), writes the PDF there and answers with JSON on standard output: the
warnings, or Typst's error.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from ..errors import KommunrapportError
from . import typst_child
from .typst_child import MEMORY_LIMIT

__all__ = ["MEMORY_LIMIT", "TIME_LIMIT", "TypstJob", "compile_in_child"]

TIME_LIMIT = 300  # seconds; the largest example document takes a few


@dataclass(frozen=True)
class TypstJob:
    root: str  # the only folder Typst reads; main.typ is in it
    output: str  # the PDF file (outside root)
    font_dirs: list[str]
    standards: list[str]
    timestamp: int


def compile_in_child(job: TypstJob) -> tuple[bytes, list[str]]:
    """The PDF and Typst's warnings; Typst's own error, a crash or a timeout is an error."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", typst_child.__name__],
            input=json.dumps(asdict(job)).encode("utf-8"),
            capture_output=True,
            timeout=TIME_LIMIT,
            env={**os.environ, "MALLOC_ARENA_MAX": "2", "RUST_BACKTRACE": "0"},
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise KommunrapportError(
            f"PDF:en kunde inte skapas: Typst blev inte klar på {TIME_LIMIT} sekunder",
            hint="Dela upp dokumentet eller korta de största tabellerna; hjälper inte det, "
            "skicka paketet till verktygets förvaltare.",
        ) from None
    answer = _answer(done.stdout)
    if done.returncode != 0 or answer is None:
        raise KommunrapportError(
            "PDF:en kunde inte skapas: Typst avbröts"
            + (" (för mycket minne)" if _out_of_memory(done) else ""),
            hint="Dela upp dokumentet eller korta de största tabellerna; hjälper inte det, "
            "skicka paketet till verktygets förvaltare.",
        )
    if "error" in answer:
        raise KommunrapportError(
            f"PDF:en kunde inte skapas: {answer['error']}",
            hint=" ".join(answer["hints"])
            or "Kontrollera alternativtexter och tecken som inget typsnitt har.",
        )
    return Path(job.output).read_bytes(), list(answer["warnings"])


def _answer(stdout: bytes) -> dict | None:
    try:
        answer = json.loads(stdout.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return answer if isinstance(answer, dict) else None


def _out_of_memory(done: subprocess.CompletedProcess[bytes]) -> bool:
    return done.returncode < 0 or b"memory allocation" in done.stderr

"""The child process that compiles one Typst document (see :mod:`typst_process`).

Run as ``python -m kommunrapport.writers.typst_child``: it imports only the standard library
and ``typst``, not the toolkit (whose errors module alone costs a child ~20 ms of CPU, once per
document). It reads the job as JSON on standard input, writes the PDF where the job says and
answers with JSON on standard output: Typst's warnings, or its error and hints.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

MEMORY_LIMIT = 1024**3  # address space; the largest example document compiles in 384 MiB


def run_job() -> None:  # pragma: no cover - runs in the child
    try:
        import resource  # POSIX only: on Windows the child runs without the cap
    except ImportError:
        pass
    else:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    import typst

    job = json.loads(sys.stdin.buffer.read())
    root = Path(job["root"])
    fonts = typst.Fonts(
        include_system_fonts=False, include_embedded_fonts=False, font_paths=job["font_dirs"]
    )
    try:
        pdf, notes = typst.compile_with_warnings(
            str(root / "main.typ"),
            root=str(root),
            font_paths=fonts,
            ignore_system_fonts=True,
            pdf_standards=job["standards"],
            timestamp=job["timestamp"],
        )
    except typst.TypstError as error:
        answer: dict = {"error": error.message, "hints": list(error.hints)}
    else:
        Path(job["output"]).write_bytes(pdf)
        answer = {"warnings": [note.message for note in notes]}
    sys.stdout.write(json.dumps(answer, ensure_ascii=False))


if __name__ == "__main__":  # pragma: no cover
    run_job()

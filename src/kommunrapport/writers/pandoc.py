"""Run the pandoc binary that ships with ``pypandoc-binary`` (no system pandoc needed)."""

from __future__ import annotations

import json
import os
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import KommunrapportError

# No automatic ids: structure.py gives headings ASCII ids short enough for Word bookmarks
# (at most 40 characters; a longer name is cut and its PAGEREF fields break).
MARKDOWN_FORMAT = (
    "markdown+east_asian_line_breaks-tex_math_dollars-raw_tex-auto_identifiers"
    "-native_divs-native_spans"  # <div> and <span> are raw HTML: removed, and checked for balance
)


@cache
def pandoc_path() -> str:
    import pypandoc

    try:
        return pypandoc.get_pandoc_path()
    except OSError:
        raise KommunrapportError(
            "pandoc hittades inte",
            hint="Installera om verktyget: pip install kommunrapport (det tar med pandoc).",
        ) from None


def run_pandoc(args: list[str], stdin: bytes, cwd: Path | None = None) -> bytes:
    env = dict(os.environ)
    env.setdefault("SOURCE_DATE_EPOCH", "0")
    result = subprocess.run(
        [pandoc_path(), *args], input=stdin, capture_output=True, cwd=cwd, env=env, check=False
    )
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()
        raise KommunrapportError(f"pandoc misslyckades: {message}")
    return result.stdout


def markdown_to_ast(markdown: str) -> dict[str, Any]:
    out = run_pandoc(["-f", MARKDOWN_FORMAT, "-t", "json"], markdown.encode("utf-8"))
    return json.loads(out)


def ast_to_bytes(ast: dict[str, Any], to: str, extra: list[str] | None = None) -> bytes:
    data = json.dumps(ast, ensure_ascii=False).encode("utf-8")
    return run_pandoc(["-f", "json", "-t", to, "-o", "-", *(extra or [])], data)

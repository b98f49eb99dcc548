"""Run the pandoc binary that ships with ``pypandoc-binary`` (no system pandoc needed)."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from ..errors import KommunrapportError
from ..project.code_digest import toolkit_code_digest
from ..project.user_cache import cache_dir, read_verified, write_verified
from .pandoc_engine import POOL, EngineFailure

# No automatic ids: structure.py gives headings ASCII ids short enough for Word bookmarks
# (at most 40 characters; a longer name is cut and its PAGEREF fields break).
MARKDOWN_FORMAT = (
    "markdown+east_asian_line_breaks-tex_math_dollars-raw_tex-auto_identifiers"
    "-native_divs-native_spans"  # <div> and <span> are raw HTML: removed, and checked for balance
)


@cache
def pandoc_path() -> str:
    """The pandoc that ships with pypandoc-binary, always: never one found on PATH, whose
    other version would give other bytes (and the build cache keys on the bundled version).
    ``PYPANDOC_PANDOC`` may name another binary on purpose (tests use it)."""
    chosen = os.environ.get("PYPANDOC_PANDOC")
    if chosen:
        return chosen
    spec = importlib.util.find_spec("pypandoc")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        for name in ("pandoc", "pandoc.exe"):
            candidate = Path(folder) / "files" / name
            if candidate.is_file():
                return str(candidate)
    raise KommunrapportError(
        "pandoc hittades inte (pypandoc-binary saknas)",
        hint="Installera om verktyget: pip install kommunrapport (det tar med pandoc).",
    )


# pandoc's parsers can be very slow on pathological input (its manual advises a heap limit and
# a timeout); text that nests too deeply is refused before (text.markdown_limits), these bound
# whatever is left.
HEAP_LIMIT = "-M768m"
TIME_LIMIT = 300  # seconds; the largest example document takes about one
_TOO_MUCH = (
    "Dela upp dokumentet eller korta de största tabellerna; hjälper inte det, skicka paketet "
    "till verktygets förvaltare."
)


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("SOURCE_DATE_EPOCH", "0")
    return env


def _failure(reason: str) -> KommunrapportError:
    if reason == "memory":
        return KommunrapportError("pandoc behövde för mycket minne", hint=_TOO_MUCH)
    if reason == "time":
        return KommunrapportError(f"pandoc blev inte klar på {TIME_LIMIT} sekunder", hint=_TOO_MUCH)
    return KommunrapportError(f"pandoc misslyckades: {reason}")


def run_pandoc(
    args: list[str], stdin: bytes, cwd: Path | None = None, runtime: tuple[str, ...] = ()
) -> bytes:
    """pandoc with ``args`` on ``stdin`` as a process of its own (for the odd call outside a
    build's conversions); ``runtime``: options for its runtime besides the heap limit."""
    command = [pandoc_path(), "+RTS", HEAP_LIMIT, *runtime, "-RTS", *args]
    try:
        result = subprocess.run(
            command,
            input=stdin,
            capture_output=True,
            cwd=cwd,
            env=_environment(),
            check=False,
            timeout=TIME_LIMIT,
        )
    except subprocess.TimeoutExpired:
        raise _failure("time") from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()
        raise _failure("memory" if "Heap exhausted" in message else message)
    return result.stdout


# pandoc's runtime is built to start with a 64 MB heap; a build's conversions need far less, and
# with a small one the engine peaks at about 115 instead of 180 MiB and is no slower.
SERVER_RUNTIME = ("-H4k",)


def _convert(request: dict[str, Any], payload: bytes) -> bytes:
    """One conversion by a long-lived pandoc of this build (``pandoc_engine``)."""
    command = [pandoc_path(), "+RTS", HEAP_LIMIT, *SERVER_RUNTIME, "-RTS"]
    try:
        with POOL.engine(command, _environment(), TIME_LIMIT) as engine:
            return engine.request(request, payload)
    except EngineFailure as failure:
        raise _failure(str(failure)) from None


def markdown_to_ast(markdown: str, token: str | None = None) -> dict[str, Any]:
    """pandoc's reading of a document's Markdown. Remembered between builds in the user's
    cache under the Markdown, the pandoc binary and the toolkit's code (the same input, the
    same AST): a document whose Markdown did not change since a build before is not read by
    pandoc again. A damaged entry is not used (``read_verified``).

    ``token`` is the document's secret of this build (``BlockRegistry.token``: the ids of its
    placeholders), which differs in every build. The entry is kept with a mark in its place,
    which neither the Markdown nor pandoc's reading of it may hold otherwise, and a reading
    from the cache gets this build's token there."""
    entry = _read_entry(markdown, token)
    stored = read_verified(entry) if entry is not None else None
    if stored is not None and token is not None:
        try:
            ast: dict[str, Any] = orjson.loads(stored.replace(_TOKEN_MARK, token.encode()))
            return ast
        except orjson.JSONDecodeError:
            pass
    out = _convert({"read": "in", "from": MARKDOWN_FORMAT}, markdown.encode("utf-8"))
    if entry is not None and token is not None and _TOKEN_MARK not in out:
        write_verified(entry, out.replace(token.encode(), _TOKEN_MARK))
    return orjson.loads(out)


# In a cached reading, where the document's token was: the JSON escape pandoc writes for a NUL
# character, which no Markdown of a build holds (sources with control characters are refused).
# A reading that holds these six characters anyway (a text with a backslash before "u0000") is
# not kept.
_TOKEN_MARK = b"\\u0000"


def _read_entry(markdown: str, token: str | None) -> Path | None:
    folder = cache_dir("pandoc-ast")
    if folder is None or token is None or "\0" in markdown or len(token) < 8:
        return None
    binary = pandoc_path()
    try:
        info = os.stat(binary)
    except OSError:
        return None
    key = hashlib.sha256(b"pandoc-read-2\0")
    for part in (binary, str(info.st_size), str(info.st_mtime_ns), MARKDOWN_FORMAT):
        key.update(part.encode("utf-8") + b"\0")
    key.update(toolkit_code_digest().encode())
    key.update(hashlib.sha256(markdown.replace(token, "\0").encode("utf-8")).digest())
    return folder / f"{key.hexdigest()[:40]}.json"


def ast_to_bytes(
    ast: dict[str, Any],
    to: str,
    options: dict[str, Any] | None = None,
    resources: list[Path] | None = None,
) -> bytes:
    """``ast`` written as ``to`` with pandoc's writer ``options`` (the names of its Lua
    WriterOptions: ``wrap_text``, ``section_divs``, ``reference_doc`` …); images are looked up
    in the ``resources`` folders, in order."""
    request = {
        "write": "in",
        "to": to,
        "options": options or {},
        "resources": [str(folder) for folder in resources or []],
    }
    return _convert(request, orjson.dumps(ast))  # UTF-8, as pandoc reads it

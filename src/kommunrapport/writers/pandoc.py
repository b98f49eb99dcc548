"""Run the pandoc binary that ships with ``pypandoc-binary`` (no system pandoc needed)."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import subprocess
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from ..document.pandoc_ast import Node, walk_inlines
from ..errors import KommunrapportError
from ..project.code_digest import toolkit_code_digest
from ..project.user_cache import cache_dir, file_digest, read_verified, write_verified
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


def markdown_to_ast(markdown: str, secrets: tuple[str, ...] = ()) -> dict[str, Any]:
    """pandoc's reading of a document's Markdown. Remembered between builds in the user's
    cache under the Markdown, the pandoc binary and the toolkit's code (the same input, the
    same AST): a document whose Markdown did not change since a build before is not read by
    pandoc again. A damaged entry is not used (``read_verified``).

    ``secrets`` are the names this build chose at random and put in the Markdown, which differ
    in every build: the document's token (``BlockRegistry.token``, the ids of its
    placeholders) and the attribute that carries a figure's source
    (``markdown_text.PROVENANCE_IN_MARKDOWN``). In the key and the entry each is replaced by a
    mark that neither the Markdown nor pandoc's reading of it may hold otherwise, and a
    reading from the cache gets this build's names there. Without secrets nothing is kept."""
    entry = _read_entry(markdown, secrets)
    stored = read_verified(entry) if entry is not None else None
    if stored is not None:
        try:
            ast: dict[str, Any] = orjson.loads(_unmask(stored, secrets))
            return ast
        except orjson.JSONDecodeError:
            pass
    out = _convert({"read": "in", "from": MARKDOWN_FORMAT}, markdown.encode("utf-8"))
    if entry is not None and not any(mark in out for mark in _MARKS):
        write_verified(entry, _mask(out, secrets))
    return orjson.loads(out)


# In a cached reading, where the build's secrets were: the JSON escapes pandoc writes for the
# control characters NUL, SOH …, which no Markdown of a build holds (sources with control
# characters are refused). A reading that holds one of these texts anyway (a backslash before
# "u0000") is not kept.
_MARKS = (b"\\u0000", b"\\u0001")
_MASKS_IN_MARKDOWN = ("\0", "\1")


def _mask(data: bytes, secrets: Sequence[str]) -> bytes:
    for secret, mark in zip(secrets, _MARKS, strict=False):
        data = data.replace(secret.encode(), mark)
    return data


def _unmask(data: bytes, secrets: Sequence[str]) -> bytes:
    for secret, mark in zip(secrets, _MARKS, strict=False):
        data = data.replace(mark, secret.encode())
    return data


def _read_entry(markdown: str, secrets: Sequence[str]) -> Path | None:
    folder = cache_dir("pandoc-ast")
    usable = 0 < len(secrets) <= len(_MARKS) and all(len(secret) >= 8 for secret in secrets)
    if folder is None or not usable or any(mask in markdown for mask in _MASKS_IN_MARKDOWN):
        return None
    key = _pandoc_key(b"pandoc-read-4")
    if key is None:
        return None
    key.update(MARKDOWN_FORMAT.encode("utf-8") + b"\0")
    for secret, mask in zip(secrets, _MASKS_IN_MARKDOWN, strict=False):
        markdown = markdown.replace(secret, mask)
    key.update(hashlib.sha256(markdown.encode("utf-8")).digest())
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
    payload = orjson.dumps(ast)  # UTF-8, as pandoc reads it
    entry = _write_entry(request, payload, ast)
    stored = read_verified(entry) if entry is not None else None
    if stored is not None:
        return stored
    out = _convert(request, payload)
    if entry is not None:
        write_verified(entry, out)
    return out


def _pandoc_key(kind: bytes) -> Any | None:
    """A hash of what every conversion depends on besides its input: the pandoc binary, its
    environment's date and the toolkit's code; None when the binary cannot be found."""
    binary = pandoc_path()
    try:
        info = os.stat(binary)
    except OSError:
        return None
    key = hashlib.sha256(kind + b"\0")
    date = _environment()["SOURCE_DATE_EPOCH"]
    for part in (binary, str(info.st_size), str(info.st_mtime_ns), date):
        key.update(part.encode("utf-8") + b"\0")
    key.update(toolkit_code_digest().encode())
    return key


def _write_entry(request: dict[str, Any], payload: bytes, ast: dict[str, Any]) -> Path | None:
    """Where pandoc's writing of ``payload`` is remembered between builds: keyed by the request,
    the AST's bytes and the bytes of every file the writer reads (the reference DOCX, the
    images it looks up in the resource folders). None (not remembered) when caching is off or
    the writer would read something the key cannot hold (an image from the web)."""
    folder = cache_dir("pandoc-skrivning")
    if folder is None:
        return None
    key = _pandoc_key(b"pandoc-write-1")
    if key is None:
        return None
    if not set(request["options"]) <= _KEYED_OPTIONS:
        return None  # an option that may read a file the key does not know
    # files by their bytes, not their paths (the build's charts are in a temporary folder)
    options = {
        name: file_digest(Path(value)).hex() if name in _FILE_OPTIONS else value
        for name, value in request["options"].items()
    }
    shape = {"to": request["to"], "options": options, "resources": len(request["resources"])}
    key.update(orjson.dumps(shape, option=orjson.OPT_SORT_KEYS) + b"\0")
    key.update(hashlib.sha256(payload).digest())
    if request["resources"]:
        for source in _image_sources(ast):
            if "://" in source or source.startswith("data:"):
                return None
            found = [
                (index, Path(place) / source)
                for index, place in enumerate(request["resources"])
                if (Path(place) / source).is_file()
            ][:1]
            key.update(b"image\0" + source.encode() + b"\0")
            for index, path in found:  # the first folder that has it, as the engine looks
                key.update(str(index).encode() + b"\0" + file_digest(path))
    return folder / f"{key.hexdigest()[:40]}.bin"


# The writer options whose values are the whole of what they mean, and those naming a file.
_FILE_OPTIONS = {"reference_doc"}
_KEYED_OPTIONS = {"wrap_text", "section_divs", "columns", "toc_depth", *_FILE_OPTIONS}


def _image_sources(ast: dict[str, Any]) -> list[str]:
    """The ``src`` of every Image in ``ast``, in order, once each."""
    found: dict[str, None] = {}

    def visit(node: Node) -> None:
        if node["t"] == "Image":
            found.setdefault(str(node["c"][2][0]), None)

    walk_inlines(ast.get("blocks"), visit)
    return list(found)

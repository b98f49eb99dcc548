"""Sandboxed Jinja for Markdown sections, snippets and every template a package can supply.

Every template renders in :class:`~.sandbox.LimitedSandbox`: the toolkit's own, a package's
sections and snippets, and a package's or repository's replacements for the block templates,
the cover and the HTML page. Templates are read through the package's
:class:`~..project.source_files.SourceFiles` (so nothing outside the package and the template
folders can be included) and looked up in the package folder first (so
``{% include 'snippets/x.md' %}`` finds the package's snippets), then in the template folders.

Every problem becomes a :class:`KommunrapportError` with the template's file and line.
"""

from __future__ import annotations

import hashlib
import os
import re
import traceback
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import (
    BaseLoader,
    BytecodeCache,
    StrictUndefined,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
    select_autoescape,
)
from jinja2.bccache import Bucket
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.ext import Extension
from jinja2.loaders import split_template_path

from ..errors import KommunrapportError, Location
from ..project.code_digest import toolkit_code_digest
from ..project.frontmatter import split_front_matter
from ..project.source_files import SourceFiles, TemplateFolders, real_path
from ..project.user_cache import cache_dir, read_verified, write_verified
from .markdown_text import as_markdown, markdown_value, settle_values
from .sandbox import LimitedSandbox, TemplateLimit, at_render, render_budget


class SourceLoader(BaseLoader):
    """Finds templates in a list of folders, reading them only through the package's files;
    Markdown front matter becomes blank lines (so line numbers stay the file's)."""

    def __init__(
        self,
        files: SourceFiles,
        folders: Sequence[Path],
        display: Callable[[Path], str] | None = None,
    ):
        self.files = files
        self.folders = list(folders)
        self.display: Callable[[Path], str] = display or files.display

    def get_source(self, environment: jinja2.Environment, template: str) -> Any:
        pieces = split_template_path(template)  # rejects '..'
        for folder in self.folders:
            path = folder.joinpath(*pieces)
            if self.files.exists(path):
                text = self.files.read_text(path)
                if path.suffix == ".md":
                    text = split_front_matter(text, self.files.display(path)).body
                mtime = os.stat(path).st_mtime
                return text, str(path), lambda p=path, m=mtime: _unchanged(p, m)
        raise TemplateNotFound(template)


def _unchanged(path: Path, mtime: float) -> bool:
    try:
        return os.stat(path).st_mtime == mtime
    except OSError:
        return False


# -- compiled templates between builds ------------------------------------------------------------
def _code_key() -> str:
    """What compiled code depends on besides the template's source: Jinja's version and the
    toolkit's code (the environment's settings, and each filter's signature, which decides how
    the code calls it). Nothing of the toolkit runs while compiling (``sandbox.at_render``,
    ``optimized=False``), so no value of the toolkit or the package is in the code."""
    return hashlib.sha256(f"{toolkit_code_digest()}\0{jinja2.__version__}".encode()).hexdigest()


class VerifiedBytecodeCache(BytecodeCache):
    """Compiled templates kept between builds. Each entry carries a SHA-256 of its content and
    is used only if it matches (a damaged entry is compiled anew); Jinja checks it against a
    checksum of the template's source as well, so an edited file is compiled anew too."""

    def __init__(self, folder: Path):
        self.folder = folder

    def _path(self, bucket: Bucket) -> Path:
        return self.folder / f"{bucket.key}.kbc"

    def load_bytecode(self, bucket: Bucket) -> None:
        payload = read_verified(self._path(bucket))
        if payload is None:
            return
        try:
            bucket.bytecode_from_string(payload)
        except Exception:  # unreadable despite the checksum (another Python): compiled anew
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        write_verified(self._path(bucket), bucket.bytecode_to_string())


def _bytecode_cache() -> VerifiedBytecodeCache | None:
    folder = cache_dir("mallar")
    if folder is None:
        return None
    folder = folder / _code_key()[:16]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return VerifiedBytecodeCache(folder)


# Block tags on their own line leave no trace (trim_blocks, lstrip_blocks). A tag that ends a line
# which also holds text gets Jinja's '+' ("keep the newline"), so "{% if a %}Text.{% endif %}"
# between blank lines stays a paragraph and "ord {% if a %}x{% endif %}" + newline does not glue
# to the next line. Only '+' is inserted, so line numbers in error messages stay the same.
_TEMPLATE_TAG = re.compile(
    r"(?P<raw>\{%[-+]?\s*raw\s*[-+]?%\})(?P<body>.*?)(?P<endraw>\{%[-+]?\s*endraw\s*[-+]?%\})"
    r"|\{%.*?%\}|\{#.*?#\}",
    re.S,
)


def keep_text_newlines(source: str) -> str:
    """Mark each block tag or comment that ends a line holding text with '+' (see above)."""
    tags: list[tuple[int, int]] = []
    for match in _TEMPLATE_TAG.finditer(source):
        if match.group("raw"):
            tags += [match.span("raw"), match.span("endraw")]
        else:
            tags.append(match.span())
    masked = list(source)
    for start, end in tags:
        masked[start:end] = " " * (end - start)
    text = "".join(masked)
    marks = []
    for start, end in tags:
        ends_line = source.startswith(("\n", "\r\n"), end)
        controlled = source[end - 3 : end - 2] in ("-", "+")
        line_start = text.rfind("\n", 0, start) + 1
        if ends_line and not controlled and text[line_start:end].strip():
            marks.append(end - 2)
    for position in reversed(marks):
        source = source[:position] + "+" + source[position:]
    return source


class _KeepTextNewlines(Extension):
    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return keep_text_newlines(source)


# -- environments ------------------------------------------------------------------------------
def make_environment(
    folders: Sequence[Path],
    display: Callable[[Path], str] | None = None,
    filters: Mapping[str, Callable[..., Any]] | None = None,
    globals_: Mapping[str, Any] | None = None,
    files: SourceFiles | None = None,
) -> LimitedSandbox:
    """The environment for Markdown templates. ``files`` is the package's one way to read
    files; without it (the toolkit's own templates, tests) exactly ``folders`` may be read."""
    if files is None:
        home = folders[0] if folders else Path.cwd()
        files = SourceFiles(home, home, tuple(real_path(f) for f in folders))
    env = LimitedSandbox(
        loader=SourceLoader(files, folders, display),
        undefined=StrictUndefined,
        # every {{ value }} is text, not Markdown syntax (markdown_text); trusted Markdown is Markup
        autoescape=True,
        finalize=markdown_value,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.loopcontrols", _KeepTextNewlines],
        bytecode_cache=_bytecode_cache(),
    )
    env.filters.update(filters or {})
    env.filters["markdown"] = as_markdown
    env.globals.update(globals_ or {})
    return env


def page_environment(templates: TemplateFolders) -> LimitedSandbox:
    """The environment for the HTML page template (``html/sida.html.j2``): HTML-escaped."""
    return LimitedSandbox(
        loader=SourceLoader(templates.files, templates.folders),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


# -- rendering and its errors ------------------------------------------------------------------
def _template_frame(exc: BaseException) -> tuple[str, int] | None:
    """The innermost traceback frame that belongs to a template: (file, line)."""
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        name = frame.filename
        if name.endswith((".md", ".j2", ".jinja", ".html")) or name == "<template>":
            found = (name, frame.lineno or 0)
    return found


def _location(exc: BaseException, display: Callable[[Path], str], fallback: Location) -> Location:
    frame = _template_frame(exc)
    if frame is None:
        return fallback
    name, line = frame
    if name == "<template>":
        return fallback
    return Location(display(Path(name)), line=line)


_UNSAFE = re.compile(r"attribute '([^']*)'")
CALCULATION_ERRORS = (
    TypeError,
    ValueError,
    ArithmeticError,
    KeyError,
    IndexError,
    AttributeError,
    UnicodeError,
)


def _translate(
    exc: BaseException, display: Callable[[Path], str], fallback: Location
) -> KommunrapportError | None:
    """The located Swedish error for an exception raised while rendering, or None when it is
    not a problem in the template (then it is the toolkit's, and goes on up)."""
    where = _location(exc, display, fallback)
    if isinstance(exc, TemplateSyntaxError):
        shown = display(Path(exc.filename)) if exc.filename else fallback.file
        line = exc.lineno if exc.filename else fallback.line
        return KommunrapportError(
            f"fel i mallsyntaxen: {exc.message}",
            Location(shown, line=line, field=None if exc.filename else fallback.field),
            "Kontrollera {{ … }} och {% … %} på raden.",
        )
    if isinstance(exc, UndefinedError) and not isinstance(exc, SecurityError):
        return KommunrapportError(
            f"okänt namn i mallen: {_undefined_message(exc)}",
            where,
            "Stava namnet som i report.yaml eller data, eller ta bort uttrycket.",
        )
    if isinstance(exc, TemplateNotFound):
        return KommunrapportError(
            f"hittar inte filen {exc.name!r} som ska tas med",
            where,
            "Kontrollera sökvägen; den utgår från paketets mapp och får inte innehålla '..'.",
        )
    if isinstance(exc, SecurityError):
        found = _UNSAFE.search(str(exc))
        what = f" ({found.group(1)!r})" if found else ""
        return KommunrapportError(
            f"otillåtet uttryck i mallen: det försöker nå en inre del av Python{what}",
            where,
            "En mall får bara läsa värden ur rapporten, inte Pythons inre delar som "
            "__class__ eller __globals__. Ta bort uttrycket.",
        )
    if isinstance(exc, TemplateLimit):
        return KommunrapportError(
            exc.message,
            where,
            "Förenkla uttrycket; en rapport behöver inte så stora värden eller så många varv.",
        )
    if isinstance(exc, RecursionError):
        return KommunrapportError(
            "mallen tar med eller anropar sig själv utan slut",
            where,
            "Kontrollera {% include %} och macron: en fil får inte ta med sig själv.",
        )
    if isinstance(exc, MemoryError):
        return KommunrapportError(
            "uttrycket behöver för mycket minne", where, "Förenkla uttrycket på raden."
        )
    if isinstance(exc, TemplateError):
        return KommunrapportError(f"fel i mallen: {exc}", where, "Kontrollera uttrycket.")
    if isinstance(exc, CALCULATION_ERRORS):
        return KommunrapportError(
            f"uttrycket kan inte beräknas: {exc}",
            where,
            "Kontrollera uttrycket i {{ … }} på raden.",
        )
    return None


def _located(exc: KommunrapportError, where: Location) -> KommunrapportError:
    if exc.hint is None:
        exc.hint = "Kontrollera uttrycket i {{ … }} på raden."
    if not exc.location.file:
        exc.location = where
    elif where.file and where.file != exc.location.file and "(i " not in exc.message:
        exc.message += f" (används i {where})"  # the data cell, and the text that used it
    return exc


def _display_of(env: jinja2.Environment) -> Callable[[Path], str]:
    loader = env.loader
    if isinstance(loader, SourceLoader):
        return loader.display
    return str


def render_template(
    env: jinja2.Environment, name: str, context: Mapping[str, Any], display_name: str
) -> str:
    """Render a template by its loader name; errors become :class:`KommunrapportError`."""
    display = _display_of(env)
    try:
        with render_budget():
            return settle_values(env.get_template(name).render(context))
    except KommunrapportError as exc:
        raise _located(exc, _location(exc, display, Location(display_name))) from None
    except Exception as exc:
        error = _translate(exc, display, Location(display_name))
        if error is None:
            raise
        raise error from None


def text_environment(env: jinja2.Environment) -> jinja2.Environment:
    """``env`` for plain text (titles, captions, column headings: not Markdown): values are
    printed as they are, without Markdown escaping (but within the sandbox's limits)."""
    plain = getattr(env, "_plain_text_overlay", None)
    if plain is None:
        finalize = at_render(env.finalize_output) if isinstance(env, LimitedSandbox) else None
        plain = env.overlay(autoescape=False, finalize=finalize)
        env._plain_text_overlay = plain  # type: ignore[attr-defined]
    return plain


def render_string(
    env: jinja2.Environment, text: str, context: Mapping[str, Any], location: Location
) -> str:
    """Render a short template held in configuration, such as a title with ``{{ år }}``, as
    plain text (values are not escaped for Markdown)."""
    if "{" not in text:
        return text
    try:
        with render_budget():
            return text_environment(env).from_string(text).render(context)
    except KommunrapportError as exc:
        raise _located(exc, location) from None
    except Exception as exc:
        error = _translate(exc, _display_of(env), location)
        if error is None:
            raise
        raise error from None


def _undefined_message(exc: UndefinedError) -> str:
    text = str(exc.message or exc)
    if text.endswith("is undefined"):
        return f"{text.removesuffix(' is undefined')} är inte definierat"
    if "has no attribute" in text:
        obj, attr = text.split(" has no attribute ", 1)
        return f"{obj} har inget fält {attr}"
    return text

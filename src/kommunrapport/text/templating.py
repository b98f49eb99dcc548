"""Sandboxed Jinja for Markdown sections, snippets and report templates.

Undefined names are errors that name the file and line. Templates are looked up in the package
folder first (so ``{% include 'snippets/x.md' %}`` finds the package's snippets), then in the
template folders. A path may not climb out of those folders.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import (
    BaseLoader,
    FileSystemBytecodeCache,
    StrictUndefined,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
)
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.ext import Extension
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..errors import KommunrapportError, Location
from ..project.frontmatter import split_front_matter
from ..project.user_cache import cache_dir
from .markdown_text import as_markdown, markdown_value, settle_values


class PackageLoader(BaseLoader):
    """Finds templates in a list of folders; Markdown front matter becomes blank lines."""

    def __init__(self, folders: list[Path], display: Callable[[Path], str]):
        self.folders = folders
        self.display = display

    def get_source(self, environment, template: str):
        pieces = split_template_path(template)  # rejects '..'
        for folder in self.folders:
            path = folder.joinpath(*pieces)
            if path.is_file():
                text = path.read_text(encoding="utf-8")
                if path.suffix == ".md":
                    text = split_front_matter(text, self.display(path)).body
                mtime = path.stat().st_mtime
                return text, str(path), lambda p=path, m=mtime: p.stat().st_mtime == m
        raise TemplateNotFound(template)


class QuietBytecodeCache(FileSystemBytecodeCache):
    """Compiled templates kept between builds; an unreadable or unwritable entry is skipped.

    Jinja checks each entry against a checksum of the template's source, so an edited file is
    compiled anew. The folder name carries Jinja's version and this module's code, because the
    compiled code also depends on the environment's settings.
    """

    def load_bytecode(self, bucket):
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged entry (pickle, marshal): compiled anew
            bucket.reset()

    def dump_bytecode(self, bucket):
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


# compiled code depends on Jinja's version and on the environment settings in this module
_CODE_KEY = hashlib.sha256(Path(__file__).read_bytes() + jinja2.__version__.encode()).hexdigest()


def _bytecode_cache() -> QuietBytecodeCache | None:
    folder = cache_dir("mallar")
    if folder is None:
        return None
    folder = folder / _CODE_KEY[:16]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return QuietBytecodeCache(str(folder))


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


def make_environment(
    folders: list[Path],
    display: Callable[[Path], str],
    filters: Mapping[str, Callable[..., Any]] | None = None,
    globals_: Mapping[str, Any] | None = None,
) -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        loader=PackageLoader(folders, display),
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


def _template_frame(exc: BaseException) -> tuple[str, int] | None:
    """The innermost traceback frame that belongs to a template: (file, line)."""
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        name = frame.filename
        if name.endswith((".md", ".j2", ".jinja", ".html")) or name == "<template>":
            found = (name, frame.lineno or 0)
    return found


def _location(exc: BaseException, display: Callable[[Path], str], fallback: str) -> Location:
    frame = _template_frame(exc)
    if frame is None:
        return Location(fallback)
    name, line = frame
    shown = display(Path(name)) if name != "<template>" else fallback
    return Location(shown, line=line)


def render_template(
    env: ImmutableSandboxedEnvironment,
    name: str,
    context: Mapping[str, Any],
    display_name: str,
) -> str:
    """Render a template by its loader name; errors become :class:`KommunrapportError`."""
    display: Callable[[Path], str] = env.loader.display  # type: ignore[union-attr]
    try:
        template = env.get_template(name)
        return settle_values(template.render(context))
    except TemplateSyntaxError as exc:
        shown = display(Path(exc.filename)) if exc.filename else display_name
        raise KommunrapportError(
            f"fel i mallsyntaxen: {exc.message}",
            Location(shown, line=exc.lineno),
            "Kontrollera {{ … }} och {% … %} på raden.",
        ) from None
    except UndefinedError as exc:
        raise KommunrapportError(
            f"okänt namn i mallen: {_undefined_message(exc)}",
            _location(exc, display, display_name),
            "Stava namnet som i report.yaml eller data, eller ta bort uttrycket.",
        ) from None
    except TemplateNotFound as exc:
        raise KommunrapportError(
            f"hittar inte filen {exc.name!r} som ska tas med",
            _location(exc, display, display_name),
            "Kontrollera sökvägen; den utgår från paketets mapp och får inte innehålla '..'.",
        ) from None
    except SecurityError as exc:
        raise KommunrapportError(
            f"otillåtet uttryck i mallen: {exc}",
            _location(exc, display, display_name),
            "Mallar får bara läsa värden, inte anropa interna funktioner.",
        ) from None
    except KommunrapportError as exc:
        where = _location(exc, display, display_name)
        if not exc.location.file:
            exc.location = where
        elif where.file and where.file != exc.location.file and "(i " not in exc.message:
            exc.message += f" (används i {where})"  # the data cell, and the text that used it
        raise
    except TemplateError as exc:
        raise KommunrapportError(
            f"fel i mallen: {exc}", _location(exc, display, display_name)
        ) from None
    except (TypeError, ValueError, ZeroDivisionError, KeyError, AttributeError) as exc:
        raise KommunrapportError(
            f"uttrycket kan inte beräknas: {exc}",
            _location(exc, display, display_name),
            "Kontrollera uttrycket i {{ … }} på raden.",
        ) from None


def text_environment(env: ImmutableSandboxedEnvironment) -> ImmutableSandboxedEnvironment:
    """``env`` for plain text (titles, captions, column headings: not Markdown): values are
    printed as they are, without Markdown escaping."""
    plain = getattr(env, "_plain_text_overlay", None)
    if plain is None:
        plain = env.overlay(autoescape=False, finalize=None)
        env._plain_text_overlay = plain  # type: ignore[attr-defined]
    return plain


def render_string(
    env: ImmutableSandboxedEnvironment, text: str, context: Mapping[str, Any], location: Location
) -> str:
    """Render a short template held in configuration, such as a title with ``{{ år }}``, as
    plain text (values are not escaped for Markdown)."""
    if "{" not in text:
        return text
    try:
        return text_environment(env).from_string(text).render(context)
    except TemplateSyntaxError as exc:
        raise KommunrapportError(f"fel i mallsyntaxen: {exc.message}", location) from None
    except UndefinedError as exc:
        raise KommunrapportError(
            f"okänt namn i mallen: {_undefined_message(exc)}", location
        ) from None
    except TemplateError as exc:
        raise KommunrapportError(f"fel i mallen: {exc}", location) from None


def _undefined_message(exc: UndefinedError) -> str:
    text = str(exc.message or exc)
    if text.endswith("is undefined"):
        return f"{text.removesuffix(' is undefined')} är inte definierat"
    if "has no attribute" in text:
        obj, attr = text.split(" has no attribute ", 1)
        return f"{obj} har inget fält {attr}"
    return text

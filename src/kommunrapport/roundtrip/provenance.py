"""Where each character of a rendered section comes from: a literal run of a template file, or
the output of a ``{{ … }}`` expression (with the data cells the expression read).

A Jinja extension, used only on an overlay of the package's environment (own template cache,
no bytecode cache), re-tokenizes every template it compiles and

* puts a sentinel before each run of literal text naming the run (file, offset in the
  template's text, whether a loop, macro or ``{% set %}`` block repeats or captures it);
* wraps each ``{{ … }}`` in ``{{ kr_open(n) }}`` / ``{{ kr_close(n) }}``, which write
  sentinels and tell the wrapped filters which expression they are working for, so that the
  ``origin`` of every amount from the data that passes through is recorded.

Whitespace control (trim_blocks, lstrip_blocks, ``-``) is done by the lexer before the
extension sees the tokens, so the output is the normal output plus sentinels. :func:`split`
removes them and gives the origin of every character.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment, pass_eval_context
from jinja2.ext import Extension
from jinja2.lexer import TokenStream
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..errors import Location
from ..text.markdown_text import provenance_of

LITERAL = "\ue000"
OPEN = "\ue001"
CLOSE = "\ue002"
SENTINELS = (LITERAL, OPEN, CLOSE)
ID_BASE = 0xF0000  # supplementary private use area: one character per run or expression
REPEATING = {"for", "macro", "call", "filter"}

RawToken = tuple[int, str, str]


@dataclass
class Chunk:
    """A run of literal text of a template."""

    template: str  # the loader's name
    filename: str | None
    start: int  # offset in the template's text
    text: str
    repeated: bool  # inside for/macro/call/filter or a {% set %} block


@dataclass
class Expression:
    """A ``{{ … }}`` of a template."""

    template: str
    filename: str | None
    start: int  # offset of '{{' in the template's text
    end: int  # offset after '}}'
    source: str  # as written
    repeated: bool
    origins: list[Location] = field(default_factory=list)  # data cells it printed


@dataclass(frozen=True)
class Origin:
    kind: str  # "lit" or "expr"
    index: int  # the chunk's or the expression's number
    offset: int = 0  # for "lit": offset in the chunk


@dataclass
class ProvenanceRecorder:
    chunks: list[Chunk] = field(default_factory=list)
    expressions: list[Expression] = field(default_factory=list)
    sources: dict[str | None, str] = field(default_factory=dict)  # template → its text
    open: list[int] = field(default_factory=list)  # expressions being evaluated

    def record(self, value: Any) -> None:
        origin = getattr(value, "origin", None)
        if isinstance(origin, Location) and self.open:
            found = self.expressions[self.open[-1]].origins
            if origin not in found:
                found.append(origin)


def _mark(number: int) -> str:
    return chr(ID_BASE + number)


def _offsets(raw: list[RawToken], source: str) -> list[int]:
    """The offset in ``source`` of every raw token, found in order."""
    out = []
    cursor = 0
    for _line, _kind, value in raw:
        found = source.find(value, cursor) if value else cursor
        found = cursor if found < 0 else found
        out.append(found)
        cursor = found + len(value)
    return out


def _statement_words(raw: list[RawToken], start: int) -> list[tuple[str, str]]:
    """(kind, value) of the tokens of the statement that begins at ``start``."""
    out = []
    for _line, kind, value in raw[start + 1 :]:
        if kind == "block_end":
            break
        out.append((kind, value))
    return out


def _depth_change(raw: list[RawToken], index: int) -> int:
    words = _statement_words(raw, index)
    names = [value for kind, value in words if kind == "name"]
    first = names[0] if names else ""
    if first in REPEATING:
        return 1
    if first == "set" and ("operator", "=") not in words:
        return 1  # {% set x %} … {% endset %} captures its output
    if first.startswith("end") and first[3:] in REPEATING | {"set"}:
        return -1
    return 0


def _call(line: int, function: str, number: int) -> list[RawToken]:
    return [
        (line, "variable_begin", "{{"),
        (line, "name", function),
        (line, "lparen", "("),
        (line, "integer", str(number)),
        (line, "rparen", ")"),
        (line, "variable_end", "}}"),
    ]


class ProvenanceExtension(Extension):
    """Tags the literal text and the expressions of every template it compiles."""

    priority = 1000  # preprocess last: the offsets are in the text the lexer reads

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.extend(provenance=ProvenanceRecorder())

    @property
    def recorder(self) -> ProvenanceRecorder:
        return self.environment.provenance  # type: ignore[attr-defined]

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        self.recorder.sources[name] = source
        return source

    def filter_stream(self, stream: TokenStream) -> TokenStream:
        name, filename = stream.name, stream.filename
        source = self.recorder.sources.get(name, "")
        lexer = self.environment.lexer
        raw: list[RawToken] = list(lexer.tokeniter(source, name, filename))
        tokens = self._tagged(raw, _offsets(raw, source), source, name or "", filename)
        return TokenStream(lexer.wrap(iter(tokens), name, filename), name, filename)

    def _tagged(
        self,
        raw: list[RawToken],
        offsets: list[int],
        source: str,
        name: str,
        filename: str | None,
    ) -> Iterator[RawToken]:
        recorder = self.recorder
        depth = 0
        index = 0
        while index < len(raw):
            line, kind, value = raw[index]
            if kind == "block_begin":
                depth = max(0, depth + _depth_change(raw, index))
            if kind == "data":
                number = len(recorder.chunks)
                recorder.chunks.append(Chunk(name, filename, offsets[index], value, depth > 0))
                yield line, "data", LITERAL + _mark(number) + value
                index += 1
                continue
            if kind == "variable_begin":
                end = index
                while end < len(raw) and raw[end][1] != "variable_end":
                    end += 1
                stop = offsets[end] + len(raw[end][2]) if end < len(raw) else len(source)
                start = offsets[index]
                number = len(recorder.expressions)
                recorder.expressions.append(
                    Expression(name, filename, start, stop, source[start:stop], depth > 0)
                )
                yield from _call(line, "kr_open", number)
                yield from raw[index : end + 1]
                yield from _call(line, "kr_close", number)
                index = end + 1
                continue
            yield raw[index]
            index += 1


def provenance_environment(
    env: ImmutableSandboxedEnvironment,
) -> tuple[ImmutableSandboxedEnvironment, ProvenanceRecorder]:
    """An overlay of ``env`` (same loader, filters, sandbox) that records provenance; its own
    template cache and no bytecode cache, so the normal build's compiled templates stay."""
    overlay = env.overlay(extensions=[ProvenanceExtension], cache_size=400, bytecode_cache=None)
    recorder: ProvenanceRecorder = overlay.provenance  # type: ignore[attr-defined]
    overlay.filters = dict(overlay.filters)
    overlay.globals = dict(overlay.globals)

    def kr_open(number: int) -> str:
        recorder.open.append(number)
        return OPEN + _mark(number)

    def kr_close(number: int) -> str:
        if recorder.open:
            recorder.open.pop()
        return CLOSE + _mark(number)

    overlay.globals["kr_open"] = kr_open
    overlay.globals["kr_close"] = kr_close
    for key, function in list(overlay.filters.items()):
        if not hasattr(function, "jinja_pass_arg"):  # context/environment filters stay as they are
            overlay.filters[key] = _watched(function, recorder)
    previous = overlay.finalize
    previous_takes_context = getattr(previous, "jinja_pass_arg", None) is not None

    def finalize(eval_context: Any, value: Any) -> Any:
        recorder.record(value)
        if provenance_of(value):  # the figure's source span is for the web page, not the text
            value = str(value)
        if previous is None:
            return value
        return previous(eval_context, value) if previous_takes_context else previous(value)

    overlay.finalize = pass_eval_context(finalize)  # while rendering only, as the build's
    return overlay, recorder


def _watched(function: Callable[..., Any], recorder: ProvenanceRecorder) -> Callable[..., Any]:
    def watched(value: Any, *args: Any, **kwargs: Any) -> Any:
        recorder.record(value)
        return function(value, *args, **kwargs)

    return watched


def split(text: str) -> tuple[str, list[Origin | None]]:
    """The rendered text without sentinels, and where each of its characters comes from
    (None: not from a template, e.g. text the toolkit added)."""
    out: list[str] = []
    origins: list[Origin | None] = []
    open_expressions: list[int] = []
    chunk = -1
    offset = 0
    index = 0
    while index < len(text):
        char = text[index]
        if char in SENTINELS and index + 1 < len(text):
            number = ord(text[index + 1]) - ID_BASE
            if char == LITERAL:
                chunk, offset = number, 0
            elif char == OPEN:
                open_expressions.append(number)
            elif open_expressions:
                open_expressions.pop()
            index += 2
            continue
        out.append(char)
        if open_expressions:
            origins.append(Origin("expr", open_expressions[0]))
        elif chunk >= 0:
            origins.append(Origin("lit", chunk, offset))
            offset += 1
        else:
            origins.append(None)
        index += 1
    return "".join(out), origins

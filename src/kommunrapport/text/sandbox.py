"""Jinja's sandbox with limits: a template may read values, never run code or exhaust the machine.

``ImmutableSandboxedEnvironment`` already keeps templates away from Python's internals. This
module adds what a report template may *cost*, counted deterministically (never by the clock,
so the same sources always give the same result):

* **steps**: every loop iteration and every call counts one step; a render may take
  ``MAX_STEPS`` of them. Loops are counted by rewriting each ``{% for %}`` to iterate through a
  counting filter when the template is compiled;
* **output**: every printed value, every loop iteration's literal text and every included
  template count their length; a render may print ``MAX_OUTPUT`` characters;
* **values**: ``*``, ``+``, ``%``, ``~`` and filters such as ``center``, ``indent`` and
  ``batch`` may not build a string or list longer than ``MAX_VALUE``; ``**`` and ``*`` may not
  build a number longer than ``MAX_INT_BITS`` bits; widths in format strings are bounded.

A limit reached raises :class:`TemplateLimit`, which the renderer turns into a located error.
"""

from __future__ import annotations

import re
import string
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from jinja2 import nodes, pass_context, pass_eval_context
from jinja2.filters import FILTERS
from jinja2.runtime import Context, markup_join, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_STEPS = 1_000_000
MAX_OUTPUT = 20_000_000  # characters one render may print
MAX_VALUE = 2_000_000  # characters or items in one string or list a template builds
MAX_INT_BITS = 100_000  # about 30 000 decimal digits
MAX_RANGE = 100_000
MAX_WIDTH = 10_000  # a width or count given to a padding filter or a format string

LOOP_FILTER = "_kr_varv"
CONCAT_FILTER = "_kr_sammanfoga"
INCLUDE_FILTER = "_kr_ta_med"
_BOUNDED_BINOPS = frozenset({"*", "**", "+", "%"})
_PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?[a-zA-Z%]")
_WIDTH_IN_SPEC = re.compile(r"\d+")


class TemplateLimit(Exception):
    """A template went past one of the limits; ``message`` is Swedish and says which."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class _Budget(threading.local):
    """What the current top-level render has used (per thread: renders may run side by side)."""

    depth = 0
    steps = 0
    output = 0


_BUDGET = _Budget()


@contextmanager
def render_budget() -> Iterator[None]:
    """One top-level render: the counters start at zero; nested renders share them."""
    budget = _BUDGET
    if budget.depth == 0:
        budget.steps = 0
        budget.output = 0
    budget.depth += 1
    try:
        yield
    finally:
        budget.depth -= 1


def charge_steps(count: int = 1) -> None:
    budget = _BUDGET
    budget.steps += count
    if budget.steps > MAX_STEPS:
        raise TemplateLimit(
            f"mallen tar för många steg (mer än {MAX_STEPS:,} varv i loopar och anrop)".replace(
                ",", "\u00a0"
            )
        )


def charge_output(characters: int) -> None:
    budget = _BUDGET
    budget.output += characters
    if budget.output > MAX_OUTPUT:
        raise TemplateLimit(
            f"mallen skriver ut för mycket text (mer än {MAX_OUTPUT // 1_000_000} miljoner tecken)"
        )


def check_length(length: int, what: str = "texten eller listan") -> None:
    if length > MAX_VALUE:
        raise TemplateLimit(
            f"{what} blir för lång ({length:,} tecken eller element; högst {MAX_VALUE:,})".replace(
                ",", "\u00a0"
            )
        )


def check_width(width: Any, what: str) -> None:
    if isinstance(width, int) and not isinstance(width, bool) and abs(width) > MAX_WIDTH:
        raise TemplateLimit(f"{what} {width} är för stort (högst {MAX_WIDTH})")


def _bits(value: int) -> int:
    return abs(value).bit_length()


def _check_int(bits: float) -> None:
    if bits > MAX_INT_BITS:
        raise TemplateLimit(
            f"talet blir för stort (ungefär {int(bits * 0.30103):,} siffror)".replace(",", "\u00a0")
        )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _sized(value: Any) -> bool:
    return isinstance(value, (str, list, tuple))


def _check_power(base: Any, exponent: Any) -> None:
    if _is_int(base) and _is_int(exponent) and exponent > 0 and abs(base) > 1:
        _check_int(_bits(base) * exponent)


def _check_product(left: Any, right: Any) -> None:
    if _sized(left) and _is_int(right):
        check_length(len(left) * max(right, 0))
    elif _sized(right) and _is_int(left):
        check_length(len(right) * max(left, 0))
    elif _is_int(left) and _is_int(right):
        _check_int(_bits(left) + _bits(right))


def check_percent_format(text: str) -> None:
    """``"%1000000000d" % 1`` would allocate before anything could check the result."""
    for match in _PERCENT_FIELD.finditer(text):
        for number in match.groups():
            if number == "*":
                raise TemplateLimit("bredden '*' i en formatsträng är inte tillåten")
            if number and int(number) > MAX_WIDTH:
                check_width(int(number), "bredden")


def check_format_string(text: str) -> None:
    """``"{:>1000000000}".format(1)``: widths in ``str.format`` fields are bounded."""
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError:
        return  # Python reports the broken format string itself
    for _literal, _name, spec, _conversion in fields:
        if not spec:
            continue
        if "{" in spec:
            raise TemplateLimit("en platshållare i en formatspecifikation är inte tillåten")
        for number in _WIDTH_IN_SPEC.findall(spec):
            check_width(int(number), "bredden")


# -- filters whose arguments decide how much they allocate ----------------------------------------
def _bounded_filter(name: str, check: Callable[..., None]) -> Callable[..., Any]:
    original = FILTERS[name]

    def bounded(*args: Any, **kwargs: Any) -> Any:
        check(*args, **kwargs)
        return original(*args, **kwargs)

    bounded.__name__ = original.__name__
    bounded.__doc__ = original.__doc__
    for marker in ("jinja_pass_arg",):
        if hasattr(original, marker):
            setattr(bounded, marker, getattr(original, marker))
    return bounded


def _check_width_argument(position: int, keyword: str, what: str) -> Callable[..., None]:
    def check(*args: Any, **kwargs: Any) -> None:
        value = kwargs.get(keyword, args[position] if len(args) > position else None)
        check_width(value, what)

    return check


def _check_replace(*args: Any, **kwargs: Any) -> None:
    # do_replace(eval_ctx, s, old, new, count=None)
    values = list(args[1:]) + [kwargs.get(k) for k in ("old", "new", "count") if k in kwargs]
    if len(values) >= 3:
        text, old, new = (str(v) for v in values[:3])
        occurrences = text.count(old) if old else len(text) + 1
        check_length(len(text) + occurrences * max(len(new) - len(old), 0))


def _check_format_filter(value: Any, *args: Any, **kwargs: Any) -> None:
    check_percent_format(str(value))


def bounded_filters() -> dict[str, Callable[..., Any]]:
    """Replacements for the built-in filters that take a size from the template."""
    return {
        "center": _bounded_filter("center", _check_width_argument(1, "width", "bredden")),
        "indent": _bounded_filter("indent", _check_width_argument(1, "width", "indraget")),
        "wordwrap": _bounded_filter("wordwrap", _check_width_argument(2, "width", "bredden")),
        "batch": _bounded_filter("batch", _check_width_argument(1, "linecount", "antalet")),
        "slice": _bounded_filter("slice", _check_width_argument(1, "slices", "antalet")),
        "truncate": _bounded_filter("truncate", _check_width_argument(2, "length", "längden")),
        "replace": _bounded_filter("replace", _check_replace),
        "format": _bounded_filter("format", _check_format_filter),
    }


# -- the helpers that rewritten templates call ---------------------------------------------------
@pass_context
def _counted_loop(_context: Context, iterable: Any, weight: int = 0) -> Iterator[Any]:
    """What ``{% for %}`` iterates: the loop's items, each charged one step and the loop
    body's literal text."""
    if iterable is None or isinstance(iterable, (str, bytes)):
        iterable = iterable or ()
    for item in iterable:
        charge_steps()
        if weight:
            charge_output(weight)
        yield item


@pass_context
def _bounded_concat(context: Context, parts: list[Any]) -> Any:
    """``a ~ b``: the joined length is checked before the join allocates it."""
    texts = [p if isinstance(p, str) else str(p) for p in parts]
    check_length(sum(len(t) for t in texts))
    join = markup_join if context.eval_ctx.autoescape else str_join
    return join(parts)


def _literal_length(node: nodes.Node) -> int:
    return sum(len(data.data) for data in node.find_all(nodes.TemplateData))


def bound_template(tree: nodes.Template) -> nodes.Template:
    """Rewrite a parsed template so that loops, ``~`` and includes are counted."""
    for loop in tree.find_all(nodes.For):
        weight = sum(_literal_length(node) for node in loop.body)
        loop.iter = nodes.Filter(
            loop.iter, LOOP_FILTER, [nodes.Const(weight)], [], None, None, lineno=loop.lineno
        )
    for concat in list(tree.find_all(nodes.Concat)):
        parts = nodes.List(list(concat.nodes), lineno=concat.lineno)
        replacement = nodes.Filter(parts, CONCAT_FILTER, [], [], None, None, lineno=concat.lineno)
        _replace_node(tree, concat, replacement)
    for include in tree.find_all(nodes.Include):
        include.template = nodes.Filter(
            include.template, INCLUDE_FILTER, [], [], None, None, lineno=include.lineno
        )
    return tree


def _replace_node(tree: nodes.Node, old: nodes.Node, new: nodes.Node) -> None:
    for parent in tree.find_all(nodes.Node):
        for field, value in parent.iter_fields():
            if value is old:
                setattr(parent, field, new)
                return
            if isinstance(value, list):
                for index, item in enumerate(value):
                    if item is old:
                        value[index] = new
                        return


def safe_range(*args: int) -> range:
    """``range`` with at most ``MAX_RANGE`` numbers."""
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise TemplateLimit(
            f"range ger {len(numbers):,} tal; högst {MAX_RANGE:,}".replace(",", "\u00a0")
        )
    return numbers


def at_render(finalize: Callable[[Any], Any]) -> Callable[[Any, Any], Any]:
    """``finalize`` as Jinja calls it only while rendering. A plain finalize is also applied
    while compiling, to every constant ``{{ … }}``, and its result written into the compiled
    code; that code is kept between builds (keyed by the template's source), so the result
    would outlive a change of what finalize does (the package's number style, the toolkit's
    version), and the render's output budget would never see it."""
    return pass_eval_context(lambda _eval_context, value: finalize(value))


class LimitedSandbox(ImmutableSandboxedEnvironment):
    """The sandbox every template renders in, with the limits of this module."""

    intercepted_binops = _BOUNDED_BINOPS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        given: Callable[[Any], Any] | None = kwargs.pop("finalize", None)
        # No constant folding at compile time: it would run filters and operators outside these
        # limits, and write values such as nan or inf into the code, where they are names.
        kwargs.setdefault("optimized", False)
        super().__init__(*args, **kwargs)
        if given is None:
            self.finalize = at_render(self.finalize_output)
        else:
            self.finalize = at_render(lambda value: self.finalize_output(given(value)))
        self.globals["range"] = safe_range
        self.globals.pop("lipsum", None)
        self.filters.update(bounded_filters())
        self.filters[LOOP_FILTER] = _counted_loop
        self.filters[CONCAT_FILTER] = _bounded_concat
        self.filters[INCLUDE_FILTER] = self._charge_include
        self._template_sizes: dict[str, int] = {}

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        return bound_template(super()._parse(source, name, filename))

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            _check_power(left, right)
        elif operator == "*":
            _check_product(left, right)
        elif operator == "+" and _sized(left) and _sized(right):
            check_length(len(left) + len(right))
        elif operator == "%" and isinstance(left, str):
            check_percent_format(left)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        charge_steps()
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):
            _check_string_method(owner, getattr(__obj, "__name__", ""), args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        check_format_string(str(value.__self__))
        return wrapped

    def finalize_output(self, value: Any) -> Any:
        """Every ``{{ … }}`` passes here: its length is charged to the render, and text that
        cannot be written as UTF-8 (a lone surrogate from an escape such as "\\udc80") stops."""
        if isinstance(value, str):
            charge_output(len(value))
            if not value.isascii():
                try:
                    value.encode("utf-8")
                except UnicodeEncodeError as error:
                    bad = ord(value[error.start])
                    raise TemplateLimit(
                        f"texten innehåller tecknet U+{bad:04X}, som inte kan skrivas"
                    ) from None
        return value

    def _charge_include(self, name: Any) -> Any:
        key = str(name)
        if key not in self._template_sizes:
            loader = self.loader
            try:
                source = loader.get_source(self, key)[0] if loader is not None else ""
            except Exception:
                source = ""  # a missing template is reported by the include itself
            self._template_sizes[key] = len(source)
        charge_steps()
        charge_output(self._template_sizes[key])
        return name


def _check_string_method(
    text: str, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    if name in ("ljust", "rjust", "center", "zfill"):
        check_width(args[0] if args else kwargs.get("width"), "bredden")
    elif name == "expandtabs":
        size = args[0] if args else kwargs.get("tabsize", 8)
        check_width(size, "tabbstegen")
    elif name == "join" and args:
        items = args[0]
        if isinstance(items, (list, tuple)):
            check_length(len(text) * len(items) + sum(len(str(i)) for i in items))
    elif name == "replace" and len(args) >= 2:
        old, new = str(args[0]), str(args[1])
        occurrences = text.count(old) if old else len(text) + 1
        check_length(len(text) + occurrences * max(len(new) - len(old), 0))

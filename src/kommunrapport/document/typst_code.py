"""Typst source for generated blocks: literals and calls of the template's functions.

Every block is written as a call of a function that the page template defines
(``#kr-tabell((...))``), with its data as a Typst dictionary of strings, numbers and arrays.
Text is always a Typst *string*, never markup, so nothing in a cell is interpreted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# The files the PDF writer puts in the folder Typst compiles, beside the document's images:
# an image may not take one of these names (it would replace the toolkit's template).
COMPILE_FOLDER_FILES = ("rapport.typ", "fakta.typ", "main.typ")


def typst_string(text: str) -> str:
    """``text`` as a Typst string literal."""
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "")
        .replace("\t", "\\t")
    )
    return f'"{escaped}"'


def typst_value(value: Any) -> str:
    """A Python value (str, bool, int, float, None, list, tuple, dict) as a Typst literal."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(round(value, 4))
    if isinstance(value, str):
        return typst_string(value)
    if isinstance(value, Mapping):
        if not value:
            return "(:)"
        items = ", ".join(f"{key}: {typst_value(item)}" for key, item in value.items())
        return f"({items})"
    if isinstance(value, Sequence):
        items = ", ".join(typst_value(item) for item in value)
        return f"({items},)" if len(value) == 1 else f"({items})"
    raise TypeError(f"no Typst literal for {type(value).__name__}")


def call(function: str, data: Mapping[str, Any]) -> str:
    """``#function((key: value, ...))``: one block in the Typst markup."""
    return f"#{function}({typst_value(data)})"

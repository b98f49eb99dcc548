"""Text typed by a reviewer, written into a Markdown section so that it reads back as the same
text.

Characters that Markdown or the templates would interpret get a backslash (pandoc reads any
escaped ASCII punctuation as the character itself; ``\\{\\{`` can never open a ``{{ … }}``);
a new paragraph cannot begin as a heading, a list item, a quote or a code block. Word's
typographic characters (”, –, …, non-breaking spaces) are written as they are.
"""

from __future__ import annotations

import re

_INLINE = re.compile(r"([\\`*_\[\]<>{}~^@$|#])")
_BLOCK_START = re.compile(r"([-+*>:|=]|\d+[.)])(\s|$)")
PARAGRAPH_BREAK = "\n\n"


def escape_inline(text: str) -> str:
    """Escape text that goes inside a paragraph; a blank line in it starts a new paragraph."""
    paragraphs = re.split(r"\n\s*\n", text)
    out = []
    for index, part in enumerate(paragraphs):
        escaped = " ".join(_INLINE.sub(r"\\\1", part).split("\n"))
        out.append(escape_block_start(escaped) if index else escaped)
    return PARAGRAPH_BREAK.join(out)


def escape_block_start(text: str) -> str:
    """A paragraph's first characters, so that it stays a paragraph."""
    text = text.lstrip(" \t")
    match = _BLOCK_START.match(text)
    if match is None:
        return text
    marker = match.group(1)
    if marker[0].isdigit():
        return f"{marker[:-1]}\\{marker[-1]}{text[len(marker) :]}"
    return "\\" + text

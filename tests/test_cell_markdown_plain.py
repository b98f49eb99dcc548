"""A cell of plain text is read without the Markdown parser, with the same result."""

from __future__ import annotations

import pytest

from kommunrapport.text import cell_markdown
from kommunrapport.text.cell_markdown import RichText, parse_cell

PLAIN = [
    "Trygg välfärd",
    "2022. Året",
    "100) Hundra",
    "Ökad andel 4,6 %",
    "a  b",
    "tab\u00a0inne",
    "Utfall 2022-08-31 (delår)",
    "+ plus - minus = lika # hash ~ tilde",
    "1. Trygg välfärd",
    "- ett streck",
    "ÅÄÖ åäö ● ◐ ○ ✓ ⚠ ↗",
    "https://example.org/a",
    "x",
]
NOT_PLAIN = ["*kursiv*", " inledande", "slut ", "rad\nrad", "a & b", "[länk](x)", "", "a\\b"]


def _parsed(text: str) -> RichText:
    """The parser's reading, bypassing the shortcut."""
    source = cell_markdown._LONG_NUMBER.sub(r"\1\\\2", text)
    tokens = cell_markdown._parser("\n" in source.strip()).parse(source)
    blocks, _ = cell_markdown._blocks(tokens, 0, None)
    return RichText(tuple(blocks))


@pytest.mark.parametrize("text", PLAIN)
def test_plain_text_reads_as_the_parser_reads_it(text: str) -> None:
    assert cell_markdown._MAYBE_MARKUP.search(text) is None and text == text.strip()
    assert parse_cell(text) == _parsed(text)


@pytest.mark.parametrize("text", NOT_PLAIN)
def test_text_that_may_hold_markdown_goes_to_the_parser(text: str) -> None:
    assert parse_cell(text) == _parsed(text.replace("\r\n", "\n"))

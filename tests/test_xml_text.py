"""Our escape and quoteattr give exactly the bytes of xml.sax.saxutils (which we no longer
import: it loads urllib.request, http.client and ssl)."""

from __future__ import annotations

from xml.sax import saxutils

import pytest

from kommunrapport.document.xml_text import escape, quoteattr

SAMPLES = [
    "",
    "Tabell 3",
    "a & b < c > d",
    'citat "inne"',
    "apostrof's",
    "båda \" och ' här",
    "rad\nbrytning\r\noch\ttabb",
    "&amp; redan",
    'https://example.org/?a=1&b="2"',
    "–—”’ ● ✓ 1\u00a0234",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_same_as_saxutils(text: str) -> None:
    assert escape(text) == saxutils.escape(text)
    assert quoteattr(text) == saxutils.quoteattr(text)

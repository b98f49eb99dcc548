"""Each paragraph of a section carries an invisible anchor in the DOCX (a hidden bookmark that
names its section file and text), so import-docx can find it again; nothing else changes."""

from __future__ import annotations

import re
import zipfile
from collections import Counter

from lxml import etree

from kommunrapport.document.anchors import ANCHOR_PREFIX, anchor_source_hash, source_hash

from .conftest import KALMAR

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def body_paragraphs(path):
    root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    for paragraph in root.find(f"{W}body").iter(f"{W}p"):
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        names = [b.get(f"{W}name") for b in paragraph.iter(f"{W}bookmarkStart")]
        text = "".join(t.text or "" for t in paragraph.iter(f"{W}t"))
        yield (style.get(f"{W}val") if style is not None else ""), names, text


def test_every_section_paragraph_has_one_anchor_and_nothing_else_has_one(built):
    out = built(KALMAR)
    rows = list(body_paragraphs(out / "arsrapport.docx"))
    anchors = []
    for style, names, text in rows:
        own = [n for n in names if n.startswith(ANCHOR_PREFIX)]
        if style in ("BodyText", "FirstParagraph", "Compact") and text.strip():
            assert len(own) == 1, (style, text)
            anchors += own
        elif style.startswith(("TOC", "Heading", "Omslag", "Title", "TableCaption")):
            assert own == [], (style, text)
        assert all(re.fullmatch(r"_kr[0-9a-f]{14}", n) for n in own)
    assert len(anchors) == 44
    assert not [n for n, count in Counter(anchors).items() if count > 1]
    # the anchor names the section file it comes from
    section = f"content/{KALMAR}/arsrapport/10-driftredovisning.md"
    drift = [
        text
        for _s, names, text in rows
        if any(anchor_source_hash(n) == source_hash(section) for n in names)
    ]
    assert drift[0].startswith("Kommunstyrelsen redovisar för 2022 ett underskott")
    assert len(drift) == 8


def test_the_web_page_has_no_anchors(built):
    out = built(KALMAR)
    assert ANCHOR_PREFIX not in (out / "arsrapport.html").read_text(encoding="utf-8")

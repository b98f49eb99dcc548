"""pandoc's readings of Markdown remembered between builds (writers/pandoc.markdown_to_ast):
the same Markdown, the same pandoc and the same toolkit give the same AST without pandoc."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kommunrapport.writers import pandoc

TEXT = (
    "# Ekonomi\n\nResultatet blev −28 416 tkr, *sämre* än budget, se [tabell]{{.kr-ref-{token}}}."
    "\n\n::: {{#kr-{token}-0 .kr-block}}\n:::\n\n| År | Belopp |\n|---|--:|\n| 2022 | 5525 |\n"
)
FIRST, SECOND = "0123456789ab", "ba9876543210"  # the tokens of two builds (BlockRegistry.token)


def _read(text: str = TEXT, token: str = FIRST) -> dict[str, Any]:
    return pandoc.markdown_to_ast(text.format(token=token), token)


@pytest.fixture
def readings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The Markdown pandoc was asked to read, with the cache in a folder of this test."""
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", str(tmp_path / "cache"))
    asked: list[bytes] = []
    convert = pandoc._convert

    def counted(request: dict[str, Any], payload: bytes) -> bytes:
        if "read" in request:
            asked.append(payload)
        return convert(request, payload)

    monkeypatch.setattr(pandoc, "_convert", counted)
    return asked


def test_the_same_markdown_is_read_once(readings, monkeypatch):
    first = _read()
    assert _read() == first
    assert len(readings) == 1
    assert first["blocks"][0]["t"] == "Header"
    # the next build's token in the same text: still no reading, and the AST has that token
    # where pandoc would have put it
    second = _read(token=SECOND)
    assert len(readings) == 1
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", "0")
    assert second == _read(token=SECOND) != first
    assert FIRST not in str(second) and SECOND in str(second)


def test_a_reading_that_spells_the_mark_is_not_kept(readings):
    text = TEXT.replace("sämre", "sämre \\\\u0000")
    first = _read(text)
    assert "\\u0000" in str(first)
    assert _read(text) == first
    assert len(readings) == 2


def test_changed_markdown_is_read_again(readings):
    _read()
    changed = _read(TEXT.replace("5525", "5526"))
    assert len(readings) == 2
    assert "5526" in str(changed) and "5525" not in str(changed)


def test_a_damaged_entry_is_read_again(readings, tmp_path):
    first = _read()
    (entry,) = (tmp_path / "cache" / "pandoc-ast").iterdir()
    data = bytearray(entry.read_bytes())
    data[-5:] = b"XXXXX"
    entry.write_bytes(bytes(data))
    assert _read() == first
    assert len(readings) == 2


def test_another_pandoc_does_not_use_the_readings_of_this_one(readings, tmp_path, monkeypatch):
    _read()
    other = tmp_path / "annan-pandoc"
    other.symlink_to(pandoc.pandoc_path())
    monkeypatch.setattr(pandoc, "pandoc_path", lambda: str(other))
    _read()
    assert len(readings) == 2


def test_with_caching_off_pandoc_reads_every_time(readings, monkeypatch):
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", "0")
    _read()
    _read()
    assert len(readings) == 2

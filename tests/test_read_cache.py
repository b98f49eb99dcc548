"""pandoc's readings of Markdown remembered between builds (writers/pandoc.markdown_to_ast):
the same Markdown, the same pandoc and the same toolkit give the same AST without pandoc."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kommunrapport.writers import pandoc

MARKDOWN = (
    "# Ekonomi\n\nResultatet blev −28 416 tkr, *sämre* än budget.\n\n"
    "| År | Belopp |\n|---|--:|\n| 2022 | 5525 |\n"
)


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


def test_the_same_markdown_is_read_once(readings):
    first = pandoc.markdown_to_ast(MARKDOWN)
    assert pandoc.markdown_to_ast(MARKDOWN) == first
    assert len(readings) == 1
    assert first["blocks"][0]["t"] == "Header"


def test_changed_markdown_is_read_again(readings):
    pandoc.markdown_to_ast(MARKDOWN)
    changed = pandoc.markdown_to_ast(MARKDOWN.replace("5525", "5526"))
    assert len(readings) == 2
    assert "5526" in str(changed) and "5525" not in str(changed)


def test_a_damaged_entry_is_read_again(readings, tmp_path):
    first = pandoc.markdown_to_ast(MARKDOWN)
    (entry,) = (tmp_path / "cache" / "pandoc-ast").iterdir()
    data = bytearray(entry.read_bytes())
    data[-5:] = b"XXXXX"
    entry.write_bytes(bytes(data))
    assert pandoc.markdown_to_ast(MARKDOWN) == first
    assert len(readings) == 2


def test_another_pandoc_does_not_use_the_readings_of_this_one(readings, tmp_path, monkeypatch):
    pandoc.markdown_to_ast(MARKDOWN)
    other = tmp_path / "annan-pandoc"
    other.symlink_to(pandoc.pandoc_path())
    monkeypatch.setattr(pandoc, "pandoc_path", lambda: str(other))
    pandoc.markdown_to_ast(MARKDOWN)
    assert len(readings) == 2


def test_with_caching_off_pandoc_reads_every_time(readings, monkeypatch):
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", "0")
    pandoc.markdown_to_ast(MARKDOWN)
    pandoc.markdown_to_ast(MARKDOWN)
    assert len(readings) == 2

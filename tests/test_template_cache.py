"""Compiled templates are cached between builds without changing results or error messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from kommunrapport.errors import KommunrapportError
from kommunrapport.text.templating import make_environment, render_template


def _render(folder: Path, name: str) -> str:
    env = make_environment([folder], display=lambda p: p.name)  # a new environment: a new build
    return render_template(env, name, {"år": 2022}, name)


def _sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """(cache folder, template folder with ok.md) with the cache pointed at the test's folder."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", str(cache))
    source = tmp_path / "text"
    source.mkdir()
    (source / "ok.md").write_text("Året {{ år }}.\n", encoding="utf-8")
    return cache, source


def test_cached_template_gives_same_text_and_same_error_line(tmp_path, monkeypatch):
    cache, source = _sources(tmp_path, monkeypatch)
    (source / "fel.md").write_text("Rad ett.\n\nRad tre {{ okand }}.\n", encoding="utf-8")

    assert _render(source, "ok.md") == "Året 2022\\.\n"
    assert len(list(cache.glob("mallar/*/*"))) == 1  # compiled once and stored
    assert _render(source, "ok.md") == "Året 2022\\.\n"  # now from the cache

    messages = []
    for _ in range(2):
        with pytest.raises(KommunrapportError) as caught:
            _render(source, "fel.md")
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    assert "fel.md, rad 3" in messages[0]

    (source / "ok.md").write_text("Nytt år {{ år + 1 }}.\n", encoding="utf-8")
    assert _render(source, "ok.md") == "Nytt år 2023\\.\n"  # an edit is compiled anew


def test_damaged_or_unwritable_cache_is_skipped(tmp_path, monkeypatch):
    cache, source = _sources(tmp_path, monkeypatch)
    _render(source, "ok.md")
    for entry in cache.glob("mallar/*/*"):
        entry.write_bytes(entry.read_bytes()[:20])  # cut short, as by a full disk
    assert _render(source, "ok.md") == "Året 2022\\.\n"

    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", "0")  # turned off
    assert _render(source, "ok.md") == "Året 2022\\.\n"
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", str(blocked))
    assert _render(source, "ok.md") == "Året 2022\\.\n"

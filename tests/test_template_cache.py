"""Compiled templates are cached between builds without changing results or error messages.

Nothing the toolkit or the package decides may be frozen into them: a constant ``{{ … }}``
used to be formatted while compiling, so a changed minus sign in report.yaml (or a new toolkit
version) did not reach sections whose source had not changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from kommunrapport.cli import main
from kommunrapport.errors import KommunrapportError
from kommunrapport.text.templating import make_environment, render_template

from .hardening_support import SECTION, append, replace_in, small_package


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


FIGURE = "{{ -1234 | tal }} och {{ 'text' }}"


def _figure_sentence(html: str) -> str:
    page = BeautifulSoup(html, "html.parser")
    return next(
        p.get_text() for p in page.find_all("p") if "1" in p.get_text() and "och" in p.get_text()
    )


def test_a_changed_minus_sign_reaches_an_unchanged_section(tmp_path, monkeypatch, capsys):
    root = tmp_path / "repo"
    package = small_package(root, "ks-2022")
    append(package / SECTION, f"\nUnderskottet var {FIGURE}.\n")
    monkeypatch.chdir(root)
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", str(tmp_path / "cache"))
    output = root / "output" / "ks-2022" / "rapport.html"

    assert main(["build", "-q", "--format", "html"]) == 0, capsys.readouterr()
    assert "\u22121\u00a0234 och text" in _figure_sentence(output.read_text(encoding="utf-8"))
    assert list((tmp_path / "cache" / "mallar").rglob("*.kbc"))  # compiled templates kept

    replace_in(package / "report.yaml", "år: 2022\n", "år: 2022\nformat:\n  minustecken: '-'\n")
    assert main(["build", "-q", "--format", "html"]) == 0, capsys.readouterr()
    assert "-1\u00a0234 och text" in _figure_sentence(output.read_text(encoding="utf-8"))

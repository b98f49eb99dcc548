"""The build key of an unchanged rebuild: the toolkit's own folders are hashed once and then
remembered under their files' sizes and times; the key is the same either way."""

from __future__ import annotations

from pathlib import Path

import pytest

from kommunrapport.build import cache
from kommunrapport.project.paths import repository_root_for, template_dirs_for

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "content" / "kalmar-ks-arsrapport-2022"


def _key(monkeypatch: pytest.MonkeyPatch, setting: str) -> str:
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", setting)
    cache.toolkit_fingerprint.cache_clear()
    dirs = template_dirs_for(PACKAGE, repository_root_for(PACKAGE))
    return cache.source_key_for(PACKAGE, dirs, ("docx", "pdf"))


def test_remembered_key_is_the_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    computed = _key(monkeypatch, "0")
    assert _key(monkeypatch, str(tmp_path)) == computed  # computed and remembered
    remembered = sorted((tmp_path / "bygge").iterdir())
    assert len(remembered) == 2  # the code and the built-in templates
    assert _key(monkeypatch, str(tmp_path)) == computed  # read back
    for entry in remembered:  # damaged: computed again, same key
        entry.write_bytes(entry.read_bytes()[:-1] + b"!")
    assert _key(monkeypatch, str(tmp_path)) == computed
    cache.toolkit_fingerprint.cache_clear()


def test_a_changed_toolkit_file_changes_the_key(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "verktyg"
    folder.mkdir()
    (folder / "mall.typ").write_text("a", encoding="utf-8")
    first = cache._toolkit_tree("templates", folder)
    assert cache._toolkit_tree("templates", folder) == first
    (folder / "mall.typ").write_text("bb", encoding="utf-8")
    assert cache._toolkit_tree("templates", folder) != first

"""The user's cache is pruned (project/user_cache.prune): entries no build used for a month go,
then the least recently used until it fits its size, never a file that is not ours, at most
once a day; a read keeps an entry alive."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from kommunrapport.project import user_cache
from kommunrapport.project.user_cache import cache_dir, prune, read_verified, write_verified

DAY = 86400.0


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", str(root))
    return root


def _entry(kind: str, name: str, age_days: float, size: int = 10) -> Path:
    folder = cache_dir(kind)
    assert folder is not None
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    write_verified(path, b"x" * size)
    used = time.time() - age_days * DAY
    os.utime(path, (used, used))
    return path


def test_entries_unused_for_a_month_go_and_a_read_keeps_one(cache):
    old = _entry("pandoc-ast", "gammal.json", 40)
    read_again = _entry("diagram", "last.bin", 40)
    fresh = _entry("pandoc-skrivning", "ny.bin", 2)
    assert read_verified(read_again) == b"x" * 10  # a build used it today
    assert prune() == 1
    assert not old.exists() and read_again.exists() and fresh.exists()


def test_compiled_templates_of_an_old_toolkit_version_go_with_their_folder(cache):
    """Compiled templates are kept in a folder per version of the toolkit's code."""
    old = _entry("mallar", "0123456789abcdef/sektion.kbc", 40)
    current = _entry("mallar", "fedcba9876543210/sektion.kbc", 1)
    assert prune() == 1
    assert not old.parent.exists() and current.exists()


def test_files_that_are_not_ours_stay(cache):
    """KOMMUNRAPPORT_CACHE may name a folder that holds other things."""
    _entry("mallar", "var.bin", 40)
    theirs = [cache / "mallar" / "egen.txt", cache / "annat" / "gammal.bin", cache / "rot.txt"]
    for path in theirs:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"inte cachens")
        os.utime(path, (time.time() - 400 * DAY,) * 2)
    assert prune() == 1
    assert all(path.exists() for path in theirs)


def test_the_least_recently_used_go_until_the_cache_fits(cache, monkeypatch):
    """Sizes on disk (whole blocks): what the cache takes from the user's disk."""
    paths = [_entry("sidnummer", f"{age}.json", age, size=1000) for age in (5, 4, 3, 2, 1)]
    info = paths[0].stat()
    on_disk = getattr(info, "st_blocks", 0) * 512 or info.st_size
    monkeypatch.setattr(user_cache, "MAX_BYTES", 3 * on_disk + 200)
    assert prune() == 2
    assert [path.exists() for path in paths] == [False, False, True, True, True]


def test_pruning_runs_at_most_once_a_day(cache):
    _entry("fonter", "a.json", 40)
    assert prune() == 1
    later = _entry("fonter", "b.json", 40)
    assert prune() == 0 and later.exists()  # pruned an hour ago: not again
    assert prune(now=time.time() + DAY + 60) == 1
    assert not later.exists()


def test_caching_off_prunes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", "0")
    assert prune() == 0


def test_a_kind_the_pruner_does_not_know_is_refused(cache):
    with pytest.raises(ValueError, match="KINDS"):
        cache_dir("okänd")


def test_a_build_command_prunes_the_cache(cache, tmp_path, monkeypatch, capsys):
    from kommunrapport.cli import main

    from .small_packages import write_small_package

    write_small_package(tmp_path / "repo")
    old = _entry("pandoc-ast", "gammal.json", 40)
    monkeypatch.chdir(tmp_path / "repo")
    assert main(["build", "-q", "--format", "html"]) == 0, capsys.readouterr()
    assert not old.exists()
    assert any((cache / "pandoc-ast").iterdir())  # this build's reading stays

"""All new or all old: the set of a package's outputs changes as one.

A locked output (Word holds last version's DOCX open; simulated with ``chattr +i``), a kill in
the middle of the switch, an output folder on another file system and leftovers of an earlier
killed build: in every case the folder holds exactly the old set or exactly the new set, the
build cache record matches the files, and the next build cleans up.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .hardening_support import (
    SECTION,
    append,
    assert_located_error,
    assert_no_traceback,
    copy_built,
    has_chattr,
    run_cli,
    run_cli_in_fixture,
    small_package,
    snapshot,
)
from .review_fixtures import PACKAGE_ID

FORMATS = "docx,html"


def _build_args(root: Path) -> list[str]:
    return ["build", "--root", str(root), "--format", FORMATS, "-q"]


def build(capsys, root: Path, *extra: str) -> tuple[int, str]:
    return run_cli(capsys, *_build_args(root), *extra)


@pytest.fixture(scope="module")
def two_versions_built_once(tmp_path_factory: pytest.TempPathFactory):
    """A package built once (the old set), its sources changed, and the new set built
    elsewhere for comparison, once for the module: (folder, old snapshot, new snapshot). The
    folder's cache holds the page numbers of both sets' DOCX, so no later build of either set
    lays a document out again or writes to the cache."""
    base = tmp_path_factory.mktemp("two-versions")
    root = base / "repo"
    package = small_package(root)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KOMMUNRAPPORT_CACHE", str(base / "cache"))
        code, output = run_cli_in_fixture(*_build_args(root))
        assert code == 0, output
        old = snapshot(root / "output" / PACKAGE_ID)
        append(package / SECTION, "\nEn ny mening om ekonomin.\n")
        append(package / "tjansteskrivelse" / "bakgrund.md", "\nEn ny mening i skrivelsen.\n")
        elsewhere = base / "new-output"
        code, output = run_cli_in_fixture(*_build_args(root), "--output", str(elsewhere))
        assert code == 0, output
    new = snapshot(elsewhere / PACKAGE_ID)
    assert old.keys() == new.keys() and old != new
    return base, old, new


@pytest.fixture
def two_versions(two_versions_built_once, tmp_path: Path, monkeypatch):
    """The module's two versions copied into this test's folder, with their cache folder:
    (root, package, old snapshot, new snapshot)."""
    base, old, new = two_versions_built_once
    copy_built(base, tmp_path)
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", str(tmp_path / "cache"))
    root = tmp_path / "repo"
    return root, root / "content" / PACKAGE_ID, old, new


def _outputs_only(files: dict[str, bytes]) -> dict[str, bytes]:
    return {name: data for name, data in files.items() if not name.startswith(".")}


def _leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "output").iterdir() if p.name != PACKAGE_ID)


@pytest.mark.skipif(not has_chattr(), reason="chattr +i needs root and e2fsprogs on Linux")
@pytest.mark.parametrize("locked", ["rapport.docx", "tjansteskrivelse.html"])
def test_locked_output_changes_nothing(two_versions, capsys, locked):
    root, _package, old, new = two_versions
    target = root / "output" / PACKAGE_ID / locked
    if subprocess.run(["chattr", "+i", str(target)], capture_output=True).returncode != 0:
        pytest.skip("the file system does not support chattr +i")
    try:
        code, output = build(capsys, root)
        assert code == 1
        assert_located_error(output, locked)
        assert f"Stäng {locked}" in output
        assert snapshot(root / "output" / PACKAGE_ID) == old  # manifest included
        assert _leftovers(root) == []
    finally:
        subprocess.run(["chattr", "-i", str(target)], check=True)
    code, output = build(capsys, root)
    assert code == 0, output
    assert _outputs_only(snapshot(root / "output" / PACKAGE_ID)) == _outputs_only(new)


@pytest.mark.skipif(not has_chattr(), reason="chattr +i needs root and e2fsprogs on Linux")
def test_locked_output_of_a_removed_document(two_versions, capsys):
    """An output that the build would delete (its document is gone) counts as well."""
    root, package, old, _new = two_versions
    text = (package / "report.yaml").read_text(encoding="utf-8")
    start = text.index("  - id: tjansteskrivelse")
    end = text.index("  - id: rapport")
    (package / "report.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    target = root / "output" / PACKAGE_ID / "tjansteskrivelse.docx"
    if subprocess.run(["chattr", "+i", str(target)], capture_output=True).returncode != 0:
        pytest.skip("the file system does not support chattr +i")
    try:
        code, output = build(capsys, root)
        assert code == 1
        assert_located_error(output, "tjansteskrivelse.docx")
        assert snapshot(root / "output" / PACKAGE_ID) == old
    finally:
        subprocess.run(["chattr", "-i", str(target)], check=True)


def _strace_works() -> bool:
    if shutil.which("strace") is None:
        return False
    probe = subprocess.run(["strace", "-f", "-o", os.devnull, "true"], capture_output=True)
    return probe.returncode == 0


def _build_command(root: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "kommunrapport.cli",
        "build",
        "--root",
        str(root),
        "--format",
        FORMATS,
        "-q",
    ]


RENAMES = "rename,renameat,renameat2"


@pytest.mark.skipif(not _strace_works(), reason="needs strace (apt-get install strace)")
def test_kill_at_every_step_of_the_switch(two_versions, tmp_path):
    """SIGKILL at each rename of the switch (strace fault injection): afterwards the folder
    holds exactly the old or exactly the new set, and the next build leaves no leftovers."""
    root, _package, old, new = two_versions
    # The cache holds the page numbers of both sets; one build elsewhere adds the templates
    # compiled in this folder (their key is their path). Then the builds below lay nothing out
    # again and write nothing to the cache: every rename they make is one of the switch.
    cache = tmp_path / "cache"
    env = {**os.environ, "KOMMUNRAPPORT_CACHE": str(cache)}
    warm = [*_build_command(root), "--output", str(tmp_path / "warm")]
    subprocess.run(warm, check=True, env=env, capture_output=True)
    cached = snapshot(cache)
    saved = tmp_path / "saved-old"
    shutil.copytree(root / "output", saved, symlinks=True)
    log = tmp_path / "strace.log"
    subprocess.run(
        ["strace", "-f", "-qq", "-o", str(log), "-e", f"trace={RENAMES}", *_build_command(root)],
        check=True,
        env=env,
        capture_output=True,
    )
    assert snapshot(cache) == cached, "the build wrote to the cache: its renames would count"
    steps = sum(1 for line in log.read_text().splitlines() if "rename" in line)
    assert steps >= 1
    for step in range(1, steps + 1):
        shutil.rmtree(root / "output")
        shutil.copytree(saved, root / "output", symlinks=True)
        subprocess.run(
            [
                "strace",
                "-f",
                "-qq",
                "-o",
                os.devnull,
                "-e",
                f"trace={RENAMES}",
                "-e",
                f"inject={RENAMES}:signal=KILL:when={step}",
                *_build_command(root),
            ],
            env=env,
            capture_output=True,
        )
        after = _outputs_only(snapshot(root / "output" / PACKAGE_ID))
        assert after in (_outputs_only(old), _outputs_only(new)), f"blandning efter steg {step}"
        completed = subprocess.run(_build_command(root), env=env, capture_output=True, text=True)
        assert completed.returncode == 0, completed.stderr
        assert _outputs_only(snapshot(root / "output" / PACKAGE_ID)) == _outputs_only(new)
        assert _leftovers(root) == [], f"rester efter steg {step}"


def test_leftover_staging_folders_are_removed(two_versions, capsys):
    root, _package, _old, new = two_versions
    for name in (".staging-abc123", f".{PACKAGE_ID}.ny-x1y2z3"):
        (root / "output" / name).mkdir()
        (root / "output" / name / "rapport.docx").write_bytes(b"half written")
    code, output = build(capsys, root)
    assert code == 0, output
    assert _leftovers(root) == []
    assert _outputs_only(snapshot(root / "output" / PACKAGE_ID)) == _outputs_only(new)
    # and also when nothing has changed since (the build is skipped)
    (root / "output" / ".staging-def456").mkdir()
    code, output = build(capsys, root)
    assert code == 0, output
    assert _leftovers(root) == []


def _other_file_system(path: Path) -> Path | None:
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK) and shm.stat().st_dev != path.stat().st_dev:
        return shm
    return None


def test_output_folder_on_another_file_system(two_versions, capsys, tmp_path):
    """``output/<paket>`` a symlink to a folder on another file system (tmpfs): no EXDEV."""
    root, _package, _old, new = two_versions
    other = _other_file_system(tmp_path)
    if other is None:
        pytest.skip("no writable /dev/shm on another file system")
    target = Path(os.path.realpath(other)) / f"kommunrapport-test-{os.getpid()}-{tmp_path.name}"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(root / "output" / PACKAGE_ID, target)
    shutil.rmtree(root / "output" / PACKAGE_ID)
    (root / "output" / PACKAGE_ID).symlink_to(target)
    try:
        code, output = build(capsys, root)
        assert code == 0, output
        assert_no_traceback(output)
        assert (root / "output" / PACKAGE_ID).is_symlink()
        assert _outputs_only(snapshot(target)) == _outputs_only(new)
        assert _leftovers(root) == []
        assert [
            p.name for p in target.parent.iterdir() if p.name.startswith(f".{target.name}")
        ] == []
    finally:
        shutil.rmtree(target, ignore_errors=True)


@pytest.mark.parametrize("what", ["output-root", "package-folder"])
def test_output_path_that_is_a_file(tmp_path: Path, capsys, monkeypatch, what):
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", "0")
    root = tmp_path / "repo"
    small_package(root)
    if what == "output-root":
        (root / "output").write_text("en fil, ingen mapp")
        blocked = root / "output"
    else:
        (root / "output").mkdir()
        (root / "output" / PACKAGE_ID).write_text("en fil, ingen mapp")
        blocked = root / "output" / PACKAGE_ID
    # HTML alone: the output path is refused whatever the formats, and no DOCX needs laying out
    code, output = run_cli(capsys, "build", "--root", str(root), "--format", "html", "-q")
    assert code == 1
    assert_located_error(output, "output")
    assert blocked.read_text() == "en fil, ingen mapp"


def test_failed_build_keeps_outputs_and_cache_record(two_versions, capsys):
    """A build that stops on a source error touches nothing; restoring the sources gives a
    build that is skipped as unchanged, because record and files still agree."""
    root, package, old, _new = two_versions
    section = package / SECTION
    good = section.read_text(encoding="utf-8")
    section.write_text(good + "\n{{ okänt_namn }}\n", encoding="utf-8")
    code, _output = build(capsys, root)
    assert code == 1
    assert snapshot(root / "output" / PACKAGE_ID) == old
    assert _leftovers(root) == []


def test_other_formats_are_kept_and_vanished_outputs_removed(two_versions, capsys):
    """Building only HTML keeps the DOCX files; a document that is gone loses its outputs, in
    the same switch."""
    root, package, _old, new = two_versions
    code, output = run_cli(capsys, "build", "--root", str(root), "--format", "html", "-q")
    assert code == 0, output
    files = _outputs_only(snapshot(root / "output" / PACKAGE_ID))
    assert files["rapport.html"] == new["rapport.html"]
    assert "rapport.docx" in files
    text = (package / "report.yaml").read_text(encoding="utf-8")
    start = text.index("  - id: tjansteskrivelse")
    end = text.index("  - id: rapport")
    (package / "report.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    code, output = build(capsys, root)
    assert code == 0, output
    assert sorted(_outputs_only(snapshot(root / "output" / PACKAGE_ID))) == [
        "rapport.docx",
        "rapport.html",
    ]

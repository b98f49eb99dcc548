"""Rebuilding with unchanged sources reuses the outputs; any change to what the outputs are made
of builds again. Several packages build in parallel with the same output as one by one.

The cache does not depend on the package's size: most tests use the small review package (two
documents, a table and a chart), which builds in a fraction of the time of an example package."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kommunrapport.build.cache import MANIFEST_NAME, record_build, reuse_outputs
from kommunrapport.build.pipeline import build_package
from kommunrapport.cli import main
from kommunrapport.errors import Findings, KommunrapportError, Location

from .conftest import CONTENT, KALMAR
from .hardening_support import append, small_package
from .review_fixtures import PACKAGE_ID, SECTION

FORMATS = ("docx", "html")  # the cache does not depend on the formats' speed; keep tests fast


@pytest.fixture
def small_copy(tmp_path):
    """The small review package with a table and a chart in a scratch repository:
    (root, package_dir)."""

    def _write() -> tuple[Path, Path]:
        root = tmp_path / "repo"
        return root, small_package(root, tables=True)

    return _write


def build(root, out, **kwargs):
    return build_package(root / "content" / PACKAGE_ID, out, FORMATS, **kwargs)


def test_unchanged_sources_are_not_rebuilt(small_copy, tmp_path):
    root, _package = small_copy()
    out = tmp_path / "out"
    first = build(root, out)
    assert first.written and not first.unchanged
    stamps = {p: p.stat().st_mtime_ns for p in first.written}
    second = build(root, out)
    assert second.written == []
    assert sorted(second.unchanged) == sorted(first.written)
    assert {p: p.stat().st_mtime_ns for p in first.written} == stamps


@pytest.mark.parametrize(
    "change",
    ["section", "report.yaml", "new data file", "package template", "repository template"],
)
def test_a_changed_source_is_rebuilt(small_copy, tmp_path, change):
    root, package = small_copy()
    out = tmp_path / "out"
    build(root, out)
    if change == "section":
        append(package / SECTION, "\nEn ny mening.\n")
    elif change == "report.yaml":
        config = package / "report.yaml"
        config.write_text(config.read_text(encoding="utf-8") + "\n# kommentar\n", "utf-8")
    elif change == "new data file":
        (package / "data").mkdir(exist_ok=True)
        (package / "data" / "ny.txt").write_text("x", "utf-8")
    elif change == "package template":
        (package / "templates" / "locale").mkdir(parents=True)
        (package / "templates" / "locale" / "sv.yaml").write_text("tabell: Tab.\n", "utf-8")
    else:
        (root / "templates" / "locale").mkdir(parents=True)
        (root / "templates" / "locale" / "sv.yaml").write_text("tabell: Tab.\n", "utf-8")
    again = build(root, out)
    assert again.written and not again.unchanged


def test_changed_or_missing_output_is_rebuilt(small_copy, tmp_path):
    root, _package = small_copy()
    out = tmp_path / "out"
    first = build(root, out)
    html = next(p for p in first.written if p.suffix == ".html")
    html.write_text("ändrad för hand", encoding="utf-8")
    assert build(root, out).written
    docx = next(p for p in first.written if p.suffix == ".docx")
    docx.unlink()
    second = build(root, out)
    assert docx in second.written and docx.is_file()


def test_other_formats_epoch_or_force_rebuild(small_copy, tmp_path, monkeypatch):
    root, _package = small_copy()
    out = tmp_path / "out"
    build(root, out)
    assert build_package(root / "content" / PACKAGE_ID, out, ("html",)).written
    build(root, out)
    assert build(root, out).unchanged
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert build(root, out).written
    assert build(root, out, use_cache=False).written


def test_warnings_are_repeated_and_strict_still_fails(small_copy, tmp_path):
    root, package = small_copy()
    append(package / SECTION, "\nTODO: skriv klart.\n")
    out = tmp_path / "out"
    first = build(root, out)
    assert len(first.findings) >= 1
    second = build(root, out)
    assert second.unchanged
    assert [str(f) for f in second.findings] == [str(f) for f in first.findings]
    with pytest.raises(KommunrapportError, match="--strict"):
        build(root, out, strict=True)


def test_manifest_round_trip_and_damaged_manifest(tmp_path):
    target = tmp_path / "paket"
    target.mkdir()
    written = target / "dok.html"
    written.write_text("<p>x</p>", encoding="utf-8")
    findings = Findings()
    findings.warn("summa", "summan stämmer inte", Location("data/a.xlsx", sheet="Drift", cell="C7"))
    record_build(target, "nyckel", [written], findings)
    cached = reuse_outputs(target, "nyckel")
    assert cached is not None and cached.files == [written]
    assert [str(f) for f in cached.findings] == [str(f) for f in findings]
    assert reuse_outputs(target, "annan nyckel") is None
    (target / MANIFEST_NAME).write_text("{inte json", encoding="utf-8")
    assert reuse_outputs(target, "nyckel") is None
    (target / MANIFEST_NAME).write_text(json.dumps({"key": "nyckel"}), encoding="utf-8")
    assert reuse_outputs(target, "nyckel") is None


def test_parallel_build_gives_the_same_files_and_messages(tmp_path, capsys):
    """An example package with its warnings and two small packages, one of them with a
    warning of its own."""
    root = tmp_path / "repo"
    shutil.copytree(CONTENT / KALMAR, root / "content" / KALMAR)
    for name in ("paket-b", "paket-c"):
        small_package(root, name, tables=True)
    append(root / "content" / "paket-b" / SECTION, "\nTODO: skriv klart.\n")
    outputs = {}
    messages = {}
    for jobs in ("1", "3"):
        out = tmp_path / f"out-{jobs}"
        args = ["build", "--root", str(root), "--output", str(out), "--format", "docx,html"]
        code = main([*args, "-j", jobs])
        assert code == 0
        captured = capsys.readouterr()
        lines = captured.out.splitlines()
        outputs[jobs] = {
            p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()
        }
        written = sum(path.name != MANIFEST_NAME for path in outputs[jobs])
        assert lines[-1].startswith(f"Klart: {written} filer skrivna")
        messages[jobs] = [line.replace(str(out), "OUT") for line in lines[:-1]]
    assert messages["1"] == messages["3"]
    assert [line for line in messages["3"] if line.startswith("Bygger")] == [
        f"Bygger {name} …" for name in (KALMAR, "paket-b", "paket-c")
    ]
    assert outputs["1"].keys() == outputs["3"].keys()
    for path, content in outputs["1"].items():
        if path.name != MANIFEST_NAME:
            assert outputs["3"][path] == content, path


def test_cached_build_is_reported(small_copy, tmp_path, capsys):
    root, _package = small_copy()
    args = ["build", "--root", str(root), "--output", str(tmp_path), "--format", "html"]
    assert main(args) == 0
    count = capsys.readouterr().out.count("  skrev ")
    assert count >= 2
    assert main(args) == 0
    out = capsys.readouterr().out
    assert f"oförändrat sedan förra bygget: {count} filer behölls" in out
    assert "Klart: 0 filer skrivna" in out
    assert main([*args, "--force"]) == 0
    assert f"Klart: {count} filer skrivna" in capsys.readouterr().out


def test_the_toolkits_folder_hash_is_remembered_and_follows_an_edit(tmp_path, monkeypatch):
    """The toolkit's own folders are hashed once and remembered under each file's size,
    modification time and inode: the remembered hash is the real one, and an edited file
    gives a new one."""
    import hashlib

    from kommunrapport.project.code_digest import hash_tree, toolkit_tree_digest

    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "verktyg"
    (folder / "del").mkdir(parents=True)
    (folder / "del" / "a.py").write_text("x = 1\n", encoding="utf-8")
    (folder / "b.typ").write_text("#let y = 2\n", encoding="utf-8")

    def real() -> bytes:
        digest = hashlib.sha256()
        hash_tree(digest, "code", folder)
        return digest.digest()

    first = toolkit_tree_digest("code", folder)
    assert first == real()
    assert list((tmp_path / "cache" / "bygge").glob("verktyg-*"))  # remembered
    assert toolkit_tree_digest("code", folder) == first
    (folder / "del" / "a.py").write_text("x = 22\n", encoding="utf-8")
    assert toolkit_tree_digest("code", folder) == real() != first

"""Same sources, same bytes."""

from __future__ import annotations

from kommunrapport.build.pipeline import build_package

from .conftest import CONTENT, KALMAR


def test_two_builds_are_byte_identical(built_results, tmp_path):
    """The session's build (every format, in another process when the tests run in several)
    and a second one here."""
    first = built_results(KALMAR)
    assert first.written, "the session's build was skipped as unchanged: nothing to compare"
    second = build_package(CONTENT / KALMAR, tmp_path / "b")
    assert [p.name for p in first.written] == [p.name for p in second.written]
    for a, b in zip(first.written, second.written, strict=True):
        assert a.read_bytes() == b.read_bytes(), f"{a.name} differs between builds"


def test_source_date_epoch_sets_docx_dates(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    result = build_package(CONTENT / KALMAR, tmp_path, ("docx",))
    from docx import Document

    docx = next(p for p in result.written if p.suffix == ".docx")
    assert Document(str(docx)).core_properties.modified.year == 2023


def test_same_bytes_from_two_checkouts_in_different_folders(tmp_path):
    """No absolute path, temporary folder or clock reading may end up in an output."""
    import shutil

    outputs = []
    for name in ("first", "second-checkout"):
        package = tmp_path / name / "content" / KALMAR
        shutil.copytree(CONTENT / KALMAR, package)
        result = build_package(package, tmp_path / name / "output", ("docx", "html"))
        outputs.append({p.name: p.read_bytes() for p in result.written})
    assert outputs[0].keys() == outputs[1].keys()
    for name in outputs[0]:
        assert outputs[0][name] == outputs[1][name], f"{name} depends on the checkout folder"

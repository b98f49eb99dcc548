"""Same sources, same bytes."""

from __future__ import annotations

from kommunrapport.builder import build_package

from .conftest import CONTENT, KALMAR


def test_two_builds_are_byte_identical(tmp_path):
    first = build_package(CONTENT / KALMAR, tmp_path / "a")
    second = build_package(CONTENT / KALMAR, tmp_path / "b")
    assert [p.name for p in first.written] == [p.name for p in second.written]
    for a, b in zip(first.written, second.written, strict=True):
        assert a.read_bytes() == b.read_bytes(), f"{a.name} differs between builds"


def test_source_date_epoch_sets_docx_dates(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    result = build_package(CONTENT / KALMAR, tmp_path)
    from docx import Document

    docx = next(p for p in result.written if p.suffix == ".docx")
    assert Document(str(docx)).core_properties.modified.year == 2023

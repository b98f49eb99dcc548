"""Compiled PDFs are kept between builds (``writers.pdf_cache``), under the bytes of every file
Typst reads: a document whose files did not change is not compiled again, and Typst is not
even started; a change to any of them compiles it again."""

from __future__ import annotations

import pytest

from kommunrapport.build.pipeline import build_package
from kommunrapport.writers import pdf, pdf_cache

from .small_packages import SECTION, write_small_package


@pytest.fixture
def compiles(tmp_path, monkeypatch) -> list[str]:
    """The folders Typst compiled (a PDF each), with a cache of its own."""
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", str(tmp_path / "cache"))
    compiled: list[str] = []
    compile_in_child = pdf.compile_in_child

    def counted(job):
        compiled.append(job.root)
        return compile_in_child(job)

    monkeypatch.setattr(pdf, "compile_in_child", counted)
    return compiled


def test_an_unchanged_document_is_not_compiled_again(compiles, tmp_path, monkeypatch):
    package = write_small_package(tmp_path / "repo")

    def build(output: str) -> dict[str, bytes]:
        result = build_package(package, tmp_path / output, formats=("pdf",), use_cache=False)
        return {path.name: path.read_bytes() for path in result.written}

    first = build("ut1")
    assert len(compiles) == 2  # the memo and the report
    started: list[object] = []
    monkeypatch.setattr(pdf.SERVER, "start_soon", started.append)
    assert build("ut2") == first
    assert len(compiles) == 2 and started == []  # nothing compiled, Typst never started
    section = package / SECTION
    section.write_text(section.read_text(encoding="utf-8") + "\nEn ny mening.\n", "utf-8")
    edited = build("ut3")
    assert len(compiles) == 3 and len(started) == 1  # the report only
    assert edited["tjansteskrivelse.pdf"] == first["tjansteskrivelse.pdf"]
    assert edited["rapport.pdf"] != first["rapport.pdf"]


def test_a_changed_file_or_font_is_another_entry(tmp_path, monkeypatch):
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", str(tmp_path / "cache"))
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / "Brodtext.ttf").write_bytes(b"font, first version")
    files = {"main.typ": b"= Rubrik", "bild.png": b"png"}

    def entry(**changes: bytes) -> object:
        return pdf_cache.pdf_entry({**files, **changes}, [fonts], ["ua-1", "a-2u"], 1700000000)

    first = entry()
    assert first == entry()
    assert entry(**{"bild.png": b"another png"}) != first
    assert entry(**{"bild2.png": b"png"}) != first
    assert pdf_cache.pdf_entry(files, [fonts], ["ua-1"], 1700000000) != first
    assert pdf_cache.pdf_entry(files, [fonts], ["ua-1", "a-2u"], 1700000001) != first
    (fonts / "Brodtext.ttf").write_bytes(b"font, second version")
    assert entry() != first
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", "0")
    assert entry() is None


def test_a_kept_pdf_comes_back_with_its_warnings_and_a_damaged_one_never(tmp_path, monkeypatch):
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", str(tmp_path / "cache"))
    entry = pdf_cache.pdf_entry({"main.typ": b"x"}, [], ["ua-1"], 0)
    assert entry is not None and pdf_cache.cached_pdf(entry) is None
    pdf_cache.keep_pdf(entry, b"%PDF-1.7 ...", ["typsnittet saknar ”ö”"])
    assert pdf_cache.cached_pdf(entry) == (b"%PDF-1.7 ...", ["typsnittet saknar ”ö”"])
    entry.write_bytes(entry.read_bytes().replace(b"1.7", b"1.4"))
    assert pdf_cache.cached_pdf(entry) is None

"""pandoc's work remembered between builds (writers/pandoc): the same Markdown, the same pandoc
and the same toolkit give the same AST without pandoc (``markdown_to_ast``), and the same AST
with the same options and files gives the same DOCX, HTML or Typst (``ast_to_bytes``)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kommunrapport.writers import pandoc

from .small_packages import write_small_package

TEXT = (
    '# Ekonomi\n\nResultatet blev [−28 416 tkr]{{data-kalla-{source}="ekonomi.xlsx, cell I8"}}, '
    "*sämre* än budget, se [tabell]{{.kr-ref-{token}}}."
    "\n\n::: {{#kr-{token}-0 .kr-block}}\n:::\n\n| År | Belopp |\n|---|--:|\n| 2022 | 5525 |\n"
)
# The names two builds chose at random: the document's token (BlockRegistry.token) and the
# attribute of a figure's source (markdown_text.PROVENANCE_IN_MARKDOWN).
FIRST = ("0123456789ab", "00112233445566ff")
SECOND = ("ba9876543210", "ffeeddccbbaa9988")


def _read(text: str = TEXT, secrets: tuple[str, str] = FIRST) -> dict[str, Any]:
    token, source = secrets
    return pandoc.markdown_to_ast(text.format(token=token, source=source), secrets)


def _asked_of_pandoc(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, what: Callable[..., Any]
) -> list[Any]:
    """``what(request, payload)`` of every conversion of ``kind`` ("read" or "write") pandoc
    was asked for, with the cache in a folder of this test."""
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", str(tmp_path / "cache"))
    asked: list[Any] = []
    convert = pandoc._convert

    def counted(request: dict[str, Any], payload: bytes) -> bytes:
        if kind in request:
            asked.append(what(request, payload))
        return convert(request, payload)

    monkeypatch.setattr(pandoc, "_convert", counted)
    return asked


@pytest.fixture
def readings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The Markdown pandoc was asked to read."""
    return _asked_of_pandoc(tmp_path, monkeypatch, "read", lambda _request, payload: payload)


def test_the_same_markdown_is_read_once(readings, monkeypatch):
    first = _read()
    assert _read() == first
    assert len(readings) == 1
    assert first["blocks"][0]["t"] == "Header"
    # the next build's names in the same text: still no reading, and the AST has those names
    # where pandoc would have put them
    second = _read(secrets=SECOND)
    assert len(readings) == 1
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", "0")
    assert second == _read(secrets=SECOND) != first
    for old, new in zip(FIRST, SECOND, strict=True):
        assert old not in str(second) and new in str(second)


@pytest.mark.parametrize("mark", ["\\u0000", "\\u0001"])
def test_a_reading_that_spells_a_mark_is_not_kept(readings, mark):
    text = TEXT.replace("sämre", "sämre \\" + mark)
    first = _read(text)
    assert mark in str(first)
    assert _read(text) == first
    assert len(readings) == 2


def test_changed_markdown_is_read_again(readings):
    _read()
    changed = _read(TEXT.replace("5525", "5526"))
    assert len(readings) == 2
    assert "5526" in str(changed) and "5525" not in str(changed)


def test_a_damaged_entry_is_read_again(readings, tmp_path):
    first = _read()
    (entry,) = (tmp_path / "cache" / "pandoc-ast").iterdir()
    data = bytearray(entry.read_bytes())
    data[-5:] = b"XXXXX"
    entry.write_bytes(bytes(data))
    assert _read() == first
    assert len(readings) == 2


def test_another_pandoc_does_not_use_the_readings_of_this_one(readings, tmp_path, monkeypatch):
    _read()
    other = tmp_path / "annan-pandoc"
    other.symlink_to(pandoc.pandoc_path())
    monkeypatch.setattr(pandoc, "pandoc_path", lambda: str(other))
    _read()
    assert len(readings) == 2


def test_with_caching_off_pandoc_reads_every_time(readings, monkeypatch):
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", "0")
    _read()
    _read()
    assert len(readings) == 2


# -- writing -------------------------------------------------------------------------------------

AST = {
    "pandoc-api-version": [1, 23, 1, 1],
    "meta": {},
    "blocks": [
        {"t": "Para", "c": [{"t": "Str", "c": "Diagram:"}]},
        {"t": "Para", "c": [{"t": "Image", "c": [["", [], []], [], ["diagram.png", ""]]}]},
    ],
}
PNG_RED = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8"
    "cfc0000003010100c9fe92ef0000000049454e44ae426082"
)


@pytest.fixture
def writings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The formats pandoc was asked to write."""
    return _asked_of_pandoc(tmp_path, monkeypatch, "write", lambda request, _payload: request["to"])


def _media(folder: Path, image: bytes = PNG_RED) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "diagram.png").write_bytes(image)
    return folder


def _docx(resources: list[Path]) -> bytes:
    return pandoc.ast_to_bytes(AST, "docx", {}, resources=resources)


def _image_in(docx: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        (name,) = [n for n in archive.namelist() if n.startswith("word/media/")]
        return archive.read(name)


def test_the_same_ast_is_written_once_per_format(writings):
    html = pandoc.ast_to_bytes(AST, "html5", {"wrap_text": "none"})
    assert pandoc.ast_to_bytes(AST, "html5", {"wrap_text": "none"}) == html
    assert b"Diagram:" in html
    typst = pandoc.ast_to_bytes(AST, "typst", {"wrap_text": "none"})
    assert writings == ["html5", "typst"] and b"Diagram:" in typst
    # other options are another writing
    pandoc.ast_to_bytes(AST, "html5", {"wrap_text": "none", "section_divs": True})
    assert writings == ["html5", "typst", "html5"]


def test_a_docx_is_kept_by_its_images_bytes_not_their_folder(writings, tmp_path):
    # each build draws its charts into a temporary folder of its own
    first = _docx([tmp_path / "paket", _media(tmp_path / "media-1")])
    assert _image_in(first) == PNG_RED
    assert _docx([tmp_path / "paket", _media(tmp_path / "media-2")]) == first
    assert writings == ["docx"]
    # the same path with other bytes: written again, with the new image
    other = PNG_RED.replace(b"\xc9\xfe", b"\xc9\xff")
    assert _image_in(_docx([tmp_path / "paket", _media(tmp_path / "media-2", other)])) == other
    assert writings == ["docx", "docx"]


def test_a_reference_docx_is_kept_by_its_bytes(writings, tmp_path):
    reference = tmp_path / "reference.docx"
    reference.write_bytes(_docx([]))
    writings.clear()

    def write(path: Path) -> bytes:
        return pandoc.ast_to_bytes(AST, "docx", {"reference_doc": str(path)})

    first = write(reference)
    copy = tmp_path / "kopia" / "reference.docx"
    copy.parent.mkdir()
    copy.write_bytes(reference.read_bytes())
    assert write(reference) == write(copy) == first
    assert writings == ["docx"]
    with zipfile.ZipFile(reference, "a") as archive:  # a changed reference, same path
        archive.writestr("customXml/annat.xml", "<annat/>")
    write(reference)
    assert writings == ["docx", "docx"]


def test_an_option_the_key_does_not_know_is_never_kept(writings):
    pandoc.ast_to_bytes(AST, "html5", {"number_sections": True})
    pandoc.ast_to_bytes(AST, "html5", {"number_sections": True})
    assert writings == ["html5", "html5"]


def test_an_image_from_the_web_is_never_kept(writings, tmp_path):
    web = {**AST, "blocks": [{"t": "Para", "c": [
        {"t": "Image", "c": [["", [], []], [], ["https://example.org/a.png", ""]]}
    ]}]}  # fmt: skip
    assert (
        pandoc._write_entry({"to": "docx", "options": {}, "resources": [str(tmp_path)]}, b"{}", web)
        is None
    )


def test_with_caching_off_pandoc_writes_every_time(writings, monkeypatch):
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", "0")
    pandoc.ast_to_bytes(AST, "html5")
    pandoc.ast_to_bytes(AST, "html5")
    assert writings == ["html5", "html5"]


# -- a whole build -------------------------------------------------------------------------------


def test_a_second_build_of_unchanged_sources_asks_pandoc_for_nothing(tmp_path):
    """Every name a build chooses at random (the placeholders' token, the attribute of a
    figure's source) is masked in the keys: with a figure from a workbook in a sentence, the
    second build neither reads nor writes with pandoc, and its files are the first build's."""
    section = (
        '{{ tabell("drift") }}\n\nAvvikelsen för Stab var {{ drift["Stab"].avvikelse | '
        'belopp("tkr") }}.\n'
    )
    package = write_small_package(tmp_path, section=section)
    env = {**os.environ, "KOMMUNRAPPORT_CACHE": str(tmp_path / "cache")}
    conversions, files = [], []
    for run in ("1", "2"):
        log = tmp_path / f"pandoc-{run}.log"
        subprocess.run(
            [sys.executable, "-m", "kommunrapport.cli", "build", package.name, "--output",
             f"ut-{run}", "--format", "docx,html,pdf", "--force", "-q"],
            cwd=tmp_path, env={**env, "KOMMUNRAPPORT_PANDOC_LOG": str(log)}, check=True,
        )  # fmt: skip
        conversions.append(log.read_text(encoding="utf-8").splitlines() if log.exists() else [])
        out = tmp_path / f"ut-{run}"
        files.append({p.name: p.read_bytes() for p in out.rglob("*.*") if "bygge" not in p.name})
    assert len(conversions[0]) == 2 * 4  # two documents: read, DOCX, HTML, Typst
    assert conversions[1] == []
    assert files[1] == files[0] and len(files[0]) == 6
    html = next(data for name, data in files[0].items() if name.endswith("rapport.html"))
    assert b'data-kalla="' in html and "−200".encode() in html

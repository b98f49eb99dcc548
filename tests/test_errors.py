"""Bad input: a clear message naming file and line or field, exit 1, earlier outputs intact."""

from __future__ import annotations

import re
import shutil

import pytest

from kommunrapport.cli import main

from .conftest import CONTENT, KALMAR
from .hardening_support import run_cli_in_fixture

# An error stops the build the same way whatever the formats: HTML alone, no DOCX or PDF to make.
BUILD = ["build", "-q", "--format", "html"]


def _build(root, capsys, *extra):
    code = main([*BUILD, "--root", str(root), *extra])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.fixture(scope="module")
def kalmar_built_once(tmp_path_factory):
    """A copy of Kalmar built once for the module (the earlier outputs an error must leave)."""
    root = tmp_path_factory.mktemp("errors-built") / "repo"
    shutil.copytree(CONTENT / KALMAR, root / "content" / KALMAR)
    code, output = run_cli_in_fixture(*BUILD, "--root", str(root))
    assert code == 0, output
    return root


@pytest.fixture
def package_copy(kalmar_built_once, tmp_path):
    """Kalmar with its earlier outputs, copied into this test's folder: (root, package)."""

    def _copy():
        root = tmp_path / "repo"
        shutil.copytree(kalmar_built_once, root, symlinks=True)
        return root, root / "content" / KALMAR

    return _copy


def _first_build(root, _capsys):
    """The outputs of the earlier build (made once for the module, copied with the package)."""
    out = root / "output" / KALMAR
    return {p.name: p.read_bytes() for p in out.iterdir()}


def _assert_intact(root, before):
    out = root / "output" / KALMAR
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    assert after == before
    assert not [p for p in (root / "output").iterdir() if p.name.startswith(".staging")]


def test_wrong_field_in_report_yaml(package_copy, capsys):
    root, pkg = package_copy()
    before = _first_build(root, capsys)
    text = (pkg / "report.yaml").read_text(encoding="utf-8")
    text = text.replace("rapporttyp: årsrapport", "rapporttyp: årsrappport")
    text = text.replace("numrering:\n  djup: 3", "numrering:\n  djupp: 3")
    (pkg / "report.yaml").write_text(text, encoding="utf-8")
    code, output = _build(root, capsys)
    assert code == 1
    assert "report.yaml" in output
    line = text.splitlines().index("rapporttyp: årsrappport") + 1
    assert f"rad {line}, fält rapporttyp" in output
    assert "måste vara ett av" in output
    assert "fält numrering.djupp: okänt fält" in output
    assert "Menade du 'djup'?" in output
    _assert_intact(root, before)


def test_undefined_jinja_name(package_copy, capsys):
    root, pkg = package_copy()
    before = _first_build(root, capsys)
    section = pkg / "arsrapport" / "02-trygghetsfragor.md"
    lines = section.read_text(encoding="utf-8").splitlines()
    lines.insert(6, "Antal mötesplatser: {{ antal_motesplatser }}.")
    section.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, output = _build(root, capsys)
    assert code == 1
    assert re.search(
        r"arsrapport/02-trygghetsfragor\.md, rad 7: okänt namn i mallen: "
        r"'antal_motesplatser' är inte definierat",
        output,
    ), output
    _assert_intact(root, before)


def test_missing_section_file(package_copy, capsys):
    root, pkg = package_copy()
    before = _first_build(root, capsys)
    (pkg / "arsrapport" / "21-sjukfranvaro.md").unlink()
    code, output = _build(root, capsys)
    assert code == 1
    yaml_lines = (pkg / "report.yaml").read_text(encoding="utf-8").splitlines()
    line = next(i for i, t in enumerate(yaml_lines, 1) if "21-sjukfranvaro.md" in t)
    assert f"report.yaml, rad {line}" in output
    assert "avsnittsfilen 'arsrapport/21-sjukfranvaro.md' finns inte" in output
    _assert_intact(root, before)


def test_include_outside_package_is_refused(package_copy, capsys, tmp_path):
    root, pkg = package_copy()
    (root / "hemlig.md").write_text("hemligt", encoding="utf-8")
    section = pkg / "arsrapport" / "33-kvalitetsutveckling.md"
    section.write_text(
        section.read_text(encoding="utf-8") + '\n{% include "../../hemlig.md" %}\n',
        encoding="utf-8",
    )
    code, output = _build(root, capsys)
    assert code == 1
    assert "33-kvalitetsutveckling.md" in output
    assert "hemligt" not in output


def test_image_outside_package_is_refused(package_copy, capsys):
    root, pkg = package_copy()
    (root / "bild.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    section = pkg / "arsrapport" / "33-kvalitetsutveckling.md"
    section.write_text(
        section.read_text(encoding="utf-8") + "\n![Bild](../../../bild.png)\n", encoding="utf-8"
    )
    code, output = _build(root, capsys)
    assert code == 1
    assert "pekar utanför paketets mapp" in output


def test_raw_html_never_reaches_html_output(package_copy, capsys):
    root, pkg = package_copy()
    section = pkg / "arsrapport" / "33-kvalitetsutveckling.md"
    section.write_text(
        section.read_text(encoding="utf-8")
        + '\n<script>alert(1)</script>\n\n[klicka]{onclick="alert(2)"} och '
        '[länk](javascript:alert(3)) och <img src=x onerror="alert(4)">\n',
        encoding="utf-8",
    )
    code, output = _build(root, capsys)
    assert code == 0
    assert "rå HTML-kod i texten togs bort" in output
    html = (root / "output" / KALMAR / "arsrapport.html").read_text(encoding="utf-8")
    assert "<script" not in html
    assert "alert(" not in html
    assert "onclick" not in html and "onerror" not in html
    assert "javascript:" not in html
    assert "klicka" in html


def test_strict_turns_warnings_into_errors(package_copy, capsys):
    root, pkg = package_copy()
    before = _first_build(root, capsys)
    section = pkg / "arsrapport" / "33-kvalitetsutveckling.md"
    section.write_text(section.read_text(encoding="utf-8") + "\n<b>fet</b>\n", encoding="utf-8")
    code, output = _build(root, capsys, "--strict")
    assert code == 1
    assert "--strict" in output
    _assert_intact(root, before)

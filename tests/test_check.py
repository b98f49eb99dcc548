"""``kommunrapport check``: every validation of a build, nothing written, CI-friendly output."""

from __future__ import annotations

import base64
import json
import re
import shutil
from pathlib import Path

import pytest

from kommunrapport.build.pipeline import build_package
from kommunrapport.cli import main
from kommunrapport.project.package import builtin_templates_dir
from kommunrapport.text.placeholders import find_hits, load_patterns

from .conftest import CONTENT, KALMAR
from .review_fixtures import PACKAGE_ID, SECTION, write_package

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


@pytest.fixture
def package_copy(tmp_path: Path):
    """The small test package in a scratch report repository: (root, package_dir)."""

    def _copy() -> tuple[Path, Path]:
        root = tmp_path / "repo"
        return root, write_package(root)

    return _copy


def _check(root: Path, capsys, *extra: str) -> tuple[int, str]:
    code = main(["check", "--root", str(root), *extra])
    captured = capsys.readouterr()
    return code, captured.out


def _append(path: Path, text: str) -> int:
    """Append lines to a file; return the line number of the first appended line."""
    current = path.read_text(encoding="utf-8")
    if not current.endswith("\n"):
        current += "\n"
    path.write_text(current + text, encoding="utf-8")
    return current.count("\n") + 1


def test_clean_package_passes_and_writes_nothing(package_copy, capsys):
    root, _pkg = package_copy()
    code, out = _check(root, capsys, PACKAGE_ID)
    assert code == 0
    assert f"{PACKAGE_ID}: OK (0 fel, 0 varningar)" in out
    assert "Inga filer skrevs" in out
    assert not (root / "output").exists()


def test_placeholders_are_found_with_file_and_line(package_copy, capsys):
    root, pkg = package_copy()
    first = _append(
        pkg / SECTION,
        "\nAnsvarig: Myndighet/nämnd/namn. Kostnaden blev XX mnkr under 20XX.\n"
        "\n[Skriv här en sammanfattning]\n"
        "\n{# TODO: en kommentar i mallen syns inte i texten #}\nLorem ipsum dolor sit amet.\n",
    )
    code, out = _check(root, capsys, PACKAGE_ID)
    assert code == 0  # warnings only
    shown = f"content/{PACKAGE_ID}/{SECTION}"
    assert (
        f"{shown}, rad {first + 1}: varning [placeholder]: mallrest 'Myndighet/nämnd/namn'" in out
    )
    assert f"{shown}, rad {first + 1}: varning [placeholder]: mallrest 'XX'" in out
    assert f"{shown}, rad {first + 1}: varning [placeholder]: mallrest '20XX'" in out
    assert f"{shown}, rad {first + 3}: varning [placeholder]: mallrest '[Skriv här" in out
    assert f"{shown}, rad {first + 6}: varning [placeholder]: mallrest 'Lorem ipsum'" in out
    assert "TODO" not in out  # inside a Jinja comment: not in the finished text
    code, _ = _check(root, capsys, "--strict", PACKAGE_ID)
    assert code == 1


def test_placeholder_from_a_variable_names_the_file(package_copy, capsys):
    root, pkg = package_copy()
    config = pkg / "report.yaml"
    text = config.read_text(encoding="utf-8")
    text = text.replace(
        "  forvaltning_kort: KLK", "  forvaltning_kort: KLK  # TODO kolla\n  ansvar: NN"
    )
    config.write_text(text, encoding="utf-8")
    _append(pkg / SECTION, "\nAnsvarig är {{ ansvar }}.\n")
    code, out = _check(root, capsys, "--format", "json", PACKAGE_ID)
    findings = json.loads(out)["findings"]
    nn = [f for f in findings if "'NN'" in f["message"]]
    line_in_config = text.splitlines().index("  ansvar: NN") + 1
    assert {(f["file"], f["line"]) for f in nn} == {
        (f"content/{PACKAGE_ID}/report.yaml", line_in_config),
        (f"content/{PACKAGE_ID}/{SECTION}", None),
    }
    assert not [f for f in findings if "TODO" in f["message"]]  # a YAML comment
    assert code == 0


def test_placeholder_patterns_are_configuration(package_copy, capsys):
    root, pkg = package_copy()
    (pkg / "templates" / "kontroller").mkdir(parents=True)
    (pkg / "templates" / "kontroller" / "platshallare.yaml").write_text(
        "ta_bort: [xx]\n"
        "platshållare:\n"
        "  - namn: ange-belopp\n"
        "    text: '(ange belopp)'\n"
        "    beskrivning: belopp som saknas\n",
        encoding="utf-8",
    )
    line = _append(pkg / SECTION, "\nKostnaden blev XX mnkr, dvs. (Ange belopp).\n") + 1
    code, out = _check(root, capsys, PACKAGE_ID)
    assert code == 0
    assert "'XX'" not in out
    assert (
        f"content/{PACKAGE_ID}/{SECTION}, rad {line}: varning [placeholder]: "
        "mallrest '(Ange belopp)' i texten (belopp som saknas)"
    ) in out


def test_default_patterns_do_not_flag_ordinary_text():
    patterns = load_patterns([builtin_templates_dir()])
    ordinary = (
        "Nämnden/förvaltningen redovisar ett överskott på 12,5 mnkr. Under 2000-talet växte "
        "Kalmar; XXL-butiken och Xerox flyttade. Se tabell 3 (Budget/Utfall). Är det rätt? "
        "Ja! Text inom [hakparenteser] och NNE-vinden är vanliga ord."
    )
    assert find_hits(ordinary, patterns) == []
    leftovers = "Klicka här för att ange text. X,X mnkr. NN skriver. TBD. Förvaltning/enhet/namn ??"
    names = [hit.pattern.name for hit in find_hits(leftovers, patterns)]
    assert names == ["klicka-har", "xx", "nn", "todo", "myndighet-namnd-namn", "fragetecken"]


def test_github_annotations_for_warnings_and_errors(package_copy, capsys):
    root, pkg = package_copy()
    (pkg / "bilder").mkdir()
    (pkg / "bilder" / "karta.png").write_bytes(PNG)
    first = _append(
        pkg / SECTION,
        "\nUtfallet blev XX mnkr, 100 % av budget.\n\n![](../bilder/karta.png)\n"
        "\n<script>alert('rå kod')</script>\n",
    )
    code, out = _check(root, capsys, "--format", "github", PACKAGE_ID)
    assert code == 0
    lines = out.splitlines()
    shown = f"content/{PACKAGE_ID}/{SECTION}"
    placeholder = next(line for line in lines if "[placeholder]" in line)
    assert placeholder.startswith(
        f"::warning file={shown},line={first + 1},title=kommunrapport [placeholder]::"
    )
    assert "%0AÅtgärd: " in placeholder  # the hint, newline escaped
    alt = next(line for line in lines if "[alt-text]" in line)
    assert alt.startswith(f"::warning file={shown},title=kommunrapport [alt-text]::")
    assert any(
        line.startswith(f"::warning file={shown},") and "[raw-markup]" in line for line in lines
    )
    for line in lines[:-1]:
        assert re.match(r"^::(warning|error) (file=[^,:]+(,line=\d+)?,)?title=[^:]+::\S", line)
    assert lines[-1].startswith(f"{PACKAGE_ID}: OK (0 fel, ")

    # a template error stops the build: an error annotation, exit code 1
    error_line = _append(pkg / SECTION, "\nDet blev {{ okant_namn }} kronor.\n") + 1
    code, out = _check(root, capsys, "--format", "github", PACKAGE_ID)
    assert code == 1
    error = next(line for line in out.splitlines() if line.startswith("::error"))
    assert error.startswith(
        f"::error file={shown},line={error_line},title=kommunrapport [build-error]::"
        "okänt namn i mallen: 'okant_namn' är inte definierat"
    )


def test_errors_in_several_documents_are_all_reported(package_copy, capsys):
    root, pkg = package_copy()
    _append(pkg / "tjansteskrivelse" / "bakgrund.md", "\n{{ fel_i_skrivelsen }}\n")
    _append(pkg / SECTION, "\n{{ fel_i_rapporten }}\n")
    code, out = _check(root, capsys, "--format", "json", PACKAGE_ID)
    assert code == 1
    document = json.loads(out)
    messages = [f["message"] for f in document["findings"] if f["severity"] == "error"]
    assert any("fel_i_skrivelsen" in m for m in messages)
    assert any("fel_i_rapporten" in m for m in messages)
    assert document["errors"] == 2


def test_broken_report_yaml_is_an_error(package_copy, capsys):
    root, pkg = package_copy()
    config = pkg / "report.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("rapporttyp: årsrapport", "rapporttyp: x"),
        encoding="utf-8",
    )
    code, out = _check(root, capsys, PACKAGE_ID)
    assert code == 1
    assert f"content/{PACKAGE_ID}/report.yaml, rad" in out
    assert f"{PACKAGE_ID}: FEL (1 fel, 0 varningar)" in out


def test_build_reports_placeholders_too(package_copy):
    root, pkg = package_copy()
    _append(pkg / SECTION, "\nAvvikelsen blev XX mnkr.\n")
    result = build_package(pkg, root / "output", ("html",))
    assert [f.code for f in result.findings] == ["placeholder"]


def test_github_annotation_for_a_literal_amount_that_contradicts_the_data(tmp_path, capsys):
    """Kalmar: an amount typed in the text that no figure in the data rounds to."""
    root = tmp_path / "repo"
    pkg = root / "content" / KALMAR
    shutil.copytree(CONTENT / KALMAR, pkg)
    section = pkg / "arsrapport" / "10-driftredovisning.md"
    line = _append(section, "\nUnderskottet för brandkåren blev −14,2 mnkr.\n") + 1
    code, out = _check(root, capsys, "--format", "github", "--bygg-format", "html", KALMAR)
    annotation = next(
        (row for row in out.splitlines() if "[belopp-i-text]" in row and "14,2" in row), None
    )
    assert annotation is not None, out
    assert annotation.startswith(
        f"::warning file=content/{KALMAR}/arsrapport/10-driftredovisning.md,line={line},"
        "title=kommunrapport [belopp-i-text]::beloppet '−14,2 mnkr' står direkt i texten"
    )
    assert "%0AÅtgärd: " in annotation
    code, _ = _check(root, capsys, "--strict", "--bygg-format", "html", KALMAR)
    assert code == 1

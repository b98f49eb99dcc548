"""``kommunrapport import-docx``: a DOCX built by the toolkit, edited the way Word edits it,
comes back into the Markdown sources; what cannot come back safely is listed."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest
from docx import Document

from kommunrapport.cli import main

from .roundtrip_fixtures import ECONOMY, EVENTS, FILES, PACKAGE_ID, write_package
from .test_libreoffice import SOFFICE
from .word_edits import WordDocument

NBSP = "\u00a0"
MINUS = "\u2212"


@pytest.fixture(scope="module")
def built_docx(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The test package's DOCX as the build writes it (built once)."""
    root = tmp_path_factory.mktemp("bygge")
    write_package(root)
    out = root / "output"
    assert (
        main(["build", PACKAGE_ID, "--format", "docx", "--root", str(root), "--output", str(out)])
        == 0
    )
    return (out / PACKAGE_ID / "rapport.docx").read_bytes()


@pytest.fixture
def package(tmp_path: Path) -> Path:
    return write_package(tmp_path / "rapporter")


def run_import(package: Path, docx: bytes, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    reviewed = package.parent.parent / "granskad.docx"
    reviewed.write_bytes(docx)
    root = package.parent.parent
    assert main(["import-docx", PACKAGE_ID, str(reviewed), "--root", str(root), *extra]) == 0
    return capsys.readouterr().out


def digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_a_round_trip_without_edits_changes_nothing(built_docx, package, capsys):
    before = digests(package)
    out = run_import(package, built_docx, capsys)
    assert digests(package) == before
    assert "Inga ändringar att föra in i källorna." in out
    assert "Klart: 0 ändringar införda i 0 filer, 0 inte införda, 0 kommentarer." in out


def reviewed_like_word(docx: bytes) -> bytes:
    word = WordDocument(docx)
    # a changed sentence
    word.replace("Kommunledningskontoret håller", "håller sin budget", "håller budgeten väl")
    # a sentence with figures, edited around the figures
    word.replace("Nämnden redovisar", "mot budget", "jämfört med budgeten")
    # a changed figure from the data
    word.replace("Nämnden redovisar", f"64,3{NBSP}mnkr", f"65,0{NBSP}mnkr")
    # a deleted paragraph, and a new one
    word.delete_paragraph("Räddningstjänsten redovisar ett underskott")
    word.insert_paragraph_after("Ordningsvakterna arbetar", "Nattvandrarna har fått *nytt* stöd.")
    # a new heading
    word.insert_paragraph_after("Nattvandrarna har fått", "Trygghet i centrum", style="Heading2")
    # tracked changes: a replaced word and an insertion
    word.tracked_replace("Tre nya mötesplatser", "Tre", "Fyra")
    word.tracked_insert("Ordningsvakterna arbetar", "Ordningsvakterna arbetar", " i centrum")
    # a comment, and a changed number in the generated table
    word.comment("Kommunledningskontoret håller", "vakanta", "Hur många tjänster?")
    word.set_cell("Tabell 1", "Räddningstjänst", 2, f"64{NBSP}500")
    return word.save()


def test_reviewed_edits_come_back_into_the_markdown(built_docx, package, capsys):
    out = run_import(package, reviewed_like_word(built_docx), capsys)
    economy = (package / ECONOMY).read_text(encoding="utf-8")
    assert economy == (
        "---\nrubrik: Ekonomi\n---\n"
        '{{ tabell("drift") }}\n'
        "\n"
        "{% set avv = drift.total.avvikelse %}\n"
        'Nämnden redovisar ett {{ avv | resultatord }} på {{ avv | belopp("mnkr") }} jämfört\n'
        'med budgeten. Räddningstjänsten kostade {{ drift["rtj"].utfall | belopp("mnkr") }}.\n'
        "\n"
        "Kommunledningskontoret håller budgeten väl. Flera tjänster har varit\n"
        "vakanta under året.\n"
    )
    events = (package / EVENTS).read_text(encoding="utf-8")
    assert events == (
        "---\nrubrik: Händelser\n---\n"
        "Fyra nya mötesplatser har öppnat under {{ år }}.\n"
        "\n"
        "Ordningsvakterna arbetar i centrum dygnet runt.\n"
        "\n"
        "Nattvandrarna har fått \\*nytt\\* stöd.\n"
        "\n"
        '{{ tabell("personal") }}\n'
    )
    shown = f"content/{PACKAGE_ID}"
    assert f"{shown}/{ECONOMY} (rad 7, 8, 10, 12)" in out
    assert f"{shown}/{EVENTS} (rad 4, 6)" in out
    # not applied: the figure (with its cell) and the table cell
    assert (
        f"{shown}/{ECONOMY}, rad 8: talet kommer från data ({shown}/data/ekonomi.xlsx, blad "
        'Drift nämnd, cell E3) genom {{ drift["rtj"].utfall | belopp("mnkr") }}\n'
        "    ”64,3 mnkr” → ”65,0 mnkr”\n"
        "    Åtgärd: Ändra värdet i arbetsboken; texten följer med vid nästa bygge.\n"
    ) in out
    assert (
        f"{shown}/data/ekonomi.xlsx, blad Drift nämnd, cell E3: ändrad cell i Tabell 1. "
        "Driftredovisning (belopp i tkr): rad ”Räddningstjänst”, kolumn ”Utfall”\n"
        "    ”64 345” → ”64 500”\n"
    ) in out
    assert (
        f"{shown}/{EVENTS}, rad 6: ny rubrik\n"
        "    nytt: ”Trygghet i centrum”\n"
        "    Åtgärd: Nya avsnitt läggs till i report.yaml (disposition) och en egen fil.\n"
    ) in out
    assert f"{shown}/{ECONOMY}, rad 11: Ordförande: Hur många tjänster?" in out
    assert "Klart: 8 ändringar införda i 2 filer, 3 inte införda, 1 kommentar." in out


def test_the_result_builds_and_reads_as_the_reviewer_wrote(built_docx, package, capsys):
    run_import(package, reviewed_like_word(built_docx), capsys)
    out = package.parent.parent / "ut"
    assert (
        main(
            [
                "build",
                PACKAGE_ID,
                "--format",
                "docx",
                "--root",
                str(package.parent.parent),
                "--output",
                str(out),
            ]
        )
        == 0
    )
    capsys.readouterr()
    texts = [p.text for p in Document(str(out / PACKAGE_ID / "rapport.docx")).paragraphs]
    assert (
        f"Nämnden redovisar ett underskott på 2,1{NBSP}mnkr jämfört med budgeten. "
        f"Räddningstjänsten kostade 64,3{NBSP}mnkr." in texts
    )
    assert "Nattvandrarna har fått *nytt* stöd." in texts
    assert not any(t.startswith("Räddningstjänsten redovisar") for t in texts)


def test_comments_and_what_was_not_applied_as_github_annotations(built_docx, package, capsys):
    out = run_import(package, reviewed_like_word(built_docx), capsys, "--format", "github")
    lines = out.splitlines()
    notice = next(line for line in lines if line.startswith("::notice"))
    assert notice.startswith(
        f"::notice file=content/{PACKAGE_ID}/{ECONOMY},line=11,title=Kommentar från Ordförande::"
        "Hur många tjänster?"
    )
    warning = next(line for line in lines if "[data]" in line)
    assert warning.startswith(f"::warning file=content/{PACKAGE_ID}/{ECONOMY},line=8,")


def test_a_paragraph_changed_in_the_sources_since_is_listed_not_overwritten(
    built_docx, package, capsys
):
    events = package / EVENTS
    newer = FILES[EVENTS].replace("dygnet runt", "dygnet runt, också helger")
    events.write_text(newer, encoding="utf-8")
    word = WordDocument(built_docx)
    word.replace("Ordningsvakterna arbetar", "dygnet runt", "hela dygnet")
    out = run_import(package, word.save(), capsys)
    assert events.read_text(encoding="utf-8") == newer
    assert "stycket har ändrats i källan eller i data sedan DOCX-filen byggdes" in out
    assert (
        "”Ordningsvakterna arbetar dygnet runt, också helger.” → "
        "”Ordningsvakterna arbetar hela dygnet.”" in out
    )


def test_text_from_a_loop_is_listed_not_applied(package, tmp_path, capsys):
    section = package / EVENTS
    section.write_text(
        FILES[EVENTS] + "\n{% for namn in ['Norr', 'Söder'] %}\nOmråde {{ namn }} har fått en "
        "mötesplats.\n\n{% endfor %}\n",
        encoding="utf-8",
    )
    root = package.parent.parent
    out = root / "ut"
    assert (
        main(["build", PACKAGE_ID, "--format", "docx", "--root", str(root), "--output", str(out)])
        == 0
    )
    word = WordDocument((out / PACKAGE_ID / "rapport.docx").read_bytes())
    word.replace("Område Norr", "en mötesplats", "två mötesplatser")
    before = section.read_text(encoding="utf-8")
    result = run_import(package, word.save(), capsys)
    assert section.read_text(encoding="utf-8") == before
    assert "texten skrivs flera gånger av mallen" in result
    assert (
        f"content/{PACKAGE_ID}/{EVENTS}, rad 11: texten skrivs flera gånger av mallen (en slinga, "
        "ett makro eller ett delat textstycke)\n    ”en mötesplats” → ”två mötesplatser”\n"
    ) in result


@pytest.mark.libreoffice
@pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice saknas (soffice); Debian: libreoffice-writer-nogui"
)
def test_a_docx_saved_again_by_libreoffice_keeps_its_anchors(built_docx, package, tmp_path, capsys):
    word = WordDocument(built_docx)
    word.replace("Kommunledningskontoret håller", "håller sin budget", "håller budgeten väl")
    word.tracked_replace("Tre nya mötesplatser", "Tre", "Fyra")
    word.comment("Kommunledningskontoret håller", "vakanta", "Hur många tjänster?")
    edited = tmp_path / "granskad.docx"
    edited.write_bytes(word.save())
    profile = (tmp_path / "profil").resolve().as_uri()
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to",
         "docx:MS Word 2007 XML", "--outdir", str(tmp_path / "lo"), str(edited)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    out = run_import(package, (tmp_path / "lo" / "granskad.docx").read_bytes(), capsys)
    assert "Kommunledningskontoret håller budgeten väl. Flera" in (package / ECONOMY).read_text(
        encoding="utf-8"
    )
    assert (
        (package / EVENTS)
        .read_text(encoding="utf-8")
        .startswith("---\nrubrik: Händelser\n---\nFyra nya mötesplatser")
    )
    assert f"content/{PACKAGE_ID}/{ECONOMY}, rad 11: Ordförande: Hur många tjänster?" in out
    assert "0 inte införda" in out


def test_a_new_list_item_becomes_a_list_item(package, tmp_path, capsys):
    section = package / EVENTS
    section.write_text(
        FILES[EVENTS] + "\nMötesplatserna finns i\n\n- Norr\n- Söder, vid torget\n",
        encoding="utf-8",
    )
    root = package.parent.parent
    out = root / "ut"
    assert main(["build", PACKAGE_ID, "--format", "docx", "--root", str(root), "--output",
                 str(out)]) == 0  # fmt: skip
    word = WordDocument((out / PACKAGE_ID / "rapport.docx").read_bytes())
    word.insert_paragraph_after("Norr", "Väster")
    word.replace("Söder, vid torget", "vid torget", "vid stationen")
    run_import(package, word.save(), capsys)
    assert section.read_text(encoding="utf-8").endswith(
        "Mötesplatserna finns i\n\n- Norr\n- Väster\n- Söder, vid stationen\n"
    )

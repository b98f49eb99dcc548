"""``kommunrapport diff REV --docx``: the newer revision's report with what changed since REV
(sentences and table cells) as native Word tracked changes, that Word and LibreOffice open."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import load_workbook

from kommunrapport.cli import main

from .roundtrip_fixtures import ECONOMY, FILES, PACKAGE_ID, write_package
from .test_libreoffice import SOFFICE, convert_with_libreoffice, pdf_text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NBSP = "\u00a0"
OLD_SENTENCE = "Flera tjänster har varit vakanta under året."
NEW_SENTENCE = "Två tjänster har varit vakanta under hela året."


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The test package in git: a first commit, then one changed sentence and one cell."""
    root = tmp_path / "rapporter"
    package = write_package(root)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    git(root, "config", "user.name", "Testare")
    git(root, "config", "user.email", "testare@example.com")
    git(root, "config", "commit.gpgsign", "false")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Utskickad version")
    book = load_workbook(package / "data" / "ekonomi.xlsx")
    book["Personal"]["D3"] = 101
    book.save(package / "data" / "ekonomi.xlsx")
    text = FILES[ECONOMY].replace(
        "Flera tjänster har varit\nvakanta under året.",
        "Två tjänster har varit\nvakanta under hela året.",
    )
    (package / ECONOMY).write_text(text, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Ändringar efter beredningen")
    return root


def revisions(path: Path) -> list[tuple[str, str, str, str | None]]:
    """(kind, text, author, date) of every w:ins and w:del, in document order."""
    root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    found = []
    for element in root.iter(f"{W}ins", f"{W}del"):
        if element.getparent().tag == f"{W}rPr":
            continue  # a paragraph mark
        text = "".join(t.text or "" for t in element.iter(f"{W}t", f"{W}delText"))
        kind = element.tag.removeprefix(W)
        found.append((kind, text, element.get(f"{W}author"), element.get(f"{W}date")))
    return found


def merged(changes: list[tuple[str, str, str, str | None]]) -> list[tuple[str, str]]:
    """Neighbouring revisions of one kind as one text (a sentence may span several runs)."""
    out: list[tuple[str, str]] = []
    for kind, text, _author, _date in changes:
        if out and out[-1][0] == kind:
            out[-1] = (kind, out[-1][1] + text)
        else:
            out.append((kind, text))
    return out


def test_exactly_the_changed_sentence_and_cell_are_tracked_changes(repo, capsys):
    target = repo / "ändringar.docx"
    assert main(["diff", "HEAD~1", "HEAD", "--docx", str(target), "--root", str(repo)]) == 0
    out = capsys.readouterr().out
    assert f"({PACKAGE_ID}/rapport): 1 ändrad cell, 1 ändrad mening" in out
    changes = revisions(target)
    assert {(author, date) for _k, _t, author, date in changes} == {
        ("Ändrat sedan HEAD~1", "2024-02-05T00:00:00Z")
    }
    assert [(k, t.strip()) for k, t in merged(changes)] == [
        ("del", OLD_SENTENCE),
        ("ins", NEW_SENTENCE),
        ("del", "96"),
        ("ins", "101"),
    ]
    # the rest of the document is the newer revision's, unmarked
    body = zipfile.ZipFile(target).read("word/document.xml").decode("utf-8")
    assert "Kommunledningskontoret håller sin budget." in body
    assert len(re.findall(r"<w:(?:ins|del) ", body)) == len(changes)


def test_same_revisions_same_bytes_and_nothing_to_show(repo, capsys):
    first, second = repo / "a.docx", repo / "b.docx"
    main(["diff", "HEAD~1", "HEAD", "--docx", str(first), "--root", str(repo)])
    main(["diff", "HEAD~1", "HEAD", "--docx", str(second), "--root", str(repo)])
    assert first.read_bytes() == second.read_bytes()
    capsys.readouterr()
    none = repo / "inget.docx"
    assert main(["diff", "HEAD", "HEAD", "--docx", str(none), "--root", str(repo)]) == 0
    assert "Inga ändringar i dokumenten sedan HEAD; ingen fil skrevs." in capsys.readouterr().out
    assert not none.exists()


@pytest.mark.libreoffice
@pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice saknas (soffice); Debian: libreoffice-writer-nogui"
)
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext saknas")
def test_libreoffice_opens_the_tracked_changes(repo, tmp_path, capsys):
    target = repo / "ändringar.docx"
    main(["diff", "HEAD~1", "HEAD", "--docx", str(target), "--root", str(repo)])
    pdf = convert_with_libreoffice([target], tmp_path)[target]
    text = " ".join(pdf_text(pdf).split())
    # LibreOffice shows changes: the deleted sentence stays visible next to the new one
    assert "Flera tjänster har varit vakanta under året." in text
    assert "Två tjänster har varit vakanta under hela året." in text

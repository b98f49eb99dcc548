"""The reference reports' figures are the figures the build prints, in DOCX, HTML and PDF.

Issue 12: where a workbook holds a figure (a sum row, a deviation column, a total) that figure
is printed, in tables and in text; the tool computes only what the workbook does not give.
Each figure below is copied from the reference report's text
(``shared/reference-reports/<file>.txt``, line in the comment), never from the workbooks or from
the tool's own output: sum rows and deviations among them, and every figure issue 12 lists as
printed off by one. The off-by-one values the tool used to print must appear nowhere.

The PDF is checked in its extracted text (pypdfium2), not by position: the figures of each
checked row, in order, as one run of text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from docx import Document
from docx.table import Table

pdfium = pytest.importorskip("pypdfium2", reason="pypdfium2 saknas (pip install '.[test]')")

ESKILSTUNA = "eskilstuna-ks-delarsrapport-2-2023"
KALMAR = "kalmar-ks-arsrapport-2022"
OREBRO_2016 = "orebro-ks-arsberattelse-2016"
OREBRO_2022 = "orebro-ks-arsberattelse-2022"


@dataclass(frozen=True)
class Figure:
    """One printed cell: table (part of its caption), row label, column header, value as the
    reference prints it (ASCII minus and spaces are fine; "%" is not compared)."""

    caption: str
    row: str
    column: str
    value: str
    occurrence: int = 0  # which row with this label, if the table repeats it ("Nettokostnad")


@dataclass(frozen=True)
class Phrase:
    """A figure in running text: the document and the text around it."""

    document: str
    text: str


@dataclass(frozen=True)
class Expected:
    document: str  # the document that holds the tables
    figures: tuple[Figure, ...]
    phrases: tuple[Phrase, ...] = ()
    # Values the build printed before issue 12 was fixed where the source says otherwise; as
    # whole numbers, they must occur nowhere in the package's DOCX and HTML.
    wrong_numbers: tuple[str, ...] = ()
    # The same in running text, with unit; nowhere in any format.
    wrong_phrases: tuple[str, ...] = field(default_factory=tuple)


RR = "Resultaträkning"
RESULT = "Summa årets resultat exklusive överskott"
DRIFT = "Driftredovisning per underliggande enhet"
T1, T2 = "Driftredovisning nämnd", "Driftredovisning per verksamhetsområde"
T3, T4 = "Investeringsredovisning nämnd", "Investeringsredovisning per verksamhetsområde"
T22_02 = "Budgetavvikelse per nivå"
T22_03 = "Resultat för kommunledningen"
T22_05 = "Resultat för kommunstyrelseförvaltningen"
T22_06 = "per kontogrupp, kommunledning"
T22_08 = "per kontogrupp, kommunstyrelseförvaltningen"
T22_09 = "Investeringar per avdelning"
T16_03 = "Kommunstyrelsens direkta budgetansvar"
T16_05 = "Nettoredovisning, kommungemensamt"
T16_06 = "Nettoredovisning, politisk kommunledning"
T16_07 = "Nettoredovisning, Kommunstyrelseförvaltningen"
T16_08 = "Nettoredovisning, Lokalförsörjningsavdelningen"
T16_09 = "Investeringar, Kommunstyrelseförvaltningen"
T16_10 = "Investeringar, Lokalförsörjningsavdelningen"

EXPECTED: dict[str, Expected] = {
    # 002_dc8a4352ce13e06f.txt: T33 lines 682-695, T34 lines 697-709, text lines 17, 660, 676
    ESKILSTUNA: Expected(
        "delarsrapport",
        (
            Figure(RR, "Summa intäkter", "Utfall aug 2022", "352,3"),
            Figure(RR, "Summa intäkter", "Utfall aug 2023", "373,3"),
            Figure(RR, "Summa intäkter", "Budget aug 2023", "363,3"),
            Figure(RR, "Summa intäkter", "Årsprognos aug", "540,3"),
            Figure(RR, "Summa kostnader", "Utfall aug 2023", "-360,5"),
            Figure(RR, "Summa kostnader", "Avvikelse årsprognos aug", "6,6"),
            Figure(RR, RESULT, "Utfall aug 2022", "30,2"),
            Figure(RR, RESULT, "Utfall aug 2023", "12,8"),
            Figure(RR, RESULT, "Budget aug 2023", "3,4"),
            Figure(RR, RESULT, "Budgetavvikelse aug 2023", "9,4"),
            Figure(RR, "Summa RR verksamhetsrapportering", "Utfall aug 2022", "30,2"),
            Figure(RR, "Summa RR verksamhetsrapportering", "Utfall aug 2023", "15,9"),
            Figure(RR, "Summa RR verksamhetsrapportering", "Budget aug 2023", "3,4"),
            Figure(RR, "Summa RR verksamhetsrapportering", "Budgetavvikelse aug 2023", "12,5"),
            Figure(RR, "Summa RR verksamhetsrapportering", "Årsprognos aug", "6,6"),
            Figure(RR, "Summa RR verksamhetsrapportering", "Avvikelse årsprognos aug", "6,6"),
            Figure(DRIFT, "KLK Ledning", "Budgetavvikelse aug 2023", "-4,1"),
            Figure(DRIFT, "KLK Ledning", "Avvikelse årsprognos aug", "-1,1"),
            Figure(DRIFT, "Summa Kommunstyrelsen", "Budgetavvikelse aug 2022", "27,2"),
            Figure(DRIFT, "Summa Kommunstyrelsen", "Budgetavvikelse aug 2023", "12,5"),
            Figure(DRIFT, "Summa Kommunstyrelsen", "Budget 2023", "-491,9"),
            Figure(DRIFT, "Summa Kommunstyrelsen", "Avvikelse årsprognos aug", "6,6"),
        ),
        phrases=(
            Phrase("tjansteskrivelse", "första åtta månader är +15,9 mnkr"),
            Phrase("tjansteskrivelse", "helåret väntas ge +6,6 mnkr"),
            Phrase("delarsrapport", "första åtta månader är +15,9 mnkr"),
            Phrase("delarsrapport", "Resultatet för perioden är +15,9 mnkr"),
            Phrase("delarsrapport", "Totalt: +6,6 mnkr"),
        ),
        wrong_numbers=("373,2", "363,2", "30,3", "12,7", "15,8", "6,5"),
        wrong_phrases=("15,8 mnkr",),
    ),
    # 004_3a09bdbb2f31bf9d.txt: T1 lines 141-142, T2 lines 172-195, T3 line 202, T4 lines 219-226,
    # text lines 26, 144, 146, 168
    KALMAR: Expected(
        "arsrapport",
        (
            Figure(T1, "Summa KOSTNADER", "Budget VR dec 2022", "1 150 713"),
            Figure(T1, "Summa KOSTNADER", "Avvikelse", "-35 753"),
            Figure(T1, "Summa RESULTAT", "Budget VR dec 2022", "804 964"),
            Figure(T1, "Summa RESULTAT", "Utfall VR dec 2022", "833 380"),
            Figure(T1, "Summa RESULTAT", "Avvikelse", "-28 416"),
            Figure(T2, "Koncernledning", "Budget", "154 160"),
            Figure(T2, "Koncernledning", "Avvikelse", "-36 670"),
            Figure(T2, "Koncernledning Stab", "Avvikelse", "-5 525"),
            Figure(T2, "Mark och exploatering", "Avvikelse", "-34 955"),
            Figure(T2, "Förvaltningsledning", "Budget", "271 543"),
            Figure(T2, "Förvaltningsledning", "Avvikelse", "-3 837"),
            Figure(T2, "Brandkåren", "Avvikelse", "-2 457"),
            Figure(T2, "Exploateringsverksamhet", "Avvikelse", "30 840"),
            Figure(T2, "Summa", "Budget", "804 963"),
            Figure(T2, "Summa", "Utfall", "833 380"),
            Figure(T2, "Summa", "Avvikelse", "-28 416"),
            Figure(T3, "Summa NETTOINVESTERINGAR", "Avvikelse", "157 049"),
            Figure(T4, "Fastighet och infra", "Avvikelse", "169 492"),
            Figure(T4, "Summa", "Utfall", "395 451"),
        ),
        phrases=(
            Phrase("tjansteskrivelse", "budgetavvikelse på −28,4 mnkr"),
            Phrase("arsrapport", "mark och exploatering (−35,0 mnkr)"),
            Phrase("arsrapport", "Exploateringsverksamheten redovisar +30,8 mnkr"),
            Phrase("arsrapport", "budget på +157,0 mnkr"),
        ),
        wrong_numbers=("-36 671", "-5 526", "271 544", "-3 836", "-2 456"),
    ),
    # 000_4529b4aa0c002c77.txt: T22-02 lines 359-365, T22-03 lines 406-422, T22-05 lines 486-504,
    # T22-06 line 556, T22-08 line 593, T22-09 lines 596-603, text lines 55, 82, 373
    OREBRO_2022: Expected(
        "arsberattelse",
        (
            Figure(T22_02, "Nettokostnad", "Bokslut 2021", "-794 290"),
            Figure(T22_02, "Nettokostnad", "Budget 2022", "-744 443"),
            Figure(T22_02, "Nettokostnad", "Bokslut 2022", "-743 383"),
            Figure(T22_02, "Nettokostnad", "Avvikelse bokslut", "1 060"),
            Figure(T22_02, "Nettokostnad", "Avvikelse delår 2", "-15 383"),
            Figure(T22_02, "Kommunstyrelseförvaltningen", "Bokslut 2022", "-477 100"),
            Figure(T22_03, "KLKD Kansli Kristdemokraterna", "2021 o 2022", "51,0"),
            Figure(T22_03, "Summa KLP", "Bokslut", "-27 801"),
            Figure(T22_03, "Summa Kommunledning", "Bokslut", "-32 281"),
            Figure(T22_03, "Summa Kommunledning", "Utfall Ack dec", "-39 542"),
            Figure(T22_03, "Summa Kommunledning", "Avv Budg o Utf", "6 011"),
            Figure(T22_05, "Summa KAIN", "Budget", "-392 532"),
            Figure(T22_05, "Summa KAIN", "Avv Budg o Utf", "2 033"),
            Figure(T22_05, "Summa KAMY", "2021 o 2022", "-147,1"),
            Figure(T22_05, "Summa Kommunstyrelseförvaltning", "Bokslut", "-478 710"),
            Figure(T22_05, "Summa Kommunstyrelseförvaltning", "Utfall Ack dec", "-477 100"),
            Figure(T22_05, "Summa Kommunstyrelseförvaltning", "Avv Budg o Utf", "623"),
            Figure(T22_06, "Summa ÖKL", "Bokslut", "-32 281"),
            Figure(T22_06, "Summa ÖKL", "Utfall Ack dec", "-39 542"),
            Figure(T22_06, "Summa ÖKL", "Avv Budg o Utf", "6 011"),
            Figure(T22_08, "Summa ÖKA", "Bokslut", "-478 710"),
            Figure(T22_08, "Summa ÖKA", "Utfall Ack dec", "-477 100"),
            Figure(T22_09, "Summa investeringar", "Bokslut", "-32 575"),
            Figure(T22_09, "Summa investeringar", "Utfall Ack dec", "-15 756"),
            Figure(T22_09, "Summa investeringar", "Avv Budg o Utf", "19 732"),
        ),
        phrases=(
            Phrase("arsberattelse", "budgetavvikelse på 1,1 mnkr"),
            Phrase("arsberattelse", "prognosen −15,4 mnkr"),
            Phrase("arsberattelse", "avvikelse på 0,6 mnkr"),
        ),
        wrong_numbers=(
            "-477 099",
            "-477 101",
            "-32 282",
            "-32 280",
            "-39 541",
            "6 012",
            "-783 076",
        ),
    ),
    # 001_855f1a7b9e243815.txt: T16-03 lines 341-346, T16-05 line 382, T16-06 line 408,
    # T16-07 lines 439-443, T16-08 line 461, T16-09 lines 479-481, T16-10 line 496
    OREBRO_2016: Expected(
        "arsberattelse",
        (
            Figure(T16_03, "Politisk kommunledning", "Avvikelse 2016", "685"),
            Figure(T16_03, "Kommunstyrelseförvaltningen", "Avvikelse 2016", "42 848"),
            Figure(T16_03, "LFE – lokalförsörjning", "Utfall 2016-08-31", "6 100"),
            Figure(T16_03, "Nettokostnad", "Bokslut 2016", "-516 569"),
            Figure(T16_03, "Nettokostnad", "Avvikelse 2016", "-31 819"),
            Figure(T16_05, "Nettokostnad", "Budget 2016", "8 225"),
            Figure(T16_05, "Nettokostnad", "Avvikelse 2016", "-77 747"),
            Figure(T16_06, "Nettokostnad", "Bokslut 2016", "-39 541"),
            Figure(T16_06, "Nettokostnad", "Avvikelse 2016", "685"),
            Figure(T16_07, "Nettokostnad", "Bokslut 2015", "-427 350"),
            Figure(T16_07, "Nettokostnad", "Avvikelse 2016", "42 848"),
            Figure(T16_07, "Nettokostnad", "Bokslut 2015", "-427 350", occurrence=1),
            Figure(T16_07, "Nettokostnad", "Avvikelse 2016", "21 321", occurrence=1),
            Figure(T16_08, "Nettokostnad", "Utfall 2016-08-31", "6 111"),
            Figure(T16_09, "Windows 7", "Avvikelse 2016", ""),
            Figure(T16_09, "Nettokostnad", "Avvikelse 2016", "40 656"),
            Figure(T16_10, "Nettokostnad", "Utfall 2016-08-31", "-1 629"),
            Figure(T16_10, "Nettokostnad", "Avvikelse 2016", "55 863"),
        ),
        phrases=(
            Phrase("arsberattelse", "samlade ramavvikelse 42,8 mnkr"),
            Phrase("arsberattelse", "ett överskott på 21,3 mnkr"),
            Phrase("arsberattelse", "ett underskott på 77,7 mnkr"),
        ),
        wrong_numbers=("684", "-39 540", "-427 351", "41 881", "-4 297", "1 225"),
    ),
}

PACKAGES = sorted(EXPECTED)

# -- text helpers ----------------------------------------------------------------------------

# A Swedish number as the build prints it: U+2212 or '+' sign, groups of three digits joined
# by a no-break space, decimal comma. Ordinary spaces separate numbers.
NUMBER = re.compile(r"[−+-]?\d{1,3}(?:\u00a0\d{3})+(?:,\d+)?|[−+-]?\d+(?:,\d+)?")


def norm(text: str) -> str:
    """Minus signs as '-', every kind of space as one ' ', no percent sign."""
    # U+FFFE: where the PDF's text extraction marks a hyphenation point
    text = text.replace("\u2212", "-").replace("\u2013", "-").replace("\u00ad", "")
    text = text.replace("\ufffe", "")
    text = re.sub(r"\s*%", "", text)
    return re.sub(r"[\s\u00a0\u202f\u2009]+", " ", text).strip()


def numbers(text: str) -> list[str]:
    """The numbers in DOCX or HTML text, each whole (a group space does not split it)."""
    return [norm(n).lstrip("+") for n in NUMBER.findall(text)]


def docx_text(path: Path) -> str:
    """Paragraphs and table cells (each cell a separate run of text)."""
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def pdf_text(path: Path) -> str:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


# -- tables ----------------------------------------------------------------------------------


def docx_table(path: Path, caption: str) -> Table:
    """The table whose caption paragraph (just before it) contains ``caption``."""
    document = Document(str(path))
    previous = ""
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            previous = "".join(t.text or "" for t in child.iter() if t.tag.endswith("}t"))
        elif tag == "tbl":
            if caption in previous:
                return Table(child, document._body)
            previous = ""
    raise AssertionError(f"ingen DOCX-tabell med bildtexten {caption!r} i {path.name}")


def docx_figure(table: Table, figure: Figure) -> str:
    rows = list(table.rows)
    texts = [[c.text.strip() for c in row.cells] for row in rows]
    header = next((i for i, cells in enumerate(texts) if figure.column in cells), None)
    assert header is not None, f"ingen kolumn {figure.column!r}"
    index = texts[header].index(figure.column)
    matches = [cells for cells in texts[header + 1 :] if cells[0] == figure.row]
    assert len(matches) > figure.occurrence, f"ingen rad {figure.row!r}"
    return matches[figure.occurrence][index]


def html_table(soup: BeautifulSoup, caption: str) -> Tag:
    for table in soup.find_all("table"):
        cap = table.find("caption")
        if cap and caption in cap.get_text():
            return table
    raise AssertionError(f"ingen HTML-tabell med bildtexten {caption!r}")


def html_row(table: Tag, figure: Figure) -> tuple[list[str], list[str]]:
    """(header texts, cell texts) of the figure's row."""
    last_header_row = table.select("thead tr")[-1]
    header = [c.get_text(" ", strip=True) for c in last_header_row.find_all(["th", "td"])]
    rows = [
        [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
        for tr in table.select("tbody tr")
    ]
    matches = [cells for cells in rows if cells and cells[0] == figure.row]
    assert len(matches) > figure.occurrence, f"ingen rad {figure.row!r}"
    return header, matches[figure.occurrence]


# -- outputs of a package --------------------------------------------------------------------


@pytest.fixture(scope="module")
def outputs(built):
    """package id → its output folder (the session's build of each package)."""
    return {package: built(package) for package in PACKAGES}


def _doc(outputs: dict[str, Path], package: str, document: str, suffix: str) -> Path:
    return outputs[package] / f"{document}.{suffix}"


@pytest.mark.parametrize("package", PACKAGES)
def test_reference_figures_in_docx(outputs, package):
    expected = EXPECTED[package]
    path = _doc(outputs, package, expected.document, "docx")
    wrong = []
    for figure in expected.figures:
        shown = docx_figure(docx_table(path, figure.caption), figure)
        if norm(shown) != norm(figure.value):
            wrong.append(f"{figure.caption} / {figure.row} / {figure.column}: {shown!r}")
    assert not wrong, f"{package}: DOCX skriver inte originalets värde:\n" + "\n".join(wrong)


@pytest.mark.parametrize("package", PACKAGES)
def test_reference_figures_in_html(outputs, package):
    expected = EXPECTED[package]
    soup = BeautifulSoup(
        _doc(outputs, package, expected.document, "html").read_text(encoding="utf-8"),
        "html.parser",
    )
    wrong = []
    for figure in expected.figures:
        header, cells = html_row(html_table(soup, figure.caption), figure)
        shown = cells[header.index(figure.column)]
        if norm(shown) != norm(figure.value):
            wrong.append(f"{figure.caption} / {figure.row} / {figure.column}: {shown!r}")
    assert not wrong, f"{package}: HTML skriver inte originalets värde:\n" + "\n".join(wrong)


@pytest.mark.parametrize("package", PACKAGES)
def test_reference_figures_in_pdf(outputs, package):
    """Each checked row's figures, in order, run together in the PDF's text; the HTML row is
    checked against the reference above, so the PDF prints the reference's figures too."""
    expected = EXPECTED[package]
    soup = BeautifulSoup(
        _doc(outputs, package, expected.document, "html").read_text(encoding="utf-8"),
        "html.parser",
    )
    text = norm(pdf_text(_doc(outputs, package, expected.document, "pdf")))
    missing = []
    for figure in expected.figures:
        header, cells = html_row(html_table(soup, figure.caption), figure)
        assert norm(cells[header.index(figure.column)]) == norm(figure.value)
        run = " ".join(norm(c) for c in cells[1:] if norm(c))
        if f" {run} " not in f" {text} ":
            missing.append(f"{figure.caption} / {figure.row}: {run!r}")
    assert not missing, f"{package}: raderna finns inte i PDF-texten:\n" + "\n".join(missing)


@pytest.mark.parametrize("package", PACKAGES)
@pytest.mark.parametrize("suffix", ["docx", "html", "pdf"])
def test_reference_figures_in_text(outputs, package, suffix):
    expected = EXPECTED[package]
    missing = []
    for phrase in expected.phrases:
        path = _doc(outputs, package, phrase.document, suffix)
        text = _plain_text(path)
        if norm(phrase.text) not in text:
            missing.append(f"{phrase.document}.{suffix}: {phrase.text!r}")
    assert not missing, "meningarna har inte originalets tal:\n" + "\n".join(missing)


def _plain_text(path: Path) -> str:
    if path.suffix == ".docx":
        return norm(docx_text(path))
    if path.suffix == ".html":  # no separator: a figure's span is inline text
        return norm(BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").get_text())
    return norm(pdf_text(path))


@pytest.mark.parametrize("package", PACKAGES)
def test_off_by_one_values_appear_nowhere(outputs, package):
    """The values the build used to compute where the source gives a figure (issue 12) are in
    no document of the package, in no format."""
    expected = EXPECTED[package]
    found = []
    for path in sorted(outputs[package].iterdir()):
        if path.suffix == ".docx":
            raw = docx_text(path)
        elif path.suffix == ".html":
            raw = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").get_text(" | ")
        elif path.suffix == ".pdf":
            raw = pdf_text(path)
        else:
            continue
        if path.suffix != ".pdf":  # PDF text loses the no-break spaces that keep a number whole
            shown = set(numbers(raw))
            found += [f"{path.name}: {n}" for n in expected.wrong_numbers if n in shown]
        text = norm(raw)
        found += [f"{path.name}: {p!r}" for p in expected.wrong_phrases if norm(p) in text]
    assert not found, f"{package}: värden som inte är källans:\n" + "\n".join(found)

"""The Örebro 2016 example package (reference 001): figures, headings, cover, cross-references,
statuses and the original's errors reported by the build's checks (exactly those the README
lists)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

from kommunrapport.build.pipeline import PackageResult
from kommunrapport.errors import Finding

from .conftest import CONTENT, docx_paragraphs, html_soup

PACKAGE = "orebro-ks-arsberattelse-2016"
NBSP = "\u00a0"
MINUS = "\u2212"

# (caption starts with, row label, column header, expected cell text): at least one figure from
# each of ten different tables of the reference, as the reference prints them, in Swedish
# typography (non-breaking space, U+2212 minus, decimal comma). Where the original is wrong the
# package follows the data (last three rows).
FIGURES: list[tuple[str, str, str, str]] = [
    # T16-03 Nettoredovisning
    ("Nettoredovisning, Kommunstyrelsens", "Nettokostnad", "Avvikelse 2016", f"{MINUS}31{NBSP}819"),
    (
        "Nettoredovisning, Kommunstyrelsens",
        "Kommungemensamma statsbidrag",
        "Budget 2016",
        f"174{NBSP}357",
    ),
    # T16-05 Kommungemensamt
    ("Nettoredovisning, kommungemensamt", "Nettokostnad", "Avvikelse 2016", f"{MINUS}77{NBSP}747"),
    # T16-06 Politisk kommunledning
    (
        "Nettoredovisning, politisk kommunledning",
        "Kommunfullmäktige",
        "Bokslut 2016",
        f"{MINUS}5{NBSP}627",
    ),
    # T16-07 Kommunstyrelseförvaltningen: a department and the total after the deductions
    (
        "Nettoredovisning, Kommunstyrelseförvaltningen",
        "HR och Ekonomi",
        "Avvikelse 2016",
        f"16{NBSP}339",
    ),
    # T16-08 Lokalförsörjningsavdelningen
    (
        "Nettoredovisning, Lokalförsörjningsavdelningen",
        "Lokalförsörjningsavdelningen",
        "Utfall 2016-08-31",
        f"6{NBSP}111",
    ),
    # T16-02 Indicator ramavvikelse
    ("Indikator, ekonomi", "Verksamhetens ramavvikelse, mnkr (Ksf)", "Utfall 2016", "42,5"),
    # T16-14 Upphandling
    ("Indikatorer, upphandling", "Andelen inköp enligt ramavtal (%)", "Utfall 2016", "20,5"),
    # T16-20 Näringsliv: "0,1 lägre" in the original is −0,1
    (
        "Indikatorer, näringsliv",
        "Andel arbetslösa av arbetskraften 16–64 år, skillnad mot riket, procentenheter",
        "Utfall 2016",
        f"{MINUS}0,1",
    ),
    # T16-22 Krisledning: the unit in the cell, as in the original (the sheet's Radenhet)
    (
        "Indikatorer, säkerhet och skyddsfrågor",
        "Kommunens kostnader för skadegörelse",
        "Utfall 2014",
        f"3,9{NBSP}mnkr",
    ),
    # T16-25 Servicecenter
    ("Indikatorer, Servicecenter", "Antalet kontakter via telefon", "Utfall 2014", f"343{NBSP}500"),
    # T16-29 Medarbetare i förvaltningen
    (
        "Indikatorer, medarbetare i Kommunstyrelseförvaltningen",
        "Styrningsindex",
        "Utfall 2015",
        "67",
    ),
    # T16-34 Fem år i sammandrag
    ("Fem år i sammandrag", "Totalt antal invånare, Örebro kommun", "2016", f"146{NBSP}105"),
    ("Fem år i sammandrag", "Antal timavlönade, årsarbetare", "2012", "0,75"),
    # The original's figures where they are wrong (the build warns; README, "Fel i originalet"):
    # T16-09 Windows 7 Avvikelse blank (Bokslut − Budget is 1 225) and the total 40 656
    ("Investeringar, Kommunstyrelseförvaltningen", "Windows 7", "Avvikelse 2016", ""),
    (
        "Investeringar, Kommunstyrelseförvaltningen",
        "Nettokostnad",
        "Avvikelse 2016",
        f"40{NBSP}656",
    ),
    # T16-10 Utfall total −1 629 (its rows sum to −4 297)
    (
        "Investeringar, Lokalförsörjningsavdelningen",
        "Nettokostnad",
        "Utfall 2016-08-31",
        f"{MINUS}1{NBSP}629",
    ),
]

HEADINGS = [
    "1 Förslag till beslut",
    "2 Förvaltningschefens bedömning och analys",
    "2.3 Framåtblick",
    "3 Självskattning av nämndens bidrag och resultat",
    "4.3 Barn och ungas behov",
    "5 Säkra och hushålla – Nämndens resultat och effekter (god ekonomisk hushållning)",
    "5.1.1 Sammanfattande resultat för styrande indikatorer (god ekonomisk hushållning)",
    "5.3.1 Ekonomi (hushålla)",
    "5.3.1.1 Finansiella mål",
    "5.3.1.2 Kommunstyrelsens samlade ekonomi",
    "5.3.1.3 Investeringar",
    "5.3.4 Upphandling av varor och tjänster",
    "5.5.6 Sociala investeringar",
    "6.5 Servicecenter",
    "7.1.1 Effektivitet för Kommunstyrelseförvaltningens verksamhet",
    "7.4 IT som resurs för verksamheten",
    "8 Fem år i sammandrag",
    "9 Bilaga",
    "9.3 Organisationsskiss",
]

# The original's errors listed in the package README: (finding code, where, text in the message).
# "where" is "Sheet!Cell" for a workbook cell or the report.yaml field of a check.
ORIGINAL_ERRORS: list[tuple[str, str, str]] = [
    # T16-10: the Utfall total is the first row only
    (
        "summa",
        "Investeringar Lokalförsörjning!F8",
        f"angivet {MINUS}1{NBSP}629 men raderna summerar till {MINUS}4{NBSP}297",
    ),
    # T16-09: Windows 7 has no Avvikelse, so the total Avvikelse is wrong
    ("beraknat-varde", "Investeringar Ksf!J11", f"'Windows 7': angivet 0, beräknat 1{NBSP}225"),
    (
        "beraknat-varde",
        "Investeringar Ksf!J13",
        f"'Nettokostnad': angivet 40{NBSP}656, beräknat 41{NBSP}881",
    ),
    # T16-03 against T16-05: the overview leaves out Sociala investeringar in 2016
    ("summor-olika", "Kommungemensamt!G9", f"Nettokostnad är 8{NBSP}225 men nettoredovisning"),
    (
        "summor-olika",
        "Kommungemensamt!H9",
        f"Nettokostnad är {MINUS}69{NBSP}522 men nettoredovisning",
    ),
    (
        "summor-olika",
        "Kommungemensamt!I9",
        f"Nettokostnad är {MINUS}77{NBSP}747 men nettoredovisning",
    ),
    # T16-03 against T16-08: LFE Utfall 160831
    ("summor-olika", "Lokalförsörjning!E3", f"Nettokostnad är 6{NBSP}111 men nettoredovisning"),
    # T16-02 against T16-03: the indicator (mnkr) against the ledger (tkr)
    (
        "lika",
        "kontroller.lika[0]",
        f"42,5{NBSP}mnkr (content/orebro-ks-arsberattelse-2016/data/mal.xlsx, blad Indikatorer, "
        f"cell L2) men 42{NBSP}848{NBSP}tkr",
    ),
    # T16-03 against T16-07: one figure printed two ways, 1 tkr apart
    (
        "summor-olika",
        "Kommunstyrelseförvaltningen!G20",
        f"ksf Nettokostnad är {MINUS}246{NBSP}322 men nettoredovisning "
        f"Kommunstyrelseförvaltningen är {MINUS}246{NBSP}321",
    ),
    (
        "summor-olika",
        "Kommunstyrelseförvaltningen!H20",
        f"ksf Nettokostnad är {MINUS}256{NBSP}086 men nettoredovisning "
        f"Kommunstyrelseförvaltningen är {MINUS}256{NBSP}087",
    ),
    # T16-34: tillsvidare + visstid against totalt antal anställda, 2015 and 2016
    (
        "lika",
        "kontroller.lika[1]",
        "cell K7) men 533 (fem_ar.tv.fg_ar + fem_ar.vt.fg_ar)",
    ),
    (
        "lika",
        "kontroller.lika[2]",
        "cell L7) men 768 (fem_ar.tv.i_ar + fem_ar.vt.i_ar)",
    ),
]

# Cross-references written {{ ref("id") }}: the original's "Se avsnitt 6.1 och 6.5" (wrong: 6.2
# is meant) is generated from the headings.
REFERENCES = [
    ("naringsliv", "avsnitt 6.2"),
    ("servicecenter", "avsnitt 6.5"),
    ("it-resurs", "avsnitt 5.3.3"),
]


# -- helpers -------------------------------------------------------------------------------


def docx_tables(path: Path) -> Iterator[tuple[str, list[list[str]]]]:
    """(caption, rows of cell texts) of every table, the caption being the paragraph before."""
    doc = Document(str(path))
    caption = ""
    for element in doc.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(element, doc).text.strip()
            if text:
                caption = text
        elif tag == "tbl":
            table = Table(element, doc)
            yield caption, [[cell.text for cell in row.cells] for row in table.rows]


def html_tables(soup: BeautifulSoup) -> Iterator[tuple[str, list[list[str]]]]:
    for table in soup.find_all("table"):
        caption_tag = table.find("caption")
        caption = caption_tag.get_text(" ", strip=True) if caption_tag else ""
        rows = [
            [cell.get_text(" ", strip=True) for cell in tr.find_all(["th", "td"])]
            for tr in table.find_all("tr")
        ]
        yield caption, rows


def cell(tables: Iterator[tuple[str, list[list[str]]]], caption: str, row: str, column: str) -> str:
    """The text of the cell in the row labelled ``row`` and the column headed ``column``."""
    for table_caption, rows in tables:
        # captions read "Tabell N. <rubrik> (belopp i tkr)"
        if caption not in table_caption:
            continue
        header = next(r for r in rows if column in r)
        index = header.index(column)
        label = re.compile(re.escape(row) + r"( \d+\))?")  # with a footnote mark "2)"
        for cells in rows:
            if cells and label.fullmatch(cells[0].strip()):
                return cells[index]
        raise AssertionError(f"row {row!r} not in table {table_caption!r}")
    raise AssertionError(f"no table with caption {caption!r}")


@pytest.fixture(scope="module")
def out(built) -> Path:
    return built(PACKAGE)


@pytest.fixture(scope="module")
def findings(built_results) -> list[Finding]:
    result: PackageResult = built_results(PACKAGE)
    return list(result.findings)


def _where(finding: Finding) -> str:
    location = finding.location
    if location.sheet:
        return f"{location.sheet}!{location.cell}"
    return location.field or ""


# -- figures -------------------------------------------------------------------------------


@pytest.mark.parametrize(("caption", "row", "column", "expected"), FIGURES)
def test_figure_in_docx(out: Path, caption: str, row: str, column: str, expected: str) -> None:
    assert cell(docx_tables(out / "arsberattelse.docx"), caption, row, column) == expected


@pytest.mark.parametrize(("caption", "row", "column", "expected"), FIGURES)
def test_figure_in_html(out: Path, caption: str, row: str, column: str, expected: str) -> None:
    soup = html_soup(out / "arsberattelse.html")
    assert cell(html_tables(soup), caption, row, column) == expected


def test_figures_come_from_ten_tables() -> None:
    assert len({caption for caption, *_ in FIGURES}) >= 10


def test_narrative_numbers_come_from_the_data(out: Path) -> None:
    """Sentences that repeat table figures print them as the data has them (not the original's
    "ca 77mkr", "ca 42 mkr" or 42,5)."""
    text = " ".join(t for _, t in docx_paragraphs(out / "arsberattelse.docx"))
    assert f"ett underskott på 77,7{NBSP}mnkr" in text
    assert f"ett överskott på 21,3{NBSP}mnkr" in text
    assert f"samlade ramavvikelse 42,8{NBSP}mnkr" in text
    assert f"ett underskott på 31,8{NBSP}mnkr" in text
    assert f"en ökning med 0,3{NBSP}procentenheter" in text
    assert "totalt nio satsningar" not in text  # rewritten, but the count comes from the data
    assert "sammanlagt nio satsningar beviljats" in text


# -- headings ------------------------------------------------------------------------------


def test_docx_chapter_headings_are_numbered(out: Path) -> None:
    paragraphs = docx_paragraphs(out / "arsberattelse.docx")
    headings = [text for style, text in paragraphs if style.lower().startswith("heading")]
    positions = [headings.index(h) for h in HEADINGS]
    assert positions == sorted(positions)


def test_html_chapter_headings_are_numbered(out: Path) -> None:
    soup = html_soup(out / "arsberattelse.html")
    main = soup.find("main")
    assert isinstance(main, Tag)
    headings = [h.get_text(" ", strip=True) for h in main.find_all(["h2", "h3", "h4", "h5"])]
    positions = [headings.index(h) for h in HEADINGS]
    assert positions == sorted(positions)


def test_cover_has_the_decision_line_and_the_document_owners(out: Path) -> None:
    texts = [text for _, text in docx_paragraphs(out / "arsberattelse.docx")[:10]]
    assert "Årsberättelse 2016" in texts
    assert "Beslut i Kommunstyrelsen: 2017-02-07, § 31" in texts
    assert "Dokumentansvarig på politisk nivå: Kommunstyrelsen" in texts
    assert "Dokumentansvarig på tjänstemannanivå: Kommundirektör" in texts
    cover = html_soup(out / "arsberattelse.html").select_one("header.cover")
    assert isinstance(cover, Tag)
    pairs = {
        dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(strip=True)
        for dt in cover.find_all("dt")
    }
    assert pairs["Beslut i Kommunstyrelsen"] == "2017-02-07, § 31"
    assert pairs["Dokumentansvarig på politisk nivå"] == "Kommunstyrelsen"
    assert pairs["Dokumentansvarig på tjänstemannanivå"] == "Kommundirektör"


# -- cross-references and the table of contents --------------------------------------------


def test_cross_references_print_the_generated_section_number(out: Path) -> None:
    soup = html_soup(out / "arsberattelse.html")
    links = {(a["href"], a.get_text()) for a in soup.select("main a.xref")}
    for anchor, text in REFERENCES:
        assert (f"#{anchor}", text.replace(" ", NBSP)) in links
    docx_text = " ".join(t for _, t in docx_paragraphs(out / "arsberattelse.docx"))
    assert f"se avsnitt{NBSP}6.2 och avsnitt{NBSP}6.5" in docx_text  # 5.1.1 and 6.6


def test_unlisted_subheadings_stay_out_of_the_toc(out: Path) -> None:
    paragraphs = docx_paragraphs(out / "arsberattelse.docx")
    toc = " ".join(t for style, t in paragraphs if style.startswith("toc "))
    headings = [t for style, t in paragraphs if style.lower().startswith("heading")]
    for heading in ("Kommunövergripande – starka resultat", "Resultat med förbättringspotential"):
        assert heading in headings and heading not in toc


def test_decision_proposal(out: Path) -> None:
    text = [t for _, t in docx_paragraphs(out / "arsberattelse.docx")]
    assert "Kommunstyrelseförvaltningens förslag till Kommunstyrelsen:" in text
    assert "Kommunstyrelsen fastställer årsberättelsen för 2016." in text


# -- statuses ------------------------------------------------------------------------------


def test_status_symbols_and_texts(out: Path) -> None:
    """Self-assessment and uppdrag statuses are codes in the sheets, shown as symbol and text
    from the scales in report.yaml, in both formats."""
    for tables in (
        lambda: html_tables(html_soup(out / "arsberattelse.html")),
        lambda: docx_tables(out / "arsberattelse.docx"),
    ):
        grid = "Självskattning av nämndens"  # T16-01: areas as columns, one row of values
        assert cell(tables(), grid, "Bedömning", "Hållbar tillväxt") == "● Uppnått"
        assert cell(tables(), grid, "Bedömning", "Intraprenad") == "○ Kan inte bedömas"
        status = "Uppdrag och åtaganden, upphandling"
        row = "Ta fram jämställdhetskriterier för kommunens upphandlingar."
        assert cell(tables(), status, row, "Status") == "● Slutfört"
        row = "Effektivisering av lokaler inom Kommunstyrelseförvaltningen"
        assert cell(tables(), "Uppdrag och åtaganden, lokaler i", row, "Status") == "▽ Framskjutet"
        row = "Ta fram stöd och verktyg för konsekvensbedömningar"
        assert cell(tables(), "Uppdrag och åtaganden, hållbar", row, "Status") == "□ Inte påbörjat"


def test_self_assessment_grid(out: Path) -> None:
    """T16-01 as in the original: ten areas as columns under the three group headers, on a
    landscape page, one row of statuses from the scale självskattning."""
    soup = html_soup(out / "arsberattelse.html")
    table = next(
        t
        for t in soup.find_all("table")
        if t.caption and "Självskattning av nämndens" in t.caption.get_text()
    )
    groups, columns = table.select("thead tr")
    assert [(th.get_text(strip=True), th.get("colspan")) for th in groups.find_all("th")] == [
        ("Utveckla: Strategiska områden 2015–2018", "4"),
        ("Säkra: Verksamhetsuppdrag enligt reglemente", "4"),
        ("Hushålla: Ramavvikelse", "2"),
    ]
    assert len(columns.find_all("th")) == 10
    values = [td.get_text(" ", strip=True) for td in table.select("tbody tr")[0].find_all("td")]
    assert values == ["● Uppnått"] * 8 + ["○ Kan inte bedömas", "● Uppnått"]
    assert "landscape" in table.parent["class"]
    xml = Document(str(out / "arsberattelse.docx")).element.body.xml
    grid = xml.index('w:tblDescription w:val="Självskattning av nämndens bidrag och resultat"')
    # the table sits in a landscape section (the section break after it is turned)
    after = xml[grid:]
    section = after[after.index("<w:sectPr") : after.index("</w:sectPr>")]
    assert 'w:orient="landscape"' in section


def test_symbol_legends(out: Path) -> None:
    soup = html_soup(out / "arsberattelse.html")
    legends = [rows for caption, rows in html_tables(soup) if caption == "Förklaring symboler"]
    texts = [" ".join(" ".join(r) for r in rows) for rows in legends]
    assert any(
        "● Uppnått" in t and "○ Kan inte bedömas" in t and "◐ Delvis uppnått" in t for t in texts
    )
    assert any("◐ Pågår" in t and "○ Planerat" in t for t in texts)


# -- the original's errors -------------------------------------------------------------------


@pytest.mark.parametrize(("code", "where", "text"), ORIGINAL_ERRORS)
def test_build_reports_the_originals_errors(
    findings: list[Finding], code: str, where: str, text: str
) -> None:
    assert any(f.code == code and _where(f) == where and text in f.message for f in findings), [
        str(f) for f in findings
    ]


def test_no_other_warnings(findings: list[Finding]) -> None:
    """Every warning of the build is one of the original's errors listed in the README."""
    expected = {(code, where) for code, where, _ in ORIGINAL_ERRORS}
    unexpected = [str(f) for f in findings if (f.code, _where(f)) not in expected]
    assert unexpected == []


def _readme_findings() -> set[tuple[str, str]]:
    """(code, where) from the last column of the README's table of the original's errors:
    "`code`, blad <sheet>, cell <A1>, <B2>" or "`lika`, `report.yaml`, kontroller.lika[0]"."""
    readme = (CONTENT / PACKAGE / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Fel i originalet och hur bygget rapporterar dem", 1)[1]
    found: set[tuple[str, str]] = set()
    for line in section.split("\n\n|", 1)[1].split("\n\n", 1)[0].splitlines():
        last = line.rstrip(" |").rsplit(" | ", 1)[-1]
        code = re.match(r"`([a-z-]+)`", last)
        if not code:
            continue
        for sheet, cells in re.findall(r"blad (.+?), cell ((?:[A-Z]+\d+(?:, )?)+)", last):
            for cell in re.findall(r"[A-Z]+\d+", cells):
                found.add((code.group(1), f"{sheet}!{cell}"))
        for field in re.findall(r"kontroller\.lika\[\d+\]", last):
            found.add((code.group(1), field))
    return found


def test_readme_lists_exactly_the_warnings_of_the_build(findings: list[Finding]) -> None:
    listed = _readme_findings()
    assert len(listed) == len(ORIGINAL_ERRORS)
    assert listed == {(f.code, _where(f)) for f in findings}

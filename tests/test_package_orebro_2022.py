"""The Örebro example package (reference 000): Kommunstyrelsens årsberättelse 2022.

Builds the package and checks figures from ten tables of the reference (value and Swedish
typography) in both DOCX and HTML, the generated chapter numbers (the original's duplicated
"5.1" becomes 5.11), headings left out of the table of contents, the cover's decision line, the
decision proposal, and that the build reports exactly the errors of the original that the
package README lists (and the README lists every warning of the build).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docx import Document

from kommunrapport.build.pipeline import PackageResult
from kommunrapport.errors import Finding

from .conftest import (
    CONTENT,
    docx_cell,
    docx_paragraphs,
    docx_table,
    docx_text,
    html_cell,
    html_soup,
    html_table,
)

PACKAGE = "orebro-ks-arsberattelse-2022"
DOCX = "arsberattelse.docx"
HTML = "arsberattelse.html"
MINUS = "\u2212"
NBSP = "\u00a0"

# (table caption, row label, column header, text printed in the cell): figures that the
# reference prints and the package reproduces, from T22-01 … T22-10.
FIGURES: list[tuple[str, str, str, str]] = [
    # T22-01 (text table)
    (
        "Positiva iakttagelser och förbättringsområden",
        "Hållbara och resurseffektiva Örebro",
        "Positiva iakttagelser",
        "Lokalförsörjningsplan framtagen",
    ),
    # T22-02
    ("Budgetavvikelse per nivå", "Kommungemensamt", "Bokslut 2021", f"{MINUS}288{NBSP}668"),
    ("Budgetavvikelse per nivå", "Nettokostnad", "Budget 2022", f"{MINUS}744{NBSP}443"),
    ("Budgetavvikelse per nivå", "Nettokostnad", "Avvikelse bokslut", f"1{NBSP}060"),
    ("Budgetavvikelse per nivå", "Nettokostnad", "Avvikelse delår 2", f"{MINUS}15{NBSP}383"),
    # T22-03
    ("Resultat för kommunledningen", "KLC Kansli Centerpartiet", "Avv Budg o Utf", f"1{NBSP}212"),
    ("Resultat för kommunledningen", "KLC Kansli Centerpartiet", "2021 o 2022", f"10,6{NBSP}%"),
    ("Resultat för kommunledningen", "KLFÖ Kommunledn Fördelning", "Budget", f"3{NBSP}101"),
    # T22-04
    (
        "Resultat för kommungemensam nivå",
        "KGST Kommungemensamt Statsbidrag",
        "Utfall Ack dec",
        f"29{NBSP}153",
    ),
    (
        "Resultat för kommungemensam nivå",
        "Summa kommungemensam nivå",
        "Budget",
        f"{MINUS}221{NBSP}167",
    ),
    # T22-05
    (
        "Resultat för kommunstyrelseförvaltningen",
        "KIT Digitaliseringsavd",
        "Utfall Ack dec",
        f"{MINUS}90{NBSP}369",
    ),
    (
        "Resultat för kommunstyrelseförvaltningen",
        "KSÄ Säkerhetsavdelningen",
        "2021 o 2022",
        f"1,5{NBSP}%",
    ),
    # T22-06
    ("kontogrupp, kommunledning", "5 Personalkostnader", "Budget", f"{MINUS}47{NBSP}011"),
    # T22-07: seven digits, two non-breaking spaces
    (
        "kontogrupp, kommungemensamt",
        "6A Lokalhyror",
        "Utfall Ack dec",
        f"{MINUS}1{NBSP}298{NBSP}611",
    ),
    # T22-08
    (
        "kontogrupp, kommunstyrelseförvaltningen",
        "7 Övriga kostnader",
        "Avv Budg o Utf",
        f"14{NBSP}967",
    ),
    # T22-09
    ("Investeringar per avdelning", "KAÄ Staben", "Avv Budg o Utf", f"15{NBSP}084"),
    ("Investeringar per avdelning", "KAÄ Staben", "2021 o 2022", f"{MINUS}94,4{NBSP}%"),
    ("Investeringar per avdelning", "Summa investeringar", "Budget", f"{MINUS}35{NBSP}488"),
    # T22-10: one decimal, Styrningsindex without decimals, "%" only after the two shares (the
    # sheet's Radenhet), as in the original
    ("Personalnyckeltal", "Sjukfrånvaro i procent av arbetstiden", "2022", "4,6"),
    (
        "Personalnyckeltal",
        "Andel enheter/grupper med HME-värde på minst 78, procent 1)",
        "2022",
        f"52,1{NBSP}%",
    ),
    ("Personalnyckeltal", "Andel chefer med 10–30 medarbetare, procent", "2022", f"62,2{NBSP}%"),
    ("Personalnyckeltal", "Styrningsindex 2)", "2022", "72"),
]

# The observations of one målområde in T22-01, one per line of the cell (Alt+Enter in Excel).
OBSERVATIONS = (
    "Positiva iakttagelser och förbättringsområden",
    "Hållbara och resurseffektiva Örebro",
    "Positiva iakttagelser",
    [
        "En tydlig lokalförsörjningsprocess framtagen som är integrerad med investeringsprocessen",
        "Lokalförsörjningsplan framtagen",
        "Utvecklat förvaltningsövergripande ledningsarbete",
    ],
)

# Unnumbered subheadings that the original leaves out of its table of contents (.unlisted).
UNLISTED = ["Beslutsunderlag", "Genomfört val", "Krishantering", "Utmärkelsen Fairtrade kommun"]

# The reference's numbered outline (depth 3) with the generated numbers: the original's second
# "5.1" is 5.11 here.
CHAPTERS: list[str] = [
    "1 Förslag till beslut",
    "2 Kommundirektörens bedömning och analys",
    "2.1 Kommundirektörens analys av verksamhetens resultat",
    "2.2 Händelser av väsentlig betydelse",
    "2.3 Förväntad utveckling",
    "3 Sammanfattande iakttagelser",
    "4 Kommunstyrelsens utvecklingsportföljer och riktade satsningar",
    "4.1 Portföljstyrning",
    "4.2 Digitaliseringsportföljen 2022–2025",
    "4.3 Förvaltningsportfölj digitalisering",
    "4.4 Kompetensförsörjningsportföljen 2022–2024",
    "4.5 Sociala investeringar",
    "4.6 Den växande kommunen",
    "5 Kommunstyrelsens verksamhet och utveckling",
    "5.1 Styrning, verkställighet och uppsiktsplikt",
    "5.2 Extern serviceyta",
    "5.3 Intern serviceyta",
    "5.4 Inköp och upphandling samt ekonomisk förvaltning",
    "5.5 Hållbar samhällsutveckling, förnyelse och övergripande kvalitetsarbete",
    "5.6 Demokratistöd, nämndadministration, arkiv, diarium och juridik",
    "5.7 Socialt förebyggande arbete, tryggt, säkert och inkluderande samhälle",
    "5.8 Digitalisering, informationshantering, informationssäkerhet",
    "5.9 Lokalförsörjning",
    "5.10 HR, arbetsgivarfrågor, ledar- och medarbetarskap",
    "5.11 Näringslivsutveckling och marknadsföring av kommunen",
    "6 Kostnadsutveckling och budgetavvikelse",
    "6.1 Budgetavvikelse, intäkts- och kostnadsutveckling",
    "6.2 Effektivisering",
    "6.3 Enheternas resultat",
    "6.3.1 Kommunledning",
    "6.3.2 Kommungemensam nivå",
    "6.3.3 Kommunstyrelseförvaltning",
    "6.4 Sammanställning intäkts- och kostnadsutveckling",
    "6.4.1 Kommunledning",
    "6.4.2 Kommungemensamt",
    "6.4.3 Kommunstyrelseförvaltning",
    "6.5 Investeringar",
    "7 Kommunstyrelsens ansvar som anställningsmyndighet",
    "8 Bilagor",
]

# Errors of the original that the build reports (README, "Rapporteras som varningar"); the
# original's rounding differences (Förändr% computed on kronor, sums off by 1–2 tkr) are silent:
# (finding code, sheet, cell, text in the message). These are all the build's warnings.
EXPECTED_FINDINGS: list[tuple[str, str, str, str]] = [
    # 1: T22-02 Nettokostnad Bokslut 2021 does not add up.
    (
        "summa",
        "Nettoredovisning",
        "D6",
        f"angivet {MINUS}794{NBSP}290 men raderna summerar till {MINUS}783{NBSP}076",
    ),
    # 2: T22-02's 2021 figure for the förvaltning differs from T22-05.
    (
        "summor-olika",
        "Kommunstyrelseförvaltning",
        "G24",
        f"nettoredovisning Kommunstyrelseförvaltningen är {MINUS}459{NBSP}981",
    ),
    # 2b: Kommungemensamt + statsbidrag in T22-02 differ from T22-04's total (sum of two rows).
    (
        "summor-olika",
        "Kommungemensam nivå",
        "G28",
        f"nettoredovisning Kommungemensamt + Kommungemensamma statsbidrag är {MINUS}290{NBSP}814",
    ),
    # 3: a printed Förändr% on a row of zeros: printed as in the original, cannot be checked.
    ("beraknat-varde", "Kommunstyrelseförvaltning", "K14", f"Summa KAMY': angivet {MINUS}147,1"),
]


# -- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def out(built) -> Path:
    return built(PACKAGE)


@pytest.fixture(scope="module")
def findings(built_results) -> list[Finding]:
    result: PackageResult = built_results(PACKAGE)
    return list(result.findings)


# -- tables -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("caption", "row", "column", "expected"), FIGURES)
def test_table_figures_in_docx(out: Path, caption: str, row: str, column: str, expected: str):
    doc = Document(str(out / DOCX))
    assert expected in docx_cell(docx_table(doc, caption), row, column)


@pytest.mark.parametrize(("caption", "row", "column", "expected"), FIGURES)
def test_table_figures_in_html(out: Path, caption: str, row: str, column: str, expected: str):
    soup = html_soup(out / HTML)
    assert expected in html_cell(html_table(soup, caption), row, column)


def test_ledger_tables_use_swedish_number_typography(out: Path):
    soup = html_soup(out / HTML)
    for caption in ("Budgetavvikelse per nivå", "Resultat för kommunstyrelseförvaltningen"):
        table = html_table(soup, caption)
        numbers = [
            td.get_text(strip=True) for td in table.select("tbody td") if td.get_text(strip=True)
        ]
        assert numbers
        assert all("." not in n and "-" not in n for n in numbers)  # decimal comma, real minus
        assert any(NBSP in n for n in numbers)  # thousands separator
        assert "belopp i tkr" in table.find("caption").get_text().lower()


def test_observation_cells_keep_one_item_per_line_in_html(out: Path):
    caption, row, column, items = OBSERVATIONS
    cell = html_table(html_soup(out / HTML), caption).find(
        lambda tag: tag.name in ("td", "th") and items[0] in tag.get_text()
    )
    assert cell is not None and len(cell.find_all("br")) == len(items) - 1
    assert html_cell(html_table(html_soup(out / HTML), caption), row, column).split("\n") == items


def test_observation_cells_keep_one_item_per_line_in_docx(out: Path):

    caption, row, column, items = OBSERVATIONS
    doc = Document(str(out / DOCX))
    assert docx_cell(docx_table(doc, caption), row, column).split("\n") == items


def test_table_prints_the_originals_figures_where_they_do_not_add_up(out: Path):
    """T22-02: the 2021 total is the printed −794 290 (its rows sum to −783 076: a warning);
    T22-05: the printed Förändr% −147,1 on a row of zeros stays (a warning)."""
    soup = html_soup(out / HTML)
    cell = html_cell(html_table(soup, "Budgetavvikelse per nivå"), "Nettokostnad", "Bokslut 2021")
    assert cell == f"{MINUS}794{NBSP}290"
    table = html_table(soup, "Resultat för kommunstyrelseförvaltningen")
    assert html_cell(table, "Summa KAMY", "2021 o 2022") == f"{MINUS}147,1{NBSP}%"


# -- narrative figures from the data ----------------------------------------------------------


def test_narrative_figures_come_from_the_tables(out: Path):
    for text in (docx_text(out / DOCX), html_soup(out / HTML).get_text()):
        assert f"positiv budgetavvikelse på 1,1{NBSP}mnkr" in text  # T22-02 total, 1 060
        assert f"prognosen {MINUS}15,4{NBSP}mnkr" in text  # T22-02 Avvikelse delår 2
        assert f"negativ avvikelse på 2,9{NBSP}mnkr" in text  # T22-02 statsbidrag, −2 947
        assert f"politiska kanslierna står för 10,4{NBSP}mnkr" in text  # T22-03 Summa KLP
        assert f"investeringsbudget på 35,5{NBSP}mnkr" in text  # T22-09 Budget total
        assert f"blev den {MINUS}5,2{NBSP}mnkr" in text  # Kulturkvarteret: mnkr, not tkr


def test_decision_proposal_and_signature(out: Path):
    text = docx_text(out / DOCX)
    assert "Kommunstyrelseförvaltningens förslag till Kommunstyrelsen:" in text
    assert (
        "Kommunstyrelsen fastställer årsberättelse 2022 för Kommunstyrelsens egen verksamhet."
        in text
    )
    assert (
        "Årsberättelsen överlämnas för vidare hantering inom ramen för Örebro kommuns "
        "årsredovisning 2022." in text
    )
    soup = html_soup(out / HTML)
    points = [li.get_text(" ", strip=True) for li in soup.select("main ol li")]
    assert points[:2] == [
        "Kommunstyrelsen fastställer årsberättelse 2022 för Kommunstyrelsens egen verksamhet.",
        "Årsberättelsen överlämnas för vidare hantering inom ramen för Örebro kommuns "
        "årsredovisning 2022.",
    ]
    assert "Peter Larsson" in soup.get_text()


def test_cover_has_the_unfilled_decision_line_and_no_date(out: Path):
    """The original's cover has "Beslut i Kommunstyrelsen" without date or §, and no date."""
    cover = [t for _, t in docx_paragraphs(out / DOCX)[:6]]
    assert "Årsberättelse 2022" in cover and "Kommunstyrelsen" in cover
    assert "Beslut i Kommunstyrelsen" in cover
    assert not any(t.startswith("Datum") for t in cover)
    meta = html_soup(out / HTML).select_one("header.cover").get_text(" ", strip=True)
    assert "Beslut i Kommunstyrelsen" in meta and "Datum" not in meta


# -- headings ---------------------------------------------------------------------------------


def test_chapter_headings_numbered_in_docx(out: Path):
    paragraphs = docx_paragraphs(out / DOCX)
    headings = [t for s, t in paragraphs if s in ("Heading 1", "Heading 2", "Heading 3")]
    assert [h for h in headings if h[:1].isdigit()] == CHAPTERS
    # an entry is "number<tab>title<tab>page"
    toc = [" ".join(t.split("\t")[:-1]) for s, t in paragraphs if s.startswith("toc ")]
    assert [t for t in toc if t[:1].isdigit()] == CHAPTERS


def test_unlisted_subheadings_are_in_the_text_but_not_in_the_toc(out: Path):
    paragraphs = docx_paragraphs(out / DOCX)
    toc = " ".join(t for s, t in paragraphs if s.startswith("toc "))
    body = [t for s, t in paragraphs if s.startswith("Heading")]
    soup = html_soup(out / HTML)
    html_toc = soup.select_one("nav.toc").get_text(" ", strip=True)
    html_headings = [h.get_text(" ", strip=True) for h in soup.select("main h2, main h3, main h4")]
    for heading in UNLISTED:
        assert heading in body and heading in html_headings
        assert heading not in toc and heading not in html_toc


def test_table_note_year_comes_from_the_metadata(out: Path):
    note = "Från och med 2022 redovisas kommunfullmäktige"
    assert note in docx_text(out / DOCX)
    assert note in html_soup(out / HTML).get_text(" ")


def test_chapter_headings_numbered_in_html(out: Path):
    soup = html_soup(out / HTML)
    headings = [h.get_text(" ", strip=True) for h in soup.select("main h2, main h3, main h4")]
    assert [h for h in headings if h[:1].isdigit()] == CHAPTERS
    assert soup.html["lang"] == "sv"


# -- the original's errors --------------------------------------------------------------------


def _matches(finding: Finding, code: str, sheet: str, cell: str) -> bool:
    location = finding.location
    return finding.code == code and location.sheet == sheet and location.cell == cell


@pytest.mark.parametrize(("code", "sheet", "cell", "text"), EXPECTED_FINDINGS)
def test_build_reports_the_originals_errors(
    findings: list[Finding], code: str, sheet: str, cell: str, text: str
):
    assert any(_matches(f, code, sheet, cell) and text in f.message for f in findings), (
        f"missing finding {code} {sheet}!{cell}: {text}"
    )


def test_no_other_warnings(findings: list[Finding]):
    expected = [(code, sheet, cell) for code, sheet, cell, _ in EXPECTED_FINDINGS]
    unexpected = [str(f) for f in findings if not any(_matches(f, *e) for e in expected)]
    assert unexpected == []


def _readme_findings() -> set[tuple[str, str, str]]:
    """(code, sheet, cell) from the README's table "Rapporteras som varningar": its last column
    reads "`code`, blad <sheet>, cell <A1>, <B2>; blad <sheet>, cell <C3>"."""
    readme = (CONTENT / PACKAGE / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Rapporteras som varningar", 1)[1].split("\n### ", 1)[0]
    found: set[tuple[str, str, str]] = set()
    for line in section.splitlines():
        if not line.startswith("| ") or line.startswith("| #"):
            continue
        last = line.rstrip(" |").rsplit(" | ", 1)[-1]
        code = re.match(r"`([a-z-]+)`", last)
        if not code:
            continue
        for sheet, cells in re.findall(r"blad (.+?), cell ((?:[A-Z]+\d+(?:, )?)+)", last):
            for cell in re.findall(r"[A-Z]+\d+", cells):
                found.add((code.group(1), sheet, cell))
    return found


def test_readme_lists_exactly_the_warnings_of_the_build(findings: list[Finding]):
    listed = _readme_findings()
    reported = {(f.code, f.location.sheet, f.location.cell) for f in findings}
    assert len(listed) == len(EXPECTED_FINDINGS)
    assert listed == reported

"""The Eskilstuna example package (reference 002): Kommunstyrelsens delårsrapport 2 2023.

Builds the package and checks figures from the reference's tables (value and Swedish
typography) in both DOCX and HTML, the chapter headings (no numbers, as in the original), the
key figures the memo shares with the Sammanfattning, and that the build reports the errors of
the original that the package README lists.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from kommunrapport.build.cache import MANIFEST_NAME
from kommunrapport.build.pipeline import build_package
from kommunrapport.project.package import load_package

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

PACKAGE = "eskilstuna-ks-delarsrapport-2-2023"
MINUS = "\u2212"
NBSP = "\u00a0"

# (table caption, row label, column header, text printed in the cell)
FIGURES: list[tuple[str, str, str, str]] = [
    ("Resultaträkning", "Kommunersättning", "Årsprognos aug", "491,9"),
    ("Resultaträkning", "Övriga intäkter", "Avvikelse årsprognos aug", f"{MINUS}4,6"),
    ("Resultaträkning", "Personalkostnader", "Utfall aug 2022", f"{MINUS}73,2"),
    ("Resultaträkning", "Övriga kostnader", "Utfall aug 2023", f"{MINUS}272,5"),
    ("Resultaträkning", "Lokalkostnader", "Budgetavvikelse aug 2023", f"{MINUS}0,2"),
    ("Resultaträkning", "Summa kostnader", "Årsprognos aug", f"{MINUS}538,3"),
    ("Resultaträkning", "Summa RR verksamhetsrapportering", "Budgetavvikelse aug 2023", "12,5"),
    ("Resultaträkning", "Summa RR verksamhetsrapportering", "Avvikelse årsprognos aug", "6,6"),
    # A fixed chart-of-accounts row: blank where the original is blank, 0,0 where it prints 0,0.
    ("Resultaträkning", "Köp av verksamhet", "Utfall aug 2022", ""),
    ("Resultaträkning", "Köp av verksamhet", "Utfall aug 2023", "0,0"),
    ("Driftredovisning", "KLK Ledning", "Budgetavvikelse aug 2023", f"{MINUS}4,1"),
    ("Driftredovisning", "KLK Näringsliv", "Budgetavvikelse aug 2022", "9,5"),
    (
        "Driftredovisning",
        "KLK Kommunikation, IT och digitalisering",
        "Budget 2023",
        f"{MINUS}116,0",
    ),
    ("Driftredovisning", "KS/kommunledningskontoret", "Budget 2023", "0,0"),
    ("Driftredovisning", "Summa Kommunstyrelsen", "Budget 2023", f"{MINUS}491,9"),
    ("Driftredovisning", "Summa Kommunstyrelsen", "Budgetavvikelse aug 2022", "27,2"),
    # Indikatorer för KLK som egen förvaltning: shares from the sheet, text where not measured.
    (
        "Indikatorer för KLK",
        "Total sjukfrånvaro, tillsvidareanställda",
        "Utfall 2022",
        f"1,9{NBSP}%",
    ),
    (
        "Indikatorer för KLK",
        "Total sjukfrånvaro, tillsvidareanställda",
        "Utfall 2023",
        f"2,0{NBSP}%",
    ),
    (
        "Indikatorer för KLK",
        "Hållbart medarbetarengagemang (HME), totalindex",
        "Mål 2023",
        "83",
    ),
    (
        "Indikatorer för KLK",
        "Medarbetare som är stolta över att arbeta inom Eskilstuna kommun, andel",
        "Utfall 2023",
        "Ny mätning hösten 2023",
    ),
    (
        "Indikatorer för KLK",
        "Medarbetare som är stolta över att arbeta inom Eskilstuna kommun, andel",
        "Mål 2023",
        f"95{NBSP}%",
    ),
    # The summary status tables: symbol and text in one cell.
    ("Hållbar utveckling", "Utbildning", "Trend", "↗ Bättre än föregående år"),
    (
        "Hållbar utveckling",
        "Samhällsskydd och beredskap",
        "Bedömning",
        "◐ Uppnår delvis resultatmålen",
    ),
    ("Hållbar utveckling", "Hållbar samhällsbyggnad", "Trend", "↘ Sämre än föregående år"),
    ("Effektiv organisation", "Ekonomi", "Bedömning", "● Uppnår resultatmålen"),
    ("Effektiv organisation", "Medarbetare", "Trend", "→ Oförändrad mot föregående år"),
]

# The reference's outline: levels 1 and 2 (the original's table of contents), no numbers.
CHAPTERS = [
    "Sammanfattning",
    "Väsentliga händelser – hållbar utveckling",
    "Väsentliga händelser – effektiv organisation",
    "Sammanställning av de viktigaste processområdena",
    "Status åtaganden",
    "Förklaring symboler",
    "Hållbar utveckling",
    "Processområde Näringsliv och arbete",
    "Processområde Utbildning",
    "Processområde Berikande kultur och fritid",
    "Processområde Samhällsskydd och beredskap",
    "Processområde Hållbar samhällsbyggnad",
    "Processområde Demokrati",
    "Effektiv organisation",
    "Processkvalitet",
    "Medarbetare",
    "Ekonomi",
    "Intern styrning och kontroll",
]

# The original's sums that differ from their printed rows by rounding (README, "Fel i
# originalet"): printed as in the original, silently checked; the check's result is the note in
# the figure's source on the HTML page. (caption, row, column, printed, the rows' sum)
ROUNDED_SUMS: list[tuple[str, str, str, str, str]] = [
    ("Resultaträkning", "Summa intäkter", "Utfall aug 2023", "373,3", "373,2"),
    ("Resultaträkning", "Summa intäkter", "Budget aug 2023", "363,3", "363,2"),
    (
        "Resultaträkning",
        "Summa årets resultat exklusive överskott",
        "Utfall aug 2022",
        "30,2",
        "30,3",
    ),
    (
        "Driftredovisning per underliggande enhet",
        "Summa Kommunstyrelsen",
        "Avvikelse årsprognos aug",
        "6,6",
        "6,5",
    ),
]


# -- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def out(built: Callable[[str], Path]) -> Path:
    return built(PACKAGE)


# -- tables -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("caption", "row", "column", "expected"), FIGURES)
def test_table_figures_in_docx(
    out: Path, caption: str, row: str, column: str, expected: str
) -> None:
    doc = Document(str(out / "delarsrapport.docx"))
    assert docx_cell(docx_table(doc, caption), row, column) == expected


@pytest.mark.parametrize(("caption", "row", "column", "expected"), FIGURES)
def test_table_figures_in_html(
    out: Path, caption: str, row: str, column: str, expected: str
) -> None:
    soup = html_soup(out / "delarsrapport.html")
    assert html_cell(html_table(soup, caption), row, column, " ") == expected


def test_tables_use_swedish_number_typography(out: Path) -> None:
    soup = html_soup(out / "delarsrapport.html")
    table = html_table(soup, "Resultaträkning")
    numbers = [
        td.get_text(strip=True) for td in table.select("tbody td") if td.get_text(strip=True)
    ]
    assert numbers
    assert all("." not in n and "-" not in n for n in numbers)  # decimal comma, real minus
    assert all("," in n for n in numbers)  # one decimal everywhere, as in the original
    assert "belopp i mnkr" in table.find("caption").get_text().lower()


# -- narrative figures from the data ------------------------------------------------------------


def test_memo_and_summary_share_key_figures(out: Path) -> None:
    memo = docx_text(out / "tjansteskrivelse.docx")
    report = docx_text(out / "delarsrapport.docx")
    for text in (memo, report):
        assert f"540,3{NBSP}mnkr" in text  # Summa intäkter, Årsprognos aug
        assert f"491,9{NBSP}mnkr" in text  # Kommunersättning (driftram)
        assert f"+6,6{NBSP}mnkr" in text  # Summa RR, Årsprognos aug
        # The original's printed result (its account rows alone sum to 15,8).
        assert f"+15,9{NBSP}mnkr" in text
        assert "125 anställda" in text
    soup = html_soup(out / "tjansteskrivelse.html")
    assert f"540,3{NBSP}mnkr" in soup.get_text()


def test_economy_narrative_follows_the_data(out: Path) -> None:
    report = docx_text(out / "delarsrapport.docx")
    assert f"Överskottet från tidigare år uppgår till +4,6{NBSP}mnkr" in report
    assert f"Underskott för stadshuset: {MINUS}0,4{NBSP}mnkr" in report
    assert f"Totalt: +6,6{NBSP}mnkr" in report
    # Counted from the Driftredovisning sheet: KLK Ledning is negative in both columns.
    assert "En av sju avdelningar har en negativ avvikelse" in report


def test_decision_and_signatures(out: Path) -> None:
    memo = docx_text(out / "tjansteskrivelse.docx")
    assert "Delårsrapport 2 för kommunstyrelsen för perioden januari–augusti 2023 godkänns." in memo
    doc = Document(str(out / "tjansteskrivelse.docx"))
    tables = " ".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    for expected in ("KSKF/2023:288", "Tommy Malm", "Kommundirektör", "Sara Molander"):
        assert expected in tables
    assert "KOMMUNLEDNINGSKONTORET" in memo
    cover = [t for _, t in docx_paragraphs(out / "delarsrapport.docx")[:12]]
    assert "Bilaga 1" in cover and "Delårsrapport 2 2023" in cover and "Kommunstyrelsen" in cover


# -- headings ---------------------------------------------------------------------------------


def test_chapter_headings_unnumbered_in_docx(out: Path) -> None:
    paragraphs = docx_paragraphs(out / "delarsrapport.docx")
    top = [t for s, t in paragraphs if s in ("Heading 1", "Heading 2")]
    assert [h for h in top if h in CHAPTERS] == CHAPTERS
    assert not any(h[:1].isdigit() for h in top)
    # an entry is "number<tab>title<tab>page"; unnumbered chapters have no number
    toc = [t.split("\t")[-2] for s, t in paragraphs if s.startswith("toc ")]
    assert [t for t in toc if t in CHAPTERS] == CHAPTERS


def test_chapter_headings_in_html(out: Path) -> None:
    soup = html_soup(out / "delarsrapport.html")
    headings = [h.get_text(" ", strip=True) for h in soup.select("main h2, main h3")]
    assert [h for h in headings if h in CHAPTERS] == CHAPTERS
    assert soup.html["lang"] == "sv"


# -- the original's errors --------------------------------------------------------------------


def test_rounding_in_the_originals_sums_is_silent(out: Path) -> None:
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["findings"] == []


@pytest.mark.parametrize(("caption", "row", "column", "printed", "rows"), ROUNDED_SUMS)
def test_rounded_sums_print_the_original_and_say_what_the_rows_give(
    out: Path, caption: str, row: str, column: str, printed: str, rows: str
) -> None:
    table = html_table(html_soup(out / "delarsrapport.html"), caption)
    header = [c.get_text(strip=True) for c in table.select("thead tr")[-1].find_all(["th", "td"])]
    tr = next(r for r in table.select("tbody tr") if r.th and r.th.get_text(strip=True) == row)
    cell = tr.find_all(["th", "td"])[header.index(column)]
    assert cell.get_text(strip=True) == printed
    assert cell["data-kalla"].endswith(f"(raderna summerar till {rows})"), cell["data-kalla"]


# -- status symbols ---------------------------------------------------------------------------

LEGEND = [
    ("●", "Uppnår resultatmålen"),
    ("◐", "Uppnår delvis resultatmålen"),
    ("○", "Uppnår inte resultatmålen"),
    ("✓", "Klart, avslutat"),
    ("⚠", "Försenat"),
    ("●", f"100{NBSP}%"),  # typeset: a non-breaking space before %
    ("◕", f"80–99{NBSP}%"),
    ("◔", f"20–79{NBSP}%"),
    ("○", f"0–19{NBSP}%"),
    ("↗", "Bättre än föregående år"),
    ("→", "Oförändrad mot föregående år"),
    ("↘", "Sämre än föregående år"),
]


def test_commitment_status_tables(out: Path) -> None:
    """15 åtaganden: 13 klara and 2 försenade, each with Status and Färdiggrad as symbol + text."""
    doc = Document(str(out / "delarsrapport.docx"))
    status_tables = [
        t for t in doc.tables if [c.text for c in t.rows[0].cells] == ["Status", "Färdiggrad"]
    ]
    assert len(status_tables) == 15
    statuses = [t.rows[1].cells[0].text for t in status_tables]
    assert statuses.count("✓ Klart, avslutat") == 13
    assert statuses.count("⚠ Försenat") == 2
    assert {t.rows[1].cells[1].text for t in status_tables} <= {
        f"◕ 80{NBSP}%",
        f"◔ 20{NBSP}%",
    }
    soup = html_soup(out / "delarsrapport.html")
    symbols = soup.select("table:not(.kr-legend) .status .symbol")
    assert symbols and all(s.get("aria-hidden") == "true" for s in symbols)
    assert sum(1 for s in symbols if s.get_text() == "⚠") == 2


def test_status_legend_lists_every_level(out: Path) -> None:
    doc = Document(str(out / "delarsrapport.docx"))
    legend = docx_table(doc, "Förklaring symboler")
    docx_cells = [row.cells[0].text for row in legend.rows]
    soup = html_soup(out / "delarsrapport.html")
    html_cells = [
        td.get_text(" ", strip=True)
        for td in html_table(soup, "Förklaring symboler").select("tbody tr > :first-child")
    ]
    for symbol, text in LEGEND:
        assert f"{symbol} {text}" in docx_cells
        assert f"{symbol} {text}" in html_cells
    assert "Sämré" not in " ".join(docx_cells)  # the original's typo is not repeated


def test_summary_text_counts_from_data(out: Path) -> None:
    report = docx_text(out / "delarsrapport.docx")
    assert "har kommunstyrelsen 14 processmål inom Hållbar utveckling och 6 inom" in report
    assert "om 15 ettåriga åtaganden. För 13 av dem" in report
    assert "Säkerställande av kontinuitetsplanering" in report
    assert "Förmågan i totalförsvaret" in report
    assert (
        "trenden ändrats för två processområden: Samhällsskydd och beredskap från uppåtgående "
        "till oförändrad och Hållbar samhällsbyggnad från oförändrad till nedåtgående" in report
    )
    assert f"i genomsnitt 2,0{NBSP}%" in report and f"målet på 3,0{NBSP}%" in report


def test_printed_deviation_is_a_check_value(
    package_copy: Callable[[str], tuple[Path, Path]],
) -> None:
    """The original's printed Budgetavvikelse stays in the sheet and is compared with the
    computed one: a wrong figure there is reported with its cell."""
    root, package_dir = package_copy(PACKAGE)
    path = package_dir / "data" / "ekonomi.xlsx"
    workbook = load_workbook(path)
    sheet = workbook["Resultaträkning"]
    assert sheet["B3"].value == "Övriga intäkter" and sheet["L1"].value == "Budgetavvikelse"
    sheet["L3"] = 9.0  # computed: 45,3 − 35,3 = 10,0
    workbook.save(path)
    result = build_package(package_dir, root / "output", formats=("html",))
    assert any(
        f.code == "beraknat-varde" and f.location.cell == "L3" and "beräknat 10,0" in f.message
        for f in result.findings
    )


# -- the shared processområden block ------------------------------------------------------------


def test_indicator_table_has_the_originals_columns(out: Path) -> None:
    """T32 prints Indikatorer | Utfall 2022 | Utfall 2023 | Mål 2023 (target after outcomes)."""
    expected = ["Indikatorer", "Utfall 2022", "Utfall 2023", "Mål 2023"]
    doc = Document(str(out / "delarsrapport.docx"))
    table = docx_table(doc, "Indikatorer för KLK som egen förvaltning")
    assert [c.text.strip() for c in table.rows[0].cells] == expected
    soup = html_soup(out / "delarsrapport.html")
    header = html_table(soup, "Indikatorer för KLK som egen förvaltning").select("thead th")
    assert [th.get_text(strip=True) for th in header] == expected


def test_scale_headings_and_legend_titles(out: Path) -> None:
    """Columns are headed Bedömning/Status/Trend, the legend groups Processområden/Åtaganden/
    Färdiggrad/Trendpil (the scales' förklaringsrubrik), as in the original."""
    doc = Document(str(out / "delarsrapport.docx"))
    summary = docx_table(doc, "Hållbar utveckling")
    assert [c.text for c in summary.rows[0].cells] == ["Processområde", "Bedömning", "Trend"]
    legend = docx_table(doc, "Förklaring symboler")
    groups = [
        row.cells[0].text.split(":")[0] for row in legend.rows[1:] if ":" in row.cells[0].text
    ]
    assert groups == ["Processområden", "Åtaganden", "Färdiggrad", "Trendpil"]


def test_area_sections_follow_the_original(out: Path) -> None:
    """Each area: Bedömning/Trend, introduction, standard sentence, then the inserted text of
    Medarbetare and Ekonomi before "4-åriga processmål", headings one level below the area."""
    paragraphs = [(s, t) for s, t in docx_paragraphs(out / "delarsrapport.docx") if t]
    texts = [t for _, t in paragraphs]

    def headings_after(title: str) -> list[tuple[str, str]]:
        start = texts.index(title)
        found = []
        for style, text in paragraphs[start + 1 :]:
            if style in ("Heading 1", "Heading 2"):
                break
            if style.startswith("Heading"):
                found.append((style, text))
        return found

    assert headings_after("Medarbetare") == [
        ("Heading 3", "KLK som egen förvaltning"),
        ("Heading 3", "4-åriga processmål"),
        ("Heading 4", "Hållbart arbetsliv"),
        ("Heading 3", "1-åriga åtaganden"),
    ]
    ekonomi = headings_after("Ekonomi")
    assert [t for _, t in ekonomi[:6]] == [
        "KLK som egen förvaltning",
        "Ekonomisk redovisning",
        "Resultaträkning",
        "Driftredovisning – underliggande enheter",  # a spaced hyphen is a dash
        "Investeringsredovisning",
        "4-åriga processmål",
    ]
    assert ("Heading 4", "Effektiva upphandlingar av inköp. KLK som egen förvaltning.") in ekonomi
    start = texts.index("Processområde Näringsliv och arbete")
    intro = texts.index(
        "Arbetet för ett starkare näringslivsklimat har haft stort fokus, och förvaltningar och "
        "bolag deltar i det.",
        start,
    )
    assert texts.index("Processområdet bedöms uppnå resultatmålen.", start) == intro + 1
    assert headings_after("Processområde Näringsliv och arbete")[0] == (
        "Heading 3",
        "4-åriga processmål",
    )


def test_no_assumed_date() -> None:
    """The original has no date, and neither has the package (datum is optional)."""
    package = load_package(CONTENT / PACKAGE)
    assert package.config.report_date is None
    readme = (CONTENT / PACKAGE / "README.md").read_text(encoding="utf-8")
    assert "2023-09-19" not in readme

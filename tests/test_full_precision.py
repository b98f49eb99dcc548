"""Figures from a workbook in kronor with öre, as an ekonomisystem exports them (issue 12).

Sums and deviations are computed exactly from the workbook's digits and rounded only when they
are printed, so a table, a second table of the same sheet and every sentence that shows a figure
print the same digits. A changed cell moves all of them alike. Given figures that disagree with
their rows beyond rounding are reported with sheet and cell (an error with --strict); rounding
differences are not.
"""

from __future__ import annotations

import re
import shutil
import threading
from decimal import Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from docx import Document
from openpyxl import Workbook, load_workbook

from kommunrapport.build.pipeline import PackageResult, build_package
from kommunrapport.cli import main
from kommunrapport.errors import KommunrapportError
from kommunrapport.review.figure_trace import places_on_page, trace

NB = "\u00a0"
MINUS = "\u2212"

REPORT_YAML = """\
kommun: Testkommun
nämnd: Kommunstyrelsen
rapporttyp: årsrapport
år: 2023
period:
  namn: januari–december 2023
  från: 2023-01-01
  till: 2023-12-31
beräkningar:
  avvikelse: Budget - Utfall
dokument:
  - id: rapport
    typ: rapport
    titel: Exakta belopp
    disposition:
      - fil: rapport/01-drift.md
      - fil: rapport/02-sammanfattning.md
"""

TABLES_YAML = """\
drift:
  blad: ekonomi.xlsx/Drift
  rubrik: Driftredovisning
  källenhet: kr
  enhet: tkr
  kolumner:
    - kolumn: Budget
    - kolumn: Utfall
    - {rubrik: Avvikelse, beräkna: avvikelse}
drift_mnkr:
  blad: ekonomi.xlsx/Drift
  rubrik: Driftredovisning i sammandrag
  källenhet: kr
  enhet: mnkr
  decimaler: 1
  rader: [summa]
  kolumner:
    - kolumn: Budget
    - kolumn: Utfall
    - {rubrik: Avvikelse, beräkna: avvikelse}
exakt:
  blad: ekonomi.xlsx/Exakt
  rubrik: Tre belopp
  enhet: kr
  decimaler: 1
  kolumner:
    - kolumn: Belopp
"""

SECTIONS = {
    "rapport/01-drift.md": (
        "---\nrubrik: Drift\n---\n"
        '{{ tabell("drift") }}\n\n'
        "Avvikelsen mot budget blev {{ drift.total.avvikelse | tkr }}.\n\n"
        '{{ tabell("drift_mnkr") }}\n\n'
        '{{ tabell("exakt") }}\n\n'
        "Beloppen är tillsammans {{ exakt.total.belopp | kr(decimaler=1) }}, räknat i texten "
        '{{ (exakt["a"].belopp + exakt["b"].belopp + exakt["c"].belopp) | kr(decimaler=1) }}.\n'
    ),
    "rapport/02-sammanfattning.md": (
        "---\nrubrik: Sammanfattning\n---\n"
        "Nämnden redovisar en avvikelse på {{ drift.total.avvikelse | mnkr }} "
        "({{ drift.total.avvikelse | tkr }}), med ett utfall på {{ drift.total.utfall | tkr }}.\n"
    ),
}

# Kronor with öre: each row's tkr rounds down, the exact sums round up.
DRIFT = [
    ("a", "Verksamhet A", 10_400_400.40, 9_600_200.20),
    ("b", "Verksamhet B", 10_400_400.40, 9_600_200.20),
    ("c", "Verksamhet C", 10_400_400.40, 9_600_200.20),
]
# Their float sum is 173604.84999999998, the exact sum 173 604,85 kr.
EXACT = [("a", "A", 87871.79), ("b", "B", 3791.65), ("c", "C", 81941.41)]


def write_package(root: Path) -> Path:
    package = root / "content" / "exakt"
    (package / "rapport").mkdir(parents=True)
    (package / "data").mkdir()
    (package / "report.yaml").write_text(REPORT_YAML, encoding="utf-8")
    (package / "tabeller.yaml").write_text(TABLES_YAML, encoding="utf-8")
    for name, text in SECTIONS.items():
        (package / name).write_text(text, encoding="utf-8")
    book = Workbook()
    drift = book.active
    drift.title = "Drift"
    drift.append(["Id", "Rad", "Typ", "Budget", "Utfall"])
    for key, label, budget, outcome in DRIFT:
        drift.append([key, label, "post", budget, outcome])
    drift.append(["summa", "Summa", "summa", None, None])
    exact = book.create_sheet("Exakt")
    exact.append(["Id", "Rad", "Typ", "Belopp"])
    for key, label, amount in EXACT:
        exact.append([key, label, "post", amount])
    exact.append(["summa", "Summa", "summa", None])
    book.save(package / "data" / "ekonomi.xlsx")
    return package


def set_cell(package: Path, sheet: str, cell: str, value: object) -> None:
    path = package / "data" / "ekonomi.xlsx"
    book = load_workbook(path)
    book[sheet][cell] = value
    book.save(path)


def table_rows(html: str, caption: str) -> dict[str, list[str]]:
    soup = BeautifulSoup(html, "html.parser")
    table = next(t for t in soup.find_all("table") if caption in t.caption.get_text())
    rows = {}
    for tr in table.select("tbody tr"):
        cells = [c.get_text(strip=True) for c in tr.find_all(["th", "td"])]
        rows[cells[0]] = cells[1:]
    return rows


def docx_rows(path: Path, caption: str) -> dict[str, list[str]]:
    document = Document(str(path))
    previous = ""
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            previous = "".join(t.text or "" for t in child.iter() if t.tag.endswith("}t"))
        elif tag == "tbl" and caption in previous:
            table = next(t for t in document.tables if t._tbl is child)
            return {r.cells[0].text: [c.text for c in r.cells[1:]] for r in table.rows[1:]}
    raise AssertionError(f"ingen tabell {caption!r}")


def text_of(html: str) -> str:
    main = BeautifulSoup(html, "html.parser").find("main")
    return re.sub(r"[ \t\n]+", " ", main.get_text())


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_package(tmp_path_factory.mktemp("exakt"))


def build(package: Path, out: Path, strict: bool = False) -> tuple[PackageResult, str, Path]:
    result = build_package(package, out, formats=("docx", "html"), use_cache=False, strict=strict)
    folder = out / package.name
    return result, (folder / "rapport.html").read_text(encoding="utf-8"), folder / "rapport.docx"


@pytest.fixture(scope="module")
def first(package: Path, tmp_path_factory: pytest.TempPathFactory):
    return build(package, tmp_path_factory.mktemp("out"))


def test_sums_and_deviations_are_exact_and_rounded_only_when_printed(first):
    result, html, docx = first
    assert list(result.findings) == []
    rows = table_rows(html, "Driftredovisning (belopp")
    # a row: 10 400 400,40 − 9 600 200,20 = 800 200,20 kr
    assert rows["Verksamhet A"] == [f"10{NB}400", f"9{NB}600", "800"]
    # the exact sums (31 201 201,20 / 28 800 600,60 / 2 400 600,60 kr), not the printed rows'
    # sums (31 200, 28 800, 2 400)
    assert rows["Summa"] == [f"31{NB}201", f"28{NB}801", f"2{NB}401"]
    assert docx_rows(docx, "Driftredovisning (belopp")["Summa"] == rows["Summa"]
    assert table_rows(html, "i sammandrag")["Summa"] == ["31,2", "28,8", "2,4"]
    # float arithmetic would print 173 604,8
    assert table_rows(html, "Tre belopp")["Summa"] == [f"173{NB}604,9"]


def test_text_and_tables_print_the_same_figure(first):
    _result, html, _docx = first
    text = text_of(html)
    assert f"Avvikelsen mot budget blev 2{NB}401{NB}tkr." in text
    assert f"avvikelse på 2,4{NB}mnkr (2{NB}401{NB}tkr), med ett utfall på 28{NB}801{NB}tkr" in text
    assert f"tillsammans 173{NB}604,9{NB}kr, räknat i texten 173{NB}604,9{NB}kr" in text


def test_every_figure_says_where_it_comes_from(first):
    _result, html, _docx = first
    soup = BeautifulSoup(html, "html.parser")
    sources = [td["data-kalla"] for td in soup.select("td[data-kalla]")]
    assert any(s.endswith("blad Drift, cell D2") for s in sources)
    assert any(s.startswith("beräknat: summan av D2–D4") for s in sources)
    assert any(
        "Budget - Utfall med Budget = D5 (beräknad), Utfall = E5 (beräknad)" in s for s in sources
    )
    spans = soup.select("main span[data-kalla]")
    assert {s.get_text() for s in spans} >= {f"2{NB}401{NB}tkr", f"2,4{NB}mnkr"}
    places = places_on_page("rapport", html)
    traced = trace(places, "2 401")
    where = sorted({(p.where.split(" (")[0], p.printed) for p in traced})
    assert where == [  # the reader's text: spaces normalised
        ("Tabell 1. Driftredovisning", "2 401"),
        ("Tabell 2. Driftredovisning i sammandrag", "2,4"),
        ("avsnitt 1 Drift", "2 401 tkr"),
        ("avsnitt 2 Sammanfattning", "2 401 tkr"),
        ("avsnitt 2 Sammanfattning", "2,4 mnkr"),
    ]


def test_a_changed_cell_moves_every_table_and_sentence_alike(package: Path, first, tmp_path: Path):
    changed = tmp_path / "repo" / "content" / "exakt"
    shutil.copytree(package, changed)
    set_cell(changed, "Drift", "E3", 9_100_200.20)  # Verksamhet B's utfall 500 000 kr lower
    result, html, docx = build(changed, tmp_path / "out")
    assert list(result.findings) == []
    rows = table_rows(html, "Driftredovisning (belopp")
    assert rows["Verksamhet B"] == [f"10{NB}400", f"9{NB}100", f"1{NB}300"]
    assert rows["Summa"] == [f"31{NB}201", f"28{NB}301", f"2{NB}901"]
    assert docx_rows(docx, "Driftredovisning (belopp")["Summa"] == rows["Summa"]
    assert table_rows(html, "i sammandrag")["Summa"] == ["31,2", "28,3", "2,9"]
    text = text_of(html)
    assert f"Avvikelsen mot budget blev 2{NB}901{NB}tkr." in text
    assert f"avvikelse på 2,9{NB}mnkr (2{NB}901{NB}tkr), med ett utfall på 28{NB}301{NB}tkr" in text
    # the same places as before print the figure, all from the same computation
    before = trace(places_on_page("rapport", first[1]), "2 401")
    after = trace(places_on_page("rapport", html), "2 901")
    assert [(p.where, p.source) for p in after] == [(p.where, p.source) for p in before]


def test_a_given_total_beyond_rounding_is_reported_and_strict_stops(package: Path, tmp_path: Path):
    copy = tmp_path / "repo" / "content" / "exakt"
    shutil.copytree(package, copy)
    # the export's own total, 1,4 tkr off (rounding of a printed tkr allows 0,5)
    set_cell(copy, "Drift", "D5", 31_202_601.20)
    result, html, _docx = build(copy, tmp_path / "out")
    [finding] = list(result.findings)
    assert finding.code == "summa"
    assert (finding.location.sheet, finding.location.cell) == ("Drift", "D5")
    assert f"angivet 31{NB}202{NB}601 men raderna summerar till 31{NB}201{NB}201" in finding.message
    assert table_rows(html, "Driftredovisning (belopp")["Summa"][0] == f"31{NB}203"  # as given
    with pytest.raises(KommunrapportError):
        build(copy, tmp_path / "strikt", strict=True)
    assert not (tmp_path / "strikt" / "exakt").exists()
    # the exact total in the cell: silent, and printed as computed
    set_cell(copy, "Drift", "D5", 31_201_201.20)
    result, html, _docx = build(copy, tmp_path / "out2")
    assert list(result.findings) == []


def test_rounded_sources_warn_only_beyond_half_a_unit_per_row(tmp_path: Path):
    """Printed tkr, four rows per group: a printed sum 2 tkr from its rows is rounding (4 × ½),
    3 tkr is not; a printed deviation 1 tkr from Budget − Utfall is rounding, 2 tkr is not."""
    package = write_package(tmp_path / "repo")
    (package / "tabeller.yaml").write_text(
        "avrundat:\n  blad: ekonomi.xlsx/Avrundat\n  enhet: tkr\n  kolumner:\n"
        "    - kolumn: Budget\n    - kolumn: Utfall\n"
        "    - {rubrik: Avvikelse, beräkna: avvikelse}\n",
        encoding="utf-8",
    )
    for name in SECTIONS:
        (package / name).write_text("---\nrubrik: R\n---\nText.\n", encoding="utf-8")
    book = load_workbook(package / "data" / "ekonomi.xlsx")
    sheet = book.create_sheet("Avrundat")
    sheet.append(["Id", "Rad", "Typ", "Förälder", "Budget", "Utfall", "Avvikelse"])
    for group, given in (("g1", 402), ("g2", 403)):
        for index in range(4):
            sheet.append([f"{group}-{index}", f"Rad {group} {index}", "post", group, 100, 90, None])
        sheet.append([group, f"Summa {group}", "delsumma", None, given, 360, None])
    sheet.append(["r1", "Rad med avvikelse", "post", None, 50, 40, 11])
    sheet.append(["r2", "Rad med fel avvikelse", "post", None, 50, 40, 12])
    book.save(package / "data" / "ekonomi.xlsx")
    result = build_package(package, tmp_path / "out", formats=("html",), use_cache=False)
    reported = sorted((f.code, f.location.cell) for f in result.findings)
    assert reported == [("beraknat-varde", "G13"), ("summa", "E11")]


def test_spara_lists_the_places_of_a_figure(package: Path, capsys):
    code = main(["spåra", str(package), f"{MINUS}2 401", "--root", str(package.parents[1])])
    assert code == 1  # 2 401 is positive: no such figure
    capsys.readouterr()
    assert main(["spåra", str(package), "2 401", "--root", str(package.parents[1])]) == 0
    out = capsys.readouterr().out
    assert re.search(r"2 401 i exakt: 5 ställen", out)
    assert "rapport: Tabell" in out and "rad Summa" in out
    assert "källa: beräknat: Budget - Utfall med Budget = D5 (beräknad)" in out


def test_decimal_digits_of_the_workbook_are_kept():
    from kommunrapport.data.figures import decimal_of, stated_spread

    assert decimal_of(87871.79) == Decimal("87871.79")
    assert decimal_of(31201201.0) == Decimal(31201201)
    assert stated_spread(Decimal("373.3"), Decimal("0.1")) == Decimal("0.05")
    assert stated_spread(Decimal("53"), Decimal("0.1")) == Decimal("0.05")
    assert stated_spread(Decimal("1234.56"), Decimal("1000")) == Decimal("0.005")


def test_amounts_typed_in_goal_comments_are_checked(package: Path, tmp_path: Path):
    """A Kommentar cell of a goal sheet is narrative too: an amount typed there that no figure
    in the data rounds to is a warning naming the sheet and cell."""
    copy = tmp_path / "repo" / "content" / "exakt"
    shutil.copytree(package, copy)
    book = Workbook()
    sheet = book.active
    sheet.title = "Nämndsmål"
    sheet.append(["Id", "Namn", "Kommentar"])
    sheet.append(["NM-1", "Budget i balans", "Utfallet blev 2,4 mnkr bättre än budget."])
    sheet.append(["NM-2", "Effektivitet", "Kostnaderna minskade med 112 mnkr."])
    book.save(copy / "data" / "mal.xlsx")
    config = copy / "report.yaml"
    config.write_text(
        config.read_text(encoding="utf-8") + "måluppföljning:\n  arbetsbok: mal.xlsx\n",
        encoding="utf-8",
    )
    result = build_package(copy, tmp_path / "out", formats=("html",), use_cache=False)
    [finding] = [f for f in result.findings if f.code == "belopp-i-text"]
    assert (finding.location.sheet, finding.location.cell) == ("Nämndsmål", "C3")
    assert "'112 mnkr'" in finding.message


@pytest.mark.browser
def test_serve_shows_each_figures_source_on_hover(first, tmp_path: Path):
    """The served page (not the built file) gives every figure a tooltip with its source."""
    import os

    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright saknas")
    from kommunrapport.authoring.preview_server import inject

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(chromium):
        pytest.skip("Chromium saknas")
    _result, html, _docx = first
    served = tmp_path / "served.html"
    served.write_bytes(inject(html.encode("utf-8"), 1, 60_000))
    assert "<script" not in html and served.read_text(encoding="utf-8").count("<script") == 1
    titles: list[list[str]] = []

    def read_titles() -> None:  # in a thread of its own: the sync API refuses a running loop
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            page = browser.new_page()
            page.goto(served.as_uri())
            titles.extend(
                page.eval_on_selector_all(
                    "[data-kalla]", "els => els.map(e => [e.textContent, e.title])"
                )
            )
            browser.close()

    reader = threading.Thread(target=read_titles)
    reader.start()
    reader.join(timeout=120)
    assert titles and all(title.startswith("Källa: ") for _text, title in titles)
    sentence = dict(titles)[f"2{NB}401{NB}tkr"]
    assert sentence.startswith("Källa: beräknat: Budget - Utfall med Budget = D5 (beräknad)")

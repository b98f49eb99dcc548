"""What cells can hold (issue 16, item 4): Markdown in the text cells of goal sheets, printed
as a safe subset in every format, and cells that the source merges across rows (``gruppera``).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import outloud
import pypdfium2
import pytest
from bs4 import BeautifulSoup
from docx import Document

from kommunrapport.errors import KommunrapportError
from kommunrapport.text.cell_markdown import ListBlock, Paragraph, cell_content, parse_cell

from .conftest import KALMAR
from .small_packages import SECTION as SECTION_FILE
from .small_packages import build_html, write_small_package
from .test_accessibility import axe_page, describe  # noqa: F401 (a fixture)

COMMENT = (
    "Arbetet gick *bättre* än väntat och **före plan**.\n\n"
    "- Första punkten\n"
    "- Andra punkten med [länk](https://example.se/a)\n\n"
    "Slut <b>rå</b> &amp; {{ nämnd }} [skript](javascript:alert(1))"
)
GOALS = {
    "Nämndsmål": [
        ["Id", "Namn", "Bedömning", "Kommentar"],
        ["NM-1", "Budget i balans", "delvis", COMMENT],
        ["NM-2", "Nöjda invånare", "helt", "Kostnaden blev *112* mnkr"],
        ["NM-3", "1. Trygg välfärd", "ej", "2022. Ett år\nmed två rader"],
    ]
}
SCALE = """\
    måluppföljning: {}
    skalor:
      bedömning:
        nivåer:
          - {kod: helt, text: Helt uppfyllt, symbol: "●", färg: grön}
          - {kod: delvis, text: Delvis uppfyllt, symbol: "◐", färg: gul}
          - {kod: ej, text: Ej uppfyllt, symbol: "○", färg: röd}
    """
SECTION = """\
    {{ måltabell(mål.blad("Nämndsmål"), ["Namn", "Bedömning", "Kommentar"], rubrik="Mål") }}

    Kommentaren i löptext:

    {{ kommentar("NM-1") }}
    """


def test_the_subset_is_read_and_everything_else_is_text() -> None:
    rich = parse_cell(COMMENT)
    first, bullets, last = rich.blocks
    assert isinstance(first, Paragraph) and isinstance(bullets, ListBlock)
    assert [(r.text, r.italic, r.bold) for r in first.runs][1:4] == [
        ("bättre", True, False),
        (" än väntat och ", False, False),
        ("före plan", False, True),
    ]
    assert bullets.items[1][0].runs[-1].link == "https://example.se/a"  # type: ignore[union-attr]
    assert isinstance(last, Paragraph)
    text = "".join(r.text for r in last.runs)
    assert text == "Slut <b>rå</b> &amp; {{ nämnd }} [skript](javascript:alert(1))"
    assert not any(r.link for r in last.runs)
    # ordinary text stays ordinary: a one-line number is no list, a year no list marker
    assert cell_content("1. Trygg välfärd") == ("1. Trygg välfärd", None)
    assert cell_content("2022. Ett år\nmed två rader") == ("2022. Ett år\nmed två rader", None)


@pytest.fixture(scope="module")
def rich_build(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("rik")
    package = write_small_package(
        root, report_extra=SCALE, section=SECTION, workbooks={"mal.xlsx": GOALS}
    )
    result = build_html(package, formats=("html", "docx", "pdf"))
    out = {p.suffix: p for p in result.written if p.stem == "rapport"}
    out["findings"] = result.findings  # type: ignore[assignment]
    return out


def test_html_cell_prints_the_subset_and_escapes_the_rest(rich_build: dict[str, Path]) -> None:
    soup = BeautifulSoup(rich_build[".html"].read_text(encoding="utf-8"), "html.parser")
    main = soup.find("main")
    table = main.find("table")
    cell = next(tr for tr in table.tbody.find_all("tr") if "Budget" in tr.th.get_text())
    comment = cell.find_all("td")[-1]
    assert comment.find("em").get_text() == "bättre"
    assert comment.find("strong").get_text() == "före plan"
    assert [li.get_text() for li in comment.find("ul").find_all("li")] == [
        "Första punkten",
        "Andra punkten med länk",
    ]
    assert comment.find("a")["href"] == "https://example.se/a"
    assert len(comment.find_all("a")) == 1  # no javascript: link
    assert comment.find("b") is None
    assert "Slut <b>rå</b> &amp; {{ nämnd }}" in comment.get_text()
    assert "*" not in comment.get_text()
    plain = next(tr for tr in table.tbody.find_all("tr") if "Trygg" in tr.th.get_text())
    assert plain.th.get_text() == "1. Trygg välfärd"
    assert plain.find_all("td")[-1].get_text("|") == "2022. Ett år|med två rader"
    # kommentar(rad) in the running text: the same subset through pandoc
    flow = [p for p in main.find_all(["p", "ul"]) if not p.find_parent("table")]
    text = " ".join(p.get_text(" ") for p in flow)
    assert "Första punkten" in text and "*bättre*" not in text
    assert any(em.get_text() == "bättre" for p in flow for em in p.find_all("em"))
    assert "Slut <b>rå</b> &amp; {{ nämnd }}" in text


def test_docx_cell_has_runs_and_list_paragraphs(rich_build: dict[str, Path]) -> None:
    document = Document(str(rich_build[".docx"]))
    table = next(t for t in document.tables if "Budget i balans" in t._element.xml)
    row = next(r for r in table.rows if "Budget" in r.cells[0].text)
    cell = row.cells[-1]
    runs = [run for p in cell.paragraphs for run in p.runs]
    assert any(r.text == "bättre" and r.italic for r in runs)
    assert any(r.text == "före plan" and r.bold for r in runs)
    texts = [p.text for p in cell.paragraphs]
    assert texts[0] == "Arbetet gick bättre än väntat och före plan."  # once, without marks
    assert texts[1:3] == ["•\tFörsta punkten", "•\tAndra punkten med länk"]
    amount = next(r for r in table.rows if "Nöjda" in r.cells[0].text).cells[-1]
    assert amount.text == "Kostnaden blev 112 mnkr"
    assert texts[3].startswith("Slut <b>rå</b> &amp; {{ nämnd }}")
    xml = cell._element.xml
    assert 'HYPERLINK "https://example.se/a"' in xml and "javascript" not in xml.split("Slut")[0]
    assert "*" not in cell.text


def test_pdf_cell_prints_the_text_without_marks(rich_build: dict[str, Path]) -> None:
    pdf = pypdfium2.PdfDocument(str(rich_build[".pdf"]))
    text = "\n".join(page.get_textpage().get_text_range() for page in pdf)
    flat = re.sub(r"\s+", " ", text.replace("\ufffe", "").replace("\u00ad", ""))
    assert "bättre än väntat och före plan" in flat
    assert "• Första punkten" in flat
    assert "Slut <b>rå</b> &amp; {{ nämnd }}" in flat
    assert "*bättre*" not in flat and "**före" not in flat


def test_amount_in_a_marked_cell_is_still_checked(rich_build: dict[str, Path]) -> None:
    findings = rich_build["findings"]  # type: ignore[assignment]
    found = [f for f in findings if "112" in f.message]  # type: ignore[attr-defined]
    assert found, "the amount '*112* mnkr' was not checked"
    assert "Nämndsmål" in str(found[0].location) and "D3" in str(found[0].location)


GROUPED_VIEW = """\
    matt:
      blad: nyckeltal.xlsx/Mått
      rubrik: Nyckeltal
      gruppera: [Nyckeltal]
      etikett: Jämförelse
      kolumner:
        - kolumn: "2023"
        - kolumn: "2024"
    """
MEASURES = {
    "Mått": [
        ["Id", "Nyckeltal", "Rad", "2023", "2024"],
        ["a1", "Nöjd kund", "Exempelby", 70, 72],
        ["a2", "Nöjd kund", "Riket", 68, 69],
        ["b1", "Kostnad per invånare", "Exempelby", 510, 530],
        ["b2", "Kostnad per invånare", "Riket", 500, 505],
        ["b3", "Kostnad per invånare", "Grannar", 490, 520],
    ]
}


@pytest.fixture(scope="module")
def grouped_build(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("grupp")
    section = """\
        {{ tabell("matt") }}

        {{ måltabell(mål.blad("Nämndsmål"), ["Bedömning", "Namn"], rubrik="Per bedömning",
                     gruppera="Bedömning") }}
        """
    goals = {
        "Nämndsmål": [
            ["Id", "Namn", "Bedömning"],
            ["NM-1", "Budget i balans", "helt"],
            ["NM-2", "Nöjda invånare", "helt"],
            ["NM-3", "Kortare väntetider", "ej"],
        ]
    }
    package = write_small_package(
        root,
        report_extra=SCALE,
        section=section,
        tables=GROUPED_VIEW,
        workbooks={"nyckeltal.xlsx": MEASURES, "mal.xlsx": goals},
    )
    result = build_html(package, formats=("html", "docx", "pdf"))
    return {p.suffix: p for p in result.written if p.stem == "rapport"}


def test_html_row_spans_with_row_headers(grouped_build: dict[str, Path]) -> None:
    main = html_main_of(grouped_build[".html"])
    view, goals = main.find_all("table")
    rows = view.tbody.find_all("tr")
    spans = [(th.get_text(), th.get("rowspan"), th.get("scope")) for th in view.find_all("th")]
    assert ("Nöjd kund", "2", "row") in spans and ("Kostnad per invånare", "3", "row") in spans
    assert [len(tr.find_all(["th", "td"])) for tr in rows] == [4, 3, 4, 3, 3]
    assert [th.get_text() for th in rows[4].find_all("th")] == ["Grannar"]  # a row header too
    assert [td.get_text() for td in rows[4].find_all("td")] == ["490", "520"]
    status = goals.tbody.find_all("tr")
    assert status[0].find().get("rowspan") == "2" and "Helt uppfyllt" in status[0].get_text()
    assert "uppfyllt" not in status[1].get_text()  # covered by the cell above


def test_docx_row_spans_are_vertical_merges(grouped_build: dict[str, Path]) -> None:
    with zipfile.ZipFile(grouped_build[".docx"]) as docx:
        xml = docx.read("word/document.xml").decode("utf-8")
    table = xml[xml.index("Nöjd kund") - 4000 :]
    table = table[: table.index("</w:tbl>")]
    assert table.count('<w:vMerge w:val="restart"/>') == 2
    assert table.count("<w:vMerge/>") == 3
    document = Document(str(grouped_build[".docx"]))
    grid = next(t for t in document.tables if "Grannar" in t._element.xml)
    column = [row.cells[0].text for row in grid.rows]
    assert column[1:] == ["Nöjd kund"] * 2 + ["Kostnad per invånare"] * 3  # one merged cell


def test_pdf_prints_each_group_once(grouped_build: dict[str, Path]) -> None:
    pdf = pypdfium2.PdfDocument(str(grouped_build[".pdf"]))
    text = "\n".join(page.get_textpage().get_text_range() for page in pdf)
    assert text.count("Kostnad per invånare") == 1
    assert text.count("Grannar") == 1


def test_kalmar_measures_span_their_rows_as_in_the_original(built) -> None:  # type: ignore[no-untyped-def]
    main = html_main_of(built(KALMAR) / "arsrapport.html")
    costs = main.find("table", id="tbl-kostnadseffektivitet")
    groups = [th for th in costs.tbody.find_all("th") if th.get("rowspan")]
    assert [(th.get_text(), th["rowspan"]) for th in groups][:2] == [
        ("Nämnds- och styrelsepolitiska nettokostnader (kr/inv)", "3"),
        ("Näringslivsbefrämjande åtgärder, nettokostnad (kr/inv)", "3"),
    ]
    assert len(groups) == 4


def html_main_of(path: Path) -> BeautifulSoup:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return soup.find("main")  # type: ignore[return-value]


@pytest.mark.browser
def test_axe_accepts_rich_cells_and_row_spans(
    axe_page: Callable[[Path], list[dict]],  # noqa: F811 (the fixture imported above)
    rich_build: dict[str, Path],
    grouped_build: dict[str, Path],
) -> None:
    for build in (rich_build, grouped_build):
        violations = axe_page(build[".html"])
        assert violations == [], describe(violations)


def test_outloud_accepts_rich_cells_and_row_spans(
    rich_build: dict[str, Path], grouped_build: dict[str, Path]
) -> None:
    """PDF/UA: lists and links inside table cells, and cells over several rows."""
    for build in (rich_build, grouped_build):
        result = outloud.check(str(build[".pdf"]))
        assert result.error is None, result.error
        errors = [f for f in result.findings if f.severity == "error"]
        assert not errors, "; ".join(f"{f.rule} s. {f.page}: {f.message}" for f in errors)


def test_activity_table_groups_and_unknown_group_column_is_explained(tmp_path: Path) -> None:
    goals = {
        "Nämndsmål": [["Id", "Namn", "Bedömning"], ["NM-1", "Budget i balans", "helt"]],
        "Aktiviteter": [
            ["Id", "Förälder", "Namn", "Ansvarig", "Status"],
            ["A1", "NM-1", "Ny budgetprocess", "Ekonomichef", "Pågår"],
            ["A2", "NM-1", "Månadsuppföljning", "Ekonomichef", "Klar"],
            ["A3", "NM-1", "Utbildning", "HR-chef", "Pågår"],
        ],
    }
    section = """\
        {{ aktivitetstabell("NM-1", kolumner=["Ansvarig", "Namn", "Status"],
                            gruppera="Ansvarig", kommentarer=false) }}
        """
    package = write_small_package(
        tmp_path, report_extra=SCALE, section=section, workbooks={"mal.xlsx": goals}
    )
    main = html_main_of(build_html(package).written[0].parent / "rapport.html")
    rows = main.find("table").tbody.find_all("tr")
    assert [(th.get_text(), th.get("rowspan")) for th in rows[0].find_all("th")] == [
        ("Ekonomichef", "2"),
        ("Ny budgetprocess", None),
    ]
    assert [th.get_text() for th in rows[1].find_all("th")] == ["Månadsuppföljning"]
    (package / SECTION_FILE).write_text(
        '{{ måltabell(mål.blad("Nämndsmål"), ["Namn"], gruppera="Ansvarig") }}\n'
    )
    with pytest.raises(KommunrapportError) as caught:
        build_html(package)
    assert "gruppera: kolumnen 'Ansvarig' finns inte bland tabellens kolumner" in str(caught.value)

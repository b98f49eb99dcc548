"""Options of the goal layer that the example packages needed (issues 4 and 5): configurable
indicator tables, ids given as strings, legend titles, the processområden block's insertion
points and heading levels, scale validation, unique legend names, the percent convention of
indicators, and status columns in table views. Built on a copy of the Eskilstuna package."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from openpyxl import load_workbook

from kommunrapport.build.pipeline import PackageResult, build_package
from kommunrapport.data.status_scales import ScaleSpec, build_scale
from kommunrapport.document.status_cells import Legend
from kommunrapport.errors import KommunrapportError
from kommunrapport.project.labels import Labels

from .conftest import html_soup
from .followup_helpers import edit_report_yaml, edit_sheet

PACKAGE = "eskilstuna-ks-delarsrapport-2-2023"
NBSP = "\u00a0"


def _build(pkg: Path, out: Path) -> tuple[PackageResult, BeautifulSoup]:
    result = build_package(pkg, out, formats=("html",), use_cache=False)
    return result, html_soup(out / PACKAGE / "delarsrapport.html")


def _append(pkg: Path, section: str, text: str) -> None:
    path = pkg / "delarsrapport" / section
    path.write_text(path.read_text(encoding="utf-8") + "\n\n" + text + "\n", encoding="utf-8")


def _table(soup: BeautifulSoup, caption: str) -> Tag:
    for table in soup.find_all("table"):
        if table.caption and table.caption.get_text(" ", strip=True).endswith(caption):
            return table
    raise AssertionError(f"no table captioned {caption!r}")


def _header(table: Tag) -> list[str]:
    return [
        c.get_text(" ", strip=True) for c in table.select("thead tr")[-1].find_all(["th", "td"])
    ]


def _first_row(table: Tag) -> list[str]:
    return [c.get_text(" ", strip=True) for c in table.select("tbody tr")[0].find_all(["th", "td"])]


# -- 1. indikatortabell: columns and headings -----------------------------------------------------


def test_indicator_table_columns_and_headings_are_configurable(package_copy, tmp_path):
    _root, pkg = package_copy(PACKAGE)
    _append(
        pkg,
        "30-intern-styrning-och-kontroll.md",
        "\n\n".join(
            [
                '{{ indikatortabell("MED-K1", år=2, rubrik="Standard") }}',
                '{{ indikatortabell("MED-K1", år=2, rubrik="Efter", målvärde="efter", '
                'rubriker={"namn": "Indikatorer", "målvärde": "Mål {{ år }}"}) }}',
                '{{ indikatortabell("MED-K1", år=2, rubrik="Först", målvärde="först", '
                'rubriker={"utfall": "År {{ kolumnår }}"}) }}',
                '{{ indikatortabell("MED-K1", år=1, rubrik="Utan mål", målvärde=false) }}',
                '{{ indikatortabell("MED-K1", rubrik="Valda", kolumner=[("Namn", "Mått"), '
                '("Målvärde", "Mål {{ år }}"), "Utfall {{ år - 1 }}"]) }}',
            ]
        ),
    )
    _result, soup = _build(pkg, tmp_path / "out")
    assert _header(_table(soup, "Standard")) == [
        "Indikator",
        "Utfall 2022",
        "Målvärde 2023",
        "Utfall 2023",
    ]
    efter = _table(soup, "Efter")
    assert _header(efter) == ["Indikatorer", "Utfall 2022", "Utfall 2023", "Mål 2023"]
    assert _first_row(efter) == [
        "Total sjukfrånvaro, tillsvidareanställda",
        f"1,9{NBSP}%",
        f"2,0{NBSP}%",
        f"3,0{NBSP}%",
    ]
    assert _header(_table(soup, "Först")) == ["Indikator", "Målvärde 2023", "År 2022", "År 2023"]
    assert _header(_table(soup, "Utan mål")) == ["Indikator", "Utfall 2023"]
    chosen = _table(soup, "Valda")
    assert _header(chosen) == ["Mått", "Mål 2023", "Utfall 2022"]
    assert _first_row(chosen) == [
        "Total sjukfrånvaro, tillsvidareanställda",
        f"3,0{NBSP}%",
        f"1,9{NBSP}%",
    ]


def test_indicator_table_with_an_unknown_column_names_the_sheet(package_copy, tmp_path):
    _root, pkg = package_copy(PACKAGE)
    _append(
        pkg,
        "30-intern-styrning-och-kontroll.md",
        '{{ indikatortabell("MED-K1", kolumner=["Namn", "Utfall 2019"]) }}',
    )
    with pytest.raises(
        KommunrapportError, match=r"bladet Indikatorer har ingen kolumn 'Utfall 2019'"
    ):
        _build(pkg, tmp_path / "out")


# -- 2. a single id is one id, not a list of characters -------------------------------------------


def test_helpers_take_a_single_id_or_a_list(package_copy, tmp_path):
    _root, pkg = package_copy(PACKAGE)
    _append(
        pkg,
        "30-intern-styrning-och-kontroll.md",
        "\n\n".join(
            [
                '{{ måltabell("NA", ["Namn", "Bedömning"], rubrik="Ett id") }}',
                '{{ måltabell(["NA", "UTB"], ["Namn", "Trend"], rubrik="Två id") }}',
                '{{ egenskapstabell("SSB", ["Bedömning"], rubrik="Egenskap") }}',
                '{{ aktivitetstabell("SSB", rubrik="Aktiviteter ur id") }}',
                '{{ indikatortabell(["MED-K1", "EKO-K2"], år=2, rubrik="Samlade") }}',
                'Kommentar: {{ kommentar("UTB-1") | truncate(20) }}',
                "Hämtade: {{ mål.hämta(mål['NA']) | map(attribute='id') | join(', ') }}",
            ]
        ),
    )
    _result, soup = _build(pkg, tmp_path / "out")
    assert _first_row(_table(soup, "Ett id"))[0] == "Näringsliv och arbete"
    assert len(_table(soup, "Två id").select("tbody tr")) == 2
    assert _first_row(_table(soup, "Egenskap")) == ["◐ Uppnår delvis resultatmålen"]
    assert len(_table(soup, "Aktiviteter ur id").select("tbody tr")) == 2
    combined = _table(soup, "Samlade")
    names = [tr.find(["th", "td"]).get_text(strip=True) for tr in combined.select("tbody tr")]
    assert names[-1] == "Avtalstrohet, KS/KLK" and len(names) == 4
    text = soup.get_text()
    assert "Hämtade: NA" in text
    assert "Kommentar: " in text


# -- 3. förklaringsrubrik -------------------------------------------------------------------------


def test_legend_title_is_separate_from_the_column_heading():
    levels = [
        {"kod": "klar", "text": "Klart", "symbol": "✓"},
        {"kod": "sen", "text": "Försenat", "symbol": "⚠"},
    ]
    scale = build_scale(
        "status",
        ScaleSpec.model_validate(
            {"rubrik": "Status", "förklaringsrubrik": "Åtaganden", "nivåer": levels}
        ),
    )
    assert scale.rubrik == "Status" and scale.legend_title == "Åtaganden"
    labels = Labels(
        {
            "symbol_och_text": "Symbol",
            "innebord": "Innebörd",
            "forklaring_symboler": "Förklaring symboler",
        }
    )
    table = Legend([scale], labels).table()
    assert table is not None
    assert table.rows[0].cells[0].text == "Åtaganden"
    plain = build_scale("trend", ScaleSpec.model_validate({"nivåer": levels}))
    assert plain.legend_title == plain.rubrik == "Trend"


# -- 4. the processområden block ------------------------------------------------------------------


def test_processomraden_block_levels_insertion_points_and_intro(package_copy, tmp_path):
    _root, pkg = package_copy(PACKAGE)
    # the area intro from the sheet's Beskrivning (no comment file, no inledning)
    edit_sheet(pkg, "mal.xlsx", "Processområden", {"I1": "Beskrivning", "I3": "Ur bladet."})
    (pkg / "delarsrapport" / "12-utbildning.md").write_text(
        "---\nrubrik: Processområde Utbildning\nid: utbildning\n---\n"
        "{% set efter_mål = {'UTB': '# Insatt efter målen\n\nText efter målen.'} %}\n"
        "{% set efter_åtaganden %}\nSist i området.\n{% endset %}\n"
        '{% with rot="UTB", rubriker=false %}{% include "block/processomraden.md.j2" %}'
        "{% endwith %}\n",
        encoding="utf-8",
    )
    _result, soup = _build(pkg, tmp_path / "out")
    section = soup.find("h3", string=lambda s: s and "Processområde Utbildning" in s)
    assert section is not None
    following = []
    for element in section.find_all_next(["h2", "h3", "h4", "h5", "p"]):
        if element.name in ("h2", "h3") and element is not section:
            break
        following.append((element.name, element.get_text(" ", strip=True)))
    texts = [t for _, t in following]
    assert texts.index("Ur bladet.") < texts.index("Processområdet bedöms uppnå resultatmålen.")
    # the section heading is h3: the block's own headings come right below it, as h4
    assert ("h4", "4-åriga processmål") in following
    assert ("h5", following[following.index(("h4", "4-åriga processmål")) + 1][1]) in following
    assert ("h4", "Insatt efter målen") in following
    assert texts.index("Text efter målen.") > texts.index("4-åriga processmål")
    assert texts[-1] == "Sist i området."


def test_processomraden_block_with_its_own_headings(package_copy, tmp_path):
    """Without rubriker=false the area's heading comes first; inserted '#' headings move down
    to the level of "4-åriga processmål"."""
    _root, pkg = package_copy(PACKAGE)
    (pkg / "delarsrapport" / "12-utbildning.md").write_text(
        "---\nrubrik: Processområde Utbildning\nid: utbildning\n---\n"
        "{% set före_mål %}\n# Före målen\n{% endset %}\n"
        '{% with rot="UTB" %}{% include "block/processomraden.md.j2" %}{% endwith %}\n',
        encoding="utf-8",
    )
    _result, soup = _build(pkg, tmp_path / "out")
    area = soup.find("h4", string=lambda s: s and s.strip() == "Processområde Utbildning")
    assert area is not None
    assert area.find_next("h5").get_text(strip=True) == "Före målen"
    assert area.find_next("h5").find_next("h5").get_text(strip=True) == "4-åriga processmål"


# -- 5. a level's own code and text may coincide --------------------------------------------------


def test_scale_code_equal_to_its_own_text_is_allowed():
    spec = ScaleSpec.model_validate(
        {
            "nivåer": [
                {"kod": "slutfört", "text": "Slutfört", "symbol": "●", "alias": ["SLUTFÖRT"]},
                {"kod": "pågår", "text": "Pågår", "symbol": "◐"},
            ]
        }
    )
    scale = build_scale("status", spec)
    assert scale["Slutfört"].kod == "slutfört"
    with pytest.raises(ValueError, match="förekommer i två nivåer"):
        ScaleSpec.model_validate(
            {
                "nivåer": [
                    {"kod": "slutfört", "text": "Klart", "symbol": "●"},
                    {"kod": "klart", "text": "Slutfört", "symbol": "◐"},
                ]
            }
        )


# -- 6. two legends, two names --------------------------------------------------------------------


def test_two_legends_have_unique_accessible_names(package_copy, tmp_path):
    _root, pkg = package_copy(PACKAGE)
    _append(pkg, "30-intern-styrning-och-kontroll.md", '{{ symbolförklaring("status") }}')
    _result, soup = _build(pkg, tmp_path / "out")
    names = [
        table.parent.get("aria-label")
        for table in soup.select("table.kr-legend")
        if table.parent.get("role") == "region"
    ]
    assert names == [
        "Förklaring symboler: Processområden, Åtaganden, Färdiggrad och Trendpil",
        "Förklaring symboler: Åtaganden",
    ]
    assert [t.caption.get_text(strip=True) for t in soup.select("table.kr-legend")] == [
        "Förklaring symboler"
    ] * 2


# -- 7. percent numbers or shares -----------------------------------------------------------------


def _indicator_cells(soup: BeautifulSoup) -> list[str]:
    return _first_row(_table(soup, "Indikatorer för KLK som egen förvaltning"))


def test_percent_indicator_with_a_number_above_one_is_not_multiplied(package_copy, tmp_path):
    _root, pkg = package_copy(PACKAGE)
    edit_report_yaml(pkg, lambda d: d["måluppföljning"].pop("procent"))
    edit_sheet(pkg, "mal.xlsx", "Indikatorer", {"F2": 20.5, "G2": 2, "H2": 3})
    result, soup = _build(pkg, tmp_path / "out")
    assert _indicator_cells(soup)[1:] == [f"20,5{NBSP}%", f"2,0{NBSP}%", f"3,0{NBSP}%"]
    warning = next(f for f in result.findings if f.code == "indikator-procent")
    assert (warning.location.sheet, warning.location.cell) == ("Indikatorer", "F2")
    assert "måluppföljning.procent" in (warning.hint or "")
    # rows whose numbers are all shares are still read as shares, without a warning
    assert [f.location.cell for f in result.findings if f.code == "indikator-procent"] == ["F2"]
    stolthet = _table(soup, "Indikatorer för KLK som egen förvaltning").select("tbody tr")[2]
    assert stolthet.find_all("td")[0].get_text(strip=True) == f"83{NBSP}%"


def test_percent_convention_is_configurable(package_copy, tmp_path):
    _root, pkg = package_copy(PACKAGE)
    edit_report_yaml(pkg, lambda d: d["måluppföljning"].update({"procent": "procenttal"}))
    edit_sheet(pkg, "mal.xlsx", "Indikatorer", {"F2": 1.9, "G2": 0.8, "H2": 3})
    result, soup = _build(pkg, tmp_path / "out")
    assert _indicator_cells(soup)[1:] == [f"1,9{NBSP}%", f"0,8{NBSP}%", f"3,0{NBSP}%"]
    assert not [f for f in result.findings if f.code == "indikator-procent"]
    edit_report_yaml(pkg, lambda d: d["måluppföljning"].update({"procent": "något"}))
    with pytest.raises(KommunrapportError, match="procent"):
        _build(pkg, tmp_path / "out2")


# -- 8. status columns in table views -------------------------------------------------------------

STATUS_VIEW = """
status_vy:
  blad: ekonomi.xlsx/Status
  rubrik: Status per område
  kolumner:
    - {kolumn: Bedömning, skala: bedömning}
    - {kolumn: Trend, skala: trend}
"""


def _status_sheet(pkg: Path, view: str = STATUS_VIEW) -> None:
    """A sheet that only the table view reads (no goal sheet), and the view over it."""
    path = pkg / "data" / "ekonomi.xlsx"
    book = load_workbook(path)
    sheet = book.create_sheet("Status")
    for row in (
        ["Id", "Rad", "Bedömning", "Trend"],
        ["na", "Näringsliv och arbete", "uppnår", "oförändrad"],
        ["utb", "Utbildning", "Uppnår resultatmålen", "bättre"],
    ):
        sheet.append(row)
    book.save(path)
    views = pkg / "tabeller.yaml"
    views.write_text(views.read_text(encoding="utf-8") + view, encoding="utf-8")


def test_status_column_in_a_table_view(package_copy, tmp_path):
    _root, pkg = package_copy(PACKAGE)
    _status_sheet(pkg)
    memo = pkg / "tjansteskrivelse" / "arendebeskrivning.md"
    memo.write_text(
        memo.read_text(encoding="utf-8")
        + '\n\n{{ tabell("status_vy") }}\n\n{{ symbolförklaring() }}\n'
        + "\nUtbildning: {{ status_vy['utb'].trend }}.\n",
        encoding="utf-8",
    )
    build_package(pkg, tmp_path / "out", formats=("html",), use_cache=False)
    soup = html_soup(tmp_path / "out" / PACKAGE / "tjansteskrivelse.html")
    table = _table(soup, "Status per område")
    assert _header(table) == ["", "Bedömning", "Trend"]
    assert _first_row(table) == [
        "Näringsliv och arbete",
        "● Uppnår resultatmålen",
        "→ Oförändrad mot föregående år",
    ]
    symbol = table.select_one("tbody td .symbol")
    assert symbol["aria-hidden"] == "true"
    # the memo uses no other scale: its generated legend holds exactly the view's two scales
    legend = soup.select_one("table.kr-legend").get_text(" ", strip=True)
    assert "Processområden" in legend and "Trendpil" in legend
    assert "Åtaganden" not in legend and "Färdiggrad" not in legend
    assert "Utbildning: Bättre än föregående år." in soup.get_text(" ", strip=True)


def test_unknown_code_in_a_status_column_names_sheet_and_cell(package_copy, tmp_path):
    _root, pkg = package_copy(PACKAGE)
    _status_sheet(pkg)
    edit_sheet(pkg, "ekonomi.xlsx", "Status", {"D3": "uppåt"})
    with pytest.raises(KommunrapportError) as caught:
        _build(pkg, tmp_path / "out")
    assert (caught.value.location.sheet, caught.value.location.cell) == ("Status", "D3")
    assert "okänd kod 'uppåt' i kolumnen Trend" in caught.value.message
    assert "bättre, oförändrad, sämre" in (caught.value.hint or "")


def test_status_column_with_an_unknown_scale_names_the_view(package_copy, tmp_path):
    _root, pkg = package_copy(PACKAGE)
    _status_sheet(pkg, STATUS_VIEW.replace("skala: trend", "skala: pil"))
    with pytest.raises(KommunrapportError, match="skalan 'pil' finns inte") as caught:
        _build(pkg, tmp_path / "out")
    assert caught.value.location.field == "status_vy.kolumner[1].skala"


def test_status_column_cannot_be_computed(package_copy, tmp_path):
    _root, pkg = package_copy(PACKAGE)
    _status_sheet(
        pkg,
        STATUS_VIEW.replace("{kolumn: Trend, skala: trend}", "{beräkna: Trend, skala: trend}"),
    )
    with pytest.raises(KommunrapportError, match="'skala'"):
        _build(pkg, tmp_path / "out")


def test_malbilaga_without_root_heading_follows_the_section(package_copy, tmp_path):
    """rubriker=false in a section file: the goals come right below the section's heading."""
    _root, pkg = package_copy()
    section = pkg / "arsrapport" / "33-kvalitetsutveckling.md"
    section.write_text(
        section.read_text(encoding="utf-8")
        + '\n\n{% with rot="F1", rubriker=false, förklaring=false %}'
        + '{% include "block/malbilaga.md.j2" %}{% endwith %}\n',
        encoding="utf-8",
    )
    build_package(pkg, tmp_path / "out", formats=("html",), use_cache=False)
    soup = html_soup(tmp_path / "out" / "kalmar-ks-arsrapport-2022" / "arsrapport.html")
    heading = next(
        h for h in soup.find_all(["h2", "h3", "h4", "h5"]) if "Kvalitetsutveckling" in h.get_text()
    )
    goal = next(
        h
        for h in soup.find_all(["h3", "h4", "h5", "h6"])
        if "Ändamålsenlig och kostnadseffektiv verksamhet" in h.get_text()
    )
    assert int(goal.name[1]) == int(heading.name[1]) + 1


def test_internal_control_helpers_take_an_id(package_copy, tmp_path):
    _root, pkg = package_copy()
    section = pkg / "arsrapport" / "34-intern-kontroll.md"
    section.write_text(
        section.read_text(encoding="utf-8")
        + '\n\n{{ risktabell("R-01") }}\n\n{{ kontrollmomenttabell("R-15", rubrik="Ur id") }}\n\n'
        + 'Processtyp: {{ intern_kontroll.processtyp("P-01") or "ingen" }}, '
        + 'delprocesser: {{ intern_kontroll.delprocesser("P-01") | length }}.\n',
        encoding="utf-8",
    )
    build_package(pkg, tmp_path / "out", formats=("html",), use_cache=False)
    soup = html_soup(tmp_path / "out" / "kalmar-ks-arsrapport-2022" / "arsrapport.html")
    assert _table(soup, "Ur id").select("tbody tr")
    assert "Processtyp: " in soup.get_text()


def test_malblock_passes_the_indicator_options(package_copy, tmp_path):
    _root, pkg = package_copy(PACKAGE)
    _append(
        pkg,
        "30-intern-styrning-och-kontroll.md",
        '{% with rot="MED", rubriker=false, år_i_tabell=2, indikator_målvärde="efter", '
        'indikator_rubriker={"målvärde": "Mål {{ år }}"} %}'
        '{% include "block/malblock.md.j2" %}{% endwith %}',
    )
    _result, soup = _build(pkg, tmp_path / "out")
    table = _table(
        soup,
        "Indikatorer: Attraktiv arbetsgivare med hållbara arbetsplatser. KLK som egen förvaltning.",
    )
    assert _header(table) == ["Indikator", "Utfall 2022", "Utfall 2023", "Mål 2023"]

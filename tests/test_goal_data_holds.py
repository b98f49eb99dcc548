"""What goal sheets and scales can hold (issue 16, item 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kommunrapport.errors import KommunrapportError

from .small_packages import build_html, html_main, write_small_package

GOALS = {
    "Nämndsmål": [
        ["Id", "Namn", "Bedömning"],
        ["NM-1", "Budget i balans", "delvis"],
        ["NM-2", "Nöjda invånare", "helt"],
        ["NM-3", "Kortare väntetider", "ej"],
    ]
}
SECTION = """\
    {{ måltabell(mål.blad("Nämndsmål"), ["Namn", "Bedömning"], rubrik="Nämndsmål") }}

    {{ symbolförklaring() }}
    """


def dots(colours: tuple[str | None, str | None, str | None]) -> str:
    levels = "\n".join(
        f'      - {{kod: {code}, text: {text}, symbol: "●"'
        + (f", färg: {colour}}}" if colour else "}")
        for (code, text), colour in zip(
            (("helt", "Helt uppfyllt"), ("delvis", "Delvis uppfyllt"), ("ej", "Ej uppfyllt")),
            colours,
            strict=True,
        )
    )
    return f"måluppföljning: {{}}\nskalor:\n  bedömning:\n    nivåer:\n{levels}\n"


def test_one_shape_in_different_colours_is_allowed(tmp_path: Path) -> None:
    package = write_small_package(
        tmp_path,
        report_extra=dots(("grön", "gul", "röd")),
        section=SECTION,
        workbooks={"mal.xlsx": GOALS},
    )
    main = html_main(build_html(package))
    cells = {
        tr.find("th").get_text(strip=True): tr.find("td")
        for tr in main.find_all("tr")
        if tr.find("th") and tr.find("td")
    }
    budget = cells["Budget i balans"]
    assert budget.get_text(strip=True) == "●Delvis uppfyllt"  # symbol and text, always both
    assert "sym-8a6100" in budget.find(class_="symbol")["class"]  # gul
    legend = main.get_text(" ", strip=True)
    for text in ("Helt uppfyllt", "Delvis uppfyllt", "Ej uppfyllt"):
        assert text in legend


@pytest.mark.parametrize(
    "colours", [(None, None, None), ("grön", "grön", "röd"), ("grön", None, "röd")]
)
def test_one_shape_without_different_colours_is_an_error(
    tmp_path: Path, colours: tuple[str | None, str | None, str | None]
) -> None:
    package = write_small_package(
        tmp_path, report_extra=dots(colours), section=SECTION, workbooks={"mal.xlsx": GOALS}
    )
    with pytest.raises(KommunrapportError) as caught:
        build_html(package)
    assert "symbolen '●' används för två nivåer utan olika färg" in caught.value.message
    assert caught.value.location.line is not None


INDICATORS = {
    "Nämndsmål": [["Id", "Namn", "Bedömning"], ["NM-1", "Budget i balans", "delvis"]],
    "Indikatorer": [
        ["Id", "Förälder", "Namn", "Typ", "Enhet", "Utfall 2023", "Utfall 2024", "Målvärde"],
        ["I1", "NM-1", "Budgetavvikelse", "KF", "%", 0.04, 0.103, 0],
        ["I2", "NM-1", "Andel e-fakturor", "nämnd", "%", 0.81, 0.853, 0.9],
        ["I3", "NM-1", "Nöjd-Kund-Index", "KF", None, 71, 73, 75],
    ],
}
SCALE = """\
    måluppföljning: {procent: andel}
    skalor:
      bedömning:
        nivåer:
          - {kod: helt, text: Helt uppfyllt, symbol: "●"}
          - {kod: delvis, text: Delvis uppfyllt, symbol: "◐"}
    """


def test_indicator_table_split_by_type_and_empty_tables_explained(tmp_path: Path) -> None:
    section = """\
        {{ indikatortabell("NM-1", år=2, rubrik="KF-indikatorer", välj={"Typ": "KF"}) }}

        {{ indikatortabell("NM-1", år=2, rubrik="Nämndens indikatorer", välj={"Typ": "nämnd"}) }}

        Fel rad: [{{ indikatortabell("I1") }}]
        Inget: [{{ indikatortabell("NM-1", välj={"Typ": "RF"}) }}]
        """
    package = write_small_package(
        tmp_path, report_extra=SCALE, section=section, workbooks={"mal.xlsx": INDICATORS}
    )
    result = build_html(package)
    main = html_main(result)
    tables = {t.caption.get_text(" ", strip=True): t for t in main.find_all("table")}
    kf = next(t for c, t in tables.items() if "KF-indikatorer" in c)
    own = next(t for c, t in tables.items() if "Nämndens indikatorer" in c)
    assert [r.th.get_text(strip=True) for r in kf.tbody.find_all("tr")] == [
        "Budgetavvikelse",
        "Nöjd-Kund-Index",
    ]
    assert [r.th.get_text(strip=True) for r in own.tbody.find_all("tr")] == ["Andel e-fakturor"]
    assert "Fel rad: [] Inget: []" in " ".join(main.get_text(" ").split())
    empty = [f for f in result.findings if f.code == "indikatortabell-tom"]
    assert len(empty) == 2
    assert "I1 ligger själv i bladet Indikatorer" in empty[0].message
    assert "Typ = 'RF'" in empty[1].message
    assert all(f.location.sheet and f.location.cell for f in empty)


def test_a_goal_without_indicators_is_no_warning(tmp_path: Path) -> None:
    goals = {"Nämndsmål": INDICATORS["Nämndsmål"], "Indikatorer": INDICATORS["Indikatorer"][:1]}
    package = write_small_package(
        tmp_path,
        report_extra=SCALE,
        section='[{{ indikatortabell("NM-1") }}]\n',
        workbooks={"mal.xlsx": goals},
    )
    result = build_html(package)
    assert not [f for f in result.findings if f.code == "indikatortabell-tom"]


def test_percentages_with_the_decimals_of_the_source(tmp_path: Path) -> None:
    section = """\
        {{ indikatortabell("NM-1", år=2, rubrik="Som källan", decimaler="källan") }}

        {{ indikatortabell("NM-1", år=2, rubrik="Standard") }}
        """
    package = write_small_package(
        tmp_path, report_extra=SCALE, section=section, workbooks={"mal.xlsx": INDICATORS}
    )
    main = html_main(build_html(package))
    tables = {" ".join(t.caption.get_text(" ").split()): t for t in main.find_all("table")}

    def row(caption: str, name: str) -> list[str]:
        table = next(t for c, t in tables.items() if caption in c)
        found = next(r for r in table.tbody.find_all("tr") if r.th.get_text(strip=True) == name)
        return [td.get_text(strip=True).replace("\u00a0", " ") for td in found.find_all("td")]

    assert row("Som källan", "Budgetavvikelse") == ["4 %", "0 %", "10,3 %"]  # 4 % next to 10,3 %
    assert row("Standard", "Budgetavvikelse") == ["4,0 %", "0,0 %", "10,3 %"]
    assert row("Som källan", "Nöjd-Kund-Index") == ["71", "75", "73"]


SHARES_VIEW = """\
    andelar:
      blad: personal.xlsx/Andelar
      rubrik: Andelar
      kolumner:
        - {kolumn: År 1, format: procent, decimaler: källan}
        - {kolumn: År 2, format: procent, decimaler: källan}
        - {kolumn: År 1, rubrik: Standard, format: procent, namn: standard}
        - {rubrik: Skillnad, beräkna: "[År 2] - [År 1]", format: procent, decimaler: källan}
    """
SHARES = {
    "Andelar": [
        ["Id", "Rad", "År 1", "År 2", "Decimaler"],
        ["sjuk", "Sjukfrånvaro", 0.04, 0.103, None],
        ["hel", "Heltid", 0.9, 0.95, None],
        ["rad", "Egen rad", 0.5, 0.123, 2],
    ]
}


def test_view_column_prints_shares_with_the_decimals_of_the_source(tmp_path: Path) -> None:
    package = write_small_package(
        tmp_path,
        section='{{ tabell("andelar") }}\n',
        tables=SHARES_VIEW,
        workbooks={"personal.xlsx": SHARES},
    )
    main = html_main(build_html(package))
    rows = {
        tr.th.get_text(strip=True): [
            td.get_text(strip=True).replace("\u00a0", " ") for td in tr.find_all("td")
        ]
        for tr in main.find("table").tbody.find_all("tr")
    }
    assert rows["Sjukfrånvaro"] == ["4 %", "10,3 %", "4,0 %", "6,3 %"]  # 4 % next to 10,3 %
    assert rows["Heltid"] == ["90 %", "95 %", "90,0 %", "5,0 %"]  # computed: the column's 1
    assert rows["Egen rad"] == ["50,00 %", "12,30 %", "50,00 %", "\u221237,70 %"]


def test_decimals_other_than_a_number_or_kallan_are_refused(tmp_path: Path) -> None:
    package = write_small_package(
        tmp_path,
        section='{{ tabell("andelar") }}\n',
        tables=SHARES_VIEW.replace("decimaler: källan}", "decimaler: källa}", 1),
        workbooks={"personal.xlsx": SHARES},
    )
    with pytest.raises(KommunrapportError) as caught:
        build_html(package)
    assert "decimaler" in str(caught.value)

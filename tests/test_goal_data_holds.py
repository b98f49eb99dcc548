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

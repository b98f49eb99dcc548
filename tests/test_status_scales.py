"""Status scales: validation with report.yaml lines, accessible colours and glyphs, symbol and
text in DOCX and HTML (inline and in tables), the legend."""

from __future__ import annotations

import pytest

from kommunrapport.build.pipeline import build_package
from kommunrapport.data.status_scales import (
    KNOWN_SYMBOLS,
    PALETTE,
    ScaleSpec,
    build_scale,
    contrast_on_white,
)
from kommunrapport.document.status_cells import status_cell
from kommunrapport.errors import KommunrapportError, Location
from kommunrapport.project.package import builtin_templates_dir

from .conftest import KALMAR, docx_xml, html_soup
from .followup_helpers import edit_report_yaml, findings_text, load_builder


def _scale(levels, **extra):
    return build_scale("test", ScaleSpec.model_validate({"nivåer": levels, **extra}))


def test_codes_texts_and_aliases_find_the_level():
    scale = _scale(
        [
            {"kod": "helt", "text": "Helt uppfyllt", "symbol": "●", "alias": ["Grönt"]},
            {"kod": "ej", "text": "Ej uppfyllt", "symbol": "○"},
        ]
    )
    for raw in ("helt", " HELT ", "Helt uppfyllt", "grönt"):
        assert scale.value(raw, Location(), "Bedömning").kod == "helt"
    with pytest.raises(KommunrapportError, match=r"(?s)okänd kod 'halvt'.*helt, ej"):
        scale.value("halvt", Location("x.xlsx", sheet="Blad", cell="C3"), "Bedömning")


def test_percent_scale_picks_the_level_by_lower_bound():
    scale = _scale(
        [
            {"från": 100, "text": "100 %", "symbol": "●"},
            {"från": 50, "text": "50–99 %", "symbol": "◑"},
            {"från": 0, "text": "0–49 %", "symbol": "○"},
        ],
        typ="procent",
    )
    value = scale.value(80, Location(), "Färdiggrad")
    assert (value.symbol, value.text) == ("◑", "80\u00a0%")
    cell = status_cell(value)
    assert (cell.symbol, cell.text) == ("◑", "80\u00a0%")
    with pytest.raises(KommunrapportError, match="mellan 0 och 100"):
        scale.value(140, Location(), "Färdiggrad")


def test_palette_passes_wcag_and_has_css_rules():
    css = (builtin_templates_dir() / "html" / "stil.css").read_text(encoding="utf-8")
    for colour in PALETTE.values():
        assert contrast_on_white(colour) >= 4.5
        assert f".sym-{colour[1:]} {{ color: {colour}; }}" in css
    assert not {"🟢", "🟡", "🚫"} & KNOWN_SYMBOLS  # no emoji


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        (
            [{"kod": "a", "text": "A", "symbol": "●"}, {"kod": "b", "text": "B", "symbol": "●"}],
            "symbolen '●' används för två nivåer",
        ),
        (
            [
                {"kod": "a", "text": "A", "symbol": "●", "färg": "ljusgul"},
                {"kod": "b", "text": "B", "symbol": "○"},
            ],
            "okänd färg 'ljusgul'",
        ),
        (
            [{"kod": "a", "text": "A", "symbol": "●"}, {"kod": "A", "text": "B", "symbol": "○"}],
            "förekommer i två nivåer",
        ),
        ([{"kod": "a", "text": "A", "symbol": "●"}], "får inte vara tom|at least 2"),
    ],
)
def test_bad_scale_is_an_error_with_the_line_in_report_yaml(package_copy, levels, message):
    _root, pkg = package_copy()
    edit_report_yaml(pkg, lambda d: d["skalor"].update({"bedömning": {"nivåer": levels}}))
    with pytest.raises(KommunrapportError) as info:
        load_builder(pkg)
    text = str(info.value)
    assert "report.yaml, rad" in text
    assert "skalor.bedömning" in text
    assert any(part in text for part in message.split("|")), text


def test_empty_code_must_be_a_level(package_copy):
    _root, pkg = package_copy()
    edit_report_yaml(pkg, lambda d: d["skalor"]["aktivitetsstatus"].update({"tom": "okänd"}))
    with pytest.raises(KommunrapportError, match="'tom: okänd' är ingen av skalans koder"):
        load_builder(pkg)


def test_low_contrast_colour_and_emoji_symbol_are_warnings(package_copy):
    _root, pkg = package_copy()

    def change(data):
        levels = data["skalor"]["bedömning"]["nivåer"]
        levels[1]["färg"] = "#ffd33d"  # yellow on white: 1.5:1
        levels[0]["symbol"] = "🟢"

    edit_report_yaml(pkg, change)
    warnings = findings_text(load_builder(pkg))
    assert any(
        "[skala-kontrast]" in w and "#ffd33d" in w and "fält skalor.bedömning.nivåer[1]" in w
        for w in warnings
    )
    assert any("[skala-symbol]" in w and "🟢" in w for w in warnings)


def test_mapping_to_a_missing_scale_is_an_error(package_copy):
    _root, pkg = package_copy()
    edit_report_yaml(
        pkg, lambda d: d["måluppföljning"]["kolumner"].update({"Uppdrag/Status": "uppdragstatus"})
    )
    with pytest.raises(KommunrapportError, match="skalan 'uppdragstatus', som inte finns"):
        load_builder(pkg)


def test_inline_status_and_chosen_legend_in_docx_and_html(package_copy, tmp_path):
    _root, pkg = package_copy()
    section = pkg / "arsrapport" / "33-kvalitetsutveckling.md"
    section.write_text(
        section.read_text(encoding="utf-8")
        + '\nBudget i balans: {{ status(mål["NM-03"].bedömning) }}.\n\n'
        + '{{ symbolförklaring("kontrollresultat") }}\n',
        encoding="utf-8",
    )
    result = build_package(pkg, tmp_path / "out", formats=("docx", "html"), use_cache=False)
    out = tmp_path / "out" / KALMAR
    soup = html_soup(out / "arsrapport.html")
    span = soup.select_one("span.status")
    symbol = span.select_one("span.symbol")
    assert symbol["aria-hidden"] == "true"
    assert "sym-1a7f37" in symbol["class"]
    assert span.get_text(" ", strip=True) == "● Helt uppfyllt"
    legend = soup.select_one("table.kr-legend")
    assert "Acceptabelt utfall" in legend.get_text()
    assert "Helt uppfyllt" not in legend.get_text()  # only the scale asked for
    xml = docx_xml(out / "arsrapport.docx")
    assert '<w:rStyle w:val="Statussymbol"/>' in xml
    assert "Helt uppfyllt" in xml
    assert not [f for f in result.findings if f.code.startswith("skala")]

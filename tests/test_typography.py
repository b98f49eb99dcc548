"""Swedish typography (Språkrådet, Svenska skrivregler) in the narrative and in table cells:
”…” quotes, dashes for spaced hyphens and ranges, non-breaking spaces before % and units,
unbreakable year ranges, and six-digit dates in column headings written as dates (warned)."""

from __future__ import annotations

import pytest

from kommunrapport.build.pipeline import build_package
from kommunrapport.document.blocks import BlockRegistry
from kommunrapport.document.typography_pass import typeset_document
from kommunrapport.errors import Findings
from kommunrapport.project.package import discover_packages
from kommunrapport.text.typography import date_heading, join_year_ranges, typeset
from kommunrapport.writers.pandoc import markdown_to_ast

from .conftest import CONTENT, html_soup
from .typography_audit import count

EXAMPLES = [p.name for p in discover_packages(CONTENT)]
NBSP, WJ = "\u00a0", "\u2060"


@pytest.mark.parametrize(
    ("written", "typeset_as"),
    [
        ('tjänsten "Tyck till" för företagare', "tjänsten ”Tyck till” för företagare"),
        ("“Barnkonventionen blir svensk lag”", "”Barnkonventionen blir svensk lag”"),
        ("Förenkla - förnya - förbättra", "Förenkla – förnya – förbättra"),
        ("befolkningen 16-64 år", "befolkningen 16–64 år"),
        ("under 2016-2017 och 2020-21", "under 2016–2017 och 2020–21"),
        ("ökade med 26 % till 5 mnkr", f"ökade med 26{NBSP}% till 5{NBSP}mnkr"),
        ("för 200 miljoner kronor", f"för 200{NBSP}miljoner kronor"),
        ("för 200\nmiljoner kronor", f"för 200{NBSP}miljoner kronor"),  # a line break in Markdown
        ("planen 2023–2024", "planen 2023–2024"),
        # left alone: dates, codes with a leading zero, descending pairs, compound words
        ("beslut 2022-02-18, tel. 08-123 45", "beslut 2022-02-18, tel. 08-123 45"),
        ("diarienummer 2015-123 och Trygghets- och", "diarienummer 2015-123 och Trygghets- och"),
        ("16 år och 3 dagar", "16 år och 3 dagar"),
    ],
)
def test_typeset(written, typeset_as):
    assert typeset(written) == typeset_as
    assert typeset(typeset_as) == typeset_as  # applying it twice changes nothing


def test_year_ranges_are_joined_for_word():
    assert (
        join_year_ranges("2016–2017 och 2020–21, 16–64 år")
        == f"2016–{WJ}2017 och 2020–{WJ}21, 16–64 år"
    )
    assert join_year_ranges(f"2016–{WJ}2017") == f"2016–{WJ}2017"


def test_six_digit_dates_in_headings_become_dates():
    assert date_heading("Utfall 150831").written == "Utfall 2015-08-31"
    assert date_heading("Utfall 2016") is None
    assert date_heading("Konto 991399") is None  # not a date


def test_markdown_quotes_and_dashes_in_the_ast():
    ast = markdown_to_ast('Tjänsten "Tyck till" - för *alla* 16-64 år - startar 2023.\n')
    blocks = ast["blocks"]
    typeset_document(blocks, BlockRegistry(), Findings())
    text = "".join(
        node.get("c", " ") if isinstance(node.get("c", " "), str) else "*"
        for node in blocks[0]["c"]
    )
    assert "”Tyck till”" in text
    assert text.count("–") == 3  # two spaced dashes and the range


def test_a_figure_from_the_data_keeps_its_unit():
    """A figure from an expression comes in a span of its own: the space after it still
    becomes non-breaking before a unit."""
    ast = markdown_to_ast('Sjukfrånvaron var [4,6]{data-kalla="Nyckeltal!C4"} procent.\n')
    typeset_document(ast["blocks"], BlockRegistry(), Findings())
    inlines = ast["blocks"][0]["c"]
    index = next(i for i, node in enumerate(inlines) if node["t"] == "Span")
    assert inlines[index + 1] == {"t": "Str", "c": NBSP}


@pytest.mark.parametrize("package_id", EXAMPLES)
def test_examples_follow_the_rules(built, package_id):
    fixed = ("quotes", "spaced_hyphen", "range_hyphen", "space_before_percent")
    fixed += ("space_before_unit", "space_before_unit_word", "breakable_range", "date_heading")
    for path in sorted(built(package_id).glob("*.docx")) + sorted(built(package_id).glob("*.html")):
        counts = count(path)
        assert {k: counts[k] for k in fixed} == dict.fromkeys(fixed, 0), path.name


def test_a_six_digit_date_heading_is_written_as_a_date_and_warned(package_copy, tmp_path):
    _root, package = package_copy("orebro-ks-arsberattelse-2016")
    spec = package / "tabeller.yaml"
    spec.write_text(
        spec.read_text(encoding="utf-8").replace(
            'rubrik: "Utfall {{ år }}-08-31"', 'rubrik: "Utfall {{ år % 100 }}0831"'
        ),
        encoding="utf-8",
    )
    result = build_package(package, tmp_path / "ut", formats=("html",))
    warnings = [f for f in result.findings if f.code == "datum-i-rubrik"]
    assert len(warnings) == 1  # once, though five tables have the heading
    assert "'Utfall 160831'" in warnings[0].message and "tabeller.yaml" in str(warnings[0])
    soup = html_soup(next(p for p in result.written if p.name == "arsberattelse.html"))
    headings = [th.get_text(strip=True) for th in soup.select("thead th")]
    assert "Utfall 2016-08-31" in headings and "Utfall 160831" not in headings

"""Heading cells of a Markdown table say what they head: ``scope="col"`` on the column
headings, ``scope="row"`` on row headings (pandoc's row head columns); checked with a parser on
a built page and on pandoc's HTML."""

from __future__ import annotations

from bs4 import BeautifulSoup

from kommunrapport.build.pipeline import build_package
from kommunrapport.writers.html_scope import scope_header_cells
from kommunrapport.writers.pandoc import ast_to_bytes, markdown_to_ast

from .conftest import KALMAR

PIPE_TABLE = """

| Kvartal | Intäkter, tkr | Kostnader, tkr |
|:--------|--------------:|---------------:|
| Q1      |         1 200 |          1 150 |
| Q2      |         1 310 |          1 290 |

: Kvartalsöversikt
"""


def _headings(soup: BeautifulSoup, caption: str) -> list[tuple[str, str | None, str]]:
    table = next(t for t in soup.find_all("table") if caption in t.get_text())
    return [
        (th.get_text(strip=True), th.get("scope"), th.find_parent(["thead", "tbody"]).name)
        for th in table.find_all("th")
    ]


def test_markdown_table_headings_have_column_scope(package_copy, tmp_path):
    _root, package = package_copy(KALMAR)
    section = package / "arsrapport" / "08-ovriga-axplock.md"
    section.write_text(section.read_text(encoding="utf-8") + PIPE_TABLE, encoding="utf-8")
    result = build_package(package, tmp_path / "ut", formats=("html",))
    page = next(p for p in result.written if p.name == "arsrapport.html")
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    assert _headings(soup, "Kvartalsöversikt") == [
        ("Kvartal", "col", "thead"),
        ("Intäkter, tkr", "col", "thead"),
        ("Kostnader, tkr", "col", "thead"),
    ]
    # every heading cell on the page has a scope (the generated tables set their own)
    assert all(th.get("scope") for th in soup.find_all("th"))


def test_row_head_columns_get_row_scope_and_spans_group_scope():
    ast = markdown_to_ast(PIPE_TABLE)
    table = ast["blocks"][0]["c"]
    table[4][0][1] = 1  # the body's row head columns: the first column heads each row
    head_row = table[3][1][0][1]
    head_row[0][3] = 2  # "Kvartal" spans two columns
    del head_row[1]
    html = ast_to_bytes(ast, "html5", {"wrap_text": "none"}).decode("utf-8")
    assert "scope=" not in html  # pandoc writes none
    soup = BeautifulSoup(scope_header_cells(html), "html.parser")
    assert _headings(soup, "Kvartal") == [
        ("Kvartal", "colgroup", "thead"),
        ("Kostnader, tkr", "col", "thead"),
        ("Q1", "row", "tbody"),
        ("Q2", "row", "tbody"),
    ]


def test_cells_with_a_scope_and_other_markup_are_left_alone():
    html = (
        '<table><thead><tr><th scope="colgroup" colspan="2">A</th></tr></thead>\n'
        "<tbody><tr><th>B</th><td>1 &amp; 2</td></tr></tbody></table>\n<p>th</p>"
    )
    assert scope_header_cells(html) == html.replace("<th>B", '<th scope="row">B')
    assert scope_header_cells("<p>ingen tabell</p>") == "<p>ingen tabell</p>"

"""Column widths of DOCX tables: figures never wrap, text in number columns gets room."""

from __future__ import annotations

from kommunrapport.document.table_model import Cell, Column, RenderTable, Row
from kommunrapport.document.table_widths import CHAR_TWIPS, column_widths

TEXT_WIDTH = 9070  # twips: A4 with 2,5 cm margins


def _table(rows: list[list[str]]) -> RenderTable:
    columns = [Column(numeric=False), Column(numeric=True), Column(numeric=True)]
    header = [Cell("Indikatorer"), Cell("Utfall 2022", "right"), Cell("Utfall 2023", "right")]
    body = [Row([Cell(text), Cell(a, "right"), Cell(b, "right")]) for text, a, b in rows]
    return RenderTable(columns=columns, header_rows=[header], rows=body)


def test_number_columns_fit_their_figures_and_text_gets_the_rest():
    widths = column_widths(
        _table([("Nettokostnad per invånare, kronor", "12\u00a0345", "−1,9")]), TEXT_WIDTH
    )
    assert sum(widths) == TEXT_WIDTH
    assert widths[1] >= 7 * CHAR_TWIPS  # "12 345" and the header's longest word on one line
    assert widths[0] > widths[1] + widths[2]  # the text column takes what is left


def test_text_in_a_number_column_wraps_on_at_most_two_lines():
    plain = column_widths(_table([("Medarbetarengagemang, totalindex", "79", "83")]), TEXT_WIDTH)
    with_text = column_widths(
        _table([("Medarbetarengagemang, totalindex", "79", "Ny mätning hösten 2023")]),
        TEXT_WIDTH,
    )
    half = len("Ny mätning hösten 2023") // 2 + 1
    assert with_text[2] >= half * CHAR_TWIPS > plain[2]
    assert with_text[1] == plain[1]  # the other number column is untouched
    assert sum(with_text) == TEXT_WIDTH


def test_text_columns_keep_their_longest_word_when_space_is_short():
    narrow = 5500  # room for the words, but not for everything on one line
    rows = [
        ("Sjukfrånvarouppföljning", "1,9\u00a0%", "Ny mätning hösten 2023 efter omorganisation")
    ]
    widths = column_widths(_table(rows), narrow)
    assert sum(widths) == narrow
    assert widths[0] >= len("Sjukfrånvarouppföljning") * CHAR_TWIPS

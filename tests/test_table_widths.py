"""Column widths of DOCX tables, measured in the table font: figures and dates never wrap, no
word is broken, text in number columns gets room, tables of one kind get the same widths."""

from __future__ import annotations

from kommunrapport.document.table_model import Cell, Column, RenderTable, Row
from kommunrapport.document.table_widths import (
    CELL_MARGIN_TWIPS,
    TableKinds,
    column_widths,
    measure_columns,
)
from kommunrapport.document.text_metrics import TextMeasure, font_path

TEXT_WIDTH = 9070  # twips: A4 with 2,5 cm margins
FONT = TextMeasure("Arial", 9.5)


def _twips(text: str, bold: bool = False) -> float:
    return FONT.width(text, bold) * 20


def _table(rows: list[tuple[str, str, str]], headings=("Utfall 2022", "Utfall 2023")):
    columns = [Column(numeric=False), Column(numeric=True), Column(numeric=True)]
    header = [Cell("Indikatorer"), *(Cell(h, "right") for h in headings)]
    body = [Row([Cell(text), Cell(a, "right"), Cell(b, "right")]) for text, a, b in rows]
    return RenderTable(columns=columns, header_rows=[header], rows=body)


def test_the_named_font_or_its_metric_twin_is_measured():
    assert "Liberation" in font_path("Arial") or "Arial" in font_path("Arial")
    assert FONT.width("Riskkategori", bold=True) > FONT.width("Riskkategori")
    assert 0 < FONT.width("●") < FONT.width("MM")  # a symbol from a font that has it


def test_number_columns_fit_their_figures_and_text_gets_the_rest():
    table = _table([("Nettokostnad per invånare, kronor", "12\u00a0345", "−1,9")])
    widths = column_widths(table, TEXT_WIDTH, FONT)
    assert sum(widths) == TEXT_WIDTH
    # the widest piece of the column (the header's "Utfall" is bold) plus the cell padding
    need = max(_twips("12\u00a0345"), _twips("Utfall", True), _twips("2022", True))
    assert widths[1] >= need + CELL_MARGIN_TWIPS
    assert widths[0] > widths[1] + widths[2]  # the text column takes what is left


def test_text_in_a_number_column_wraps_on_at_most_two_lines():
    plain = column_widths(_table([("Medarbetarengagemang", "79", "83")]), TEXT_WIDTH, FONT)
    text = "Ny mätning hösten 2023"
    with_text = column_widths(_table([("Medarbetarengagemang", "79", text)]), TEXT_WIDTH, FONT)
    assert with_text[2] >= _twips(text) / 2 + CELL_MARGIN_TWIPS > plain[2]
    assert with_text[1] == plain[1]  # the other number column is untouched
    assert sum(with_text) == TEXT_WIDTH


def test_no_column_is_narrower_than_its_longest_word_or_date():
    narrow = 5500  # room for the words, but not for everything on one line
    rows = [
        ("Sjukfrånvarouppföljning", "2022-02-18", "Ny mätning hösten 2023 efter omorganisation")
    ]
    widths = column_widths(_table(rows), narrow, FONT)
    assert sum(widths) == narrow
    assert widths[0] >= _twips("Sjukfrånvarouppföljning") + CELL_MARGIN_TWIPS
    assert widths[1] >= _twips("2022-02-18") + CELL_MARGIN_TWIPS


def test_weighted_columns_still_hold_their_widest_word():
    table = _table([("Kommunstyrelseförvaltningen", "1", "2")], ("Riskkategori", "Slutdatum"))
    for column in table.columns:
        column.weight = 100 / 3
    table.columns[1].weight = 5  # far too narrow for "Riskkategori" in bold
    widths = column_widths(table, TEXT_WIDTH, FONT)
    assert widths[1] >= _twips("Riskkategori", True) + CELL_MARGIN_TWIPS
    assert sum(widths) == TEXT_WIDTH


def test_tables_of_one_kind_get_the_same_widths():
    short = _table([("IT-risk", "1", "2")])
    long = _table([("Risk för att verksamheten inte hinner anpassas", "10\u00a0000", "2")])
    other = _table([("IT-risk", "1", "2")], ("Budget", "Prognos"))
    kinds = TableKinds([short, long, other], FONT)
    first = column_widths(short, TEXT_WIDTH, FONT, kinds.needs_of(short))
    second = column_widths(long, TEXT_WIDTH, FONT, kinds.needs_of(long))
    assert first == second
    assert column_widths(short, TEXT_WIDTH, FONT) != first  # alone it would be laid out apart
    assert kinds.needs_of(other) == measure_columns(other, FONT)

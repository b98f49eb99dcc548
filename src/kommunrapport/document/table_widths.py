"""Column widths of a table on the page, in twips."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .table_model import RenderTable

CELL_MARGIN_TWIPS = 2 * 85  # left + right cell padding
CHAR_TWIPS = 105  # average width of a 9,5 pt character, for width estimates


def column_widths(table: RenderTable, total: int) -> list[int]:
    """Twips per column, summing to ``total``.

    Columns with an explicit ``weight`` (percent of the width) get it. Number columns get what
    their longest figure and the longest word of their header need, so figures never wrap; a
    number column that also holds text ("Ny mätning hösten 2023") gets room for that text on
    at most two lines when the text columns can spare it. The remaining width goes to text
    columns in proportion to their content.
    """
    count = len(table.columns)
    longest_word = [0] * count
    content = [0] * count
    body_text = [0] * count  # longest body line, for text in number columns
    header_count = len(table.header_rows)
    all_rows = [*table.header_rows, *(r.cells for r in table.rows if r.kind != "comment")]
    for row_index, cells in enumerate(all_rows):
        bold = 1.15 if row_index < header_count else 1.0  # bold letters are wider
        position = 0
        for cell in cells:
            if cell.colspan == 1 and position < count:
                lines = cell.text.split("\n")
                # split at ordinary spaces only: "−1 298 611" (non-breaking spaces) is one word
                words = int(
                    bold * max((len(w) for line in lines for w in line.split(" ")), default=0)
                    + 0.99
                )
                extra = 2 * cell.indent + (2 if cell.symbol else 0)
                longest_word[position] = max(longest_word[position], words + extra)
                longest_line = max((len(line) for line in lines), default=0) + extra
                content[position] = max(content[position], longest_line)
                if row_index >= header_count:
                    body_text[position] = max(body_text[position], longest_line)
            position += cell.colspan
    fixed: dict[int, float] = {}
    for index, column in enumerate(table.columns):
        if column.weight is not None:
            fixed[index] = total * column.weight / 100
        elif column.numeric:
            fixed[index] = (max(longest_word[index], 3) + 1) * CHAR_TWIPS + CELL_MARGIN_TWIPS
    flexible = [i for i in range(count) if i not in fixed]
    preferred = {i: min(max(content[i], 4), 60) * CHAR_TWIPS + CELL_MARGIN_TWIPS for i in flexible}
    minimum = {i: (longest_word[i] + 1) * CHAR_TWIPS + CELL_MARGIN_TWIPS for i in flexible}
    _widen_number_columns_with_text(table, fixed, body_text, total, preferred, minimum)
    remaining = total - sum(fixed.values())
    if flexible and remaining >= sum(minimum.values()):
        share = sum(preferred.values())
        widths = {i: preferred[i] * remaining / share for i in flexible}
        if any(widths[i] < minimum[i] for i in flexible):  # keep every word on one line
            spare = remaining - sum(minimum.values())
            extra = sum(preferred[i] - minimum[i] for i in flexible) or 1
            widths = {i: minimum[i] + spare * (preferred[i] - minimum[i]) / extra for i in flexible}
        fixed.update(widths)
    else:  # too narrow: everything shrinks in proportion
        fixed.update({i: minimum.get(i, CHAR_TWIPS * 4) for i in flexible})
        scale = total / sum(fixed.values())
        fixed = {i: w * scale for i, w in fixed.items()}
    result = [int(fixed[i]) for i in range(count)]
    result[0] += total - sum(result)
    return result


def _widen_number_columns_with_text(
    table: RenderTable,
    fixed: dict[int, float],
    body_text: list[int],
    total: int,
    preferred: dict[int, int],
    minimum: dict[int, int],
) -> None:
    """Give number columns holding text room for it on two lines, from the text columns' spare
    width: first what they do not need for their preferred width, at most half of the rest."""
    wants: dict[int, float] = {}
    for index, column in enumerate(table.columns):
        if column.numeric and column.weight is None and index in fixed:
            two_lines = (body_text[index] + 1) // 2 + 2
            want = two_lines * CHAR_TWIPS + CELL_MARGIN_TWIPS
            if want > fixed[index]:
                wants[index] = want - fixed[index]
    if not wants:
        return
    remaining = total - sum(fixed.values())
    spare = remaining - sum(minimum.values())
    if spare <= 0:
        return
    unused = remaining - sum(preferred.values())
    grant = min(sum(wants.values()), max(unused, spare / 2))
    for index, extra in wants.items():
        fixed[index] += grant * extra / sum(wants.values())

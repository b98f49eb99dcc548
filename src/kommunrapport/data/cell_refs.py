"""Excel cell references: column letters and range corners, the way openpyxl reads them.

Every located message names a cell ("D7"), and a build reads range corners ("A1:F20") on each
run. openpyxl has these helpers, but importing any part of it loads the whole library (0.1 s of
CPU); a build whose workbooks come from the cache (:mod:`book_snapshot`) never needs it. The
rules are openpyxl's (``openpyxl.utils.cell``): tests/test_cell_refs.py compares the two.
"""

from __future__ import annotations

import re
from functools import cache

MAX_COLUMN = 18278  # "ZZZ"
_RANGE = re.compile(
    r"^[$]?(?P<min_col>[A-Za-z]{1,3})?[$]?(?P<min_row>\d+)?"
    r"(?P<sep>:[$]?(?P<max_col>[A-Za-z]{1,3})?[$]?(?P<max_row>\d+)?)?$"
)


@cache
def column_letter(index: int) -> str:
    """1 → "A", 27 → "AA"."""
    if not 1 <= index <= MAX_COLUMN:
        raise ValueError(f"Invalid column index {index}")
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def column_index(letters: str) -> int:
    """ "A" → 1, "aa" → 27."""
    problem = f"'{letters}' is not a valid column name. Column names are from A to ZZZ"
    index = 0
    for letter in letters.upper():
        if not "A" <= letter <= "Z" or len(letters) > 3:
            raise ValueError(problem)
        index = index * 26 + ord(letter) - ord("A") + 1
    if not 0 < index <= MAX_COLUMN:
        raise ValueError(problem)
    return index


def range_bounds(reference: str) -> tuple[int | None, int | None, int | None, int | None]:
    """(min_col, min_row, max_col, max_row) of ``A1:F20``, ``A1``, ``A:F`` (rows None) or
    ``1:20`` (columns None); ValueError for anything else."""
    match = _RANGE.match(reference)
    problem = f"{reference} is not a valid coordinate or range"
    if not match:
        raise ValueError(problem)
    min_col, min_row, sep, max_col, max_row = match.group(
        "min_col", "min_row", "sep", "max_col", "max_row"
    )
    if sep:
        cols, rows = (min_col, max_col), (min_row, max_row)
        if not (all(cols + rows) or (all(cols) and not any(rows)) or (all(rows) and not any(cols))):
            raise ValueError(problem)
    first_col = column_index(min_col) if min_col is not None else None
    first_row = int(min_row) if min_row is not None else None
    last_col = column_index(max_col) if max_col is not None else first_col
    last_row = int(max_row) if max_row is not None else first_row
    return first_col, first_row, last_col, last_row

"""``summera_lika:`` in a view: its total must equal a row (or the sum of rows) of another view,
column by column; a difference becomes a warning with the cell."""

from __future__ import annotations

from collections.abc import Callable

from ..errors import Findings, KommunrapportError, Location
from ..text.amounts import Amount, convert
from ..text.swedish_format import NumberStyle, format_number
from .table_data import TableData
from .view_model import ViewData


def check_equal_totals(
    views: dict[str, ViewData],
    location_of: Callable[[str], Location],
    findings: Findings,
    render: Callable[[str, Location], str],
    style: NumberStyle,
) -> None:
    """``summera_lika: [andra_tabellen.Rad, tabell.Rad1 + Rad2]``: this table's total must
    equal that row, or the sum of those rows, column by column. One figure printed in two
    tables must print the same; a sum of rows may differ by what rounding explains."""
    for name, view in views.items():
        location = location_of(name)
        for reference in view.spec.equal_totals:
            other_name, _, rows_text = reference.partition(".")
            other = views.get(other_name.strip())
            if other is None:
                raise KommunrapportError(
                    f"summera_lika pekar på tabellen {other_name!r} som inte finns",
                    location,
                    f"Kända tabeller: {', '.join(sorted(views))}.",
                )
            other_data = TableData(other)
            theirs = (
                [other_data[key.strip()] for key in rows_text.split("+")]
                if rows_text
                else [other_data.total]
            )
            mine = TableData(view).total
            label = " + ".join(row.text for row in theirs)
            for column in view.columns:
                if column.format != "tal":
                    continue
                try:
                    a = mine[column.attribute]
                    parts = [row[column.attribute] for row in theirs]
                except KommunrapportError:
                    continue
                if not isinstance(a, Amount) or not all(isinstance(p, Amount) for p in parts):
                    continue
                total = sum(p.value for p in parts)
                if not _agree(a, parts, total, column.decimals, view, column.unit):
                    findings.warn(
                        "summor-olika",
                        f"{render(column.title, location)}: {name} {mine.text} är "
                        f"{format_number(a.value, column.decimals, style=style)} men "
                        f"{other_name} {label} är "
                        f"{format_number(total, column.decimals, style=style)}",
                        a.origin or location,
                        "Summorna ska vara lika: det är samma belopp, och rapporten ska visa det "
                        "likadant i båda tabellerna. Kontrollera raderna i båda bladen.",
                    )


def _agree(
    mine: Amount,
    parts: list[Amount],
    total: float,
    decimals: int,
    view: ViewData,
    unit: str | None,
) -> bool:
    if view.spec.tolerance is not None:  # tolerans: in the view, in the sheet's unit
        tolerance = convert(view.spec.tolerance, view.spec.source_unit or view.spec.unit, unit)
        return abs(mine.value - total) <= tolerance + 1e-9
    if len(parts) == 1:  # the same figure in two tables: printed alike, or it is two values
        return format_number(mine.value, decimals) == format_number(total, decimals)
    spreads = [mine.spread, *(p.spread for p in parts)]
    if any(s is None for s in spreads):
        return abs(mine.value - total) <= 10.0**-decimals + 1e-9
    return abs(mine.value - total) < sum(s for s in spreads if s is not None) + 1e-9

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
    equal that row, or the sum of those rows, column by column (within the tolerance)."""
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
                tolerance = 10.0**-column.decimals
                if view.spec.tolerance is not None:
                    tolerance = convert(
                        view.spec.tolerance,
                        view.spec.source_unit or view.spec.unit,
                        column.unit,
                    )
                if abs(a.value - total) > tolerance + 1e-9:
                    findings.warn(
                        "summor-olika",
                        f"{render(column.title, location)}: {name} {mine.text} är "
                        f"{format_number(a.value, column.decimals, style=style)} men "
                        f"{other_name} {label} är "
                        f"{format_number(total, column.decimals, style=style)}",
                        a.origin or location,
                        "Summorna ska vara lika: kontrollera raderna i båda bladen.",
                    )

"""A chart from a table view (``diagram.yaml``): categories and series read from the view's
figures, titles rendered with the document's context."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..data.table_data import TableData
from ..data.table_spec import ChartSpec
from ..data.view_model import ViewData
from ..document.charts import ChartBlock, ChartData, chart_cache_dir
from ..errors import KommunrapportError, Location
from ..text.amounts import Missing
from ..text.swedish_format import NumberStyle
from ..text.templating import render_string


def chart_block(
    name: str,
    spec: ChartSpec,
    location: Location,
    views: Mapping[str, ViewData],
    env: ImmutableSandboxedEnvironment,
    context: Mapping[str, Any],
    media_dir: Path,
    style: NumberStyle,
) -> ChartBlock:
    """The chart ``name`` declared by ``spec`` (at ``location``), drawn from its view."""
    if spec.table not in views:
        raise KommunrapportError(
            f"diagrammet bygger på tabellen {spec.table!r} som inte finns",
            location,
            f"Kända tabeller: {', '.join(sorted(views))}.",
        )
    view = views[spec.table]
    table = TableData(view)

    def text(value: str) -> str:
        return render_string(env, value, context, location)

    value_rows = [r for r in view.rows if r.row.kind not in ("rubrik", "kommentar")]
    if spec.series_in == "kolumner":
        rows = (
            [table[str(k)] for k in spec.categories]
            if spec.categories
            else [table[r.row.key] for r in value_rows if r.row.kind not in ("summa", "varav")]
        )
        columns = [str(s) for s in spec.series]
        series = [(_column_title(view, c, text), [_number(r[c]) for r in rows]) for c in columns]
        categories = [r.text for r in rows]
        first = rows[0]._column(columns[0]) if rows else view.columns[0]
    else:
        keys = (
            [str(c) for c in spec.categories]
            if spec.categories
            else [c.attribute for c in view.columns]
        )
        rows = [table[str(k)] for k in spec.series]
        categories = [_column_title(view, k, text) for k in keys]
        series = [(r.text, [_number(r[k]) for k in keys]) for r in rows]
        first = rows[0]._column(keys[0]) if rows else view.columns[0]
    percent = first.format == "procent"
    data = ChartData(
        categories,
        series,
        None if percent else first.unit,
        percent,
        first.decimals if not percent else max(first.decimals - 1, 0),
    )
    return ChartBlock(
        spec.kind,
        data,
        text(spec.caption),
        text(spec.alt),
        spec.anchor or f"fig-{name.replace('_', '-')}",
        spec.size,
        media_dir,
        style,
        y_label=text(spec.y_label) if spec.y_label else None,
        source=text(spec.source) if spec.source else None,
        location=location,
        cache_dir=chart_cache_dir(),
    )


def _number(value: Any) -> float | None:
    """A chart point; an empty cell is a gap in the chart, not an error."""
    if value is None or isinstance(value, (str, Missing)):
        return None

    return float(value)


def _column_title(view: ViewData, key: str, text: Callable[[str], str]) -> str:
    for column in view.columns:
        if key in (column.attribute, column.key):
            return text(column.title)
    return key

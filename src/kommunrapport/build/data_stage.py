"""The data stage of a build: workbooks → computed table views → template names and blocks.

All views of the package (``tabeller.yaml`` and ``tabeller:`` in report.yaml) are computed once
per build, so their checks run even for tables no section prints. Each view becomes a template
name (``{{ drift_namnd.total.avvikelse | mnkr }}``), and ``tabell("drift_namnd")`` places it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..data.ledger import read_ledger
from ..data.status_scales import Scale
from ..data.table_data import TableData
from ..data.table_spec import ChartSpec, TableSpec
from ..data.view_calculator import LedgerCalculator
from ..data.view_model import ViewData
from ..data.workbook import WorkbookReader, is_number
from ..document.charts import ChartBlock, ChartData, chart_cache_dir
from ..document.table_model import RenderTable
from ..document.table_view import render_view
from ..errors import Findings, KommunrapportError, Location
from ..project.config import validate_model
from ..project.labels import Labels
from ..project.package import Package
from ..project.yaml_lines import LinedYaml, load_yaml_file
from ..text.amounts import CURRENCY_FACTORS, Amount, Missing, convert
from ..text.swedish_format import NumberStyle, format_number
from ..text.templating import render_string

TABLES_FILE = "tabeller.yaml"
CHARTS_FILE = "diagram.yaml"


@dataclass
class SpecSource:
    """Where a spec was declared: for error messages with file, line and field."""

    raw: LinedYaml
    display: str
    prefix: tuple[str, ...]

    def location(self, name: str) -> Location:
        path = (*self.prefix, name)
        return Location(self.display, line=self.raw.line_of(path), field=".".join(path))


def _load_specs(
    package: Package, file_name: str, config_key: str, model: type[Any]
) -> tuple[dict[str, Any], dict[str, SpecSource]]:
    specs: dict[str, Any] = {}
    sources: dict[str, SpecSource] = {}
    inline = getattr(package.config, {"tabeller": "tables", "diagram": "charts"}[config_key])
    if inline:
        source = SpecSource(package.config_source, package.config_display, (config_key,))
        for name, value in inline.items():
            specs[name] = validate_model(
                model, value, source.raw, source.display, (config_key, name)
            )
            sources[name] = source
    path = package.dir / file_name
    if path.is_file():
        raw = load_yaml_file(path, package.display(path))
        if raw.data and not isinstance(raw.data, dict):
            raise KommunrapportError(
                f"{file_name} ska vara en samling namn: beskrivning",
                Location(package.display(path), line=1),
            )
        source = SpecSource(raw, package.display(path), ())
        for name, value in (raw.data or {}).items():
            if name in specs:
                raise KommunrapportError(
                    f"{name!r} beskrivs både i report.yaml och i {file_name}",
                    source.location(name),
                    "Behåll en av beskrivningarna.",
                )
            specs[str(name)] = validate_model(model, value, raw, source.display, (str(name),))
            sources[str(name)] = source
    return specs, sources


class DataContext:
    """Loads and computes every table view of a package."""

    def __init__(
        self,
        package: Package,
        findings: Findings,
        style: NumberStyle,
        render: Callable[[str, Location], str],
        scales: Mapping[str, Scale] | None = None,
    ):
        self.render = render  # renders '{{ år }}' in column names with the package metadata
        self.scales = scales or {}  # for status columns (skala: in a view's column)
        self.package = package
        self.findings = findings
        self.style = style
        self.reader = WorkbookReader(package.dir / "data", package.display)
        self.table_specs, self.table_sources = _load_specs(
            package, TABLES_FILE, "tabeller", TableSpec
        )
        self.chart_specs, self.chart_sources = _load_specs(
            package, CHARTS_FILE, "diagram", ChartSpec
        )
        self.views: dict[str, ViewData] = {}
        for name, spec in self.table_specs.items():
            self.views[name] = self._compute(name, spec)
        self._check_equal_totals()

    def _compute(self, name: str, spec: TableSpec) -> ViewData:
        location = self.table_sources[name].location(name)
        sheet = self.reader.sheet(
            spec.sheet, Location(location.file, location.line, f"{location.field}.blad")
        )
        ledger = read_ledger(sheet, spec.label_column, spec.parent_column)
        return LedgerCalculator(
            name,
            spec,
            ledger,
            self.findings,
            location,
            self.render,
            self.package.config.formulas,
            self.scales,
        ).compute()

    def view_scales(self, name: str) -> list[Scale]:
        """The scales of a view's status columns: printing the view uses them (legend)."""
        view = self.views.get(name)
        return [c.scale for c in view.columns if c.scale is not None] if view else []

    # -- checks -----------------------------------------------------------------------------
    def _check_equal_totals(self) -> None:
        """``summera_lika: [andra_tabellen.Rad, tabell.Rad1 + Rad2]``: this table's total must
        equal that row, or the sum of those rows, column by column (within the tolerance)."""
        for name, view in self.views.items():
            location = self.table_sources[name].location(name)
            for reference in view.spec.equal_totals:
                other_name, _, rows_text = reference.partition(".")
                other = self.views.get(other_name.strip())
                if other is None:
                    raise KommunrapportError(
                        f"summera_lika pekar på tabellen {other_name!r} som inte finns",
                        location,
                        f"Kända tabeller: {', '.join(sorted(self.views))}.",
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
                        self.findings.warn(
                            "summor-olika",
                            f"{self.render(column.title, location)}: {name} {mine.text} är "
                            f"{format_number(a.value, column.decimals, style=self.style)} men "
                            f"{other_name} {label} är "
                            f"{format_number(total, column.decimals, style=self.style)}",
                            a.origin or location,
                            "Summorna ska vara lika: kontrollera raderna i båda bladen.",
                        )

    # -- template side ----------------------------------------------------------------------
    def template_names(self) -> dict[str, Any]:
        return {name: TableData(view) for name, view in self.views.items()}

    def table_block(
        self,
        name: str,
        env: ImmutableSandboxedEnvironment,
        context: Mapping[str, Any],
        labels: Labels,
        overrides: Mapping[str, Any],
    ) -> RenderTable:
        if name not in self.views:
            known = ", ".join(sorted(self.views)) or "inga (skapa tabeller.yaml)"
            raise KommunrapportError(
                f"tabellen {name!r} finns inte", hint=f"Kända tabeller: {known}."
            )
        view = self.views[name]
        spec = view.spec
        location = self.table_sources[name].location(name)

        def text(value: str) -> str:
            return render_string(env, value, context, location)

        caption = overrides.get("rubrik", spec.caption)
        caption = text(caption) if caption else None
        titles = [text(c.title) for c in view.columns]
        groups = [(text(g.text), g.columns) for g in spec.header_groups]
        unit_caption = None
        if spec.unit and spec.unit_in == "bildtext":
            unit_caption = labels["belopp_i"].format(enhet=spec.unit)
        elif spec.unit and spec.unit_in == "rubrik":
            titles = [
                f"{t} ({spec.unit})" if c.format == "tal" else t
                for t, c in zip(titles, view.columns, strict=True)
            ]
        anchor = overrides.get("id", spec.anchor or f"tbl-{name.replace('_', '-')}")
        notes = [text(note) for note in spec.notes]
        source = text(spec.source) if spec.source else None
        table = render_view(
            view, self.style, caption, titles, groups, unit_caption, anchor, location, notes
        )
        table.source = source
        if spec.caption_hidden:
            table.caption_hidden = True
            table.caption_kind = None
        return table

    def chart_block(
        self,
        name: str,
        env: ImmutableSandboxedEnvironment,
        context: Mapping[str, Any],
        media_dir: Path,
    ) -> ChartBlock:
        if name not in self.chart_specs:
            known = ", ".join(sorted(self.chart_specs)) or "inga (skapa diagram.yaml)"
            raise KommunrapportError(
                f"diagrammet {name!r} finns inte", hint=f"Kända diagram: {known}."
            )
        spec: ChartSpec = self.chart_specs[name]
        location = self.chart_sources[name].location(name)
        if spec.table not in self.views:
            raise KommunrapportError(
                f"diagrammet bygger på tabellen {spec.table!r} som inte finns",
                location,
                f"Kända tabeller: {', '.join(sorted(self.views))}.",
            )
        view = self.views[spec.table]
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
            series = [
                (self._column_title(view, c, text), [self._number(r[c]) for r in rows])
                for c in columns
            ]
            categories = [r.text for r in rows]
            first = rows[0]._column(columns[0]) if rows else view.columns[0]
        else:
            keys = (
                [str(c) for c in spec.categories]
                if spec.categories
                else [c.attribute for c in view.columns]
            )
            rows = [table[str(k)] for k in spec.series]
            categories = [self._column_title(view, k, text) for k in keys]
            series = [(r.text, [self._number(r[k]) for k in keys]) for r in rows]
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
            self.style,
            y_label=text(spec.y_label) if spec.y_label else None,
            source=text(spec.source) if spec.source else None,
            location=location,
            cache_dir=chart_cache_dir(),
        )

    @staticmethod
    def _number(value: Any) -> float | None:
        """A chart point; an empty cell is a gap in the chart, not an error."""
        if value is None or isinstance(value, (str, Missing)):
            return None

        return float(value)

    @staticmethod
    def _column_title(view: ViewData, key: str, text: Callable[[str], str]) -> str:
        for column in view.columns:
            if key in (column.attribute, column.key):
                return text(column.title)
        return key

    # -- literal amounts --------------------------------------------------------------------
    @cached_property
    def known_amounts_kr(self) -> list[float]:
        """Every figure in the data, in kronor where the unit is known (for the text check)."""
        values: list[float] = []
        for view in self.views.values():
            unit_factor = CURRENCY_FACTORS.get(view.spec.unit or "", None)
            for row in view.rows:
                for column in view.columns:
                    value = row.values.get(column.key)
                    if isinstance(value, (int, float)) and column.format == "tal":
                        factor = CURRENCY_FACTORS.get(column.unit or "", unit_factor)
                        if factor:
                            values.append(abs(value) * factor)
        return values

    @cached_property
    def known_numbers(self) -> list[float]:
        """Every plain number in every workbook (cells of all sheets), for percent literals."""
        numbers: list[float] = []
        data_dir = self.package.dir / "data"
        if not data_dir.is_dir():
            return numbers
        for path in sorted(data_dir.glob("*.xlsx")):
            for name in self.reader.sheets_of(path.name):
                try:
                    sheet = self.reader.sheet(f"{path.name}/{name}")
                except KommunrapportError:
                    continue
                for row in sheet.rows:
                    for cell in row.cells.values():
                        if is_number(cell.value):
                            numbers.append(abs(float(cell.value)))
        return numbers

"""The data stage of a build: workbooks → computed table views → template names and blocks.

All views of the package (``tabeller.yaml`` and ``tabeller:`` in report.yaml) are computed once
per build, so their checks run even for tables no section prints. Each view becomes a template
name (``{{ drift_namnd.total.avvikelse | mnkr }}``), and ``tabell("drift_namnd")`` places it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..data.equal_totals import check_equal_totals
from ..data.known_figures import known_amounts_kr, known_numbers
from ..data.ledger import read_ledger
from ..data.status_scales import Scale
from ..data.table_data import TableData
from ..data.table_spec import ChartSpec, TableSpec
from ..data.view_calculator import LedgerCalculator
from ..data.view_model import ViewData
from ..data.workbook import WorkbookReader
from ..document.charts import ChartBlock
from ..document.table_model import RenderTable
from ..document.table_view import render_view
from ..errors import Findings, KommunrapportError, Location
from ..project.labels import Labels
from ..project.package import Package
from ..text.swedish_format import NumberStyle
from ..text.templating import render_string
from .chart_stage import chart_block
from .view_specs import CHARTS_FILE, TABLES_FILE, load_specs


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
        self.reader = WorkbookReader(package.dir / "data", package.display, package.files, findings)
        self.table_specs, self.table_sources = load_specs(
            package, TABLES_FILE, "tabeller", TableSpec
        )
        self.chart_specs, self.chart_sources = load_specs(
            package, CHARTS_FILE, "diagram", ChartSpec
        )
        self.views: dict[str, ViewData] = {}
        for name, spec in self.table_specs.items():
            self.views[name] = self._compute(name, spec)
        check_equal_totals(
            self.views,
            lambda name: self.table_sources[name].location(name),
            self.findings,
            self.render,
            self.style,
        )

    def _compute(self, name: str, spec: TableSpec) -> ViewData:
        location = self.table_sources[name].location(name)
        sheet = self.reader.sheet(
            spec.sheet, Location(location.file, location.line, f"{location.field}.blad")
        )
        ledger = read_ledger(sheet, spec.label_column, spec.parent_column, view=str(location))
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
        if not caption:  # accessibility: every table on the web page needs a <caption>
            self.findings.warn(
                "tabell-utan-rubrik",
                f"tabellen {name!r} har ingen rubrik, så tabellen på webbsidan får ingen "
                "bildtext (<caption>) som skärmläsare läser upp",
                location,
                'Skriv rubrik: i tabellvyn, eller tabell("namn", rubrik="…") i texten. '
                "Med dold_rubrik: true visas rubriken bara för skärmläsare.",
            )
        titles = [text(c.title) for c in view.columns]
        groups = [(text(g.text), g.columns) for g in spec.header_groups]
        unit_caption = None
        if spec.unit and spec.unit_in == "bildtext":
            unit_caption = labels.fill("belopp_i", enhet=spec.unit)
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
        return chart_block(name, spec, location, self.views, env, context, media_dir, self.style)

    # -- literal amounts --------------------------------------------------------------------
    @cached_property
    def known_amounts_kr(self) -> list[float]:
        """Every figure in the data, in kronor where the unit is known (for the text check)."""
        return known_amounts_kr(self.views.values())

    @cached_property
    def known_numbers(self) -> list[float]:
        """Every plain number in every workbook (cells of all sheets), for percent literals."""
        return known_numbers(self.reader, self.package.dir / "data")

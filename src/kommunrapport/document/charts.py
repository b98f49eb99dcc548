"""Charts from table views or sheets, drawn with matplotlib.

SVG (vector, in the HTML page) and a 200 dpi PNG (in the DOCX), both deterministic. Axes use
Swedish number format; every chart has a required alt text and a numbered caption ("Figur 2"),
and in HTML its data is also available as a table under the chart.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import KommunrapportError, Location
from ..project.tool_versions import installed_version
from ..project.user_cache import cache_dir, read_verified, write_verified
from ..text.swedish_format import NumberStyle, format_number, format_percent
from ..text.typography import typeset
from .blocks import MEDIA_FOLDER, RenderContext
from .ooxml import paragraph, text_run
from .pandoc_ast import Node, attr, para, raw_block, text_inlines
from .table_docx import caption_docx
from .table_html import html_table
from .table_model import Cell, Column, RenderTable, Row
from .typst_code import call

_SOURCE_HASH = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def chart_cache_dir() -> Path | None:
    """Where drawn charts are kept between builds (see :mod:`user_cache`)."""
    return cache_dir("diagram")


@cache
def pyplot() -> Any:
    """matplotlib's pyplot, set up on first use (importing matplotlib costs ~0,5 s, so a
    build without charts never pays for it)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    matplotlib.rcParams.update(
        {
            # DejaVu Sans ships with matplotlib: same glyphs, so same bytes, on every machine
            "font.family": ["DejaVu Sans"],
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.edgecolor": "#444444",
            "axes.titlesize": 10,
            "svg.hashsalt": "kommunrapport",
            "svg.fonttype": "none",  # text stays text: smaller, faster, selectable
            "path.simplify": False,
        }
    )
    return plt


def matplotlib_version() -> str:
    """For the chart cache key: read without importing matplotlib (a warm build draws no
    chart and need not load it at all)."""
    return installed_version("matplotlib")


MAX_CATEGORIES = 200
MAX_SERIES = 20
PALETTE = ["#1f3a5f", "#c75b12", "#2e7d5b", "#7a4e9c", "#8a6d00", "#b0283f"]
MARKERS = ["o", "s", "^", "D", "v", "P"]
HATCHES = ["", "//", "..", "xx", "\\\\", "--"]
CM = 1 / 2.54


@dataclass
class ChartData:
    """What to draw: category labels along the axis and one value list per series."""

    categories: list[str]
    series: list[tuple[str, list[float | None]]]
    unit: str | None
    percent: bool
    decimals: int


def check_chart_size(data: ChartData, location: Location) -> None:
    """Nothing to draw, or more than a chart can show, is an error (not a traceback or a
    minute of drawing)."""
    categories, series = data.categories, data.series
    if not categories or not series:
        raise KommunrapportError(
            "diagrammet har inga värden att visa",
            location,
            "Kontrollera tabellen diagrammet ritas från och dess kategorier och serier.",
        )
    if len(categories) > MAX_CATEGORIES or len(series) > MAX_SERIES:
        raise KommunrapportError(
            f"diagrammet har {len(categories)} kategorier och {len(series)} serier; högst "
            f"{MAX_CATEGORIES} och {MAX_SERIES} går att läsa i ett diagram",
            location,
            "Välj färre kategorier med kategorier: eller dela upp diagrammet.",
        )


@dataclass
class ChartBlock:
    """A chart placed in a document; renders to a figure in DOCX and HTML."""

    kind: str
    data: ChartData
    caption: str
    alt: str
    anchor: str | None
    size_cm: tuple[float, float]
    media_dir: Path
    style: NumberStyle
    y_label: str | None = None
    source: str | None = None
    location: Location = field(default_factory=Location)
    caption_kind: str | None = "figur"
    cache_dir: Path | None = None  # drawn charts are kept here between builds
    _images: tuple[bytes, bytes] | None = field(default=None, repr=False)

    # -- drawing ----------------------------------------------------------------------------
    def _tick(self, value: float, _pos: Any = None) -> str:
        if self.data.percent:
            return format_percent(value, self.data.decimals, style=self.style)
        return format_number(value, self.data.decimals, style=self.style)

    def figure(self) -> Any:
        check_chart_size(self.data, self.location)
        width, height = self.size_cm
        plt = pyplot()
        fig, ax = plt.subplots(figsize=(width * CM, height * CM), dpi=100)
        categories = self.data.categories
        series = self.data.series
        positions: list[float] = list(range(len(categories)))
        if self.kind == "linje":
            for index, (name, values) in enumerate(series):
                xs = [p for p, v in zip(positions, values, strict=True) if v is not None]
                ys = [v for v in values if v is not None]
                ax.plot(
                    xs,
                    ys,
                    label=name,
                    color=PALETTE[index % len(PALETTE)],
                    marker=MARKERS[index % len(MARKERS)],
                    linewidth=2,
                )
            ax.set_xticks(positions, categories)
        elif self.kind in ("stapel", "staplad", "liggande_stapel"):
            horizontal = self.kind == "liggande_stapel"
            count = len(series)
            width_each = 0.8 / (1 if self.kind == "staplad" else max(count, 1))
            bottoms: list[float] = [0.0] * len(categories)
            for index, (name, values) in enumerate(series):
                clean = [v or 0.0 for v in values]
                if self.kind == "staplad":
                    offsets = positions
                else:
                    offsets = [p - 0.4 + width_each * (index + 0.5) for p in positions]
                options = {
                    "label": name,
                    "color": PALETTE[index % len(PALETTE)],
                    "hatch": HATCHES[index % len(HATCHES)],
                    "edgecolor": "white",
                }
                if horizontal:
                    ax.barh(offsets, clean, height=width_each, **options)
                else:
                    ax.bar(
                        offsets,
                        clean,
                        width=width_each,
                        bottom=bottoms if self.kind == "staplad" else None,
                        **options,
                    )
                if self.kind == "staplad":
                    bottoms = [b + v for b, v in zip(bottoms, clean, strict=True)]
            if horizontal:
                ax.set_yticks(positions, categories)
                ax.invert_yaxis()
                ax.axvline(0, color="#444444", linewidth=0.8)
            else:
                ax.set_xticks(positions, categories)
                ax.axhline(0, color="#444444", linewidth=0.8)
        value_axis = ax.xaxis if self.kind == "liggande_stapel" else ax.yaxis
        from matplotlib.ticker import FuncFormatter, MaxNLocator

        value_axis.set_major_formatter(FuncFormatter(self._tick))
        value_axis.set_major_locator(MaxNLocator(nbins=5 if self.kind == "liggande_stapel" else 6))
        (ax.xaxis if self.kind != "liggande_stapel" else ax.yaxis).set_tick_params(length=0)
        ax.grid(axis="x" if self.kind == "liggande_stapel" else "y", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        label = self.y_label or self.data.unit
        if label:
            (ax.set_xlabel if self.kind == "liggande_stapel" else ax.set_ylabel)(label)
        if len(series) > 1:
            ax.legend(frameon=False, loc="best")
        if self.kind != "liggande_stapel" and max(len(c) for c in categories) > 10:
            plt.setp(ax.get_xticklabels(), rotation=30, ha="right")
        fig.tight_layout()
        return fig

    def _cache_key(self) -> str:
        """Everything the drawing depends on, so a cached image is only reused when it would
        come out byte for byte the same."""
        facts = json.dumps(
            [
                type(self).__name__,
                *self._drawing_facts(),
                self.kind,
                self.data.categories,
                self.data.series,
                self.data.unit,
                self.data.percent,
                self.data.decimals,
                list(self.size_cm),
                self.y_label,
                self.style.minus,
                self.style.group,
                matplotlib_version(),
                _SOURCE_HASH,
            ],
            ensure_ascii=False,
            sort_keys=True,
        )
        return hashlib.sha256(facts.encode("utf-8")).hexdigest()[:32]

    def _drawing_facts(self) -> list[Any]:
        """Extra facts a subclass's figure depends on (its own data), for the cache key."""
        return []

    def drawn(self) -> bool:
        """Whether the images are at hand (drawn, or in the cache) without drawing them."""
        if self._images is not None:
            return True
        return self.cache_dir is not None and (self._cache_entry()).is_file()

    def _cache_entry(self) -> Path:
        assert self.cache_dir is not None
        return self.cache_dir / f"{self._cache_key()}.diagram"

    def images(self) -> tuple[bytes, bytes]:
        """(SVG, PNG), drawn once from one figure; reused from ``cache_dir`` if the entry is
        whole (its SHA-256 matches)."""
        if self._images is not None:
            return self._images
        entry = self._cache_entry() if self.cache_dir else None
        stored = read_verified(entry) if entry else None
        if stored is not None and len(stored) > 8:
            length = int.from_bytes(stored[:8], "big")
            self._images = (stored[8 : 8 + length], stored[8 + length :])
            return self._images
        fig = self.figure()
        plt = pyplot()
        svg, png = io.BytesIO(), io.BytesIO()
        fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
        fig.savefig(png, format="png", dpi=200, metadata={"Software": None})
        plt.close(fig)
        self._images = (svg.getvalue(), png.getvalue())
        if entry is not None:
            svg_bytes = self._images[0]
            write_verified(entry, len(svg_bytes).to_bytes(8, "big") + svg_bytes + self._images[1])
        return self._images

    def svg(self) -> bytes:
        return self.images()[0]

    def png(self) -> bytes:
        return self.images()[1]

    # -- output -----------------------------------------------------------------------------
    def data_table(self) -> RenderTable:
        header = [Cell("")] + [Cell(name, align="right") for name, _ in self.data.series]
        rows = []
        for index, category in enumerate(self.data.categories):
            cells = [Cell(category)]
            for _name, values in self.data.series:
                value = values[index]
                cells.append(Cell("" if value is None else self._tick(value), align="right"))
            rows.append(Row(cells))
        columns = [Column(False)] + [Column(True) for _ in self.data.series]
        return RenderTable(columns, [header], rows, caption=self.caption, caption_kind=None)

    def _file_name(self, ctx: RenderContext, suffix: str) -> str:
        key = (self.anchor or ctx.extra.get("placeholder", "diagram")).replace("/", "-")
        return f"{key}.{suffix}"

    def render(self, ctx: RenderContext) -> list[Node]:
        number = ctx.numbers.get(ctx.extra.get("placeholder", ""), (None, None))[1]
        label = ctx.labels["figur"]
        separator = ctx.labels.get("bildtext_skiljetecken", ". ")
        if ctx.target == "docx":
            name = f"{MEDIA_FOLDER}/{self._file_name(ctx, 'png')}"
            (self.media_dir / MEDIA_FOLDER).mkdir(exist_ok=True)
            (self.media_dir / name).write_bytes(self.png())
            # a path relative to the build's media folder: pandoc finds it via
            # --resource-path, and no temporary path ends up in the document
            image = {
                "t": "Image",
                "c": [
                    attr(**{"width": f"{self.size_cm[0]:.1f}cm"}),
                    text_inlines(self.alt),
                    [name, ""],
                ],
            }
            caption = caption_docx(
                label, number, self.caption, self.anchor, separator, style="ImageCaption"
            )
            nodes = [para([image]), raw_block("openxml", caption)]
            if self.source:
                nodes.append(
                    raw_block(
                        "openxml",
                        paragraph(
                            text_run(f"{ctx.labels['kalla']}: {self.source}"), style="Tabellkalla"
                        ),
                    )
                )
            return nodes
        media = ctx.extra.setdefault("media", {})
        name = f"{MEDIA_FOLDER}/{self._file_name(ctx, 'svg')}"
        media[name] = self.svg()
        if ctx.target == "typst":
            return [raw_block("typst", chart_typst(self, ctx, name, number))]
        prefix = (
            f'<span class="caption-label">{html.escape(label)}\u00a0{number}'
            f"{html.escape(separator.rstrip())}</span> "
            if number
            else ""
        )
        anchor = f' id="{html.escape(self.anchor)}"' if self.anchor else ""
        caption = html.escape(typeset(self.caption))
        source = (
            f'<p class="table-source">{html.escape(ctx.labels["kalla"])}: '
            f"{html.escape(self.source)}</p>"
            if self.source
            else ""
        )
        details = (
            f"<details><summary>{html.escape(ctx.labels['data_for_diagram'])}</summary>"
            f"{html_table(self.data_table(), ctx, None)}</details>"
        )
        return [
            raw_block(
                "html",
                (
                    f'<figure{anchor} class="chart">'
                    f'<img src="{name}" alt="{html.escape(self.alt)}">'
                    f"<figcaption>{prefix}{caption}</figcaption>{source}{details}"
                    "</figure>"
                ),
            )
        ]


def chart_typst(chart: ChartBlock, ctx: RenderContext, name: str, number: int | None) -> str:
    """The chart as the PDF template's ``kr-figur``: the SVG (vectors), alt text, caption."""
    label = ctx.labels["figur"]
    separator = ctx.labels.get("bildtext_skiljetecken", ". ")
    data: dict[str, Any] = {
        "path": name,
        "alt": chart.alt,
        "width": round(chart.size_cm[0], 2),
        "caption": f"{label} {number}{separator}{chart.caption}" if number else chart.caption,
    }
    if chart.anchor:
        data["anchor"] = chart.anchor
    if chart.source:
        data["source"] = f"{ctx.labels['kalla']}: {chart.source}"
    return call("kr-figur", data)

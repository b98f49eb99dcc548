"""The risk matrix of intern kontroll: how many risks lie in each sannolikhet × konsekvens cell.

Drawn with matplotlib through the chart block of charts.py (SVG in the HTML page, PNG in the
DOCX, numbered caption "Figur N"). Every cell prints its count and its riskvärde, so the chart
reads without colour; the colour bands (low, medium, high) are only an extra. The alt text
summarises the distribution, and in HTML the counts are also a table under the chart.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Location
from ..project.labels import Labels
from ..text.swedish_format import NumberStyle
from .charts import CM, ChartBlock, ChartData, chart_cache_dir, pyplot
from .table_model import Cell, Column, RenderTable, Row

if TYPE_CHECKING:
    from ..followup.internal_control import InternalControl

# Light fills (dark text on them passes WCAG AA), by share of the highest possible riskvärde.
BANDS = [(0.0, "#dcefe2"), (0.3, "#fbeec2"), (0.5, "#f6d2cf")]
EDGE = "#1f3a5f"


def _band(value: int, maximum: int) -> str:
    colour = BANDS[0][1]
    for share, fill in BANDS:
        if value / maximum > share:
            colour = fill
    return colour


_MODULE_HASH = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


class RiskMatrixBlock(ChartBlock):
    """A :class:`ChartBlock` whose figure is the matrix and whose data table is the counts."""

    def __init__(
        self,
        counts: dict[tuple[int, int], int],
        likelihood_max: int,
        consequence_max: int,
        threshold: int | None,
        labels: Labels,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.counts = counts
        self.likelihood_max = likelihood_max
        self.consequence_max = consequence_max
        self.threshold = threshold
        self.labels = labels

    def _drawing_facts(self) -> list[Any]:
        """What the matrix drawing depends on beyond the chart's own fields (for the cache)."""
        return [
            sorted(self.counts.items()),
            self.likelihood_max,
            self.consequence_max,
            self.threshold,
            dict(self.labels),
            _MODULE_HASH,
        ]

    def figure(self) -> Any:
        width, height = self.size_cm
        plt = pyplot()
        plt = pyplot()
        from matplotlib import patches

        fig, ax = plt.subplots(figsize=(width * CM, height * CM), dpi=100)
        s_max, k_max = self.likelihood_max, self.consequence_max
        top = s_max * k_max
        for s in range(1, s_max + 1):
            for k in range(1, k_max + 1):
                value = s * k
                reaches = self.threshold is not None and value >= self.threshold
                ax.add_patch(
                    patches.Rectangle(
                        (k - 0.5, s - 0.5),
                        1,
                        1,
                        facecolor=_band(value, top),
                        edgecolor=EDGE if reaches else "white",
                        linewidth=2.0 if reaches else 1.5,
                    )
                )
                count = self.counts.get((s, k), 0)
                ax.text(
                    k,
                    s + 0.08,
                    str(count) if count else "–",
                    ha="center",
                    va="center",
                    fontsize=14 if count else 10,
                    fontweight="bold" if count else "normal",
                    color="#1b1b1b",
                )
                ax.text(
                    k,
                    s - 0.3,
                    f"{self.labels['riskvarde_kort']} {value}",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="#333333",
                )
        ax.set_xlim(0.5, k_max + 0.5)
        ax.set_ylim(0.5, s_max + 0.5)
        ax.set_xticks(range(1, k_max + 1))
        ax.set_yticks(range(1, s_max + 1))
        ax.set_xlabel(self.labels["konsekvens"])
        ax.set_ylabel(self.labels["sannolikhet"])
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.set_aspect("equal")
        fig.tight_layout()
        return fig

    def data_table(self) -> RenderTable:
        k_max = self.consequence_max
        header = [Cell(f"{self.labels['sannolikhet']} \\ {self.labels['konsekvens']}")] + [
            Cell(str(k), align="right") for k in range(1, k_max + 1)
        ]
        rows = []
        for s in range(self.likelihood_max, 0, -1):
            cells = [Cell(str(s))] + [
                Cell(str(self.counts.get((s, k), 0)), align="right") for k in range(1, k_max + 1)
            ]
            rows.append(Row(cells))
        columns = [Column(False)] + [Column(True) for _ in range(k_max)]
        return RenderTable(columns, [header], rows, caption=self.caption, caption_kind=None)


def alt_text(
    counts: dict[tuple[int, int], int], total: int, threshold: int | None, labels: Labels
) -> str:
    """A summary for the alt text: "Riskmatris med 42 risker. Flest risker, 22, …"."""
    if not total:
        return labels["riskmatris_tom"]
    (s, k), most = max(counts.items(), key=lambda item: (item[1], item[0][0] * item[0][1]))
    text = labels.fill("riskmatris_alt", antal=total, flest=most, sannolikhet=s, konsekvens=k)
    if threshold is not None:
        over = sum(n for (si, ki), n in counts.items() if si * ki >= threshold)
        text += " " + labels.fill("riskmatris_alt_troskel", antal=over, troskel=threshold)
    return text


def risk_matrix_block(
    control: InternalControl,
    caption: str,
    anchor: str | None,
    media_dir: Path,
    style: NumberStyle,
    labels: Labels,
) -> RiskMatrixBlock:
    counts: dict[tuple[int, int], int] = {}
    for key, risks in control.matris().items():
        counts[key] = len(risks)
    total = sum(counts.values())
    size = (8.0 + 1.2 * control.konsekvens_max, 3.0 + 2.0 * control.sannolikhet_max)
    return RiskMatrixBlock(
        counts,
        control.sannolikhet_max,
        control.konsekvens_max,
        control.tröskel,
        labels,
        kind="riskmatris",
        data=ChartData([], [], None, False, 0),
        caption=caption,
        alt=alt_text(counts, total, control.tröskel, labels),
        anchor=anchor,
        size_cm=size,
        media_dir=media_dir,
        style=style,
        location=control.risker[0].location() if control.risker else Location(),
        cache_dir=chart_cache_dir(),
    )

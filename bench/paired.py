"""Paired, interleaved runs of commands on the same machine state.

Every round runs each side once, back to back; the order rotates from round to round (A B,
then B A; with three sides A B C, B C A, C A B …), so no side always runs first, on a cache the
other warmed or while the other's leftovers are still being cleaned up. Before the rounds each
side runs once unmeasured (the file cache, pandoc's first start). The runs of one round are
seconds apart, so a load change on a shared machine hits them alike, and their ratio cancels
most of it. Reported: each side's median, the median of the per-round ratios and their spread
(the lowest and highest round).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

from tree import Run

Side = Callable[[], Run]


@dataclass
class Rounds:
    """The runs of one interleaved comparison, by side."""

    runs: dict[str, list[Run]] = field(default_factory=dict)

    def median(self, side: str, what: str = "wall") -> float:
        return statistics.median(getattr(r, what) for r in self.runs[side])

    def ratios(self, a: str, b: str, what: str = "wall") -> list[float]:
        """A / B in each round."""
        pairs = zip(self.runs[a], self.runs[b], strict=True)
        return [getattr(x, what) / getattr(y, what) for x, y in pairs]

    def ratio(self, a: str, b: str, what: str = "wall") -> float:
        return statistics.median(self.ratios(a, b, what))

    def spread(self, a: str, b: str, what: str = "wall") -> tuple[float, float]:
        values = self.ratios(a, b, what)
        return min(values), max(values)

    @property
    def count(self) -> int:
        return min((len(r) for r in self.runs.values()), default=0)


def interleaved(
    sides: dict[str, Side],
    repeat: int,
    warm_up: bool = True,
    progress: Callable[[str], None] | None = None,
) -> Rounds:
    """``repeat`` rounds of every side, the order rotating each round."""
    names = list(sides)
    if warm_up:
        for name in names:
            sides[name]()
    rounds = Rounds({name: [] for name in names})
    for index in range(repeat):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            run = sides[name]()
            rounds.runs[name].append(run)
            if progress:
                progress(f"    {name}: {run.wall:.2f} s vägg, {run.cpu:.2f} s CPU")
    return rounds

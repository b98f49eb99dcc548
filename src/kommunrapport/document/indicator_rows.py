"""Which indicators an ``indikatortabell`` shows, and why a table is empty when it is.

``välj={"Typ": "KF"}`` keeps the indicators whose column has that value (or one of a list), so a
goal's KF and nämnd indicators can be two tables. An empty table is often a mistake (the rows
given are indicators themselves, the sheet is misspelt, the filter matches nothing): the reason
is then a warning instead of silence. A goal without indicators is no mistake, so a block that
asks for every goal's indicators stays quiet.
"""

from __future__ import annotations

from typing import Any

from ..data.status_scales import StatusValue, code_key
from ..data.workbook import normalize
from ..followup.goal_rows import GoalRow
from .goal_text import uppräkning


def _matches(value: Any, wanted: Any) -> bool:
    if isinstance(wanted, (list, tuple)):
        return any(_matches(value, w) for w in wanted)
    if isinstance(value, StatusValue):
        return value == str(wanted)
    if value is None:
        return wanted is None
    return code_key(value) == code_key(wanted)


def select_indicators(
    parents: list[GoalRow], sheet: str, choose: dict[str, Any] | None, sheets: list[str]
) -> tuple[list[GoalRow], str | None]:
    """The indicators under ``parents`` in ``sheet`` that match ``choose``; and, when none is
    left for a reason worth telling, the reason."""
    rows: list[GoalRow] = []
    for parent in parents:
        rows += [r for r in parent.barn_i(sheet) if r not in rows]
    wanted = normalize(sheet)
    own = [p for p in parents if normalize(p.blad) == wanted]
    if own:
        names = uppräkning(f"{p.id}" for p in own)
        return [], (
            f"{names} ligger själv i bladet {sheet}: indikatortabell() visar indikatorerna under "
            "ett mål; ge målet (t.ex. nämndsmålets Id), inte indikatorn"
        )
    if parents and wanted not in {normalize(s) for s in sheets}:
        return [], f"målbladen har inget blad {sheet!r} (bladen är: {', '.join(sheets)})"
    if choose and rows:
        kept = [r for r in rows if all(_matches(r.get(c), w) for c, w in choose.items())]
        if not kept:
            shown = ", ".join(f"{c} = {w!r}" for c, w in choose.items())
            return [], f"ingen av de {len(rows)} indikatorerna har {shown}"
        rows = kept
    return rows, None

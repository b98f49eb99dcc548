"""Intern kontroll: processes → risks (sannolikhet × konsekvens) → kontrollmoment and activities.

The internal-control workbook is read with the same level reader as the goal sheets (ids,
parent keys, status codes on scales). This module adds what is particular to risks:

* sannolikhet and konsekvens must be whole numbers on the configured scale (1–4 by default);
* riskvärde is computed as their product; a riskvärde typed in the sheet is a check value and
  a warning names its cell when it differs;
* the rule "risks with riskvärde ≥ N have a kontrollmoment" is a configurable check.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field

from ..data.status_scales import StatusValue
from ..data.workbook import WorkbookReader, describe, is_number, normalize
from ..errors import Findings, KommunrapportError
from ..project.config import Model, described
from .goal_rows import GoalRow
from .level_reader import ColumnScales, LevelReader
from .row_tree import RowTree

DEFAULT_IC_WORKBOOK = "intern_kontroll.xlsx"
IC_SHEETS = {"processer": 1, "risker": 2, "kontrollmoment": 3, "aktiviteter": 3}
OPTIONAL_CONTROL_COLUMNS = ("Metod", "Frekvens", "Ansvarig", "Åtgärd")


class InternalControlConfig(Model):
    """``intern_kontroll:`` in report.yaml."""

    model_config = described(
        "Den interna kontrollen: processer, risker, kontrollmoment "
        "(docs/data-format.md, avsnitt 4.3)."
    )

    workbook: str = Field(
        DEFAULT_IC_WORKBOOK,
        alias="arbetsbok",
        description="Arbetsboken under data/.",
        examples=["intern_kontroll.xlsx"],
    )
    threshold: int | None = Field(
        None,
        alias="kontrollmoment_från_riskvärde",
        description="Regeln: risker med minst detta riskvärde ska ha kontrollmoment.",
        examples=[8],
        ge=1,
    )
    likelihood_max: int = Field(
        4,
        alias="sannolikhet_max",
        description="Högsta värdet för sannolikhet.",
        examples=[5],
        ge=2,
        le=10,
    )
    consequence_max: int = Field(
        4,
        alias="konsekvens_max",
        description="Högsta värdet för konsekvens.",
        examples=[5],
        ge=2,
        le=10,
    )
    process_types: dict[str, str] = Field(
        default_factory=dict,
        alias="processtyper",
        description="Rubrik över varje grupp av processer, per värde i kolumnen Typ.",
        examples=[{"huvudprocess": "Huvudprocesser"}],
    )
    columns: dict[str, str] = Field(
        default_factory=dict,
        alias="kolumner",
        description=("Vilken skala en kolumn använder; Blad/Kolumn gäller bara det bladet."),
        examples=[{"Kontrollmoment/Status": "kontrollstatus"}],
    )


@dataclass
class ProcessGroup:
    rubrik: str | None
    processer: list[GoalRow]


class InternalControl(RowTree):
    """The internal-control tree as templates see it (``intern_kontroll.risker`` …)."""

    def __init__(self, tree: RowTree, config: InternalControlConfig) -> None:
        super().__init__(tree._rows, tree._sheets, tree.rötter, tree._sheet_scales, tree.arbetsbok)
        self.missing_block = tree.missing_block
        self.config = config

    @property
    def processer(self) -> list[GoalRow]:
        return self.blad("Processer")

    @property
    def risker(self) -> list[GoalRow]:
        return self.blad("Risker")

    @property
    def kontrollmoment(self) -> list[GoalRow]:
        return self.blad("Kontrollmoment")

    @property
    def aktiviteter(self) -> list[GoalRow]:
        return self.blad("Aktiviteter")

    @property
    def antal_risker(self) -> int:
        return len(self.risker)

    @property
    def tröskel(self) -> int | None:
        """``kontrollmoment_från_riskvärde``: the rule's threshold, for the narrative."""
        return self.config.threshold

    @property
    def sannolikhet_max(self) -> int:
        return self.config.likelihood_max

    @property
    def konsekvens_max(self) -> int:
        return self.config.consequence_max

    @property
    def risker_över_tröskel(self) -> list[GoalRow]:
        if self.config.threshold is None:
            return []
        return [r for r in self.risker if r.get("riskvärde") >= self.config.threshold]

    @property
    def brister(self) -> list[GoalRow]:
        """Kontrollmoment whose result is not the best level of its scale (empty cells, shown
        through the scale's 'tom' level, are not counted)."""
        out = []
        for row in self.kontrollmoment:
            result = row.get("resultat")
            if isinstance(result, StatusValue) and not result.empty and result.ordning > 0:
                out.append(row)
        return out

    def _process(self, process: GoalRow | str) -> GoalRow:
        """A process row, also when a template gives its id."""
        return process if isinstance(process, GoalRow) else self[process]

    def processtyp(self, process: GoalRow | str) -> str | None:
        """The printed label of a process's type (``processtyper:``), or None."""
        kind = self._process(process).get("typ")
        if kind is None:
            return None
        for key, label in self.config.process_types.items():
            if normalize(key) == normalize(str(kind)):
                return label
        return None

    @property
    def grupper(self) -> list[ProcessGroup]:
        """Consecutive processes with the same printed type label (``processtyper:``)."""
        groups: list[ProcessGroup] = []
        for process in self.processer:
            label = self.processtyp(process)
            if groups and groups[-1].rubrik == label:
                groups[-1].processer.append(process)
            else:
                groups.append(ProcessGroup(label, [process]))
        return groups

    def delprocesser(self, process: GoalRow | str) -> list[str]:
        text = self._process(process).get("delprocesser")
        if not text:
            return []
        return [line.strip(" -•\t") for line in str(text).splitlines() if line.strip(" -•\t")]

    def valfria_kolumner(self, rows: list[GoalRow] | None = None) -> list[str]:
        """The optional kontrollmoment columns that some row fills (Metod, Frekvens …)."""
        rows = self.kontrollmoment if rows is None else rows
        return [c for c in OPTIONAL_CONTROL_COLUMNS if any(r.get(c) is not None for r in rows)]

    def matris(self) -> dict[tuple[int, int], list[GoalRow]]:
        """Risks per (sannolikhet, konsekvens)."""
        cells: dict[tuple[int, int], list[GoalRow]] = {}
        for risk in self.risker:
            cells.setdefault((risk.get("sannolikhet"), risk.get("konsekvens")), []).append(risk)
        return cells


def _whole_number(row: GoalRow, column: str, maximum: int) -> int:
    value = row.get(column)
    where = row.location(column)
    if value is None:
        raise KommunrapportError(
            f"risken {row.id} saknar {column.lower()}",
            where,
            f"Skriv ett heltal 1–{maximum}.",
        )
    if not is_number(value) or not float(value).is_integer() or not 1 <= value <= maximum:
        raise KommunrapportError(
            f"{column.lower()} ska vara ett heltal 1–{maximum}, inte {describe(value)}",
            where,
            f"Skriv ett heltal 1–{maximum} (skalan ändras med "
            f"intern_kontroll.{normalize(column)}_max i report.yaml).",
        )
    return int(value)


def check_risks(control: InternalControl, findings: Findings) -> None:
    """Compute riskvärde = S × K, compare a given value, apply the kontrollmoment rule."""
    config = control.config
    has_value_column = bool(control.risker) and control.risker[0].has("riskvärde")
    for risk in control.risker:
        likelihood = _whole_number(risk, "Sannolikhet", config.likelihood_max)
        consequence = _whole_number(risk, "Konsekvens", config.consequence_max)
        value = likelihood * consequence
        given = risk.get("riskvärde") if has_value_column else None
        if given is not None and (not is_number(given) or given != value):
            findings.warn(
                "riskvärde",
                f"riskvärdet för {risk.id} är {describe(given)}, men sannolikhet × konsekvens = "
                f"{likelihood} × {consequence} = {value}",
                risk.location("riskvärde"),
                "Rätta sannolikhet, konsekvens eller riskvärde (eller töm cellen: verktyget "
                "räknar ut riskvärdet).",
            )
        risk._values["sannolikhet"] = likelihood
        risk._values["konsekvens"] = consequence
        risk._values["riskvärde"] = value
    if config.threshold is None:
        return
    for risk in control.risker:
        if risk.get("riskvärde") >= config.threshold and not risk.barn_i("Kontrollmoment"):
            findings.warn(
                "risk-utan-kontrollmoment",
                f"risken {risk.id} har riskvärde {risk.get('riskvärde')} (minst "
                f"{config.threshold}) men inget kontrollmoment",
                risk.location("riskvärde" if has_value_column else "konsekvens"),
                "Lägg till ett kontrollmoment med Förälder = riskens Id i bladet "
                "Kontrollmoment, eller ändra kontrollmoment_från_riskvärde.",
            )


def read_internal_control(
    reader: WorkbookReader,
    config: InternalControlConfig,
    scales: ColumnScales | None,
    findings: Findings,
    explicit: bool,
    configured: bool = True,
) -> InternalControl:
    """The internal-control tree; empty without ``intern_kontroll:`` in report.yaml."""
    path = reader.data_dir / config.workbook
    if not configured or scales is None:
        return InternalControl(RowTree.empty(missing_block="intern_kontroll"), config)
    if not path.is_file() and not explicit:
        return InternalControl(RowTree.empty(), config)
    tree = LevelReader(reader, config.workbook, dict(IC_SHEETS), scales, findings).read()
    control = InternalControl(tree, config)
    check_risks(control, findings)
    return control

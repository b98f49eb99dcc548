"""Create a new report package from a standard structure: ``kommunrapport new``.

A structure (``templates/strukturer/<typ>.yaml``, overridable by a report repository) holds the
outline of a report type and, for each section, what belongs there. The new package gets a
``report.yaml`` with the metadata and the outline written out (so the writers can change it),
and one Markdown file per section whose text says what to write. Each stub carries a visible
"[Skriv här: …]" that ``kommunrapport check`` reports until it has been replaced, so an
unfinished section cannot slip through.
"""

from __future__ import annotations

import calendar
import textwrap
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from babel.dates import format_date as babel_format_date

from ..errors import KommunrapportError, Location
from ..project.config import OutlineEntry, fold
from ..project.package import CONFIG_NAME, builtin_templates_dir
from ..project.yaml_lines import load_yaml_file
from .scaffold_samples import SCALES_YAML, sample_files

STRUCTURES_DIR = "strukturer"
REPORT_TYPES = ("årsrapport", "årsberättelse", "delårsrapport", "tertialrapport")


@dataclass
class Structure:
    """One standard structure: the report type's outline and the stub text of each file."""

    report_type: str
    title: str
    memo_outline: list[dict[str, Any]]
    outline: list[dict[str, Any]]
    texts: dict[str, dict[str, str]]
    months: int = 12
    source: str = ""
    examples: dict[str, str] | None = None  # "ekonomi"/"mål" → the file that shows the sample


def structure_dirs(root: Path) -> list[Path]:
    """Where structures are looked up: the report repository's templates, then built-in."""
    folders = [root / "templates" / STRUCTURES_DIR, builtin_templates_dir() / STRUCTURES_DIR]
    return [f for f in folders if f.is_dir()]


def available_structures(root: Path) -> list[str]:
    names: list[str] = []
    for folder in structure_dirs(root):
        names += [p.stem for p in sorted(folder.glob("*.yaml")) if p.stem not in names]
    return names


def load_structure(name: str, root: Path) -> Structure:
    """The structure for a report type ('årsrapport') or a structure file name ('arsrapport')."""
    wanted = fold(name).replace(" ", "-")
    for folder in structure_dirs(root):
        path = folder / f"{wanted}.yaml"
        if path.is_file():
            return _parse_structure(path)
    known = ", ".join(available_structures(root)) or "inga"
    raise KommunrapportError(
        f"det finns ingen standardstruktur för {name!r}",
        hint=f"Välj en av: {known} (eller lägg en egen i templates/strukturer/).",
    )


def _parse_structure(path: Path) -> Structure:
    shown = str(path)
    data = load_yaml_file(path, shown).data or {}
    try:
        outline = data["disposition"]
        for entry in outline:
            OutlineEntry.model_validate(entry)
        return Structure(
            report_type=str(data["rapporttyp"]),
            title=str(data["titel"]),
            memo_outline=list(data.get("tjänsteskrivelse") or []),
            outline=list(outline),
            texts=dict(data.get("texter") or {}),
            months=int(data.get("månader", 12)),
            source=shown,
            examples={str(k): str(v) for k, v in (data.get("exempel") or {}).items()},
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise KommunrapportError(
            f"standardstrukturen kan inte läsas: {exc}",
            Location(shown),
            "Strukturen behöver rapporttyp, titel och disposition (se de inbyggda exemplen).",
        ) from None


def outline_files(outline: list[dict[str, Any]]) -> list[str]:
    """Every ``fil`` of an outline, in document order."""
    files: list[str] = []
    for entry in outline:
        if entry.get("fil"):
            files.append(str(entry["fil"]))
        files += outline_files(entry.get("underavsnitt") or [])
    return files


# -- periods --------------------------------------------------------------------------------
def month_name(month: int) -> str:
    return babel_format_date(date(2000, month, 1), "MMMM", locale="sv_SE")


@dataclass(frozen=True)
class PeriodFacts:
    label: str
    start: date
    end: date
    number: int | None
    report_date: date


def period_for(report_type: str, year: int, months: int) -> PeriodFacts:
    """The period of a report: January to the end of month ``months`` of ``year``."""
    if not 1 <= months <= 12:
        raise KommunrapportError(
            f"en period kan inte vara {months} månader", hint="Ange 1–12 med --månader."
        )
    start = date(year, 1, 1)
    end = date(year, months, calendar.monthrange(year, months)[1])
    label = f"januari–{month_name(months)} {year}"
    number = None
    if report_type == "delårsrapport":
        number = 1 if months <= 6 else 2
    elif report_type == "tertialrapport":
        number = max(1, months // 4)
    # The report is usually decided on about a month after the period ends.
    next_month = months % 12 + 1
    next_year = year + (months == 12)
    report_date = date(
        next_year, next_month, min(25, calendar.monthrange(next_year, next_month)[1])
    )
    return PeriodFacts(label, start, end, number, report_date)


# -- writing --------------------------------------------------------------------------------
class _IndentedDumper(yaml.SafeDumper):
    """Indents lists inside mappings, as report.yaml files are written by hand."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def _dump(value: Any, indent: int) -> str:
    text = yaml.dump(value, Dumper=_IndentedDumper, allow_unicode=True, sort_keys=False, width=100)
    pad = " " * indent
    return "".join(pad + line if line.strip() else line for line in text.splitlines(True))


def _quote(value: str) -> str:
    return yaml.safe_dump(value, allow_unicode=True, width=1000).strip().removesuffix("...").strip()


def report_yaml(
    structure: Structure,
    municipality: str,
    committee: str,
    year: int,
    period: PeriodFacts,
) -> str:
    kind = structure.report_type
    period_lines = [
        "period:",
        f"  namn: {_quote(period.label)}",
        f"  från: {period.start.isoformat()}",
        f"  till: {period.end.isoformat()}",
    ]
    if period.number is not None:
        period_lines.append(f"  nummer: {period.number}")
    definite = kind + ("n" if kind.endswith("e") else "en")  # årsrapporten, årsberättelsen
    decision = f"{{{{ nämnd }}}} godkänner {definite} för {{{{ period.namn }}}}."
    if kind in ("årsrapport", "årsberättelse"):
        decision = f"{{{{ nämnd }}}} godkänner {definite} för {{{{ år }}}}."
    lines = [
        f"# {kind.capitalize()} för {committee}, {municipality}: skapad med `kommunrapport new`.",
        "# Fyll i uppgifterna som är markerade med XX och NN; `kommunrapport check` visar vad som",
        "# återstår. Ordningen och rubrikerna under `disposition` får du ändra fritt.",
        f"kommun: {_quote(municipality)}",
        f"nämnd: {_quote(committee)}",
        f"rapporttyp: {kind}",
        f"år: {year}",
        *period_lines,
        "# Ärendets diarienummer, t.ex. KS 2023/0123.",
        f"diarienummer: XX {year}/XXXX",
        f"datum: {period.report_date.isoformat()}",
        "handläggare:",
        "  namn: NN",
        "  titel: NN",
        "förslag_till_beslut:",
        "  beslutspunkter:",
        f"    - {_quote(decision)}",
        SCALES_YAML,
        "dokument:",
        "  - id: tjansteskrivelse",
        "    typ: tjänsteskrivelse",
        f"    titel: {_quote(structure.title)}",
        "    disposition:",
        _dump(structure.memo_outline, 6).rstrip("\n"),
        "",
        f"  - id: {fold(kind)}",
        "    typ: rapport",
        f"    titel: {_quote(structure.title)}",
        "    bilaga: 1",
        "    disposition:",
        _dump(structure.outline, 6).rstrip("\n"),
    ]
    return "\n".join(lines) + "\n"


def stub_markdown(texts: dict[str, str]) -> str:
    """A section file: its heading, what belongs there (a comment) and a visible reminder."""
    parts: list[str] = []
    if texts.get("rubrik"):
        parts += ["---", f"rubrik: {_quote(texts['rubrik'])}", "---"]
    guidance = " ".join(str(texts.get("vägledning", "")).split())
    if guidance:
        parts += ["{#", *_wrap(f"Vad som hör hemma här: {guidance}", 96), "#}"]
    parts.append(str(texts.get("text") or "[Skriv här.]"))
    return "\n".join(parts) + "\n"


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text.replace("#}", "# }"), width)


@dataclass
class ScaffoldResult:
    package_dir: Path
    written: list[Path]


def scaffold_package(
    package_dir: Path,
    root: Path,
    report_type: str,
    municipality: str,
    committee: str,
    year: int,
    months: int | None = None,
) -> ScaffoldResult:
    """Write a new package; refuses to write into an existing, non-empty folder."""
    if package_dir.exists() and any(package_dir.iterdir()):
        raise KommunrapportError(
            f"mappen {package_dir} finns redan och är inte tom",
            hint="Välj ett annat paket-id; ett befintligt paket skrivs aldrig över.",
        )
    structure = load_structure(report_type, root)
    period = period_for(structure.report_type, year, months or structure.months)
    files: dict[str, str | bytes] = {
        CONFIG_NAME: report_yaml(structure, municipality, committee, year, period)
    }
    for name in outline_files(structure.memo_outline) + outline_files(structure.outline):
        files[name] = stub_markdown(structure.texts.get(name, {}))
    examples = structure.examples or {}
    ledger_file, goal_file = examples.get("ekonomi"), examples.get("mål")
    for name, content in sample_files(ledger_file, goal_file).items():
        if name in (ledger_file, goal_file):  # the section keeps its heading and guidance
            content = stub_markdown({**structure.texts.get(name, {}), "text": str(content)})
        files[name] = content
    written: list[Path] = []
    for name, content in files.items():
        path = package_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        written.append(path)
    return ScaffoldResult(package_dir, written)

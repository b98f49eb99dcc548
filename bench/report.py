"""The results of one bench run, as Swedish Markdown for bench/README.md."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import tree
from paired import Rounds

START, END = "<!-- resultat:start -->", "<!-- resultat:slut -->"
README = Path(__file__).with_name("README.md")


def number(value: float, decimals: int = 2) -> str:
    """Swedish decimal comma."""
    return f"{value:.{decimals}f}".replace(".", ",").replace("-", "−")


def seconds(value: float) -> str:
    if value < 1:
        return f"{number(value * 1000, 0)} ms"
    return f"{number(value)} s"


def ratio_text(rounds: Rounds, a: str, b: str, what: str = "wall") -> str:
    """``1,96× (1,80–2,10)``: the median per-round ratio and the lowest and highest round."""
    low, high = rounds.spread(a, b, what)
    return f"{number(rounds.ratio(a, b, what))}× ({number(low)}–{number(high)})"


@dataclass
class Figure:
    """One figure against its target; ``met`` is None where there is no target."""

    label: str
    value: str
    target: str = ""
    met: bool | None = None


@dataclass
class Results:
    figures: list[Figure] = field(default_factory=list)
    timings: list[tuple[str, str, str, int]] = field(default_factory=list)  # name, wall, cpu, n
    memory: list[tuple[str, tree.Run]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # sections skipped, and why

    def figure(self, label: str, value: str, target: str = "", met: bool | None = None) -> None:
        self.figures.append(Figure(label, value, target, met))
        verdict = "" if met is None else ("  [nås]" if met else "  [nås inte]")
        print(f"  {label}: {value}{'  mål ' + target if target else ''}{verdict}", flush=True)

    def times(self, rounds: Rounds, names: dict[str, str]) -> None:
        for side, label in names.items():
            wall = seconds(rounds.median(side))
            cpu = seconds(rounds.median(side, "cpu"))
            self.timings.append((label, wall, cpu, rounds.count))

    def note(self, text: str) -> None:
        self.notes.append(text)
        print(f"  {text}", flush=True)


def _first_line(command: list[str]) -> str:
    try:
        out = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "saknas"
    text = (out.stdout or out.stderr).strip()
    return text.splitlines()[0] if out.returncode == 0 and text else "saknas"


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _memory_total() -> str:
    for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("MemTotal:"):
            return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB".replace(".", ",")
    return "okänt"


def machine_facts(pandoc: str, r_version: str | None, typst_version: str | None) -> list[str]:
    root = Path(__file__).resolve().parents[1]
    commit = _first_line(["git", "-C", str(root), "rev-parse", "--short", "HEAD"])
    dirty = _first_line(["git", "-C", str(root), "status", "--porcelain", "--", "src"])
    code = commit + (" med ändringar i src/" if dirty not in ("saknas", "") else "")
    return [
        f"Kod: {code}; mätt {datetime.now(UTC).strftime('%Y-%m-%d %H:%M')} UTC",
        f"Maskin: {_cpu_model()}, {os.cpu_count()} kärnor, {_memory_total()} minne, "
        f"{platform.system()} {platform.release()}",
        f"Python {platform.python_version()}, {_first_line([pandoc, '--version'])}"
        + (f", typst {typst_version}" if typst_version else "")
        + (f", {r_version}" if r_version else ""),
    ]


def load_text(load: tuple[float, float, float]) -> str:
    return " / ".join(number(x) for x in load)


def render(
    results: Results,
    command: str,
    facts: list[str],
    load_start: tuple[float, float, float],
    load_end: tuple[float, float, float],
    package_line: str,
) -> str:
    lines = [f"Kommando: `{command}`", ""]
    lines += [f"{fact}  " for fact in facts]
    lines += [
        f"Lastmedel (1, 5, 15 min) vid start: {load_text(load_start)}; "
        f"vid slut: {load_text(load_end)} ({os.cpu_count()} kärnor)  ",
        package_line,
        "",
        "| Mätning | Resultat | Mål | Nås |",
        "| --- | --- | --- | --- |",
    ]
    for f in results.figures:
        verdict = "" if f.met is None else ("ja" if f.met else "**nej**")
        lines.append(f"| {f.label} | {f.value} | {f.target} | {verdict} |")
    if results.timings:
        lines += ["", "Medianer av de parade körningarna (hela kommandon):", ""]
        lines += [
            "| Kommando | Vägg | CPU (hela trädet) | Omgångar |",
            "| --- | ---: | ---: | ---: |",
        ]
        for label, wall, cpu, count in results.timings:
            lines.append(f"| {label} | {wall} | {cpu} | {count} |")
    if results.memory:
        lines += ["", "Minne, hela processträdet (summa över processerna vid varje stickprov):", ""]
        lines += [
            "| Kommando | Högsta RSS-summa | Högsta PSS-summa | Största process | Processer |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for label, run in results.memory:
            rss, pss = number(run.peak_rss or 0, 0), number(run.peak_pss or 0, 0)
            largest = number(run.largest_process or 0, 0)
            lines.append(f"| {label} | {rss} MiB | {pss} MiB | {largest} MiB | {run.processes} |")
    if results.notes:
        lines += ["", *(f"- {note}" for note in results.notes)]
    return "\n".join(lines)


def write_readme(block: str) -> None:
    text = README.read_text(encoding="utf-8") if README.is_file() else ""
    section = f"{START}\n\n{block}\n\n{END}"
    if START in text and END in text:
        text = text[: text.index(START)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    README.write_text(text, encoding="utf-8")
    print(f"skrev {README}", file=sys.stderr)

"""Where the time of one build command goes (a tool for developers, not part of the figures).

    python bench/profile_build.py [--formats docx,html] [--first] [--rate 200]

Runs ``kommunrapport build <Kalmar> --force`` as a command three times, each with one probe:

1. ``python -X importtime``: the modules imported, with cumulative times, largest first, and
   which module of ours imported each third-party package;
2. pandoc replaced by a wrapper (``PYPANDOC_PANDOC``) that logs every pandoc process: its
   arguments, start and end (relative to the command's start), user and system CPU; and the
   engine's log of every conversion it served (``KOMMUNRAPPORT_PANDOC_LOG``): start, wall,
   pandoc's CPU;
3. py-spy (if installed) sampling every Python thread: the busy samples, by category
   (imports by package, charts, JSON to and from pandoc, our own code by module).

CPU of the whole tree comes from ``wait4``; our Python's CPU is that minus pandoc's.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import workloads as w

WRAPPER = """#!/bin/sh
start=$(date +%s.%N)
/usr/bin/time -f "%e %U %S" -o "$KR_PANDOC_LOG.$$" "$KR_REAL_PANDOC" "$@"
status=$?
echo "$start $(cat "$KR_PANDOC_LOG.$$") $*" >> "$KR_PANDOC_LOG"
rm -f "$KR_PANDOC_LOG.$$"
exit $status
"""


def run_timed(command: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(start time, wall, CPU of the whole tree)."""
    started = time.time()
    begin = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - begin
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"misslyckades: {' '.join(command)}")
    return started, wall, usage.ru_utime + usage.ru_stime


# -- imports --------------------------------------------------------------------------------------

IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def import_report(text: str, top: int = 25) -> list[str]:
    """Top-level imports and the heaviest third-party packages, with who imported them."""
    entries: list[tuple[int, int, str]] = []  # depth, cumulative µs, name
    for line in text.splitlines():
        match = IMPORT_LINE.match(line)
        if match:
            entries.append((len(match.group(3)) // 2, int(match.group(2)), match.group(4)))
    # importtime prints children before their parent: the parent of an entry is the next
    # entry after it with a smaller depth
    parents: dict[int, int] = {}
    stack: list[int] = []
    for index in range(len(entries) - 1, -1, -1):
        depth = entries[index][0]
        while stack and entries[stack[-1]][0] >= depth:
            stack.pop()
        if stack:
            parents[index] = stack[-1]
        stack.append(index)
    total = sum(cum for depth, cum, _ in entries if depth == 0)
    lines = [f"imports, summa av toppnivån: {total / 1e6:.2f} s"]
    heavy: dict[str, tuple[int, str]] = {}
    for index, (_depth, cumulative, name) in enumerate(entries):
        package = name.split(".")[0]
        if package in ("kommunrapport", "encodings", "site") or package.startswith("_"):
            continue
        parent = parents.get(index)
        if parent is not None and entries[parent][2].split(".")[0] == package:
            continue  # a submodule of a package already counted
        importer = "toppnivå"
        chain = parent
        while chain is not None:
            if entries[chain][2].startswith("kommunrapport"):
                importer = entries[chain][2]
                break
            chain = parents.get(chain)
        if cumulative > heavy.get(package, (0, ""))[0]:
            heavy[package] = (cumulative, importer)
    for package, (cumulative, importer) in sorted(heavy.items(), key=lambda x: -x[1][0])[:top]:
        lines.append(f"  {package:<22} {cumulative / 1000:8.0f} ms   importerad av {importer}")
    return lines


REPLAY = """
import importlib, sys, time
for name in sys.argv[1:]:
    started = time.process_time()
    try:
        importlib.import_module(name)
    except Exception:
        pass
    print(f"{time.process_time() - started:.4f} {name}")
"""
ALONE = ("numpy", "openpyxl", "matplotlib", "docx", "pydantic", "jinja2", "babel.numbers", "yaml",
         "lxml.etree", "pypandoc", "importlib.metadata", "concurrent.futures.process")  # fmt: skip


def import_cpu(text: str) -> list[str]:
    """CPU seconds of the build's imports, replayed in a fresh interpreter in the build's order
    (top-level imports), and of the heavy third-party packages each imported alone."""
    top = [
        m.group(4) for m in map(IMPORT_LINE.match, text.splitlines()) if m and len(m.group(3)) == 1
    ]
    replay = subprocess.run([sys.executable, "-c", REPLAY, *top], capture_output=True, text=True)
    rows = [
        (float(line.split(" ", 1)[0]), line.split(" ", 1)[1]) for line in replay.stdout.splitlines()
    ]
    total = sum(seconds for seconds, _name in rows)
    lines = [f"importernas CPU, i byggets ordning i en ny process: {total:.2f} s"]
    for seconds, name in sorted(rows, reverse=True)[:6]:
        lines.append(f"  {seconds * 1000:6.0f} ms  {name}")
    lines.append("  var för sig, i en ny process (med sina beroenden):")
    for name in ALONE:
        alone = subprocess.run([sys.executable, "-c", REPLAY, name], capture_output=True, text=True)
        alone_cpu = float(alone.stdout.split(" ", 1)[0]) if alone.stdout else 0.0
        lines.append(f"  {alone_cpu * 1000:6.0f} ms  {name}")
    return lines


# -- pandoc ---------------------------------------------------------------------------------------


def pandoc_report(processes: Path, requests: Path, started: float) -> tuple[list[str], float]:
    """pandoc's processes (the wrapper's log: whole CPU, start included) and the conversions
    its engine served (``KOMMUNRAPPORT_PANDOC_LOG``: each one's wall and pandoc's CPU)."""
    cpu_total = 0.0
    process_lines = []
    for row in processes.read_text(encoding="utf-8").splitlines():
        start, wall_text, user, system, *args = row.split(" ")
        cpu = float(user) + float(system)
        cpu_total += cpu
        kind = "engine (pandoc lua)" if "lua" in args else " ".join(args[:4])
        offset, wall = float(start) - started, float(wall_text)
        process_lines.append(f"  {offset:6.2f} s  +{wall:5.2f} s  CPU {cpu:5.2f} s  {kind}")
    calls: collections.Counter[str] = collections.Counter()
    walls: collections.defaultdict[str, float] = collections.defaultdict(float)
    cpus: collections.defaultdict[str, float] = collections.defaultdict(float)
    lines = []
    rows = requests.read_text(encoding="utf-8").splitlines() if requests.is_file() else []
    for row in rows:
        start, wall_text, cpu_text, kind = row.split(" ", 3)
        wall, cpu = float(wall_text), float(cpu_text)
        calls[kind] += 1
        walls[kind] += wall
        cpus[kind] += cpu
        lines.append(f"  {float(start) - started:6.2f} s  +{wall:5.2f} s  CPU {cpu:5.2f} s  {kind}")
    summary = [f"pandoc: {cpu_total:.2f} s CPU i {len(process_lines)} processer", *process_lines]
    summary.append(f"  omvandlingar: {sum(cpus.values()):.2f} s CPU (resten är start och väntan)")
    for kind, count in calls.items():
        summary.append(
            f"  {kind:<42} {count:3d} st  vägg {walls[kind]:6.2f} s  CPU {cpus[kind]:5.2f} s"
        )
    return [*summary, "  tidslinje (start efter kommandots start, längd, CPU):", *lines], cpu_total


# -- py-spy ---------------------------------------------------------------------------------------

FRAME = re.compile(r"^(.*) \((.*?)(?::\d+)?\)$")


def _frame(text: str) -> tuple[str, str]:
    """(function, file) of one py-spy frame."""
    match = FRAME.match(text)
    return (match.group(1), match.group(2)) if match else (text, "")


def categorize(frames: list[str]) -> str:
    """The category of one busy sample (frames outermost first)."""
    names = [_frame(f) for f in frames]
    files = [where for _name, where in names]
    if any(name == "_find_and_load" for name, _where in names):
        for name, where in names:
            if name == "<module>" and not where.startswith(("kommunrapport", "<frozen")):
                return f"import {where.split('/')[0].removesuffix('.py')}"
        return "import (våra moduler och importmaskineriet)"
    if any(f.startswith(("matplotlib", "PIL")) for f in files) or any(
        f.endswith(("document/charts.py", "document/risk_matrix.py")) for f in files
    ):
        return "diagram"
    if any(f.endswith("writers/pandoc.py") for f in files):
        if any(f.startswith("json") for f in files):
            return "JSON till och från pandoc"
        return "pandoc-anrop (Python-sidan)"
    ours = [f for f in files if f.startswith("kommunrapport")]
    if ours:
        third_party = [f.split("/")[0] for f in files if not f.startswith(("kommunrapport", "<"))]
        below = f" → {third_party[-1]}" if third_party else ""
        return f"vår kod {ours[-1]}{below}"
    if not names:
        return "övrigt"
    outer = next((f"{n} ({f})" for n, f in names if not f.startswith("<")), "")
    return f"övrigt: {outer} … {names[-1][0]} ({files[-1]})"


def spy_report(raw: Path, rate: int, top: int = 30) -> list[str]:
    counts: collections.Counter[str] = collections.Counter()
    threads: collections.Counter[str] = collections.Counter()
    for line in raw.read_text(encoding="utf-8").splitlines():
        stack, _, number = line.rpartition(" ")
        parts = stack.split(";")
        thread = next((p for p in parts if p.startswith("thread")), "thread ?")
        frames = [p for p in parts if not p.startswith(("process", "thread"))]
        counts[categorize(frames)] += int(number)
        threads["huvudtråden" if "MainThread" in thread else "andra trådar"] += int(number)
    total = sum(counts.values())
    lines = [f"py-spy, upptagna stickprov: {total} ({total / rate:.2f} s vid {rate}/s)"]
    for thread, samples in threads.items():
        lines.append(f"  {thread}: {samples / rate:.2f} s")
    grouped: collections.Counter[str] = collections.Counter()
    for category, samples in counts.items():
        key = category
        if category.startswith("import"):
            key = "imports"
        elif category.startswith("vår kod"):
            key = "vår kod"
        grouped[key] += samples
    for key, samples in grouped.most_common():
        lines.append(f"  {key:<40} {samples / rate:6.2f} s  {100 * samples / total:5.1f} %")
    lines.append("  i detalj:")
    for category, samples in counts.most_common(top):
        lines.append(f"    {category:<70} {samples / rate:6.2f} s")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--formats", default="docx,html")
    parser.add_argument("--first", action="store_true", help="tom cache (första bygget)")
    parser.add_argument("--rate", type=int, default=200, help="py-spy: stickprov per sekund")
    args = parser.parse_args()
    formats = tuple(args.formats.split(","))
    with tempfile.TemporaryDirectory(prefix="kr-profil-") as folder:
        s = w.Scratch.create(Path(folder))
        w.our_build(s, w.ALL_FORMATS)()  # fill the warm cache
        cache = s.fresh("cache") if args.first else s.warm_cache
        command = w.build_command(s.repo, s.folder / "ut", formats, [s.package_id])
        env = w.environment(cache)
        print(f"Kommando: {' '.join(command)}")
        print(f"Lastmedel: {os.getloadavg()}")
        started, wall, cpu = run_timed(command, env)
        print(f"hela kommandot: vägg {wall:.2f} s, CPU {cpu:.2f} s (hela trädet)")

        env_imports = {**env, "PYTHONPROFILEIMPORTTIME": "1"}
        if args.first:
            shutil.rmtree(cache)
            cache.mkdir()
        process = subprocess.run(command, env=env_imports, capture_output=True, text=True)
        print("\n".join(import_report(process.stderr)))
        print("\n".join(import_cpu(process.stderr)))

        wrapper = Path(folder) / "pandoc-wrapper"
        wrapper.write_text(WRAPPER, encoding="utf-8")
        wrapper.chmod(0o755)
        log = Path(folder) / "pandoc.log"
        conversions = Path(folder) / "omvandlingar.log"
        env_pandoc = {
            **env,
            "PYPANDOC_PANDOC": str(wrapper),
            "KR_REAL_PANDOC": w.pandoc_binary(),
            "KR_PANDOC_LOG": str(log),
            "KOMMUNRAPPORT_PANDOC_LOG": str(conversions),
        }
        if args.first:
            shutil.rmtree(cache)
            cache.mkdir()
        started, wall, cpu = run_timed(command, env_pandoc)
        lines, pandoc_cpu = pandoc_report(log, conversions, started)
        print(f"med pandoc-loggen: vägg {wall:.2f} s, CPU {cpu:.2f} s")
        print(f"vår Python (CPU minus pandoc): {cpu - pandoc_cpu:.2f} s")
        print("\n".join(lines))

        spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        if Path(spy).is_file():
            raw = Path(folder) / "spy.txt"
            if args.first:
                shutil.rmtree(cache)
                cache.mkdir()
            options = ["-r", str(args.rate), "-f", "raw", "-o", str(raw), "--threads"]
            subprocess.run(
                [spy, "record", *options, "--subprocesses", "--", *command],
                env=env,
                capture_output=True,
                check=True,
            )
            print("\n".join(spy_report(raw, args.rate)))
        else:
            print("py-spy saknas (pip install py-spy): ingen uppdelning av Pythons tid")
    return 0


if __name__ == "__main__":
    sys.exit(main())

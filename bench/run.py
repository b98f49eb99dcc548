"""Benchmark: how fast kommunrapport builds, next to plain pandoc on the same text.

    python bench/run.py [--repeat 5] [--write-readme]

From one run it reports:

1. our DOCX + HTML build of the Kalmar package against plain pandoc converting the same
   assembled Markdown (``DocumentSource.assemble``) to DOCX and HTML;
2. the PDF build (two PDFs per document: PDF/UA and PDF/A);
3. a rebuild with unchanged sources (the build cache), in the process and as a command;
4. peak memory of a full build (all formats) in a fresh process;
5. build time for a report 1×, 4× and 16× the size of Kalmar (its sections, tables and charts
   replicated in a generated package);
6. build time for 1, 2 and 4 copies of the package, one process per core against one by one.

Times are medians of ``--repeat`` runs measured with ``time.perf_counter``. Every build runs
with the cache off (``use_cache=False``) except where the cache is what is measured.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from kommunrapport.build.document_source import DocumentSource  # noqa: E402
from kommunrapport.build.package_context import PackageContext  # noqa: E402
from kommunrapport.build.pipeline import build_package  # noqa: E402
from kommunrapport.build.scheduler import available_cores  # noqa: E402
from kommunrapport.project.package import load_package  # noqa: E402
from kommunrapport.writers.pandoc import MARKDOWN_FORMAT, pandoc_path  # noqa: E402

PACKAGE = "kalmar-ks-arsrapport-2022"
DOCX_HTML = ("docx", "html")
SCALES = (1, 4, 16)
PACKAGE_COUNTS = (1, 2, 4)
SCALED_DOCUMENT = "arsrapport"


def median_time(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run_measured(command: list[str]) -> tuple[float, int]:
    """Wall time and peak resident memory (MiB, largest of the process and its children)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"misslyckades: {' '.join(command)}")
    return seconds, usage.ru_maxrss // 1024


# -- plain pandoc on the same Markdown ----------------------------------------------------------


def assembled_markdown(package_dir: Path) -> list[tuple[str, str]]:
    """(document id, Markdown) exactly as our build hands it to pandoc."""
    shared = PackageContext(load_package(package_dir))
    source = DocumentSource(shared, lambda: Path(tempfile.mkdtemp()))
    return [
        (doc.id, source.assemble(index, doc)[1])
        for index, doc in enumerate(shared.config.documents)
    ]


def plain_pandoc(documents: list[tuple[str, str]], workdir: Path) -> None:
    pandoc = pandoc_path()
    for doc_id, markdown in documents:
        source = workdir / f"{doc_id}.md"
        source.write_text(markdown, encoding="utf-8")
        for target, name in (("docx", f"{doc_id}.docx"), ("html5", f"{doc_id}.html")):
            command = [pandoc, "-f", MARKDOWN_FORMAT, "-t", target, "--standalone", "--toc"]
            command += ["--metadata", f"title={doc_id}", "-o", str(workdir / name), str(source)]
            subprocess.run(command, check=True, capture_output=True)


# -- generated packages -----------------------------------------------------------------------

CALL = re.compile(r"""\b(tabell|diagram)\(\s*(["'])(\w+)\2""")


def scaled_package(source: Path, target: Path, factor: int) -> Path:
    """A copy of ``source`` with only its annual report, whose sections (text, tables,
    charts) are repeated ``factor`` times. Copy k gets its own section files and its own table
    and chart views, because table and chart ids must be unique in a document."""
    shutil.copytree(source, target)
    config_path = target / "report.yaml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    tables = yaml.safe_load((target / "tabeller.yaml").read_text(encoding="utf-8")) or {}
    charts_path = target / "diagram.yaml"
    charts = {}
    if charts_path.is_file():
        charts = yaml.safe_load(charts_path.read_text(encoding="utf-8")) or {}
    report = next(d for d in config["dokument"] if d["id"] == SCALED_DOCUMENT)
    config["dokument"] = [report]  # only the report: its size is exactly factor × Kalmar's
    original = report["disposition"]

    def copy_entries(entries: list[dict], copy: int) -> list[dict]:
        out = []
        for entry in entries:
            entry = dict(entry)
            if "fil" in entry:
                relative = Path(entry["fil"])
                new_relative = relative.parent / f"kopia{copy}" / relative.name
                text = (source / relative).read_text(encoding="utf-8")

                def rename(match: re.Match[str], copy: int = copy) -> str:
                    kind, quote, name = match.groups()
                    views = tables if kind == "tabell" else charts
                    new_name = f"{name}_k{copy}"
                    if name in views:
                        views[new_name] = dict(views[name])
                    return f"{kind}({quote}{new_name}{quote}"

                destination = target / new_relative
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_text(CALL.sub(rename, text), encoding="utf-8")
                entry["fil"] = new_relative.as_posix()
            if "underavsnitt" in entry:
                entry["underavsnitt"] = copy_entries(entry["underavsnitt"], copy)
            out.append(entry)
        return out

    report["disposition"] = list(original)
    for copy in range(2, factor + 1):
        report["disposition"] += copy_entries(original, copy)
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
    (target / "tabeller.yaml").write_text(
        yaml.safe_dump(tables, allow_unicode=True, sort_keys=False), "utf-8"
    )
    if charts:
        charts_path.write_text(yaml.safe_dump(charts, allow_unicode=True, sort_keys=False), "utf-8")
    return target


def words(package_dir: Path) -> int:
    return sum(len(markdown.split()) for _id, markdown in assembled_markdown(package_dir))


# -- the run ----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--write-readme", action="store_true", help="skriv bench/README.md")
    args = parser.parse_args()
    repeat = args.repeat
    cores = available_cores()
    lines: list[str] = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    with tempfile.TemporaryDirectory(prefix="kr-bench-") as scratch:
        work = Path(scratch)
        content = work / "repo" / "content"
        content.mkdir(parents=True)
        package = content / PACKAGE
        shutil.copytree(ROOT / "content" / PACKAGE, package)
        out = work / "out"

        def ours(formats: tuple[str, ...], package_dir: Path = package) -> Callable[[], object]:
            return lambda: build_package(package_dir, out, formats, use_cache=False)

        ours(DOCX_HTML)()  # warm up: imports, fonts, pandoc's first start
        documents = assembled_markdown(package)
        package_words = words(package)
        pandoc_dir = work / "pandoc"
        pandoc_dir.mkdir()
        plain_pandoc(documents, pandoc_dir)

        t_ours = median_time(ours(DOCX_HTML), repeat)
        os.environ["KOMMUNRAPPORT_CACHE"] = "0"  # every chart drawn anew, as on a first build
        t_ours_cold = median_time(ours(DOCX_HTML), repeat)
        del os.environ["KOMMUNRAPPORT_CACHE"]
        t_pandoc = median_time(lambda: plain_pandoc(documents, pandoc_dir), repeat)
        t_pdf = median_time(ours(("pdf",)), max(1, repeat // 2))
        t_all = median_time(ours(("docx", "html", "pdf")), max(1, repeat // 2))

        build_package(package, out, ("docx", "html", "pdf"))  # fill the cache
        t_cached = median_time(lambda: build_package(package, out, ("docx", "html", "pdf")), repeat)
        cli = [sys.executable, "-m", "kommunrapport.cli", "build", "--root", str(work / "repo")]
        cli += ["--output", str(out), "-q", PACKAGE]
        t_cached_cli = statistics.median(run_measured(cli)[0] for _ in range(repeat))
        t_import = statistics.median(
            run_measured([sys.executable, "-c", "import kommunrapport.builder"])[0]
            for _ in range(repeat)
        )
        t_full_cli, peak = run_measured([*cli, "--force"])

        scale_rows = []
        for factor in SCALES:
            folder = work / "skala" / "content" / f"kalmar-x{factor}"
            target = scaled_package(package, folder, factor)
            count = words(target)
            seconds = median_time(ours(DOCX_HTML, target), max(1, repeat // 2))
            seconds_pdf = median_time(ours(("pdf",), target), 1)
            scale_rows.append((factor, count, seconds, seconds_pdf))

        count_rows = []
        for count in PACKAGE_COUNTS:
            repo = work / f"paket-{count}"
            for n in range(count):
                shutil.copytree(package, repo / "content" / f"paket-{n + 1}")
            row = [count]
            for jobs in (1, cores):
                command = [sys.executable, "-m", "kommunrapport.cli", "build", "--root", str(repo)]
                command += ["--output", str(work / f"ut-{count}-{jobs}"), "-q", "--force"]
                command += ["--format", "docx,html,pdf", "-j", str(jobs)]
                row.append(statistics.median(run_measured(command)[0] for _ in range(2)))
            count_rows.append(tuple(row))

    say(f"Maskin: {platform.machine()}, {cores} kärnor, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}")  # fmt: skip
    say(f"Paket: {PACKAGE}, {len(documents)} dokument, {package_words} ord "
        f"Markdown; median av {repeat} körningar.")  # fmt: skip
    say()
    say("| Mätning | Tid |")
    say("| --- | ---: |")
    say(
        f"| Vår DOCX + HTML (i processen, utan byggcache; diagram ur diagramcachen) | "
        f"{t_ours:.2f} s |"
    )

    say(f"| Ren pandoc, samma Markdown → DOCX + HTML | {t_pandoc:.2f} s |")
    say(f"| **Kvot vår / pandoc** | **{t_ours / t_pandoc:.2f}×** (mål ≤ 1,5×) |")
    say(
        f"| Vår DOCX + HTML, alla diagram ritade på nytt (ingen diagramcache) | "
        f"{t_ours_cold:.2f} s |"
    )
    say(f"| Kvot utan diagramcache / pandoc | {t_ours_cold / t_pandoc:.2f}× |")

    say(f"| PDF (PDF/UA + PDF/A per dokument) | {t_pdf:.2f} s |")
    say(f"| Alla format (DOCX + HTML + PDF) | {t_all:.2f} s |")
    say(f"| Ombygge, oförändrade källor (i processen) | {t_cached * 1000:.0f} ms (mål < 300 ms) |")
    say(f"| Ombygge, oförändrade källor (kommandot, med Pythons start) | {t_cached_cli:.2f} s |")
    say(f"| varav `import kommunrapport.builder` i en ny process | {t_import:.2f} s |")
    say(f"| Helt bygge som kommando (alla format) | {t_full_cli:.2f} s |")
    say(f"| Högsta minnesanvändning, helt bygge | {peak} MiB |")
    say()
    say(f"Storlek: dokumentet {SCALED_DOCUMENT} ensamt i ett genererat paket, med Kalmars")
    say("avsnitt, tabeller och diagram upprepade. 'Per ord mot 1×' är tiden per ord delad med")
    say("1×-dokumentets tid per ord: 1,00 är linjär tillväxt; under 1 fördelas fasta kostnader.")
    say()
    say("| Storlek | Ord | DOCX + HTML | per ord mot 1× | PDF | per ord mot 1× |")
    say("| --- | ---: | ---: | ---: | ---: | ---: |")
    _f, base_words, base, base_pdf = scale_rows[0]
    for factor, count, seconds, seconds_pdf in scale_rows:
        growth = count / base_words
        say(f"| {factor}× | {count} | {seconds:.2f} s | {seconds / base / growth:.2f} | "
            f"{seconds_pdf:.2f} s | {seconds_pdf / base_pdf / growth:.2f} |")  # fmt: skip
    say()
    say(f"Antal paket (kopior av Kalmar, alla format, `--force`), en process mot `-j {cores}`:")
    say()
    say(f"| Paket | `-j 1` | `-j {cores}` | Uppsnabbning |")
    say("| ---: | ---: | ---: | ---: |")
    for count, serial, parallel in count_rows:
        say(f"| {count} | {serial:.2f} s | {parallel:.2f} s | {serial / parallel:.2f}× |")

    if args.write_readme:
        write_readme(lines, repeat)
    return 0


def write_readme(lines: list[str], repeat: int) -> None:
    readme = Path(__file__).with_name("README.md")
    text = readme.read_text(encoding="utf-8") if readme.is_file() else ""
    start, end = "<!-- resultat:start -->", "<!-- resultat:slut -->"
    command = f"python bench/run.py --repeat {repeat} --write-readme"
    block = f"{start}\n\nKommando: `{command}`\n\n" + "\n".join(lines) + f"\n\n{end}"
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    readme.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())

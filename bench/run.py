"""Benchmark: kommunrapport measured the way users run it.

    python bench/run.py [--repeat 5] [--repeat-slow 3] [--skip r,jobb] [--write-readme]

Every figure comes from whole commands (``kommunrapport build …``, ``pandoc …``,
``Rscript …``) started as processes, in interleaved rounds on the same machine state, with
CPU time and memory of the whole process tree. See bench/README.md for what is compared and
why; ``--write-readme`` rewrites its results section.

Sections (``--skip``/``--only`` take their names):

    pandoc   our DOCX + HTML build of Kalmar (warm cache, and a first build with an empty
             cache) against plain pandoc making DOCX and standalone HTML of the same Markdown
    minne    peak memory of the whole process tree (DOCX + HTML, all formats, first build)
    ombygge  a rebuild with unchanged sources, as a command, next to Python's bare start
    alla     all formats against DOCX + HTML
    pdf      our PDF against the pandoc → typst floor
    jobb     four copies of Kalmar with -j 1 and -j 2 (all formats, and DOCX + HTML)
    r        R Markdown + flextable on the same content against our DOCX + HTML
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
from pathlib import Path

import paired
import report
import rmarkdown
import tree
import workloads as w
from report import Results, number, ratio_text, seconds

SECTIONS = ("pandoc", "minne", "ombygge", "alla", "pdf", "jobb", "r")
DOCX_HTML_LABEL = "DOCX + HTML"


def say(text: str) -> None:
    print(text, flush=True)


def section_pandoc(s: w.Scratch, assembled: w.Assembled, repeat: int, results: Results) -> None:
    say("Vår DOCX + HTML mot ren pandoc …")
    sides = {
        "varm": w.our_build(s, w.DOCX_HTML),
        "ändrad": w.our_build(s, w.DOCX_HTML, edited=True),
        "första": w.our_build(s, w.DOCX_HTML, first=True),
        "pandoc": w.plain_pandoc(assembled, s.folder / "pandoc"),
    }
    office = w.libreoffice()
    if office is not None:  # what of a first build is LibreOffice's, and what is ours
        sides["första-utan-lo"] = w.first_build_without_libreoffice(s, w.DOCX_HTML)
        sides["lo"] = w.libreoffice_alone(s, office)
    rounds = paired.interleaved(sides, repeat, progress=say)
    warm, first = rounds.ratio("varm", "pandoc"), rounds.ratio("första", "pandoc")
    results.figure(
        "DOCX + HTML mot ren pandoc, varm cache (vägg)",
        ratio_text(rounds, "varm", "pandoc"),
        "≤ 1,3×",
        warm <= 1.3,
    )
    results.figure(
        "DOCX + HTML mot ren pandoc, varm cache (CPU)", ratio_text(rounds, "varm", "pandoc", "cpu")
    )
    results.figure(
        "DOCX + HTML mot ren pandoc, varm cache, en ny mening i ett avsnitt (vägg)",
        ratio_text(rounds, "ändrad", "pandoc"),
    )
    results.figure(
        "DOCX + HTML mot ren pandoc, första bygget, tom cache (vägg)",
        ratio_text(rounds, "första", "pandoc"),
        "≤ 2×",
        first <= 2,
    )
    results.figure(
        "DOCX + HTML mot ren pandoc, första bygget (CPU)",
        ratio_text(rounds, "första", "pandoc", "cpu"),
    )
    names = {
        "varm": "`kommunrapport build` DOCX + HTML, varm cache",
        "ändrad": "`kommunrapport build` DOCX + HTML, varm cache, en ny mening i rapporten",
        "första": "`kommunrapport build` DOCX + HTML, första bygget (tom cache och utmapp)",
        "pandoc": f"ren pandoc: {2 * len(assembled.documents)} kommandon i följd",
    }
    if office is None:
        results.note("LibreOffice saknas: första bygget mäts inte uppdelat på LibreOffice och oss.")
    else:
        results.figure(
            "LibreOffice ensamt, de tre DOCX med innehållsförteckning, ny profil, mot ren pandoc "
            "(vägg; golvet för ett första bygge med sidnummer)",
            ratio_text(rounds, "lo", "pandoc"),
        )
        results.figure(
            "DOCX + HTML mot ren pandoc, första bygget utan LibreOffice (vägg)",
            ratio_text(rounds, "första-utan-lo", "pandoc"),
        )
        names["lo"] = "`soffice --convert-to pdf` av de tre DOCX med innehållsförteckning"
        names["första-utan-lo"] = "`kommunrapport build` DOCX + HTML, första bygget, utan LO"
    results.times(rounds, names)


def section_memory(s: w.Scratch, assembled: w.Assembled, repeat: int, results: Results) -> None:
    say("Minne, hela processträdet …")
    cases = [
        ("`kommunrapport build` DOCX + HTML, varm cache", w.our_build(s, w.DOCX_HTML, memory=True)),
        (
            "`kommunrapport build` alla format, varm cache",
            w.our_build(s, w.ALL_FORMATS, memory=True),
        ),
        (
            "`kommunrapport build` alla format, första bygget",
            w.our_build(s, w.ALL_FORMATS, first=True, memory=True),
        ),
        ("ren pandoc, DOCX + HTML", w.plain_pandoc(assembled, s.folder / "pandoc", memory=True)),
    ]
    peaks = {}
    for label, side in cases:
        runs = [side() for _ in range(repeat)]
        worst = max(runs, key=lambda r: r.peak_rss or 0)
        results.memory.append((label, worst))
        peaks[label] = worst
        rss, pss = number(worst.peak_rss or 0, 0), number(worst.peak_pss or 0, 0)
        say(f"    {label}: RSS {rss} MiB, PSS {pss} MiB")
    for label, key in (
        ("Minne, DOCX + HTML (högsta RSS-summa; PSS-summa)", cases[0][0]),
        ("Minne, alla format (högsta RSS-summa; PSS-summa)", cases[1][0]),
    ):
        run = peaks[key]
        value = f"{number(run.peak_rss or 0, 0)} MiB; {number(run.peak_pss or 0, 0)} MiB"
        target = "≤ 300 MiB" if "alla" in label else ""
        met = (run.peak_rss or 0) <= 300 if target else None
        results.figure(label, value, target, met)


def section_rebuild(s: w.Scratch, repeat: int, results: Results) -> None:
    say("Ombygge utan ändrade källor …")
    rounds = paired.interleaved(
        {"ombygge": w.unchanged_rebuild(s), "python": w.python_start()}, repeat, progress=say
    )
    rebuild = rounds.median("ombygge")
    results.figure(
        "Ombygge med oförändrade källor, som kommando (median)",
        f"{seconds(rebuild)} (Pythons egen start: {seconds(rounds.median('python'))})",
        "≤ 0,1 s",
        rebuild <= 0.1,
    )
    results.times(
        rounds,
        {"ombygge": "`kommunrapport build` utan ändringar", "python": "`python -c pass`"},
    )


def section_all_formats(s: w.Scratch, repeat: int, results: Results) -> None:
    say("Alla format mot DOCX + HTML …")
    rounds = paired.interleaved(
        {"alla": w.our_build(s, w.ALL_FORMATS), "docx": w.our_build(s, w.DOCX_HTML)},
        repeat,
        progress=say,
    )
    results.figure(
        "Alla format mot DOCX + HTML (vägg)",
        ratio_text(rounds, "alla", "docx"),
        "≤ 2×",
        rounds.ratio("alla", "docx") <= 2,
    )
    results.times(rounds, {"alla": "`kommunrapport build` alla format, varm cache"})


def section_pdf(s: w.Scratch, assembled: w.Assembled, repeat: int, results: Results) -> None:
    engine = w.toolkit_pdf_engine()
    if engine != "typst":
        results.note(
            f"PDF mot golvet pandoc → typst hoppades över: verktygets PDF görs ännu med {engine}."
        )
        return
    if not w.typst_available():
        results.note("PDF mot golvet pandoc → typst hoppades över: paketet typst saknas.")
        return
    say("PDF mot pandoc → typst …")
    rounds = paired.interleaved(
        {
            # every document compiled, as the floor does: all but the kept PDFs is cached
            "pdf": w.our_build(s, ("pdf",), forget=("pdf",)),
            "golv": w.typst_floor(assembled, s.folder / "typst"),
            "varm": w.our_build(s, ("pdf",)),
            "ändrad": w.our_build(s, ("pdf",), edited=True),
        },
        repeat,
        progress=say,
    )
    results.figure(
        "PDF mot pandoc → typst på samma Markdown, varje dokument kompileras (vägg)",
        ratio_text(rounds, "pdf", "golv"),
        "≤ 1,5×",
        rounds.ratio("pdf", "golv") <= 1.5,
    )
    results.figure(
        "PDF mot pandoc → typst, varje dokument kompileras (CPU)",
        ratio_text(rounds, "pdf", "golv", "cpu"),
    )
    results.figure(
        "PDF mot pandoc → typst, varm cache: inget dokument kompileras (vägg)",
        ratio_text(rounds, "varm", "golv"),
    )
    results.figure(
        "PDF mot pandoc → typst, en ny mening i ett avsnitt: ett dokument kompileras (vägg)",
        ratio_text(rounds, "ändrad", "golv"),
    )
    results.times(
        rounds,
        {
            "pdf": "`kommunrapport build` PDF, varm cache utom PDF:erna",
            "varm": "`kommunrapport build` PDF, varm cache",
            "ändrad": "`kommunrapport build` PDF, varm cache, en ny mening i rapporten",
            "golv": "pandoc -t typst och typst.compile, per dokument",
        },
    )


def section_jobs(s: w.Scratch, repeat: int, results: Results) -> None:
    for formats, name in ((w.ALL_FORMATS, "alla format"), (w.DOCX_HTML, DOCX_HTML_LABEL)):
        say(f"Fyra paket, -j 1 mot -j 2, {name} …")
        rounds = paired.interleaved(
            {"j1": w.jobs_build(s, 4, formats, 1), "j2": w.jobs_build(s, 4, formats, 2)},
            repeat,
            progress=say,
        )
        results.figure(
            f"Fyra paket, `-j 2` mot `-j 1`, {name} (uppsnabbning, vägg)",
            ratio_text(rounds, "j1", "j2"),
            "≥ 1,6×",
            rounds.ratio("j1", "j2") >= 1.6,
        )
        results.times(
            rounds,
            {"j1": f"fyra paket, {name}, `-j 1`", "j2": f"fyra paket, {name}, `-j 2`"},
        )


def section_r(s: w.Scratch, assembled: w.Assembled, repeat: int, results: Results) -> None:
    reason = rmarkdown.missing_r()
    if reason:
        results.note(f"R Markdown + flextable hoppades över: {reason}.")
        return
    say("R Markdown + flextable mot vår DOCX + HTML …")
    rounds = paired.interleaved(
        {
            "r": rmarkdown.r_markdown(assembled, s.folder / "rmarkdown"),
            "vi": w.our_build(s, w.DOCX_HTML),
        },
        repeat,
        progress=say,
    )
    results.figure(
        "R Markdown + flextable mot vår DOCX + HTML (vi är … gånger snabbare, vägg)",
        ratio_text(rounds, "r", "vi"),
        "≥ 5×",
        rounds.ratio("r", "vi") >= 5,
    )
    results.figure(
        "R Markdown + flextable mot vår DOCX + HTML (CPU)", ratio_text(rounds, "r", "vi", "cpu")
    )
    results.times(rounds, {"r": "`Rscript render.R`: alla dokument till DOCX och HTML"})


def parse_sections(text: str) -> set[str]:
    names = {part.strip() for part in text.split(",") if part.strip()}
    unknown = names - set(SECTIONS)
    if unknown:
        raise argparse.ArgumentTypeError(f"okänd del: {', '.join(sorted(unknown))}")
    return names


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--repeat", type=int, default=5, help="omgångar för de snabba jämförelserna"
    )
    parser.add_argument(
        "--repeat-slow", type=int, default=3, help="omgångar för alla format, -j, PDF och R"
    )
    parser.add_argument("--memory-repeat", type=int, default=3, help="körningar per minnesmätning")
    parser.add_argument("--skip", type=parse_sections, default=set(), help="delar att hoppa över")
    parser.add_argument("--only", type=parse_sections, default=None, help="bara dessa delar")
    parser.add_argument(
        "--write-readme", action="store_true", help="skriv in resultatet i bench/README.md"
    )
    args = parser.parse_args()
    chosen = [n for n in SECTIONS if (args.only is None or n in args.only) and n not in args.skip]
    command = shlex.join(["python", "bench/run.py", *sys.argv[1:]])
    load_start = os.getloadavg()
    r_version = None if rmarkdown.missing_r() else rmarkdown.r_version()
    typst_version = None
    if w.typst_available():
        from importlib.metadata import version

        typst_version = version("typst")
    facts = report.machine_facts(w.pandoc_binary(), r_version, typst_version)
    for fact in facts:
        say(fact)
    say(f"Lastmedel vid start: {report.load_text(load_start)}")
    results = Results()
    with tempfile.TemporaryDirectory(prefix="kr-bench-") as folder:
        s = w.Scratch.create(Path(folder))
        say("Fyller cachen (diagram, mallar) med ett bygge av alla format …")
        w.warm_up_cache(s)
        assembled = w.assemble(s)
        package_line = (
            f"Paket: {w.PACKAGE}, {len(assembled.documents)} dokument, {assembled.words} ord "
            "Markdown till pandoc."
        )
        try:
            if "pandoc" in chosen:
                section_pandoc(s, assembled, args.repeat, results)
            if "minne" in chosen:
                section_memory(s, assembled, args.memory_repeat, results)
            if "ombygge" in chosen:
                section_rebuild(s, args.repeat, results)
            if "alla" in chosen:
                section_all_formats(s, args.repeat_slow, results)
            if "pdf" in chosen:
                section_pdf(s, assembled, args.repeat_slow, results)
            if "jobb" in chosen:
                section_jobs(s, args.repeat_slow, results)
            if "r" in chosen:
                section_r(s, assembled, args.repeat_slow, results)
        except tree.CommandFailed as error:
            raise SystemExit(f"ett kommando misslyckades: {error}") from None
    load_end = os.getloadavg()
    block = report.render(results, command, facts, load_start, load_end, package_line)
    say("")
    say(block)
    if args.write_readme:
        report.write_readme(block)
    return 0


if __name__ == "__main__":
    sys.exit(main())

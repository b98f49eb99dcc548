"""``kommunrapport build``: build report packages into DOCX, HTML and PDF (in parallel)."""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from ..build.cache import unchanged_build
from ..build.scheduler import Scheduler, Share, available_cores
from ..errors import Findings, KommunrapportError, Severity, internal_error, strict_failure
from ..formats import FORMATS
from ..project.paths import display_path
from .common import (
    add_packages_argument,
    add_root_argument,
    package_dirs,
    parse_formats,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (an unchanged rebuild)
if TYPE_CHECKING:
    from ..writers.libreoffice_head_start import HeadStart


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("build", help="bygg ett eller flera rapportpaket")
    add_packages_argument(parser)

    parser.add_argument(
        "--format",
        type=parse_formats,
        default=FORMATS,
        help=f"kommaseparerade format ({', '.join(FORMATS)}; standard: alla)",
    )
    parser.add_argument(
        "--output", type=Path, default=None, help="utdatamapp (standard: output/ i rapportförrådet)"
    )
    add_root_argument(parser)
    parser.add_argument(
        "--strict",
        action="store_true",
        help="behandla varningar som fel: inget skrivs och koden blir 1",
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="skriv bara varningar, fel och summering"
    )
    parser.add_argument(
        "-j",
        "--jobs",
        type=_positive_int,
        default=None,
        metavar="N",
        help=(
            "hur mycket som byggs samtidigt: paket sida vid sida, och filerna i ett paket "
            f"(standard: antal kärnor, här {available_cores()})"
        ),
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="bygg om även om inga källor har ändrats sedan förra bygget",
    )
    parser.set_defaults(func=run)


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"ange ett heltal från 1 och uppåt, inte {value!r}")
    return number


@dataclass
class Outcome:
    """What building one package printed and produced; the lines are printed in package
    order, also when packages are built in parallel."""

    lines: list[tuple[bool, str]] = field(default_factory=list)  # (to stderr, text)
    written: int = 0
    warnings: int = 0
    failed: bool = False


@dataclass(frozen=True)
class BuildJob:
    package_dir: Path
    output: Path
    root: Path
    formats: tuple[str, ...]
    strict: bool
    quiet: bool
    use_cache: bool


def build_one(job: BuildJob, emit: Callable[[bool, str], None], share: Share) -> Outcome:
    """Build one package; every message goes through ``emit(to_stderr, text)``."""
    outcome = Outcome()

    def say(text: str) -> None:
        if not job.quiet:
            emit(False, text)

    say(f"Bygger {job.package_dir.name} …")
    try:
        return _build_one(job, emit, share, outcome, say)
    except Exception as error:  # a bug: reported for this package, the others still build
        from ..project.source_files import last_read

        failure = internal_error(error, job.package_dir.name, last_read(job.package_dir))
        return _report_failure(failure, job, Outcome(), emit)


def _build_one(
    job: BuildJob,
    emit: Callable[[bool, str], None],
    share: Share,
    outcome: Outcome,
    say: Callable[[str], None],
) -> Outcome:
    # Unchanged sources: reuse the outputs without importing the pipeline at all (hashing the
    # sources is all an unchanged rebuild costs).
    cached = unchanged_build(job.package_dir, job.output, job.formats) if job.use_cache else None
    if cached is not None:
        return _report_unchanged(cached.findings, len(cached.files), job, outcome, emit, say)
    head_start = _start_libreoffice(job)  # before the import: it starts while Python works
    try:
        build_package = _pipeline().build_package  # the whole pipeline: only when needed
        result = build_package(
            job.package_dir,
            job.output,
            job.formats,
            progress=say,
            strict=job.strict,
            use_cache=job.use_cache,
            share=share,
            head_start=head_start,
        )
    except KommunrapportError as error:
        return _report_failure(error, job, outcome, emit)
    finally:
        if head_start is not None:
            head_start.close()
    for finding in result.findings:
        outcome.warnings += finding.severity is Severity.WARNING
        emit(True, f"  {finding}")
    if result.unchanged:
        say(
            f"  oförändrat sedan förra bygget: {len(result.unchanged)} filer behölls "
            "(ingen källa har ändrats)"
        )
    outcome.written = len(result.written)
    for path in result.written:
        say(f"  skrev {display_path(path, job.root)}")
    return outcome


def _start_libreoffice(job: BuildJob) -> HeadStart | None:
    """LibreOffice for the DOCX page numbers, started now if the build will probably need it
    (``writers.libreoffice_head_start``)."""
    if "docx" not in job.formats:
        return None
    from ..build.cache import docx_sources_digest
    from ..writers.libreoffice_head_start import HeadStart

    digest = docx_sources_digest(job.package_dir)
    return HeadStart.begin(digest) if digest is not None else None


def _pipeline() -> ModuleType:
    """``build.pipeline``, imported the first time with Python's garbage collector paused, and
    its objects then frozen (``gc.freeze``). Importing it makes some 50,000 objects that the
    collector tracks, none of them garbage; it would walk them again and again while they are
    made, and in every full collection of the build after. Kalmar's warm DOCX + HTML build:
    1.24 s without this, 1.01 s with it (6 paired runs), the same peak memory. Only the first
    import pauses and freezes: a process that builds again (``serve``) would otherwise freeze
    its last build's garbage."""
    name = "kommunrapport.build.pipeline"
    if name not in sys.modules:
        enabled = gc.isenabled()
        gc.disable()
        try:
            importlib.import_module(name)
        finally:
            gc.freeze()
            if enabled:
                gc.enable()
    return sys.modules[name]


def _report_failure(
    error: KommunrapportError, job: BuildJob, outcome: Outcome, emit: Callable[[bool, str], None]
) -> Outcome:
    outcome.failed = True
    emit(True, f"FEL i {job.package_dir.name}: {error}")
    emit(True, "  Inga filer skrevs om för paketet; tidigare utdata är orörda.")
    return outcome


def _report_unchanged(
    findings: Findings,
    kept: int,
    job: BuildJob,
    outcome: Outcome,
    emit: Callable[[bool, str], None],
    say: Callable[[str], None],
) -> Outcome:
    """The last build's warnings again (and, with --strict, its failure), nothing written."""
    failure = strict_failure(findings) if job.strict else None
    if failure is not None:
        return _report_failure(failure, job, outcome, emit)
    for finding in findings:
        outcome.warnings += finding.severity is Severity.WARNING
        emit(True, f"  {finding}")
    say(f"  oförändrat sedan förra bygget: {kept} filer behölls (ingen källa har ändrats)")
    return outcome


def _build_collected(job: BuildJob, share: Share) -> Outcome:
    """Build one package and keep its messages for the parent to print in package order."""
    lines: list[tuple[bool, str]] = []
    outcome = build_one(job, lambda to_stderr, text: lines.append((to_stderr, text)), share)
    outcome.lines = lines
    return outcome


def _print(to_stderr: bool, text: str) -> None:
    print(text, file=sys.stderr if to_stderr else sys.stdout, flush=True)


def outcomes(jobs: list[BuildJob], workers: int) -> Iterator[Outcome]:
    """Build the packages under one scheduler; yields in job order. Packages built side by
    side print their messages when they finish, one after another as they go."""
    scheduler = Scheduler(workers)
    if scheduler.plan(len(jobs))[0] <= 1:
        yield from scheduler.run(jobs, lambda job, share: build_one(job, _print, share))
        return
    for outcome in scheduler.run(jobs, _build_collected):
        for to_stderr, text in outcome.lines:
            _print(to_stderr, text)
        yield outcome


def run(args: argparse.Namespace) -> int:
    root = args.root.resolve()
    output = (args.output or root / "output").resolve()
    started = time.perf_counter()
    jobs = [
        BuildJob(package_dir, output, root, args.format, args.strict, args.quiet, not args.force)
        for package_dir in package_dirs(args.packages, root)
    ]
    failures = warnings = written_total = 0
    for outcome in outcomes(jobs, args.jobs or available_cores()):
        failures += outcome.failed
        warnings += outcome.warnings
        written_total += outcome.written
    seconds = time.perf_counter() - started
    print(
        f"Klart: {written_total} filer skrivna, {warnings} varningar, {failures} paket med fel "
        f"({seconds:.1f} s)."
    )
    from ..project.user_cache import prune

    prune()  # entries no build has used for a month, at most once a day
    return 1 if failures else 0

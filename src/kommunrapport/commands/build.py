"""``kommunrapport build``: build report packages into DOCX and HTML."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..builder import FORMATS, build_package
from ..errors import KommunrapportError, Severity
from .common import add_root_argument, package_dirs, parse_formats, short_path


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("build", help="bygg ett eller flera rapportpaket")
    parser.add_argument(
        "packages",
        nargs="*",
        metavar="PAKET",
        help="paket-id under content/ eller sökväg (standard: alla)",
    )
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
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    root = args.root.resolve()
    output = (args.output or root / "output").resolve()
    started = time.perf_counter()
    say = (lambda _m: None) if args.quiet else (lambda m: print(m, flush=True))
    failures = warnings = written_total = 0
    for package_dir in package_dirs(args.packages, root):
        say(f"Bygger {package_dir.name} …")
        try:
            result = build_package(
                package_dir, output, args.format, progress=say, strict=args.strict
            )
        except KommunrapportError as error:
            failures += 1
            print(f"FEL i {package_dir.name}: {error}", file=sys.stderr)
            print("  Inga filer skrevs om för paketet; tidigare utdata är orörda.", file=sys.stderr)
            continue
        for finding in result.findings:
            warnings += finding.severity is Severity.WARNING
            print(f"  {finding}", file=sys.stderr)
        written_total += len(result.written)
        for path in result.written:
            say(f"  skrev {short_path(path, root)}")
    seconds = time.perf_counter() - started
    print(
        f"Klart: {written_total} filer skrivna, {warnings} varningar, {failures} paket med fel "
        f"({seconds:.1f} s)."
    )
    return 1 if failures else 0

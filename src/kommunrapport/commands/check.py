"""``kommunrapport check``: every validation of a build, without writing any output."""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from ..formats import FORMATS
from .common import add_packages_argument, add_root_argument, package_dirs, parse_formats

OUTPUT_FORMATS = ("text", "json", "github")


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "check",
        help="kontrollera rapportpaket utan att skriva några filer",
        description=(
            "Kör alla kontroller som ett bygge gör (report.yaml, mallar, data, belopp i "
            "texten, alternativtexter, mallrester som 'Myndighet/nämnd/namn') utan att skriva "
            "några filer. Koden blir 1 om något fel hittas, och med --strict även vid varningar."
        ),
    )
    add_packages_argument(parser)

    parser.add_argument(
        "--format",
        dest="output_format",
        choices=OUTPUT_FORMATS,
        default="text",
        help="text (standard), json, eller github (anteckningar i GitHub Actions)",
    )
    parser.add_argument(
        "--bygg-format",
        dest="build_formats",
        type=parse_formats,
        default=("docx", "html"),
        help=(
            f"vilka dokumentformat som byggs i minnet ({', '.join(FORMATS)}; standard: "
            "docx,html, eftersom PDF:en skrivs ut från HTML-sidan och tar längst tid)"
        ),
    )
    parser.add_argument("--strict", action="store_true", help="varningar ger också felkod 1")
    add_root_argument(parser)
    parser.set_defaults(func=run)


def git_prefix(root: Path) -> str:
    """The report repository's folder inside its git repository ('' at the top or outside)."""
    try:
        completed = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--show-prefix"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return ""
    return completed.stdout.strip() if completed.returncode == 0 else ""


def run(args: argparse.Namespace) -> int:
    from ..review.check import check_package
    from ..review.finding_formats import format_github, format_json, format_text

    root = args.root.resolve()

    started = time.perf_counter()
    results = [check_package(d, args.build_formats) for d in package_dirs(args.packages, root)]
    stream = sys.stdout
    if hasattr(stream, "reconfigure"):
        stream.reconfigure(encoding="utf-8")
    if args.output_format == "json":
        stream.write(format_json(results))
    elif args.output_format == "github":
        stream.write(format_github(results, git_prefix(root)))
    else:
        stream.write(format_text(results))
        errors = sum(len(r.errors) for r in results)
        warnings = sum(len(r.warnings) for r in results)
        seconds = time.perf_counter() - started
        stream.write(
            f"Klart: {len(results)} paket kontrollerade, {errors} fel, {warnings} varningar "
            f"({seconds:.1f} s). Inga filer skrevs.\n"
        )
    return 1 if any(r.failed(args.strict) for r in results) else 0

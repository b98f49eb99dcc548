"""``kommunrapport import-docx``: a reviewed DOCX's edits and comments back into the sources."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

OUTPUT_FORMATS = ("text", "github")


def register(sub: argparse._SubParsersAction) -> None:
    from .common import add_root_argument

    parser = sub.add_parser(
        "import-docx",
        help="för in ändringar från en granskad DOCX-fil i Markdown-filerna",
        description=(
            "Läser en DOCX-fil som verktyget har byggt och som någon har ändrat i Word "
            "(direkt eller med Spåra ändringar) och för in ändringarna i paketets "
            "Markdown-filer i arbetskopian. Uttryck som {{ … }} behålls. Ändringar som inte kan "
            "föras in säkert (siffror från data, tabeller, nya rubriker) listas med var de ska "
            "göras, och kommentarerna listas med fil, rad och författare. Granska resultatet "
            "med git diff och checka in det."
        ),
    )
    parser.add_argument("package", metavar="PAKET", help="paket-id under content/ eller sökväg")
    parser.add_argument("docx", metavar="DOCX", type=Path, help="den granskade DOCX-filen")
    parser.add_argument(
        "--format",
        dest="output_format",
        choices=OUTPUT_FORMATS,
        default="text",
        help="text (standard) eller github (anteckningar i GitHub Actions)",
    )
    add_root_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..project.paths import locate_package
    from ..roundtrip.import_docx import import_docx
    from ..roundtrip.import_report import format_github, format_text
    from .check import git_prefix

    root = args.root.resolve()
    result = import_docx(locate_package(args.package, root), args.docx)
    stream = sys.stdout
    if hasattr(stream, "reconfigure"):
        stream.reconfigure(encoding="utf-8")
    if args.output_format == "github":
        stream.write(format_github(result, git_prefix(root)))
    else:
        stream.write(format_text(result))
    return 0

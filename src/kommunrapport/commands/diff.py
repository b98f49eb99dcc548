"""``kommunrapport diff``: the figures and sentences that changed between two git revisions."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO


def register(sub: argparse._SubParsersAction) -> None:
    from .common import add_root_argument

    parser = sub.add_parser(
        "diff",
        help="visa ändrade siffror och meningar mellan två git-revisioner",
        description=(
            "Jämför rapportpaketen vid två git-revisioner: ändrade celler i arbetsböckerna "
            "(gammalt → nytt värde), nya och borttagna rader, och ändrade meningar i den "
            "färdiga texten (med {{ … }} ifyllda). Utan REV2 jämförs med arbetskopian."
        ),
    )
    parser.add_argument("old", metavar="REV", help="revisionen att jämföra från, t.ex. main")
    parser.add_argument(
        "new", metavar="REV2", nargs="?", default=None, help="jämför till (standard: arbetskopian)"
    )
    parser.add_argument(
        "-p",
        "--paket",
        dest="packages",
        action="append",
        default=[],
        metavar="PAKET",
        help="bara detta paket (kan anges flera gånger; standard: alla)",
    )
    parser.add_argument(
        "--markdown",
        action="store_true",
        help="skriv Markdown för en kommentar i en pull request",
    )
    parser.add_argument(
        "--docx",
        type=Path,
        metavar="FIL",
        help=(
            "skriv den nyare revisionens dokument som DOCX med alla ändringar sedan REV som "
            "spårade ändringar i Word (flera dokument: FIL-<dokument>.docx)"
        ),
    )
    parser.add_argument(
        "--dokument",
        dest="documents",
        action="append",
        default=[],
        metavar="ID",
        help="med --docx: bara detta dokument (standard: alla som ändrats)",
    )
    add_root_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..review.revision_diff import diff_revisions, format_markdown, format_text

    stream = sys.stdout
    if hasattr(stream, "reconfigure"):
        stream.reconfigure(encoding="utf-8")
    if args.docx is not None:
        return write_redlines(args, stream)
    result = diff_revisions(args.root.resolve(), args.old, args.new, args.packages)
    stream.write(format_markdown(result) if args.markdown else format_text(result))
    return 0


def write_redlines(args: argparse.Namespace, stream: TextIO) -> int:
    from ..roundtrip.revision_docx import redline_revisions

    root = args.root.resolve()
    written = redline_revisions(root, args.old, args.new, args.docx, args.packages, args.documents)
    if not written:
        stream.write(f"Inga ändringar i dokumenten sedan {args.old}; ingen fil skrevs.\n")
    for item in written:
        stream.write(f"skrev {item.path} ({item.package_id}/{item.document}): {item.summary()}\n")
    return 0

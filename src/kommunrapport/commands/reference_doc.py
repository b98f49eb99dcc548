"""``kommunrapport referensdokument``: write the default reference DOCX to start a profile."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "referensdokument",
        help="skriv standardreferensdokumentet (DOCX) att göra kommunens grafiska profil av",
    )
    parser.add_argument("target", type=Path, help="filen som ska skrivas, t.ex. min-profil.docx")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..writers.reference_docx import make_reference_docx

    make_reference_docx(args.target)
    print(f"Skrev {args.target}")
    return 0

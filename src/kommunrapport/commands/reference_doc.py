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
    from ..errors import KommunrapportError, Location
    from ..writers.reference_docx import make_reference_docx

    if not args.target.parent.is_dir():
        raise KommunrapportError(
            f"mappen {args.target.parent} finns inte",
            Location(str(args.target)),
            "Skapa mappen först, eller ange en fil i en mapp som finns.",
        )
    try:
        make_reference_docx(args.target)
    except OSError as error:
        raise KommunrapportError(
            f"filen kan inte skrivas: {error.strerror or error}",
            Location(str(args.target)),
            "Stäng filen om den är öppen i Word, eller välj ett annat namn.",
        ) from None
    print(f"Skrev {args.target}")
    return 0

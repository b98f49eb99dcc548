"""``kommunrapport xlsx-text``: print a workbook as line-based text (a git textconv driver)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "xlsx-text",
        help="skriv en arbetsbok som text, en rad per cell (för git diff)",
        description=(
            "Skriver arbetsbokens celler som text: blad, cellreferens och värde, en rad per "
            "cell som inte är tom. Formler visas med sitt senast beräknade värde. Används som "
            "textconv i git: git config diff.xlsx.textconv 'kommunrapport xlsx-text'."
        ),
    )
    parser.add_argument("file", type=Path, metavar="FIL", help="arbetsboken (.xlsx)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..review.xlsx_text import workbook_text

    text = workbook_text(args.file)
    stream = sys.stdout
    if hasattr(stream, "reconfigure"):
        stream.reconfigure(encoding="utf-8")
    stream.write(text)
    return 0

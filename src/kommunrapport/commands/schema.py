"""``kommunrapport schema``: JSON Schemas for report.yaml, tabeller.yaml and diagram.yaml, so an
editor (VS Code's YAML extension) completes keys and flags mistakes while the writer types."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "schema",
        help="skriv JSON-scheman för report.yaml, tabeller.yaml och diagram.yaml (för VS Code)",
        description=(
            "Skriver report.schema.json, tabeller.schema.json och diagram.schema.json i mappen "
            "som anges med --ut (utan --ut skrivs report.yaml:s schema på skärmen). Se "
            "docs/kom-igang.md för hur VS Code använder dem."
        ),
    )
    parser.add_argument(
        "--ut", dest="target", type=Path, metavar="MAPP", help="mappen att skriva i"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..authoring.config_schema import FILES, schema_texts

    texts = schema_texts()
    if args.target is None:
        sys.stdout.write(texts[FILES["report"]])
        return 0
    args.target.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (args.target / name).write_text(text, encoding="utf-8")
        print(f"Skrev {args.target / name}")
    return 0

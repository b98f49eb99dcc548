"""The ``kommunrapport`` command: a thin dispatcher over the modules in ``commands/``."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from .errors import KommunrapportError, internal_error

# Each module in commands/ registers one subcommand; the order here is the order in --help.
COMMAND_MODULES = [
    "build",
    "check",
    "diff",
    "import_docx",
    "new",
    "reference_doc",
    "schema",
    "serve",
    "spara",
    "xlsx_text",
]


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kommunrapport",
        description="Bygger nämndens rapporter från Markdown och kalkylblad till DOCX och HTML.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO")
    for name in COMMAND_MODULES:
        importlib.import_module(f"kommunrapport.commands.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except KommunrapportError as error:
        print(f"FEL: {error}", file=sys.stderr)
        return 1
    except Exception as error:  # a bug: a message that says so, not a traceback
        print(f"FEL: {internal_error(error)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

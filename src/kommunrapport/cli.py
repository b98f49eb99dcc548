"""The ``kommunrapport`` command: a thin dispatcher over the modules in ``commands/``."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from .errors import KommunrapportError, internal_error

# Each module in commands/ registers one subcommand (name → module); the order here is the
# order in --help. Only the chosen command's module is imported: a no-change rebuild should not
# pay for the imports of nine other commands.
COMMANDS = {
    "build": "build",
    "check": "check",
    "diff": "diff",
    "import-docx": "import_docx",
    "new": "new",
    "referensdokument": "reference_doc",
    "schema": "schema",
    "serve": "serve",
    "spåra": "spara",
    "spara": "spara",  # an alias of spåra, for keyboards without å
    "xlsx-text": "xlsx_text",
}


def make_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; given the arguments, only the named command is registered (all of them
    for ``--help``, no command or a misspelt one, so argparse can list them)."""
    parser = argparse.ArgumentParser(
        prog="kommunrapport",
        description="Bygger nämndens rapporter från Markdown och kalkylblad till DOCX och HTML.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO")
    first = next(iter(argv), None) if argv is not None else None
    modules = [COMMANDS[first]] if first in COMMANDS else list(dict.fromkeys(COMMANDS.values()))
    for module in modules:
        importlib.import_module(f"kommunrapport.commands.{module}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    args = make_parser(arguments).parse_args(arguments)
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

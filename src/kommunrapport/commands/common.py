"""Arguments and helpers shared by several subcommands."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import KommunrapportError
from ..formats import FORMATS
from ..project.paths import discover_packages, locate_package


def add_packages_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "packages",
        nargs="*",
        metavar="PAKET",
        help="paket-id under content/ eller sökväg (standard: alla)",
    )


def add_root_argument(parser: argparse.ArgumentParser) -> None:

    parser.add_argument(
        "--root",
        type=Path,
        default=Path.cwd(),
        help="rapportförrådets rot, där content/ ligger (standard: aktuell mapp)",
    )


def parse_formats(value: str) -> tuple[str, ...]:
    formats = tuple(f.strip().lower() for f in value.split(",") if f.strip())
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise argparse.ArgumentTypeError(
            f"okänt format {', '.join(unknown) or value!r}; välj bland {', '.join(FORMATS)}"
        )
    return formats


def package_dirs(names: list[str], root: Path) -> list[Path]:
    """The packages named on the command line, or every package under content/."""
    if names:
        return [locate_package(name, root) for name in names]
    found = discover_packages(root / "content")
    if not found:
        raise KommunrapportError(
            f"inga rapportpaket under {root / 'content'}",
            hint="Skapa content/<paket-id>/report.yaml eller ange ett paket.",
        )
    return found

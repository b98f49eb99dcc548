"""``kommunrapport spåra PAKET "−28 416"``: every place a figure is printed, and its source."""

from __future__ import annotations

import argparse
import sys

from .common import add_root_argument, package_dirs


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "spåra",
        aliases=["spara"],
        help="visa var ett tal står i rapporten och vilken cell eller beräkning det kommer från",
        description=(
            "Bygger paketets webbsidor i minnet (inga filer skrivs) och listar varje ställe där "
            "talet står, i tabeller och i text, med arbetsbok, blad och cell (eller beräkningen "
            "och dess celler). Samma källa tryckt i en annan enhet (−28 416 tkr och −28,4 mnkr) "
            "räknas med."
        ),
    )
    parser.add_argument("package", metavar="PAKET", help="paket-id under content/ eller sökväg")
    parser.add_argument(
        "figure", metavar="TAL", help='talet som det står i rapporten, t.ex. "−28 416"'
    )
    add_root_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..review.figure_trace import printed_figures, trace

    package_dir = package_dirs([args.package], args.root.resolve())[0]
    places = trace(printed_figures(package_dir), args.figure)
    out = sys.stdout
    if hasattr(out, "reconfigure"):
        out.reconfigure(encoding="utf-8")
    if not places:
        out.write(
            f"{args.figure} står inte som ett tal från data i {package_dir.name}.\n"
            'Åtgärd: Skriv talet som det står i rapporten (t.ex. "−28 416" eller '
            '"−28,4 mnkr"); tal som skrivits direkt i texten har ingen källa.\n'
        )
        return 1
    out.write(f"{args.figure} i {package_dir.name}: {len(places)} ställen\n")
    for place in places:
        out.write(f"  {place.document}: {place.where}: {place.printed}\n")
        out.write(f"    källa: {place.source}\n")
    return 0

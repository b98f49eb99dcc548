"""``kommunrapport new``: a new package from a standard structure, or the next period of one."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from ..project.paths import display_path
from .common import add_root_argument


def _year(value: str) -> int:
    try:
        year = int(value)
    except ValueError:
        year = 0
    if not 1990 <= year <= 2100:
        raise argparse.ArgumentTypeError(f"ange ett år mellan 1990 och 2100, inte {value!r}")
    return year


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "new",
        help="skapa ett nytt rapportpaket, eller nästa periods paket från ett befintligt",
        description=(
            "Skapar content/PAKET/ med report.yaml och en Markdown-fil per avsnitt, ordnade "
            "efter standardstrukturen för rapporttypen (templates/strukturer/). Varje fil "
            "berättar vad som ska stå i avsnittet. Med --från kopieras i stället ett befintligt "
            "paket och flyttas fram till nästa period: årtal i rubriker och perioder flyttas, "
            "kolumner för föregående år fylls med det gamla paketets siffror och årets siffror "
            "töms."
        ),
    )
    parser.add_argument(
        "package",
        metavar="PAKET",
        nargs="?",
        help="det nya paketets id (mappnamn); med --från är standard det gamla id:t med nytt år",
    )
    parser.add_argument(
        "--från",
        dest="source",
        metavar="GAMMALT_PAKET",
        help="flytta fram ett befintligt paket (paket-id eller sökväg) till nästa period",
    )
    parser.add_argument(
        "--typ",
        dest="report_type",
        help="rapporttyp: årsrapport, årsberättelse, delårsrapport eller tertialrapport",
    )
    parser.add_argument("--kommun", dest="municipality", help="t.ex. 'Kalmar kommun'")
    parser.add_argument("--nämnd", dest="committee", help="t.ex. Kommunstyrelsen")
    parser.add_argument(
        "--år", dest="year", type=_year, help="rapportens år (med --från: standard året efter)"
    )
    parser.add_argument(
        "--månader",
        dest="months",
        type=int,
        default=None,
        help="periodens längd i månader från januari (standard: enligt rapporttypen)",
    )
    parser.add_argument(
        "--behåll-text",
        dest="keep_text",
        action="store_true",
        help="med --från: behåll förra periodens text som den är (standard: som kommentar)",
    )
    add_root_argument(parser)
    parser.set_defaults(func=run)


_PACKAGE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def run(args: argparse.Namespace) -> int:
    from ..authoring.scaffold import scaffold_package
    from ..errors import KommunrapportError

    root = args.root.resolve()
    if args.source:
        return run_rollover(args, root)
    if not args.package or not _PACKAGE_ID.match(args.package):
        raise KommunrapportError(
            f"paket-id {args.package or ''!r} är inte giltigt",
            hint="Använd små bokstäver a–z, siffror och bindestreck, "
            "t.ex. kalmar-ks-arsrapport-2023.",
        )
    missing = [
        flag
        for flag, value in (
            ("--typ", args.report_type),
            ("--kommun", args.municipality),
            ("--nämnd", args.committee),
            ("--år", args.year),
        )
        if value in (None, "")
    ]
    if missing:
        raise KommunrapportError(
            f"ange {', '.join(missing)} för det nya paketet",
            hint="T.ex. kommunrapport new kalmar-ks-arsrapport-2023 --typ årsrapport "
            "--kommun 'Kalmar kommun' --nämnd Kommunstyrelsen --år 2023",
        )
    target = root / "content" / args.package
    result = scaffold_package(
        target, root, args.report_type, args.municipality, args.committee, args.year, args.months
    )
    print(f"Skapade {len(result.written)} filer i {display_path(target, root)}:")
    for path in result.written:
        print(f"  {display_path(path, root)}")
    print(
        "Skriv texten i Markdown-filerna och fyll i det som är markerat med XX och NN i "
        f"report.yaml. Kör sedan: kommunrapport check {args.package}"
    )
    return 0


def run_rollover(args: argparse.Namespace, root: Path) -> int:
    from ..authoring.rollover import default_package_id, rollover_package
    from ..errors import KommunrapportError
    from ..project.package import load_package, locate_package

    old_dir = locate_package(args.source, root)
    old_year = load_package(old_dir).config.year
    new_year = args.year or old_year + 1
    package_id = args.package or default_package_id(old_dir.name, old_year, new_year)
    if not _PACKAGE_ID.match(package_id):
        raise KommunrapportError(
            f"paket-id {package_id!r} är inte giltigt",
            hint="Använd små bokstäver a–z, siffror och bindestreck.",
        )
    target = root / "content" / package_id
    report = rollover_package(old_dir, target, new_year, keep_text=args.keep_text)
    print(f"Skapade {display_path(target, root)} för {new_year} från {old_dir.name} ({old_year}):")
    for note in report.notes:
        print(f"  {note}")
    print(
        "Klistra in den nya periodens siffror i arbetsböckerna, skriv om texten och kör "
        f"kommunrapport check {package_id}"
    )
    return 0

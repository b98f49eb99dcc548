"""``kommunrapport serve``: preview a package's HTML on localhost, rebuilt on every save."""

from __future__ import annotations

import argparse
import webbrowser


def register(sub: argparse._SubParsersAction) -> None:
    from .common import add_root_argument

    parser = sub.add_parser(
        "serve",
        help="förhandsvisa ett paket i webbläsaren; byggs om vid varje sparning",
        description=(
            "Startar en lokal webbserver som visar paketets HTML. När du sparar en Markdown-fil, "
            "en arbetsbok eller report.yaml byggs sidan om och laddas om i webbläsaren. Fel "
            "visas på sidan. Inga filer skrivs till output/. Avsluta med Ctrl+C."
        ),
    )
    parser.add_argument("package", metavar="PAKET", help="paket-id under content/ eller sökväg")
    parser.add_argument(
        "--port", type=_port, default=8000, help="port (standard: 8000; 0 = välj en ledig)"
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="adress att lyssna på (standard: 127.0.0.1, bara den här datorn)",
    )
    parser.add_argument(
        "--intervall",
        dest="interval",
        type=float,
        default=0.5,
        help="sekunder mellan kontrollerna av ändrade filer (standard: 0,5)",
    )
    parser.add_argument("--öppna", dest="open", action="store_true", help="öppna webbläsaren")
    add_root_argument(parser)
    parser.set_defaults(func=run)


def _port(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = -1
    if not 0 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"porten ska vara ett heltal 0–65535, inte {value!r}")
    return number


def run(args: argparse.Namespace) -> int:
    from ..authoring.preview_server import PreviewServer
    from ..project.package import locate_package

    def say(message: str) -> None:
        print(message, flush=True)

    package_dir = locate_package(args.package, args.root.resolve())
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        say(
            f"VARNING: servern lyssnar på {args.host} och nås från andra datorer i nätverket. "
            "Utkasten syns för alla som når datorn; använd standardadressen 127.0.0.1 om du "
            "bara vill se dem själv."
        )
    server = PreviewServer(package_dir, args.host, args.port, args.interval, say)
    server.start()
    say(f"Förhandsvisning av {package_dir.name} på {server.url}  (avsluta med Ctrl+C)")
    if args.open:
        webbrowser.open(server.url)
    try:
        server.wait()
    except KeyboardInterrupt:
        say("Avslutar.")
    finally:
        server.stop()
    return 0

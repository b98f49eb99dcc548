"""A local preview of a package's HTML that rebuilds on every save: ``kommunrapport serve``.

* A watcher thread polls the modification times of the package's files (Markdown, workbooks,
  report.yaml, images, templates) and of the repository's and built-in templates; when one
  changes, the HTML is rebuilt in memory. Nothing is written to ``output/``.
* The HTTP server (standard library, localhost only by default) serves the last build. A small
  script that asks the server for the build number and reloads the page when it changes is
  added to the pages *as they are served*; the built HTML stays script-free.
* When a build fails, every page shows the error (file, line, what to do) instead of a blank
  screen, and reloads by itself once the error is fixed.
"""

from __future__ import annotations

import contextlib
import html
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from ..build.package_builder import PackageBuilder
from ..errors import KommunrapportError, internal_error
from ..project.package import builtin_templates_dir, load_package, repository_root_for
from ..project.source_files import last_read

VERSION_PATH = "/__kommunrapport/version"
IGNORED_DIRS = {"output", ".git", "__pycache__", "node_modules"}
_CSP_META = re.compile(r"<meta[^>]+http-equiv=[\"']?content-security-policy[^>]*>", re.IGNORECASE)

RELOAD_SCRIPT = """<script>
(function () {{
  var version = "{version}";
  function poll() {{
    fetch("{path}", {{cache: "no-store"}})
      .then(function (r) {{ return r.text(); }})
      .then(function (v) {{ if (v.trim() !== version) {{ location.reload(); }} }})
      .catch(function () {{}})
      .finally(function () {{ setTimeout(poll, {interval}); }});
  }}
  setTimeout(poll, {interval});
}})();
</script>"""

# On hover, a figure shows where it comes from (the data-kalla the build writes on every figure
# from the data): the workbook, sheet and cell, or the computation. Served pages only; the
# tooltip is the browser's own (title), so no table's scroll box can clip it.
SOURCE_HOVER_STYLE = """<style>
[data-kalla] { cursor: help; }
[data-kalla]:hover { outline: 1px dotted #555; }
</style>"""
SOURCE_HOVER_SCRIPT = """
document.querySelectorAll("[data-kalla]").forEach(function (e) {
  e.title = "Källa: " + e.getAttribute("data-kalla");
});
"""

Say = Callable[[str], None]


@dataclass
class Snapshot:
    files: dict[str, tuple[int, int]] = field(default_factory=dict)  # path → (mtime_ns, size)


def _watched(path: Path) -> bool:
    name = path.name
    return not (
        name.startswith((".", "~$", ".~lock"))
        or name.endswith(("~", ".tmp", ".swp"))
        or any(part in IGNORED_DIRS for part in path.parts)
    )


def take_snapshot(folders: list[Path]) -> Snapshot:
    snapshot = Snapshot()
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in folder.rglob("*"):
            relative = path.relative_to(folder)
            if not _watched(relative) or not path.is_file():
                continue
            try:
                stat = path.stat()
            except OSError:
                continue  # removed while we looked
            snapshot.files[str(path)] = (stat.st_mtime_ns, stat.st_size)
    return snapshot


@dataclass
class BuildState:
    """The last build: pages by document id, or the error that stopped it."""

    version: int = 0
    pages: dict[str, bytes] = field(default_factory=dict)
    titles: list[tuple[str, str]] = field(default_factory=list)  # (doc id, title)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0


def error_page(message: str, package_id: str) -> bytes:
    """A readable page instead of a blank screen when the build stops."""
    body = f"""<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Fel i {html.escape(package_id)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 50rem; padding: 0 1rem;
       line-height: 1.5; color: #1f2328; }}
h1 {{ color: #a40e26; font-size: 1.5rem; }}
pre {{ white-space: pre-wrap; background: #fff1f0; border-left: 4px solid #cf222e;
       padding: 1rem; font-size: 1rem; }}
</style>
</head>
<body>
<main>
<h1>Bygget av {html.escape(package_id)} stoppades</h1>
<pre>{html.escape(message)}</pre>
<p>Rätta felet och spara filen. Sidan laddas om av sig själv när bygget lyckas.</p>
</main>
</body>
</html>
"""
    return body.encode("utf-8")


def index_page(state: BuildState, package_id: str) -> bytes:
    items = "\n".join(
        f'<li><a href="/{html.escape(doc_id)}.html">{html.escape(title)}</a></li>'
        for doc_id, title in state.titles
    )
    warnings = ""
    if state.warnings:
        listed = "\n".join(f"<li><pre>{html.escape(w)}</pre></li>" for w in state.warnings)
        warnings = f"<h2>Varningar ({len(state.warnings)})</h2>\n<ul>\n{listed}\n</ul>"
    body = f"""<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Förhandsvisning: {html.escape(package_id)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 50rem; padding: 0 1rem;
       line-height: 1.5; }}
pre {{ white-space: pre-wrap; margin: 0; }}
</style>
</head>
<body>
<main>
<h1>Förhandsvisning: {html.escape(package_id)}</h1>
<ul>
{items}
</ul>
{warnings}
</main>
</body>
</html>
"""
    return body.encode("utf-8")


def warnings_banner(warnings: list[str]) -> str:
    if not warnings:
        return ""
    listed = "".join(f"<li>{html.escape(w)}</li>" for w in warnings)
    return (
        '<details style="position:fixed;bottom:0;right:0;max-width:40rem;max-height:50vh;'
        "overflow:auto;background:#fff8c5;border:1px solid #9a6700;padding:.5rem 1rem;"
        'font:14px system-ui,sans-serif;z-index:1000;white-space:pre-wrap">'
        f"<summary>{len(warnings)} varningar i bygget</summary><ul>{listed}</ul></details>"
    )


def inject(page: bytes, version: int, interval_ms: int, extra: str = "") -> bytes:
    """The built page plus the reload script (and an optional banner), for serving only."""
    text = page.decode("utf-8")
    text = _CSP_META.sub("", text)
    script = RELOAD_SCRIPT.format(version=version, path=VERSION_PATH, interval=interval_ms)
    script = script.replace("</script>", SOURCE_HOVER_SCRIPT + "</script>")
    addition = extra + SOURCE_HOVER_STYLE + script
    index = text.rfind("</body>")
    text = text[:index] + addition + text[index:] if index >= 0 else text + addition
    return text.encode("utf-8")


IDLE_SECONDS = 10
FORBIDDEN_HOST = "Okänd adress i Host; öppna förhandsvisningen via sin egen adress."


def allowed_hosts(host: str, port: int) -> set[str]:
    """The values of a request's Host header that name this server. A name that merely
    resolves to its address (DNS rebinding) is not among them: only the address itself,
    'localhost' for the local machine, and the machine's own names when bound to all."""
    names = {host.lower(), f"[{host.lower()}]"}
    if host in ("127.0.0.1", "::1", "localhost", "0.0.0.0", "::"):
        names |= {"127.0.0.1", "localhost", "[::1]"}
    if host in ("0.0.0.0", "::"):
        with contextlib.suppress(OSError):
            names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
            for info in socket.getaddrinfo(socket.gethostname(), None):
                address = str(info[4][0]).lower()
                names |= {address, f"[{address}]"}
    return {name for base in names for name in (base, f"{base}:{port}")}


class PreviewServer:
    """Builds a package's HTML in memory, rebuilds on changes and serves it on localhost."""

    def __init__(
        self,
        package_dir: Path,
        host: str = "127.0.0.1",
        port: int = 8000,
        interval: float = 0.5,
        say: Say | None = None,
    ):
        self.package_dir = package_dir.resolve()
        self.package_id = self.package_dir.name
        self.interval = interval
        self.say = say or (lambda _m: None)
        self.state = BuildState()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        root = repository_root_for(self.package_dir)
        self.watched = [self.package_dir, root / "templates", builtin_templates_dir()]
        try:
            self.httpd = ThreadingHTTPServer((host, port), self._handler_class())
        except OSError as exc:
            raise KommunrapportError(
                f"kan inte starta servern på {host}:{port}: {exc.strerror or exc}",
                hint="Porten används kanske redan; välj en annan med --port, t.ex. --port 8001.",
            ) from None
        self.httpd.daemon_threads = True
        self.allowed_hosts = allowed_hosts(host, self.httpd.server_address[1])

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}/"

    # -- building -------------------------------------------------------------------------
    def rebuild(self) -> BuildState:
        started = time.perf_counter()
        state = BuildState()
        try:
            package = load_package(self.package_dir)
            builder = PackageBuilder(package, ("html",))
            results = builder.build()
            state.pages = {r.doc_id: r.files["html"] for r in results}
            state.titles = [(r.doc_id, r.title) for r in results]
            state.warnings = [str(f) for f in builder.findings]
        except KommunrapportError as error:
            state.error = str(error)
        except Exception as error:  # the preview survives anything a half-saved file can cause
            failure = internal_error(error, self.package_id, last_read(self.package_dir))
            state.error = str(failure)
        state.seconds = time.perf_counter() - started
        with self._lock:
            state.version = self.state.version + 1
            if state.error and not state.titles:
                state.titles = self.state.titles
            self.state = state
        if state.error:
            self.say(f"FEL: {state.error}")
        else:
            self.say(
                f"Byggde {self.package_id} på {state.seconds:.1f} s "
                f"({len(state.warnings)} varningar)."
            )
            for warning in state.warnings:
                self.say(f"  {warning}")
        return state

    def _watch(self, snapshot: Snapshot) -> None:
        """Rebuild whenever the files differ from ``snapshot`` (taken before the last build)."""
        while not self._stop.wait(self.interval):
            current = take_snapshot(self.watched)
            if current.files == snapshot.files:
                continue
            # Let a save that writes in several steps (Excel) finish before building.
            while not self._stop.wait(min(self.interval, 0.2)):
                settled = take_snapshot(self.watched)
                if settled.files == current.files:
                    break
                current = settled
            snapshot = current
            self.rebuild()

    # -- serving --------------------------------------------------------------------------
    def response(self, path: str) -> tuple[int, str, bytes]:
        """(status, content type, body) for a request path."""
        with self._lock:
            state = self.state
        interval_ms = max(int(self.interval * 1000), 200)
        if path == VERSION_PATH:
            return HTTPStatus.OK, "text/plain; charset=utf-8", str(state.version).encode()
        if state.error:
            page = error_page(state.error, self.package_id)
            return (
                HTTPStatus.OK,
                "text/html; charset=utf-8",
                inject(page, state.version, interval_ms),
            )
        if path in ("/", "/index.html"):
            page = index_page(state, self.package_id)
            return (
                HTTPStatus.OK,
                "text/html; charset=utf-8",
                inject(page, state.version, interval_ms),
            )
        name = path.strip("/").removesuffix(".html")
        if name in state.pages:
            banner = warnings_banner(state.warnings)
            page = inject(state.pages[name], state.version, interval_ms, banner)
            return HTTPStatus.OK, "text/html; charset=utf-8", page
        known = ", ".join(f"/{doc_id}.html" for doc_id, _ in state.titles)
        message = f"Sidan {path} finns inte. Dokumenten i paketet: {known}."
        return HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", message.encode("utf-8")

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            timeout = IDLE_SECONDS  # a connection that sends nothing is closed

            def do_GET(self) -> None:
                host = (self.headers.get("Host") or "").strip().lower()
                status: int
                if host not in server.allowed_hosts:
                    # another name for this address: a web page trying DNS rebinding
                    status, content_type = HTTPStatus.FORBIDDEN, "text/plain; charset=utf-8"
                    body = FORBIDDEN_HOST.encode("utf-8")
                else:
                    status, content_type, body = server.response(urlsplit(self.path).path)
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass  # keep the terminal for build messages

        return Handler

    # -- life cycle -----------------------------------------------------------------------
    def start(self) -> None:
        """Build once, then watch and serve in background threads."""
        snapshot = take_snapshot(self.watched)  # before building: a save meanwhile is seen
        self.rebuild()
        watcher = threading.Thread(target=self._watch, args=(snapshot,), daemon=True)
        server = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        for thread in (watcher, server):
            thread.start()
            self._threads.append(thread)

    def wait(self) -> None:
        """Block until :meth:`stop` is called (or the process is interrupted)."""
        while not self._stop.wait(1.0):
            pass

    def stop(self) -> None:
        self._stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

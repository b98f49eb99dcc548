"""``kommunrapport serve``: a local preview that rebuilds on save and shows errors in the page."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kommunrapport.authoring.preview_server import VERSION_PATH, PreviewServer
from kommunrapport.build.pipeline import build_package

from .review_fixtures import PACKAGE_ID, SECTION, write_package

TIMEOUT = 30.0


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.read().decode("utf-8")


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"väntade förgäves på {what}")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def package_copy(tmp_path: Path):
    def _copy() -> tuple[Path, Path]:
        root = tmp_path / "repo"
        return root, write_package(root)

    return _copy


@pytest.fixture
def server(package_copy) -> Iterator[tuple[PreviewServer, Path]]:
    _root, package = package_copy()
    preview = PreviewServer(package, port=0, interval=0.1)
    preview.start()
    try:
        yield preview, package
    finally:
        preview.stop()


def test_serve_command_rebuilds_after_a_markdown_save(package_copy):
    """Start the real command, edit a Markdown file, and see the rebuilt page served."""
    root, package = package_copy()
    command = [sys.executable, "-m", "kommunrapport.cli", "serve", PACKAGE_ID, "--port", "0"]
    process = subprocess.Popen(
        [*command, "--intervall", "0.1", "--root", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        url = None
        deadline = time.monotonic() + TIMEOUT
        while url is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                break
            found = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
            url = found.group(1) if found else None
        assert url, "servern skrev aldrig ut sin adress"
        page = fetch(url + "rapport.html")
        assert "Tre nya mötesplatser" in page
        assert "Sju nya mötesplatser" not in page
        edit(package / SECTION, "Tre nya mötesplatser", "Sju nya mötesplatser")
        wait_for(
            lambda: "Sju nya mötesplatser" in fetch(url + "rapport.html"),
            "den ombyggda sidan",
        )
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def test_reload_script_only_in_served_pages(server, tmp_path):
    preview, package = server
    served = fetch(preview.url + "rapport.html")
    assert VERSION_PATH in served and "location.reload()" in served
    assert served.count("<script") == 1
    built = build_package(package, tmp_path / "out", ("html",)).written
    html_file = next(p for p in built if p.name == "rapport.html")
    assert "<script" not in html_file.read_text(encoding="utf-8")


def test_version_changes_on_rebuild(server):
    preview, package = server
    before = fetch(preview.url + VERSION_PATH.lstrip("/"))
    edit(package / SECTION, "Ordningsvakterna", "Ordningsvakterna numera")
    wait_for(lambda: fetch(preview.url + VERSION_PATH.lstrip("/")) != before, "en ny version")
    assert "Ordningsvakterna numera" in fetch(preview.url + "rapport.html")


def test_errors_are_shown_in_the_page_and_recover(server):
    preview, package = server
    edit(package / SECTION, "Tre nya mötesplatser", "{{ antal_motesplatser }} nya mötesplatser")
    wait_for(lambda: "stoppades" in fetch(preview.url + "rapport.html"), "felsidan")
    page = fetch(preview.url + "rapport.html")
    assert f"content/{PACKAGE_ID}/{SECTION}" in page
    assert "rad 4" in page  # the line in the file, front matter counted
    assert "okänt namn i mallen: &#x27;antal_motesplatser&#x27; är inte definierat" in page
    assert "Åtgärd:" in page
    assert "location.reload()" in page  # reloads by itself once fixed
    edit(package / SECTION, "{{ antal_motesplatser }} nya", "Fyra nya")
    wait_for(lambda: "Fyra nya mötesplatser" in fetch(preview.url + "rapport.html"), "lagat")


def test_index_lists_documents_and_unknown_page_is_404(server):
    preview, _package = server
    index = fetch(preview.url)
    assert 'href="/rapport.html"' in index and 'href="/tjansteskrivelse.html"' in index
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(preview.url + "finnsinte.html", timeout=10)
    assert info.value.code == 404


def test_busy_port_is_a_clear_error(server):
    from kommunrapport.errors import KommunrapportError

    preview, package = server
    port = preview.httpd.server_address[1]
    with pytest.raises(KommunrapportError, match="--port"):
        PreviewServer(package, port=port)

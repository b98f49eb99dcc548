"""Shared fixtures: build example packages once per session, copy packages for mutation tests."""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from bs4 import BeautifulSoup, Tag
from docx import Document
from docx.document import Document as DocxDocument
from docx.table import Table

from kommunrapport.build.pipeline import PackageResult, build_package

from .libreoffice_helpers import convert_with_libreoffice

REPO = Path(__file__).resolve().parents[1]
CONTENT = REPO / "content"
KALMAR = "kalmar-ks-arsrapport-2022"


T = TypeVar("T")


@contextlib.contextmanager
def _exclusive(lock: Path) -> Iterator[None]:
    """Hold ``lock`` against the other test workers of this run (pytest-xdist)."""
    try:
        import fcntl
    except ImportError:  # not on Windows: there each worker builds for itself
        fcntl = None
    with lock.open("a") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def once_per_run(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], T]) -> T:
    """``make(folder)`` once for the whole test run, shared by all its workers (pytest -n): the
    first worker to need it makes it in a folder all of them see and leaves the result there
    (pickled); the others wait for it and read it."""
    base = factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = shared / f"once-{name}"
    saved = shared / f"once-{name}.pickle"
    with _exclusive(shared / f"once-{name}.lock"):
        if saved.is_file():
            return pickle.loads(saved.read_bytes())
        shutil.rmtree(folder, ignore_errors=True)  # what an earlier attempt left when it failed
        folder.mkdir()
        result = make(folder)
        saved.write_bytes(pickle.dumps(result))
        return result


@pytest.fixture(scope="session")
def built_results(tmp_path_factory: pytest.TempPathFactory):
    """Build a package (once per test run, whatever the number of workers); returns the
    PackageResult (files and findings)."""
    cache: dict[str, PackageResult] = {}

    def _build(package_id: str) -> PackageResult:
        if package_id not in cache:
            cache[package_id] = once_per_run(
                tmp_path_factory,
                f"out-{package_id}",
                lambda out: build_package(CONTENT / package_id, out),
            )
        return cache[package_id]

    return _build


@pytest.fixture(scope="session")
def built(built_results):
    """Build a package (once per session) and return its output folder."""

    def _build(package_id: str) -> Path:
        result = built_results(package_id)
        return (result.written or result.unchanged)[0].parent

    return _build


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium():
    """One Chromium (Debian's, driven by Playwright) for the session; skips without it."""
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright saknas (pip install -e '.[test]')"
    )
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"Chromium saknas ({CHROMIUM}); Debian: apt-get install chromium")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def libreoffice_pdfs(built, tmp_path_factory):
    """Every example package's DOCX files, converted by LibreOffice once per test run (the
    LibreOffice tests and the layout audit share the conversion)."""
    cache: dict[str, dict[Path, Path]] = {}

    def _convert(package_id: str) -> dict[Path, Path]:
        if package_id not in cache:
            documents = sorted(built(package_id).glob("*.docx"))
            cache[package_id] = once_per_run(
                tmp_path_factory,
                f"lo-{package_id}",
                lambda workdir: convert_with_libreoffice(documents, workdir),
            )
        return cache[package_id]

    return _convert


@pytest.fixture
def package_copy(tmp_path: Path):
    """Copy a package into a scratch report repository: (root, package_dir)."""

    def _copy(package_id: str = KALMAR) -> tuple[Path, Path]:
        root = tmp_path / "repo"
        target = root / "content" / package_id
        shutil.copytree(CONTENT / package_id, target)
        return root, target

    return _copy


def docx_paragraphs(path: Path) -> list[tuple[str, str]]:
    """(style name, text) of every body paragraph, tables excluded; invisible word joiners
    (which keep "2023–2024" on one line) left out, as a reader sees the text."""
    doc = Document(str(path))
    return [(p.style.name, p.text.replace("\u2060", "")) for p in doc.paragraphs]


def docx_xml(path: Path, member: str = "word/document.xml") -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(member).decode("utf-8")


def html_soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def docx_text(path: Path) -> str:
    return "\n".join(t for _, t in docx_paragraphs(path))


# -- tables by caption, cells by row label and column header ------------------------------------


def docx_table(doc: DocxDocument, caption: str) -> Table:
    """The table whose caption paragraph (just before it) contains ``caption``."""
    previous_text = ""
    for child in doc.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            previous_text = "".join(t.text or "" for t in child.iter() if t.tag.endswith("}t"))
        elif tag == "tbl":
            if caption in previous_text:
                return Table(child, doc._body)
            previous_text = ""
    raise AssertionError(f"no DOCX table with caption {caption!r}")


def docx_cell(table: Table, row_label: str, column: str) -> str:
    """The cell under ``column`` (in the first row that has it) of the row ``row_label``."""
    rows = list(table.rows)
    headers = [[c.text.strip() for c in row.cells] for row in rows]
    first_body = next((i + 1 for i, h in enumerate(headers) if column in h), None)
    if first_body is None:
        raise AssertionError(f"no column {column!r}")
    index = headers[first_body - 1].index(column)
    for row in rows[first_body:]:
        cells = row.cells
        if cells[0].text.strip() == row_label:
            return cells[index].text.strip()
    raise AssertionError(f"no row {row_label!r}")


def html_table(soup: BeautifulSoup, caption: str) -> Tag:
    for table in soup.find_all("table"):
        cap = table.find("caption")
        if cap and caption in cap.get_text():
            return table
    raise AssertionError(f"no HTML table with caption {caption!r}")


def html_cell(table: Tag, row_label: str, column: str, line_break: str = "\n") -> str:
    """The cell under ``column`` of the row ``row_label``; lines in the cell joined by
    ``line_break``."""
    header_row = table.select("thead tr")[-1]
    header = [c.get_text(strip=True) for c in header_row.find_all(["th", "td"])]
    index = header.index(column)
    for row in table.select("tbody tr"):
        cells = row.find_all(["th", "td"])
        if cells[0].get_text(strip=True) == row_label:
            return cells[index].get_text(line_break, strip=True)
    raise AssertionError(f"no row {row_label!r}")

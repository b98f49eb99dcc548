"""Where a figure is printed, and where it comes from: ``kommunrapport spåra PAKET "−28 416"``.

The package's HTML is built in memory (nothing is written). Every figure on the page carries its
source in ``data-kalla`` (table cells and figures in sentences): the workbook, sheet and cell, or
the computation and its cells. The figures whose printed number equals the one asked for are
found, and with them every other place that prints the same source, whatever unit or sign it
is printed with ("−28 416" in a table, "28,4 mnkr" in a sentence).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from ..build.package_builder import PackageBuilder
from ..project.package import load_package

_NUMBER = re.compile(r"[+\-−–]?\d[\d\s\u00a0\u202f]*(?:,\d+)?")
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_NOTE = re.compile(r" \([^()]*\)$")


@dataclass(frozen=True)
class Place:
    document: str  # the document's id
    where: str  # the table caption (and row) or the section heading
    printed: str  # the figure as printed there
    source: str  # the cell or computation behind it


def number_key(text: str) -> str | None:
    """The number in a printed figure, sign and digits only: '−28 416' → '-28416'."""
    match = _NUMBER.search(text)
    if match is None:
        return None
    number = re.sub(r"[\s\u00a0\u202f]", "", match.group(0))
    number = number.replace("−", "-").replace("–", "-").lstrip("+")
    return number


def source_key(source: str) -> str:
    """A source without the check's note ("… cell G25 (raderna summerar till …)")."""
    return _NOTE.sub("", source)


class _PageReader(HTMLParser):
    """Collects every element with ``data-kalla``: its text, the nearest heading or table
    caption before it, and the row label in a table."""

    def __init__(self, document: str):
        super().__init__(convert_charrefs=True)
        self.document = document
        self.places: list[Place] = []
        self.heading = ""
        self.caption = ""
        self.row_label = ""
        self._capture: list[tuple[str, list[str]]] = []  # (what, texts) being read
        self._open: list[tuple[str, str | None]] = []  # (tag, source) of open elements
        self._in_table = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        source = dict(attrs).get("data-kalla")
        self._open.append((tag, source))
        if tag in _HEADINGS:
            self._capture.append(("heading", []))
        elif tag == "caption":
            self._capture.append(("caption", []))
        elif tag == "table":
            self._in_table, self.caption = True, ""
        elif tag == "th" and dict(attrs).get("scope") == "row":
            self._capture.append(("row", []))
        if source:
            self._capture.append(("figure", []))

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            open_tag, source = self._open.pop()
            if source:
                self._finish("figure", source)
            if open_tag in _HEADINGS:
                self.heading = self._finish("heading")
            elif open_tag == "caption":
                self.caption = self._finish("caption")
            elif open_tag == "th" and self._capture and self._capture[-1][0] == "row":
                self.row_label = self._finish("row")
            elif open_tag == "table":
                self._in_table, self.row_label = False, ""
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        for _what, texts in self._capture:
            texts.append(data)

    def _finish(self, what: str, source: str | None = None) -> str:
        for index in range(len(self._capture) - 1, -1, -1):
            if self._capture[index][0] == what:
                _, texts = self._capture.pop(index)
                text = " ".join("".join(texts).split())
                if what == "figure" and source:
                    self.places.append(Place(self.document, self._where(), text, source))
                return text
        return ""

    def _where(self) -> str:
        if self._in_table and self.caption:
            row = f", rad {self.row_label}" if self.row_label else ""
            return f"{self.caption}{row}"
        return f"avsnitt {self.heading}" if self.heading else "början av dokumentet"


def places_on_page(document: str, page: str) -> list[Place]:
    """Every figure with a source on one HTML page, in order."""
    reader = _PageReader(document)
    reader.feed(page)
    reader.close()
    return reader.places


def printed_figures(package_dir: Path) -> list[Place]:
    """Every figure with a source on the package's HTML pages (built in memory), in document
    order."""
    package = load_package(package_dir)
    places: list[Place] = []
    for result in PackageBuilder(package, ("html",)).build():
        places.extend(places_on_page(result.doc_id, result.files["html"].decode("utf-8")))
    return places


def trace(places: list[Place], figure: str) -> list[Place]:
    """The places that print ``figure``, and the places that print the same sources."""
    wanted = number_key(figure)
    if wanted is None:
        return []
    hits = [p for p in places if number_key(p.printed) == wanted]
    sources = {source_key(p.source) for p in hits}
    return [p for p in places if p in hits or source_key(p.source) in sources]

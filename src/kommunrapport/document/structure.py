"""Give the pandoc AST of a document its structure, and make it safe.

* sections: headings inside a section file move below the section's own level;
* safety: raw HTML/OpenXML typed by users is removed (with a warning), as are event-handler
  and style attributes and links to ``javascript:`` and similar schemes;
* images: must lie inside the package, must exist, and should have alt text;
* numbering: headings get numbers (1, 1.1, 1.1.1) up to the configured depth, unique ids, and
  a table-of-contents entry. The same numbers then go into the DOCX and the HTML.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from ..errors import Findings, KommunrapportError, Location
from ..project.package import Package
from ..project.source_files import check_image
from ..text.markdown_text import PROVENANCE, PROVENANCE_IN_MARKDOWN
from .anchors import Anchors
from .assemble import SECTION_CLASS
from .blocks import MEDIA_FOLDER
from .pandoc_ast import Node, attr_value, get_attr, map_blocks, span, stringify, walk_inlines
from .raw_html import RawHtmlBalance
from .typst_code import COMPILE_FOLDER_FILES

SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
SECNO_CLASS = "secno"
MAX_ID_LENGTH = 40  # Word bookmarks


@dataclass
class TocEntry:
    level: int
    number: str | None
    title: str
    anchor: str


def slugify(text: str, fallback: str = "avsnitt") -> str:
    """An ASCII id for HTML and Word bookmarks: 'Väsentliga händelser' → 'vasentliga-handelser'."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    slug = slug[:36].rstrip("-")
    if not slug or not slug[0].isalpha():
        slug = f"{fallback}-{slug}" if slug else fallback
    return slug


class DocumentStructurer:
    """Runs the structural passes over one document's AST."""

    def __init__(self, package: Package, findings: Findings, depth: int, trusted_classes: set[str]):
        self.package = package
        self.findings = findings
        self.depth = depth
        self.trusted_classes = trusted_classes
        self.used_ids: set[str] = set()
        self.toc: list[TocEntry] = []
        # image path as written into the AST (relative to the package) → the file
        self.images: dict[str, Path] = {}
        # heading id → ("avsnitt", "4.2") or ("rubrik", title), for ref() to sections
        self.heading_references: dict[str, tuple[str, str]] = {}
        # hidden bookmarks that tie each paragraph to its section file (import-docx)
        self.anchors = Anchors()

    # -- sections -------------------------------------------------------------------------
    def flatten_sections(
        self,
        blocks: list[Node],
        shift: int = 0,
        source: str | None = None,
        unnumbered: bool = False,
    ) -> list[Node]:
        out: list[Node] = []
        balance = RawHtmlBalance()
        for node in blocks:
            kind = node.get("t")
            if kind == "Div" and SECTION_CLASS in node["c"][0][1]:
                a = node["c"][0]
                level_text = attr_value(a, "data-level") or "0"
                level = min(int(level_text), 6) if level_text.isdigit() else 0
                inner_source = attr_value(a, "data-source") or source
                inner_unnumbered = unnumbered or attr_value(a, "data-unnumbered") == "1"
                out.extend(
                    self.flatten_sections(node["c"][1], level, inner_source, inner_unnumbered)
                )
                continue
            if kind == "Header":
                level, a, _inlines = node["c"]
                if shift:
                    level = min(level + shift, 6)
                if unnumbered and "unnumbered" not in a[1]:
                    a[1].append("unnumbered")
                if source and not attr_value(a, "data-source"):
                    a[2].append(["data-source", source])
                node["c"][0] = level
            balance.feed(node)
            self._sanitize_block(node, source)
            if node.get("t") == "RawBlock":
                continue
            self.anchors.mark(node, source)
            out.append(node)
        balance.check(source)
        return out

    # -- safety ---------------------------------------------------------------------------
    def _warn_raw(self, fmt: str, source: str | None) -> None:
        self.findings.warn(
            "raw-markup",
            f"rå {fmt.upper()}-kod i texten togs bort",
            Location(source),
            "Skriv texten i Markdown; tabeller och diagram skapas med mallfunktionerna.",
        )

    def _sanitize_block(self, node: Node, source: str | None) -> None:
        if node.get("t") == "RawBlock":
            self._warn_raw(node["c"][0], source)
            return

        def clean(inner: Node) -> None:
            a = get_attr(inner)
            if a is not None:
                self._clean_attributes(a, source)
            kind = inner.get("t")
            if kind in ("Link", "Image"):
                self._clean_target(inner, source)
            for key in ("c",):
                value = inner.get(key)
                if isinstance(value, list):
                    self._strip_raw(value, source)

        walk_inlines(node, clean)
        if isinstance(node.get("c"), list):
            self._strip_raw(node["c"], source)

    def _strip_raw(self, items: list, source: str | None) -> None:
        for index in range(len(items) - 1, -1, -1):
            item = items[index]
            if isinstance(item, dict) and item.get("t") in ("RawInline", "RawBlock"):
                self._warn_raw(item["c"][0], source)
                del items[index]
            elif isinstance(item, list):
                self._strip_raw(item, source)

    def _clean_attributes(self, a: list, source: str | None) -> None:
        kept = []
        for key, value in a[2]:
            lowered = key.lower()
            if key == PROVENANCE_IN_MARKDOWN:  # a figure's source, written by the toolkit
                kept.append([PROVENANCE, value])
                continue
            if lowered in (PROVENANCE, PROVENANCE.removeprefix("data-")):  # pandoc adds data-
                self.findings.warn(
                    "unsafe-attribute",
                    f"attributet {key!r} togs bort",
                    Location(source),
                    "Källan till en siffra skrivs av verktyget när siffran hämtas ur en "
                    "arbetsbok ({{ … | mnkr }}); den kan inte skrivas för hand.",
                )
                continue
            if lowered.startswith("on") or lowered in (
                "style",
                "srcdoc",
                "formaction",
                "href",
                "src",
                "xmlns",
            ):
                self.findings.warn(
                    "unsafe-attribute",
                    f"attributet {key!r} togs bort",
                    Location(source),
                    "Formatering styrs av mallarna; attribut som kör kod tillåts inte.",
                )
                continue
            kept.append([key, value])
        a[2] = kept
        a[1] = [c for c in a[1] if not c.startswith("kr-") or c in self.trusted_classes]

    def _clean_target(self, node: Node, source: str | None) -> None:
        target = node["c"][2]
        url = target[0]
        scheme = urlparse(url).scheme.lower()
        if node["t"] == "Link":
            if scheme and scheme not in SAFE_SCHEMES:
                self.findings.warn(
                    "unsafe-link",
                    f"länken {url!r} togs bort (otillåtet protokoll {scheme!r})",
                    Location(source),
                )
                target[0] = ""
            return
        self._check_image(node, source)

    # -- images ---------------------------------------------------------------------------
    def _check_image(self, node: Node, source: str | None) -> None:
        target = node["c"][2]
        url = target[0]
        location = Location(source)
        if urlparse(url).scheme:
            raise KommunrapportError(
                f"bilden {url!r} ligger inte i paketet",
                location,
                "Spara bilden i paketets mapp (t.ex. bilder/) och länka med relativ sökväg.",
            )
        path = self._resolve_image(unquote(url), source, location)
        if not self.package.files.exists(path, location):
            raise KommunrapportError(
                f"bilden {url!r} finns inte", location, "Kontrollera filnamnet och sökvägen."
            )
        check_image(path, self.package.display(path), location)
        # relative to the package, so no machine-specific path ends up in the outputs; pandoc
        # finds the file through --resource-path
        relative = path.relative_to(self.package.dir).as_posix()
        _check_image_name(url, relative, location)
        target[0] = relative
        self.images[relative] = path
        if not stringify(node["c"][1]).strip():
            self.findings.warn(
                "alt-text",
                f"bilden {url!r} saknar alternativtext",
                location,
                "Skriv en beskrivning inom hakparenteserna: ![Beskrivning](bild.png).",
            )

    def _resolve_image(self, url: str, source: str | None, location: Location) -> Path:
        """The image's path as written, relative to the section's folder (or the package's);
        it may not lead outside the package, also not through a link."""
        base = self.package.dir
        if source:
            candidate = Path(os.path.normpath(self.package.root / source)).parent
            if candidate.is_relative_to(self.package.dir):
                base = candidate
        path = Path(os.path.normpath(base / url))
        if not path.is_relative_to(self.package.dir):
            raise KommunrapportError(
                f"bilden {url!r} pekar utanför paketets mapp",
                location,
                "Spara bilden i paketets mapp (t.ex. bilder/) och länka med relativ sökväg.",
            )
        return path

    # -- numbering ------------------------------------------------------------------------
    def reserve_id(self, wanted: str) -> str:
        candidate = wanted
        counter = 2
        while candidate in self.used_ids:
            candidate = f"{wanted}-{counter}"
            counter += 1
        self.used_ids.add(candidate)
        return candidate

    def number_headings(self, blocks: list[Node]) -> None:
        counters = [0] * 7

        def visit(node: Node) -> list[Node] | None:
            if node.get("t") != "Header":
                return None
            level, a, inlines = node["c"]
            source = attr_value(a, "data-source")
            a[2] = [kv for kv in a[2] if kv[0] != "data-source"]
            title = stringify(inlines).strip()
            if len(a[0]) > MAX_ID_LENGTH:
                raise KommunrapportError(
                    f"id {a[0]!r} är längre än {MAX_ID_LENGTH} tecken",
                    Location(source),
                    "Word tillåter högst 40 tecken i ett bokmärke; korta id:t.",
                )
            a[0] = self.reserve_id(a[0] or slugify(title))
            number = None
            if "unnumbered" not in a[1] and level <= self.depth:
                counters[level] += 1
                for deeper in range(level + 1, 7):
                    counters[deeper] = 0
                number = ".".join(str(counters[i] or 1) for i in range(1, level + 1))
                node["c"][2] = [
                    span([{"t": "Str", "c": number}], ["", [SECNO_CLASS], []]),
                    {"t": "Space"},
                    *inlines,
                ]
            if "unlisted" not in a[1]:
                self.toc.append(TocEntry(level, number, title, a[0]))
            self.heading_references[a[0]] = ("avsnitt", number) if number else ("rubrik", title)
            return None

        map_blocks(blocks, visit)


def _check_image_name(url: str, relative: str, location: Location) -> None:
    """An image may not have the name of a file the build makes: the PDF template's files
    beside it in Typst's compile folder, or the build's own images (``MEDIA_FOLDER``)."""
    if relative.casefold() in COMPILE_FOLDER_FILES:
        raise KommunrapportError(
            f"bilden {url!r} har samma namn som en av PDF-mallens filer ({relative})",
            location,
            "Byt namn på filen eller lägg den i en mapp (till exempel bilder/); "
            "en bild kan inte ersätta verktygets mall.",
        )
    if relative.casefold().startswith(f"{MEDIA_FOLDER}/"):
        raise KommunrapportError(
            f"bilden {url!r} ligger i mappen {MEDIA_FOLDER}/, där bygget lägger de bilder "
            "det gör själv (diagrammen)",
            location,
            f"Flytta bilden till en annan mapp (till exempel bilder/); {MEDIA_FOLDER}/ är "
            "verktygets, så att en bild och ett diagram aldrig kan förväxlas.",
        )

"""Write the PDF of one document with Typst: one file that is PDF/UA-1 and PDF/A-2u at once.

The document's AST, expanded for the "typst" target (every generated block is a call of a
function in ``templates/typst/rapport.typ``), goes through pandoc's Typst writer; the result is
put under a ``main.typ`` that imports the template and shows its body with it. The document's
facts (title, cover, contents, running header and footer, the kommun's profile from the
reference DOCX) are a file of their own, ``fakta.typ``, that the template imports: a plain
value of the template's module, read without ``context`` (see the template's head).
Typst lays the pages out once and writes a tagged PDF that declares both standards; it refuses
to write one that breaks PDF/UA (an image without alt text, a glyph no font has).

Typst reads only the temporary folder the build fills (main.typ, the template, the document's
images and charts) and only the fonts of :mod:`pdf_fonts`: nothing on the machine outside the
build changes the PDF, and the same sources give the same bytes (dates from the build's
timestamp). That is also why a compiled PDF can be kept between builds under those files'
bytes (``pdf_cache``): an unchanged document is not compiled again. The template is always the
toolkit's: a package may not bring Typst code.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typst import PDFStandard

from ..document.pandoc_ast import Node
from ..document.typography_pass import box_nowrap_spans
from ..document.typst_code import COMPILE_FOLDER_FILES, call, typst_value
from ..errors import KommunrapportError
from ..project.paths import builtin_templates_dir
from ..project.source_files import TemplateFolders
from .pandoc import ast_to_bytes
from .pandoc_engine import POOL
from .pdf_cache import cached_pdf, keep_pdf, pdf_entry
from .pdf_fonts import font_book, font_dirs, line_metrics
from .pdf_profile import PageProfile, read_profile
from .typst_process import SERVER, TypstJob, compile_in_child

PDF_STANDARDS: list[PDFStandard] = ["ua-1", "a-2u"]
TEMPLATE = "typst/rapport.typ"
COVER_END = "] // omslag"


@dataclass
class PdfSettings:
    """What the PDF needs besides the body: metadata, cover, contents, header and footer."""

    title: str
    author: str
    subject: str
    timestamp: datetime
    template_dirs: list[Path]
    reference_docx: Path
    placeholders: dict[str, str]  # {titel}, {kommun} … in the header and footer texts
    keywords: list[str] = field(default_factory=list)
    cover: bool = False
    toc: tuple[str, int] | None = None  # (heading, depth)


@dataclass
class PdfResult:
    pdf: bytes
    warnings: list[str] = field(default_factory=list)


def template_text() -> str:
    """The toolkit's page template. Only the toolkit's: a Typst file is a program, so a
    package's own ``templates/typst/*.typ`` is refused before the build starts
    (:meth:`Package.refuse_code_templates`) and never read here."""
    text = TemplateFolders.of([builtin_templates_dir()]).read_text(TEMPLATE)
    if text is None:
        raise KommunrapportError(
            f"hittar inte verktygets {TEMPLATE}",
            hint="Installera om verktyget (pip install --force-reinstall kommunrapport).",
        )
    return text


def fill_placeholders(text: str, values: Mapping[str, str]) -> str:
    """``{titel}`` → the title …; ``{sida}`` and ``{sidor}`` are left for the template."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        return values.get(name, match.group(0)) if name not in ("sida", "sidor") else match.group(0)

    return re.sub(r"\{(\w+)\}", replace, text)


def document_facts(settings: PdfSettings, profile: PageProfile) -> dict[str, Any]:
    values = settings.placeholders
    return {
        "title": settings.title,
        "author": settings.author,
        "subject": settings.subject,
        "keywords": settings.keywords,
        "cover": settings.cover,
        "header": [fill_placeholders(part, values) for part in profile.header],
        "footer": fill_placeholders(profile.footer, values),
        "profil": profile.typst_fields(),
    }


def with_contents(blocks: list[Node], settings: PdfSettings) -> list[Node]:
    """The table of contents, after the cover (or first)."""
    if settings.toc is None:
        return blocks
    heading, depth = settings.toc
    toc = {"t": "RawBlock", "c": ["typst", call("kr-innehall", {"title": heading, "depth": depth})]}
    at = next((i + 1 for i, node in enumerate(blocks) if node.get("c") == ["typst", COVER_END]), 0)
    return [*blocks[:at], toc, *blocks[at:]]


def typst_body(blocks: list[Node]) -> str:
    box_nowrap_spans(blocks)  # "2023–2024" never breaks after its dash
    ast = {"pandoc-api-version": [1, 23, 1, 1], "meta": {}, "blocks": blocks}
    return ast_to_bytes(ast, "typst", {"wrap_text": "none"}).decode("utf-8")


@dataclass
class PreparedPdf:
    """A document's Typst source and files, ready to compile: pandoc's part is done.
    ``files``: everything the compile folder gets (name → bytes); ``kept``: the PDF and
    Typst's warnings when the same files were compiled before (``pdf_cache``)."""

    files: dict[str, bytes]
    font_dirs: tuple[Path, ...]
    timestamp: int
    warnings: list[str]
    entry: Path | None = None
    kept: tuple[bytes, list[str]] | None = None

    def compile(self) -> PdfResult:
        """Typst lays the pages out and writes the PDF, in a child process, while no pandoc
        conversion runs (``EnginePool.without_engine``)."""
        if self.kept is not None:  # compiled before from the same files
            return PdfResult(self.kept[0], self.warnings + self.kept[1])
        with tempfile.TemporaryDirectory(prefix="kommunrapport-pdf-") as tmp:
            root = Path(tmp) / "dokument"
            root.mkdir()
            for name, data in self.files.items():
                _place(root, name).write_bytes(data)
            job = TypstJob(
                root=str(root),
                output=str(Path(tmp) / "dokument.pdf"),
                font_dirs=[str(d) for d in self.font_dirs],
                standards=list(PDF_STANDARDS),
                timestamp=self.timestamp,
            )
            with POOL.without_engine():  # one helper process at a time: memory
                pdf, notes = compile_in_child(job)
        keep_pdf(self.entry, pdf, notes)
        return PdfResult(pdf, self.warnings + notes)


def write_pdf(
    blocks: list[Node],
    settings: PdfSettings,
    images: Mapping[str, Path],
    media: Mapping[str, bytes] | None = None,
) -> PdfResult:
    """The PDF of a document. ``images``: the package's images by the path the AST uses;
    ``media``: generated files (charts as SVG) by their path."""
    return prepare_pdf(blocks, settings, images, media).compile()


def prepare_pdf(
    blocks: list[Node],
    settings: PdfSettings,
    images: Mapping[str, Path],
    media: Mapping[str, bytes] | None = None,
) -> PreparedPdf:
    """The first half of :func:`write_pdf`: the profile, the facts and pandoc's Typst."""
    dirs = font_dirs(settings.template_dirs)
    book = font_book(dirs)
    profile = read_profile(settings.reference_docx, book.families)
    regular = book.regular.get(profile.body_font.family)
    if regular is not None:
        profile.line_single_em, profile.line_box_em = line_metrics(regular)
    fonts = [profile.body_font, profile.heading_font]
    if profile.table_font is not None:
        fonts.append(profile.table_font)
        table_regular = book.regular.get(profile.table_font.family)
        if table_regular is not None and table_regular != regular:
            profile.table["radlada"] = line_metrics(table_regular)[1]
    warnings = list(
        dict.fromkeys(
            f"typsnittet {choice.asked!r} i referensdokumentet finns inte; PDF:en använder "
            f"{choice.family}"
            for choice in fonts
            if choice.substituted
        )
    )
    facts = document_facts(settings, profile)
    body = typst_body(with_contents(blocks, settings))
    main = f'#import "rapport.typ": *\n#show: rapport\n\n{body}'
    fakta = f"#let fakta = {typst_value(facts)}\n"
    own = zip(COMPILE_FOLDER_FILES, (template_text(), fakta, main), strict=True)
    files = {  # the compile folder's own files last: no image can replace them
        **{name: source.read_bytes() for name, source in images.items()},
        **(media or {}),
        **{name: text.encode("utf-8") for name, text in own},
    }
    timestamp = int(settings.timestamp.replace(tzinfo=UTC).timestamp())
    entry = pdf_entry(files, dirs, PDF_STANDARDS, timestamp)
    kept = cached_pdf(entry)
    if kept is None:
        SERVER.start_soon([str(d) for d in dirs])  # Typst loads while the build goes on
    return PreparedPdf(files, dirs, timestamp, warnings, entry, kept)


def _place(root: Path, name: str) -> Path:
    """``name`` under ``root``: relative, no ``..`` (the structurer has checked the paths)."""
    target = (root / name).resolve()
    if not target.is_relative_to(root.resolve()):
        raise KommunrapportError(f"bildens sökväg pekar ut ur paketet: {name}")
    target.parent.mkdir(parents=True, exist_ok=True)
    return target

"""Write the PDFs of one document from its finished HTML page, with WeasyPrint.

The PDF is the web page printed: the same HTML (from ``html_writer``), its ``@media print``
rules, and ``templates/html/pdf.css`` for what only paged media has: A4 pages, a running header
with the title and the kommun, "Sida X av Y" in the footer, a cover page without either, and a
table of contents whose page numbers WeasyPrint fills in with ``target-counter()``.

Each document gives two files, because a PDF declares one conformance level per standard and
WeasyPrint writes one variant per file:

- ``<doc-id>.pdf``: PDF/UA-1, tagged, for publishing (the committee papers, the web);
- ``<doc-id>-arkiv.pdf``: PDF/A-2u for the archive, also tagged, so it stays accessible.

The page layout is computed once and written twice. Only ``data:`` URLs are fetched (the page
embeds its images and stylesheet), so nothing outside the build can change the PDF. Dates come
from the build's timestamp and WeasyPrint's file identifier is a hash of the content: the same
sources give the same bytes.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import ModuleType

from ..errors import KommunrapportError


@dataclass(frozen=True)
class PdfVariant:
    """One PDF file per document: its key in the build's results and its WeasyPrint variant."""

    key: str  # "pdf" → <doc-id>.pdf, "pdf-arkiv" → <doc-id>-arkiv.pdf
    weasyprint_variant: str


PUBLISH = PdfVariant("pdf", "pdf/ua-1")
ARCHIVE = PdfVariant("pdf-arkiv", "pdf/a-2u")
PDF_VARIANTS = (PUBLISH, ARCHIVE)

PDF_STYLESHEET = "html/pdf.css"


@dataclass
class PdfSettings:
    """What the PDF needs besides the HTML: metadata and the running header and footer."""

    title: str
    municipality: str
    author: str
    subject: str
    timestamp: datetime
    page_label: str  # "Sida {sida} av {sidor}" from the locale file
    template_dirs: list[Path]
    keywords: list[str] = field(default_factory=list)


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string (quotes, backslashes and line breaks escaped)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = re.sub(r"[\n\r\f]", " ", escaped)
    return f'"{escaped}"'


def page_counter_content(label: str) -> str:
    """``"Sida {sida} av {sidor}"`` → ``"Sida " counter(page) " av " counter(pages)``."""
    counters = {"sida": "counter(page)", "sidor": "counter(pages)"}
    parts: list[str] = []
    for index, piece in enumerate(re.split(r"\{(\w+)\}", label)):
        if index % 2 == 0:
            if piece:
                parts.append(css_string(piece))
        elif piece in counters:
            parts.append(counters[piece])
        else:
            raise KommunrapportError(
                f"okänd platshållare {{{piece}}} i etiketten sida_av: {label!r}",
                hint="Etiketten får bara innehålla {sida} och {sidor}.",
            )
    return " ".join(parts) or '""'


def running_css(settings: PdfSettings) -> str:
    """The generated part of the page style: the texts in the page margins."""
    return (
        "@page {\n"
        f"  @top-left {{ content: {css_string(settings.title)}; }}\n"
        f"  @top-right {{ content: {css_string(settings.municipality)}; }}\n"
        f"  @bottom-center {{ content: {page_counter_content(settings.page_label)}; }}\n"
        "}\n"
    )


def _stylesheet_text(template_dirs: list[Path]) -> str:
    for folder in template_dirs:
        candidate = folder / PDF_STYLESHEET
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    raise KommunrapportError(
        f"hittar ingen {PDF_STYLESHEET} bland mallmapparna",
        hint="Installera om verktyget, eller lägg en pdf.css i templates/html/.",
    )


def with_print_styles(page: str, css: str) -> str:
    """The page with ``css`` as the last author stylesheet, so that it wins over stil.css."""
    style = f"<style>\n{css}</style>\n"
    index = page.lower().find("</head>")
    if index < 0:
        return style + page
    return page[:index] + style + page[index:]


def _pdf_date(moment: datetime) -> str:
    """W3C date-time as WeasyPrint expects it for the metadata (UTC)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class _Collector(logging.Handler):
    """Keeps WeasyPrint's errors about the page (an image it cannot load, a missing alt text).
    Its warnings only say which web-only CSS it ignores, and are dropped."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _weasyprint_messages() -> Iterator[_Collector]:
    logger = logging.getLogger("weasyprint")
    collector = _Collector()
    previous = logger.propagate
    logger.addHandler(collector)
    logger.propagate = False
    try:
        yield collector
    finally:
        logger.removeHandler(collector)
        logger.propagate = previous


def _import_weasyprint() -> ModuleType:
    """WeasyPrint, imported when a PDF is asked for (it loads Pango from the system)."""
    try:
        import weasyprint
    except (ImportError, OSError) as error:
        raise KommunrapportError(
            f"PDF kan inte skapas: WeasyPrint kunde inte laddas ({error})",
            hint="Installera WeasyPrint och Pango (Debian: apt-get install libpango-1.0-0 "
            "libpangoft2-1.0-0 libharfbuzz-subset0), eller bygg med --format docx,html.",
        ) from None
    return weasyprint


def write_pdfs(
    html: bytes, settings: PdfSettings, variants: tuple[PdfVariant, ...] = PDF_VARIANTS
) -> tuple[dict[str, bytes], list[str]]:
    """PDF bytes for each variant (by key), and WeasyPrint's errors about the page."""
    weasyprint = _import_weasyprint()
    fetcher = weasyprint.URLFetcher(allowed_protocols={"data"})
    css = running_css(settings) + _stylesheet_text(settings.template_dirs)
    page = with_print_styles(html.decode("utf-8"), css)
    with _weasyprint_messages() as messages:
        document = weasyprint.HTML(string=page, url_fetcher=fetcher, base_url=None).render()
        metadata = document.metadata
        metadata.title = settings.title
        metadata.authors = [settings.author]
        metadata.description = settings.subject
        metadata.keywords = list(settings.keywords)
        metadata.generator = "kommunrapport"
        metadata.created = metadata.modified = _pdf_date(settings.timestamp)
        metadata.lang = metadata.lang or "sv"
        files = {
            variant.key: document.write_pdf(
                pdf_variant=variant.weasyprint_variant, pdf_tags=True, pdf_identifier=True
            )
            for variant in variants
        }
    return files, messages.messages


PdfJob = tuple[bytes, PdfSettings]
PdfOutcome = tuple[dict[str, bytes], list[str]]


def _write_job(job: PdfJob) -> PdfOutcome:
    return write_pdfs(*job)


def write_pdfs_parallel(jobs: list[PdfJob], workers: int) -> list[PdfOutcome]:
    """``write_pdfs`` for several documents, ``workers`` processes at a time (results in job
    order). Laying out pages is most of a build's time, and each document is laid out on its
    own; the build's scheduler decides how many may run."""
    workers = min(workers, len(jobs))
    if workers <= 1:
        return [_write_job(job) for job in jobs]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_write_job, jobs))

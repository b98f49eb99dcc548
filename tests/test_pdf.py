"""The PDFs (typst): one file per document that declares PDF/UA-1 and PDF/A-2u, passes outloud
with no error, is tagged (headings, tables with header cells, figures with alt text), A4 with
landscape pages where asked, running header and footer, TOC page numbers that point at the right
page, table headers repeated, rows never split, total and comment rows kept with their rows."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import outloud
import pikepdf
import pypdfium2
import pytest

from kommunrapport.build.pipeline import build_package
from kommunrapport.cli import main
from kommunrapport.document.blocks import RenderContext
from kommunrapport.document.pandoc_ast import raw_block
from kommunrapport.document.table_model import Cell, Column, RenderTable, Row
from kommunrapport.project.labels import load_labels
from kommunrapport.project.package import load_package
from kommunrapport.project.paths import builtin_templates_dir, discover_packages
from kommunrapport.text.swedish_format import NumberStyle
from kommunrapport.writers.pdf import PdfSettings, template_text, write_pdf

from .conftest import CONTENT, KALMAR, html_soup

EXAMPLES = [p.name for p in discover_packages(CONTENT)]
A4 = (595.28, 841.89)  # points
TEMPLATES = builtin_templates_dir()


def page_texts(data: bytes | Path) -> list[str]:
    """The text of every page; a word hyphenated at a line end is joined again."""
    pdf = pypdfium2.PdfDocument(data if isinstance(data, bytes) else str(data))
    try:
        texts = [page.get_textpage().get_text_range() for page in pdf]
    finally:
        pdf.close()
    return [re.sub("\ufffe\r?\n?", "", text) for text in texts]


def documents(package_id: str) -> list[tuple[str, str]]:
    config = load_package(CONTENT / package_id).config
    return [(d.id, d.kind) for d in config.documents]


# -- every example package ------------------------------------------------------------------


@pytest.mark.parametrize("package_id", EXAMPLES)
def test_every_document_has_one_pdf(built, package_id):
    out = built(package_id)
    for doc_id, _kind in documents(package_id):
        assert (out / f"{doc_id}.pdf").is_file(), f"{doc_id}.pdf saknas i {package_id}"
        assert not (out / f"{doc_id}-arkiv.pdf").exists()


@pytest.mark.parametrize("package_id", EXAMPLES)
def test_pdf_declares_pdf_ua_1_and_pdf_a_2u_and_is_tagged(built, package_id):
    out = built(package_id)
    for doc_id, _kind in documents(package_id):
        title = html_soup(out / f"{doc_id}.html").title.get_text()
        with pikepdf.open(out / f"{doc_id}.pdf") as pdf:
            meta = pdf.open_metadata()
            assert meta.get("pdfuaid:part") == "1"
            assert meta.get("pdfaid:part") == "2" and meta.get("pdfaid:conformance") == "U"
            assert meta.get("dc:title") == title
            assert str(pdf.docinfo["/Title"]) == title
            assert pdf.pdf_version == "1.7"
            intents = pdf.Root.OutputIntents
            assert len(intents) == 1 and intents[0].S == "/GTS_PDFA1"
            assert "/DestOutputProfile" in intents[0]
            assert len(pdf.trailer.ID) == 2
            assert bool(pdf.Root.MarkInfo.Marked)
            assert "/StructTreeRoot" in pdf.Root
            assert str(pdf.Root.Lang).startswith("sv")
            assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
            _assert_fonts_embedded(pdf)
            _assert_a4(pdf)


@pytest.mark.parametrize("package_id", EXAMPLES)
def test_outloud_finds_no_error(built, package_id):
    """PDF/UA-1 (Matterhorn) and WCAG checks of an independent checker: no error."""
    out = built(package_id)
    for doc_id, _kind in documents(package_id):
        result = outloud.check(str(out / f"{doc_id}.pdf"))
        assert result.error is None, result.error
        errors = [f for f in result.findings if f.severity == "error"]
        assert not errors, f"{doc_id}: " + "; ".join(
            f"{f.rule} s. {f.page}: {f.message}" for f in errors
        )


def _assert_fonts_embedded(pdf: pikepdf.Pdf) -> None:
    for page in pdf.pages:
        for name, font in page.Resources.get("/Font", {}).items():
            descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = descendant.FontDescriptor
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), name


def _assert_a4(pdf: pikepdf.Pdf) -> None:
    for page in pdf.pages:
        box = [float(v) for v in page.MediaBox]
        size = sorted((box[2] - box[0], box[3] - box[1]))
        assert abs(size[0] - A4[0]) < 1 and abs(size[1] - A4[1]) < 1, size


@pytest.mark.parametrize("package_id", EXAMPLES)
def test_running_header_and_footer_but_not_on_the_cover(built, package_id):
    out = built(package_id)
    for doc_id, _kind in documents(package_id):
        soup = html_soup(out / f"{doc_id}.html")
        title = " ".join(soup.title.get_text().split())
        pages = page_texts(out / f"{doc_id}.pdf")
        has_cover = soup.select_one("header.cover") is not None
        for number, text in enumerate(pages, start=1):
            if number == 1 and has_cover:
                assert "Sida " not in text, f"{doc_id}: omslaget har sidfot"
                continue
            assert f"Sida {number} av {len(pages)}" in text, f"{doc_id} sida {number}"
            head = " ".join(text.strip().splitlines()[0].split())
            assert head.startswith(title), f"{doc_id} sida {number}: {head}"


def toc_page_numbers(text: str, entries: list[str]) -> list[int | None]:
    flat = " ".join(text.split())
    numbers: list[int | None] = []
    position = 0
    for entry in entries:
        match = re.compile(re.escape(entry) + r"\s*(?:\.\s*)+(\d+)\b").search(flat, position)
        numbers.append(int(match[1]) if match else None)
        position = match.end() if match else position
    return numbers


@pytest.mark.parametrize("package_id", EXAMPLES)
def test_toc_page_numbers_point_at_the_headings(built, package_id):
    out = built(package_id)
    for doc_id, _kind in documents(package_id):
        soup = html_soup(out / f"{doc_id}.html")
        if soup.select_one("nav.toc") is None:
            continue
        entries = [" ".join(a.get_text().split()) for a in soup.select("nav.toc a")]
        pages = page_texts(out / f"{doc_id}.pdf")
        toc_page = next(i for i, text in enumerate(pages) if "Innehållsförteckning" in text)
        numbers = toc_page_numbers("\n".join(pages[toc_page:]), entries)
        missing = [e for e, n in zip(entries, numbers, strict=True) if n is None]
        assert not missing, f"{doc_id}: utan sidnummer: {missing}"
        assert numbers == sorted(numbers), f"{doc_id}: sidnumren stiger inte: {numbers}"
        for entry, page in zip(entries, numbers, strict=True):
            assert page is not None and toc_page + 1 < page <= len(pages), (entry, page)
            on_page = " ".join(pages[page - 1].split())
            assert entry in on_page, f"{doc_id}: '{entry}' står inte på sidan {page}"


@pytest.mark.parametrize("package_id", EXAMPLES)
def test_tag_tree_has_headings_tables_and_figures_with_alt_text(built, package_id):
    out = built(package_id)
    for doc_id, _kind in documents(package_id):
        soup = html_soup(out / f"{doc_id}.html")
        with pikepdf.open(out / f"{doc_id}.pdf") as pdf:
            elements = _struct_elements(pdf.Root.StructTreeRoot, [])
            kinds = [str(e.S) for e in elements]
            assert any(k.startswith("/H") for k in kinds), doc_id
            if soup.find("table"):
                assert "/Table" in kinds and "/TH" in kinds, doc_id
            alts = [str(e.Alt) for e in elements if str(e.S) == "/Figure" and "/Alt" in e]
            expected = [img["alt"] for img in soup.find_all("img") if not _in_details(img)]
            assert sorted(alts) == sorted(expected), doc_id


def _in_details(img) -> bool:
    return img.find_parent("details") is not None


def _struct_elements(node: pikepdf.Object, found: list[pikepdf.Object]) -> list[pikepdf.Object]:
    kids = node.get("/K")
    if kids is None:
        return found
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            found.append(kid)
            _struct_elements(kid, found)
    return found


@pytest.mark.parametrize("package_id", EXAMPLES)
def test_charts_stay_vectors(built, package_id):
    """Charts go in as SVG: no raster image in any PDF of the examples."""
    out = built(package_id)
    for doc_id, _kind in documents(package_id):
        with pikepdf.open(out / f"{doc_id}.pdf") as pdf:
            assert sum(len(page.get_images()) for page in pdf.pages) == 0, doc_id


@pytest.fixture(scope="module")
def kalmar_pdf_alone(tmp_path_factory) -> Path:
    """Kalmar built by the command line with ``--format pdf``, once for the module: its folder."""
    out = tmp_path_factory.mktemp("pdf-alone")
    args = ["build", "--root", str(CONTENT.parent), "--output", str(out), "-q"]
    assert main([*args, "--format", "pdf", KALMAR]) == 0
    return out / KALMAR


def test_pdf_build_is_deterministic(kalmar_pdf_alone, tmp_path):
    """The module's PDF-only build and a second one here give the same bytes."""
    first = sorted(p for p in kalmar_pdf_alone.iterdir() if not p.name.startswith("."))
    second = build_package(CONTENT / KALMAR, tmp_path / "b", ("pdf",)).written
    assert [p.name for p in first] == sorted(p.name for p in second)
    for a, b in zip(first, sorted(second), strict=True):
        assert a.read_bytes() == b.read_bytes(), f"{a.name} skiljer sig mellan byggen"


def test_source_date_epoch_sets_pdf_dates(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    build_package(CONTENT / KALMAR, tmp_path, ("pdf",))
    with pikepdf.open(tmp_path / KALMAR / "arsrapport.pdf") as pdf:
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20231114221320")
        assert pdf.open_metadata().get("xmp:CreateDate", "").startswith("2023-11-14T22:13:20")


def test_format_pdf_alone_writes_only_pdfs(kalmar_pdf_alone):
    names = sorted(p.name for p in kalmar_pdf_alone.iterdir() if not p.name.startswith("."))
    assert names == sorted(f"{doc}.pdf" for doc, _ in documents(KALMAR))


# -- pagination, on tables made for the purpose ---------------------------------------------


def _ctx() -> RenderContext:
    return RenderContext(
        "typst",
        load_labels([TEMPLATES], "sv"),
        NumberStyle(),
        9070,
        numbers={"kr-x-0": ("tabell", 1)},
        extra={"placeholder": "kr-x-0", "landscape_width_twips": 13948},
    )


def _pdf(blocks: list) -> bytes:
    settings = PdfSettings(
        title="Provdokument",
        author="Provnämnden",
        subject="Provnämnden, Provkommun",
        timestamp=datetime(2023, 1, 26),
        template_dirs=[TEMPLATES],
        reference_docx=TEMPLATES / "reference.docx",
        placeholders={"titel": "Provdokument", "kommun": "Provkommun"},
    )
    return write_pdf(blocks, settings, images={}).pdf


def _table(rows: int, total: bool = False, comment_every: int = 0) -> RenderTable:
    filler = "Lång kommentar som bryts över flera rader i cellen. " * 2
    body = []
    for n in range(1, rows + 1):
        body.append(
            Row([Cell(f"R{n}start"), Cell(f"{filler} R{n}slut"), Cell(f"{n} 000", align="right")])
        )
        if comment_every and n % comment_every == 0:
            body.append(Row([Cell(f"Kommentar K{n}", colspan=3)], kind="comment"))
    if total:
        body.append(Row([Cell("Summa"), Cell(""), Cell("99 000", align="right")], kind="total"))
    header = [Cell("Enhet"), Cell("Kommentar"), Cell("Tabellhuvud", align="right")]
    return RenderTable(
        [Column(), Column(), Column(numeric=True)], [header], body, caption="Lång tabell"
    )


def test_long_table_repeats_its_header_and_never_splits_a_row():
    blocks = _table(80).render(_ctx())
    pages = page_texts(_pdf(blocks))
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        if re.search(r"R\d+start", text):
            assert "Tabellhuvud" in text, f"sida {number}: tabellhuvudet upprepas inte"
    for n in range(1, 81):
        start = [i for i, t in enumerate(pages) if re.search(rf"\bR{n}start\b", t)]
        end = [i for i, t in enumerate(pages) if re.search(rf"\bR{n}slut\b", t)]
        assert len(start) == 1 and start == end, f"rad {n} delas mellan sidor"


# (space before the table, rows, a comment row after every n-th row): layouts where, without
# the template's keep-groups, a comment row (the first two) or the total row (the last) would
# start a page on its own.
STRANDING_LAYOUTS = [(12, 22, 1), (52, 22, 1), (0, 24, 5)]


@pytest.mark.parametrize(("space", "rows", "every"), STRANDING_LAYOUTS)
def test_total_and_comment_rows_stay_with_their_rows(space, rows, every):
    table = _table(rows, total=True, comment_every=every)
    blocks = [raw_block("typst", f"#v({space}pt)"), *table.render(_ctx())]
    pages = page_texts(_pdf(blocks))
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        lines = [line.strip() for line in text.splitlines()]
        body = [line for line in lines if re.match(r"(R\d+start|Summa|Kommentar K)", line)]
        if body:
            assert body[0].startswith("R"), f"sidan {number} börjar med {body[0]!r}"


def test_the_typst_template_is_always_the_toolkits():
    """template_text takes no folders: a package's own rapport.typ is never read (the package
    is refused before the build, tests/test_security.py)."""
    assert template_text() == (TEMPLATES / "typst" / "rapport.typ").read_text(encoding="utf-8")

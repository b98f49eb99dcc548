"""The PDFs: PDF/UA and PDF/A metadata, tags, A4 pages, running header and footer, TOC page
numbers that point at the right page, table headers repeated and rows never split, vectors."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pikepdf
import pytest

from kommunrapport.build.pipeline import build_package
from kommunrapport.cli import main
from kommunrapport.errors import KommunrapportError
from kommunrapport.project.package import builtin_templates_dir, discover_packages, load_package
from kommunrapport.writers.pdf import (
    PUBLISH,
    PdfSettings,
    page_counter_content,
    write_pdfs,
)

from .conftest import CONTENT, KALMAR, html_soup

EXAMPLES = [p.name for p in discover_packages(CONTENT)]
A4 = (595.28, 841.89)  # points

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) saknas"
)


def page_texts(path: Path) -> list[str]:
    """The text of every page, laid out as on the page (pdftotext -layout)."""
    out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    return out.split("\f")[:-1]


def documents(package_id: str) -> list[tuple[str, str]]:
    """(doc id, kind) of every document in a package."""
    config = load_package(CONTENT / package_id).config
    return [(d.id, d.kind) for d in config.documents]


def settings(title: str = "Provdokument") -> PdfSettings:
    return PdfSettings(
        title=title,
        municipality="Provkommun",
        author="Provnämnden",
        subject="Provnämnden, Provkommun",
        timestamp=datetime(2023, 1, 26),
        page_label="Sida {sida} av {sidor}",
        template_dirs=[builtin_templates_dir()],
    )


def page_html(body: str, title: str = "Provdokument") -> bytes:
    return (
        f'<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>{title}</title>'
        f"</head><body><main>{body}</main></body></html>"
    ).encode()


# -- every example package ------------------------------------------------------------------


@pytest.mark.parametrize("package_id", EXAMPLES)
def test_every_document_has_publishing_and_archive_pdf(built, package_id):
    out = built(package_id)
    for doc_id, _kind in documents(package_id):
        for name in (f"{doc_id}.pdf", f"{doc_id}-arkiv.pdf"):
            assert (out / name).is_file(), f"{name} saknas i {package_id}"


@pytest.mark.parametrize("package_id", EXAMPLES)
def test_publishing_pdf_declares_pdf_ua_and_is_tagged(built, package_id):
    out = built(package_id)
    for doc_id, _kind in documents(package_id):
        html_title = html_soup(out / f"{doc_id}.html").title.get_text()
        with pikepdf.open(out / f"{doc_id}.pdf") as pdf:
            meta = pdf.open_metadata()
            assert meta.get("pdfuaid:part") == "1"
            assert "pdfaid:part" not in meta
            assert meta.get("dc:title") == html_title
            assert str(pdf.docinfo["/Title"]) == html_title
            root = pdf.Root
            assert bool(root.MarkInfo.Marked)
            assert "/StructTreeRoot" in root
            assert str(root.Lang) == "sv"
            assert bool(root.ViewerPreferences.DisplayDocTitle)
            _assert_fonts_embedded(pdf)
            _assert_a4(pdf)


@pytest.mark.parametrize("package_id", EXAMPLES)
def test_archive_pdf_declares_pdf_a_2u_with_output_intent(built, package_id):
    out = built(package_id)
    for doc_id, _kind in documents(package_id):
        with pikepdf.open(out / f"{doc_id}-arkiv.pdf") as pdf:
            meta = pdf.open_metadata()
            assert meta.get("pdfaid:part") == "2"
            assert meta.get("pdfaid:conformance") == "U"
            assert pdf.pdf_version == "1.7"
            intents = pdf.Root.OutputIntents
            assert len(intents) == 1 and intents[0].S == "/GTS_PDFA1"
            assert "/DestOutputProfile" in intents[0]
            assert len(pdf.trailer.ID) == 2  # PDF/A requires a file identifier
            assert bool(pdf.Root.MarkInfo.Marked)  # tagged as well, so it stays accessible
            assert str(pdf.Root.Lang) == "sv"
            _assert_fonts_embedded(pdf)


def _assert_fonts_embedded(pdf: pikepdf.Pdf) -> None:
    for page in pdf.pages:
        fonts = page.Resources.get("/Font", {})
        for name, font in fonts.items():
            descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = descendant.FontDescriptor
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), name


def _assert_a4(pdf: pikepdf.Pdf) -> None:
    """Every page is A4, upright or (for tables marked liggande) landscape."""
    for page in pdf.pages:
        box = [float(v) for v in page.MediaBox]
        size = sorted((box[2] - box[0], box[3] - box[1]))
        assert abs(size[0] - A4[0]) < 1 and abs(size[1] - A4[1]) < 1, size


@pytest.mark.parametrize("package_id", EXAMPLES)
def test_pdf_has_no_raster_images_that_the_html_does_not_have(built, package_id):
    """Charts come as SVG and stay vectors: the only raster images are the HTML's own."""
    out = built(package_id)
    for doc_id, _kind in documents(package_id):
        soup = html_soup(out / f"{doc_id}.html")
        raster = [
            img
            for img in soup.find_all("img")
            if not img.get("src", "").startswith("data:image/svg")
        ]
        with pikepdf.open(out / f"{doc_id}.pdf") as pdf:
            images = sum(len(page.get_images()) for page in pdf.pages)
        assert images <= len(raster)


@needs_poppler
@pytest.mark.parametrize("package_id", EXAMPLES)
def test_running_header_and_footer_but_not_on_the_cover(built, package_id):
    out = built(package_id)
    for doc_id, kind in documents(package_id):
        soup = html_soup(out / f"{doc_id}.html")
        title = soup.title.get_text()
        pages = page_texts(out / f"{doc_id}.pdf")
        has_cover = soup.select_one("header.cover") is not None
        for number, text in enumerate(pages, start=1):
            footer = f"Sida {number} av {len(pages)}"
            if number == 1 and has_cover:
                assert "Sida " not in text, f"{doc_id}: omslaget har sidfot"
                continue
            assert footer in text, f"{doc_id} sida {number}: '{footer}' saknas"
            head = " ".join(text.strip().splitlines()[0].split())
            assert head.startswith(" ".join(title.split())), f"{doc_id} sida {number}: {head}"
        if kind == "tjänsteskrivelse":
            assert not has_cover


def toc_page_numbers(text: str, entries: list[str]) -> list[int | None]:
    """The page number printed after each entry (in order) in a table of contents; ``None``
    where an entry is missing. Whitespace is normalised, so wrapped entries are found too."""
    flat = " ".join(text.split())
    numbers: list[int | None] = []
    position = 0
    for entry in entries:
        match = re.compile(re.escape(entry) + r"\s*(?:\.\s*)+(\d+)\b").search(flat, position)
        numbers.append(int(match[1]) if match else None)
        position = match.end() if match else position
    return numbers


@needs_poppler
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
        assert not missing, f"{doc_id}: utan sidnummer i innehållsförteckningen: {missing}"
        assert numbers == sorted(numbers), f"{doc_id}: sidnumren stiger inte: {numbers}"
        for entry, page in zip(entries, numbers, strict=True):
            assert page is not None and toc_page + 1 < page <= len(pages), (entry, page)
            assert entry in " ".join(pages[page - 1].split()), (
                f"{doc_id}: '{entry}' står inte på sidan {page}"
            )


def test_pdf_build_is_deterministic(tmp_path):
    first = build_package(CONTENT / KALMAR, tmp_path / "a", ("pdf",))
    second = build_package(CONTENT / KALMAR, tmp_path / "b", ("pdf",))
    names = [p.name for p in first.written]
    assert names == [p.name for p in second.written]
    assert "arsrapport.pdf" in names and "arsrapport-arkiv.pdf" in names
    for a, b in zip(first.written, second.written, strict=True):
        assert a.read_bytes() == b.read_bytes(), f"{a.name} skiljer sig mellan byggen"


def test_source_date_epoch_sets_pdf_dates(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    build_package(CONTENT / KALMAR, tmp_path, ("pdf",))
    with pikepdf.open(tmp_path / KALMAR / "arsrapport-arkiv.pdf") as pdf:
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20231114221320")
        assert pdf.open_metadata().get("xmp:CreateDate", "").startswith("2023-11-14T22:13:20")


def test_format_pdf_alone_writes_only_pdfs(tmp_path):
    args = ["build", "--root", str(CONTENT.parent), "--output", str(tmp_path), "-q"]
    code = main([*args, "--format", "pdf", KALMAR])
    assert code == 0
    names = sorted(p.name for p in (tmp_path / KALMAR).iterdir() if not p.name.startswith("."))
    assert names == sorted(
        f"{doc}{suffix}.pdf" for doc, _ in documents(KALMAR) for suffix in ("", "-arkiv")
    )


# -- the print rules, on pages made for the purpose -----------------------------------------


def long_table(rows: int) -> str:
    filler = "Lång kommentar som bryts över flera rader i cellen. " * 3
    body = "".join(
        f'<tr><th scope="row">R{n}start enhet {n}</th><td>{filler} R{n}slut</td>'
        f'<td class="num">{n} 000</td></tr>'
        for n in range(1, rows + 1)
    )
    return (
        "<table><caption>Tabell 1 Lång tabell</caption>"
        '<thead><tr><th scope="col">Enhet</th><th scope="col">Kommentar</th>'
        '<th scope="col" class="num">Tabellhuvud</th></tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


@needs_poppler
def test_table_header_repeats_and_rows_are_not_split(tmp_path):
    files, problems = write_pdfs(page_html(long_table(80)), settings(), (PUBLISH,))
    assert problems == []
    path = tmp_path / "tabell.pdf"
    path.write_bytes(files["pdf"])
    pages = page_texts(path)
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        if re.search(r"R\d+start", text):
            assert "Tabellhuvud" in text, f"sida {number}: tabellhuvudet upprepas inte"
    for n in range(1, 81):
        where = {
            marker: [i for i, text in enumerate(pages) if re.search(rf"\b{marker}\b", text)]
            for marker in (f"R{n}start", f"R{n}slut")
        }
        assert len(where[f"R{n}start"]) == 1
        assert where[f"R{n}start"] == where[f"R{n}slut"], f"rad {n} delas mellan sidor"


SVG_CHART = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200" viewBox="0 0 400 200">'
    '<rect x="20" y="40" width="60" height="140" fill="#1f3a5f"/>'
    '<rect x="120" y="90" width="60" height="90" fill="#1f3a5f"/>'
    '<text x="20" y="195" font-size="12">2021</text></svg>'
)


def test_svg_chart_is_drawn_as_vectors(tmp_path):
    src = "data:image/svg+xml;base64," + base64.b64encode(SVG_CHART.encode()).decode()
    body = f'<figure><img src="{src}" alt="Stapeldiagram"><figcaption>Figur 1</figcaption></figure>'
    files, problems = write_pdfs(page_html(body), settings(), (PUBLISH,))
    assert problems == []
    with pikepdf.open(__import__("io").BytesIO(files["pdf"])) as pdf:
        page = pdf.pages[0]
        assert len(page.get_images()) == 0  # no raster image
        content = b"".join(
            pikepdf.unparse_content_stream(pikepdf.parse_content_stream(obj))
            for obj in [page, *_forms(page)]
        )
        assert b" re" in content or b" re\n" in content  # the bars are rectangles


def _forms(page: pikepdf.Page) -> list[pikepdf.Object]:
    xobjects = page.Resources.get("/XObject", {})
    return [x for x in xobjects.values() if x.get("/Subtype") == "/Form"]


def test_remote_resources_are_not_fetched():
    body = '<p>Text</p><img src="https://example.invalid/bild.png" alt="Fjärrbild">'
    files, problems = write_pdfs(page_html(body), settings(), (PUBLISH,))
    assert files["pdf"].startswith(b"%PDF-")
    assert any("example.invalid" in p for p in problems)


def test_page_label_comes_from_the_locale_file():
    assert page_counter_content("Sida {sida} av {sidor}") == (
        '"Sida " counter(page) " av " counter(pages)'
    )
    assert page_counter_content("{sida} ({sidor})") == ('counter(page) " (" counter(pages) ")"')
    with pytest.raises(KommunrapportError, match="sidnummer"):
        page_counter_content("Sida {sidnummer}")


@needs_poppler
def test_header_texts_are_escaped_css_strings(tmp_path):
    title = 'Rapport "2023" \\ del 1'
    files, _ = write_pdfs(page_html("<p>Text</p>", title), settings(title), (PUBLISH,))
    path = tmp_path / "titel.pdf"
    path.write_bytes(files["pdf"])
    assert title in page_texts(path)[0]


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
def test_tag_tree_has_headings_tables_and_figures_with_alt_text(built, package_id):
    """PDF/UA: the structure follows the HTML; every image is a Figure with its alt text."""
    out = built(package_id)
    for doc_id, _kind in documents(package_id):
        soup = html_soup(out / f"{doc_id}.html")
        with pikepdf.open(out / f"{doc_id}.pdf") as pdf:
            elements = _struct_elements(pdf.Root.StructTreeRoot, [])
            kinds = [str(e.S) for e in elements]
            assert "/H1" in kinds or "/H2" in kinds, doc_id
            if soup.find("table"):
                assert "/Table" in kinds and "/TH" in kinds, doc_id
            alts = [str(e.Alt) for e in elements if str(e.S) == "/Figure" and "/Alt" in e]
            expected = [img["alt"] for img in soup.find_all("img") if not _hidden_in_pdf(img)]
            assert sorted(alts) == sorted(expected), doc_id


def _hidden_in_pdf(img) -> bool:
    """Images inside a chart's data table (hidden on paper) are not in the PDF."""
    return img.find_parent("details") is not None

"""The core pipeline on the Kalmar example: files, headings, numbering, TOC, cover, footer."""

from __future__ import annotations

import re

from docx import Document
from docx.oxml.ns import qn

from .conftest import KALMAR, docx_paragraphs, docx_xml, html_soup

EXPECTED_HEADINGS = [
    "1 Kommunstyrelse",
    "1.1 Väsentliga händelser",
    "1.1.1 Trygghetsfrågor",
    "1.1.7 Övriga axplock från verksamheterna",
    "1.2 Utfall",
    "1.2.1 Driftredovisning",
    "1.2.2 Investeringsredovisning",
    "2 Väsentliga personalförhållanden",
    "2.2 Sjukfrånvaro",
    "3 Kvalitet, styrning och kontroll",
    "3.4 Intern kontroll",
]


def test_every_document_in_both_formats(built):
    out = built(KALMAR)
    names = sorted(p.name for p in out.iterdir())
    for doc_id in ("tjansteskrivelse", "arsrapport"):
        assert f"{doc_id}.docx" in names
        assert f"{doc_id}.html" in names


def test_docx_headings_are_numbered_in_order(built):
    paragraphs = docx_paragraphs(built(KALMAR) / "arsrapport.docx")
    headings = [text for style, text in paragraphs if style.lower().startswith("heading")]
    positions = [headings.index(h) for h in EXPECTED_HEADINGS]
    assert positions == sorted(positions)
    assert all(re.match(r"^\d+(\.\d+)* ", h) for h in headings)


def test_docx_toc_lists_headings_when_opened(built):
    paragraphs = docx_paragraphs(built(KALMAR) / "arsrapport.docx")
    toc = [text for style, text in paragraphs if style.lower().startswith("toc")]
    assert toc[0] == "Innehållsförteckning"
    # the page numbers after the last tab come from a layout of the document (test_docx_layout)
    assert any(t.startswith("1\tKommunstyrelse\t") for t in toc)
    assert any(t.startswith("1.1.1\tTrygghetsfrågor\t") for t in toc)
    xml = docx_xml(built(KALMAR) / "arsrapport.docx")
    assert xml.count("PAGEREF") == len(toc) - 1
    anchors = re.findall(r'w:hyperlink w:anchor="([^"]+)"', xml)
    for anchor in anchors:
        assert f'w:name="{anchor}"' in xml, f"TOC link to missing bookmark {anchor}"


def test_word_settings_have_swedish_separators(built):
    """Word asks to update fields on opening only when the build could not lay the document out
    (no LibreOffice): test_docx_layout checks both cases."""
    out = built(KALMAR)
    settings = Document(str(out / "arsrapport.docx")).settings.element
    assert settings.find(qn("w:decimalSymbol")).get(qn("w:val")) == ","
    assert settings.find(qn("w:listSeparator")).get(qn("w:val")) == ";"
    memo = Document(str(out / "tjansteskrivelse.docx")).settings.element
    assert memo.find(qn("w:updateFields")) is None  # no table of contents, no question on open


def test_docx_cover_and_footer_show_metadata(built):
    path = built(KALMAR) / "arsrapport.docx"
    paragraphs = docx_paragraphs(path)
    cover = {style: text for style, text in paragraphs[:12]}
    assert cover["Title"] == "Kommunstyrelsens årsrapport 2022"
    assert cover["Omslag kommun"] == "Kalmar kommun"
    texts = [t for _, t in paragraphs[:12]]
    assert "Diarienummer: KS 2022/0231" in texts
    assert "Datum: 2023-01-26" in texts
    doc = Document(str(path))
    section = doc.sections[0]
    footer_xml = section.footer._element.xml
    assert "Sida " in footer_xml and " av " in footer_xml
    assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml
    header_text = section.header.paragraphs[0].text
    assert header_text == "Kommunstyrelsens årsrapport 2022\tKalmar kommun"
    assert section.different_first_page_header_footer  # no header/footer on the cover


def test_docx_core_properties(built):
    props = Document(str(built(KALMAR) / "arsrapport.docx")).core_properties
    assert props.title == "Kommunstyrelsens årsrapport 2022"
    assert props.language == "sv-SE"


def test_html_is_accessible_page_with_same_numbering(built):
    soup = html_soup(built(KALMAR) / "arsrapport.html")
    assert soup.html["lang"] == "sv"
    assert soup.find("h1").get_text(strip=True) == "Kommunstyrelsens årsrapport 2022"
    headings = [h.get_text(" ", strip=True) for h in soup.select("main h2, main h3, main h4")]
    for expected in EXPECTED_HEADINGS:
        assert expected in headings
    nav = soup.find("nav")
    assert nav["aria-labelledby"] == "toc-rubrik"
    links = nav.find_all("a")
    assert links and all(soup.find(id=a["href"][1:]) for a in links)
    assert "@media print" in soup.find("style").text
    assert not soup.find_all(["script", "link", "iframe"])


def test_html_and_docx_have_same_headings(built):
    out = built(KALMAR)
    docx_heads = [
        t for s, t in docx_paragraphs(out / "arsrapport.docx") if s.lower().startswith("heading")
    ]
    soup = html_soup(out / "arsrapport.html")
    html_heads = [
        h.get_text(" ", strip=True)
        for h in soup.select("main h2, main h3, main h4, main h5, main h6")
    ]
    assert docx_heads == html_heads


def test_tjansteskrivelse_layout(built):
    out = built(KALMAR)
    paragraphs = docx_paragraphs(out / "tjansteskrivelse.docx")
    texts = [t for _, t in paragraphs]
    assert "Kommunstyrelsens årsrapport 2022" in texts
    assert "Förslag till beslut" in texts
    assert "Kommunstyrelsen godkänner årsrapport 2022 med uppföljning av verksamhetsplan." in texts
    doc = Document(str(out / "tjansteskrivelse.docx"))
    head = doc.tables[0]
    cells = " ".join(c.text for c in head.rows[0].cells)
    for expected in (
        "Kalmar kommun",
        "Kommunledningskontoret",
        "TJÄNSTESKRIVELSE",
        "2023-01-26",
        "KS 2022/0231",
        "Anna Emrin",
    ):
        assert expected in cells
    signatures = " ".join(c.text for c in doc.tables[1].rows[0].cells)
    assert "Vanja Lukic-Louhichi" in signatures
    assert "Bilagor" in texts
    assert any(
        t.startswith("Kommunstyrelsens årsrapport 2022")
        for s, t in paragraphs
        if "List" in s or "Compact" in s or "Body" in s
    )
    soup = html_soup(out / "tjansteskrivelse.html")
    assert soup.find("h1").get_text(strip=True) == "Kommunstyrelsens årsrapport 2022"
    assert "KS 2022/0231" in soup.select_one(".memo-head").get_text()


def test_snippet_included_in_section(built):
    texts = [t for _, t in docx_paragraphs(built(KALMAR) / "arsrapport.docx")]
    assert any(t.startswith("HR och ekonomi har under hösten börjat införa") for t in texts)


def test_package_templates_override_builtin_ones(package_copy, tmp_path):
    from kommunrapport.build.pipeline import build_package
    from kommunrapport.writers.reference_docx import make_reference_docx

    _root, pkg = package_copy()
    templates = pkg / "templates"
    (templates / "dokument" / "rapport").mkdir(parents=True)
    (templates / "dokument" / "rapport" / "omslag.md.j2").write_text(
        '::: {custom-style="Title"}\nEgen omslagsmall: {{ omslag.titel }}\n:::\n', encoding="utf-8"
    )
    (templates / "locale").mkdir()
    (templates / "locale" / "sv.yaml").write_text(
        "innehallsforteckning: Innehåll\n", encoding="utf-8"
    )
    reference = templates / "reference.docx"
    make_reference_docx(reference)
    profile = Document(str(reference))
    profile.styles["Normal"].font.name = "Georgia"
    profile.save(str(reference))
    result = build_package(pkg, tmp_path / "out", ("docx", "html"))
    docx = next(p for p in result.written if p.name == "arsrapport.docx")
    texts = [t for _, t in docx_paragraphs(docx)]
    assert "Egen omslagsmall: Kommunstyrelsens årsrapport 2022" in texts
    assert "Innehåll" in texts and "Innehållsförteckning" not in texts
    assert 'w:ascii="Georgia"' in docx_xml(docx, "word/styles.xml")
    html = next(p for p in result.written if p.name == "arsrapport.html")
    assert html_soup(html).find("nav").h2.get_text() == "Innehåll"


def test_standard_structure_gives_the_outline(package_copy, tmp_path):
    """A document with `mall:` and no `disposition:` takes its outline from the template."""
    from kommunrapport.build.pipeline import build_package

    _root, pkg = package_copy()
    structures = pkg / "templates" / "strukturer"
    structures.mkdir(parents=True)
    (structures / "testrapport.yaml").write_text(
        "disposition:\n  - rubrik: Inledning\n    fil: arsrapport/01-kommunstyrelse.md\n"
        "  - rubrik: Ekonomi\n    underavsnitt:\n      - fil: arsrapport/10-driftredovisning.md\n",
        encoding="utf-8",
    )
    config = pkg / "report.yaml"
    text = config.read_text(encoding="utf-8")
    start = text.index("  - id: arsrapport")
    end = text.index("\n  - id:", start + 10) if "\n  - id:" in text[start + 10 :] else len(text)
    text = (
        text[:start]
        + ("  - id: arsrapport\n    typ: rapport\n    titel: Prov\n    mall: testrapport\n")
        + text[end:]
    )
    config.write_text(text, encoding="utf-8")
    result = build_package(pkg, tmp_path / "out", ("docx",))
    docx = next(p for p in result.written if p.name == "arsrapport.docx")
    headings = [t for s, t in docx_paragraphs(docx) if s.lower().startswith("heading")]
    assert headings == ["1 Inledning", "2 Ekonomi", "2.1 Driftredovisning"]


def test_committed_reference_docx_matches_its_generator(tmp_path):
    """templates/reference.docx is generated by reference_docx.py; the two must not drift."""
    from kommunrapport.project.package import builtin_templates_dir
    from kommunrapport.writers.reference_docx import make_reference_docx

    fresh = tmp_path / "reference.docx"
    make_reference_docx(fresh)
    committed = builtin_templates_dir() / "reference.docx"
    for member in ("word/styles.xml", "word/document.xml", "word/header1.xml", "word/footer1.xml"):
        assert docx_xml(fresh, member) == docx_xml(committed, member), (
            f"{member} differs: run `kommunrapport referensdokument templates/reference.docx`"
        )

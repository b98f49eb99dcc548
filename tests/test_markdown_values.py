"""A value inserted with ``{{ … }}`` is text, never Markdown syntax (issue 12).

Each value below would be Markdown if it were typed in a section: "2022." starts an ordered
list, "- x" a bullet list, "# x" a heading, "| x |" a table row, "<b>" raw HTML, "a_b_c" and
"**x**" emphasis, "[l](u)" a link. Inserted from the data, at the start of a line, mid-line, on
a continuation line and in a pipe-table cell, each must come out exactly as written in DOCX,
HTML and PDF.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from docx import Document

from kommunrapport.build.pipeline import PackageResult, build_package
from kommunrapport.text.markdown_text import escape_markdown, markdown_value, settle_values
from kommunrapport.text.typography import typeset

pdfium = pytest.importorskip("pypdfium2", reason="pypdfium2 saknas (pip install '.[test]')")

DANGEROUS = [
    "2022.",
    "1986) och sedan",
    "1. Först",
    "A. Andersson",
    "- minus",
    "* stjärna",
    "+ plus",
    "# rubrik",
    "> citat",
    "| rör | rör |",
    "<b>fet</b>",
    "a_b_c",
    "**fet**",
    "[länk](https://x.se)",
    "C:\\mapp\\fil",
    "`kod`",
    "~~struken~~",
    "x^2^ och H~2~O",
    "$5$",
    "@ref",
    "&amp;",
    "<!-- kommentar -->",
    ": definition",
]

REPORT_YAML = """\
kommun: Testkommun
nämnd: Kommunstyrelsen
rapporttyp: årsrapport
år: 2022
period:
  namn: januari–december 2022
  från: 2022-01-01
  till: 2022-12-31
dokument:
  - id: rapport
    typ: rapport
    titel: Tecken i värden
    disposition:
      - fil: rapport/01-varden.md
"""

SECTION = """\
---
rubrik: Värden
---
{% for v in farliga %}
Stycke {{ loop.index }}.

{{ v }}

Mitt i {{ v }} raden.

Första raden i stycket
{{ v }}.

| Nr | Värde |
|---|---|
| {{ loop.index }} | {{ v }} |

{% endfor %}
Portföljen startade under
{{ år }}.

Sammanfattning: {{ rest }}
"""


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> PackageResult:
    root = tmp_path_factory.mktemp("tecken")
    package = root / "content" / "tecken"
    (package / "rapport").mkdir(parents=True)
    values = "\n".join(f"    - {_yaml(v)}" for v in DANGEROUS)
    (package / "report.yaml").write_text(
        REPORT_YAML + f"variabler:\n  rest: '[Skriv här]'\n  farliga:\n{values}\n",
        encoding="utf-8",
    )
    (package / "rapport" / "01-varden.md").write_text(SECTION, encoding="utf-8")
    return build_package(package, root / "output", use_cache=False)


@pytest.fixture(scope="module")
def outputs(result: PackageResult) -> Path:
    return (result.written or result.unchanged)[0].parent


def _yaml(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _norm(text: str) -> str:
    text = text.replace("\ufffe", "").replace("\u00ad", "")  # hyphenation points in PDF text
    return re.sub(r"[\s\u00a0]+", " ", text).strip()


def _text(path: Path) -> str:
    """Body text of a DOCX (paragraphs and table cells), an HTML page (its main part) or a
    PDF (pypdfium2's text)."""
    if path.suffix == ".docx":
        document = Document(str(path))
        parts = [p.text for p in document.paragraphs]
        parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
        return "\n".join(parts)
    if path.suffix == ".html":
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        return (soup.find("main") or soup).get_text("\n")
    pdf = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


@pytest.mark.parametrize("fmt", ["docx", "html", "pdf"])
def test_each_value_comes_out_literally_in_every_position(outputs, fmt):
    text = _norm(_text(outputs / f"rapport.{fmt}"))
    missing = []
    for value in DANGEROUS:
        # as written, or with Swedish typography after a space ("- minus" → "– minus")
        forms = {_norm(value), _norm(typeset(" " + value))}
        count = sum(text.count(form) for form in forms)
        # start of a paragraph, mid-line, on a continuation line, in a table cell
        if count < 4:
            missing.append(f"{value!r}: {count} av 4")
    assert not missing, f"{fmt}: värden som inte kom ut ordagrant:\n" + "\n".join(missing)


def test_no_value_became_structure_in_html(outputs):
    soup = BeautifulSoup((outputs / "rapport.html").read_text(encoding="utf-8"), "html.parser")
    main = soup.find("main") or soup
    made = main.find_all(["ol", "ul", "blockquote", "em", "strong", "code", "del", "sup", "sub"])
    assert not made, [str(m)[:80] for m in made]
    assert not main.find_all("a", href="https://x.se")
    assert not [h for h in main.find_all(["h1", "h2", "h3", "h4"]) if "rubrik" in h.get_text()]
    tables = main.find_all("table")  # one per value, the value alone in its cell
    assert len(tables) == len(DANGEROUS)
    for table, value in zip(tables, DANGEROUS, strict=True):
        assert table.select("tbody td")[-1].get_text(strip=True) == value


@pytest.mark.parametrize("fmt", ["docx", "html", "pdf"])
def test_year_after_line_break_stays_a_year(outputs, fmt):
    """ "{{ år }}." at the start of a continuation line is the sentence's year, not a list."""
    assert "Portföljen startade under 2022." in _norm(_text(outputs / f"rapport.{fmt}"))


@pytest.mark.parametrize("fmt", ["docx", "html", "pdf"])
def test_orebro_2022_sentence_keeps_its_year(built, fmt):
    """The example that showed the bug: Örebro 2022, 23-kompetensforsorjningsportfoljen.md
    line 21 ("påbörjades under" / "{{ år }}.") printed an empty list item starting at 2022."""
    path = built("orebro-ks-arsberattelse-2022") / f"arsberattelse.{fmt}"
    assert "förstudien påbörjades under 2022." in _norm(_text(path))
    if fmt == "html":
        assert 'start="2022"' not in path.read_text(encoding="utf-8")


def test_template_leftover_in_a_value_is_still_found(result):
    """A value is escaped in the rendered Markdown; the leftover check reads it unescaped."""
    leftovers = [f for f in result.findings.items if f.code == "placeholder"]
    assert any("[Skriv här]" in f.message for f in leftovers), leftovers


def test_escape_and_settle_units():
    assert escape_markdown("2022.") == "2022\\."
    assert escape_markdown("rad ett\n\n- rad två") == "rad ett \\- rad två"
    assert escape_markdown("    kod") == " kod"
    # a value and the template's own "." or ")" never make a list marker
    year = markdown_value(2022)
    assert settle_values(f"  {year}.\n{markdown_value('a')})") == "  2022\\.\na\\)"
    # empty values are not marked: `{% if text | trim %}` still sees an empty text
    assert markdown_value("") == "" and markdown_value("  ") == " "

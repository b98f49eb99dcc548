"""Swedish typography of a built document, counted (Språkrådet, Svenska skrivregler).

Counts in the narrative and the table cells of a DOCX (body paragraphs and cells; the contents
list is left out, it repeats the headings) or in the ``<main>`` of an HTML page:

- ``quotes``: quotations in "…" or “…” instead of ”…”;
- ``spaced_hyphen``: a hyphen between spaces used as a dash (" - " instead of " – ");
- ``range_hyphen``: a hyphen in a range of numbers ("16-64 år", "2016-2017"), dates left out;
- ``space_before_percent``, ``space_before_unit``: a breakable space between a number and %
  or a unit (tkr, mnkr, kr, st, km …) where a non-breaking one belongs;
- ``space_before_unit_word``: the same before a unit or amount written out (kronor, miljoner,
  procent, hektar …);
- ``thousands_space``: a breakable space as thousands separator ("1 060");
- ``breakable_range``: a range of years "2023–2024" that may break after the dash (in DOCX
  without a word joiner after the dash; in HTML outside a ``kr-nowrap`` span: in the page's
  text, table cells left out, where a wrapped range costs little and cells scroll sideways);
- ``date_heading``: a column heading with a date written as six digits ("Utfall 150831").

Command line: ``python -m tests.typography_audit FILE.docx|FILE.html ...``
"""

from __future__ import annotations

import argparse
import re
import sys
import zipfile
from datetime import date
from pathlib import Path

from bs4 import BeautifulSoup
from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
UNITS = r"(?:tkr|mnkr|mdkr|mkr|kr|st|km|kvm|m²|m2|kg|ton|kWh|MWh|GWh|tim|min|°C|ha)"
UNIT_WORDS = r"(?:kronor|miljoner|miljarder|procent|procentenheter|hektar|kvadratmeter|kilometer)"

PATTERNS: dict[str, re.Pattern[str]] = {
    "quotes": re.compile(r'"[^"\n]{1,300}"|“[^”\n]{0,300}[”"]|„[^“”\n]{0,300}[“”]'),
    "spaced_hyphen": re.compile(r"(?<=\s)-(?=\s)"),
    "range_hyphen": re.compile(r"(?<![\d\-/:.,])\d{1,4}-\d{1,4}(?![\d\-/:]|,\d)"),
    "space_before_percent": re.compile(r"\d %"),
    "space_before_unit": re.compile(rf"\d {UNITS}(?![\wåäöÅÄÖ])"),
    "space_before_unit_word": re.compile(rf"\d {UNIT_WORDS}(?![\wåäöÅÄÖ])"),
    "thousands_space": re.compile(r"(?<![\d ])\d{1,3}(?: \d{3})+(?![\d])"),
    "breakable_range": re.compile(r"\b\d{4}–(?!\u2060)\d{2,4}\b"),
}
DATE_HEADING = re.compile(r"\b(\d{2})(\d{2})(\d{2})\b")
COUNTS = [*PATTERNS, "date_heading"]


def _is_six_digit_date(text: str) -> bool:
    for match in DATE_HEADING.finditer(text):
        year, month, day = (int(g) for g in match.groups())
        try:
            date(2000 + year, month, day)
        except ValueError:
            continue
        return True
    return False


def docx_texts(path: Path) -> tuple[list[str], list[str]]:
    """(paragraph texts of the narrative and cells, texts of table header cells)."""
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    texts: list[str] = []
    for paragraph in root.iter(f"{W}p"):
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        if style is not None and style.get(f"{W}val", "").upper().startswith("TOC"):
            continue
        parts = []
        for node in paragraph.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}noBreakHyphen"):
            if node.tag == f"{W}noBreakHyphen":
                parts.append("\u2011")
            else:
                parts.append(node.text or "" if node.tag == f"{W}t" else " ")
        texts.append("".join(parts))
    headers = []
    for row in root.iter(f"{W}tr"):
        if row.find(f"{W}trPr/{W}tblHeader") is not None:
            headers += ["".join(t.text or "" for t in cell.iter(f"{W}t")) for cell in row]
    return texts, headers


def html_texts(path: Path) -> tuple[list[str], list[str]]:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    for kept in soup.select(".kr-nowrap"):  # kept on one line by the page's style
        kept.string = kept.get_text().replace("–", "–\u2060")
    main = soup.find("main") or soup
    headers = [th.get_text() for th in main.select("thead th")]
    for cell in main.find_all(["td", "th", "caption"]):  # cells may wrap a range (see above)
        cell.string = cell.get_text().replace("–", "–\u2060")
    blocks = main.find_all(["p", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "caption"])
    texts = [b.get_text() for b in blocks if not b.find(["p", "li", "td", "th"])]
    return texts, headers


def count(path: Path) -> dict[str, int]:
    texts, headers = docx_texts(path) if path.suffix == ".docx" else html_texts(path)
    counts = {name: sum(len(p.findall(t)) for t in texts) for name, p in PATTERNS.items()}
    counts["date_heading"] = sum(1 for h in headers if _is_six_digit_date(h))
    return counts


def examples(path: Path) -> dict[str, list[str]]:
    """The matches themselves, for reading."""
    texts, headers = docx_texts(path) if path.suffix == ".docx" else html_texts(path)
    found = {
        name: [m.group(0) for t in texts for m in p.finditer(t)] for name, p in PATTERNS.items()
    }
    found["date_heading"] = [h for h in headers if _is_six_digit_date(h)]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.typography_audit")
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("-v", "--verbose", action="store_true", help="show what was found")
    args = parser.parse_args(argv)
    print("| document | " + " | ".join(COUNTS) + " |")
    print("|" + "---|" * (len(COUNTS) + 1))
    for path in args.files:
        counts = count(path)
        name = f"{path.parent.name}/{path.name}"
        print(f"| {name} | " + " | ".join(str(counts[c]) for c in COUNTS) + " |")
        if args.verbose:
            for kind, matches in examples(path).items():
                if matches:
                    print(f"    {kind}: {matches}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

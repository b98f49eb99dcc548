"""Accessibility of the web publication: axe-core in a real browser (Debian's Chromium driven
by Playwright), plus what axe does not check: alt texts, heading levels, table headers and
captions. Every document of every example package under content/ is audited."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from kommunrapport.project.package import discover_packages

from .conftest import CONTENT, html_soup

EXAMPLES = [p.name for p in discover_packages(CONTENT)]


# -- what axe cannot see ------------------------------------------------------------------------


def structure_problems(soup: BeautifulSoup) -> list[str]:
    """Alt texts, heading levels, table headers and captions; empty if all is well."""
    problems: list[str] = []
    for img in soup.find_all("img"):
        if not (img.get("alt") or "").strip():
            problems.append(f"bild utan alt-text: {str(img)[:80]}")
    levels = [int(h.name[1]) for h in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
    if levels and levels[0] != 1:
        problems.append(f"första rubriken är h{levels[0]}, inte h1")
    for previous, level in pairwise(levels):
        if level > previous + 1:
            problems.append(f"rubriknivå hoppar från h{previous} till h{level}")
    for index, table in enumerate(soup.find_all("table"), start=1):
        caption = table.find("caption")
        if caption is None or not caption.get_text(strip=True):
            problems.append(f"tabell {index} saknar <caption>")
        headers = table.find_all("th")
        if not headers:
            problems.append(f"tabell {index} saknar rubrikceller (<th>)")
        problems += [
            f"tabell {index}: <th> utan scope: {th.get_text(strip=True)[:40]}"
            for th in headers
            if th.get("scope") not in {"col", "row", "colgroup", "rowgroup"}
        ]
    return problems


def html_documents(out: Path) -> list[Path]:
    return sorted(out.glob("*.html"))


@pytest.mark.parametrize("package_id", EXAMPLES)
def test_structure_of_every_html_document(built, package_id):
    pages = html_documents(built(package_id))
    assert pages, f"{package_id} gav ingen HTML"
    for page in pages:
        assert structure_problems(html_soup(page)) == [], page.name


def test_structure_check_finds_known_problems():
    soup = BeautifulSoup(
        "<h2>Start</h2><h4>Djup</h4><img src='x.png'><img src='y.png' alt=' '>"
        "<table><tr><td>1</td></tr></table>"
        "<table><caption>Tabell 2</caption><tr><th>Rubrik</th></tr></table>",
        "html.parser",
    )
    problems = structure_problems(soup)
    assert "första rubriken är h2, inte h1" in problems
    assert "rubriknivå hoppar från h2 till h4" in problems
    assert sum(p.startswith("bild utan alt-text") for p in problems) == 2
    assert "tabell 1 saknar <caption>" in problems
    assert "tabell 1 saknar rubrikceller (<th>)" in problems
    assert "tabell 2: <th> utan scope: Rubrik" in problems
    assert structure_problems(BeautifulSoup("<h1>A</h1><h2>B</h2><h3>C</h3>", "html.parser")) == []


# -- axe-core in Chromium ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def axe_page(chromium):
    """A Chromium page and a function that runs axe-core on a file; skips without them."""
    axe_module = pytest.importorskip(
        "axe_playwright_python.base", reason="axe-playwright-python saknas (axe-core)"
    )
    axe_script = axe_module.AXE_FILE_PATH.read_text(encoding="utf-8")
    page = chromium.new_page()

    def audit(path: Path) -> list[dict]:
        page.goto(path.resolve().as_uri())
        page.evaluate(axe_script)
        # axe's default rule set: WCAG 2.0/2.1 A and AA, and its best practices.
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        assert result["testEngine"]["name"] == "axe-core"
        return result["violations"]

    yield audit
    page.close()


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        targets = [", ".join(node["target"]) for node in violation["nodes"][:5]]
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} {targets}")
    return "\n".join(lines)


@pytest.mark.browser
@pytest.mark.parametrize("package_id", EXAMPLES)
def test_axe_finds_no_violations(built, axe_page, package_id):
    pages = html_documents(built(package_id))
    assert pages
    for page in pages:
        violations = axe_page(page)
        assert violations == [], f"{page.name}:\n{describe(violations)}"


@pytest.mark.browser
def test_axe_audit_fails_on_a_page_with_known_violations(axe_page, tmp_path):
    page = tmp_path / "fel.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>Fel</title></head><body><main>"
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        '<p style="color:#aaa;background:#fff">Svag kontrast</p>'
        "</main></body></html>",
        encoding="utf-8",
    )
    found = {v["id"] for v in axe_page(page)}
    assert {"html-has-lang", "image-alt", "color-contrast"} <= found

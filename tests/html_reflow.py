"""How a web page reflows in a narrow window (WCAG 1.4.10: no sideways scrolling of the page at
320 CSS px) and how its tables use a wide one, measured in Chromium through Playwright.

``measure(page, path)`` gives, per window width, the page's sideways overflow in px and the
elements that stick out (outside a scrolling table region, which may scroll on its own), and
at 1280 px the tables that still need to scroll in their region and the wide tables (five
columns or more) whose text wraps because their column is narrower than their natural width
while the window has room; and the captions cut off at the edge of a scrolling table region.
``region_names`` lists table regions whose accessible name is not a caption (" (3)").

Command line: ``python -m tests.html_reflow FILE.html ...``
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
WIDTHS = (320, 390, 1280)

OVERFLOW_SCRIPT = """
() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (["auto", "scroll", "hidden"].includes(style.overflowX) && p !== document.body
          && p !== document.documentElement) return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || scrolls(el)) continue;
    // the element itself, or its own text, reaches past the window's right edge
    let textRight = 0;
    for (const node of el.childNodes) {
      if (node.nodeType !== 3 || !node.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      textRight = Math.max(textRight, range.getBoundingClientRect().right);
    }
    if (box.right <= width + 1 && textRight <= width + 1) continue;
    if ([...el.children].some(c => c.getBoundingClientRect().right > width + 1)) continue;
    out.push(el.tagName.toLowerCase() + (el.className ? "." + el.className : "") + ": "
             + (el.textContent || "").trim().slice(0, 40));
  }
  const regions = [...document.querySelectorAll(".table-wrap")];
  let squeezed = 0;  // tables whose text wraps because their column is too narrow
  for (const region of regions) {
    const table = region.querySelector("table");
    if (!table) continue;
    const row = table.querySelector("tbody tr") || table.querySelector("tr");
    const columns = row ? [...row.children].reduce((n, c) => n + (c.colSpan || 1), 0) : 0;
    if (columns < 5) continue;  // a wide table: five columns or more
    const before = table.style.width;
    table.style.width = "max-content";
    const natural = table.getBoundingClientRect().width;
    table.style.width = before;
    // narrower than its content while the window has room to spare
    if (natural > region.clientWidth + 1 && region.clientWidth < width - 64) squeezed++;
  }
  // captions cut off: a caption that runs past the visible part of its scrolling region
  // (the reader sees "Driftredovisning per verksamhetsområ")
  let captionsCut = 0;
  for (const region of regions) {
    const caption = region.querySelector("caption");
    if (!caption) continue;
    const edge = Math.min(region.getBoundingClientRect().right, width);
    if (caption.getBoundingClientRect().right > edge + 1) captionsCut++;
  }
  return {
    squeezed: squeezed,
    captions_cut: captionsCut,
    overflow: document.documentElement.scrollWidth - width,
    elements: out.slice(0, 10),
    scrolling_tables: regions.filter(r => r.scrollWidth > r.clientWidth + 1).length,
    tables: regions.length,
  };
}
"""
BAD_NAME = re.compile(r"^\s*(\(\d+\))?\s*$")


def measure(page: Any, path: Path, widths: tuple[int, ...] = WIDTHS) -> dict[int, dict]:
    """Per window width: overflow (px the page scrolls sideways), the elements sticking out,
    and the table regions that scroll."""
    results = {}
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(path.resolve().as_uri())
        results[width] = page.evaluate(OVERFLOW_SCRIPT)
    return results


def region_names(html: str) -> tuple[int, list[str]]:
    """(number of table regions, the names that are not a caption)."""
    names = re.findall(r'role="region" aria-label="([^"]*)"', html)
    return len(names), [n for n in names if BAD_NAME.match(n)]


def main(argv: list[str] | None = None) -> int:
    from playwright.sync_api import sync_playwright

    files = [Path(a) for a in (argv if argv is not None else sys.argv[1:])]
    print(
        "| document | 320 px overflow | 390 px overflow | tables scrolling at 1280 px "
        "| tables squeezed at 1280 px | captions cut at 320/390 px | regions | unnamed regions |"
    )
    print("|---|---|---|---|---|---|---|---|")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        for path in files:
            result = measure(page, path)
            regions, bad = region_names(path.read_text(encoding="utf-8"))
            wide = result[1280]
            print(
                f"| {path.parent.name}/{path.name} | {result[320]['overflow']} px "
                f"| {result[390]['overflow']} px | {wide['scrolling_tables']} of {wide['tables']} "
                f"| {wide['squeezed']} "
                f"| {result[320]['captions_cut']}/{result[390]['captions_cut']} "
                f"| {regions} | {len(bad)} |"
            )
            for width in (320, 390):
                for element in result[width]["elements"]:
                    print(f"    {width}: {element}")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

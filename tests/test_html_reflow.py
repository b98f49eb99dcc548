"""The web page reflows (WCAG 1.4.10): no example page scrolls sideways at 320 or 390 CSS px (a
table scrolls in its own region, its caption wrapped in view), every table region is named by
its table's caption, and wide tables use a wide screen."""

from __future__ import annotations

import re

import pytest

from kommunrapport.project.package import discover_packages

from .conftest import CONTENT
from .html_reflow import measure, region_names

EXAMPLES = [p.name for p in discover_packages(CONTENT)]


@pytest.fixture(scope="session")
def browser_page(chromium):
    page = chromium.new_page()
    yield page
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("package_id", EXAMPLES)
def test_no_page_scrolls_sideways_at_320_px(built, browser_page, package_id):
    for page in sorted(built(package_id).glob("*.html")):
        result = measure(browser_page, page, (320, 390, 1280))
        for width in (320, 390):  # WCAG's 320 CSS px, and a common phone
            assert result[width]["overflow"] == 0, (page.name, width, result[width]["elements"])
            # a table scrolling in its region keeps its whole caption in view
            assert result[width]["captions_cut"] == 0, (page.name, width)
        assert result[1280]["squeezed"] == 0, page.name  # wide tables use the screen


@pytest.mark.parametrize("package_id", EXAMPLES)
def test_every_table_region_is_named_by_its_caption(built, package_id):
    for page in sorted(built(package_id).glob("*.html")):
        html = page.read_text(encoding="utf-8")
        regions, unnamed = region_names(html)
        assert regions == html.count('class="table-wrap'), page.name
        assert unnamed == [], page.name
        # a table whose caption is for screen readers only is named by that caption too
        hidden = re.findall(r'<caption class="visually-hidden">([^<]+)</caption>', html)
        for caption in hidden[:3]:
            assert f'aria-label="{caption}' in html, caption


def test_region_names_find_the_captionless_regions():
    html = (
        '<div class="table-wrap" role="region" aria-label="Tabell 1. Drift"></div>'
        '<div class="table-wrap" role="region" aria-label=" (2)"></div>'
    )
    assert region_names(html) == (2, [" (2)"])

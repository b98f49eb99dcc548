"""What the accessibility tests check and depends on the writer's input is a `check` warning
with file and line (issue 16, item 5)."""

from __future__ import annotations

from pathlib import Path

from kommunrapport.review.check import check_package

from .small_packages import build_html, html_main, write_small_package

NO_CAPTION = """\
drift:
  blad: ekonomi.xlsx/Drift
  enhet: tkr
  kolumner:
    - kolumn: Budget
    - kolumn: Utfall
"""


def test_table_view_without_rubrik_is_a_check_warning_with_line(tmp_path: Path) -> None:
    package = write_small_package(tmp_path, tables=NO_CAPTION)
    result = check_package(package, ("html",))
    warned = [f for f in result.warnings if f.code == "tabell-utan-rubrik"]
    assert len(warned) == 1
    assert warned[0].location.file.endswith("tabeller.yaml")
    assert warned[0].location.line == 1
    assert "<caption>" in warned[0].message
    # the warning says what the accessibility test would find: a table without caption
    assert html_main(build_html(package)).find("table").find("caption") is None


def test_table_view_with_rubrik_gives_a_caption_and_no_warning(tmp_path: Path) -> None:
    tables = NO_CAPTION.replace("  enhet: tkr\n", "  enhet: tkr\n  rubrik: Drift\n")
    package = write_small_package(tmp_path, tables=tables)
    assert not [f for f in check_package(package, ("html",)).warnings]
    caption = html_main(build_html(package)).find("table").find("caption")
    assert caption is not None and "Drift" in caption.get_text()


WRITER_SECTION = """\
{{ tabell("drift") }}

### Djup rubrik direkt

| Enhet | Antal |
|---|---:|
| A | 1 |

Se [](https://example.org) för mer.

| Enhet | Summa |
|---|---:|
| B | 2 |

: Antal per enhet
"""


def test_writer_input_the_accessibility_tests_fail_on_is_warned_with_line(tmp_path: Path) -> None:
    package = write_small_package(tmp_path, section=WRITER_SECTION)
    result = check_package(package, ("html",))
    found = {(f.code, f.location.file.rsplit("/", 1)[-1], f.location.line) for f in result.warnings}
    assert found == {
        ("rubrik-hopp", "ekonomi.md", 3),
        ("tabell-utan-rubrik", "ekonomi.md", 5),
        ("länk-utan-text", "ekonomi.md", 9),
    }
    # the captioned table has a <caption>, the other does not: the warning was right
    tables = html_main(build_html(package)).find_all("table")
    assert [t.find("caption") is not None for t in tables] == [True, False, True]


def test_clean_writer_input_gives_no_accessibility_warning(tmp_path: Path) -> None:
    section = WRITER_SECTION.replace("### Djup", "# Djup").replace("[](", "[Exempel](")
    section = section.replace("| A | 1 |\n", "| A | 1 |\n\n: Enheter\n")
    package = write_small_package(tmp_path, section=section)
    assert check_package(package, ("html",)).warnings == []

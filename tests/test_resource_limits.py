"""Small inputs must not cost gigabytes or minutes: each ends in a located error.

Each case runs the command line as a subprocess with its address space capped at 2 GiB (and a
safety timeout), so a regression fails the test instead of taking the machine down. The tests
assert on the error and where it points, never on the time it took; bench/ and the closing note
of issue 11 have the measured peak memory and time.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from openpyxl import load_workbook

from .hardening_support import (
    SECTION,
    append,
    assert_located_error,
    replace_in,
    run_cli_capped,
    small_package,
)
from .review_fixtures import PACKAGE_ID

BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


@pytest.fixture
def package(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "repo"
    return root, small_package(root, tables=True)


def build(root: Path) -> tuple[int, str]:
    return run_cli_capped(root, "build", "--format", "docx,html", "-q", "--force")


def workbook(package: Path) -> Path:
    return package / "data" / "granskning.xlsx"


@pytest.mark.parametrize("with_formula", [False, True])
def test_one_far_cell(package, with_formula):
    """A 9 KB workbook with one value in I1048576 (the issue: 3.9 GB, up to 198 s)."""
    root, pkg = package
    book = load_workbook(workbook(pkg))
    book["Drift nämnd"]["I1048576"] = 1
    if with_formula:
        book["Personal"]["E1"] = "=1+1"
    book.save(workbook(pkg))
    assert workbook(pkg).stat().st_size < 10_000
    code, output = build(root)
    assert code == 1
    assert_located_error(output, "granskning.xlsx", "Drift nämnd", "I1048576")


@pytest.mark.parametrize("where", ["tabeller.yaml", "report.yaml"])
def test_yaml_alias_expansion(package, where):
    """344 bytes of nested aliases (the issue: 2.2 GB)."""
    root, pkg = package
    if where == "tabeller.yaml":
        (pkg / "tabeller.yaml").write_text(BILLION_LAUGHS, encoding="utf-8")
    else:
        lines = "".join(f"  {line}\n" for line in BILLION_LAUGHS.splitlines())
        replace_in(pkg / "report.yaml", "variabler:\n", "variabler:\n" + lines)
    code, output = build(root)
    assert code == 1
    assert_located_error(output, where)
    assert "alias" in output


def test_self_referencing_yaml_alias(package):
    root, pkg = package
    replace_in(pkg / "report.yaml", "variabler:\n", "variabler:\n  slinga: &s [*s]\n")
    code, output = build(root)
    assert code == 1
    assert_located_error(output, "report.yaml")


def _zip_bomb_sheet(path: Path, rows: int) -> None:
    """Replace the first sheet by ``rows`` identical rows, deflated as hard as possible."""
    cell = '<c t="inlineStr"><is><t>Rad</t></is></c>'
    body = "".join(
        ['<row r="1">' + cell * 2 + "<c><v>1</v></c><c><v>2</v></c></row>"]
        + ["<row>" + cell * 2 + "<c><v>-1000</v></c><c><v>-999</v></c></row>"] * rows
    )
    _replace_first_sheet(path, body)


# The header row of the generated sheets: Id, Rad, Budget, Utfall in A1:D1.
SHEET_HEADER = "".join(
    f'<c r="{c}1" t="inlineStr"><is><t>{t}</t></is></c>'
    for c, t in zip("ABCD", ["Id", "Rad", "Budget", "Utfall"], strict=True)
)


def _replace_first_sheet(path: Path, body: str) -> None:
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns='
        '"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        f"{body}</sheetData></worksheet>"
    ).encode()
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for name in source.namelist():
            data = sheet if name == "xl/worksheets/sheet1.xml" else source.read(name)
            target.writestr(name, data)
    path.write_bytes(out.getvalue())


def test_highly_compressed_sheet(package):
    """A ~315 KB workbook whose sheet unpacks to ~92 MB of XML (the issue: 829 MB)."""
    root, pkg = package
    _zip_bomb_sheet(workbook(pkg), 720_000)
    assert workbook(pkg).stat().st_size < 400_000
    code, output = build(root)
    assert code == 1
    assert_located_error(output, "granskning.xlsx")


def test_a_shared_string_that_does_not_exist(package):
    """A cell that points past the shared strings (openpyxl: IndexError) is a located error
    about the workbook, not an internal error (found measuring a 15 MB shared string)."""
    root, pkg = package
    _replace_first_sheet(
        workbook(pkg),
        f'<row r="1">{SHEET_HEADER}</row><row r="2"><c r="A2" t="s"><v>999</v></c></row>',
    )
    code, output = build(root)
    assert code == 1
    assert "internt fel" not in output, output
    assert_located_error(output, "granskning.xlsx")


COSTLY_MARKDOWN = {  # text pandoc takes minutes or gigabytes over, and what the error says
    "quotes": (">" * 100_000 + " text\n", "nästlad för djupt"),  # did not finish in 120 s
    "lists": ("".join("  " * i + "- a\n" for i in range(300)), "nästlad för djupt"),  # 500: 18 s
    "word": ("x" * 200_000 + "\n", "tecken utan mellanslag"),  # 500 kB: not done in 120 s
    "paragraph": ("ord " * 1_900_000 + "\n", "dokumentets text är för lång"),  # 2.9 GB
}


@pytest.mark.parametrize("kind", sorted(COSTLY_MARKDOWN))
def test_markdown_that_pandoc_cannot_handle(package, kind):
    root, pkg = package
    text, message = COSTLY_MARKDOWN[kind]
    append(pkg / SECTION, "\n" + text)
    code, output = build(root)
    assert code == 1
    assert message in output, output
    assert_located_error(output, "report.yaml" if kind == "paragraph" else SECTION)


def test_a_table_of_more_rows_than_a_document_can_show(package):
    """A sheet may hold 20,000 rows; a table of all of them (500 pages) took Typst more than
    1 GiB and LibreOffice more than 100 s. More than 1,000 rows is an error in tabeller.yaml."""
    root, pkg = package
    rows = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>r{r}</t></is></c>'
        f'<c r="B{r}" t="inlineStr"><is><t>Rad {r}</t></is></c>'
        f'<c r="C{r}"><v>-1000</v></c><c r="D{r}"><v>-999</v></c></row>'
        for r in range(2, 1_103)
    )
    _replace_first_sheet(workbook(pkg), f'<row r="1">{SHEET_HEADER}</row>{rows}')
    replace_in(pkg / SECTION, "{{ diagram('drift_stapel') }}", "")
    code, output = build(root)
    assert code == 1
    assert "1\u00a0101 rader; högst 1\u00a0000" in output, output
    assert_located_error(output, "tabeller.yaml")


def _text_sheet(rows: int, text_length: int) -> str:
    body = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>r{r}</t></is></c>'
        f'<c r="B{r}" t="inlineStr"><is><t>{"ord " * (text_length // 4)}</t></is></c>'
        f'<c r="C{r}"><v>1</v></c></row>'
        for r in range(2, rows + 2)
    )
    return f'<row r="1">{SHEET_HEADER}</row>{body}'


@pytest.mark.parametrize(
    ("rows", "length", "message"),
    [(1, 40_000, "cellen B2 har 40\u00a0000 tecken"), (70, 32_000, "mer än 2\u00a0000\u00a0000")],
)
def test_too_much_text_in_cells(package, rows, length, message):
    """A 15 MB cell took 2.6 GB and more than 120 s (every format writes it out). A cell may
    hold Excel's 32,767 characters, a sheet 2,000,000 in all."""
    root, pkg = package
    _replace_first_sheet(workbook(pkg), _text_sheet(rows, length))
    code, output = build(root)
    assert code == 1
    assert message in output, output
    assert_located_error(output, "granskning.xlsx")


def test_huge_chart(package):
    """``storlek_cm: [300, 300]`` (the issue: 2.8 GB)."""
    root, pkg = package
    append(pkg / "diagram.yaml", "  storlek_cm: [300, 300]\n")
    code, output = build(root)
    assert code == 1
    assert_located_error(output, "diagram.yaml", "storlek_cm")


TEMPLATE_CASES = {
    "range": "{{ range(10**9) | list | length }}",
    "nested_range": (
        "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}"
    ),
    "string_times": '{{ "x" * 400000000 }}',
    "power": "{{ 9 ** (9 ** 8) }}",
    "list_times": "{{ ([1] * 1000000000) | length }}",
    "concat_loop": (
        "{% set s = namespace(t='x' * 100000) %}"
        "{% for i in range(100000) %}{% set s.t = s.t + s.t %}{% endfor %}{{ s.t | length }}"
    ),
    "center_filter": '{{ "x" | center(1000000000) }}',
    "ljust_method": '{{ "x".ljust(1000000000) }}',
    "format_width": '{{ "{:>1000000000}".format(1) }}',
    "percent_width": '{{ "%1000000000d" % 1 }}',
    "batch_filter": "{{ range(10) | batch(1000000000, 0) | list | length }}",
    "lipsum": "{{ lipsum(1000000) }}",
    "indent_filter": '{{ "a\\nb" | indent(1000000000) }}',
    "data_loops": (
        "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"
    ),
}


@pytest.mark.parametrize("case", sorted(TEMPLATE_CASES))
def test_expensive_template_expression(package, case):
    """``range(10**9)``, ``"x" * 400000000``, ``9 ** (9 ** 8)`` (the issue: gigabytes or
    minutes) and their relatives end in an error naming the section and its line."""
    root, pkg = package
    section = pkg / SECTION
    line = len(section.read_text(encoding="utf-8").splitlines()) + 2
    append(section, "\n" + TEMPLATE_CASES[case] + "\n")
    code, output = build(root)
    assert code == 1
    assert_located_error(output, f"{SECTION}, rad {line}")


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` × ``height`` pixels (a decompression bomb's header)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 1024, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def test_image_with_huge_dimensions(package):
    root, pkg = package
    (pkg / "rapport" / "bilder").mkdir()
    (pkg / "rapport" / "bilder" / "stor.png").write_bytes(_png_header_only(60_000, 60_000))
    append(pkg / SECTION, "\n![En mycket stor bild](bilder/stor.png)\n")
    code, output = build(root)
    assert code == 1
    assert_located_error(output, "bilder/stor.png")


def test_huge_text_file(package):
    """A section of 60 MB is refused before it is read into the template engine."""
    root, pkg = package
    with (pkg / SECTION).open("a", encoding="utf-8") as stream:
        line = "Nämnden redovisar ett underskott. " * 30 + "\n"
        for _ in range(60_000_000 // len(line)):
            stream.write(line)
    code, output = build(root)
    assert code == 1
    assert_located_error(output, SECTION)


def test_check_reports_the_same_limits(package):
    """``check`` (the first step of the PR workflow) stops the same way."""
    root, pkg = package
    append(pkg / "diagram.yaml", "  storlek_cm: [300, 300]\n")
    code, output = run_cli_capped(root, "check", "--bygg-format", "html", PACKAGE_ID)
    assert code == 1
    assert "diagram.yaml" in output and "storlek_cm" in output
    assert "Traceback" not in output

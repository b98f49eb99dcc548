"""Small report packages written by a test, the way a report writer starts one: a delårsrapport
with a tjänsteskrivelse, one report section and one ledger sheet. Each test adds what it is
about (a report.yaml block, a section text, a workbook sheet, a view) and builds it in a
fraction of a second with ``build_html``.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from openpyxl import Workbook

from kommunrapport.build.pipeline import PackageResult, build_package

PACKAGE_ID = "exempelby-ks-delar-2024"
SECTION = "rapport/ekonomi.md"

REPORT_YAML = """\
kommun: Exempelby kommun
nämnd: Kommunstyrelsen
rapporttyp: delårsrapport
år: 2024
period: {{namn: januari–augusti 2024, från: 2024-01-01, till: 2024-08-31, nummer: 2}}
diarienummer: KS 2024/0001
datum: 2024-09-25
handläggare: {{namn: Anna Andersson, titel: ekonom}}
förslag_till_beslut:
  beslutspunkter:
    - Kommunstyrelsen godkänner delårsrapporten.
{extra}
dokument:
  - id: tjansteskrivelse
    typ: tjänsteskrivelse
    titel: Delårsrapport {{{{ period.nummer }}}} {{{{ år }}}}
    disposition:
      - {{rubrik: Ärendebeskrivning, fil: tjansteskrivelse/arende.md}}
  - id: rapport
    typ: rapport
    titel: Delårsrapport {{{{ period.nummer }}}} {{{{ år }}}}
    bilaga: 1
    disposition:
      - {{rubrik: Ekonomi, fil: {section}}}
"""

TABLES_YAML = """\
drift:
  blad: ekonomi.xlsx/Drift
  rubrik: Driftredovisning
  enhet: tkr
  kolumner:
    - kolumn: Budget
    - kolumn: Utfall
    - {rubrik: Avvikelse, beräkna: Budget - Utfall}
"""

LEDGER = [
    ["Id", "Rad", "Typ", "Budget", "Utfall"],
    ["stab", "Stab", None, 1000, 1200],
    ["it", "IT", None, 2000, 1500],
    ["summa", "Summa", "summa", None, None],
]

Sheets = dict[str, list[list[Any]]]


def write_workbook(path: Path, sheets: Sheets) -> None:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def write_small_package(
    root: Path,
    *,
    report_extra: str = "",
    section: str = '{{ tabell("drift") }}\n',
    files: dict[str, str] | None = None,
    tables: str | None = TABLES_YAML,
    workbooks: dict[str, Sheets] | None = None,
) -> Path:
    """Write the package under ``root/content/``; texts are dedented. Returns its folder."""
    package = root / "content" / PACKAGE_ID
    package.mkdir(parents=True)
    extra = textwrap.dedent(report_extra).strip("\n")
    report = REPORT_YAML.format(extra=extra, section=SECTION)
    (package / "report.yaml").write_text(report, encoding="utf-8")
    texts = {
        "tjansteskrivelse/arende.md": "Delårsrapporten för {{ period.namn }}.\n",
        SECTION: section,
        **(files or {}),
    }
    for name, text in texts.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    if tables is not None:
        (package / "tabeller.yaml").write_text(textwrap.dedent(tables), encoding="utf-8")
    for name, sheets in {"ekonomi.xlsx": {"Drift": LEDGER}, **(workbooks or {})}.items():
        write_workbook(package / "data" / name, sheets)
    return package


def build_html(package: Path, formats: tuple[str, ...] = ("html",)) -> PackageResult:
    """Build the package into ``<root>/output``; raises KommunrapportError if it stops."""
    return build_package(package, package.parent.parent / "output", formats=formats)


def html_main(result: PackageResult, document: str = "rapport") -> BeautifulSoup:
    """The ``<main>`` of a built HTML document."""
    path = next(p for p in result.written if p.name == f"{document}.html")
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    main = soup.find("main")
    assert main is not None
    return main  # type: ignore[return-value]

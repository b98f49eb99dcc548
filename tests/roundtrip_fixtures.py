"""A small report package for the Word round-trip tests (import-docx, diff --docx).

One document with a generated table, a sentence with a figure from the workbook, plain
paragraphs and a paragraph with {{ år }}; it builds in a fraction of a second.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

PACKAGE_ID = "provkommun-ks-arsrapport-2023"
ECONOMY = "rapport/01-ekonomi.md"
EVENTS = "rapport/02-handelser.md"

REPORT_YAML = """\
kommun: Provkommun
nämnd: Kommunstyrelsen
rapporttyp: årsrapport
år: 2023
period:
  namn: januari–december 2023
  från: 2023-01-01
  till: 2023-12-31
diarienummer: KS 2024/0007
datum: 2024-02-05
dokument:
  - id: rapport
    typ: rapport
    titel: Kommunstyrelsens årsrapport {{ år }}
    disposition:
      - fil: rapport/01-ekonomi.md
      - fil: rapport/02-handelser.md
"""

TABLES_YAML = """\
personal:
  blad: ekonomi.xlsx/Personal
  rubrik: Anställda
  etikett: Förvaltning
  kolumner:
    - kolumn: Antal
drift:
  blad: ekonomi.xlsx/Drift nämnd
  rubrik: Driftredovisning
  etikett: Verksamhet
  enhet: tkr
  kolumner:
    - kolumn: Budget
    - kolumn: Utfall
    - rubrik: Avvikelse
      beräkna: Budget - Utfall
"""

FILES = {
    ECONOMY: (
        "---\nrubrik: Ekonomi\n---\n"
        '{{ tabell("drift") }}\n'
        "\n"
        "{% set avv = drift.total.avvikelse %}\n"
        'Nämnden redovisar ett {{ avv | resultatord }} på {{ avv | belopp("mnkr") }} mot\n'
        'budget. Räddningstjänsten kostade {{ drift["rtj"].utfall | belopp("mnkr") }}.\n'
        "\n"
        "Kommunledningskontoret håller sin budget. Flera tjänster har varit\n"
        "vakanta under året.\n"
        "\n"
        "Räddningstjänsten redovisar ett underskott. Övertiden blev högre än väntat.\n"
    ),
    EVENTS: (
        "---\nrubrik: Händelser\n---\n"
        "Tre nya mötesplatser har öppnat under {{ år }}.\n"
        "\n"
        "Ordningsvakterna arbetar dygnet runt.\n"
        "\n"
        '{{ tabell("personal") }}\n'
    ),
}


def write_workbook(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Drift nämnd"
    ws.append(["Id", "Rad", "Typ", "Budget", "Utfall"])
    ws.append(["klk", "Kommunledningskontoret", "post", 120500, 118250])
    ws.append(["rtj", "Räddningstjänst", "post", 60000, 64345])
    ws.append(["summa", "Summa", "summa", None, None])
    staff = wb.create_sheet("Personal")
    staff.append(["Id", "Rad", "Typ", "Antal"])
    staff.append(["klk", "Kommunledningskontoret", "post", 212])
    staff.append(["rtj", "Räddningstjänsten", "post", 96])
    wb.save(path)


def write_package(root: Path) -> Path:
    """Write the package under ``root/content/<id>``; return its folder."""
    package = root / "content" / PACKAGE_ID
    package.mkdir(parents=True)
    (package / "report.yaml").write_text(REPORT_YAML, encoding="utf-8")
    (package / "tabeller.yaml").write_text(TABLES_YAML, encoding="utf-8")
    for name, text in FILES.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (package / "data").mkdir()
    write_workbook(package / "data" / "ekonomi.xlsx")
    return package

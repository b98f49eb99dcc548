"""A small, self-contained report package for the review-workflow tests (check, diff, serve).

It does not depend on the example packages under content/, which other work changes, and builds
in a fraction of a second.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

PACKAGE_ID = "testkommun-ks-arsrapport-2022"
SECTION = "rapport/02-handelser.md"

REPORT_YAML = """\
kommun: Testkommun
nämnd: Kommunstyrelsen
rapporttyp: årsrapport
år: 2022
period:
  namn: januari–december 2022
  från: 2022-01-01
  till: 2022-12-31
diarienummer: KS 2022/0001
datum: 2023-01-26
handläggare:
  namn: Alva Andersson
  titel: ekonom
förslag_till_beslut:
  beslutspunkter:
    - Kommunstyrelsen godkänner årsrapport {{ år }}.
variabler:
  forvaltning_kort: KLK
dokument:
  - id: tjansteskrivelse
    typ: tjänsteskrivelse
    titel: Kommunstyrelsens årsrapport {{ år }}
    disposition:
      - rubrik: Bakgrund
        fil: tjansteskrivelse/bakgrund.md
  - id: rapport
    typ: rapport
    titel: Kommunstyrelsens årsrapport {{ år }}
    bilaga: 1
    disposition:
      - fil: rapport/01-inledning.md
      - rubrik: Väsentliga händelser
        underavsnitt:
          - fil: rapport/02-handelser.md
          - fil: rapport/03-ekonomi.md
"""

FILES = {
    "tjansteskrivelse/bakgrund.md": (
        "Kommunledningskontoret har sammanställt kommunstyrelsens årsrapport för {{ år }}.\n"
    ),
    "rapport/01-inledning.md": (
        "---\nrubrik: Kommunstyrelsen\n---\n"
        "Kommunstyrelsen leder och samordnar kommunens verksamhet. Förvaltningen heter "
        "{{ forvaltning_kort }}.\n"
    ),
    SECTION: (
        "---\nrubrik: Trygghet\n---\n"
        "Tre nya mötesplatser har öppnat under året.\n"
        "De ligger i områden där otryggheten är störst.\n"
        "\n"
        "Under {{ år }} har 27 föreningar fått stöd för trygghetsarbete. "
        "Ordningsvakterna arbetar dygnet runt.\n"
    ),
    "rapport/03-ekonomi.md": (
        "---\nrubrik: Ekonomi\n---\nNämnden redovisar ett underskott för {{ år }}.\n"
    ),
}


def write_workbook(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Drift nämnd"
    ws.append(["Id", "Rad", "Budget", "Utfall"])
    ws.append(["klk", "Kommunledningskontoret", -120500, -118250.75])
    ws.append(["rtj", "Räddningstjänst", -60000, -62345])
    ws.append(["summa", "Summa", None, None])
    personal = wb.create_sheet("Personal")
    personal.append(["Rad", "2021", "2022"])
    personal.append(["Kvinnor", 760, 775])
    personal.append(["Män", 290, 285])
    wb.save(path)


def write_package(root: Path, package_id: str = PACKAGE_ID) -> Path:
    """Write the package under ``root/content/<package_id>``; return its folder."""
    package = root / "content" / package_id
    package.mkdir(parents=True)
    (package / "report.yaml").write_text(REPORT_YAML, encoding="utf-8")
    for name, text in FILES.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (package / "data").mkdir()
    write_workbook(package / "data" / "granskning.xlsx")
    return package

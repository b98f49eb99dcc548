"""The sample data a new package starts with: one of each kind of block, ready to build.

``kommunrapport new`` writes a ledger sheet (data/ekonomi.xlsx), a goal sheet with a status
column (data/mal.xlsx), a table view (tabeller.yaml), a chart (diagram.yaml), a status scale
and the goal follow-up block for report.yaml, and the text of two sections: one with the table,
a figure in a sentence and the chart, one with a goal table and its legend. Every file says in
a comment what to replace.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from openpyxl import Workbook

# Ledger rows: Id, Rad, Typ, Budget, Utfall (tkr; Budget − Utfall is the deviation).
LEDGER_SHEET = "Driftredovisning"
LEDGER: list[list[Any]] = [
    ["Id", "Rad", "Typ", "Budget", "Utfall"],
    ["stab", "Stab och ledning", None, 12000, 11450],
    ["ekonomi", "Ekonomi", None, 8500, 8720],
    ["it", "IT", None, 15300, 16100],
    ["summa", "Summa", "summa", None, None],
]
GOAL_SHEET = "Nämndsmål"
GOALS: list[list[Any]] = [
    ["Id", "Namn", "Ansvarig", "Bedömning", "Kommentar"],
    ["NM-1", "Budget i balans", "Ekonomichef", "delvis", "Prognosen visar ett mindre underskott."],
    ["NM-2", "Hög tillgänglighet för invånarna", "Kommundirektör", "helt", None],
    ["NM-3", "Minskad sjukfrånvaro", "HR-chef", "ej", "Sjukfrånvaron har ökat något."],
]
FIXED_TIME = datetime(2024, 1, 1)

TABLES_YAML = """\
# Tabellvyer: varje tabell i rapporten är en vy av ett blad i data/ (docs/referens.md).
# Exempel från `kommunrapport new`: byt siffrorna i data/ekonomi.xlsx mot nämndens egna.
drift:
  blad: ekonomi.xlsx/Driftredovisning
  rubrik: Driftredovisning {{ år }}
  etikett: Verksamhet
  enhet: tkr
  kolumner:
    - kolumn: Budget
    - kolumn: Utfall
    - rubrik: Avvikelse
      beräkna: Budget - Utfall
"""

CHARTS_YAML = """\
# Diagram ritas ur tabellvyerna i tabeller.yaml (docs/referens.md).
# Exempel från `kommunrapport new`: skriv om alternativtexten när siffrorna är nämndens egna.
drift_stapel:
  tabell: drift
  typ: stapel
  rubrik: Budget och utfall per verksamhet {{ år }}
  alt: >-
    Stapeldiagram med budget och utfall per verksamhet {{ år }} i tusentals kronor.
    IT har det största utfallet och den största negativa avvikelsen mot budget.
  serier: [budget, utfall]
  kategorier: [stab, ekonomi, it]
  axeltext: tkr
"""

SCALES_YAML = """\

# Exempel från `kommunrapport new`: skalan som visar kolumnen Bedömning i data/mal.xlsx som
# symbol och text. Byt nivåerna mot kommunens egna ord, bäst först.
skalor:
  bedömning:
    rubrik: Bedömning
    nivåer:
      - {kod: helt, text: Helt uppfyllt, symbol: "●", färg: grön}
      - {kod: delvis, text: Delvis uppfyllt, symbol: "◐", färg: gul}
      - {kod: ej, text: Ej uppfyllt, symbol: "○", färg: röd}

# Målen står i data/mal.xlsx, ett blad per nivå (docs/data-format.md, avsnitt 4).
måluppföljning:
  arbetsbok: mal.xlsx
"""

LEDGER_TEXT = """\
{# Exempel från `kommunrapport new`: tabellen, meningen och diagrammet hämtar sina siffror ur
data/ekonomi.xlsx (bladet Driftredovisning) genom tabellvyn drift i tabeller.yaml och diagrammet
drift_stapel i diagram.yaml. Byt siffrorna i arbetsboken och skriv om meningen. #}
{{ tabell("drift") }}

[Skriv här: kommentarer till driftredovisningen.] Nämnden redovisar ett
{{ drift.total.avvikelse | resultatord }} på {{ drift.total.avvikelse | belopp("mnkr") }} mot
budget, varav IT {{ drift["it"].avvikelse | mnkr(tecken=true) }}.

{{ diagram("drift_stapel") }}
"""

GOAL_TEXT = """\
{# Exempel från `kommunrapport new`: målen står i data/mal.xlsx (bladet Nämndsmål), och
kolumnen Bedömning visas med skalan bedömning i report.yaml som symbol och text. Byt målen mot
nämndens egna. #}
[Skriv här: måluppföljningen.] {{ mål.av(bedömning="helt") }} nämndsmål bedöms vara helt
uppfyllda.

{{ måltabell(mål.blad("Nämndsmål"), ["Namn", "Ansvarig", "Bedömning"],
             rubrik="Nämndsmål " ~ år, kommentarer=true) }}

{{ symbolförklaring() }}
"""


def workbook_bytes(sheets: dict[str, list[list[Any]]]) -> bytes:
    """An xlsx with the given sheets and fixed metadata (same input, same bytes)."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.properties.creator = "kommunrapport"
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sample_files(ledger_file: str | None, goal_file: str | None) -> dict[str, str | bytes]:
    """Package-relative path → content, for the sample data and the two example sections."""
    files: dict[str, str | bytes] = {
        "tabeller.yaml": TABLES_YAML,
        "diagram.yaml": CHARTS_YAML,
        "data/ekonomi.xlsx": workbook_bytes({LEDGER_SHEET: LEDGER}),
        "data/mal.xlsx": workbook_bytes({GOAL_SHEET: GOALS}),
    }
    if ledger_file:
        files[ledger_file] = LEDGER_TEXT
    if goal_file:
        files[goal_file] = GOAL_TEXT
    return files

"""The parts of report.yaml: people, the period, the decision proposal, cover lines, numbering,
documents and their outlines, number format and checks. Each field carries its Swedish
description and an example (docs/referens.md is generated from them)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from .config_base import TEMPLATE, Model, described

# A template named in report.yaml (a structure, a block): a name, never a path.
NAME_PATTERN = r"^[A-Za-z0-9ÅÄÖåäöÉéÜü][A-Za-z0-9ÅÄÖåäöÉéÜü_-]*$"

ReportType = Literal["årsberättelse", "årsrapport", "delårsrapport", "tertialrapport"]
DocumentType = Literal["tjänsteskrivelse", "rapport"]


class Person(Model):
    model_config = described("En person: namn och titel (och för handläggaren telefon och e-post).")
    name: str = Field(
        alias="namn",
        description="Personens namn.",
        examples=["Anna Andersson"],
        json_schema_extra=TEMPLATE,
    )
    title: str | None = Field(
        None,
        alias="titel",
        description="Titel eller befattning.",
        examples=["ekonom"],
        json_schema_extra=TEMPLATE,
    )
    phone: str | None = Field(
        None,
        alias="telefon",
        description="Telefonnummer; står under handläggaren.",
        examples=["0480-45 00 00"],
        json_schema_extra=TEMPLATE,
    )
    email: str | None = Field(
        None,
        alias="epost",
        description="E-postadress; står under handläggaren.",
        examples=["anna.andersson@exempelby.se"],
        json_schema_extra=TEMPLATE,
    )


class Period(Model):
    model_config = described("Perioden som rapporten gäller.")
    label: str = Field(
        alias="namn",
        description="Periodens namn i text; nås som {{ period.namn }}.",
        examples=["januari–augusti 2024"],
        json_schema_extra=TEMPLATE,
    )
    start: date | None = Field(
        None, alias="från", description="Periodens första dag.", examples=["2024-01-01"]
    )
    end: date | None = Field(
        None,
        alias="till",
        description="Periodens sista dag; rapportens datum om datum saknas.",
        examples=["2024-08-31"],
    )
    number: int | None = Field(
        None,
        alias="nummer",
        description=(
            "Delårsrapportens eller tertialrapportens nummer; nås som {{ period.nummer }}."
        ),
        examples=[2],
    )


class DecisionProposal(Model):
    model_config = described("Förslaget till beslut.")
    lead_in: str | None = Field(
        None,
        alias="inledning",
        description="Mening före beslutspunkterna.",
        examples=["Kommunledningskontoret föreslår kommunstyrelsen besluta"],
        json_schema_extra=TEMPLATE,
    )
    points: list[str] = Field(
        alias="beslutspunkter",
        description="Beslutspunkterna, en per rad.",
        examples=[["Kommunstyrelsen godkänner delårsrapporten för {{ period.namn }}."]],
        min_length=1,
        json_schema_extra=TEMPLATE,
    )
    numbered: bool | None = Field(
        None,
        alias="numrerade",
        description=(
            "Om punkterna numreras (1. 2. …). Utan värde numreras de när de är "
            "fler än en; true numrerar också en ensam punkt."
        ),
        examples=[True],
    )


class CoverLine(Model):
    model_config = described("En rad på omslaget: etikett och värde.")
    label: str = Field(
        alias="etikett",
        description="Radens etikett.",
        examples=["Dokumentansvarig"],
        json_schema_extra=TEMPLATE,
    )
    value: str = Field(
        "",
        alias="värde",
        description="Radens värde; utan värde står bara etiketten.",
        examples=["Kommundirektör"],
        json_schema_extra=TEMPLATE,
    )


class Numbering(Model):
    model_config = described("Rubriknumrering.")
    depth: int = Field(
        3,
        alias="djup",
        description="Antal rubriknivåer som numreras; 0 ger inga nummer.",
        examples=[3],
        ge=0,
        le=6,
    )


class OutlineEntry(Model):
    """One chapter or sub-chapter of a document's outline."""

    model_config = described("Ett avsnitt i ett dokuments disposition.")

    title: str | None = Field(
        None,
        alias="rubrik",
        description=("Avsnittets rubrik. Utan rubrik används rubriken överst i filen (rubrik:)."),
        examples=["Ekonomi"],
        json_schema_extra=TEMPLATE,
    )
    file: str | None = Field(
        None,
        alias="fil",
        description="Markdown-filen med avsnittets text, sökväg från paketets mapp.",
        examples=["delarsrapport/11-driftredovisning.md"],
    )
    block: str | None = Field(
        None,
        alias="block",
        pattern=NAME_PATTERN,
        description=(
            "Ett inbyggt block i stället för en fil: malbilaga, processomraden, "
            "malblock, intern_kontroll, symbolforklaring."
        ),
        examples=["malbilaga"],
    )
    numbered: bool = Field(
        True, alias="numrerad", description="Om rubriken numreras.", examples=[True]
    )
    anchor: str | None = Field(
        None,
        alias="id",
        description=('Id för hänvisningar med {{ ref("id") }}; standard bildas av rubriken.'),
        examples=["ekonomi"],
        pattern=r"^[A-Za-z][\w-]*$",
    )
    page_break: bool = Field(
        False, alias="sidbrytning", description="Avsnittet börjar på en ny sida.", examples=[True]
    )
    landscape: bool = Field(
        False,
        alias="liggande",
        description="Avsnittet står på liggande sidor (DOCX).",
        examples=[True],
    )
    listed: bool = Field(
        True,
        alias="i_innehåll",
        description="Om rubriken står i innehållsförteckningen.",
        examples=[False],
    )
    children: list[OutlineEntry] = Field(
        default_factory=list,
        alias="underavsnitt",
        description="Avsnitten under detta, en nivå ner.",
    )

    @model_validator(mode="after")
    def _has_content(self) -> OutlineEntry:
        if not (self.title or self.file or self.block):
            raise ValueError("ett avsnitt behöver minst något av rubrik, fil eller block")
        if self.file and self.block:
            raise ValueError("ett avsnitt kan ha fil eller block, inte båda")
        return self


class DocumentSpec(Model):
    """One document of the package: the tjänsteskrivelse, the report or an appendix."""

    model_config = described("Ett dokument i paketet.")

    id: str = Field(
        alias="id",
        description=("Dokumentets id; blir filnamnet i output/ (små bokstäver, siffror, - och _)."),
        examples=["delarsrapport"],
        pattern=r"^[a-z0-9][a-z0-9_-]*$",
    )
    kind: DocumentType = Field(
        alias="typ",
        description="tjänsteskrivelse, eller rapport (också för bilagor).",
        examples=["rapport"],
    )
    title: str = Field(
        alias="titel",
        description="Dokumentets titel på omslag och i sidhuvud.",
        examples=["Delårsrapport {{ period.nummer }} {{ år }}"],
        json_schema_extra=TEMPLATE,
    )
    subtitle: str | None = Field(
        None,
        alias="undertitel",
        description="Rad under titeln på omslaget.",
        examples=["Uppföljning av verksamhetsplanen"],
        json_schema_extra=TEMPLATE,
    )
    appendix: int | None = Field(
        None,
        alias="bilaga",
        description=('Bilagans nummer: ger "Bilaga N" på omslaget och listas i tjänsteskrivelsen.'),
        examples=[1],
        ge=1,
    )
    cover: bool = Field(
        True, alias="omslag", description="Om dokumentet har ett omslag.", examples=[False]
    )
    toc: bool = Field(
        True,
        alias="innehållsförteckning",
        description="Om dokumentet har en innehållsförteckning.",
        examples=[False],
    )
    numbering: Numbering | None = Field(
        None,
        alias="numrering",
        description="Rubriknumrering för just detta dokument.",
        examples=[{"djup": 0}],
    )
    structure: str | None = Field(
        None,
        alias="mall",
        pattern=NAME_PATTERN,
        description=(
            "En standardstruktur (templates/strukturer/) som ger dispositionen "
            "när disposition saknas."
        ),
        examples=["delarsrapport"],
    )
    outline: list[OutlineEntry] = Field(
        default_factory=list, alias="disposition", description="Dokumentets avsnitt i ordning."
    )


class NumberFormat(Model):
    """How numbers print in this package (Babel's sv_SE data is the default)."""

    model_config = described("Hur tal skrivs.")

    minus: Literal["−", "-", "–"] = Field(
        "−",
        alias="minustecken",
        description="Tecknet före negativa tal: − (riktigt minustecken), - eller –.",
        examples=["-"],
    )


class EqualityCheck(Model):
    """Two or more figures that must agree, e.g. an indicator and the ledger it comes from."""

    model_config = described(
        "Två eller flera värden som ska vara lika; bygget varnar med blad och cell annars."
    )

    values: list[str] = Field(
        alias="värden",
        description=("Uttryck som ska ge samma tal, t.ex. en indikator och raden den kommer från."),
        examples=[["indikator.ram.utfall", "drift.ksf.avvikelse"]],
        min_length=2,
    )
    tolerance: float | None = Field(
        None,
        alias="tolerans",
        description="Tillåten skillnad. Standard: en enhet i sista visade decimalen.",
        examples=[0.05],
        ge=0,
    )
    text: str | None = Field(
        None,
        alias="text",
        description="Förklaring som står i varningen.",
        examples=["Indikatorn ska vara avvikelsen i driftredovisningen"],
        json_schema_extra=TEMPLATE,
    )


class Checks(Model):
    """Which checks run on every build."""

    model_config = described("Kontrollerna vid varje bygge.")

    literal_amounts: bool = Field(
        True,
        alias="belopp_i_text",
        description=(
            'Kontrollera att belopp som skrivs direkt i texten ("14,2 mnkr") finns i data.'
        ),
        examples=[False],
    )
    literal_percent: bool = Field(
        False,
        alias="procent_i_text",
        description="Kontrollera också procenttal som skrivs direkt i texten.",
        examples=[True],
    )
    allowed_literals: list[str] = Field(
        default_factory=list,
        alias="tillåtna_belopp",
        description="Belopp i texten som medvetet inte finns i data.",
        examples=[["2,7 miljoner kronor"]],
    )
    equalities: list[EqualityCheck] = Field(
        default_factory=list, alias="lika", description="Värden som ska vara lika."
    )

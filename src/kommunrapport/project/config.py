"""The validated model of a package's ``report.yaml``.

Keys are Swedish, as report writers type them (``nämnd``, ``år``); the same key written without
å, ä and ö (``namnd``, ``ar``) is accepted too. Python attribute names are English. Errors name the
field path and the line in ``report.yaml``.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import KommunrapportError, Location
from .paths import display_path
from .yaml_lines import LinedYaml, load_yaml_file

ReportType = Literal["årsberättelse", "årsrapport", "delårsrapport", "tertialrapport"]
DocumentType = Literal["tjänsteskrivelse", "rapport"]
# A text field that is a template: it may use {{ år }}, {{ nämnd }}, filters … (the reference
# says so, and the build renders it before use).
TEMPLATE_MARK = "x-mall"
TEMPLATE: dict[str, Any] = {TEMPLATE_MARK: True}


def described(text: str) -> ConfigDict:
    """A model's Swedish description, for the reference (docs/referens.md) and the JSON
    Schema: the class docstring stays the developers' English."""
    return ConfigDict(json_schema_extra={"description": text})


def is_template(field: Any) -> bool:
    """Whether a model field (pydantic FieldInfo) is marked as a template."""
    extra = getattr(field, "json_schema_extra", None)
    return isinstance(extra, dict) and bool(extra.get(TEMPLATE_MARK))


def fold(key: str) -> str:
    """``'nämnd'`` → ``'namnd'``: the key as typed on a keyboard without Swedish letters."""
    decomposed = unicodedata.normalize("NFKD", key)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


class Model(BaseModel):
    """Base for every configuration model: unknown keys are errors, ASCII spellings accepted."""

    model_config = ConfigDict(extra="forbid", populate_by_name=False, frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _accept_ascii_keys(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        aliases = {fold(f.alias or name): f.alias or name for name, f in cls.model_fields.items()}
        renamed: dict[Any, Any] = {}
        for key, value in data.items():
            canonical = aliases.get(fold(key), key) if isinstance(key, str) else key
            renamed[canonical] = value
        return renamed


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


class ReportConfig(Model):
    """Everything in ``report.yaml``."""

    model_config = described(
        "Uppgifterna i paketets report.yaml: kommun, nämnd, period, beslut "
        "och dokumenten. De gäller alla dokument i paketet och nås i texten "
        "som {{ år }}, {{ nämnd }} …"
    )

    municipality: str = Field(
        alias="kommun",
        description="Kommunens namn, som det står på omslag och i sidhuvud.",
        examples=["Kalmar kommun"],
    )
    committee: str = Field(
        alias="nämnd",
        description="Nämnden eller styrelsen som rapporten gäller.",
        examples=["Kommunstyrelsen"],
    )
    administration: str | None = Field(
        None,
        alias="förvaltning",
        description=("Förvaltningen som skriver rapporten; står i tjänsteskrivelsens huvud."),
        examples=["Kommunledningskontoret"],
    )
    unit: str | None = Field(
        None,
        alias="enhet",
        description=(
            "Enheten eller avdelningen inom förvaltningen; står i tjänsteskrivelsens huvud."
        ),
        examples=["Ekonomienheten"],
    )
    report_type: ReportType = Field(
        alias="rapporttyp",
        description="Vilken sorts rapport paketet är.",
        examples=["delårsrapport"],
    )
    year: int = Field(
        alias="år",
        description=("Rapportens år. Skriv {{ år }} i texten, och {{ år - 1 }} för föregående år."),
        examples=[2024],
        ge=1990,
        le=2100,
    )
    period: Period | None = Field(
        None, alias="period", description="Perioden som rapporten gäller."
    )
    case_number: str | None = Field(
        None,
        alias="diarienummer",
        description=(
            "Ärendets diarienummer; står i tjänsteskrivelsen, på omslaget och i sidhuvudet."
        ),
        examples=["KS 2024/0123"],
        json_schema_extra=TEMPLATE,
    )
    report_date: date | None = Field(
        None,
        alias="datum",
        description=(
            "Rapportens eller tjänsteskrivelsens datum (ÅÅÅÅ-MM-DD). Utan datum "
            "används periodens sista dag."
        ),
        examples=["2024-09-25"],
    )
    deciding_body: str | None = Field(
        None,
        alias="beslutsinstans",
        description=(
            'Den som beslutar om rapporten. Ger raden "Beslut i <beslutsinstans>" på omslaget.'
        ),
        examples=["Kommunstyrelsen"],
        json_schema_extra=TEMPLATE,
    )
    decision_date: date | None = Field(
        None,
        alias="beslutsdatum",
        description=(
            'Beslutets datum, när beslutet är fattat; skrivs efter "Beslut i …" på omslaget.'
        ),
        examples=["2025-02-07"],
    )
    decision_paragraph: str | None = Field(
        None,
        alias="paragraf",
        description=('Beslutets paragraf i protokollet; skrivs "§ 31" efter beslutsdatum.'),
        examples=["31"],
    )
    case_officer: Person | None = Field(
        None, alias="handläggare", description="Handläggaren i tjänsteskrivelsens huvud."
    )
    recipient: str | None = Field(
        None,
        alias="mottagare",
        description="Vem tjänsteskrivelsen är ställd till. Standard: nämnden.",
        examples=["Kommunstyrelsens arbetsutskott"],
        json_schema_extra=TEMPLATE,
    )
    decision: DecisionProposal | None = Field(
        None,
        alias="förslag_till_beslut",
        description=(
            "Förslaget till beslut, i tjänsteskrivelsen och i en rapport som har det som kapitel."
        ),
    )
    signature_heading: str | None = Field(
        None,
        alias="underskrift_rubrik",
        description=("Rubrik över underskrifterna, t.ex. förvaltningens namn med versaler."),
        examples=["KOMMUNLEDNINGSKONTORET"],
        json_schema_extra=TEMPLATE,
    )
    signatories: list[Person] = Field(
        default_factory=list,
        alias="underskrifter",
        description="De som skriver under tjänsteskrivelsen, i ordning.",
    )
    cover_lines: list[CoverLine] = Field(
        default_factory=list,
        alias="omslagsrader",
        description="Extra rader på omslaget, efter period, diarienummer och datum.",
    )
    distribution: list[str] = Field(
        default_factory=list,
        alias="beslutet_skickas_till",
        description=(
            "Mottagarna av beslutet, listade sist i tjänsteskrivelsen under "
            '"Beslutet skickas till".'
        ),
        examples=[["Kommunfullmäktige", "Revisionen"]],
        json_schema_extra=TEMPLATE,
    )
    logo: str | None = Field(
        None,
        alias="logotyp",
        description=("Bildfil med kommunens logotyp för omslaget, sökväg från paketets mapp."),
        examples=["bilder/logotyp.png"],
    )
    numbering: Numbering = Field(
        default_factory=Numbering,
        alias="numrering",
        description=(
            "Hur många rubriknivåer som numreras (1, 1.1, 1.1.1) i rapporterna. "
            "Ett dokument kan ha en egen."
        ),
    )
    language: Literal["sv"] = Field(
        "sv", alias="språk", description="Rapportens språk; bara svenska finns.", examples=["sv"]
    )
    number_format: NumberFormat = Field(
        default_factory=lambda: NumberFormat(),
        alias="format",
        description="Hur tal skrivs i hela paketet.",
    )
    checks: Checks = Field(
        default_factory=lambda: Checks(),
        alias="kontroller",
        description="Vilka kontroller bygget gör, och värden som ska vara lika.",
    )
    formulas: dict[str, str] = Field(
        default_factory=dict,
        alias="beräkningar",
        description=(
            "Namngivna formler för tabellernas beräknade kolumner, t.ex. "
            "kommunens teckenregel för avvikelse. Används med beräkna: <namn>."
        ),
        examples=[{"avvikelse": "Budget - Utfall"}],
    )
    tables: dict[str, Any] = Field(
        default_factory=dict,
        alias="tabeller",
        description=("Tabellvyer, som i tabeller.yaml; för paket utan egen tabeller.yaml."),
    )
    charts: dict[str, Any] = Field(
        default_factory=dict,
        alias="diagram",
        description="Diagram, som i diagram.yaml; för paket utan egen diagram.yaml.",
    )
    scales: dict[str, Any] = Field(
        default_factory=dict,
        alias="skalor",
        description=(
            "Kommunens skalor för bedömning och status: koden i kalkylbladet "
            "blir text och symbol. Nyckeln är skalans namn."
        ),
    )
    goals: dict[str, Any] = Field(
        default_factory=dict,
        alias="måluppföljning",
        description=(
            "Måluppföljningens arbetsbok och hur dess kolumner läses. Utan blocket läses inga mål."
        ),
    )
    internal_control: dict[str, Any] = Field(
        default_factory=dict,
        alias="intern_kontroll",
        description=(
            "Den interna kontrollens arbetsbok och regler. Utan blocket läses "
            "ingen intern kontroll."
        ),
    )
    documents: list[DocumentSpec] = Field(
        alias="dokument",
        description=(
            "Dokumenten som paketet ger, i ordning: tjänsteskrivelse, rapport och bilagor."
        ),
        min_length=1,
    )
    extra: dict[str, Any] = Field(
        default_factory=dict,
        alias="variabler",
        description=(
            "Egna namn för texten, nås som {{ namn }}. Ett värde får använda "
            "andra uppgifter, t.ex. {{ år }}."
        ),
        examples=[{"vp_namn": "Verksamhetsplan {{ år }}"}],
    )

    @property
    def stamp_date(self) -> date:
        """The date outputs are stamped with: the report's date, else the period's end."""
        if self.report_date:
            return self.report_date
        if self.period and self.period.end:
            return self.period.end
        return date(self.year, 12, 31)

    @field_validator("documents")
    @classmethod
    def _unique_ids(cls, documents: list[DocumentSpec]) -> list[DocumentSpec]:
        seen: set[str] = set()
        for doc in documents:
            if doc.id in seen:
                raise ValueError(f"dokument-id {doc.id!r} förekommer två gånger")
            seen.add(doc.id)
        return documents


_MESSAGES = {
    "missing": "saknas (fältet är obligatoriskt)",
    "extra_forbidden": "okänt fält",
    "int_parsing": "måste vara ett heltal",
    "int_type": "måste vara ett heltal",
    "bool_parsing": "måste vara ja/nej (true/false)",
    "bool_type": "måste vara ja/nej (true/false)",
    "string_type": "måste vara text",
    "list_type": "måste vara en lista (rader som börjar med '- ')",
    "dict_type": "måste vara en samling fält (nyckel: värde)",
    "model_type": "måste vara en samling fält (nyckel: värde)",
    "date_parsing": "måste vara ett datum på formen ÅÅÅÅ-MM-DD",
    "date_from_datetime_parsing": "måste vara ett datum på formen ÅÅÅÅ-MM-DD",
    "date_type": "måste vara ett datum på formen ÅÅÅÅ-MM-DD",
    "too_short": "får inte vara tom",
    "string_pattern_mismatch": "har otillåtna tecken",
}


def field_path(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _message(error: Mapping[str, Any], model_fields: list[str]) -> tuple[str, str | None]:
    kind = error["type"]
    hint = None
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"måste vara ett av: {expected}", None
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"värdet är utanför tillåtet intervall ({error['msg']})", None
    if kind == "extra_forbidden":
        key = str(error["loc"][-1])
        close = difflib.get_close_matches(key, model_fields, n=1)
        hint = f"Menade du '{close[0]}'?" if close else "Ta bort fältet eller rätta stavningen."
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"])), None
    return _MESSAGES.get(kind, error["msg"]), hint


def _known_keys() -> list[str]:
    keys: set[str] = set()
    for model in (
        ReportConfig,
        DocumentSpec,
        OutlineEntry,
        Person,
        Period,
        DecisionProposal,
        Numbering,
    ):
        keys.update(f.alias or n for n, f in model.model_fields.items())
    return sorted(keys)


def validate_model(
    model: type[BaseModel], data: Any, raw: LinedYaml, display: str, prefix: tuple[Any, ...] = ()
) -> Any:
    """Validate data with a model; every problem is listed with its field path and line."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems: list[tuple[Location, str, str | None]] = []
        for error in exc.errors():
            loc = (*prefix, *error["loc"])
            message, hint = _message(error, _known_keys())
            location = Location(display, line=raw.line_of(loc), field=field_path(loc) or None)
            problems.append((location, message, hint))
        if len(problems) == 1:
            location, message, hint = problems[0]
            raise KommunrapportError(
                message, location, hint or f"Rätta fältet i {display}."
            ) from None
        listing = [f"{loc}: {msg}" + (f" ({hint})" if hint else "") for loc, msg, hint in problems]
        raise KommunrapportError(
            f"{len(problems)} fel:\n  " + "\n  ".join(listing),
            Location(display),
            f"Rätta fälten ovan i {display}.",
        ) from None


def validate_config(raw: LinedYaml, display: str) -> ReportConfig:
    """Validate parsed report.yaml."""
    if not isinstance(raw.data, dict):
        raise KommunrapportError(
            "report.yaml ska innehålla fält på formen 'nyckel: värde'", Location(display, line=1)
        )
    return validate_model(ReportConfig, raw.data, raw, display)


def load_config(package_dir: Path, display_root: Path) -> tuple[ReportConfig, LinedYaml, str]:
    """Read and validate ``report.yaml``; also return the parsed YAML (for line lookups)."""
    path = package_dir / "report.yaml"
    display = display_path(path, display_root)
    raw = load_yaml_file(path, display)
    return validate_config(raw, display), raw, display

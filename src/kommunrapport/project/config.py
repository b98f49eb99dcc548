"""The validated model of a package's ``report.yaml``.

Keys are Swedish, as report writers type them (``nämnd``, ``år``); the same key written without
å, ä and ö (``namnd``, ``ar``) is accepted too. Python attribute names are English. Errors name the
field path and the line in ``report.yaml``.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator

from ..errors import KommunrapportError, Location
from .config_base import TEMPLATE as TEMPLATE
from .config_base import TEMPLATE_MARK as TEMPLATE_MARK
from .config_base import Model as Model
from .config_base import described as described
from .config_base import fold as fold
from .config_base import is_template as is_template
from .config_parts import Checks as Checks
from .config_parts import CoverLine as CoverLine
from .config_parts import DecisionProposal as DecisionProposal
from .config_parts import DocumentSpec as DocumentSpec
from .config_parts import DocumentType as DocumentType
from .config_parts import EqualityCheck as EqualityCheck
from .config_parts import NumberFormat as NumberFormat
from .config_parts import Numbering as Numbering
from .config_parts import OutlineEntry as OutlineEntry
from .config_parts import Period as Period
from .config_parts import Person as Person
from .config_parts import ReportType as ReportType
from .paths import display_path
from .source_files import SourceFiles
from .yaml_lines import LinedYaml, load_yaml_file


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


def load_config(
    package_dir: Path, display_root: Path, files: SourceFiles | None = None
) -> tuple[ReportConfig, LinedYaml, str]:
    """Read and validate ``report.yaml``; also return the parsed YAML (for line lookups)."""
    path = package_dir / "report.yaml"
    display = display_path(path, display_root, follow_links=False)
    raw = load_yaml_file(path, display, files)
    return validate_config(raw, display), raw, display

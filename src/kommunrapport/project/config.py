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
    name: str = Field(alias="namn", json_schema_extra=TEMPLATE)
    title: str | None = Field(None, alias="titel", json_schema_extra=TEMPLATE)
    phone: str | None = Field(None, alias="telefon", json_schema_extra=TEMPLATE)
    email: str | None = Field(None, alias="epost", json_schema_extra=TEMPLATE)


class Period(Model):
    label: str = Field(alias="namn", json_schema_extra=TEMPLATE)
    start: date | None = Field(None, alias="från")
    end: date | None = Field(None, alias="till")
    number: int | None = Field(None, alias="nummer", description="delårsrapport 1, 2 …")


class DecisionProposal(Model):
    lead_in: str | None = Field(None, alias="inledning", json_schema_extra=TEMPLATE)
    points: list[str] = Field(alias="beslutspunkter", min_length=1, json_schema_extra=TEMPLATE)
    numbered: bool | None = Field(None, alias="numrerade")


class CoverLine(Model):
    label: str = Field(alias="etikett", json_schema_extra=TEMPLATE)
    value: str = Field("", alias="värde", json_schema_extra=TEMPLATE)


class Numbering(Model):
    depth: int = Field(3, alias="djup", ge=0, le=6)


class OutlineEntry(Model):
    """One chapter or sub-chapter of a document's outline."""

    title: str | None = Field(None, alias="rubrik", json_schema_extra=TEMPLATE)
    file: str | None = Field(None, alias="fil")
    block: str | None = Field(None, alias="block")
    numbered: bool = Field(True, alias="numrerad")
    anchor: str | None = Field(None, alias="id", pattern=r"^[A-Za-z][\w-]*$")
    page_break: bool = Field(False, alias="sidbrytning")
    landscape: bool = Field(False, alias="liggande")
    listed: bool = Field(True, alias="i_innehåll")
    children: list[OutlineEntry] = Field(default_factory=list, alias="underavsnitt")

    @model_validator(mode="after")
    def _has_content(self) -> OutlineEntry:
        if not (self.title or self.file or self.block):
            raise ValueError("ett avsnitt behöver minst något av rubrik, fil eller block")
        if self.file and self.block:
            raise ValueError("ett avsnitt kan ha fil eller block, inte båda")
        return self


class DocumentSpec(Model):
    """One document of the package: the tjänsteskrivelse, the report or an appendix."""

    id: str = Field(alias="id", pattern=r"^[a-z0-9][a-z0-9_-]*$")
    kind: DocumentType = Field(alias="typ")
    title: str = Field(alias="titel", json_schema_extra=TEMPLATE)
    subtitle: str | None = Field(None, alias="undertitel", json_schema_extra=TEMPLATE)
    appendix: int | None = Field(None, alias="bilaga", ge=1)
    cover: bool = Field(True, alias="omslag")
    toc: bool = Field(True, alias="innehållsförteckning")
    numbering: Numbering | None = Field(None, alias="numrering")
    structure: str | None = Field(None, alias="mall")
    outline: list[OutlineEntry] = Field(default_factory=list, alias="disposition")


class NumberFormat(Model):
    """How numbers print in this package (Babel's sv_SE data is the default)."""

    minus: Literal["−", "-", "–"] = Field("−", alias="minustecken")


class EqualityCheck(Model):
    """Two or more figures that must agree, e.g. an indicator and the ledger it comes from."""

    values: list[str] = Field(alias="värden", min_length=2)
    tolerance: float | None = Field(None, alias="tolerans", ge=0)
    text: str | None = Field(None, alias="text", json_schema_extra=TEMPLATE)


class Checks(Model):
    """Which checks run on every build."""

    literal_amounts: bool = Field(True, alias="belopp_i_text")
    literal_percent: bool = Field(False, alias="procent_i_text")
    allowed_literals: list[str] = Field(default_factory=list, alias="tillåtna_belopp")
    equalities: list[EqualityCheck] = Field(default_factory=list, alias="lika")


class ReportConfig(Model):
    """Everything in ``report.yaml``."""

    municipality: str = Field(alias="kommun")
    committee: str = Field(alias="nämnd")
    administration: str | None = Field(None, alias="förvaltning")
    unit: str | None = Field(None, alias="enhet")
    report_type: ReportType = Field(alias="rapporttyp")
    year: int = Field(alias="år", ge=1990, le=2100)
    period: Period | None = Field(None, alias="period")
    case_number: str | None = Field(None, alias="diarienummer", json_schema_extra=TEMPLATE)
    report_date: date | None = Field(None, alias="datum")
    deciding_body: str | None = Field(None, alias="beslutsinstans", json_schema_extra=TEMPLATE)
    decision_date: date | None = Field(None, alias="beslutsdatum")
    decision_paragraph: str | None = Field(None, alias="paragraf")
    case_officer: Person | None = Field(None, alias="handläggare")
    recipient: str | None = Field(None, alias="mottagare", json_schema_extra=TEMPLATE)
    decision: DecisionProposal | None = Field(None, alias="förslag_till_beslut")
    signature_heading: str | None = Field(
        None, alias="underskrift_rubrik", json_schema_extra=TEMPLATE
    )
    signatories: list[Person] = Field(default_factory=list, alias="underskrifter")
    cover_lines: list[CoverLine] = Field(default_factory=list, alias="omslagsrader")
    distribution: list[str] = Field(
        default_factory=list, alias="beslutet_skickas_till", json_schema_extra=TEMPLATE
    )
    logo: str | None = Field(None, alias="logotyp")
    numbering: Numbering = Field(default_factory=Numbering, alias="numrering")
    language: Literal["sv"] = Field("sv", alias="språk")
    number_format: NumberFormat = Field(default_factory=lambda: NumberFormat(), alias="format")
    checks: Checks = Field(default_factory=lambda: Checks(), alias="kontroller")
    formulas: dict[str, str] = Field(default_factory=dict, alias="beräkningar")
    tables: dict[str, Any] = Field(default_factory=dict, alias="tabeller")
    charts: dict[str, Any] = Field(default_factory=dict, alias="diagram")
    scales: dict[str, Any] = Field(default_factory=dict, alias="skalor")
    goals: dict[str, Any] = Field(default_factory=dict, alias="måluppföljning")
    internal_control: dict[str, Any] = Field(default_factory=dict, alias="intern_kontroll")
    documents: list[DocumentSpec] = Field(alias="dokument", min_length=1)
    extra: dict[str, Any] = Field(default_factory=dict, alias="variabler")

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

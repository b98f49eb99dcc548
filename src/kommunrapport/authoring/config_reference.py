"""docs/referens.md, generated from the configuration models so it can never drift from them.

Every key of report.yaml, tabeller.yaml and diagram.yaml with its type, default, an example and
the Swedish explanation written on the model's field. Regenerate after changing a model:

    python -m kommunrapport.authoring.config_reference docs

(also writes the JSON Schemas to docs/schema/); a test fails while the committed files differ.
"""

from __future__ import annotations

import json
import sys
import types
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ..data.scale_spec import LevelSpec, ScaleSpec
from ..data.table_spec import ChartSpec, ColumnSpec, HeaderGroup, TableSpec
from ..followup.goal_data import GoalConfig
from ..followup.internal_control import InternalControlConfig
from ..project.config import (
    Checks,
    CoverLine,
    DecisionProposal,
    DocumentSpec,
    EqualityCheck,
    NumberFormat,
    Numbering,
    OutlineEntry,
    Period,
    Person,
    ReportConfig,
    is_template,
)
from .config_schema import REPORT_BLOCKS, schema_texts

# Each model's section: heading and anchor (the file where its keys are written).
SECTIONS: list[tuple[type[BaseModel], str, str]] = [
    (ReportConfig, "report.yaml", "reportyaml"),
    (Period, "period", "period"),
    (Person, "handläggare och underskrifter (person)", "person"),
    (DecisionProposal, "förslag_till_beslut", "forslag_till_beslut"),
    (CoverLine, "omslagsrader (en rad)", "omslagsrad"),
    (Numbering, "numrering", "numrering"),
    (NumberFormat, "format", "format"),
    (Checks, "kontroller", "kontroller"),
    (EqualityCheck, "kontroller: lika (en kontroll)", "lika"),
    (DocumentSpec, "dokument (ett dokument)", "dokument"),
    (OutlineEntry, "disposition (ett avsnitt)", "disposition"),
    (ScaleSpec, "skalor (en skala)", "skala"),
    (LevelSpec, "skalor: nivåer (en nivå)", "niva"),
    (GoalConfig, "måluppföljning", "maluppfoljning"),
    (InternalControlConfig, "intern_kontroll", "intern_kontroll"),
    (TableSpec, "tabeller.yaml (en tabellvy)", "tabelleryaml"),
    (ColumnSpec, "tabeller.yaml: kolumner (en kolumn)", "kolumn"),
    (HeaderGroup, "tabeller.yaml: rubrikgrupper (en grupp)", "rubrikgrupp"),
    (ChartSpec, "diagram.yaml (ett diagram)", "diagramyaml"),
]
ANCHORS = {model: anchor for model, _, anchor in SECTIONS}
SIMPLE = {str: "text", int: "heltal", float: "tal", bool: "ja/nej", date: "datum"}


def type_name(annotation: Any) -> str:
    """A field's type in words a report writer knows, with links to nested sections."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:  # a type with bounds (0 to 6 decimals): the type itself
        return type_name(args[0])
    if origin in (Union, types.UnionType):
        names = [type_name(a) for a in args if a is not type(None)]
        return " eller ".join(dict.fromkeys(names))
    if origin is Literal:
        return "ett av " + ", ".join(f"`{a}`" for a in args)
    if origin is list:
        return f"lista med {type_name(args[0])}"
    if origin is tuple:
        return "två tal"
    if origin is dict:
        return f"samling: namn → {type_name(args[1])}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{ANCHORS[annotation]}](#{ANCHORS[annotation]})"
    if annotation is Any:
        return "valfritt"
    return SIMPLE.get(annotation, str(annotation))


def _field_type(model: type[BaseModel], key: str, field: FieldInfo) -> str:
    if model is ReportConfig and key in REPORT_BLOCKS:
        block, mapping = REPORT_BLOCKS[key]
        link = f"[{ANCHORS[block]}](#{ANCHORS[block]})"
        return f"samling: namn → {link}" if mapping else link
    return type_name(field.annotation)


def _yaml(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False).replace("|", "\\|")


def _default(field: FieldInfo) -> str:
    if field.is_required():
        return "**krävs**"
    if field.default_factory is not None:
        value = field.default_factory()  # type: ignore[call-arg]
        if isinstance(value, BaseModel):
            return "se avsnittet"
        return "–" if not value else f"`{_yaml(value)}`"
    if field.default is None:
        return "–"
    return f"`{_yaml(field.default)}`"


def _description(model: type[BaseModel]) -> str:
    extra = model.model_config.get("json_schema_extra")
    return str(extra.get("description", "")) if isinstance(extra, dict) else ""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def model_section(model: type[BaseModel], heading: str, anchor: str) -> list[str]:
    lines = [f'<a id="{anchor}"></a>', "", f"## {heading}", "", _description(model), ""]
    lines += ["| Nyckel | Typ | Standard | Exempel | Förklaring |", "|---|---|---|---|---|"]
    for name, field in model.model_fields.items():
        key = field.alias or name
        example = f"`{_yaml(field.examples[0])}`" if field.examples else ""
        explanation = field.description or ""
        if is_template(field):
            explanation += " Mall: får innehålla {{ år }}, {{ nämnd }} och filter."
        lines.append(
            f"| `{key}` | {_field_type(model, key, field)} | {_default(field)} | "
            f"{_cell(example)} | {_cell(explanation)} |"
        )
    return [*lines, ""]


def reference_text() -> str:
    lines = [
        "# Referens: report.yaml, tabeller.yaml och diagram.yaml",
        "",
        "Alla nycklar med typ, standardvärde, exempel och förklaring. Filen är genererad ur",
        "verktygets konfigurationsmodeller (`python -m kommunrapport.authoring.config_reference",
        "docs`) och ändras inte för hand. Nycklar får skrivas utan å, ä och ö (`namnd`).",
        "Redigerar du i VS Code kan tillägget YAML visa samma förklaringar medan du skriver:",
        "se [kom-igang.md](kom-igang.md#redigera-med-stöd-i-vs-code).",
        "",
    ]
    for model, heading, anchor in SECTIONS:
        lines += model_section(model, heading, anchor)
    return "\n".join(lines).rstrip("\n") + "\n"


def undocumented() -> list[str]:
    """Keys without an explanation, and models without a description (a test lists them)."""
    missing = []
    for model, _, _ in SECTIONS:
        if not _description(model):
            missing.append(model.__name__)
        for name, field in model.model_fields.items():
            if not field.description:
                missing.append(f"{model.__name__}.{field.alias or name}")
    return missing


def write_docs(docs: Path) -> list[Path]:
    """docs/referens.md and docs/schema/*.schema.json."""
    written = [docs / "referens.md"]
    written[0].write_text(reference_text(), encoding="utf-8")
    (docs / "schema").mkdir(exist_ok=True)
    for name, text in schema_texts().items():
        path = docs / "schema" / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_docs(Path(sys.argv[1] if len(sys.argv) > 1 else "docs")):
        print(f"skrev {path}")

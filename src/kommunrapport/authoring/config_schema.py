"""JSON Schemas for report.yaml, tabeller.yaml and diagram.yaml, from the configuration models.

Editors use them to complete keys, show each key's Swedish description and flag mistakes
while the writer types (VS Code's YAML extension: ``yaml.schemas`` in settings.json). The
models are the single source: descriptions, examples and defaults come from their fields.
Keys written without å, ä and ö (``namnd``) are valid, as in the build, but not suggested.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from ..data.scale_spec import ScaleSpec
from ..data.table_spec import ChartSpec, TableSpec
from ..followup.goal_data import GoalConfig
from ..followup.internal_control import InternalControlConfig
from ..project.config import ReportConfig, fold

SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema"
# report.yaml blocks that the build validates with their own models (after reading the file).
REPORT_BLOCKS: dict[str, tuple[type[BaseModel], bool]] = {
    "tabeller": (TableSpec, True),  # True: a mapping of names to the model
    "diagram": (ChartSpec, True),
    "skalor": (ScaleSpec, True),
    "måluppföljning": (GoalConfig, False),
    "intern_kontroll": (InternalControlConfig, False),
}
FILES = {
    "report": "report.schema.json",
    "tabeller": "tabeller.schema.json",
    "diagram": "diagram.schema.json",
}


def _definitions() -> dict[str, Any]:
    models: list[type[BaseModel]] = [ReportConfig, *(m for m, _ in REPORT_BLOCKS.values())]
    _, top = models_json_schema(
        [(m, "validation") for m in models], by_alias=True, ref_template="#/$defs/{model}"
    )
    definitions: dict[str, Any] = top["$defs"]
    for definition in definitions.values():
        _tidy(definition)
    report = definitions["ReportConfig"]["properties"]
    for key, (model, mapping) in REPORT_BLOCKS.items():
        ref = {"$ref": f"#/$defs/{model.__name__}"}
        described = {k: v for k, v in report[key].items() if k in ("description", "examples")}
        shape = {"type": "object", "additionalProperties": ref} if mapping else ref
        report[key] = {**shape, **described}
    return definitions


def _tidy(schema: Any) -> None:
    """Titles made from the key add nothing; ASCII spellings of keys are valid but hidden."""
    if isinstance(schema, dict):
        schema.pop("title", None)
        properties = schema.get("properties")
        if isinstance(properties, dict):
            folded = {fold(k): v for k, v in properties.items() if fold(k) != k}
            if folded:
                pattern = "^(" + "|".join(sorted(folded)) + ")$"
                schema["patternProperties"] = {pattern: {}}
            required = schema.get("required", [])
            either = [k for k in required if fold(k) != k]
            if either:  # "nämnd" or "namnd": either spelling satisfies the build
                schema["required"] = [k for k in required if k not in either]
                schema["allOf"] = [
                    {"anyOf": [{"required": [k]}, {"required": [fold(k)]}]} for k in either
                ]
                if not schema["required"]:
                    del schema["required"]
        for value in schema.values():
            _tidy(value)
    elif isinstance(schema, list):
        for value in schema:
            _tidy(value)


def _document(root: dict[str, Any], definitions: dict[str, Any], title: str) -> dict[str, Any]:
    return {"$schema": SCHEMA_DRAFT, "title": title, **root, "$defs": definitions}


def config_schemas() -> dict[str, dict[str, Any]]:
    """The three schemas, by file kind ("report", "tabeller", "diagram")."""
    definitions = _definitions()
    report = dict(definitions["ReportConfig"])
    table_map = {
        "type": "object",
        "description": "Tabellvyer: namnet på varje tabell och dess beskrivning.",
        "additionalProperties": {"$ref": "#/$defs/TableSpec"},
    }
    chart_map = {
        "type": "object",
        "description": "Diagram: namnet på varje diagram och dess beskrivning.",
        "additionalProperties": {"$ref": "#/$defs/ChartSpec"},
    }
    return {
        "report": _document(report, definitions, "report.yaml (kommunrapport)"),
        "tabeller": _document(table_map, definitions, "tabeller.yaml (kommunrapport)"),
        "diagram": _document(chart_map, definitions, "diagram.yaml (kommunrapport)"),
    }


def schema_texts() -> dict[str, str]:
    """File name → JSON text, stable (sorted keys) so the committed copies can be compared."""
    return {
        FILES[kind]: json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        for kind, schema in config_schemas().items()
    }

"""The configuration is documented from the models themselves (issue 16, item 1): every key has
a Swedish explanation, docs/referens.md and docs/schema/ are what the models give, and the JSON
Schemas accept every example package's YAML and reject a misspelt key."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from kommunrapport.authoring.config_reference import reference_text, undocumented
from kommunrapport.authoring.config_schema import FILES, config_schemas, schema_texts
from kommunrapport.project.package import discover_packages

from .conftest import CONTENT, REPO

DOCS = REPO / "docs"
EXAMPLES = [p.name for p in discover_packages(CONTENT)]
REGENERATE = "Kör: python -m kommunrapport.authoring.config_reference docs"


class TextDates(yaml.SafeLoader):
    """YAML as an editor's schema check sees it: 2024-09-25 is a string, not a date."""


TextDates.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=TextDates)


def test_every_key_and_block_has_an_explanation() -> None:
    assert undocumented() == []


def test_committed_reference_is_what_the_models_give() -> None:
    committed = (DOCS / "referens.md").read_text(encoding="utf-8")
    assert committed == reference_text(), REGENERATE


def test_committed_schemas_are_what_the_models_give() -> None:
    for name, text in schema_texts().items():
        assert (DOCS / "schema" / name).read_text(encoding="utf-8") == text, REGENERATE


def test_reference_names_every_key_with_type_default_and_example() -> None:
    text = reference_text()
    for key in (
        "handläggare",
        "telefon",
        "underskrifter",
        "beslutet_skickas_till",
        "logotyp",
        "omslagsrader",
        "underskrift_rubrik",
        "paragraf",
        "undertitel",
        "sidbrytning",
        "i_innehåll",
        "minustecken",
        "lika",
        "föräldrakolumn",
        "enhet_i",
        "blandad",
    ):
        assert f"`{key}`" in text, key
    row = next(line for line in text.splitlines() if line.startswith("| `kommun` |"))
    assert row.count("|") == 6 and "**krävs**" in row and "Kalmar kommun" in row
    titles = [line for line in text.splitlines() if line.startswith("| `titel` |")]
    assert any("Mall:" in line for line in titles)


@pytest.mark.parametrize("package_id", EXAMPLES)
def test_schemas_accept_every_example(package_id: str) -> None:
    schemas = config_schemas()
    for kind, name in (
        ("report", "report.yaml"),
        ("tabeller", "tabeller.yaml"),
        ("diagram", "diagram.yaml"),
    ):
        path = CONTENT / package_id / name
        if path.is_file():
            errors = list(Draft202012Validator(schemas[kind]).iter_errors(load(path)))
            assert [e.message for e in errors] == [], name


def test_schema_flags_a_misspelt_key_and_accepts_ascii_spelling() -> None:
    validator = Draft202012Validator(config_schemas()["report"])
    data = load(CONTENT / "kalmar-ks-arsrapport-2022" / "report.yaml")
    assert validator.is_valid(data)
    assert not validator.is_valid({**data, "handlägare": {"namn": "Anna"}})
    assert not validator.is_valid({**data, "år": "tjugotjugotvå"})
    ascii_keys = {("namnd" if k == "nämnd" else k): v for k, v in data.items()}
    assert validator.is_valid(ascii_keys)
    tables = Draft202012Validator(config_schemas()["tabeller"])
    assert not tables.is_valid({"drift": {"blad": "a.xlsx/B", "kolumner": [{"kolum": "X"}]}})


def test_schema_command_writes_the_three_files(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kommunrapport.cli", "schema", "--ut", str(tmp_path / "schema")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "report.schema.json" in done.stdout
    for name in FILES.values():
        schema = json.loads((tmp_path / "schema" / name).read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        assert schema["title"].endswith("(kommunrapport)")

"""The base of every configuration model: unknown keys are errors, keys may be typed without
å, ä and ö, fields can be marked as templates, and models carry a Swedish description."""

from __future__ import annotations

import unicodedata
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

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

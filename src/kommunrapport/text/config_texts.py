"""Every text field of report.yaml is a template: ``titel: "ekonom, {{ nämnd }}"``.

The fields are marked on the configuration models (``project.config.TEMPLATE``); this renders
them once per build with the package's names, so memo head, signatures, cover and distribution
list print the result. Parts rendered later with a document's own names (the decision proposal,
the documents and their outlines, checks) are skipped here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

from ..project.config import Checks, DecisionProposal, DocumentSpec, is_template

M = TypeVar("M", bound=BaseModel)
Path = tuple[str | int, ...]
RENDERED_LATER: tuple[type[BaseModel], ...] = (DecisionProposal, DocumentSpec, Checks)


def render_config_texts(model: M, render: Callable[[str, Path], str], path: Path = ()) -> M:
    """A copy of ``model`` with each template field rendered; ``render(text, field path)``."""
    updates: dict[str, Any] = {}
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        key = field.alias or name
        new: Any = value
        if isinstance(value, RENDERED_LATER):
            continue
        if isinstance(value, BaseModel):
            new = render_config_texts(value, render, (*path, key))
        elif isinstance(value, list) and any(isinstance(v, BaseModel) for v in value):
            new = [
                render_config_texts(v, render, (*path, key, i))
                if isinstance(v, BaseModel) and not isinstance(v, RENDERED_LATER)
                else v
                for i, v in enumerate(value)
            ]
        elif is_template(field) and isinstance(value, str):
            new = render(value, (*path, key))
        elif is_template(field) and isinstance(value, list):
            new = [
                render(v, (*path, key, i)) if isinstance(v, str) else v for i, v in enumerate(value)
            ]
        if new != value:
            updates[name] = new
    return model.model_copy(update=updates) if updates else model

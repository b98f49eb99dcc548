"""The names a Markdown section or template can use: package metadata and document facts."""

from __future__ import annotations

from typing import Any

from ..project.config import DocumentSpec, ReportConfig


def metadata_context(config: ReportConfig) -> dict[str, Any]:
    """``report.yaml`` as template variables, under the Swedish keys the writer typed.

    ``variabler:`` entries become top-level names too, e.g. ``{{ vp_namn }}``.
    """
    data = config.model_dump(by_alias=True, mode="python", exclude={"documents"})
    extra = data.pop("variabler", {}) or {}
    data["rapport"] = dict(data)
    for key, value in extra.items():
        data.setdefault(key, value)
    return data


def document_facts(doc: DocumentSpec, title: str, subtitle: str | None) -> dict[str, Any]:
    return {
        "id": doc.id,
        "typ": doc.kind,
        "titel": title,
        "undertitel": subtitle,
        "bilaga": doc.appendix,
    }

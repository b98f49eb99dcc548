"""Findings of ``kommunrapport check`` as text for people, JSON for tools and GitHub Actions
workflow commands (``::warning file=…,line=…::…``) that show up as annotations on the lines of
a pull request."""

from __future__ import annotations

import json
from collections.abc import Iterable

from ..errors import Finding, Severity
from .check import CheckResult


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def summary_line(result: CheckResult) -> str:
    errors = _count(len(result.errors), "fel", "fel")
    warnings = _count(len(result.warnings), "varning", "varningar")
    status = "OK" if not result.errors else "FEL"
    return f"{result.package_id}: {status} ({errors}, {warnings})"


def format_text(results: Iterable[CheckResult]) -> str:
    lines: list[str] = []
    for result in results:
        for finding in result.findings:
            lines.extend("  " + line for line in str(finding).splitlines())
        lines.append(summary_line(result))
    return "\n".join(lines) + "\n"


def finding_record(package_id: str, finding: Finding) -> dict[str, object]:
    loc = finding.location
    return {
        "package": package_id,
        "severity": finding.severity.value,
        "code": finding.code,
        "message": finding.message,
        "hint": finding.hint,
        "file": loc.file,
        "line": loc.line,
        "sheet": loc.sheet,
        "cell": loc.cell,
        "row": loc.row,
        "field": loc.field,
        "text": str(finding),
    }


def format_json(results: Iterable[CheckResult]) -> str:
    results = list(results)
    records = [finding_record(r.package_id, f) for r in results for f in r.findings]
    document = {
        "errors": sum(len(r.errors) for r in results),
        "warnings": sum(len(r.warnings) for r in results),
        "packages": [
            {"id": r.package_id, "errors": len(r.errors), "warnings": len(r.warnings)}
            for r in results
        ],
        "findings": records,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(finding: Finding, path_prefix: str = "") -> str:
    """One workflow command. ``path_prefix`` is the report repository's folder inside the git
    repository (empty when they are the same), because GitHub wants paths from the git root."""
    command = "error" if finding.severity is Severity.ERROR else "warning"
    loc = finding.location
    properties: list[str] = []
    if loc.file:
        properties.append(f"file={_escape_property(path_prefix + loc.file)}")
        if loc.line is not None:
            properties.append(f"line={loc.line}")
    properties.append(f"title={_escape_property(f'kommunrapport [{finding.code}]')}")
    detail = loc.detail()
    message = f"{detail}: {finding.message}" if detail else finding.message
    if finding.hint:
        message += f"\nÅtgärd: {finding.hint}"
    return f"::{command} {','.join(properties)}::{_escape_data(message)}"


def format_github(results: Iterable[CheckResult], path_prefix: str = "") -> str:
    lines: list[str] = []
    for result in results:
        lines.extend(github_annotation(f, path_prefix) for f in result.findings)
        lines.append(summary_line(result))
    return "\n".join(lines) + "\n"

"""What ``import-docx`` did, as text for the report writer or as GitHub Actions annotations."""

from __future__ import annotations

from ..errors import Location
from .import_docx import ImportResult

NBSP = "\u00a0"


def _shown(text: str, limit: int = 80) -> str:
    text = " ".join(text.replace(NBSP, " ").split())
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"”{text}”"


def _change(old: str, new: str) -> str:
    if old and new:
        return f"{_shown(old)} → {_shown(new)}"
    if new:
        return f"nytt: {_shown(new)}"
    if old:
        return f"borttaget: {_shown(old)}"
    return ""


def _where(location: Location) -> str:
    text = str(location)
    return text or "(ingen källfil)"


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _summary(result: ImportResult) -> str:
    files = len(result.changed)
    return (
        f"{_count(result.edits, 'ändring införd', 'ändringar införda')} i "
        f"{_count(files, 'fil', 'filer')}, {len(result.not_applied)} inte införda, "
        f"{_count(len(result.comments), 'kommentar', 'kommentarer')}"
    )


def format_text(result: ImportResult) -> str:
    lines = [f"Granskad DOCX: {result.package_id}, dokument {result.document}"]
    if result.changed:
        lines.append("Infört i källorna (granska med git diff innan du checkar in):")
        for changed in result.changed:
            where = ", ".join(str(n) for n in changed.lines)
            lines.append(f"  {changed.shown} (rad {where})")
    else:
        lines.append("Inga ändringar att föra in i källorna.")
    if result.not_applied:
        lines.append("Inte infört (gör det själv där det står):")
        for item in result.not_applied:
            lines.append(f"  {_where(item.location)}: {item.message}")
            change = _change(item.old, item.new)
            if change:
                lines.append(f"    {change}")
            if item.hint:
                lines.append(f"    Åtgärd: {item.hint}")
    if result.comments:
        lines.append("Kommentarer:")
        for comment in result.comments:
            lines.append(f"  {_where(comment.location)}: {comment.author}: {comment.text}")
            lines.append(f"    i stycket {_shown(comment.quoted, 60)}")
    lines.append(f"Klart: {_summary(result)}.")
    return "\n".join(lines) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _annotation(kind: str, location: Location, title: str, message: str, prefix: str) -> str:
    properties = []
    if location.file:
        properties.append(f"file={_escape_property(prefix + location.file)}")
        if location.line is not None:
            properties.append(f"line={location.line}")
    properties.append(f"title={_escape_property(title)}")
    return f"::{kind} {','.join(properties)}::{_escape_data(message)}"


def format_github(result: ImportResult, path_prefix: str = "") -> str:
    """Comments as notices and edits that were not applied as warnings, on their lines."""
    lines = []
    for item in result.not_applied:
        detail = item.location.detail()
        message = f"{detail}: {item.message}" if detail else item.message
        change = _change(item.old, item.new)
        if change:
            message += f"\n{change}"
        if item.hint:
            message += f"\nÅtgärd: {item.hint}"
        title = f"kommunrapport import-docx [{item.reason}]"
        lines.append(_annotation("warning", item.location, title, message, path_prefix))
    for comment in result.comments:
        title = f"Kommentar från {comment.author}" if comment.author else "Kommentar"
        message = f"{comment.text}\n(i stycket {_shown(comment.quoted, 60)})"
        lines.append(_annotation("notice", comment.location, title, message, path_prefix))
    lines.append(f"{result.package_id}: {_summary(result)}")
    return "\n".join(lines) + "\n"

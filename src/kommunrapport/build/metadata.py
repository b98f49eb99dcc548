"""What a document says about itself: its cover, its page metadata and the build's timestamp."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from typing import Any

from ..errors import KommunrapportError, Location
from ..project.config import DocumentSpec
from ..text.swedish_format import format_date
from .package_context import PackageContext


def build_timestamp(config_date: date) -> datetime:
    """``SOURCE_DATE_EPOCH`` if set, else the report's date: never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return datetime(config_date.year, config_date.month, config_date.day)
    # 1980-01-01 … 2099-12-31: the dates a DOCX (a zip) and a PDF can carry
    if not epoch.isdigit() or not 315_532_800 <= int(epoch) < 4_102_444_800:
        raise KommunrapportError(
            f"SOURCE_DATE_EPOCH={epoch!r} är inte en tidpunkt mellan 1980 och 2099",
            Location("SOURCE_DATE_EPOCH"),
            "Ange sekunder sedan 1970-01-01 (t.ex. git log -1 --format=%ct) eller ta bort "
            "variabeln; då används rapportens datum.",
        )
    return datetime.fromtimestamp(int(epoch), tz=UTC).replace(tzinfo=None)


def cover_rows(shared: PackageContext) -> list[tuple[str, str]]:
    """The label/value lines under a cover's title: period, diarienummer, date, decision."""
    config, labels = shared.config, shared.labels
    rows: list[tuple[str, str]] = []
    if config.period:
        rows.append((labels["avser_period"], config.period.label))
    if config.case_number:
        rows.append((labels["diarienummer"], config.case_number))
    if config.report_date:
        rows.append((labels["datum"], format_date(config.report_date)))
    if config.deciding_body:
        decided = ", ".join(
            x
            for x in (
                format_date(config.decision_date) if config.decision_date else None,
                f"§ {config.decision_paragraph}" if config.decision_paragraph else None,
            )
            if x
        )
        rows.append((labels.fill("beslut_i", instans=config.deciding_body), decided))
    for index, line in enumerate(config.cover_lines):
        location = shared.package.config_location("omslagsrader", index)
        rows.append(
            (
                shared.render(line.label, shared.base_context, location),
                shared.render(line.value, shared.base_context, location),
            )
        )
    return rows


def cover_facts(shared: PackageContext, doc: DocumentSpec) -> dict[str, Any]:
    """The names the cover template (dokument/rapport/omslag.md.j2) uses."""
    title, subtitle = shared.titles[doc.id]
    bilaga = f"{shared.labels['bilaga']} {doc.appendix}" if doc.appendix else None
    return {
        "kommun": shared.config.municipality,
        "nämnd": shared.config.committee,
        "bilaga": bilaga,
        "titel": title,
        "undertitel": subtitle,
        "rader": cover_rows(shared),
    }


def page_metadata(shared: PackageContext) -> dict[str, Any]:
    """The facts the HTML page states in its head and running header."""
    config = shared.config
    return {
        "kommun": config.municipality,
        "nämnd": config.committee,
        "diarienummer": config.case_number,
        "datum": format_date(config.report_date) if config.report_date else None,
    }

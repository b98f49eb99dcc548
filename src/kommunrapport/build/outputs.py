"""A package's documents in memory, and how their files are put into the output folder."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class DocumentResult:
    doc_id: str
    title: str
    files: dict[str, bytes] = field(default_factory=dict)  # format → content


def output_name(doc_id: str, key: str) -> str:
    """File name of one output: ``docx`` → ``<doc-id>.docx``, ``pdf-arkiv`` →
    ``<doc-id>-arkiv.pdf``."""
    fmt, _, variant = key.partition("-")
    return f"{doc_id}-{variant}.{fmt}" if variant else f"{doc_id}.{fmt}"


def write_outputs(
    results: list[DocumentResult], destination: Path, formats: tuple[str, ...]
) -> list[Path]:
    """Stage every file, then move each into place; remove outputs of vanished documents."""
    destination.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=destination.parent))
    written: list[Path] = []
    try:
        planned: list[tuple[Path, Path]] = []
        for result in results:
            for fmt, content in result.files.items():
                staged = staging / output_name(result.doc_id, fmt)
                staged.write_bytes(content)
                planned.append((staged, destination / staged.name))
        for staged, final in planned:
            os.replace(staged, final)
            written.append(final)
        produced = {p.name for p in written}
        for old in destination.iterdir():
            if old.suffix.lstrip(".") in formats and old.name not in produced:
                old.unlink()
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written

"""Build a package from its folder to its files in the output folder: the whole pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Findings, strict_failure
from ..formats import FORMATS
from ..project.package import load_package
from ..writers.libreoffice_head_start import HeadStart
from .cache import manifest_file, reuse_outputs, source_key
from .leftovers import remove_leftovers
from .outputs import output_name, write_outputs
from .package_builder import PackageBuilder, Progress
from .scheduler import Share


@dataclass
class PackageResult:
    package_id: str
    written: list[Path] = field(default_factory=list)
    findings: Findings = field(default_factory=Findings)
    unchanged: list[Path] = field(default_factory=list)  # kept: the sources did not change


def build_package(
    package_dir: Path,
    output_root: Path,
    formats: tuple[str, ...] = FORMATS,
    progress: Progress | None = None,
    strict: bool = False,
    use_cache: bool = True,
    share: Share | None = None,
    head_start: HeadStart | None = None,
) -> PackageResult:
    """Build every document of a package; with ``strict`` a warning stops the build before
    anything is written. If the sources are unchanged since the last build into the same
    folder (``build.cache``), nothing is rebuilt and that build's warnings are repeated.
    ``head_start``: a LibreOffice the caller started for the DOCX page numbers; the caller
    closes it (it is closed already if the build used it)."""
    package = load_package(package_dir)
    destination = output_root / package.id
    key = source_key(package, formats)
    cached = reuse_outputs(destination, key) if use_cache else None
    if cached is not None:
        remove_leftovers(destination)
        _refuse_warnings(cached.findings, strict)
        return PackageResult(package.id, [], cached.findings, unchanged=cached.files)
    builder = PackageBuilder(package, formats, progress, share, head_start)
    results = builder.build()
    _refuse_warnings(builder.findings, strict)
    files = {output_name(r.doc_id, fmt): data for r in results for fmt, data in r.files.items()}
    record = manifest_file(key, files, builder.findings)
    written = write_outputs(results, destination, formats, extra=record)
    return PackageResult(package.id, written, builder.findings)


def _refuse_warnings(findings: Findings, strict: bool) -> None:
    failure = strict_failure(findings) if strict else None
    if failure is not None:
        raise failure

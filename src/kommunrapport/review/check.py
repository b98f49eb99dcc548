"""Run every validation of a build without writing anything: ``kommunrapport check``.

The whole pipeline runs in memory (configuration, templates, data checks, literal amounts, alt
texts, template leftovers …). A stop (:class:`KommunrapportError`) is recorded and, where the
package can be loaded, the other documents are still checked so one run shows as many problems
as possible. Warnings arrive as :class:`Finding` s through the builder's ``Findings``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..build.package_builder import PackageBuilder
from ..build.package_checks import PACKAGE_CHECKS
from ..errors import Finding, Findings, KommunrapportError, Severity, internal_error
from ..formats import FORMATS
from ..project.package import load_package
from ..project.source_files import last_read

STOP_CODE = "build-error"


@dataclass
class CheckResult:
    """What a check of one package found: stops, and findings (warnings or errors)."""

    package_id: str
    findings: Findings = field(default_factory=Findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    def failed(self, strict: bool = False) -> bool:
        return bool(self.errors) or (strict and bool(self.warnings))


def error_finding(error: KommunrapportError) -> Finding:
    """A stop as a finding, so all results can be listed and formatted the same way."""
    return Finding(STOP_CODE, error.message, error.location, Severity.ERROR, error.hint)


def check_package(
    package_dir: Path, formats: tuple[str, ...] = FORMATS, root: Path | None = None
) -> CheckResult:
    """Build every document of the package in memory and collect what the build reports. An
    unexpected error (a bug) is reported as "internt fel" for this package alone."""
    try:
        return _check_package(package_dir, formats, root)
    except Exception as error:
        result = CheckResult(package_dir.name)
        failure = internal_error(error, package_dir.name, last_read(package_dir))
        result.findings.add(error_finding(failure))
        return result


def _check_package(package_dir: Path, formats: tuple[str, ...], root: Path | None) -> CheckResult:
    result = CheckResult(package_dir.name)
    try:
        package = load_package(package_dir, root)
        builder = PackageBuilder(package, formats)
    except KommunrapportError as error:
        result.findings.add(error_finding(error))
        return result
    try:
        builder.build()
    except KommunrapportError as first:
        result.findings.add(error_finding(first))
        # The build stops at the first problem; check each document on its own to find more.
        for index, doc in enumerate(package.config.documents):
            try:
                builder.build_document(index, doc)
            except KommunrapportError as error:
                result.findings.add(error_finding(error))
        # Package-wide checks that build() runs after the documents, so that their findings
        # are not lost when a document stopped the build.
        for check in PACKAGE_CHECKS:
            try:
                check(builder.shared)
            except KommunrapportError as error:
                result.findings.add(error_finding(error))
    stops = [f for f in result.findings if f.code == STOP_CODE]
    result.findings = Findings()
    for finding in [*stops, *builder.findings]:
        result.findings.add(finding)
    return result

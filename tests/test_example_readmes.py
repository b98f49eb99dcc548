"""The example packages' READMEs stand on their own and say what the build's warnings are.

A report writer has the toolkit's README, docs/ and the example packages, not the project's
research notes or tests: a README may not send the reader there. Each README says how many
warnings its first build prints and explains every one of them (the original report's own
errors, reproduced on purpose) in its section "Fel i originalet".
"""

from __future__ import annotations

import re

import pytest

from kommunrapport.project.package import discover_packages

from .conftest import CONTENT

EXAMPLES = [p.name for p in discover_packages(CONTENT)]
# Places a report writer does not have: the project's shared notes and the toolkit's tests.
FOREIGN = re.compile(r"shared/|reference-reports|research/|tests/|test_[a-z0-9_]+\.py|src/")
WARNING_COUNT = re.compile(r"Bygget\s+skriver\s+\*\*(\d+)\s+varningar\*\*")


def readme(package_id: str) -> str:
    return (CONTENT / package_id / "README.md").read_text(encoding="utf-8")


def errors_section(text: str) -> str:
    """The section "## Fel i originalet …" up to the next section of the same level."""
    match = re.search(r"^## Fel i originalet.*?$(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, "README saknar avsnittet '## Fel i originalet'"
    return match.group(1)


@pytest.mark.parametrize("package_id", EXAMPLES)
def test_readme_points_only_to_what_a_report_writer_has(package_id: str) -> None:
    found = sorted({m.group(0) for m in FOREIGN.finditer(readme(package_id))})
    assert found == []


def test_foreign_pointers_are_recognised() -> None:
    text = "se `shared/research/seed.md` och tests/test_package_x.py"
    assert {m.group(0) for m in FOREIGN.finditer(text)} >= {"shared/", "tests/"}
    assert not FOREIGN.search("se docs/data-format.md, avsnitt 4, och data/mal.xlsx")


@pytest.mark.parametrize("package_id", EXAMPLES)
def test_readme_states_and_explains_every_warning_of_the_build(
    built_results, package_id: str
) -> None:
    text = readme(package_id)
    stated = WARNING_COUNT.search(text)
    assert stated, "README säger inte hur många varningar bygget skriver"
    findings = list(built_results(package_id).findings)
    assert int(stated.group(1)) == len(findings)
    section = errors_section(text)
    unexplained = []
    for finding in findings:
        where = finding.location
        place = where.cell or where.field or ""
        place = re.sub(r"^kontroller\.", "", place)
        code_named = f"`{finding.code}`" in section or f"[{finding.code}]" in section
        if not code_named or (place and place not in section):
            unexplained.append(str(finding))
    assert unexplained == []

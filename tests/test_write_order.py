"""A document whose charts are still to be drawn is written after the next one that is ready
(``package_builder._next_to_write``), so that LibreOffice or Typst has that one to work on
meanwhile; files and findings come in the order of report.yaml all the same."""

from __future__ import annotations

from kommunrapport.build.document_builder import DocumentBuilder
from kommunrapport.build.pipeline import build_package
from kommunrapport.errors import Finding, Findings, Location

from .hardening_support import CHARTS_YAML
from .small_packages import write_small_package

APPENDIX = """\
  - id: bilaga
    typ: rapport
    titel: Personalbilaga
    bilaga: 2
    disposition:
      - {rubrik: Personal, fil: rapport/personal.md}
"""


def test_a_document_with_charts_to_draw_waits_but_is_reported_in_order(tmp_path, monkeypatch):
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", str(tmp_path / "cache"))
    package = write_small_package(
        tmp_path / "repo",
        section="{{ diagram('drift_stapel') }}\n\n[Läs mer](javascript:alert(1))\n",
        files={"rapport/personal.md": "[Läs mer](javascript:alert(2))\n"},
    )
    (package / "diagram.yaml").write_text(CHARTS_YAML, encoding="utf-8")
    with (package / "report.yaml").open("a", encoding="utf-8") as report:
        report.write(APPENDIX)
    written: list[str] = []
    writers = DocumentBuilder.writers

    def recorded(self, doc, registry, ast):
        written.append(doc.id)
        return writers(self, doc, registry, ast)

    monkeypatch.setattr(DocumentBuilder, "writers", recorded)

    def build() -> tuple[list[str], list[str]]:
        written.clear()
        result = build_package(package, tmp_path / "ut", formats=("html",), use_cache=False)
        links = [f.message for f in result.findings if f.code == "unsafe-link"]
        return [path.name for path in result.written], links

    first_files, first_links = build()
    assert written == ["tjansteskrivelse", "bilaga", "rapport"]  # the chart was drawn last
    assert first_files == ["tjansteskrivelse.html", "rapport.html", "bilaga.html"]
    assert len(first_links) == 2 and "alert(1)" in first_links[0], first_links  # report order
    # the next build finds the chart drawn (cached): report order, the same report
    assert build() == (first_files, first_links)
    assert written == ["tjansteskrivelse", "rapport", "bilaga"]


def test_findings_are_put_in_the_order_of_their_documents():
    findings = Findings()

    def warn(name: str) -> None:
        findings.add(Finding(name, name, Location()))

    warn("paketet")
    with findings.in_document(2):
        warn("tredje")
    with findings.in_document(0):
        warn("första")
        with findings.in_document(1):
            warn("andra")
        warn("första igen")
    warn("paketet igen")
    findings.in_report_order()
    assert [f.code for f in findings] == [
        "paketet",
        "paketet igen",
        "första",
        "första igen",
        "andra",
        "tredje",
    ]

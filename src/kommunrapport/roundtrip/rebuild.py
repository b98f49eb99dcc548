"""A package's DOCX documents built in memory from the current sources, with the provenance of
every section's text (nothing is written)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..build.package_builder import PackageBuilder
from ..document.anchors import anchor_source_hash, source_hash
from ..document.blocks import BlockRegistry
from ..project.package import Package, load_package
from ..text.outline import SectionRenderer, document_outline
from .docx_reader import DocxContent, read_docx
from .provenance import provenance_environment, split
from .source_map import ProvenanceIndex, SectionMarkdown


@dataclass
class RebuiltSection:
    source: str | None  # the section file as the user sees it (None: a block without one)
    title: str
    markdown: SectionMarkdown


@dataclass
class RebuiltDocument:
    doc_id: str
    title: str
    content: DocxContent
    sections: list[RebuiltSection] = field(default_factory=list)

    def section_for(self, anchor: str) -> RebuiltSection | None:
        """The section an anchor's paragraph comes from (its name holds the file's hash)."""
        wanted = anchor_source_hash(anchor)
        for section in self.sections:
            if section.source and source_hash(section.source) == wanted:
                return section
        return None

    def restart(self) -> None:
        for section in self.sections:
            section.markdown.cursor = 0


@dataclass
class RebuiltPackage:
    package: Package
    builder: PackageBuilder
    documents: list[RebuiltDocument]
    index: ProvenanceIndex


def rebuild(package_dir: Path) -> RebuiltPackage:
    """Every document's DOCX as a build makes it now, and its sections with provenance."""
    package = load_package(package_dir)
    builder = PackageBuilder(package, ("docx",))
    results = builder.build()
    environment, recorder = provenance_environment(builder.shared.env)
    documents = []
    index = ProvenanceIndex(recorder.chunks, recorder.expressions, recorder.sources, package.dir)
    for number, (doc, result) in enumerate(zip(package.config.documents, results, strict=True)):
        content = read_docx(result.files["docx"], f"{doc.id}.docx")
        document = RebuiltDocument(doc.id, result.title, content)
        context = builder.source.context(doc, BlockRegistry())
        renderer = SectionRenderer(
            package, environment, context, ("dokument", number, "disposition")
        )
        memo = doc.kind == "tjänsteskrivelse"
        outline = document_outline(package, doc, number)
        for section in renderer.render(outline, base_level=2 if memo else 1):
            text, origins = split(section.body)
            index.count_uses(origins)
            document.sections.append(
                RebuiltSection(section.source, section.title, SectionMarkdown(text, origins))
            )
        documents.append(document)
    return RebuiltPackage(package, builder, documents, index)

"""``kommunrapport import-docx``: a reviewed DOCX back into the Markdown sources.

The package is built again in memory. Its DOCX and the reviewed one are compared item by
item (the hidden anchors pair paragraphs, text pairs the rest); each changed paragraph goes
back to its section file through the provenance of its characters (roundtrip/edits.py).
Whatever cannot be applied safely is listed with the reason and the place to change instead;
comments are listed with their file, line and author. Only the working tree is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import KommunrapportError, Location
from .alignment import align, attach_new_paragraphs, stale
from .comments import ImportedComment, Places, place_comments
from .docx_reader import DocParagraph, DocTable, DocxContent, Item, read_docx
from .edits import (
    LIST_MARKER,
    NotApplied,
    Outcome,
    ParagraphMapper,
    SourceEdit,
)
from .markdown_escape import escape_inline
from .rebuild import RebuiltDocument, RebuiltPackage, rebuild
from .source_map import fill_expression_gaps
from .source_writer import ChangedFile, write_edits
from .table_edits import table_changes

GENERATED = "text som verktyget skriver (omslag, innehållsförteckning, tabell- och figurtexter)"
GENERATED_HINT = "Ändra i report.yaml, tabeller.yaml eller diagram.yaml."


@dataclass
class ImportResult:
    package_id: str
    document: str
    changed: list[ChangedFile] = field(default_factory=list)
    not_applied: list[NotApplied] = field(default_factory=list)
    comments: list[ImportedComment] = field(default_factory=list)
    edits: int = 0


def pick_document(package: RebuiltPackage, reviewed: DocxContent) -> RebuiltDocument:
    """The package's document the reviewed DOCX was made from (most anchors in common)."""
    anchors = {p.anchor for p in reviewed.paragraphs if p.anchor}
    texts = {p.text for p in reviewed.paragraphs if p.text.strip()}

    def score(document: RebuiltDocument) -> tuple[int, int]:
        own = document.content.paragraphs
        return (
            len(anchors & {p.anchor for p in own if p.anchor}),
            len(texts & {p.text for p in own}),
        )

    best = max(package.documents, key=score)
    if score(best) == (0, 0):
        raise KommunrapportError(
            f"DOCX-filen hör inte till paketet {package.package.id}",
            hint="Ange paketet som DOCX-filen byggdes från.",
        )
    return best


class Importer:
    """Compares one rebuilt document with its reviewed DOCX and collects the edits."""

    def __init__(self, package: RebuiltPackage, document: RebuiltDocument, reviewed: DocxContent):
        self.package = package
        self.document = document
        self.reviewed = reviewed
        self.display = package.package.display
        self.result = ImportResult(package.package.id, document.doc_id)
        self.edits: list[SourceEdit] = []
        self.previous: DocParagraph | None = None  # the last paragraph from the sources
        self.mappers: dict[str, ParagraphMapper | None] = {}
        document.restart()
        for paragraph in document.content.paragraphs:
            if paragraph.anchor:
                self.mappers[paragraph.anchor] = self._mapper(paragraph)
        self.places = Places(self.mappers, document, package.package)

    def _mapper(self, paragraph: DocParagraph) -> ParagraphMapper | None:
        section = self.document.section_for(paragraph.anchor or "")
        origins = section.markdown.locate(paragraph.text) if section else None
        if origins is None:
            return None
        positions = fill_expression_gaps([self.package.index.position(o) for o in origins])
        return ParagraphMapper(paragraph.text, positions, self.package.index, self.display)

    # -- the walk ---------------------------------------------------------------------------
    def run(self) -> ImportResult:
        pairs = align(self.document.content.items, self.reviewed.items)
        for unit in attach_new_paragraphs(pairs):
            if isinstance(unit, tuple):
                before, after = unit
                self._item(before, after)
                if isinstance(before, DocParagraph) and before.anchor:
                    self.previous = before
            elif unit.before.listed and not unit.prefix and all(p.listed for p in unit.after):
                self._list_items(unit.before, unit.after)
                self.previous = unit.before
            else:
                self._paragraph(unit.before, unit.after)
                self.previous = unit.before
        self.result.comments = place_comments(pairs, self.places)
        return self.result

    def _paragraph(self, before: DocParagraph, after: list[DocParagraph]) -> None:
        new = "\n\n".join(p.text for p in after)
        if new == before.text:
            return
        mapper = self.mappers.get(before.anchor or "")
        if mapper is None:
            self._not_found(before.text, new)
            return
        self._take(mapper.apply(new))

    def _list_items(self, before: DocParagraph, after: list[DocParagraph]) -> None:
        """A list item and the new items the reviewer added after it: the item's own edit,
        and each new item on a line of its own with the item's marker (``- ``, ``1. ``)."""
        self._paragraph(before, after[:1])
        if len(after) == 1:
            return
        mapper = self.mappers.get(before.anchor or "")
        place = mapper.list_item_end() if mapper is not None else None
        added = "\n\n".join(p.text for p in after[1:])
        if place is None:
            self._not_found("", added)
            return
        path, offset, marker = place
        text = "".join(f"\n{marker}{escape_inline(p.text)}" for p in after[1:])
        self.edits.append(SourceEdit(path, offset, offset, text, "", added))

    def _take(self, outcome: Outcome) -> None:
        self.edits += outcome.edits
        self.result.not_applied += outcome.not_applied

    def _not_found(self, old: str, new: str) -> None:
        self.result.not_applied.append(
            NotApplied(
                "okand",
                "stycket kunde inte hittas i källan",
                Location(),
                old,
                new,
                "För in ändringen för hand.",
            )
        )

    def _item(self, before: Item | None, after: Item | None) -> None:
        if isinstance(before, DocTable) or isinstance(after, DocTable):
            self._table(before, after)
        elif isinstance(before, DocParagraph) and after is None:
            self._deleted(before)
        elif before is None and isinstance(after, DocParagraph):
            self._new(after)
        elif isinstance(before, DocParagraph) and isinstance(after, DocParagraph):
            if before.text == after.text:
                return
            if stale(before, after):
                self._stale(before, after)
            elif before.anchor:
                self._paragraph(before, [after])
            elif not before.style.startswith("TOC"):
                heading = before.heading
                self.result.not_applied.append(
                    NotApplied(
                        "rubrik" if heading else "genererad",
                        "ändrad rubrik" if heading else f"ändring i {GENERATED}",
                        self.places.heading(before) if heading else Location(),
                        before.text,
                        after.text,
                        "Ändra rubriken i avsnittets fil (rubrik:) eller i report.yaml."
                        if heading
                        else GENERATED_HINT,
                    )
                )

    def _stale(self, before: DocParagraph, after: DocParagraph) -> None:
        mapper = self.mappers.get(before.anchor or "")
        self.result.not_applied.append(
            NotApplied(
                "andrad-kalla",
                "stycket har ändrats i källan eller i data sedan DOCX-filen byggdes; "
                "granskarens text jämförs inte med den nya",
                mapper.location(0) if mapper else Location(),
                before.text,
                after.text,
                "Jämför texterna och för in granskarens ändring för hand.",
            )
        )

    def _deleted(self, before: DocParagraph) -> None:
        if not before.anchor:
            if before.text.strip() and not before.style.startswith("TOC"):
                self.result.not_applied.append(
                    NotApplied(
                        "genererad",
                        f"borttagen {GENERATED}",
                        Location(),
                        before.text,
                        "",
                        GENERATED_HINT,
                    )
                )
            return
        mapper = self.mappers.get(before.anchor)
        if mapper is None:
            self._not_found(before.text, "")
            return
        outcome = mapper.apply("")
        if outcome.not_applied:
            self.result.not_applied += outcome.not_applied
            return
        self.edits += [self._whole_lines(edit) for edit in outcome.edits]

    def _whole_lines(self, edit: SourceEdit) -> SourceEdit:
        """A deleted paragraph takes its lines (list marker included) and one blank line."""
        text = self.package.index.files[edit.file].text
        start = text.rfind("\n", 0, edit.start) + 1
        if text[start : edit.start].strip() and not LIST_MARKER.fullmatch(text[start : edit.start]):
            start = edit.start
        end = edit.end
        newline = text.find("\n", end)
        if newline >= 0 and not text[end:newline].strip():
            end = newline + 1
            if text.startswith("\n", end) and (start == 0 or text[start - 1] == "\n"):
                end += 1
        if not text[end:].strip() and start > 0:  # the last paragraph: the blank line before
            start = len(text[:start].rstrip("\n")) + 1
        return SourceEdit(edit.file, start, end, "", edit.old, "")

    def _new(self, after: DocParagraph) -> None:
        if not after.text.strip():
            return
        heading = after.heading
        self.result.not_applied.append(
            NotApplied(
                "rubrik" if heading else "nytt-stycke",
                "ny rubrik" if heading else "nytt stycke utan ett stycke från källan intill sig",
                self.places.after(self.previous),
                "",
                after.text,
                "Nya avsnitt läggs till i report.yaml (disposition) och en egen fil."
                if heading
                else "Skriv in stycket i avsnittets fil.",
            )
        )

    def _table(
        self, before: DocParagraph | DocTable | None, after: DocParagraph | DocTable | None
    ) -> None:
        if isinstance(before, DocTable) and isinstance(after, DocTable):
            where = Location()
            self.result.not_applied += table_changes(
                before, after, self.package.builder.shared.data.views, where
            )
            return
        self.result.not_applied.append(
            NotApplied(
                "tabell",
                "en tabell har lagts till eller tagits bort",
                Location(),
                getattr(before, "caption", ""),
                getattr(after, "caption", ""),
                "Tabeller placeras med {{ tabell(…) }} i avsnittets fil.",
            )
        )


def import_docx(package_dir: Path, reviewed_path: Path) -> ImportResult:
    """Apply the edits of ``reviewed_path`` to the package's sources in the working tree."""
    try:
        data = reviewed_path.read_bytes()
    except OSError:
        raise KommunrapportError(
            f"kan inte läsa {reviewed_path}", hint="Kontrollera sökvägen till DOCX-filen."
        ) from None
    reviewed = read_docx(data, reviewed_path.name)
    package = rebuild(package_dir)
    document = pick_document(package, reviewed)
    importer = Importer(package, document, reviewed)
    result = importer.run()
    changed, overlapping = write_edits(importer.edits, package.index, package.package.display)
    result.changed = changed
    result.not_applied += overlapping
    result.edits = len(importer.edits) - len(overlapping)
    return result

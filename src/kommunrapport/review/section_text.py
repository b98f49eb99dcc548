"""The finished text of every section, as sentences: what a reader of the report reads.

Each section's Markdown is rendered through Jinja exactly as in a build (so ``{{ år }}`` and
figures pulled from data are filled in), converted to plain text by pandoc, and split into
sentences. ``kommunrapport diff`` compares these sentences between two revisions, so a figure
changed in a workbook that a sentence quotes shows up as a changed sentence.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..build.document_source import DocumentSource
from ..build.package_context import PackageContext
from ..document.blocks import BlockRegistry
from ..errors import KommunrapportError
from ..project.package import Package, load_package
from ..text.outline import RenderedSection
from ..writers.pandoc import MARKDOWN_FORMAT, run_pandoc

SEPARATOR = "KRAVSNITTSGRANS"
# Swedish abbreviations after which a full stop does not end the sentence.
ABBREVIATIONS = {
    "bl.a", "t.ex", "m.m", "m.fl", "ca", "s.k", "dvs", "d.v.s", "inkl", "exkl", "resp", "nr",
    "kap", "jfr", "o.d", "p.g.a", "pga", "enl", "st", "kl", "milj",
    "t.o.m", "fr.o.m", "f.d", "e.d", "osv", "o.s.v", "ev", "obs", "s", "tel", "prof", "dir",
}  # fmt: skip
_BOUNDARY = re.compile(r"(?<=[.!?])[\"”»)]*\s+(?=[\"“«(]*[A-ZÅÄÖÉ0-9−–-])")
_TABLE_RULE = re.compile(r"^[\s\-=+:|]+$")


@dataclass
class SectionText:
    document: str  # the document's id
    key: str  # what identifies the section across revisions: its file, or its title
    title: str
    source: str | None
    sentences: list[str] = field(default_factory=list)


@dataclass
class PackageText:
    sections: list[SectionText] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``; abbreviations such as 't.ex.' and 'ca.' do
    not end one. What lies between two spans is the space (and closing quote) between them."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        candidate = text[start : match.start()]
        last_word = candidate.rsplit(" ", 1)[-1].rstrip('."”»)').lower()
        if last_word in ABBREVIATIONS or re.fullmatch(r"\w", last_word):
            continue
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of one paragraph; abbreviations such as 't.ex.' and 'ca.' do not end one."""
    text = " ".join(paragraph.split())
    sentences = [text[start:end].strip() for start, end in sentence_spans(text)]
    return [s for s in sentences if s]


def plain_sentences(plain: str) -> list[str]:
    """Sentences of pandoc's plain-text output: one paragraph or list item per line."""
    out: list[str] = []
    for line in plain.splitlines():
        if not line.strip() or _TABLE_RULE.match(line):
            continue
        out.extend(split_sentences(line))
    return out


def markdown_to_plain(bodies: list[str]) -> list[str]:
    """Plain text of several Markdown texts with one pandoc run."""
    if not bodies:
        return []
    joined = "".join(f"\n\n{body}\n\n{SEPARATOR}{i}\n\n" for i, body in enumerate(bodies))
    plain = run_pandoc(
        ["-f", MARKDOWN_FORMAT, "-t", "plain", "--wrap=none"], joined.encode("utf-8")
    ).decode("utf-8")
    parts = re.split(rf"^{SEPARATOR}\d+$", plain, flags=re.MULTILINE)
    if len(parts) == len(bodies) + 1:
        return parts[:-1]
    # A section broke out of its place (e.g. an unclosed code block): convert one by one.
    return [
        run_pandoc(
            ["-f", MARKDOWN_FORMAT, "-t", "plain", "--wrap=none"], body.encode("utf-8")
        ).decode("utf-8")
        for body in bodies
    ]


def _section_key(section: RenderedSection) -> str:
    return section.source or f"rubrik: {section.title}"


def rendered_sections(package: Package) -> tuple[list[tuple[str, RenderedSection]], list[str]]:
    """(document id, section) for every section of every document, and render errors."""
    out: list[tuple[str, RenderedSection]] = []
    errors: list[str] = []
    media = Path(tempfile.mkdtemp(prefix="kommunrapport-text-"))  # charts stay placeholders
    try:
        source = DocumentSource(PackageContext(package), lambda: media)
    except KommunrapportError as error:
        shutil.rmtree(media, ignore_errors=True)
        return [], [str(error)]
    for index, doc in enumerate(package.config.documents):
        try:
            context = source.context(doc, BlockRegistry())
            sections = source.render_sections(index, doc, context)
        except KommunrapportError as error:
            errors.append(f"{doc.id}: {error}")
            continue
        out.extend((doc.id, section) for section in sections)
    shutil.rmtree(media, ignore_errors=True)
    return out, errors


def package_text(package_dir: Path) -> PackageText:
    """Every section's sentences; a package that cannot be loaded gives only errors."""
    try:
        package = load_package(package_dir)
    except KommunrapportError as error:
        return PackageText(errors=[str(error)])
    sections, errors = rendered_sections(package)
    plains = markdown_to_plain([s.body for _doc, s in sections])
    result = PackageText(errors=errors)
    seen: set[tuple[str, str]] = set()
    for (doc_id, section), plain in zip(sections, plains, strict=True):
        key = _section_key(section)
        unique, counter = key, 2
        while (doc_id, unique) in seen:
            unique, counter = f"{key} ({counter})", counter + 1
        seen.add((doc_id, unique))
        result.sections.append(
            SectionText(doc_id, unique, section.title, section.source, plain_sentences(plain))
        )
    return result

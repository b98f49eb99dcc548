"""``kommunrapport diff REV --docx FIL``: the newer revision's documents with everything that
changed since REV as Word tracked changes.

Both revisions are built in memory (DOCX only; the older one from ``git archive``, as
``diff`` reads it), each document's two DOCX files are compared (roundtrip/redline.py), and
the documents that changed are written. Author and date of the changes are fixed (the
revision compared with, the document's own date), so the same revisions give the same bytes.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..build.metadata import build_timestamp
from ..build.package_builder import PackageBuilder
from ..errors import KommunrapportError
from ..project.config import ReportConfig
from ..project.package import load_package
from ..project.paths import discover_packages
from ..review.git_revisions import GitRepository
from .ooxml_revisions import Revisions
from .redline import redline

WORDS = {
    "mening": ("ändrad mening", "ändrade meningar"),
    "cell": ("ändrad cell", "ändrade celler"),
    "stycke": ("nytt eller borttaget stycke", "nya eller borttagna stycken"),
    "rad": ("ny eller borttagen tabellrad", "nya eller borttagna tabellrader"),
    "tabell": ("ny eller borttagen tabell", "nya eller borttagna tabeller"),
}


@dataclass
class RedlineFile:
    package_id: str
    document: str
    path: Path
    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        parts = [
            f"{n} {WORDS[key][0] if n == 1 else WORDS[key][1]}"
            for key, n in sorted(self.counts.items())
            if n
        ]
        return ", ".join(parts) if parts else "inga ändringar"


def _build(package_dir: Path, label: str) -> tuple[dict[str, bytes], ReportConfig]:
    """Each document's DOCX of one revision of a package, and the package's config."""
    package = load_package(package_dir)
    try:
        results = PackageBuilder(package, ("docx",)).build()
    except KommunrapportError as error:
        raise KommunrapportError(
            f"{package.id} kan inte byggas i {label}: {error.message}",
            error.location,
            error.hint,
        ) from None
    return {r.doc_id: r.files["docx"] for r in results}, package.config


def _target(
    base: Path, package_id: str, doc_id: str, several_packages: bool, several: bool
) -> Path:
    if not several:
        return base
    suffix = f"-{package_id}-{doc_id}" if several_packages else f"-{doc_id}"
    return base.with_name(f"{base.stem}{suffix}{base.suffix or '.docx'}")


def _write(path: Path, data: bytes) -> None:
    """Written in place at once: a half-written file never takes the name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".kommunrapport-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def redline_revisions(
    root: Path,
    old_rev: str,
    new_rev: str | None,
    target: Path,
    names: Iterable[str] = (),
    documents: Iterable[str] = (),
) -> list[RedlineFile]:
    """Write the tracked-changes DOCX of every selected document that changed."""
    repo = GitRepository.containing(root)
    old_commit = repo.resolve(old_rev)
    new_commit = repo.resolve(new_rev) if new_rev else None
    wanted_documents = set(documents)
    with tempfile.TemporaryDirectory(prefix="kommunrapport-redline-") as tmp:
        old_root = repo.extract(old_commit, Path(tmp) / "fore")
        new_root = repo.extract(new_commit, Path(tmp) / "efter") if new_commit else root
        old_packages = {p.name: p for p in discover_packages(old_root / "content")}
        new_packages = {p.name: p for p in discover_packages(new_root / "content")}
        selected = [Path(n).name for n in names] or sorted(set(old_packages) & set(new_packages))
        pending: list[tuple[str, str, bytes, Revisions]] = []
        for package_id in selected:
            if package_id not in old_packages or package_id not in new_packages:
                raise KommunrapportError(
                    f"paketet {package_id!r} finns inte i båda revisionerna",
                    hint="Spårade ändringar kan bara visas för ett paket som finns i båda.",
                )
            old_docs, _old_config = _build(old_packages[package_id], old_rev)
            new_docs, config = _build(new_packages[package_id], new_rev or "arbetskopian")
            stamp = build_timestamp(config.stamp_date)
            unknown = wanted_documents - set(new_docs)
            if unknown and len(selected) == 1:
                raise KommunrapportError(
                    f"dokumentet {sorted(unknown)[0]!r} finns inte i {package_id}",
                    hint=f"Dokumenten heter: {', '.join(new_docs)}.",
                )
            for doc_id, new_docx in new_docs.items():
                if wanted_documents and doc_id not in wanted_documents:
                    continue
                if doc_id not in old_docs:
                    continue
                revisions = Revisions(
                    f"Ändrat sedan {old_rev}", stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
                )
                data = redline(old_docs[doc_id], new_docx, revisions, stamp)
                if revisions.counts or wanted_documents:
                    pending.append((package_id, doc_id, data, revisions))
    several_packages = len({p for p, _d, _x, _r in pending}) > 1
    written = []
    for package_id, doc_id, data, revisions in pending:
        path = _target(target, package_id, doc_id, several_packages, len(pending) > 1)
        _write(path, data)
        written.append(RedlineFile(package_id, doc_id, path, dict(revisions.counts)))
    return written

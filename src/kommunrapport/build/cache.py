"""Skip a package's build when none of its sources changed since the last build.

The key is a hash of everything the outputs are made from: every file in the package folder
(sections, report.yaml, data/), every file in the template folders it uses, the toolkit's
version and source code, the versions of the programs that write the files (pandoc,
Typst …), the requested formats and ``SOURCE_DATE_EPOCH``. After a build the output folder
gets a manifest with the key, a hash of every file written, and the build's warnings. The next
build with the same key finds the files intact, repeats the warnings and writes nothing.

A manifest that does not match (another key, a file changed or removed by hand, an unreadable
manifest) simply means: build again.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

from ..errors import Finding, Findings, KommunrapportError, Location, Severity
from ..project.code_digest import hash_tree, toolkit_code_digest, toolkit_tree_digest
from ..project.paths import builtin_templates_dir, repository_root_for, template_dirs_for
from ..project.tool_versions import installed_version
from .leftovers import remove_leftovers

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (an unchanged rebuild)
if TYPE_CHECKING:
    from ..project.package import Package

MANIFEST_NAME = ".kommunrapport-bygge.json"
CACHE_VERSION = "1"
# Programs and libraries whose version changes the bytes we write.
TOOL_DISTRIBUTIONS = (
    "kommunrapport",
    "pypandoc-binary",
    "typst",
    "python-docx",
    "nh3",
    "jinja2",
    "babel",
    "matplotlib",
    "openpyxl",
)


@dataclass
class CachedBuild:
    """What the last build wrote, when it is still valid."""

    files: list[Path]
    findings: Findings = field(default_factory=Findings)


@cache
def toolkit_fingerprint() -> str:
    """The toolkit's own code and the versions of the libraries that write the outputs."""
    digest = hashlib.sha256(f"kommunrapport-cache-{CACHE_VERSION}".encode())
    for name in TOOL_DISTRIBUTIONS:
        digest.update(f"\0{name}={installed_version(name)}".encode())
    digest.update(f"\0code\0{toolkit_code_digest()}".encode())  # the whole package
    return digest.hexdigest()


def source_key(package: Package, formats: Iterable[str]) -> str:
    """The hash of everything a build of ``package`` in ``formats`` depends on."""
    return source_key_for(package.dir, package.template_dirs, formats)


def source_key_for(package_dir: Path, template_dirs: list[Path], formats: Iterable[str]) -> str:
    """The same key from paths alone: computable without reading report.yaml."""
    digest = hashlib.sha256(toolkit_fingerprint().encode())
    digest.update(f"\0formats={','.join(sorted(formats))}".encode())
    digest.update(f"\0SOURCE_DATE_EPOCH={os.environ.get('SOURCE_DATE_EPOCH', '')}".encode())
    hash_tree(digest, "package", package_dir)
    builtin = builtin_templates_dir().resolve()
    for index, folder in enumerate(template_dirs):
        if folder.resolve() == builtin:  # the toolkit's own: remembered between builds
            digest.update(f"\0tree\0templates-{index}\0".encode())
            digest.update(toolkit_tree_digest("templates", folder))
        else:
            hash_tree(digest, f"templates-{index}", folder)
    return digest.hexdigest()


def docx_sources_digest(package_dir: Path) -> str | None:
    """The key of a DOCX build of the package (what its DOCX files are made from), None
    when the package's templates cannot be found (the build itself reports that)."""
    package_dir = package_dir.resolve()
    try:
        dirs = template_dirs_for(package_dir, repository_root_for(package_dir))
        return source_key_for(package_dir, dirs, ("docx",))
    except (KommunrapportError, OSError):
        return None


def unchanged_build(
    package_dir: Path, output_root: Path, formats: Iterable[str]
) -> CachedBuild | None:
    """The previous outputs of a package if nothing it depends on has changed; a quick check
    that imports nothing of the pipeline, so an unchanged rebuild costs only the hashing."""
    package_dir = package_dir.resolve()
    remove_leftovers(output_root / package_dir.name)
    try:
        dirs = template_dirs_for(package_dir, repository_root_for(package_dir))
        key = source_key_for(package_dir, dirs, formats)
    except (KommunrapportError, OSError):
        return None  # the build itself reports what is wrong
    return reuse_outputs(output_root / package_dir.name, key)


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _finding_to_json(finding: Finding) -> dict[str, object]:
    return {
        "code": finding.code,
        "message": finding.message,
        "location": asdict(finding.location),
        "severity": finding.severity.value,
        "hint": finding.hint,
    }


def _finding_from_json(data: dict[str, object]) -> Finding:
    location = data.get("location") or {}
    assert isinstance(location, dict)
    return Finding(
        str(data["code"]),
        str(data["message"]),
        Location(**location),
        Severity(str(data.get("severity", "warning"))),
        data.get("hint") if isinstance(data.get("hint"), str) else None,  # type: ignore[arg-type]
    )


def reuse_outputs(destination: Path, key: str) -> CachedBuild | None:
    """The last build's files if its key is ``key`` and every file is unchanged, else None."""
    try:
        manifest = json.loads((destination / MANIFEST_NAME).read_text(encoding="utf-8"))
        if manifest.get("key") != key:
            return None
        files: list[Path] = []
        for name, expected in manifest["files"]:
            path = destination / name
            if not path.is_file() or _file_hash(path) != expected:
                return None
            files.append(path)
        findings = Findings()
        for item in manifest.get("findings", []):
            findings.add(_finding_from_json(item))
    except (OSError, ValueError, KeyError, TypeError, AssertionError):
        return None
    return CachedBuild(files, findings)


def manifest_file(key: str, files: dict[str, bytes], findings: Findings) -> dict[str, bytes]:
    """The manifest of a build as a file to put in the output folder together with the
    files it describes ({name: content}), so that record and files switch as one."""
    manifest = {
        "key": key,
        "files": [[name, hashlib.sha256(data).hexdigest()] for name, data in files.items()],
        "findings": [_finding_to_json(f) for f in findings],
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=1)
    return {MANIFEST_NAME: text.encode("utf-8")}


def record_build(destination: Path, key: str, written: list[Path], findings: Findings) -> None:
    """Write the manifest for a finished build (atomically: a reader sees old or new)."""
    manifest = {
        "key": key,
        "files": [[path.name, _file_hash(path)] for path in written],
        "findings": [_finding_to_json(f) for f in findings],
    }
    import tempfile

    handle, temporary = tempfile.mkstemp(prefix=".manifest-", dir=destination)
    try:
        os.chmod(temporary, 0o644)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(manifest, stream, ensure_ascii=False, indent=1)
        os.replace(temporary, destination / MANIFEST_NAME)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def forget_build(destination: Path) -> None:
    """Remove the manifest, e.g. before outputs are replaced."""
    (destination / MANIFEST_NAME).unlink(missing_ok=True)

"""A report package on disk: its folder, its configuration and where its templates come from."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..errors import KommunrapportError, Location
from .config import ReportConfig, field_path, load_config
from .paths import (  # noqa: F401  (re-exported: the place most callers look)
    CONFIG_NAME,
    builtin_templates_dir,
    discover_packages,
    display_path,
    locate_package,
    repository_root_for,
    template_dirs_for,
)
from .source_files import SourceFiles, TemplateFolders, real_path
from .yaml_lines import LinedYaml


@dataclass
class Package:
    """One report package: ``content/<id>/`` with ``report.yaml``, sections and data."""

    dir: Path
    root: Path
    config: ReportConfig
    config_source: LinedYaml
    config_display: str

    @property
    def id(self) -> str:
        return self.dir.name

    @cached_property
    def template_dirs(self) -> list[Path]:
        """Template folders, most specific first: the package's, the repository's, built-in."""
        return template_dirs_for(self.dir, self.root)

    @cached_property
    def files(self) -> SourceFiles:
        """The one way to read the package's files (and its template folders')."""
        return SourceFiles.for_package(self.dir, self.root, self.template_dirs)

    @cached_property
    def templates(self) -> TemplateFolders:
        return TemplateFolders(tuple(self.template_dirs), self.files)

    def refuse_code_templates(self) -> None:
        """A package (and its report repository) may not supply Typst templates
        (``templates/typst/*.typ``): a Typst file is a program, run when the PDF is written, and
        a package is data. The PDF uses the toolkit's template; the kommun's look comes from
        the reference document."""
        builtin = real_path(builtin_templates_dir())
        for folder in self.template_dirs:
            if folder == builtin:
                continue
            for found in sorted(_typst_files(folder / TYPST_FOLDER)):
                if self._is_builtin_copy(found, folder, builtin):
                    continue
                shown = self.display(found)
                raise KommunrapportError(
                    "en egen Typst-mall (.typ) får inte ligga i ett paket eller i "
                    "rapportförrådets templates/",
                    Location(shown),
                    f"Ta bort {shown}. PDF:en sätts med verktygets mall; kommunens typsnitt, "
                    "färger, marginaler, sidhuvud och sidfot hämtas från templates/reference.docx. "
                    "En Typst-mall är ett program, och ett paket får bara innehålla data.",
                )

    def _is_builtin_copy(self, found: Path, folder: Path, builtin: Path) -> bool:
        return is_builtin_copy(self.files, found, found.relative_to(folder), builtin)

    def find_template(self, name: str, location: Location | None = None) -> Path | None:
        return self.templates.find(name, location)

    def config_location(self, *path: str | int) -> Location:
        """The place in report.yaml of a field, e.g. ``('dokument', 1, 'titel')``."""
        return Location(
            self.config_display,
            line=self.config_source.line_of(path),
            field=field_path(path) or None,
        )

    def display(self, path: Path) -> str:
        """A path as the user should see it: relative to the report repository (a link by
        its own name, never by where it points)."""
        return self.files.display(path)

    def resolve_inside(self, relative: str, location: Location) -> Path:
        """A path written in the sources, inside the package folder (after every link); the
        path as written (not its target), so messages show the package's own name for it."""
        base = Path(os.path.normpath(os.path.abspath(self.dir)))
        candidate = Path(os.path.normpath(base / relative))
        if not candidate.is_relative_to(base) or not self.files.may_read(candidate):
            raise KommunrapportError(
                f"sökvägen {relative!r} pekar utanför paketets mapp",
                location,
                f"Lägg filen i {self.display(self.dir)} och peka på den med en relativ sökväg.",
            )
        return candidate


TYPST_FOLDER = "typst"


def _typst_files(folder: Path) -> list[Path]:
    """Every ``*.typ`` under ``folder`` (links are listed, never followed)."""
    found = []
    for current, dirs, files in os.walk(folder):
        found += [Path(current) / name for name in (*dirs, *files) if name.lower().endswith(".typ")]
    return found


def load_package(package_dir: Path, root: Path | None = None) -> Package:
    package_dir = package_dir.resolve()
    root = (root or repository_root_for(package_dir)).resolve()
    if not (package_dir / CONFIG_NAME).is_file():
        raise KommunrapportError(
            f"ingen {CONFIG_NAME} i paketet",
            Location(str(package_dir)),
            "Ett rapportpaket är en mapp under content/ med en report.yaml.",
        )
    files = SourceFiles.for_package(package_dir, root, template_dirs_for(package_dir, root))
    config, raw, display = load_config(package_dir, root, files)
    return Package(package_dir, root, config, raw, display)


def is_builtin_copy(
    files: SourceFiles, found: Path, relative: Path | str, builtin: Path | None = None
) -> bool:
    """``found`` has the bytes of the toolkit's own template at ``relative``: it is the
    toolkit's, not the package's. The toolkit's source checkout is itself a report repository
    whose templates/ is what the wheel ships, so after ``pip install .`` (the README's first
    command) its templates are copies of the installed ones."""
    shipped = (builtin or real_path(builtin_templates_dir())) / relative
    if found.is_symlink() or not shipped.is_file():
        return False
    try:
        return files.read_bytes(found) == shipped.read_bytes()
    except (KommunrapportError, OSError):
        return False

"""A report package on disk: its folder, its configuration and where its templates come from."""

from __future__ import annotations

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

    def find_template(self, name: str) -> Path | None:
        for folder in self.template_dirs:
            candidate = folder / name
            if candidate.is_file():
                return candidate
        return None

    def config_location(self, *path: str | int) -> Location:
        """The place in report.yaml of a field, e.g. ``('dokument', 1, 'titel')``."""
        return Location(
            self.config_display,
            line=self.config_source.line_of(path),
            field=field_path(path) or None,
        )

    def display(self, path: Path) -> str:
        """A path as the user should see it: relative to the report repository."""
        return display_path(path, self.root)

    def resolve_inside(self, relative: str, location: Location) -> Path:
        """Resolve a path written in the sources; it may not leave the package folder."""
        candidate = (self.dir / relative).resolve()
        base = self.dir.resolve()
        if candidate != base and base not in candidate.parents:
            raise KommunrapportError(
                f"sökvägen {relative!r} pekar utanför paketets mapp",
                location,
                f"Lägg filen i {self.display(self.dir)} och peka på den med en relativ sökväg.",
            )
        return candidate


def load_package(package_dir: Path, root: Path | None = None) -> Package:
    package_dir = package_dir.resolve()
    root = (root or repository_root_for(package_dir)).resolve()
    if not (package_dir / CONFIG_NAME).is_file():
        raise KommunrapportError(
            f"ingen {CONFIG_NAME} i paketet",
            Location(str(package_dir)),
            "Ett rapportpaket är en mapp under content/ med en report.yaml.",
        )
    config, raw, display = load_config(package_dir, root)
    return Package(package_dir, root, config, raw, display)

"""A report package on disk: its folder, its configuration and where its templates come from."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

from .config import ReportConfig, field_path, load_config
from .errors import KommunrapportError, Location
from .yaml_lines import LinedYaml

CONFIG_NAME = "report.yaml"


def builtin_templates_dir() -> Path:
    """The templates shipped with the toolkit (inside the wheel, or the source checkout's)."""
    shipped = Path(str(resources.files("kommunrapport"))) / "templates"
    if shipped.is_dir():
        return shipped
    return Path(__file__).resolve().parents[2] / "templates"


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
        candidates = [self.dir / "templates", self.root / "templates", builtin_templates_dir()]
        unique: list[Path] = []
        for candidate in candidates:
            resolved = candidate.resolve()
            if resolved.is_dir() and resolved not in unique:
                unique.append(resolved)
        return unique

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
        try:
            return str(path.resolve().relative_to(self.root.resolve()))
        except ValueError:
            return str(path)

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


def repository_root_for(package_dir: Path) -> Path:
    """The report repository: the folder that holds ``content/``."""
    package_dir = package_dir.resolve()
    if package_dir.parent.name == "content":
        return package_dir.parent.parent
    return package_dir.parent


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


def discover_packages(content_dir: Path) -> list[Path]:
    """Every package folder under ``content/``, in name order."""
    if not content_dir.is_dir():
        return []
    return sorted(p for p in content_dir.iterdir() if (p / CONFIG_NAME).is_file())


def locate_package(name: str, root: Path) -> Path:
    """A package named on the command line: an id under ``content/`` or a folder path."""
    direct = Path(name)
    if (direct / CONFIG_NAME).is_file():
        return direct.resolve()
    under_content = root / "content" / name
    if (under_content / CONFIG_NAME).is_file():
        return under_content.resolve()
    known = ", ".join(p.name for p in discover_packages(root / "content")) or "inga"
    raise KommunrapportError(
        f"hittar inget rapportpaket {name!r}",
        None,
        f"Ange ett paket-id under content/ (finns: {known}) eller en mapp med report.yaml.",
    )

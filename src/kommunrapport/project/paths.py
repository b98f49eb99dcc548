"""Where packages and templates are on disk, without reading any configuration.

Kept apart from ``package.py`` (which validates report.yaml) so that the command line can find
packages and check the build cache without importing the whole pipeline.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..errors import KommunrapportError

CONFIG_NAME = "report.yaml"


def display_path(path: Path, root: Path) -> str:
    """A path as the user should see it in a message: relative to the report repository (or
    the folder the command works in), else as it was given."""
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def builtin_templates_dir() -> Path:
    """The templates shipped with the toolkit (inside the wheel, or the source checkout's)."""
    shipped = Path(str(resources.files("kommunrapport"))) / "templates"
    if shipped.is_dir():
        return shipped
    return Path(__file__).resolve().parents[3] / "templates"


def template_dirs_for(package_dir: Path, root: Path) -> list[Path]:
    """Template folders, most specific first: the package's, the repository's, built-in."""
    candidates = [package_dir / "templates", root / "templates", builtin_templates_dir()]
    unique: list[Path] = []
    for candidate in candidates:
        resolved = candidate.resolve()
        if resolved.is_dir() and resolved not in unique:
            unique.append(resolved)
    return unique


def repository_root_for(package_dir: Path) -> Path:
    """The report repository: the folder that holds ``content/``."""
    package_dir = package_dir.resolve()
    if package_dir.parent.name == "content":
        return package_dir.parent.parent
    return package_dir.parent


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

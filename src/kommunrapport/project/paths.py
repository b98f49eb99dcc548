"""Where packages and templates are on disk, without reading any configuration.

Kept apart from ``package.py`` (which validates report.yaml) so that the command line can find
packages and check the build cache without importing the whole pipeline.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import KommunrapportError, Location

CONFIG_NAME = "report.yaml"


def display_path(path: Path, root: Path, follow_links: bool = True) -> str:
    """A path as the user should see it in a message: relative to the report repository (or
    the folder the command works in), else as it was given. ``follow_links=False`` shows a
    link by its own name, not by where it points."""
    if not follow_links:
        absolute = Path(os.path.normpath(os.path.abspath(path)))
        base = Path(os.path.normpath(os.path.abspath(root)))
        if absolute.is_relative_to(base):
            return str(absolute.relative_to(base))
        return str(path)
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def builtin_templates_dir() -> Path:
    """The templates shipped with the toolkit (inside the wheel, or the source checkout's)."""
    # kommunrapport's own folder, as importlib.resources.files("kommunrapport") gives it
    # (that import alone costs an unchanged rebuild 4 ms)
    shipped = Path(__file__).parents[1] / "templates"
    if shipped.is_dir():
        return shipped
    return Path(__file__).resolve().parents[3] / "templates"


def template_dirs_for(package_dir: Path, root: Path) -> list[Path]:
    """Template folders, most specific first: the package's, the repository's, built-in.

    Real paths. The package's ``templates/`` must lie in the package and the repository's in the
    repository: a folder that is a link to somewhere else is an error, not a template folder."""
    candidates = [
        (package_dir / "templates", package_dir),
        (root / "templates", root),
        (builtin_templates_dir(), None),
    ]
    unique: list[Path] = []
    for candidate, owner in candidates:
        if not candidate.is_dir():
            continue
        resolved = Path(os.path.realpath(candidate))
        if owner is not None:
            home = Path(os.path.realpath(owner))
            if not resolved.is_relative_to(home):
                shown = display_path(candidate, root, follow_links=False)
                whose = "paketets" if owner is package_dir else "rapportförrådets"
                raise KommunrapportError(
                    f"mallmappen {shown} pekar utanför {whose} mapp",
                    Location(shown),
                    "Lägg mallarna i mappen i stället för att länka till en annan mapp.",
                )
        if resolved not in unique:
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

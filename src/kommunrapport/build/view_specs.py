"""The package's table and chart declarations: ``tabeller.yaml``/``diagram.yaml`` and the
``tabeller:``/``diagram:`` sections of report.yaml, validated, each with where it was declared."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import KommunrapportError, Location
from ..project.config import validate_model
from ..project.package import Package
from ..project.yaml_lines import LinedYaml, load_yaml_file

TABLES_FILE = "tabeller.yaml"
CHARTS_FILE = "diagram.yaml"


@dataclass
class SpecSource:
    """Where a spec was declared: for error messages with file, line and field."""

    raw: LinedYaml
    display: str
    prefix: tuple[str, ...]

    def location(self, name: str) -> Location:
        path = (*self.prefix, name)
        return Location(self.display, line=self.raw.line_of(path), field=".".join(path))


def load_specs(
    package: Package, file_name: str, config_key: str, model: type[Any]
) -> tuple[dict[str, Any], dict[str, SpecSource]]:
    specs: dict[str, Any] = {}
    sources: dict[str, SpecSource] = {}
    inline = getattr(package.config, {"tabeller": "tables", "diagram": "charts"}[config_key])
    if inline:
        source = SpecSource(package.config_source, package.config_display, (config_key,))
        for name, value in inline.items():
            specs[name] = validate_model(
                model, value, source.raw, source.display, (config_key, name)
            )
            sources[name] = source
    path = package.dir / file_name
    if package.files.exists(path):
        raw = load_yaml_file(path, package.display(path), package.files)
        if raw.data and not isinstance(raw.data, dict):
            raise KommunrapportError(
                f"{file_name} ska vara en samling namn: beskrivning",
                Location(package.display(path), line=1),
            )
        source = SpecSource(raw, package.display(path), ())
        for name, value in (raw.data or {}).items():
            if name in specs:
                raise KommunrapportError(
                    f"{name!r} beskrivs både i report.yaml och i {file_name}",
                    source.location(name),
                    "Behåll en av beskrivningarna.",
                )
            specs[str(name)] = validate_model(model, value, raw, source.display, (str(name),))
            sources[str(name)] = source
    return specs, sources

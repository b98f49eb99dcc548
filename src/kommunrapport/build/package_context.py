"""What every document of one package shares: labels, the sandboxed template environment, the
names templates can use, the loaded data and follow-up, titles and the reference document."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

from docx import Document
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..data.equality_checks import run_equality_checks
from ..data.status_scales import load_scales
from ..errors import Findings, KommunrapportError, Location
from ..project.labels import Labels, check_label_files, load_labels
from ..project.package import Package
from ..project.source_files import check_zip
from ..text.config_texts import render_config_texts
from ..text.context import document_facts, metadata_context
from ..text.placeholders import PlaceholderCheck
from ..text.swedish_format import NumberStyle
from ..text.template_filters import make_filters
from ..text.templating import make_environment, render_string
from .data_stage import DataContext
from .follow_up_stage import FollowUp


def reference_text_widths(reference_docx: Path) -> tuple[int, int]:
    """Text width in twips of the reference document's page, upright and turned."""
    section = Document(str(reference_docx)).sections[0]
    width, height = section.page_width, section.page_height
    left, right = section.left_margin, section.right_margin
    if width is None or height is None or left is None or right is None:
        raise KommunrapportError(
            "referensdokumentet anger inte sidans storlek och marginaler",
            Location(str(reference_docx)),
            "Ange sidstorlek och marginaler i referensdokumentets första avsnitt (Layout i Word).",
        )
    return int((width - left - right) / 635), int((height - left - right) / 635)  # EMU → twips


class PackageContext:
    """Loads a package's shared state once; each document then renders from it."""

    def __init__(self, package: Package, findings: Findings | None = None):
        package.refuse_code_templates()
        self.package = package
        self.config = package.config
        self.findings = findings if findings is not None else Findings()
        self.labels: Labels = load_labels(package.templates, self.config.language)
        check_label_files(package.templates, self.findings)
        self.number_style = NumberStyle(minus=self.config.number_format.minus)
        self.env: ImmutableSandboxedEnvironment = make_environment(
            [package.dir, *package.template_dirs],
            filters=make_filters(self.number_style, self.labels),
            files=package.files,
        )
        self.base_context = metadata_context(self.config)
        self._render_variables()
        # Text fields of report.yaml are templates; render them once, then the names again.
        self.config = render_config_texts(
            self.config,
            lambda text, path: self.render(text, self.base_context, package.config_location(*path)),
        )
        self.base_context = metadata_context(self.config)
        self._render_variables()
        self.base_context["etikett"] = dict(self.labels)
        # Status scales first: table views may print a column through a scale (skala:).
        self.scales = load_scales(
            self.config.scales, package.config_source, package.config_display, self.findings
        )
        self.data = DataContext(
            package,
            self.findings,
            self.number_style,
            lambda text, where: self.render(text, self.base_context, where),
            self.scales,
        )
        self.base_context.update(self.data.template_names())
        self.follow_up = FollowUp.load(package, self.data.reader, self.findings, self.scales)
        self.base_context.update(self.follow_up.template_names())
        run_equality_checks(
            self.config.checks.equalities,
            self.env,
            self.base_context,
            self.findings,
            lambda index: package.config_location("kontroller", "lika", index),
        )

    def render(self, text: str, context: dict[str, Any], location: Location) -> str:
        """A text from report.yaml rendered as a template (``Verksamhetsplan {{ år }}``)."""
        return render_string(self.env, text, context, location)

    def _render_variables(self) -> None:
        """``variabler:`` may use other metadata, e.g. ``Verksamhetsplan {{ år }}``."""
        for key, value in self.config.extra.items():
            if isinstance(value, str):
                location = self.package.config_location("variabler", key)
                self.base_context[key] = self.render(value, self.base_context, location)

    @cached_property
    def reference_docx(self) -> Path:
        path = self.package.find_template("reference.docx")
        if path is None:
            raise KommunrapportError("hittar inget referensdokument (templates/reference.docx)")
        check_zip(path, self.package.display(path))
        return path

    @cached_property
    def text_widths(self) -> tuple[int, int]:
        return reference_text_widths(self.reference_docx)

    @cached_property
    def titles(self) -> dict[str, tuple[str, str | None]]:
        """Each document's title and subtitle, rendered once."""
        out: dict[str, tuple[str, str | None]] = {}
        for index, doc in enumerate(self.config.documents):
            location = self.package.config_location("dokument", index, "titel")
            title = self.render(doc.title, self.base_context, location)
            subtitle = (
                self.render(doc.subtitle, self.base_context, location) if doc.subtitle else None
            )
            out[doc.id] = (title, subtitle)
        return out

    def document_list(self) -> list[dict[str, Any]]:
        return [{**document_facts(d, *self.titles[d.id])} for d in self.config.documents]

    def appendices(self) -> list[dict[str, Any]]:
        docs = [d for d in self.document_list() if d["bilaga"]]
        return sorted(docs, key=lambda d: d["bilaga"])

    @cached_property
    def placeholder_check(self) -> PlaceholderCheck:
        """Template leftovers ("Myndighet/nämnd/namn", "XX"); report.yaml is checked once."""
        check = PlaceholderCheck.for_package(self.package)
        check.check_config(self.findings)
        return check

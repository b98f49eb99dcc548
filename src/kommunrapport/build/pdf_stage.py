"""The PDFs of a package's documents, printed from their HTML pages once all are rendered."""

from __future__ import annotations

from ..writers.pdf import PdfSettings, write_pdfs_parallel
from .metadata import build_timestamp
from .outputs import DocumentResult
from .package_context import PackageContext


class PdfStage:
    """Collects each document's PDF job as its HTML is ready; ``run()`` lays them all out."""

    def __init__(self, shared: PackageContext, formats: tuple[str, ...], workers: int = 1):
        self.shared = shared
        self.formats = formats
        self.workers = workers  # PDFs laid out at the same time (the scheduler's share)
        self._jobs: list[tuple[DocumentResult, int, bytes, PdfSettings]] = []

    def add(self, result: DocumentResult, index: int) -> None:
        """The PDF job of a document (its HTML is kept only if HTML was asked for too)."""
        config = self.shared.config
        html = result.files["html"] if "html" in self.formats else result.files.pop("html")
        settings = PdfSettings(
            title=result.title,
            municipality=config.municipality,
            author=config.committee,
            subject=f"{config.committee}, {config.municipality}",
            timestamp=build_timestamp(config.stamp_date),
            page_label=self.shared.labels["sida_av"],
            template_dirs=self.shared.package.template_dirs,
            keywords=[config.case_number] if config.case_number else [],
        )
        self._jobs.append((result, index, html, settings))

    def run(self) -> None:
        """The documents' PDFs, ``workers`` at a time."""
        jobs, self._jobs = self._jobs, []
        outcomes = write_pdfs_parallel(
            [(html, settings) for _r, _i, html, settings in jobs], self.workers
        )
        for (result, index, _html, _settings), (files, problems) in zip(
            jobs, outcomes, strict=True
        ):
            result.files.update(files)
            for problem in problems:
                self.shared.findings.warn(
                    "pdf",
                    f"WeasyPrint rapporterade ett problem i PDF:en för {result.doc_id}: {problem}",
                    self.shared.package.config_location("dokument", index),
                    "Kontrollera bilderna och mallarna i dokumentet.",
                )

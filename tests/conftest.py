"""Shared fixtures: build example packages once per session, copy packages for mutation tests."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from docx import Document

from kommunrapport.builder import PackageResult, build_package

REPO = Path(__file__).resolve().parents[1]
CONTENT = REPO / "content"
KALMAR = "kalmar-ks-arsrapport-2022"


@pytest.fixture(scope="session")
def built_results(tmp_path_factory: pytest.TempPathFactory):
    """Build a package (once per session); returns the PackageResult (files and findings)."""
    cache: dict[str, PackageResult] = {}

    def _build(package_id: str) -> PackageResult:
        if package_id not in cache:
            out = tmp_path_factory.mktemp(f"out-{package_id}")
            cache[package_id] = build_package(CONTENT / package_id, out)
        return cache[package_id]

    return _build


@pytest.fixture(scope="session")
def built(built_results):
    """Build a package (once per session) and return its output folder."""

    def _build(package_id: str) -> Path:
        result = built_results(package_id)
        return (result.written or result.unchanged)[0].parent

    return _build


@pytest.fixture
def package_copy(tmp_path: Path):
    """Copy a package into a scratch report repository: (root, package_dir)."""

    def _copy(package_id: str = KALMAR) -> tuple[Path, Path]:
        root = tmp_path / "repo"
        target = root / "content" / package_id
        shutil.copytree(CONTENT / package_id, target)
        return root, target

    return _copy


def docx_paragraphs(path: Path) -> list[tuple[str, str]]:
    """(style name, text) of every body paragraph, tables excluded."""
    doc = Document(str(path))
    return [(p.style.name, p.text) for p in doc.paragraphs]


def docx_xml(path: Path, member: str = "word/document.xml") -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(member).decode("utf-8")


def html_soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")

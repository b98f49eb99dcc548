"""Helpers for the issue-11 tests: attacks and clumsy inputs against a small package.

Every test here works black-box: it writes a package, runs the command line (in the test
process, or as a subprocess under a memory cap where the input is meant to be expensive) and
looks at the exit code, the messages and the files. Nothing in it imports the pipeline, so the
tests do not care where the modules live.
"""

from __future__ import annotations

import contextlib
import html
import io
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from kommunrapport.cli import main

from .review_fixtures import PACKAGE_ID, write_package

REPO = Path(__file__).resolve().parents[1]
BUILTIN_TEMPLATES = REPO / "templates"
SECRET = "HEMLIGT-7f3a9c-kommunrapport"  # appears only in files outside the package
SECTION = "rapport/03-ekonomi.md"
MEMORY_CAP = 2 * 1024**3  # the address space a subprocess gets (its children inherit it)
SAFETY_TIMEOUT = 120  # a subprocess still running after this is a hang (and fails the test)

TABLES_YAML = """\
drift:
  blad: granskning.xlsx/Drift nämnd
  rubrik: Drift
  enhet: tkr
  kolumner:
    - kolumn: Budget
    - kolumn: Utfall
"""
CHARTS_YAML = """\
drift_stapel:
  tabell: drift
  typ: stapel
  rubrik: Drift per enhet
  alt: Stapeldiagram över budget och utfall per enhet.
  serier: [Budget, Utfall]
"""


def small_package(root: Path, package_id: str = PACKAGE_ID, tables: bool = False) -> Path:
    """The small review package under ``root/content``; with a table and a chart if asked."""
    package = write_package(root, package_id)
    if tables:
        (package / "tabeller.yaml").write_text(TABLES_YAML, encoding="utf-8")
        (package / "diagram.yaml").write_text(CHARTS_YAML, encoding="utf-8")
        append(package / SECTION, "\n{{ tabell('drift') }}\n\n{{ diagram('drift_stapel') }}\n")
    return package


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} finns inte i {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """The command line in this process. An exception out of ``main`` (a traceback for the
    user) fails the test by itself."""
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def run_cli_in_fixture(*args: str) -> tuple[int, str]:
    """The command line in this process, for a fixture wider than one test (which has no
    ``capsys``): (exit code, everything printed)."""
    stream = io.StringIO()
    with contextlib.redirect_stdout(stream), contextlib.redirect_stderr(stream):
        code = main(list(args))
    return code, stream.getvalue()


def copy_built(source: Path, target: Path, names: tuple[str, ...] = ("repo", "cache")) -> None:
    """Copy what a module-wide fixture built once (the report repository with its outputs, the
    cache folder) into a test's own folder: the same bytes as building it there, without the
    build. Builds are path-independent (test_determinism) and the build cache compares
    content hashes, not times or folders."""
    for name in names:
        if (source / name).exists():
            shutil.copytree(source / name, target / name, symlinks=True)


def _cap_memory() -> None:  # pragma: no cover - runs in the child
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run_cli_capped(root: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    """The command line as a subprocess under a memory cap; used where a regression would
    otherwise take gigabytes or minutes. The timeout is a safety net, not the assertion."""
    environment = {**os.environ, "KOMMUNRAPPORT_CACHE": "0", **(env or {})}
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "kommunrapport.cli", *args],
            cwd=root,
            capture_output=True,
            text=True,
            env=environment,
            timeout=SAFETY_TIMEOUT,
            preexec_fn=_cap_memory,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"kommunrapport {' '.join(args)} hängde sig (mer än {SAFETY_TIMEOUT} s)")
    return completed.returncode, completed.stdout + completed.stderr


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones too) by relative path."""
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def all_output_text(root: Path) -> str:
    """Every byte under ``output/`` as text (binary parts too, so a leak anywhere shows)."""
    out = root / "output"
    if not out.exists():
        return ""
    parts = []
    for path in sorted(out.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            parts.append(html.unescape(data.decode("utf-8", "replace")))
            if path.suffix == ".docx":
                import zipfile

                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    for name in archive.namelist():
                        parts.append(archive.read(name).decode("utf-8", "replace"))
    return "\n".join(parts)


def assert_no_traceback(output: str) -> None:
    assert "Traceback" not in output, output
    assert "internt fel" not in output, output


def assert_located_error(output: str, *names: str) -> None:
    """A Swedish error that names the file(s) and says what to do."""
    assert_no_traceback(output)
    assert "FEL" in output, output
    for name in names:
        assert name in output, f"{name!r} saknas i meddelandet:\n{output}"
    assert "Åtgärd:" in output, output


def workbook_bytes(rows: list[list[object]], title: str = "Drift nämnd") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def has_chattr() -> bool:
    return os.geteuid() == 0 and Path("/usr/bin/chattr").exists()

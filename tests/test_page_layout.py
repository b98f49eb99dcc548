"""The page numbers of the tables of contents come from one LibreOffice run per build.

Starting LibreOffice costs more than laying out a document, so every DOCX of a build that has a
table of contents (Kalmar: three of four) goes to one ``soffice --convert-to`` together, and
the result is cached by the document's bytes: the next build starts no LibreOffice at all.
"""

from __future__ import annotations

import os
import shlex

import pytest

from kommunrapport.build.pipeline import build_package

from .conftest import CONTENT, KALMAR
from .libreoffice_helpers import SOFFICE


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice saknas (soffice)")
def test_one_libreoffice_run_lays_out_every_document_of_a_build(built, tmp_path, monkeypatch):
    assert SOFFICE is not None
    log = tmp_path / "soffice.log"
    wrapper = tmp_path / "bin" / "soffice"
    wrapper.parent.mkdir()
    wrapper.write_text(
        f'#!/bin/sh\necho "$@" >> {shlex.quote(str(log))}\nexec {shlex.quote(SOFFICE)} "$@"\n'
    )
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{wrapper.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", str(tmp_path / "cache"))
    result = build_package(CONTENT / KALMAR, tmp_path / "ut", formats=("docx",))
    runs = log.read_text().splitlines()
    assert len(runs) == 1, runs
    assert runs[0].count(".docx") == 3, runs[0]
    # each document got its own pages: the same bytes as the session's build (whose page
    # numbers test_docx_layout checks against LibreOffice's layout of each file)
    for path in result.written:
        assert path.read_bytes() == (built(KALMAR) / path.name).read_bytes(), path.name
    # the next build finds every layout in the cache
    build_package(CONTENT / KALMAR, tmp_path / "igen", formats=("docx",))
    assert len(log.read_text().splitlines()) == 1

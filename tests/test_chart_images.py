"""The images of charts are the ones the build draws from the data, whatever lies in the
package folder."""

from __future__ import annotations

import io
import zipfile

from PIL import Image

from kommunrapport.build.pipeline import build_package

from .hardening_support import CHARTS_YAML
from .small_packages import write_small_package


def test_a_package_file_named_like_a_chart_does_not_replace_it(tmp_path, monkeypatch):
    """A chart's image is a file the build draws (``fig-<anchor>.png`` and ``.svg``); a file of
    the same name in the package folder is not what DOCX, HTML or PDF show in its place."""
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", str(tmp_path / "cache"))
    package = write_small_package(tmp_path / "repo", section="{{ diagram('drift_stapel') }}\n")
    (package / "diagram.yaml").write_text(CHARTS_YAML, encoding="utf-8")
    red = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(red, "PNG")
    (package / "fig-drift-stapel.png").write_bytes(red.getvalue())
    (package / "fig-drift-stapel.svg").write_text("<svg>FEL BILD</svg>", encoding="utf-8")
    result = build_package(package, tmp_path / "ut", formats=("docx", "html"), use_cache=False)
    written = {path.name: path for path in result.written}
    with zipfile.ZipFile(written["rapport.docx"]) as docx:
        images = [docx.read(n) for n in docx.namelist() if n.startswith("word/media/")]
    assert len(images) == 1 and images[0] != red.getvalue()
    assert len(images[0]) > 10_000  # the chart drawn from the workbook
    assert "FEL BILD" not in written["rapport.html"].read_text(encoding="utf-8")

"""The images of charts are the ones the build draws from the data, whatever lies in the
package folder."""

from __future__ import annotations

import base64
import io
import zipfile

import pytest
from PIL import Image

from kommunrapport.build.pipeline import build_package
from kommunrapport.errors import KommunrapportError

from .hardening_support import CHARTS_YAML
from .small_packages import SECTION, write_small_package


def _red_png() -> bytes:
    red = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(red, "PNG")
    return red.getvalue()


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


def test_a_picture_named_like_a_chart_is_shown_beside_the_chart(tmp_path, monkeypatch):
    """A section's own picture may have the name of a chart's image (``fig-<anchor>.png``): the
    build's images lie in a folder of their own (``kr-media/``), so each format shows the
    picture where the section put it and the chart where the chart belongs. Before, pandoc
    found the chart under the picture's name and the DOCX showed the chart twice."""
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", str(tmp_path / "cache"))
    section = "![Foto av kontoret](../fig-drift-stapel.png)\n\n{{ diagram('drift_stapel') }}\n"
    package = write_small_package(tmp_path / "repo", section=section)
    (package / "diagram.yaml").write_text(CHARTS_YAML, encoding="utf-8")
    red = _red_png()
    (package / "fig-drift-stapel.png").write_bytes(red)
    result = build_package(package, tmp_path / "ut", formats=("docx", "html"), use_cache=False)
    written = {path.name: path for path in result.written}
    with zipfile.ZipFile(written["rapport.docx"]) as docx:
        images = [docx.read(n) for n in docx.namelist() if n.startswith("word/media/")]
    assert len(images) == 2 and red in images, [len(i) for i in images]
    chart = next(image for image in images if image != red)
    assert len(chart) > 10_000  # the chart drawn from the workbook
    page = written["rapport.html"].read_text(encoding="utf-8")
    assert base64.b64encode(red).decode("ascii") in page  # the picture
    assert "data:image/svg+xml;base64," in page  # and the chart


@pytest.mark.parametrize("folder", ["kr-media", "KR-Media"])
def test_a_picture_in_the_builds_own_media_folder_is_refused(tmp_path, monkeypatch, folder):
    """``kr-media/`` is where every format keeps the images the build makes: a package
    picture there could be taken for a chart (or a chart for it), so the build refuses it,
    naming the section and saying what to do."""
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", str(tmp_path / "cache"))
    section = f"![Foto av kontoret](../{folder}/fig-drift-stapel.svg)\n"
    package = write_small_package(tmp_path / "repo", section=section)
    (package / folder).mkdir()
    (package / folder / "fig-drift-stapel.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="3"/>', encoding="utf-8"
    )
    with pytest.raises(KommunrapportError) as caught:
        build_package(package, tmp_path / "ut", formats=("html",), use_cache=False)
    message = str(caught.value)
    assert SECTION in message and "kr-media/" in message and "bilder/" in message, message
    assert not (tmp_path / "ut").exists()

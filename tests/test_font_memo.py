"""Font lookups are remembered between builds: same answers, without matplotlib or fontTools."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import json, sys
from kommunrapport.document.text_metrics import TextMeasure, font_path
measure = TextMeasure("Arial", 10)
print(json.dumps({
    "path": font_path("Arial", True),
    "width": measure.width("Tillgångar 1 234,5 ●", bold=True),
    "matplotlib": "matplotlib" in sys.modules,
    "fontTools": "fontTools" in sys.modules,
}))
"""


def _probe(cache: Path) -> dict:
    env = {**os.environ, "KOMMUNRAPPORT_CACHE": str(cache)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def test_second_lookup_gives_the_same_widths_without_matplotlib(tmp_path: Path) -> None:
    first = _probe(tmp_path)
    second = _probe(tmp_path)
    assert first["matplotlib"] and first["fontTools"]  # computed the first time
    assert not second["matplotlib"] and not second["fontTools"]  # remembered
    assert (second["path"], second["width"]) == (first["path"], first["width"])
    assert Path(second["path"]).is_file()


def test_a_damaged_entry_is_computed_again(tmp_path: Path) -> None:
    first = _probe(tmp_path)
    for entry in (tmp_path / "fonter").iterdir():
        entry.write_bytes(entry.read_bytes()[:-3] + b"xyz")
    again = _probe(tmp_path)
    assert again["matplotlib"]  # nothing usable was remembered
    assert (again["path"], again["width"]) == (first["path"], first["width"])


def test_caching_turned_off_measures_the_same(tmp_path: Path) -> None:
    remembered = _probe(tmp_path)
    off = _probe(Path("0"))
    assert off["matplotlib"]
    assert (off["path"], off["width"]) == (remembered["path"], remembered["width"])


LINES_PROBE = """
import json, sys
from kommunrapport.project.paths import builtin_templates_dir
from kommunrapport.writers.pdf_fonts import line_metrics
font = builtin_templates_dir() / "typst" / "fonts" / "LiberationSans-Regular.ttf"
print(json.dumps({"lines": line_metrics(font), "fontTools": "fontTools" in sys.modules}))
"""


def _run_twice(probe: str, cache: Path) -> list[dict]:
    """The probe's JSON answer from two fresh processes sharing one cache folder."""
    env = {**os.environ, "KOMMUNRAPPORT_CACHE": str(cache)}
    return [
        json.loads(
            subprocess.run(
                [sys.executable, "-c", probe], env=env, capture_output=True, check=True
            ).stdout
        )
        for _ in range(2)
    ]


def test_line_metrics_are_remembered(tmp_path: Path) -> None:
    answers = _run_twice(LINES_PROBE, tmp_path)
    assert answers[0]["fontTools"] and not answers[1]["fontTools"]
    assert answers[0]["lines"] == answers[1]["lines"]
    single, box = answers[1]["lines"]
    assert single > box > 0.5  # Liberation Sans: hhea line 1.149, typographic box 1.111


BOOK_PROBE = """
import json, sys
from kommunrapport.project.paths import builtin_templates_dir
from kommunrapport.writers.pdf_fonts import font_book, font_dirs
book = font_book(font_dirs([builtin_templates_dir()]))
print(json.dumps({
    "families": book.families,
    "regular": {family: str(path) for family, path in book.regular.items()},
    "typst": "typst" in sys.modules,
}))
"""


def test_the_font_book_is_remembered_without_importing_typst(tmp_path: Path) -> None:
    """Typst's family names and each family's regular file, read once: a second build's
    process has neither typst nor the font folders' contents in it."""
    answers = _run_twice(BOOK_PROBE, tmp_path)
    assert answers[0]["typst"] and not answers[1]["typst"]
    assert answers[0]["families"] == answers[1]["families"]
    assert answers[0]["regular"] == answers[1]["regular"]
    assert answers[1]["families"]["liberation sans"] == "Liberation Sans"
    assert answers[1]["regular"]["Liberation Sans"].endswith("LiberationSans-Regular.ttf")
    assert "DejaVu Sans" in answers[1]["regular"]

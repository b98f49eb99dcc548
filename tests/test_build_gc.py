"""The build command imports its pipeline with the garbage collector paused and then freezes
those objects (commands/build._pipeline): once per process, and the collector runs again after."""

from __future__ import annotations

import subprocess
import sys

from .small_packages import write_small_package

PROBE = """
import gc, sys
from kommunrapport.cli import main
assert "kommunrapport.build.pipeline" not in sys.modules
counts = []
for run in range(2):
    assert main(["build", "-q", "--force", "--format", "html"]) == 0
    counts.append(gc.get_freeze_count())
    assert gc.isenabled()
gc.freeze()  # what freezing again after a build would have kept for good
print(counts[0], counts[1], gc.get_freeze_count())
"""


def test_the_pipeline_is_imported_once_without_collections_and_frozen(tmp_path):
    write_small_package(tmp_path / "repo")
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=tmp_path / "repo",
        env={"KOMMUNRAPPORT_CACHE": "0", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    first, second, refrozen = (int(n) for n in out[-3:])
    assert first > 10_000  # the pipeline's modules, classes and functions
    # the second build froze nothing more: what a build leaves stays collectable
    assert second - first < 100 < refrozen - second

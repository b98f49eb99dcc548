"""Import openpyxl without numpy.

openpyxl imports numpy when it is installed (matplotlib brings it), only to recognise numpy
numbers among the values it writes. We read workbooks and write plain Python values, so numpy
costs every build 0.1 s of CPU and memory for nothing. The layers that use openpyxl (data/,
review/, authoring/) call this from their ``__init__``, before any of their modules imports
openpyxl. numpy itself stays importable afterwards (matplotlib draws charts with it).
"""

from __future__ import annotations

import sys


def import_openpyxl_without_numpy() -> None:
    if "openpyxl" in sys.modules or "numpy" in sys.modules:
        return  # too late, or nothing to save
    sys.modules["numpy"] = None  # type: ignore[assignment]  # "import numpy" fails for now
    try:
        import openpyxl  # noqa: F401
    finally:
        del sys.modules["numpy"]

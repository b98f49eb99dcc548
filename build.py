"""Build every report package under content/ into output/.

python build.py                 # all packages, DOCX and HTML
python build.py --format html   # any option of `kommunrapport build`
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent

try:
    from kommunrapport.cli import main
except ModuleNotFoundError:  # not installed: use the source tree
    sys.path.insert(0, str(ROOT / "src"))
    from kommunrapport.cli import main

if __name__ == "__main__":
    sys.exit(main(["build", "--root", str(ROOT), *sys.argv[1:]]))

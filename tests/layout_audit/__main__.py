"""Command line: ``python -m tests.layout_audit [options] FILE...``

A DOCX is rendered with LibreOffice and audited against itself; a PDF is audited against the
DOCX given with ``--source``, or the DOCX of the same name next to it (``x.pdf`` and
``x-arkiv.pdf`` → ``x.docx``). Exit code 1 when any fault is found.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from . import FAULT_KINDS, AuditResult, Margins, audit_pdf, render_docx


def _source_for(pdf: Path, given: Path | None) -> Path:
    if given is not None:
        return given
    stem = pdf.stem.removesuffix("-arkiv")
    candidate = pdf.with_name(f"{stem}.docx")
    if not candidate.is_file():
        raise SystemExit(f"{pdf}: ingen {candidate.name} bredvid; ange --source X.docx")
    return candidate


def _audit_all(files: list[Path], source: Path | None, margins: Margins | None, work: Path):
    docx = [f for f in files if f.suffix.lower() == ".docx"]
    rendered = {}
    for number, document in enumerate(docx):  # one folder each: same names in two packages
        rendered.update(render_docx([document], work / str(number)))
    for file in files:
        if file.suffix.lower() == ".docx":
            yield audit_pdf(rendered[file], file, margins)
        else:
            yield audit_pdf(file, _source_for(file, source), margins)


def _table(results: list[AuditResult]) -> str:
    kinds = list(FAULT_KINDS)
    lines = ["| document | pages | found | " + " | ".join(kinds) + " | total |"]
    lines.append("|" + "---|" * (len(kinds) + 4))
    for result in results:
        counts = " | ".join(str(result.counts[k]) for k in kinds)
        name = f"{result.source.parent.name}/{result.pdf.name}"
        lines.append(
            f"| {name} | {result.pages} | {result.coverage:.0%} | {counts} | {result.total} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.layout_audit", description=__doc__)
    parser.add_argument("files", nargs="+", type=Path, help="DOCX or PDF files")
    parser.add_argument("--source", type=Path, help="the DOCX whose content the PDF holds")
    parser.add_argument(
        "--margins", help="page margins in mm, top,right,bottom,left (default: the DOCX's)"
    )
    parser.add_argument("--json", action="store_true", help="counts and faults as JSON")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every fault")
    args = parser.parse_args(argv)
    margins = Margins.from_mm(args.margins) if args.margins else None
    with tempfile.TemporaryDirectory(prefix="layout-audit-") as work:
        results = list(_audit_all(args.files, args.source, margins, Path(work)))
    if args.json:
        data = [
            {
                "pdf": str(r.pdf) if r.pdf.exists() else r.source.name,
                "source": str(r.source),
                "pages": r.pages,
                "coverage": round(r.coverage, 3),
                "counts": r.counts,
                "faults": [vars(f) for f in r.faults],
            }
            for r in results
        ]
        print(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        print(_table(results))
        if args.verbose:
            for result in results:
                for fault in result.faults:
                    print(f"{result.source.name}: {fault}")
    return 1 if any(r.total for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())

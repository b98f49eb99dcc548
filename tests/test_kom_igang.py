"""docs/kom-igang.md works as written: its commands run in an empty folder, its files are
written where it says, what it shows of the sample data is what `new` writes, and the result is
a built interim report with a table, a figure in a sentence, a goal table and a chart
(issue 16)."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from .conftest import REPO

WALKTHROUGH = REPO / "docs" / "kom-igang.md"
PACKAGE = "exempelby-ks-delar-2024"
NBSP = "\u00a0"


@dataclass
class Block:
    info: str  # the fence's info string: "sh", "yaml fil=…"
    text: str
    before: str  # the text between the previous block and this one

    @property
    def language(self) -> str:
        return self.info.split()[0] if self.info else ""

    @property
    def file(self) -> str | None:
        found = re.search(r"\bfil=(\S+)", self.info)
        return found.group(1) if found else None


def blocks(text: str) -> list[Block]:
    out = []
    for match in re.finditer(r"^```([^\n]*)\n(.*?)^```$", text, re.M | re.S):
        start = out[-1].end if out else 0  # type: ignore[attr-defined]
        block = Block(match.group(1).strip(), match.group(2), text[start : match.start()])
        block.end = match.end()  # type: ignore[attr-defined]
        out.append(block)
    return out


def run_commands(block: Block, cwd: Path) -> tuple[Path, list[subprocess.CompletedProcess[str]]]:
    """Each line of a shell block: mkdir, cd and kommunrapport; anything else fails the test,
    so the walkthrough only asks for what this test can do."""
    done = []
    for line in block.text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        words = shlex.split(line)
        if words[0] == "mkdir":
            (cwd / words[1]).mkdir()
        elif words[0] == "cd":
            cwd = cwd / words[1]
        elif words[0] == "kommunrapport":
            command = [sys.executable, "-m", "kommunrapport.cli", *words[1:]]
            result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
            assert result.returncode == 0, f"{line}\n{result.stdout}\n{result.stderr}"
            done.append(result)
        else:
            raise AssertionError(f"kom-igang.md ber om ett kommando testet inte kan köra: {line}")
    return cwd, done


def markdown_table(text: str) -> list[list[str]]:
    rows = [
        line.strip().strip("|").split("|") for line in text.splitlines() if line.startswith("|")
    ]
    return [[cell.strip() for cell in row] for row in rows if not set("".join(row)) <= set("-: ")]


def test_walkthrough_from_an_empty_folder_to_a_built_report(tmp_path: Path) -> None:
    text = WALKTHROUGH.read_text(encoding="utf-8")
    cwd = tmp_path
    builds = []
    shown_sheet: list[list[str]] = []
    shown_scale = None
    started = time.monotonic()
    for block in blocks(text):
        if "Bladet *Driftredovisning*" in block.before and not shown_sheet:
            shown_sheet = markdown_table(block.before.split("ser ut så här:", 1)[1])
        if block.language == "sh":
            cwd, done = run_commands(block, cwd)
            builds += [r for r in done if "Klart:" in r.stdout and "filer skrivna" in r.stdout]
        elif block.file:
            path = cwd / block.file
            assert path.parent.is_dir(), f"mappen för {block.file} finns inte"
            path.write_text(block.text, encoding="utf-8")
        elif block.language == "yaml":
            shown_scale = yaml.safe_load(block.text)
        elif block.language == "json":
            settings = json.loads(block.text)
    elapsed = time.monotonic() - started
    package = cwd / "content" / PACKAGE

    # what the walkthrough shows of the sample data is what `new` wrote
    sheet = load_workbook(package / "data" / "ekonomi.xlsx")["Driftredovisning"]
    cells = [
        ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
    ]
    assert shown_sheet == cells
    config = yaml.safe_load((package / "report.yaml").read_text(encoding="utf-8"))
    assert shown_scale == {"skalor": config["skalor"]}
    for schema in settings["yaml.schemas"]:
        assert (cwd / schema).is_file(), schema

    # the last build: an interim report with a table, a figure in a sentence, a goal table, a chart
    assert len(builds) == 2 and "0 paket med fel" in builds[-1].stdout
    html = cwd / "output" / PACKAGE / "delarsrapport.html"
    for suffix in (".docx", ".pdf"):
        assert html.with_suffix(suffix).is_file()
    page = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    captions = [" ".join(c.get_text(" ").split()) for c in page.find_all("caption")]
    assert "Tabell 2. Driftredovisning januari–augusti 2024 (belopp i tkr)" in captions
    words = " ".join(page.get_text(" ").replace(NBSP, " ").split())
    assert "ett underskott på 0,5 mnkr mot budget" in words
    assert "den största avvikelsen, −0,8 mnkr" in words
    assert "1 av 3 nämndsmål kommer att vara helt uppfyllda" in words
    goals = next(t for t in page.find_all("table") if "Nämndsmål 2024" in t.caption.get_text())
    assert [s.get_text() for s in goals.find_all(class_="symbol")] == ["◐", "●", "○"]
    assert page.find("figure").find("img")["alt"]
    print(f"kom-igang.md: kommandona tog {elapsed:.1f} s")

"""The review-workflow documentation uses commands and options that exist."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml

from kommunrapport.cli import make_parser

DOCS = Path(__file__).resolve().parents[1] / "docs"
README = DOCS.parent / "README.md"


def _kommunrapport_commands(text: str) -> list[list[str]]:
    commands = []
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip().rstrip("\\").strip()
        if line.startswith("kommunrapport "):
            line = re.sub(r"\$\{\{[^}]*\}\}", "main", line)
            line = line.split(">", 1)[0]
            commands.append(shlex.split(line)[1:])
    return commands


def test_workflow_commands_parse() -> None:
    workflow = yaml.safe_load((DOCS / "github-workflow.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["rapport"]["steps"]
    runs = "\n".join(step.get("run", "") for step in steps)
    commands = _kommunrapport_commands(runs)
    assert [c[0] for c in commands] == ["check", "build", "diff"]
    parser = make_parser()
    for argv in commands:
        parser.parse_args(argv)
    assert ["check", "--format", "github"] in commands
    assert any(c[0] == "diff" and "--markdown" in c for c in commands)
    assert workflow[True] == {"pull_request": None}  # YAML 1.1 reads the key 'on' as True
    assert workflow["permissions"]["pull-requests"] == "write"


def test_documented_commands_parse() -> None:
    parser = make_parser()
    text = (DOCS / "granskning.md").read_text(encoding="utf-8")
    text += README.read_text(encoding="utf-8")
    commands = _kommunrapport_commands(text)
    assert {c[0] for c in commands} >= {"check", "diff", "serve", "new"}
    for argv in commands:
        parser.parse_args(argv)
    assert 'git config diff.xlsx.textconv "kommunrapport xlsx-text"' in text
    assert "*.xlsx diff=xlsx" in text

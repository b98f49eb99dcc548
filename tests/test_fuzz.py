"""Fuzzing report.yaml and section files: any input gives a message, never a traceback or a hang.

Each example takes the small test package (with a table and a chart), mutates report.yaml, a
section and sometimes tabeller.yaml (tokens that matter to YAML, Jinja, Markdown and the
toolkit's own filters; deleted, repeated and re-indented lines; stray bytes that are not UTF-8)
and runs ``kommunrapport check`` on it. The command must end with code 0 or 1 and a message:
an exception out of the command, "internt fel", or more than ``HANG_SECONDS`` fails.

CI runs a small, fixed set of examples. Locally, run many more:

    KOMMUNRAPPORT_FUZZ_EXEMPEL=2000 python -m pytest tests/test_fuzz.py -q
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kommunrapport.cli import main

from .hardening_support import SECTION, small_package
from .review_fixtures import PACKAGE_ID

EXAMPLES = int(os.environ.get("KOMMUNRAPPORT_FUZZ_EXEMPEL", "25"))
HANG_SECONDS = 60

TOKENS = [
    "{{", "}}", "{%", "%}", "{#", "#}", "{{ år }}", "{{ år - 1 }}", "{{ nämnd }}",
    "{{ okänd }}", "{% if år %}", "{% endif %}", "{% for x in range(3) %}", "{% endfor %}",
    "{% include 'snippets/x.md' %}", "{% include 'rapport/03-ekonomi.md' %}",
    "{% macro m() %}{{ m() }}{% endmacro %}", "{{ tabell('drift') }}", "{{ tabell('saknas') }}",
    "{{ diagram('drift_stapel') }}", "{{ drift.total.budget | mnkr }}",
    "{{ drift.total.budget | mnkr(decimaler=9) }}", "{{ 1 | tkr }}", "{{ 'x' | procent }}",
    "{{ ref('tbl-drift') }}", "{{ sidbrytning() }}", "{{ 10 ** 10 }}", "{{ 1 / 0 }}",
    "{{ 'a' * 3 }}", "{{ range(5) | list }}", "{{ x.__class__ }}", "{{ lipsum(2) }}",
    "---", "---\n", ":", ": ", "- ", "  ", "\t", "\n", "\r", "\r\n", "#", "# Rubrik\n",
    "####### djup", "&a", "*a", "&a [1]", "*b", "!!str", "!!binary", "!!python/name:os.system",
    "? ", "|", ">", "[", "]", "{", "}", "'", '"', "\\", "~", "null", "yes", "no", "0x1F",
    "1e999", "-1", "2023-02-30", "2023-13-01", "9999999999999999999999", "nan", ".inf",
    "<details>", "</details>", "<div>", "</div>", "<script>alert(1)</script>", "<!--", "-->",
    ":::", "::: {.kr-section data-level=x}", "![](bild.png)", "![bild](../../x.png)",
    "[länk](javascript:alert(1))", "| a | b |\n|---|---|\n| 1 | 2 |\n", "```", "$x$",
    "\x00", "\x01", "\x07", "\x1b", "\u2028", "\ufeff", "\u202e", "åäö", "−", "\u00a0",
    "fil: ../../../etc/passwd", "mall: ../../x", "mall: arsrapport", "underavsnitt:",
    "rubrik:", "id: x", "typ: rapport", "bilaga: 0", "djup: 99", "storlek_cm: [0, 0]",
    '[9 mnkr]{data-kalla="Falsk.xlsx"}', "{kalla=x}", ">" * 60, "  " * 60 + "- ", "x" * 1001,
    "{{ '-' * 3000 }}", "{% for i in range(60) %}>{% endfor %}",
]  # fmt: skip


def mutate_text(data: bytes, rng: random.Random, rounds: int) -> bytes:
    """``rounds`` random edits of a file's bytes (most of them line- and token-wise)."""
    for _ in range(rounds):
        lines = data.split(b"\n")
        choice = rng.random()
        index = rng.randrange(len(lines)) if lines else 0
        if choice < 0.35:  # a token somewhere in a line
            token = rng.choice(TOKENS).encode("utf-8")
            line = lines[index] if lines else b""
            at = rng.randint(0, len(line))
            lines[index : index + 1] = [line[:at] + token + line[at:]]
        elif choice < 0.45:  # a line removed
            if len(lines) > 1:
                del lines[index]
        elif choice < 0.55:  # a line repeated (duplicate keys, repeated headings)
            lines.insert(index, lines[index])
        elif choice < 0.65:  # indentation changed
            line = lines[index]
            lines[index] = (b" " * rng.choice([0, 1, 2, 3, 4, 8])) + line.lstrip(b" ")
        elif choice < 0.72:  # two lines swapped
            other = rng.randrange(len(lines))
            lines[index], lines[other] = lines[other], lines[index]
        elif choice < 0.80:  # a value replaced by a token
            line = lines[index]
            if b":" in line:
                key = line.split(b":", 1)[0]
                lines[index] = key + b": " + rng.choice(TOKENS).encode("utf-8")
        elif choice < 0.86:  # a span deleted
            flat = b"\n".join(lines)
            if flat:
                start = rng.randrange(len(flat))
                flat = flat[:start] + flat[start + rng.randint(1, 40) :]
            lines = flat.split(b"\n")
        elif choice < 0.92:  # stray bytes (often not UTF-8)
            flat = b"\n".join(lines)
            at = rng.randint(0, len(flat))
            flat = (
                flat[:at] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 4))) + flat[at:]
            )
            lines = flat.split(b"\n")
        else:  # a block of tokens as a new line
            lines.insert(index, " ".join(rng.choice(TOKENS) for _ in range(3)).encode("utf-8"))
        data = b"\n".join(lines)
    return data


@contextlib.contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    def expired(_signum, _frame):
        raise TimeoutError(f"kommunrapport check hängde sig (mer än {seconds} s)")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def base_repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz-base") / "repo"
    package = small_package(root, tables=True)
    (package / "snippets").mkdir()
    (package / "snippets" / "x.md").write_text("Ett stycke om {{ nämnd }}.\n", encoding="utf-8")
    return root


def run_mutated(base: Path, rng: random.Random) -> tuple[int, str]:
    """Copy the package, mutate it, run ``check`` on it; (exit code, everything printed)."""
    with tempfile.TemporaryDirectory(prefix="kommunrapport-fuzz-") as scratch:
        root = Path(scratch) / "repo"
        shutil.copytree(base, root, symlinks=True)
        package = root / "content" / PACKAGE_ID
        targets = ["report.yaml", SECTION, "rapport/02-handelser.md", "tabeller.yaml"]
        for name in rng.sample(targets, rng.randint(1, 3)):
            path = package / name
            path.write_bytes(mutate_text(path.read_bytes(), rng, rng.randint(1, 6)))
        stream = io.StringIO()
        with (
            contextlib.redirect_stdout(stream),
            contextlib.redirect_stderr(stream),
            time_limit(HANG_SECONDS),
        ):
            code = main(["check", "--root", str(root), "--bygg-format", "html"])
        return code, stream.getvalue()


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize="KOMMUNRAPPORT_FUZZ_EXEMPEL" not in os.environ,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rng=st.randoms(use_true_random=False))
def test_mutated_packages_never_give_a_traceback(base_repository, rng, monkeypatch):
    monkeypatch.setenv("KOMMUNRAPPORT_CACHE", "0")
    code, output = run_mutated(base_repository, rng)
    assert code in (0, 1), output
    assert "Traceback" not in output, output
    assert "internt fel" not in output, output

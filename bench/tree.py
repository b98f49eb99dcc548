"""Run one command the way a user does and measure the whole process tree.

Wall time is taken around the command; CPU time is what ``wait4`` reports for it, which
includes every descendant that was waited for (pandoc, worker processes, Rscript's pandoc).
Memory is optional, because sampling costs CPU: with ``memory=True`` the tree is found every
``interval`` seconds through ``/proc/<pid>/task/<tid>/children`` (every thread's children:
our pandoc processes are started from writer threads) and each process's resident set
(``statm``) and proportional set (``smaps_rollup``) are summed. The peaks of those sums are
the tree's peak memory; a short-lived process between two samples can be missed, so the
interval is short (10 ms).

A child caught between fork and exec (every ``subprocess`` start, e.g. each pandoc) still
shows its parent's memory: after ``vfork`` it *is* the parent's address space, so even its PSS
would count the parent twice. Such a child (same command line as its parent) is counted only
once it has been there for ``COPY_GRACE`` (50 ms): a real fork (a worker process) lives for
seconds, while a child on its way to ``exec`` has become pandoc long before.

Linux only (``/proc``).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")
COPY_GRACE = 0.05  # seconds a copy of its parent waits before it counts (see above)
MIB = 1024 * 1024


@dataclass(frozen=True)
class Run:
    """One run of a command."""

    wall: float  # seconds
    cpu: float  # seconds, user + system, the whole waited-for tree
    peak_rss: float | None = None  # MiB: the largest sum of RSS over the tree at one sample
    peak_pss: float | None = None  # MiB: the same with PSS (shared pages divided)
    largest_process: float | None = None  # MiB: the largest single process (VmHWM)
    processes: int | None = None  # processes seen in the tree


class CommandFailed(RuntimeError):
    pass


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="ascii", errors="replace") as handle:
            return handle.read()
    except OSError:
        return None


def tree(root: int) -> list[tuple[int, int]]:
    """(pid, parent pid) for ``root`` (parent 0) and every process below it, by each
    thread's ``children`` file."""
    found = [(root, 0)]
    index = 0
    while index < len(found):
        pid = found[index][0]
        index += 1
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for task in tasks:
            text = _read(f"/proc/{pid}/task/{task}/children")
            if text:
                found.extend((int(child), pid) for child in text.split())
    return found


def _cmdline(pid: int) -> str | None:
    return _read(f"/proc/{pid}/cmdline")


class Sampler:
    """The peaks of the tree's summed memory, over repeated samples."""

    def __init__(self, root: int):
        self.root = root
        self.confirmed: set[int] = set()  # processes that count
        self.copies: dict[int, float] = {}  # pid → when it was first seen as its parent's copy
        self.peak_rss = self.peak_pss = self.largest = 0

    def counted(self) -> list[int]:
        pids = []
        for pid, parent in tree(self.root):
            if pid not in self.confirmed:
                if parent and _cmdline(pid) == _cmdline(parent):
                    now = time.perf_counter()
                    if now - self.copies.setdefault(pid, now) < COPY_GRACE:
                        continue  # a copy of its parent, maybe on its way to exec: wait
                self.confirmed.add(pid)
            pids.append(pid)
        return pids

    def sample(self) -> None:
        pids = self.counted()
        self.peak_rss = max(self.peak_rss, sum(_rss(p) for p in pids))
        self.peak_pss = max(self.peak_pss, sum(_pss(p) for p in pids))
        self.largest = max([self.largest, *(_hwm(p) for p in pids)])


def _rss(pid: int) -> int:
    text = _read(f"/proc/{pid}/statm")
    return int(text.split()[1]) * PAGE if text else 0


def _kib_field(text: str | None, name: str) -> int:
    for line in (text or "").splitlines():
        if line.startswith(name):
            return int(line.split()[1]) * 1024
    return 0


def _pss(pid: int) -> int:
    return _kib_field(_read(f"/proc/{pid}/smaps_rollup"), "Pss:")


def _hwm(pid: int) -> int:
    return _kib_field(_read(f"/proc/{pid}/status"), "VmHWM:")


def run(
    command: Sequence[str],
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    memory: bool = False,
    interval: float = 0.01,
) -> Run:
    """Run ``command`` to its end; raise ``CommandFailed`` (with its stderr) if it fails."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(command),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            env=dict(env) if env is not None else None,
            cwd=cwd,
        )
        sampler = Sampler(process.pid)
        status = usage = None
        while memory:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            sampler.sample()
            time.sleep(interval)
        if status is None or usage is None:
            _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            tail = errors.read().decode("utf-8", "replace")[-3000:]
            raise CommandFailed(f"{' '.join(command)} (kod {process.returncode}):\n{tail}")
    cpu = usage.ru_utime + usage.ru_stime
    if not memory:
        return Run(wall, cpu)
    return Run(
        wall,
        cpu,
        sampler.peak_rss / MIB,
        sampler.peak_pss / MIB,
        sampler.largest / MIB,
        len(sampler.confirmed),
    )

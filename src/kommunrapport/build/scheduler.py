"""One owner for every worker a command starts: package processes and, inside each package,
the threads and processes that write its files.

``-j N`` bounds the whole command to N units of work at a time. With at least N packages, N
packages build side by side, each writing one file at a time; with fewer, the spare units go
to the writers inside each package. Nothing else in the toolkit starts a pool of its own size,
so N packages never start N pools each (N² workers fighting for N cores).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (an unchanged rebuild)
if TYPE_CHECKING:
    from typing import TypeVar

    Job = TypeVar("Job")
    Result = TypeVar("Result")


def available_cores() -> int:
    """The cores this process may run on (the default for ``-j``)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Share:
    """What one package may use: how many of its files are written at the same time."""

    writers: int = 1


@dataclass(frozen=True)
class Scheduler:
    jobs: int

    def plan(self, packages: int) -> tuple[int, Share]:
        """(package processes, each package's share) for ``packages`` packages."""
        side_by_side = max(1, min(self.jobs, packages))
        return side_by_side, Share(writers=max(1, self.jobs // side_by_side))

    def run(self, jobs: list[Job], work: Callable[[Job, Share], Result]) -> Iterator[Result]:
        """``work(job, share)`` for every job, results in job order. One package (or ``-j 1``)
        runs in this process; several run in worker processes, one per unit."""
        processes, share = self.plan(len(jobs))
        if processes <= 1:
            for job in jobs:
                yield work(job, share)
            return
        from concurrent.futures import ProcessPoolExecutor  # only when packages run in parallel

        with ProcessPoolExecutor(max_workers=processes) as pool:
            futures = [pool.submit(work, job, share) for job in jobs]
            for future in futures:
                yield future.result()

"""One scheduler owns all the work of a command: -j N bounds packages and writers together."""

from __future__ import annotations

import os

import pytest

from kommunrapport.build.scheduler import Scheduler, Share


@pytest.mark.parametrize(
    ("jobs", "packages", "processes", "writers"),
    [
        (1, 4, 1, 1),  # -j 1: everything one after another
        (2, 4, 2, 1),  # two packages side by side, each writing one file at a time
        (2, 1, 1, 2),  # one package gets both units for its writers
        (4, 2, 2, 2),
        (3, 8, 3, 1),
    ],
)
def test_the_command_never_runs_more_than_j_units(jobs, packages, processes, writers):
    planned, share = Scheduler(jobs).plan(packages)
    assert (planned, share.writers) == (processes, writers)
    assert planned * share.writers <= jobs


def _pid_and_share(job: int, share: Share) -> tuple[int, int, int]:
    return job, os.getpid(), share.writers


def test_results_come_in_job_order_from_worker_processes():
    results = list(Scheduler(2).run([3, 1, 2, 5], _pid_and_share))
    assert [job for job, _pid, _w in results] == [3, 1, 2, 5]
    assert all(pid != os.getpid() for _job, pid, _w in results)
    assert {w for _job, _pid, w in results} == {1}


def test_one_package_builds_in_this_process_with_every_unit():
    results = list(Scheduler(2).run([7], _pid_and_share))
    assert results == [(7, os.getpid(), 2)]

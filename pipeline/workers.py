"""Worker processes for the work that splits across cores (extraction, pair scoring,
clustering, the persons' cut, attribution).

Workers are forked so they share the parent's records without pickling them.
The parent's objects are frozen out of the garbage collector while a pool lives
(`gc.freeze`): a collection in a worker would otherwise write to every object's
header and copy all the parent's memory into each worker.

Two rules keep a killed run harmless: a worker dies with its parent
(PR_SET_PDEATHSIG), and a worker closes the parent's lock on the output folder
(`publish.output_lock`) as it starts, so a SIGKILLed run never leaves a worker
holding the lock and the next nightly run is not told the output is busy.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import multiprocessing
import os
import signal
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

PR_SET_PDEATHSIG = 1

_inherited_fds: set[int] = set()
"""File descriptors a forked worker must not keep (the output lock)."""


def hold_from_workers(fd: int) -> None:
    """Keep `fd` out of forked workers (until `release`)."""
    _inherited_fds.add(fd)


def release(fd: int) -> None:
    _inherited_fds.discard(fd)


def start_worker() -> None:
    """In a forked process: die with the run, and let go of its output lock."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() == 1:  # the parent died before the line above took effect
        os._exit(1)
    for fd in list(_inherited_fds):
        with contextlib.suppress(OSError):
            os.close(fd)


class _ForkPool(ProcessPoolExecutor):
    """Thaws the parent's objects when the pool shuts down (see the module's doc)."""

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        try:
            super().shutdown(wait=wait, cancel_futures=cancel_futures)
        finally:
            gc.unfreeze()


def fork_pool(jobs: int) -> ProcessPoolExecutor:
    """A pool of `jobs` forked workers that die with the run and hold none of its locks."""
    gc.freeze()  # workers fork at the first task, after this
    return _ForkPool(jobs, mp_context=multiprocessing.get_context("fork"), initializer=start_worker)


WORKER_COPY_SHARE = 0.5
"""Share of the parent's resident memory a forked worker is budgeted: what it may
copy as it reads shared records (measured: 4.4 GB of a 11.1 GB parent while
scoring a million entries' person pairs; 4.7 GB of a 9.6 GB one on 2026-12-01)."""


def workers_that_fit(jobs: int, resident: int, available: int) -> int:
    """How many of `jobs` processes (this one and `jobs - 1` forked workers) the free
    memory holds: at least this one, which then works alone."""
    if resident <= 0:
        return jobs
    return 1 + max(0, min(jobs - 1, int(available // (WORKER_COPY_SHARE * resident))))


def memory_now() -> tuple[int, int]:
    """(this process's resident bytes, the machine's available bytes); 0 if unknown."""
    try:
        statm = Path("/proc/self/statm").read_text().split()
        resident = int(statm[1]) * os.sysconf("SC_PAGE_SIZE")
        meminfo = Path("/proc/meminfo").read_text().splitlines()
        info = dict(line.split(":", 1) for line in meminfo)
        available = int(info["MemAvailable"].split()[0]) * 1024
    except (OSError, KeyError, ValueError, IndexError):
        return 0, 0
    return resident, available


def workers_for(jobs: int, work: str) -> int:
    """`jobs`, or fewer if free memory does not hold that many forked workers
    (`workers_that_fit`), with a warning naming the `work`."""
    resident, available = memory_now()
    fit = workers_that_fit(jobs, resident, available)
    if fit < jobs:
        log.warning(
            "%s in %d process(es), not %d: each forked worker may copy half of this "
            "run's %d MB and %d MB are free",
            work,
            fit,
            jobs,
            resident >> 20,
            available >> 20,
        )
    return fit


_SHARED: tuple[Callable[[Any], Any], list[Any]] | None = None
"""The work and items a `shared_out` call hands its forked workers."""


def shared_out(
    work: Callable[[T], R], items: list[T], jobs: int, cost: Callable[[T], int], what: str
) -> list[R]:
    """`work(item)` of each item, in order, in up to `jobs` processes (as many as the
    free memory holds, `workers_for`): this one and forked workers, each given a
    share of about equal `cost` (the costliest items first, each to the least loaded
    share). The workers read the items, and whatever `work` reads, from the forked
    memory; only the results come back pickled."""
    jobs = min(jobs, len(items))
    if jobs > 1:
        jobs = workers_for(jobs, what)
    if jobs < 2:
        return [work(item) for item in items]
    shares = balanced_shares([cost(item) for item in items], jobs)
    global _SHARED
    _SHARED = (work, items)
    try:
        with fork_pool(jobs - 1) as pool:
            futures = [pool.submit(_do_share, share) for share in shares[1:]]
            done = dict(zip(shares[0], _do_share(shares[0]), strict=True))
            for share, future in zip(shares[1:], futures, strict=True):
                done.update(zip(share, future.result(), strict=True))
    finally:
        _SHARED = None
    return [done[n] for n in range(len(items))]


def balanced_shares(costs: list[int], jobs: int) -> list[list[int]]:
    """The items' places in `jobs` shares of about equal cost: the costliest first,
    each to the share with the least so far (ties: the earlier item, the first share)."""
    load = [0] * jobs
    shares: list[list[int]] = [[] for _ in range(jobs)]
    for n in sorted(range(len(costs)), key=lambda n: (-costs[n], n)):
        least = load.index(min(load))
        shares[least].append(n)
        load[least] += costs[n]
    return shares


def consecutive_runs(costs: list[int], size: int) -> list[list[int]]:
    """The items' places in runs of consecutive items costing about `size` each: a
    run closes once it holds `size` or more."""
    runs: list[list[int]] = [[]]
    held = 0
    for n, cost in enumerate(costs):
        if held >= size:
            runs.append([])
            held = 0
        runs[-1].append(n)
        held += cost
    return [run for run in runs if run]


def _do_share(share: list[int]) -> list[Any]:
    assert _SHARED is not None
    work, items = _SHARED
    return [work(items[n]) for n in share]

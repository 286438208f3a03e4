"""Worker processes for the stages that split across cores (extraction, pair scoring).

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
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1

_inherited_fds: set[int] = set()
"""File descriptors a forked worker must not keep (the output lock)."""


def hold_from_workers(fd: int) -> None:
    """Keep `fd` out of forked workers (until `release`)."""
    _inherited_fds.add(fd)


def release(fd: int) -> None:
    _inherited_fds.discard(fd)


def _start_worker() -> None:
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
    return _ForkPool(
        jobs, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker
    )


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

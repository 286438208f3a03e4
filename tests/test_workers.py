"""Forked workers hold none of the run's locks, so a killed run never leaves the output busy."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from pipeline.publish import output_lock
from pipeline.workers import fork_pool


def _open_files(_: object) -> set[str]:
    out = set()
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            out.add(os.path.realpath(f"/proc/self/fd/{fd}"))
    return out


def test_workers_do_not_inherit_the_output_lock(tmp_path: Path):
    lock = tmp_path / ".out.lock"
    with output_lock(tmp_path / "out"):
        assert str(lock) in _open_files(None)  # the run holds it ...
        with fork_pool(2) as pool:
            seen = list(pool.map(_open_files, range(4)))
    assert seen and all(str(lock) not in files for files in seen)  # ... its workers do not

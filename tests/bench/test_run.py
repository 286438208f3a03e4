"""The benchmark runner's guard: a size too big for the machine fails alone."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bench.run import ChildFailed, stages_from_log, timed_child


def test_a_child_over_the_memory_cap_fails_with_its_log(tmp_path: Path):
    log = tmp_path / "run.log"
    hog = "print('stage extract: done in 1.50s, peak 120 MB', flush=True); x = bytearray(2**31)"
    with pytest.raises(ChildFailed) as failed:
        timed_child([sys.executable, "-c", hog], log, cap_gb=1.0)
    assert failed.value.code != 0 and "MemoryError" in log.read_text()
    assert stages_from_log(log) == {"extract": {"seconds": 1.5, "peak_mb": 120}}


def test_a_child_under_the_cap_reports_its_peak(tmp_path: Path):
    measured = timed_child(
        [sys.executable, "-c", "x = bytearray(200 * 2**20); x[::4096] = b'1' * len(x[::4096])"],
        tmp_path / "ok.log",
        cap_gb=1.0,
    )
    assert measured.seconds > 0 and 200 <= measured.peak_rss_mb < 1024


def test_the_peak_counts_forked_workers_beside_the_run(tmp_path: Path):
    """Two processes each writing 300 MB of their own: one of them is 300 MB, the
    run needs 600."""
    code = (
        "import os, time\n"
        "pid = os.fork()\n"
        "x = bytearray(300 * 2**20); x[::4096] = b'1' * len(x[::4096])\n"
        "time.sleep(2)\n"
        "os._exit(0) if pid == 0 else os.waitpid(pid, 0)\n"
    )
    measured = timed_child([sys.executable, "-c", code], tmp_path / "fork.log")
    assert 300 <= measured.peak_rss_mb < 450
    assert measured.peak_tree_mb >= 550


def test_the_peak_names_the_stage_it_was_reached_in(tmp_path: Path):
    code = (
        "import sys, time\n"
        "print('stage small: started', file=sys.stderr, flush=True); time.sleep(1.2)\n"
        "print('stage big: started', file=sys.stderr, flush=True)\n"
        "x = bytearray(300 * 2**20); x[::4096] = b'1' * len(x[::4096]); time.sleep(1.2)\n"
        "del x; print('stage after: started', file=sys.stderr, flush=True); time.sleep(1.2)\n"
    )
    measured = timed_child([sys.executable, "-c", code], tmp_path / "stages.log")
    assert measured.peak_tree_mb >= 300 and measured.peak_tree_stage == "big"


def test_a_kept_size_folder_is_emptied_before_it_is_measured_again(tmp_path: Path):
    from bench.run import fresh_folder

    kept = tmp_path / "n1000"
    (kept / "labels").mkdir(parents=True)
    (kept / "labels" / "papers.json").write_text("{}")
    assert fresh_folder(kept) == kept and not kept.exists()
    with pytest.raises(SystemExit, match="labels-from"):
        fresh_folder(tmp_path / "n100", reuse=tmp_path / "n100")


def test_a_nightly_rerun_reads_its_own_output_and_changes_no_id(tmp_path: Path):
    from bench.run import measure

    row = measure(300, 2, 7, tmp_path, splink=False, nightly=True)
    first, nightly = row["bylines"], row["nightly"]
    assert nightly["id_changes"] == 0 and nightly["seconds"] > 0
    assert nightly["quality"] == first["quality"]
    assert (tmp_path / "n300" / "nightly.log").read_text().count("stage extract: done") == 1


def test_a_reading_during_which_a_process_ended_is_not_counted():
    """A worker read while it shares its parent's pages and gone before the parent
    is read would count the shared pages one and a half times."""
    from bench.run import stable_sum

    listings = iter([{1, 2}, {1}, {1}, {1}])  # the worker ends during the first reading
    size = {1: 500, 2: 250}
    assert stable_sum(lambda: next(listings), lambda pid: size.get(pid, 0)) == 500
    changing = iter(range(100))
    assert stable_sum(lambda: {next(changing)}, lambda pid: 1, tries=3) is None

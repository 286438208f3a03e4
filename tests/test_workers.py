"""Forked workers hold none of the run's locks, so a killed run never leaves the output
busy, and no more of them fork than free memory holds."""

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


def test_workers_are_counted_against_free_memory():
    from pipeline.workers import workers_that_fit

    gb = 1 << 30
    assert workers_that_fit(2, resident=11 * gb, available=6 * gb) == 2  # this one and one
    assert workers_that_fit(2, resident=11 * gb, available=5 * gb) == 1  # in-process
    assert workers_that_fit(4, resident=2 * gb, available=2 * gb) == 3
    assert workers_that_fit(2, resident=0, available=0) == 2  # unknown: as asked


def test_scoring_with_too_little_memory_for_workers_stays_in_process(monkeypatch, caplog):
    import pipeline.matching as matching
    import pipeline.workers as workers
    from pipeline.comparisons import PAPER_MODEL
    from tests.test_matching import _labels

    records, labels = _labels()
    trained = matching.train(PAPER_MODEL, records, labels)
    data, _ = matching.integer_ids(records)
    trained.matcher.num_cores = 2
    monkeypatch.setattr(matching, "SCORE_CHUNK", 7)
    roomy = matching.score_pairs(trained, data, lambda r: ["all"])
    forked: list[int] = []
    monkeypatch.setattr(workers, "fork_pool", lambda jobs: forked.append(jobs))
    monkeypatch.setattr(workers, "memory_now", lambda: (8 << 30, 1 << 30))
    with caplog.at_level("WARNING"):
        tight = matching.score_pairs(trained, data, lambda r: ["all"])
    assert tight.as_dict() == roomy.as_dict() and not forked
    assert "scoring in 1 process(es), not 2" in caplog.text


def test_scoring_on_two_cores_forks_one_worker_and_scores_its_own_share(monkeypatch):
    import pipeline.matching as matching
    import pipeline.workers as workers
    from pipeline.comparisons import PAPER_MODEL
    from tests.test_matching import _labels

    records, labels = _labels()
    trained = matching.train(PAPER_MODEL, records, labels)
    data, _ = matching.integer_ids(records)
    monkeypatch.setattr(matching, "SCORE_CHUNK", 7)
    alone = matching.score_pairs(trained, data, lambda r: ["all"])
    real_pool, pools = workers.fork_pool, []
    monkeypatch.setattr(workers, "fork_pool", lambda jobs: pools.append(jobs) or real_pool(jobs))
    trained.matcher.num_cores = 2
    shared = matching.score_pairs(trained, data, lambda r: ["all"])
    assert pools == [1]
    assert shared.as_dict() == alone.as_dict() and len(alone) > 3 * 7


def test_shared_out_work_comes_back_in_order_from_both_processes():
    from pipeline.workers import shared_out

    items = list(range(40))
    done = shared_out(lambda n: (n * n, os.getpid()), items, 2, cost=lambda n: n, what="squaring")
    assert [square for square, _ in done] == [n * n for n in items]
    assert {pid for _, pid in done} - {os.getpid()}  # a forked worker did a share ...
    assert os.getpid() in {pid for _, pid in done}  # ... and this process its own
    alone = shared_out(lambda n: os.getpid(), items, 1, cost=lambda n: n, what="squaring")
    assert set(alone) == {os.getpid()}
    assert shared_out(lambda n: n, [], 2, cost=lambda n: n, what="nothing") == []


def test_shared_out_with_too_little_memory_stays_in_process(monkeypatch, caplog):
    import pipeline.workers as workers

    monkeypatch.setattr(workers, "memory_now", lambda: (8 << 30, 1 << 30))
    with caplog.at_level("WARNING"):
        done = workers.shared_out(lambda n: os.getpid(), [1, 2, 3], 2, cost=int, what="sharing")
    assert set(done) == {os.getpid()}
    assert "sharing in 1 process(es), not 2" in caplog.text


def test_balanced_shares_give_the_costliest_first_to_the_least_loaded():
    from pipeline.workers import balanced_shares

    assert balanced_shares([5, 1, 4, 2, 3], 2) == [[0, 3, 1], [2, 4]]  # 8 and 7
    assert balanced_shares([1, 1, 1], 3) == [[0], [1], [2]]
    assert balanced_shares([3, 3, 2, 2, 2], 2) == [[0, 2, 4], [1, 3]]  # ties: the first share


def test_consecutive_runs_close_once_they_hold_the_size():
    from pipeline.workers import consecutive_runs

    assert consecutive_runs([3, 1, 5, 2], 4) == [[0, 1], [2], [3]]
    assert consecutive_runs([3, 1, 5, 2], 100) == [[0, 1, 2, 3]]
    assert consecutive_runs([1, 1, 1], 1) == [[0], [1], [2]]
    assert consecutive_runs([], 4) == []

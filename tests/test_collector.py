import gc
import json
import weakref

import pytest

from pipeline import api
from pipeline.api import Options, build_tables
from pipeline.collector import (
    NEVER,
    drained,
    young_generations_only,
)
from tests.helpers import RAW


class Cycle:
    """An object that holds itself: only the cyclic collector frees it."""

    me: object = None


def test_the_old_generation_waits_inside_and_the_thresholds_come_back():
    before = gc.get_threshold()
    with young_generations_only():
        assert gc.get_threshold() == (before[0], before[1], NEVER)
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError), young_generations_only():
        raise RuntimeError("a stage failed")
    assert gc.get_threshold() == before


def test_a_run_builds_its_rows_with_young_collections_only(monkeypatch, model_cache, tmp_path):
    seen = tmp_path / "seen.json"  # the stages run in the run's phase processes
    real_read, real_attribute = api.read_inputs, api.attribute_pages
    real_aside = api.set_entries_aside
    left: list[weakref.ref] = []

    def noting(stage: str, value: object) -> None:
        noted = json.loads(seen.read_text()) if seen.exists() else {}
        seen.write_text(json.dumps({**noted, stage: value}))

    def read_inputs(*args, **kwargs):
        noting("extract", gc.get_threshold())
        cycle = Cycle()
        cycle.me = cycle  # what a parser may leave
        left.append(weakref.ref(cycle))
        return real_read(*args, **kwargs)

    def set_entries_aside(*args, **kwargs):
        noting("cycle left by extraction", left[0]() is not None)
        return real_aside(*args, **kwargs)

    def attribute_pages(*args, **kwargs):
        noting("attribute", gc.get_threshold())
        return real_attribute(*args, **kwargs)

    monkeypatch.setattr(api, "read_inputs", read_inputs)
    monkeypatch.setattr(api, "set_entries_aside", set_entries_aside)
    monkeypatch.setattr(api, "attribute_pages", attribute_pages)
    before = gc.get_threshold()
    build_tables(RAW, options=Options(cache_dir=model_cache))
    noted = json.loads(seen.read_text())
    assert noted["extract"][2] == NEVER
    assert noted["cycle left by extraction"] is False  # collected in one scan after it
    assert noted["attribute"][2] == NEVER
    assert gc.get_threshold() == before


def test_freed_rows_scattered_through_the_heap_go_back_to_the_system():
    """Rows freed while others live on leave holes glibc keeps; the trim returns them.
    The machines bylines runs on (Debian, as CI) have glibc: a trim not found there
    is a failure, not a skip."""
    from pipeline.collector import _malloc_trim, give_back_freed_memory

    assert _malloc_trim() is not None, "glibc's malloc_trim not found"

    def resident_mb() -> int:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * 4096 >> 20

    texts = [("x" * 2000) + str(i) for i in range(200_000)]  # 400 MB from malloc
    kept = texts[::8]  # one in eight lives on: the heap cannot shrink from its top
    del texts
    before = resident_mb()
    give_back_freed_memory()
    assert resident_mb() < before - 150
    assert len(kept) == 25_000


def test_without_a_trim_giving_memory_back_does_nothing(monkeypatch):
    from pipeline import collector

    monkeypatch.setattr(collector, "_malloc_trim", lambda: None)
    assert collector.give_back_freed_memory() is None  # no error off glibc
    calls: list[int] = []
    monkeypatch.setattr(collector, "_malloc_trim", lambda: calls.append)
    collector.give_back_freed_memory()
    assert calls == [0]


def test_drained_hands_out_every_row_in_order_and_keeps_none_of_them():
    rows = [{"n": i} for i in range(5)]
    seen = []
    for row in drained(rows, trim_every=2):
        seen.append(row)
        assert rows[len(seen) - 1] is None  # its slot is let go as it is handed out
    assert seen == [{"n": i} for i in range(5)]
    assert rows == [None] * 5

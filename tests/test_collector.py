import gc
import json
from pathlib import Path

import pyarrow as pa
import pytest

from pipeline import api
from pipeline.api import Options, build_tables
from pipeline.collector import (
    NEVER,
    drained,
    forget_spilled_pages,
    spilled,
    young_generations_only,
)
from tests.helpers import RAW, mapped_kb


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
    real_read, real_attribute = api.read_inputs, api.attribute

    def noting(stage: str) -> None:
        noted = json.loads(seen.read_text()) if seen.exists() else {}
        seen.write_text(json.dumps({**noted, stage: gc.get_threshold()}))

    def read_inputs(*args, **kwargs):
        noting("extract")
        return real_read(*args, **kwargs)

    def attribute(*args, **kwargs):
        noting("attribute")
        return real_attribute(*args, **kwargs)

    monkeypatch.setattr(api, "read_inputs", read_inputs)
    monkeypatch.setattr(api, "attribute", attribute)
    before = gc.get_threshold()
    build_tables(RAW, options=Options(cache_dir=model_cache))
    noted = json.loads(seen.read_text())
    assert tuple(noted["extract"]) == before  # parsing pages may leave cycles: collected
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


def _mapped_from(folder: Path) -> list[str]:
    with open("/proc/self/maps") as maps:
        return [line for line in maps if str(folder) in line]


def test_a_spilled_table_is_the_same_table_mapped_from_a_file_no_one_can_open(tmp_path):
    folder = tmp_path / "spill"
    table = pa.table({"text": [f"{'x' * 1000}{i}" for i in range(20_000)], "n": range(20_000)})
    expected = table.to_pydict()
    held = pa.total_allocated_bytes()
    copy = spilled(table.schema, table.to_batches(max_chunksize=5_000), folder)
    del table
    # the 20 MB of text live in the file's pages now, not in Arrow's allocations
    assert pa.total_allocated_bytes() < held - 15_000_000
    assert copy.to_pydict() == expected
    assert list(folder.iterdir()) == []  # unlinked: nothing left behind by any exit
    assert any("(deleted)" in line for line in _mapped_from(folder))
    del copy
    gc.collect()
    assert _mapped_from(folder) == []  # the mapping goes with the last column


def test_pages_of_a_spilled_table_once_read_can_be_let_go(tmp_path):
    folder = tmp_path / "spill"
    table = pa.table({"text": [f"{'y' * 1000}{i}" for i in range(20_000)]})
    copy = spilled(table.schema, table.to_batches(), folder)
    expected = table.to_pydict()
    assert copy.to_pydict() == expected  # read: its pages are mapped in
    assert mapped_kb(folder) > 15_000
    forget_spilled_pages()
    assert mapped_kb(folder) < 1_000
    assert copy.to_pydict() == expected  # and read in again when touched

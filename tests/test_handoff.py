"""A phase runs in a process of its own: what it hands on comes back whole (tables
mapped from a file), its failures are raised in the run, and what it allocated
does not stay in the run's memory."""

from __future__ import annotations

import gc
import os
import pickle
import signal
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pyarrow as pa
import pytest

from pipeline.collector import forget_spilled_pages
from pipeline.errors import ConfigError
from pipeline.handoff import Handoff

KEPT: list[object] = []


def _resident() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_values_and_tables_come_back_equal_and_fresh(tmp_path: Path):
    rows = [{"id": "a", "words": ("x", "y"), "seen": {1, 2}, "none": None}]
    table = pa.table({"id": ["a", "b", "c"], "n": [1, 2, 3]})
    with Handoff(tmp_path) as handoff:
        handoff.put(rows=rows, tables={"t": table, "u": table.slice(1)}, odd=b"x" * 3)
        assert handoff.get("rows") == rows and handoff.get("rows") is not rows
        tables = handoff.get("tables")
        assert handoff.get("odd") == b"xxx"
    assert tables["t"].equals(table) and tables["u"].equals(table.slice(1))
    for got in tables.values():  # read in place, each buffer aligned as Arrow reads it
        for column in got.columns:
            assert all(b.address % 8 == 0 for b in column.chunks[0].buffers() if b)
    assert not list(tmp_path.iterdir())  # the files were unlinked as they were made


def test_a_phase_runs_in_another_process_and_its_values_are_read_after(tmp_path: Path):
    def phase(handoff: Handoff) -> int:
        handoff.put(pid=os.getpid(), table=pa.table({"x": [1, 2]}))
        return 7

    with Handoff(tmp_path) as handoff:
        assert handoff.apart(phase, "test phase") == 7
        assert handoff.get("pid") != os.getpid()
        assert handoff.get("table").column("x").to_pylist() == [1, 2]
        handoff.apart(lambda h: h.put(more=h.get("pid")), "second phase")
        assert handoff.get("more") == handoff.get("pid")  # a phase reads earlier phases'


def test_what_a_phase_allocates_is_not_kept_by_the_run(tmp_path: Path):
    def phase(handoff: Handoff) -> None:
        made = [(n, str(n)) for n in range(2_000_000)]  # ~250 MB of small objects
        KEPT.extend(made[::1000])  # a few kept pin every arena they sit in

    before = _resident()
    with Handoff(tmp_path) as handoff:
        handoff.apart(phase, "test phase")
    assert _resident() - before < 50 << 20
    assert not KEPT


def test_a_phase_error_is_raised_in_the_run_with_where_it_happened(tmp_path: Path):
    def phase(handoff: Handoff) -> None:
        raise ConfigError("bad page in x.html, line 3")

    with Handoff(tmp_path) as handoff, pytest.raises(ConfigError, match=r"x\.html") as raised:
        handoff.apart(phase, "test phase")
    assert any("in the test phase process" in note for note in raised.value.__notes__)
    assert any("raise ConfigError" in note for note in raised.value.__notes__)


def test_an_error_that_does_not_pickle_still_fails_the_run(tmp_path: Path):
    class Local(Exception):  # defined here: pickle cannot find it again
        pass

    def phase(handoff: Handoff) -> None:
        raise Local("lost")

    with Handoff(tmp_path) as handoff, pytest.raises(RuntimeError, match="Local: lost"):
        handoff.apart(phase, "test phase")
    with pytest.raises((pickle.PicklingError, AttributeError)):
        pickle.dumps(Local("x"))


def test_a_killed_phase_is_a_broken_process(tmp_path: Path):
    def phase(handoff: Handoff) -> None:
        handoff.put(partial=1)
        os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's out-of-memory killer would

    with Handoff(tmp_path) as handoff:
        with pytest.raises(BrokenProcessPool, match="test phase process was killed by signal 9"):
            handoff.apart(phase, "test phase")
        assert "partial" not in handoff  # nothing of a killed phase is taken as done


def test_a_phase_that_exits_without_an_outcome_is_an_error(tmp_path: Path):
    with Handoff(tmp_path) as handoff, pytest.raises(RuntimeError, match="without handing on"):
        handoff.apart(lambda h: os._exit(3), "test phase")


def test_a_long_list_is_pickled_in_chunks_and_comes_back_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from pipeline import handoff as module

    monkeypatch.setattr(module, "LIST_CHUNK", 2)
    rows = [{"n": n, "shared": "s"} for n in range(5)]
    with Handoff(tmp_path) as handoff:
        handoff.put(rows=rows, empty=[])
        assert handoff._places["rows"][1] == 3  # 2 + 2 + 1
        assert handoff.get("rows") == rows and handoff.get("empty") == []


def test_a_table_read_from_the_handoff_is_not_written_again(tmp_path: Path):
    table = pa.table({"x": list(range(1000))})
    with Handoff(tmp_path) as handoff:
        handoff.put(first=table)
        size = os.fstat(handoff._tables.fileno()).st_size
        handoff.put(again={"t": handoff.get("first")})
        assert os.fstat(handoff._tables.fileno()).st_size == size
        assert handoff.get("again")["t"].equals(table)
        handoff.put(other=pa.table({"x": [1]}))  # a table it has not seen is written
        assert os.fstat(handoff._tables.fileno()).st_size > size


def _mapped_from(folder: Path) -> list[str]:
    with open("/proc/self/maps") as maps:
        return [line for line in maps if str(folder) in line]


def test_a_table_written_a_chunk_at_a_time_is_mapped_back_and_handed_on_once(tmp_path):
    folder = tmp_path / "spill"
    table = pa.table({"text": [f"{'x' * 1000}{i}" for i in range(20_000)], "n": range(20_000)})
    expected = table.to_pydict()
    held = pa.total_allocated_bytes()
    with Handoff(folder) as handoff:
        copy = handoff.table_from(table.schema, table.to_batches(max_chunksize=5_000))
        del table
        # the 20 MB of text live in the file's pages now, not in Arrow's allocations
        assert pa.total_allocated_bytes() < held - 15_000_000
        assert copy.to_pydict() == expected
        assert list(folder.iterdir()) == []  # unlinked: nothing left behind by any exit
        assert any("(deleted)" in line for line in _mapped_from(folder))
        size = os.fstat(handoff._tables.fileno()).st_size
        handoff.put(entries=copy)
        assert os.fstat(handoff._tables.fileno()).st_size == size  # its place, not a copy
        assert handoff.get("entries").to_pydict() == expected
    assert copy.to_pydict() == expected  # the table outlives the handoff's files
    del copy
    gc.collect()
    assert _mapped_from(folder) == []  # the mapping goes with the last column


def _mapped_bytes(folder: Path) -> int:
    return sum(
        int(end, 16) - int(start, 16)
        for line in _mapped_from(folder)
        for start, end in [line.split()[0].split("-")]
    )


def test_tables_handed_on_one_by_one_map_only_their_own_part_of_the_file(tmp_path):
    """A phase hands each table on as it builds it: mapping the whole growing file
    for each ran a million entries out of address space."""
    folder = tmp_path / "spill"
    table = pa.table({"text": [f"{'w' * 1000}{i}" for i in range(1_000)]})  # 1 MB
    with Handoff(folder) as handoff:
        kept = [handoff.table_from(table.schema, table.to_batches()) for _ in range(20)]
        size = os.fstat(handoff._tables.fileno()).st_size
        assert size > 20_000_000
        assert _mapped_bytes(folder) < size + 20 * 2 * 4096  # each table's part, once
        assert all(t.equals(table) for t in kept)


def test_pages_of_a_handed_on_table_once_read_can_be_let_go(tmp_path):
    from tests.helpers import mapped_kb

    folder = tmp_path / "spill"
    table = pa.table({"text": [f"{'y' * 1000}{i}" for i in range(20_000)]})
    with Handoff(folder) as handoff:
        copy = handoff.table_from(table.schema, table.to_batches())
    expected = table.to_pydict()
    assert copy.to_pydict() == expected  # read: its pages are mapped in
    assert mapped_kb(folder) > 15_000
    forget_spilled_pages()
    assert mapped_kb(folder) < 1_000
    assert copy.to_pydict() == expected  # and read in again when touched


def test_a_phase_never_returns_into_the_run_even_when_its_log_is_closed(tmp_path: Path):
    import logging

    closed = (tmp_path / "log").open("w")
    closed.close()  # as a test harness's captured stream is, after its test
    handler = logging.StreamHandler(closed)
    logging.getLogger().addHandler(handler)
    returned = tmp_path / "returned"
    try:
        with Handoff(tmp_path) as handoff:
            handoff.apart(lambda h: None, "test phase")
        with returned.open("a") as fh:  # a phase that came back would write here too
            fh.write(f"{os.getpid()}\n")
    finally:
        logging.getLogger().removeHandler(handler)
    assert returned.read_text().split() == [str(os.getpid())]

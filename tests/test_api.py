import copy
from pathlib import Path
from typing import Any, ClassVar

import pyarrow as pa

from pipeline import api
from pipeline.handoff import Handoff
from pipeline.schema import to_table
from tests.helpers import RAW


def test_arrow_shares_the_c_librarys_malloc_unless_told_otherwise(monkeypatch):
    original = pa.default_memory_pool()
    try:
        monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "mimalloc")
        pa.set_memory_pool(pa.mimalloc_memory_pool())
        api.share_malloc_with_arrow()
        assert pa.default_memory_pool().backend_name == "mimalloc"
        monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL")
        api.share_malloc_with_arrow()
        assert pa.default_memory_pool().backend_name == "system"
    finally:
        pa.set_memory_pool(original)


def test_entries_set_aside_are_their_published_table_and_the_fields_read_later(
    tmp_path, model_cache
):
    _, entries = api.read_inputs(RAW, api.Options(cache_dir=model_cache), None, {})
    whole = copy.deepcopy(entries)
    with Handoff(tmp_path / "spill") as handoff:
        table, later = api.set_entries_aside(entries, handoff.table_from)
    assert table.equals(to_table("entries", whole))
    assert entries == []  # the whole rows are let go
    assert later == [{k: e[k] for k in api.ENTRY_FIELDS_READ_LATER if k in e} for e in whole]
    assert {k for e in later for k in e} == set(api.ENTRY_FIELDS_READ_LATER)


class _Reading(dict):
    """An entry that notes which of its fields the stages read, in `log` (a file: the
    stages read them in the run's phase processes)."""

    log: ClassVar[Path]

    def _note(self, key: str) -> None:
        with _Reading.log.open("a") as fh:
            fh.write(f"{key}\n")

    def __getitem__(self, key: str) -> Any:
        self._note(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self._note(key)
        return super().get(key, default)


def test_the_stages_after_merging_papers_read_only_the_fields_set_aside(
    monkeypatch, model_cache, tmp_path
):
    """Attribution, page listings and the mentions table get entries cut to
    ENTRY_FIELDS_READ_LATER; one reading another field would read None or fail."""
    real = api.set_entries_aside

    def reading(entries, sink):
        whole = [_Reading(e) for e in entries]
        entries[:] = []
        table, _ = real([dict(e) for e in whole], sink)
        return table, whole

    monkeypatch.setattr(api, "set_entries_aside", reading)
    monkeypatch.setattr(_Reading, "log", tmp_path / "read.txt", raising=False)
    api.build_tables(RAW, options=api.Options(cache_dir=model_cache))
    read = set(_Reading.log.read_text().split())
    assert {"entry_id", "source_id", "authors"} <= read
    assert read <= set(api.ENTRY_FIELDS_READ_LATER)


def test_a_run_holds_none_of_the_spilled_entries_pages_it_has_read(tmp_path, model_cache):
    from tests.helpers import mapped_kb

    options = api.Options(cache_dir=model_cache)
    result = api.run(RAW, tmp_path / "out", options=options, argv=[])
    assert mapped_kb(options.spill_dir) == 0  # validated, reported and written, then let go
    assert result.tables["entries"].to_pylist()  # still there, read in again on demand
    assert mapped_kb(options.spill_dir) > 0

import copy
import functools

import pyarrow as pa

from pipeline import api
from pipeline.handoff import Handoff
from pipeline.schema import to_table
from tests.helpers import RAW, ReadingRow, note_to


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


def test_entries_set_aside_are_their_published_table_and_the_fields_kept(tmp_path, model_cache):
    _, entries = api.read_inputs(RAW, api.Options(cache_dir=model_cache), None, {})
    whole = copy.deepcopy(entries)
    kept = api.ENTRY_FIELDS_READ_BY_PAPERS
    with Handoff(tmp_path / "spill") as handoff:
        table, rows = api.set_entries_aside(entries, handoff.table_from, kept)
    assert table.equals(to_table("entries", whole))
    assert entries == []  # the whole rows are let go
    assert rows == [{k: e[k] for k in kept if k in e} for e in whole]
    assert {k for e in rows for k in e} == set(kept)
    assert {"raw_text", "affiliations"} <= {k for e in whole for k in e} - set(kept)


def test_entries_are_cut_to_fields_in_place():
    entries = [{"entry_id": "e1", "title": "T", "abstract": "A"}, {"entry_id": "e2"}]
    first = entries[0]
    api.cut_to(entries, ("entry_id", "title"))
    assert entries == [{"entry_id": "e1", "title": "T"}, {"entry_id": "e2"}]
    assert entries[0] is first


def test_each_stage_reads_only_the_entry_fields_it_is_given(monkeypatch, model_cache, tmp_path):
    """Matching and merging papers get entries cut to ENTRY_FIELDS_READ_BY_PAPERS,
    attribution, page listings and the mentions table then to
    ENTRY_FIELDS_READ_LATER; one reading another field would read None or fail."""
    real_aside, real_cut = api.set_entries_aside, api.cut_to
    log = tmp_path / "read.txt"
    note = functools.partial(note_to, log)

    def reading(entries, sink, kept):
        table, rows = real_aside(entries, sink, kept)
        return table, [ReadingRow(e, note) for e in rows]

    def cut(entries, fields):
        note("--cut--")
        real_cut(entries, fields)

    monkeypatch.setattr(api, "set_entries_aside", reading)
    monkeypatch.setattr(api, "cut_to", cut)
    api.build_tables(RAW, options=api.Options(cache_dir=model_cache))
    by_papers, later = log.read_text().split("--cut--\n")
    assert {"title_key", "abstract", "published"} <= set(by_papers.split())
    assert set(by_papers.split()) <= set(api.ENTRY_FIELDS_READ_BY_PAPERS)
    assert {"entry_id", "source_id", "authors"} <= set(later.split())
    assert set(later.split()) <= set(api.ENTRY_FIELDS_READ_LATER)


def test_a_run_holds_none_of_the_spilled_entries_pages_it_has_read(tmp_path, model_cache):
    from tests.helpers import mapped_kb

    options = api.Options(cache_dir=model_cache)
    result = api.run(RAW, tmp_path / "out", options=options, argv=[])
    assert mapped_kb(options.spill_dir) == 0  # validated, reported and written, then let go
    assert result.tables["entries"].to_pylist()  # still there, read in again on demand
    assert mapped_kb(options.spill_dir) > 0


def test_a_catalogue_under_half_the_last_ones_entries_is_flagged():
    assert api.shrink_issues({"entries": 100}, {"entries": 49})[0]["check"] == "catalogue_shrank"
    assert not api.shrink_issues({"entries": 100}, {"entries": 50})
    assert not api.shrink_issues({"entries": 19}, {"entries": 1})  # too few to judge
    assert not api.shrink_issues({}, {"entries": 5})  # a first run

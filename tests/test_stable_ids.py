"""Stable ids across runs: inherit, merge, split, remove."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import api
from pipeline.stable_ids import inherit
from tests.helpers import RAW


def test_clusters_inherit_the_id_they_overlap_most():
    previous = {"p1": {"a", "b", "c"}, "p2": {"d"}, "p3": {"e", "f"}, "p4": {"g"}}
    current = {"x": {"a", "b", "c", "h"}, "y": {"d", "e"}, "z": {"f"}, "w": {"i"}}
    stable, changes = inherit(current, previous, "paper")
    assert stable["x"] == "p1"  # grew by one entry: same id
    assert stable["w"] == "w"  # new paper: its fresh id
    assert (stable["y"], stable["z"]) == ("p2", "p3")  # largest overlaps first, ties by id
    assert {(c["old_id"], c["new_id"], c["kind"]) for c in changes} == {
        ("p3", "p2", "split"),  # p3's entries now lie in two papers
        ("p4", None, "removed"),
    }


def test_merge_is_recorded():
    stable, changes = inherit({"x": {"a", "b", "c"}}, {"p1": {"a", "b"}, "p2": {"c"}}, "paper")
    assert stable == {"x": "p1"}
    assert changes == [{"entity": "paper", "old_id": "p2", "new_id": "p1", "kind": "merged"}]


def test_split_is_recorded():
    stable, changes = inherit({"x": {"a", "b"}, "y": {"c"}}, {"p1": {"a", "b", "c"}}, "person")
    assert stable["x"] == "p1" and stable["y"] == "y"
    assert changes == [{"entity": "person", "old_id": "p1", "new_id": "y", "kind": "split"}]


def test_fresh_ids_never_reuse_a_retired_id():
    stable, _ = inherit({"p2": {"z"}}, {"p2": {"q"}}, "paper")
    assert stable["p2"] != "p2"


def test_ids_survive_a_growing_folder(tmp_path: Path, model_cache: Path):
    folder = tmp_path / "in"
    shutil.copytree(RAW, folder)
    out = tmp_path / "out"
    options = api.Options(cache_dir=model_cache)
    first = api.run(folder, out, options=options, argv=[]).tables
    (folder / "more.txt").write_text(
        "Abstract:We measure the thermal conductivity of frozen lake ice over many winters.\n"
        "Abstract:A second new abstract about the migration of arctic terns along the coast.\n"
    )
    second = api.run(folder, out, options=options, argv=[]).tables

    def by_entry(tables):
        return dict(
            zip(
                tables["paper_entries"]["entry_id"].to_pylist(),
                tables["paper_entries"]["paper_id"].to_pylist(),
                strict=True,
            )
        )

    before, after = by_entry(first), by_entry(second)
    assert all(after[e] == p for e, p in before.items())
    persons_before = set(first["persons"]["person_id"].to_pylist())
    assert persons_before <= set(second["persons"]["person_id"].to_pylist())
    assert second["id_changes"].num_rows == 0


def test_a_rerun_reads_only_the_ids_and_changes_columns_of_its_last_output(
    tmp_path: Path, model_cache: Path, monkeypatch
):
    out = tmp_path / "out"
    options = api.Options(cache_dir=model_cache)
    api.run(RAW, out, options=options, argv=[])
    seen: list[dict] = []
    real = api.build_tables

    def build_tables(input_dir, progress=None, options=None, previous=None):
        seen.append({name: t.column_names for name, t in (previous or {}).items()})
        return real(input_dir, progress, options, previous)

    monkeypatch.setattr(api, "build_tables", build_tables)
    second = api.run(RAW, out, options=options, argv=[]).tables
    assert seen == [
        {
            "attributions": ["entry_id", "status"],
            "authorships": ["person_id", "mention_key"],
            "paper_entries": ["entry_id", "paper_id"],
            "papers": ["paper_id", "title"],
        }
    ]
    assert second["id_changes"].num_rows == 0


def test_a_rerun_keeps_the_ids_its_last_output_gave_even_where_fresh_ids_differ(
    tmp_path: Path, model_cache: Path
):
    out = tmp_path / "out"
    options = api.Options(cache_dir=model_cache)
    api.run(RAW, out, options=options, argv=[])
    for table, column in (("paper_entries", "paper_id"), ("authorships", "person_id")):
        path = out / f"{table}.parquet"
        published = pq.read_table(path)
        renamed = pa.array(["old_" + v for v in published[column].to_pylist()])
        pq.write_table(
            published.set_column(published.schema.get_field_index(column), column, renamed), path
        )
    second = api.run(RAW, out, options=options, argv=[]).tables
    for table, column in (("papers", "paper_id"), ("persons", "person_id")):
        assert all(v.startswith("old_") for v in second[table][column].to_pylist()), table
    assert second["id_changes"].num_rows == 0

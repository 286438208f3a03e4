"""Stable ids across runs: inherit, merge, split, remove."""

from __future__ import annotations

import shutil
from pathlib import Path

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

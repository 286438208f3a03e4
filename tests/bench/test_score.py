"""Benchmark scores from contingency counts agree with the pair-by-pair definitions."""

from __future__ import annotations

import pandas as pd
import pytest

from bench.score import cluster_scores, flag_scores
from pipeline.evaluate import bcubed, pairwise


def test_cluster_scores_match_the_pairwise_and_bcubed_definitions():
    predicted = ["a", "a", "a", "b", "b", "c", "d"]
    truth = [1, 1, 2, 2, 2, 3, 3]
    got = cluster_scores(pd.Series(predicted), pd.Series(truth))

    def clusters(labels):
        groups = {}
        for i, label in enumerate(labels):
            groups.setdefault(label, set()).add(str(i))
        return [frozenset(g) for g in groups.values()]

    pw = pairwise(clusters(predicted), clusters(truth))
    b3 = bcubed(clusters(predicted), clusters(truth))
    assert got["pairwise_precision"] == pytest.approx(pw["precision"], abs=1e-4)
    assert got["pairwise_recall"] == pytest.approx(pw["recall"], abs=1e-4)
    assert got["bcubed_precision"] == pytest.approx(b3["precision"], abs=1e-4)
    assert got["bcubed_recall"] == pytest.approx(b3["recall"], abs=1e-4)
    assert got["true_pairs"] == pw["true_pairs"]


def test_perfect_clustering_scores_one():
    labels = pd.Series([5, 5, 6, 7, 7, 7])
    got = cluster_scores(labels.astype(str), labels)
    assert got["pairwise_f1"] == got["bcubed_f1"] == 1.0


def test_flag_scores():
    got = flag_scores(pd.Series([True, True, False, False]), pd.Series([True, False, True, False]))
    assert (got["precision"], got["recall"]) == (0.5, 0.5)


def test_each_mention_takes_the_true_person_at_its_place_on_the_byline(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from bench.score import read_mentions

    pq.write_table(
        pa.table(
            {
                "person_id": ["a", "b", "c"],
                "mention_key": ["page.txt#0@1", "page.txt#0@0", "gone.txt#3@0"],
            }
        ),
        tmp_path / "authorships.parquet",
    )
    joined = pd.DataFrame({"record_key": ["page.txt#0"], "persons": ["7;9"], "path": ["page.txt"]})
    got = read_mentions(tmp_path, joined, ["person_id"])
    assert got.to_dict("records") == [
        {"person_id": "a", "path": "page.txt", "true_person": "9"},
        {"person_id": "b", "path": "page.txt", "true_person": "7"},
    ]

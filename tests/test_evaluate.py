"""Cluster metrics and answer keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from pipeline.evaluate import bcubed, clusters_from_pairs, pairwise, read_answer_key


def test_clusters_from_pairs_are_transitive():
    clusters = clusters_from_pairs(["a", "b", "c", "d"], [("a", "b"), ("b", "c")])
    assert clusters == [frozenset("abc"), frozenset("d")]


def test_perfect_and_imperfect_clusterings():
    truth = [frozenset("abc"), frozenset("d")]
    assert pairwise(truth, truth)["f1"] == 1.0 and bcubed(truth, truth)["f1"] == 1.0
    split = [frozenset("ab"), frozenset("c"), frozenset("d")]
    p = pairwise(split, truth)
    assert p["precision"] == 1.0 and p["recall"] == pytest.approx(1 / 3, abs=1e-3)
    merged = [frozenset("abcd")]
    assert pairwise(merged, truth)["precision"] == 0.5
    b = bcubed(merged, truth)
    assert b["recall"] == 1.0 and b["precision"] < 1.0


def test_answer_key_reading(tmp_path: Path):
    key = tmp_path / "key.csv"
    key.write_text("key_a,key_b\nx#0,y#1\n\nx#2,y#3\n")
    assert read_answer_key(key) == [("x#0", "y#1"), ("x#2", "y#3")]
    key.write_text("x#0\n")
    with pytest.raises(ConfigError, match="line 1"):
        read_answer_key(key)
    with pytest.raises(ConfigError, match="no such file"):
        read_answer_key(tmp_path / "missing.csv")

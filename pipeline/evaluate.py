"""Matcher quality: pairwise precision/recall/F1 and B-cubed F1, and answer keys.

An answer key is a CSV of matching pairs `key_a,key_b` naming records by
`record_key` (mentions by `RECORD_KEY@POSITION`). Truth clusters are the
connected components of its pairs; every other record is alone.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from pipeline.errors import ConfigError

Cluster = frozenset[str]


def read_answer_key(path: Path) -> list[tuple[str, str]]:
    """Pairs from an answer-key CSV (header `key_a,key_b`, or two unnamed columns)."""
    if not path.is_file():
        raise ConfigError(f"--answer-key {path}: no such file")
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    first = 1
    if rows and [c.strip().lower() for c in rows[0][:2]] == ["key_a", "key_b"]:
        rows, first = rows[1:], 2
    pairs = []
    for n, row in enumerate(rows, start=first):
        if not row or not any(c.strip() for c in row):
            continue
        if len(row) < 2:
            raise ConfigError(f"{path}: line {n}: expected two keys, got {row!r}")
        pairs.append((row[0].strip(), row[1].strip()))
    return pairs


def clusters_from_pairs(keys: Iterable[str], pairs: Iterable[tuple[str, str]]) -> list[Cluster]:
    """Connected components of `pairs` over `keys` (keys in no pair are singletons)."""
    parent: dict[str, str] = {k: k for k in keys}

    def find(k: str) -> str:
        parent.setdefault(k, k)
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, set[str]] = defaultdict(set)
    for k in list(parent):
        groups[find(k)].add(k)
    return sorted((frozenset(g) for g in groups.values()), key=lambda c: min(c))


def _pairs_of(clusters: Iterable[Cluster]) -> set[tuple[str, str]]:
    out = set()
    for c in clusters:
        items = sorted(c)
        for i, a in enumerate(items):
            for b in items[i + 1 :]:
                out.add((a, b))
    return out


def pairwise(predicted: list[Cluster], truth: list[Cluster]) -> dict[str, float]:
    """Precision, recall and F1 over the pairs of records placed together."""
    p, t = _pairs_of(predicted), _pairs_of(truth)
    tp = len(p & t)
    precision = tp / len(p) if p else 1.0
    recall = tp / len(t) if t else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "predicted_pairs": len(p),
        "true_pairs": len(t),
    }


def bcubed(predicted: list[Cluster], truth: list[Cluster]) -> dict[str, float]:
    """B-cubed precision, recall and F1 over the records both clusterings share."""
    pred_of = {k: c for c in predicted for k in c}
    true_of = {k: c for c in truth for k in c}
    keys = sorted(set(pred_of) & set(true_of))
    if not keys:
        return {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    precision = sum(len(pred_of[k] & true_of[k]) / len(pred_of[k]) for k in keys) / len(keys)
    recall = sum(len(pred_of[k] & true_of[k]) / len(true_of[k]) for k in keys) / len(keys)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def score_clusters(predicted: list[Cluster], truth: list[Cluster]) -> dict[str, object]:
    return {"pairwise": pairwise(predicted, truth), "bcubed": bcubed(predicted, truth)}

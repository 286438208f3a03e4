"""Agglomeration loops compiled with Numba: the hot paths of person resolution.

`average_linkage` is the clustering of `matching.constrained_clusters`, one
component at a time: must-linked records start in one cluster; two clusters
holding a cannot-linked pair never merge; otherwise the pair of clusters with
the highest mean score over their scored pairs merges while that mean is at
least the threshold; ties break on the smaller cluster ids; the larger cluster
absorbs the smaller (on equal sizes, the smaller id absorbs).

`cosine_merges` is the collaborator cut of `resolve_authors.collaborator_groups`:
groups merge by the cosine of their weighted collaborator counts.

Both were Python loops over dicts, sets and a heap of tuples: at a million
entries about two minutes of clustering and one of cutting. The loops here run
the same steps in the same order over integer arrays and Numba's typed dicts,
so the results are the Python versions' to the last bit (the tests keep those
versions as the specification). Python keeps what is cheap and readable around
them: labels, conflicts, and replaying the merges into groups of records.
"""

from __future__ import annotations

import gc
import heapq
import itertools
import math
import os
import subprocess
import sys
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from numba import njit, types
from numba.typed import Dict, List

STALE = 1e-12
"""A heap entry whose mean moved by more than this since it was pushed is stale."""

_GROUP_SET = types.DictType(types.int64, types.boolean)
"""Numba's type of a set of group numbers (a typed dict to True)."""


class UnionFind:
    """Disjoint sets whose root is always the smallest member: deterministic."""

    def __init__(self, items: Iterable[Any]) -> None:
        self.parent = {i: i for i in items}

    def find(self, i: Any) -> Any:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: Any, b: Any) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def average_linkage(
    ids: list[int],
    left: np.ndarray,
    right: np.ndarray,
    value: np.ndarray,
    threshold: float,
    must: set[tuple[int, int]],
    cannot: set[tuple[int, int]],
) -> tuple[list[list[int]], list[str]]:
    """Average linkage on one component: its clusters (each sorted, in the order of
    their first member in `ids`) and the label conflicts found in it.

    `left`, `right`, `value` are the component's scored pairs, each pair once; the
    order matters only to the last bit of the sums, as it would in any loop."""
    conflicts: list[str] = []
    uf = UnionFind(ids)
    cannot_set = {(min(a, b), max(a, b)) for a, b in cannot}
    for a, b in sorted(must):
        uf.union(a, b)
    members: dict[int, list[int]] = {}
    for i in ids:
        members.setdefault(uf.find(i), []).append(i)
    for a, b in sorted(cannot_set):
        if uf.find(a) == uf.find(b):
            conflicts.append(
                f"records {a} and {b} are labeled both same (through others) and different"
            )
    roots = sorted(members)  # a cluster's number is its root's rank: ties break alike
    number = {root: n for n, root in enumerate(roots)}
    order = np.asarray(sorted(ids), dtype=np.int64)
    cluster = np.fromiter((number[uf.find(i)] for i in order.tolist()), np.int64, len(order))
    ca = cluster[np.searchsorted(order, left)]
    cb = cluster[np.searchsorted(order, right)]
    forbidden = np.asarray(
        sorted(
            {
                (min(x, y), max(x, y))
                for x, y in ((number[uf.find(a)], number[uf.find(b)]) for a, b in cannot_set)
                if x != y
            }
        ),
        dtype=np.int64,
    ).reshape(-1, 2)
    sizes = np.fromiter((len(members[root]) for root in roots), np.int64, len(roots))
    merges = _merge_order(ca, cb, np.asarray(value, np.float64), sizes, forbidden, float(threshold))
    for survivor, absorbed in merges.tolist():
        members[roots[survivor]].extend(members.pop(roots[absorbed]))
    return [sorted(m) for m in members.values()], conflicts


_HOME = str(Path(__file__).resolve().parents[1])
"""The folder holding the `pipeline` package, for the compiling child's imports."""


_warming: dict[int, subprocess.Popen[bytes]] = {}
"""The compiling child (`warm_up`) each process started, by that process's id: a
forked process cannot wait for its parent's child."""


def warm_up() -> None:
    """Start the child that compiles the loops into Numba's cache (`compile_now`)
    now, to be waited for when they are first needed. Its second or so, most of it
    starting Python and Numba even when the cache is warm, then runs beside this
    process's own work (extraction, training) instead of before the clustering."""
    if os.getpid() not in _warming:
        path = os.pathsep.join(filter(None, [_HOME, os.environ.get("PYTHONPATH")]))
        _warming[os.getpid()] = subprocess.Popen(
            [sys.executable, "-c", "from pipeline import linkage; linkage._run_each_loop()"],
            env={**os.environ, "PYTHONPATH": path},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


@cache
def compile_now() -> None:
    """Have the loops here ready in this process before workers fork, so they share
    the machine code instead of each compiling it (about 13 s a loop on the 2-core
    machine).

    A child process compiles them into Numba's cache first (started by `warm_up`,
    or here if nothing did), and this process loads them from there: compiling
    here left about 120,000 objects of Numba's own behind (a run's collector never
    sweeps the oldest generation, see `collector`) and the 100k run's peak 300 MB
    higher, 1.9 GB at a million. Where the cache cannot be written the child's work
    is lost and this process compiles, then sweeps once."""
    warm_up()
    _warming[os.getpid()].wait()
    _run_each_loop()
    if any(loop.stats.cache_misses for loop in (_merge_order, _cosine_merges)):
        gc.collect()


def _run_each_loop() -> None:
    """Call each compiled loop once on a tiny input: compiles or loads it."""
    _merge_order(
        np.zeros(1, np.int64),
        np.ones(1, np.int64),
        np.ones(1),
        np.ones(2, np.int64),
        np.zeros((0, 2), np.int64),
        0.5,
    )
    cosine_merges([1, 1], [[0], [0]], np.ones(1), 0.5)


@njit(cache=True)
def _key(a: int, b: int, k: int) -> int:
    return min(a, b) * k + max(a, b)


@njit(cache=True)
def _merge_order(
    ca: np.ndarray,
    cb: np.ndarray,
    value: np.ndarray,
    sizes: np.ndarray,
    forbidden: np.ndarray,
    threshold: float,
) -> np.ndarray:
    """The merges of average linkage, in order, as (survivor, absorbed) rows over
    clusters numbered 0..k-1 (`sizes[c]` records in cluster c; pair i scored
    `value[i]` links clusters `ca[i]` and `cb[i]`; `forbidden` rows never merge).

    A link between two live clusters is a slot (`slot_of` its key) holding the sum
    of its scores and how many were scored; a cluster's neighbours are listed in
    `near`, where entries whose link has gone are skipped, not removed."""
    k = len(sizes)
    sizes = sizes.copy()
    alive = np.ones(k, dtype=np.bool_)
    slot_of = Dict.empty(key_type=types.int64, value_type=types.int64)
    total = np.empty(len(ca), np.float64)  # a link moved to a new key keeps its slot
    count = np.empty(len(ca), np.int64)
    near = List()
    for _ in range(k):
        near.append(List.empty_list(types.int64))
    for i in range(len(ca)):
        a, b = ca[i], cb[i]
        if a == b:
            continue
        key = _key(a, b, k)
        if key in slot_of:
            slot = slot_of[key]
            total[slot] += value[i]
            count[slot] += 1
        else:
            slot = len(slot_of)  # links are only added here: slots 0, 1, 2, ...
            slot_of[key] = slot
            total[slot], count[slot] = value[i], 1
            near[a].append(b)
            near[b].append(a)
    banned = Dict.empty(key_type=types.int64, value_type=types.boolean)
    for i in range(len(forbidden)):
        banned[_key(forbidden[i, 0], forbidden[i, 1], k)] = True
    heap = [(0.0, 0, 0) for _ in range(0)]
    for key, slot in slot_of.items():
        if key not in banned:
            heap.append((-total[slot] / count[slot], key // k, key % k))
    heapq.heapify(heap)
    merges = []
    while heap:
        neg, a, b = heapq.heappop(heap)
        if -neg < threshold:
            break
        if not alive[a] or not alive[b]:
            continue
        key = a * k + b
        if len(banned) and key in banned:
            continue
        mean = total[slot_of[key]] / count[slot_of[key]] if key in slot_of else 0.0
        if abs(mean + neg) > STALE:
            continue  # stale: the clusters changed since this entry was pushed
        slot_of.pop(key)
        if sizes[a] < sizes[b]:
            a, b = b, a  # the smaller cluster moves: a merge costs the links it moves
        merges.append((a, b))
        sizes[a] += sizes[b]
        alive[b] = False
        moved = List.empty_list(types.int64)
        for other in near[b]:
            if other == a or not alive[other]:
                continue  # a, or a neighbour since merged into another cluster
            old = _key(b, other, k)
            if old not in slot_of:
                continue  # listed twice: already moved
            slot = slot_of[old]
            del slot_of[old]
            moved.append(other)
            new = _key(a, other, k)
            if new in slot_of:
                into = slot_of[new]
                total[into] += total[slot]
                count[into] += count[slot]
            else:
                slot_of[new] = slot  # the link keeps its slot under its new key
                near[a].append(other)
                near[other].append(a)
            if len(banned) and old in banned:
                banned.pop(old)
                banned[new] = True
        near[b] = List.empty_list(types.int64)
        for other in moved:  # only links to the moved cluster's neighbours changed
            key = _key(a, other, k)
            if not (len(banned) and key in banned):
                slot = slot_of[key]
                heapq.heappush(heap, (-total[slot] / count[slot], min(a, other), max(a, other)))
    out = np.empty((len(merges), 2), dtype=np.int64)
    for i in range(len(merges)):
        out[i, 0], out[i, 1] = merges[i]
    return out


def cosine_merges(
    group_sizes: list[int],
    item_words: list[list[int]],
    word_weights: np.ndarray,
    threshold: float,
) -> np.ndarray:
    """Greedy agglomeration of groups by the cosine of their weighted word counts:
    the merges, in order, as (survivor, absorbed) rows of group numbers.

    Items are listed group by group: group g starts as the next `group_sizes[g]`
    items; item i holds the words `item_words[i]`; a group's vector counts each
    word once an item, times the word's weight (words weighing 0 or less are left
    out). The two groups whose vectors are most alike merge, the smaller number
    surviving, while their cosine is at least `threshold`; a merged group's cosines
    are worked out again. Sums run in the order a Python loop over dicts would take
    (each item's words in the order given), so the result is the Python version's
    to the last bit."""
    group_ptr = np.cumsum([0, *group_sizes], dtype=np.int64)
    item_ptr = np.cumsum([0, *map(len, item_words)], dtype=np.int64)
    words = np.fromiter(itertools.chain.from_iterable(item_words), np.int64, int(item_ptr[-1]))
    return _cosine_merges(
        group_ptr, item_ptr, words, np.asarray(word_weights, np.float64), float(threshold)
    )


@njit(cache=True)
def _norm(vector: Any) -> float:
    total = 0.0
    for x in vector.values():
        total += x * x
    return math.sqrt(total)


@njit(cache=True)
def _cosine(vectors: Any, norms: np.ndarray, a: int, b: int) -> float:
    """Cosine of groups a and b: the dot product summed over the shorter vector (the
    first on a tie), in its order."""
    first, second = vectors[a], vectors[b]
    if len(first) > len(second):
        first, second = second, first
    dot = 0.0
    for word, x in first.items():
        if word in second:
            dot += x * second[word]
    return dot / (norms[a] * norms[b]) if dot else 0.0


@njit(cache=True)
def _isclose(a: float, b: float) -> bool:
    return a == b or abs(a - b) <= 1e-9 * max(abs(a), abs(b))


@njit(cache=True)
def _sorted_keys(found: Any) -> np.ndarray:
    out = np.empty(len(found), np.int64)
    for n, key in enumerate(found):
        out[n] = key
    out.sort()
    return out


@njit(cache=True)
def _cosine_merges(
    group_ptr: np.ndarray,
    item_ptr: np.ndarray,
    words: np.ndarray,
    weights: np.ndarray,
    threshold: float,
) -> np.ndarray:
    """`cosine_merges` over flat arrays: group g's items are `group_ptr[g]` up to
    `group_ptr[g + 1]`, item i's words `words[item_ptr[i]:item_ptr[i + 1]]`."""
    g = len(group_ptr) - 1
    vectors = List()
    norms = np.zeros(g)
    holders = Dict.empty(key_type=types.int64, value_type=_GROUP_SET)
    for i in range(g):
        counts = Dict.empty(key_type=types.int64, value_type=types.int64)
        for item in range(group_ptr[i], group_ptr[i + 1]):
            for t in range(item_ptr[item], item_ptr[item + 1]):
                counts[words[t]] = counts.get(words[t], 0) + 1
        vector = Dict.empty(key_type=types.int64, value_type=types.float64)
        for word, n in counts.items():
            if weights[word] > 0:
                vector[word] = n * weights[word]
        vectors.append(vector)
        norms[i] = _norm(vector)
        for word in vector:
            if word not in holders:
                holders[word] = Dict.empty(key_type=types.int64, value_type=types.boolean)
            holders[word][i] = True
    dots = Dict.empty(key_type=types.int64, value_type=types.float64)
    for word, holding in holders.items():
        ordered = _sorted_keys(holding)
        for x in range(len(ordered)):
            a = ordered[x]
            weight = vectors[a][word]
            for y in range(x + 1, len(ordered)):
                b = ordered[y]
                dots[a * g + b] = dots.get(a * g + b, 0.0) + weight * vectors[b][word]
    heap = [(0.0, 0, 0) for _ in range(0)]
    for key, dot in dots.items():
        a, b = key // g, key % g
        score = dot / (norms[a] * norms[b])
        if score >= threshold:
            heap.append((-score, a, b))
    heapq.heapify(heap)
    alive = np.ones(g, dtype=np.bool_)
    merges = []
    while heap:
        neg, a, b = heapq.heappop(heap)
        if not alive[a] or not alive[b]:
            continue
        now = _cosine(vectors, norms, a, b)
        if not _isclose(now, -neg):  # scored before a or b grew
            if now >= threshold:
                heapq.heappush(heap, (-now, a, b))
            continue
        absorbed = vectors[b]
        for word in absorbed:
            holding = holders[word]
            if b in holding:
                del holding[b]
            holding[a] = True
        survivor = vectors[a]
        for word, x in absorbed.items():
            survivor[word] = survivor.get(word, 0.0) + x
        vectors[b] = Dict.empty(key_type=types.int64, value_type=types.float64)
        alive[b] = False
        merges.append((a, b))
        norms[a] = _norm(survivor)
        near = Dict.empty(key_type=types.int64, value_type=types.boolean)
        for word in survivor:
            for other in holders[word]:
                if other != a:
                    near[other] = True
        for other in _sorted_keys(near):
            score = _cosine(vectors, norms, a, other)
            if score >= threshold:
                heapq.heappush(heap, (-score, min(a, other), max(a, other)))
    out = np.empty((len(merges), 2), dtype=np.int64)
    for i in range(len(merges)):
        out[i, 0], out[i, 1] = merges[i]
    return out

"""Average-linkage agglomeration over scored pairs, compiled.

The clustering of `matching.constrained_clusters`, one component at a time. The
merge loop is the hot path of person resolution: at a million entries its
Python version (dicts of links, sets of neighbours, a heap of tuples) spent about
two minutes on eleven million scored pairs. Here the loop is compiled by Numba
over integer arrays and typed dictionaries, and Python keeps what is cheap and
readable: curator labels, conflicts, and replaying the merges into clusters.

The rules are those of `constrained_clusters`: must-linked records start in one
cluster; two clusters holding a cannot-linked pair never merge; otherwise the
pair of clusters with the highest mean score over their scored pairs merges
while that mean is at least the threshold; ties break on the smaller cluster ids;
the larger cluster absorbs the smaller (on equal sizes, the smaller id absorbs).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from typing import Any

import numpy as np
from numba import njit, types
from numba.typed import Dict, List

STALE = 1e-12
"""A heap entry whose mean moved by more than this since it was pushed is stale."""


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


def compile_now() -> None:
    """Compile (or load from Numba's cache) the merge loop in this process, so that
    workers forked after it share the machine code instead of each compiling it
    (13 s on the 2-core machine when nothing is cached)."""
    _merge_order(
        np.zeros(1, np.int64),
        np.ones(1, np.int64),
        np.ones(1),
        np.ones(2, np.int64),
        np.zeros((0, 2), np.int64),
        0.5,
    )


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
    used = 0
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
            slot_of[key] = used
            total[used], count[used] = value[i], 1
            used += 1
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

"""The compiled average linkage against the plain Python it replaced."""

from __future__ import annotations

import heapq
import os
import random
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from pipeline.linkage import UnionFind, average_linkage


def reference_linkage(
    ids: list[int],
    scores: Iterable[tuple[int, int, float]],
    threshold: float,
    must: set[tuple[int, int]],
    cannot: set[tuple[int, int]],
) -> tuple[list[list[int]], list[str]]:
    """The pure-Python average linkage bylines ran before the compiled one: dicts of
    links, sets of neighbours, a heap of tuples. Kept as the specification."""
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
    cluster_of = {i: uf.find(i) for i in ids}
    forbidden: set[tuple[int, int]] = set()
    for a, b in cannot_set:
        ca, cb = cluster_of[a], cluster_of[b]
        if ca != cb:
            forbidden.add((min(ca, cb), max(ca, cb)))
    links: dict[tuple[int, int], list[float]] = {}
    """Between two clusters: [sum of their pairs' scores, how many were scored]."""
    neighbours: dict[int, set[int]] = {c: set() for c in members}
    for a, b, s in scores:
        ca, cb = cluster_of[a], cluster_of[b]
        if ca != cb:
            key = (min(ca, cb), max(ca, cb))
            link = links.setdefault(key, [0.0, 0])
            link[0] += s
            link[1] += 1
            neighbours[ca].add(cb)
            neighbours[cb].add(ca)

    def mean(key: tuple[int, int]) -> float:
        total, n = links.get(key, (0.0, 0))
        return total / n if n else 0.0

    # entries are distinct tuples, so the pops' order is the same whatever the order here
    heap = [(-total / n, *k) for k, (total, n) in links.items() if k not in forbidden]
    heapq.heapify(heap)
    while heap:
        neg, a, b = heapq.heappop(heap)
        if -neg < threshold:
            break
        if a not in members or b not in members or (a, b) in forbidden:
            continue
        if abs(mean((a, b)) + neg) > 1e-12:
            continue  # stale: the clusters changed since this entry was pushed
        links.pop((a, b))
        if len(members[a]) < len(members[b]):
            a, b = b, a  # the smaller cluster moves: a merge costs the links it moves
        members[a].extend(members.pop(b))
        moved = neighbours.pop(b) - {a}
        neighbours[a].discard(b)
        for other in moved:
            old, new = (min(b, other), max(b, other)), (min(a, other), max(a, other))
            if old in links:
                total, n = links.pop(old)
                link = links.setdefault(new, [0.0, 0])
                link[0] += total
                link[1] += n
            if old in forbidden:
                forbidden.discard(old)
                forbidden.add(new)
            neighbours[other].discard(b)
            neighbours[other].add(a)
            neighbours[a].add(other)
        # only links to the moved cluster's neighbours changed; the others' entries hold
        for other in sorted(moved):
            key = (min(a, other), max(a, other))
            if key in links and key not in forbidden:
                heapq.heappush(heap, (-mean(key), *key))
    return [sorted(m) for m in members.values()], conflicts


def _compiled(ids, scores, threshold, must, cannot):
    pairs = sorted(scores)
    left = np.asarray([a for a, _ in pairs], np.int64)
    right = np.asarray([b for _, b in pairs], np.int64)
    value = np.asarray([scores[p] for p in pairs], np.float64)
    return average_linkage(ids, left, right, value, threshold, must, cannot)


def _random_component(rng: random.Random, n: int, spread: int = 1):
    ids = [1000 + spread * i for i in range(n)]
    pairs = {tuple(sorted(rng.sample(ids, 2))) for _ in range(rng.randint(1, 4 * n))}
    # few distinct scores: ties everywhere, so tie-breaking is exercised
    levels = [0.0, 0.2, 0.45, 0.5, 0.55, 0.6, 0.8, 0.95, 1.0]
    scores = {p: rng.choice(levels) for p in sorted(pairs)}
    must = {p for p in pairs if rng.random() < 0.05}
    cannot = {p for p in pairs if rng.random() < 0.1} - must
    cannot |= {tuple(sorted(rng.sample(ids, 2))) for _ in range(rng.randint(0, 2))} - must
    rng.shuffle(ids)
    return ids, scores, must, cannot


def test_compiled_linkage_merges_as_the_python_one_did():
    rng = random.Random(11)
    for trial in range(400):
        n = rng.randint(2, 40)
        ids, scores, must, cannot = _random_component(rng, n, spread=1 + trial % 7)
        threshold = rng.choice([0.3, 0.5, 0.55])
        expected = reference_linkage(
            ids, [(a, b, s) for (a, b), s in sorted(scores.items())], threshold, must, cannot
        )
        assert _compiled(ids, scores, threshold, must, cannot) == expected


def test_average_is_over_scored_pairs_and_a_cannot_link_blocks_the_merge():
    # 0-1 strong, 2 joins {0,1} on one strong and one unscored pair: mean 0.9
    scores = {(0, 1): 0.95, (1, 2): 0.9, (3, 4): 0.9, (2, 3): 0.6}
    # a run scores its cannot-links 0 (`Scores.with_pairs`), so they are links too
    clusters, conflicts = _compiled(list(range(5)), {**scores, (0, 4): 0.0}, 0.5, set(), {(0, 4)})
    assert clusters == [[0, 1, 2], [3, 4]] and conflicts == []
    clusters, _ = _compiled(list(range(5)), scores, 0.5, set(), set())
    assert clusters == [[0, 1, 2, 3, 4]]  # {0,1,2}-{3,4}: one scored pair, 0.6
    clusters, _ = _compiled(list(range(5)), {**scores, (0, 4): 0.0}, 0.5, set(), set())
    assert clusters == [[0, 1, 2], [3, 4]]  # a scored 0 counts: (0.6 + 0) / 2


def test_must_links_start_together_and_contradictions_are_reported():
    clusters, conflicts = _compiled([0, 1, 2], {(0, 1): 0.0}, 0.5, {(0, 1), (1, 2)}, {(0, 2)})
    assert clusters == [[0, 1, 2]]
    assert conflicts == ["records 0 and 2 are labeled both same (through others) and different"]


def test_a_large_component_merges_as_the_python_one_did():
    rng = random.Random(3)
    ids, scores, must, cannot = _random_component(rng, 3000)
    expected = reference_linkage(
        ids, [(a, b, s) for (a, b), s in sorted(scores.items())], 0.5, must, cannot
    )
    assert _compiled(ids, scores, 0.5, must, cannot) == expected
    assert sum(len(c) > 1 for c in expected[0]) > 100


def _in_a_fresh_process(script: str, cache_dir: Path) -> list[str]:
    """What `script` prints, run in a new Python with Numba's cache in `cache_dir`
    (empty: nothing compiled yet), then the two loops' cache hits and misses."""
    script += (
        "; from pipeline import linkage as k; loops = (k._merge_order, k._cosine_merges); "
        "print(sum(len(f.stats.cache_hits) for f in loops), "
        "sum(len(f.stats.cache_misses) for f in loops))"
    )
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache_dir)}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.split()


def test_the_loops_compile_in_a_child_and_this_process_loads_them(tmp_path):
    printed = _in_a_fresh_process("from pipeline import linkage; linkage.compile_now()", tmp_path)
    assert printed == ["2", "0"]  # both loaded from what the child compiled
    assert any(tmp_path.rglob("*.nbi"))


def test_compile_now_waits_for_the_child_warm_up_started_and_starts_no_other(tmp_path):
    script = (
        "import os; from pipeline import linkage as k; k.warm_up(); child = "
        "k._warming[os.getpid()]; k.warm_up(); k.compile_now(); "
        "print(k._warming[os.getpid()] is child, child.returncode)"
    )
    assert _in_a_fresh_process(script, tmp_path) == ["True", "0", "2", "0"]


def test_a_forked_process_starts_its_own_compiling_child():
    from pipeline import linkage

    linkage.warm_up()
    parents = linkage._warming[os.getpid()]
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the forked side reports through its exit code
        linkage.warm_up()
        mine = linkage._warming[os.getpid()]
        mine.wait()
        os._exit(0 if mine is not parents and mine.returncode == 0 else 1)
    _, status = os.waitpid(pid, 0)
    parents.wait()
    assert os.waitstatus_to_exitcode(status) == 0

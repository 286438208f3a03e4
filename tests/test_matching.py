"""Matching machinery: thresholds from labels, constrained clustering, labels, cache."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pipeline.comparisons import PAPER_MODEL
from pipeline.errors import ConfigError
from pipeline.matching import (
    WINDOW,
    Labels,
    ModelCache,
    Scores,
    choose_threshold,
    constrained_clusters,
    exclusive_pairs,
    neighbourhood_pairs,
    read_labels,
    refresh_labels,
    train,
    write_labels,
)


def test_threshold_comes_from_the_labels_not_one_half():
    probs = np.array([0.95, 0.93, 0.91, 0.90, 0.40, 0.30])
    y = np.array([1, 1, 1, 0, 0, 0])
    threshold, quality = choose_threshold(probs, y)
    assert 0.90 < threshold < 0.91  # midway between the last match and the first non-match
    assert quality["f1"] == 1.0


def test_clusters_follow_scores_above_threshold():
    scores = {(0, 1): 0.9, (1, 2): 0.85, (0, 2): 0.8, (2, 3): 0.2}
    result = constrained_clusters([0, 1, 2, 3], Scores.of(scores), 0.5, set(), set())
    assert result.clusters == [[0, 1, 2], [3]]
    assert result.confidence[3] == pytest.approx(0.8)  # 1 - its best score
    assert result.confidence[0] == pytest.approx((0.9 + 0.8) / 2)  # mean with the others


def test_an_unscored_pair_in_a_cluster_counts_zero_in_confidence():
    scores = {(0, 1): 0.9, (1, 2): 0.8}
    result = constrained_clusters([0, 1, 2], Scores.of(scores), 0.5, set(), set())
    assert result.clusters == [[0, 1, 2]]
    assert result.confidence == {0: 0.45, 1: 0.85, 2: 0.4}


def test_cannot_link_is_never_merged_even_through_others():
    scores = {(0, 1): 0.9, (1, 2): 0.9, (0, 2): 0.9}
    result = constrained_clusters([0, 1, 2], Scores.of(scores), 0.5, set(), {(0, 2)})
    together = next(c for c in result.clusters if 0 in c)
    assert 2 not in together


def test_must_link_holds_against_low_scores():
    result = constrained_clusters([0, 1, 2], Scores.of({(0, 1): 0.01}), 0.5, {(0, 2)}, set())
    assert [0, 2] in result.clusters


def test_contradictory_labels_are_reported():
    result = constrained_clusters([0, 1, 2], Scores.of({}), 0.5, {(0, 1), (1, 2)}, {(0, 2)})
    assert result.conflicts and "labeled both same" in result.conflicts[0]


def test_average_linkage_keeps_a_weakly_tied_record_out():
    scores = {(0, 1): 0.95, (1, 2): 0.6, (0, 2): 0.1}
    assert constrained_clusters([0, 1, 2], Scores.of(scores), 0.5, set(), set()).clusters == [
        [0, 1],
        [2],
    ]


def test_unscored_pairs_are_no_evidence_against_a_merge():
    # 0 and 2 share no field (a table row without abstract, an abstract-only listing):
    # both are the same paper as 1, and their missing score must not keep them apart
    scores = {(0, 1): 0.9, (1, 2): 0.9}
    assert constrained_clusters([0, 1, 2], Scores.of(scores), 0.5, set(), set()).clusters == [
        [0, 1, 2]
    ]


def block_pairs(ids: list[int], order, window: int = WINDOW) -> set[tuple[int, int]]:
    """Sorted neighbourhood of one block as its definition reads: each record with its
    `window` next in `order`."""
    ranked = sorted(set(ids), key=order)
    return {
        (min(a, b), max(a, b)) for x, a in enumerate(ranked) for b in ranked[x + 1 : x + 1 + window]
    }


def neighbourhood(blocks: list[list[int]], rank: list[int], window: int = WINDOW) -> set:
    block = np.repeat(np.arange(len(blocks)), [len(b) for b in blocks])
    record = np.array([i for b in blocks for i in b], dtype=np.int64)
    steps = neighbourhood_pairs(block, record, np.array(rank), window)
    return {(a, b) for pairs in steps for a, b in pairs.tolist()}


def test_small_blocks_pair_everything_large_ones_only_neighbours():
    small = list(range(WINDOW + 1))
    assert len(neighbourhood([small], small)) == (WINDOW + 1) * WINDOW // 2
    assert len(neighbourhood([small], small, window=3)) < (WINDOW + 1) * WINDOW // 2
    big = list(range(50 * WINDOW))
    pairs = neighbourhood([big], [-i for i in big])
    assert len(pairs) <= len(big) * WINDOW  # linear in the block, not quadratic
    assert (len(big) - 2, len(big) - 1) in pairs  # neighbours in sort order are paired
    assert all(a < b for a, b in pairs)


def test_array_pairing_of_many_blocks_is_each_blocks_sorted_neighbourhood():
    rng = np.random.default_rng(3)
    rank = rng.permutation(300).tolist()
    blocks = [rng.choice(300, size=rng.integers(1, 60)).tolist() for _ in range(40)]
    blocks.append([5, 5, 7])  # a record twice in a block counts once
    for window in (1, 4, WINDOW):
        expected = set().union(*(block_pairs(b, rank.__getitem__, window) for b in blocks))
        assert neighbourhood(blocks, rank, window) == expected


def test_exclusive_pairs_only_where_a_merge_could_happen():
    data = {i: {"paper": "p" if i < 3 else "q"} for i in range(5)}
    # 0 and 1 (one byline) could meet through 3; 2 is linked to nothing
    scores = {(0, 3): 0.9, (1, 3): 0.8, (2, 4): 0.1}
    assert exclusive_pairs(data, "paper", Scores.of(scores), 0.5) == {(0, 1)}


def test_scores_as_arrays_keep_their_order_and_take_labels_in_place():
    scores = Scores.of({(3, 9): 0.4, (0, 2): 0.9, (1, 5): 0.0})
    assert scores.as_dict() == {(3, 9): 0.4, (0, 2): 0.9, (1, 5): 0.0}
    assert list(scores.as_dict()) == [(3, 9), (0, 2), (1, 5)] and len(scores) == 3
    labeled = scores.with_pairs([(0, 2), (4, 12), (1, 3)], 1.0)  # one scored, two new
    assert list(labeled.as_dict().items()) == [
        ((3, 9), 0.4),
        ((0, 2), 1.0),
        ((1, 5), 0.0),
        ((4, 12), 1.0),
        ((1, 3), 1.0),
    ]
    assert scores.as_dict()[(0, 2)] == 0.9  # the labeled copy is a new one
    assert scores.with_pairs([], 0.0) is scores
    empty = Scores.of({}).with_pairs({(0, 1)}, 0.0)
    assert empty.as_dict() == {(0, 1): 0.0}


def test_confidence_from_arrays_is_the_pairwise_loops():
    import random

    from pipeline.matching import _confidence

    rng = random.Random(3)
    for _ in range(50):
        n = rng.randint(2, 30)
        pairs = {tuple(sorted(rng.sample(range(n), 2))) for _ in range(2 * n)}
        scores = {p: rng.random() for p in pairs}
        ids = list(range(n))
        rng.shuffle(ids)
        cut = sorted(rng.sample(range(1, n), rng.randint(0, n - 1))) if n > 1 else []
        clusters = [sorted(ids[a:b]) for a, b in zip([0, *cut], [*cut, n], strict=True)]
        cluster_of = {i: k for k, c in enumerate(clusters) for i in c}
        best: dict[int, float] = {}
        total: dict[int, float] = {}
        for (a, b), value in scores.items():
            best[a], best[b] = max(best.get(a, 0.0), value), max(best.get(b, 0.0), value)
            if cluster_of[a] == cluster_of[b]:
                total[a] = total.get(a, 0.0) + value
                total[b] = total.get(b, 0.0) + value
        expected = {
            i: round(total.get(i, 0.0) / (len(c) - 1), 4)
            if len(c) > 1
            else round(1.0 - best.get(i, 0.0), 4)
            for c in clusters
            for i in c
        }
        assert _confidence(clusters, Scores.of(scores)) == expected


def _rec(key: str, title: str, year: int | None = 2020) -> dict:
    return {
        "key": key,
        "arxiv_id": None,
        "title": title,
        "abstract": None,
        "authors": frozenset({"smith", "jones"}),
        "year": year,
        "day": None,
    }


def _labels() -> tuple[dict[str, dict], Labels]:
    records = {}
    labels = Labels()
    for i in range(6):
        a = _rec(f"a{i}", f"learning sparse models number {i}")
        b = _rec(f"b{i}", f"learning sparse models number {i}")
        c = _rec(f"c{i}", f"quantum chemistry of small molecules {i}", 2010)
        records.update({r["key"]: r for r in (a, b, c)})
        labels.match.append((a, b))
        labels.distinct.append((a, c))
    return records, labels


def test_labels_round_trip_and_refresh(tmp_path: Path):
    records, labels = _labels()
    path = tmp_path / "papers.json"
    write_labels(path, labels)
    again = read_labels(path)
    assert again.key_pairs("match") == labels.key_pairs("match")
    assert isinstance(again.match[0][0]["authors"], frozenset)
    changed = {**records, "a0": {**records["a0"], "title": "a new title"}}
    fresh = refresh_labels(again, changed, PAPER_MODEL)
    assert fresh.match[0][0]["title"] == "a new title"
    assert not list(tmp_path.glob("*.tmp"))


def test_broken_label_file_is_a_clear_error(tmp_path: Path):
    path = tmp_path / "papers.json"
    path.write_text('{"match": [[{"title": "no key"}, {"title": "x"}]]}')
    with pytest.raises(ConfigError, match=r"match\[0\]"):
        read_labels(path)


def test_too_few_labels_is_a_clear_error():
    records, labels = _labels()
    with pytest.raises(ConfigError, match="bylines label papers"):
        train(PAPER_MODEL, records, Labels(labels.match[:2], labels.distinct[:2]))


def test_training_is_reproducible():
    records, labels = _labels()
    one, two = train(PAPER_MODEL, records, labels), train(PAPER_MODEL, records, labels)
    assert one.threshold == two.threshold
    assert [str(p) for p in one.matcher.predicates] == [str(p) for p in two.matcher.predicates]
    c1 = one.matcher.classifier.best_estimator_.coef_
    assert np.array_equal(c1, two.matcher.classifier.best_estimator_.coef_)


def test_cache_reuses_its_own_models_and_refuses_others(tmp_path: Path):
    records, labels = _labels()
    cache = ModelCache(tmp_path / "models")
    trained = train(PAPER_MODEL, records, labels)
    cache.save(PAPER_MODEL, trained)
    loaded = cache.load(PAPER_MODEL, trained.fingerprint)
    assert loaded is not None and loaded.threshold == trained.threshold
    # a settings pickle that this cache did not sign is discarded, never unpickled
    settings = next((tmp_path / "models").glob("*.settings"))
    settings.write_bytes(b"\x80\x04not what we wrote")
    assert cache.load(PAPER_MODEL, trained.fingerprint) is None
    assert not settings.exists()
    # a cache folder copied from elsewhere has another secret: nothing in it is trusted
    cache.save(PAPER_MODEL, trained)
    other = ModelCache(tmp_path / "elsewhere")
    (tmp_path / "elsewhere").mkdir()
    for f in (tmp_path / "models").glob(f"papers-{trained.fingerprint}.*"):
        (tmp_path / "elsewhere" / f.name).write_bytes(f.read_bytes())
    assert other.load(PAPER_MODEL, trained.fingerprint) is None
    meta = json.loads((tmp_path / "models" / f"papers-{trained.fingerprint}.json").read_text())
    assert meta["threshold"] == trained.threshold


def test_two_processes_score_exactly_what_one_does(monkeypatch: pytest.MonkeyPatch):
    import pipeline.matching as matching

    records, labels = _labels()
    trained = train(PAPER_MODEL, records, labels)
    data, _ = matching.integer_ids(records)

    def keys(record: dict) -> list[str]:
        return ["all"]  # one block: every pair is a candidate

    trained.matcher.num_cores = 1
    one = matching.score_pairs(trained, data, keys)
    monkeypatch.setattr(matching, "SCORE_CHUNK", 7)
    trained.matcher.num_cores = 2
    two = matching.score_pairs(trained, data, keys)
    assert one.as_dict() == two.as_dict() and len(one) > 7


def test_clustering_by_component_equals_clustering_everything_at_once():
    import random

    from pipeline.linkage import average_linkage

    rng = random.Random(5)
    for _ in range(200):
        n = rng.randint(2, 25)
        pairs = {tuple(sorted(rng.sample(range(n), 2))) for _ in range(rng.randint(1, 3 * n))}
        scores = {p: rng.choice([0.0, 0.2, 0.45, 0.5, 0.55, 0.8, 0.95]) for p in sorted(pairs)}
        must = {p for p in pairs if rng.random() < 0.05}
        cannot = {p for p in pairs if rng.random() < 0.1} - must
        pairs = Scores.of(scores)
        whole, whole_conflicts = average_linkage(
            list(range(n)), pairs.left, pairs.right, pairs.value, 0.5, must, cannot
        )
        result = constrained_clusters(list(range(n)), Scores.of(scores), 0.5, must, cannot)
        assert result.clusters == sorted(whole)
        assert sorted(result.conflicts) == sorted(whole_conflicts)
        # ids as a run may have them: not 0..n-1, listed out of order (ties still break
        # on the smaller id, so the order of the ids themselves is kept)
        spread = {i: 1000 + 7 * i for i in range(n)}
        result = constrained_clusters(
            [spread[i] for i in reversed(range(n))],
            Scores.of({(spread[a], spread[b]): s for (a, b), s in scores.items()}),
            0.5,
            {(spread[a], spread[b]) for a, b in must},
            {(spread[a], spread[b]) for a, b in cannot},
        )
        assert result.clusters == sorted(sorted(spread[i] for i in c) for c in whole)


def test_components_shared_out_among_processes_cluster_as_one_process_does():
    import random

    rng = random.Random(9)
    scores: dict[tuple[int, int], float] = {}
    must: set[tuple[int, int]] = set()
    cannot: set[tuple[int, int]] = set()
    for base in range(0, 3000, 30):  # a hundred components of up to thirty ids
        size = rng.randint(2, 30)
        for _ in range(3 * size):
            a, b = sorted(rng.sample(range(base, base + size), 2))
            scores[(a, b)] = rng.choice([0.1, 0.45, 0.5, 0.6, 0.8, 0.95])
            if rng.random() < 0.03:
                (must if rng.random() < 0.5 else cannot).add((a, b))
    cannot -= must
    ids = list(range(3000))
    one = constrained_clusters(ids, Scores.of(scores), 0.5, must, cannot)
    two = constrained_clusters(ids, Scores.of(scores), 0.5, must, cannot, jobs=2)
    assert two.clusters == one.clusters and two.confidence == one.confidence
    assert two.conflicts == one.conflicts
    assert sum(len(c) > 1 for c in one.clusters) > 50


def test_candidate_pairs_are_each_blocks_neighbourhood_once():
    from pipeline.matching import candidate_pairs

    data = {i: {"key": f"r{i:03d}", "year": i % 3} for i in range(60)}

    def keys(record: dict) -> list[str]:
        return ["all", f"again:{record['year']}"]  # overlapping blocks

    got = candidate_pairs(FakeMatcher({}), data, keys).tolist()
    by_year = [[i for i in data if data[i]["year"] == y] for y in range(3)]
    expected = block_pairs(list(data), lambda i: data[i]["key"]).union(
        *(block_pairs(ids, lambda i: data[i]["key"]) for ids in by_year)
    )
    assert [tuple(p) for p in got] == sorted(expected)  # sorted, each pair once


def test_block_arrays_hold_each_learned_and_fixed_block_once():
    from pipeline.matching import block_arrays

    data = {0: {"k": "a"}, 1: {"k": "a"}, 2: {"k": "b"}}
    learned = {"x:0": [0, 2], "a": [1]}
    block_of, members = block_arrays(learned, data, lambda r: [r["k"], "all"])
    blocks = [sorted(members[block_of == b].tolist()) for b in range(block_of.max() + 1)]
    # a fixed key named like a learned one is its own block
    assert sorted(blocks) == [[0, 1], [0, 1, 2], [0, 2], [1], [2]]
    block_of, members = block_arrays(learned, data, None)
    assert block_of.tolist() == [0, 0, 1] and members.tolist() == [0, 2, 1]


class FakeMatcher:
    """A matcher whose fingerprinter, like dedupe's, yields `KEY:RULE` block keys of
    each record from `rules` (name -> function of the record giving its keys)."""

    def __init__(self, rules: dict):
        self.fingerprinter = self
        self.predicates = tuple(rules)
        self._rules = list(rules.values())

    def index_all(self, data):
        pass

    def reset_indices(self):
        pass

    def __call__(self, records):
        for record_id, record in records:
            for i, keys_of in enumerate(self._rules):
                for key in keys_of(record):
                    yield f"{key}:{i}", record_id


def test_a_record_keeps_a_few_keys_of_each_learned_rule_the_same_for_the_same_text():
    import itertools

    from pipeline.matching import MAX_KEYS_PER_RULE, learned_blocks

    matcher = FakeMatcher(
        {
            "two consecutive words": lambda r: [
                f"{a} {b}" for a, b in itertools.pairwise(r["abstract"].split())
            ],
            "year": lambda r: [str(r["year"])],
        }
    )
    text = "one two three four five six seven eight nine ten"
    data = {0: {"abstract": text, "year": 2020}, 1: {"abstract": text, "year": 2020}}
    data[2] = {"abstract": "other words entirely " + text, "year": 2021}
    blocks = learned_blocks(matcher, data)
    for i in data:
        rule0 = [k for k, ids in blocks.items() if k.endswith(":0") and i in ids]
        assert len(rule0) == MAX_KEYS_PER_RULE  # of nine or twelve
        assert any(k.endswith(":1") and i in ids for k, ids in blocks.items())
    assert sum(ids.count(0) and ids.count(1) for ids in blocks.values()) >= MAX_KEYS_PER_RULE


def test_pair_count_of_a_block_is_what_block_pairs_makes():
    from pipeline.matching import block_pair_count

    for window in (1, 2, 5, 12):
        for size in range(0, 40):
            made = neighbourhood([list(range(size))], list(range(size)), window)
            assert block_pair_count(size, window) == len(made), (size, window)


def test_a_rule_over_the_pair_budget_is_left_out_but_never_every_rule():
    from pipeline.matching import over_budget, rule_pairs

    # rule 0 pairs records two by two; rule 1 puts all 100 in one block
    blocks = {f"t{i // 2}:0": [i, i + 1] for i in range(0, 100, 2)}
    blocks["2020:1"] = list(range(100))
    per_record = rule_pairs(blocks, 100, window=5)
    assert per_record["0"] == pytest.approx(0.5)
    assert per_record["1"] == pytest.approx((5 * 100 - 15) / 100)
    assert over_budget(per_record, 3.0) == {"1"}
    assert over_budget(per_record, None) == set()
    assert over_budget(per_record, 0.1) == {"1"}  # the most selective rule stays


def test_learned_blocks_leave_out_a_rule_too_broad_for_this_data(
    caplog: pytest.LogCaptureFixture,
):
    from pipeline.matching import Pairing, learned_blocks

    matcher = FakeMatcher({"title word": lambda r: [r["title"]], "year": lambda r: [r["year"]]})
    data = {i: {"title": f"t{i // 2}", "year": 2020} for i in range(60)}
    every = learned_blocks(matcher, data)
    assert "2020:1" in every
    with caplog.at_level("WARNING"):
        kept = learned_blocks(matcher, data, Pairing(window=5, rule_budget=3.0))
    assert "2020:1" not in kept
    assert {k for k in every if k.endswith(":0")} == set(kept)
    assert "blocking rule year left out" in caplog.text


def test_features_are_dedupes_distances_computed_a_comparison_at_a_time():
    from pipeline import resolve_authors
    from pipeline.comparisons import PERSON_MODEL
    from pipeline.matching import (
        _FASTER,
        compare_fields,
        features,
        field_columns,
        new_matcher,
        prepare,
    )

    papers, _ = _labels()
    papers["n"] = {**_rec("n", "learning sparse models", None), "authors": None}
    bylines = [
        ["Sam Bowman", "Ethan Perez", "Nova DasSarma"],
        ["Samuel R. Bowman", "E. Perez"],
        ["S. Bowman", "Jared Kaplan", "Nova Dassarma", "Tom Brown"],
        ["Tom Brown"],
    ]
    persons = resolve_authors.mention_records(
        [
            {
                "paper_id": f"p{i}",
                "authors_from_key": f"k{i}",
                "author_names": names,
                "title_key": "scaling language models" if i % 2 else None,
                "abstract_key": None if i == 3 else "power grid planning with storage",
                "category": "cs.CL" if i < 2 else None,
                "published_year": 2020 + i if i != 2 else None,
            }
            for i, names in enumerate(bylines)
        ]
    )
    for model, records in ((PAPER_MODEL, papers), (PERSON_MODEL, persons)):
        rows = list(records.values())
        data_model = new_matcher(model, rows).data_model
        a, b = np.triu_indices(len(rows), k=1)
        pairs = [(rows[i], rows[j]) for i, j in zip(a, b, strict=True)]
        expected = data_model.distances(pairs)
        assert any(value is None for x, _ in pairs for value in x.values())  # missing values too
        assert np.array_equal(features(data_model, pairs), expected)
        columns = field_columns(data_model, dict(enumerate(rows)))  # scoring's way
        by_column = compare_fields(
            data_model,
            lambda name, c=columns, a=a, b=b: (c[name][a].tolist(), c[name][b].tolist()),
            len(a),
        )
        assert np.array_equal(by_column, expected)
        asked: list[str] = []

        def values(name: str, c=columns, a=a, b=b, asked=asked) -> tuple[list, list]:
            asked.append(name)
            return c[name][a].tolist(), c[name][b].tolist()

        try:
            prepare(data_model, columns)  # scoring's way: documents indexed by record
            by_record = compare_fields(data_model, values, len(a), (a, b))
        finally:
            _FASTER.clear()
        assert np.array_equal(by_record, expected)
        documents = {"abstract", "topic"}  # TF-IDF texts: read by record, never looked up
        assert documents & {name for name, *_ in data_model._field_comparators}
        assert not documents & set(asked)


def test_distinct_is_numpys_unique():
    from pipeline.matching import distinct

    codes = np.random.default_rng(5).integers(0, 50, 400)
    assert distinct(codes).tolist() == np.unique(codes).tolist()
    assert distinct(np.empty(0, np.int64)).tolist() == []


def test_a_name_rule_decided_once_per_pair_of_names_keeps_the_same_pairs():
    from pipeline.matching import Pairing, candidate_pairs

    rng = np.random.default_rng(11)
    names = ["li", "liu", "lee", "wang", "wong"]
    data = {i: {"key": f"r{i:03d}", "name": names[rng.integers(5)]} for i in range(120)}
    asked: list[tuple[str, str]] = []

    def compatible(a: dict, b: dict) -> bool:
        asked.append((a["name"], b["name"]))
        return a["name"][0] == b["name"][0] and len(a["name"]) == len(b["name"])

    def keys(record: dict) -> list[str]:
        return ["all", record["name"][0]]

    every = candidate_pairs(FakeMatcher({}), data, keys, compatible=compatible)
    asked_every = len(asked)
    asked.clear()
    once = Pairing(compatible_on=lambda r: r["name"])
    grouped = candidate_pairs(FakeMatcher({}), data, keys, compatible=compatible, pairing=once)
    assert grouped.tolist() == every.tolist() and len(every) > 0
    assert len(asked) == len(set(asked)) < asked_every  # each pair of names asked once


def test_a_certain_rule_scores_its_pairs_one_and_only_those():
    from pipeline.matching import Pairing, integer_ids, score_pairs

    records, labels = _labels()
    trained = train(PAPER_MODEL, records, labels)
    data, keys = integer_ids(records)
    pair = tuple(sorted((keys.index("a1"), keys.index("c2"))))

    def rule(a: dict, b: dict) -> bool:
        return {a["key"], b["key"]} == {"a1", "c2"}

    def everything(record: dict) -> list[str]:
        return ["all"]

    plain = score_pairs(trained, data, everything, pairing=Pairing(window=50)).as_dict()
    certain = Pairing(window=50, certain=rule)
    ruled = score_pairs(trained, data, everything, pairing=certain).as_dict()
    assert plain.get(pair, 0.0) < trained.threshold and ruled[pair] == 1.0
    assert {p: s for p, s in ruled.items() if p != pair} == {
        p: s for p, s in plain.items() if p != pair
    }


def test_linked_groups_join_items_through_any_shared_key():
    from pipeline.matching import linked_groups

    links = {"d": {"q"}, "a": {"x"}, "c": {"y", "x"}, "b": {"y"}, "e": set(), "f": {"q"}}
    assert linked_groups(links) == [["a", "b", "c"], ["d", "f"], ["e"]]
    assert linked_groups({}) == []


def test_confidence_is_left_out_when_not_asked_for():
    scores = {(0, 1): 0.9, (1, 2): 0.8}
    asked = constrained_clusters([0, 1, 2], Scores.of(scores), 0.5, set(), set())
    skipped = constrained_clusters(
        [0, 1, 2], Scores.of(scores), 0.5, set(), set(), confidence=False
    )
    assert skipped.clusters == asked.clusters and asked.confidence and not skipped.confidence


def test_batched_comparisons_give_each_pairs_own_number():
    from simplecosine.cosine import CosineSetSimilarity, CosineTextSimilarity

    from pipeline.comparisons import jaccard
    from pipeline.matching import faster

    texts = ["power grid storage", "grid storage planning", "", None, "language models", "the"]
    sets = [frozenset(t.split()) if t is not None else None for t in texts]
    sets[2] = frozenset()  # an empty set is not a missing one
    for values, compare in (
        (texts, CosineTextSimilarity([t for t in texts if t])),
        (sets, CosineSetSimilarity([s for s in sets if s])),
        (sets, jaccard),
    ):
        pairs = [(a, b) for a in range(len(values)) for b in range(len(values))]
        left, right = [values[a] for a, _ in pairs], [values[b] for _, b in pairs]
        one_by_one = [
            compare(x, y) if x is not None and y is not None else np.nan
            for x, y in zip(left, right, strict=True)
        ]
        stand_in = faster(compare)
        stand_in.index(values[:2])  # some indexed before scoring (`prepare`), the rest on demand
        rows = stand_in.matrix.shape[0]
        batched = stand_in.many(left, right)
        assert stand_in.matrix.shape[0] > rows
        assert np.allclose(batched, one_by_one, equal_nan=True, rtol=0, atol=1e-12)
        assert np.isnan(batched).sum() == np.isnan(one_by_one).sum() > 0


def test_documents_indexed_in_batches_make_the_matrix_built_at_once(monkeypatch):
    from simplecosine.cosine import CosineTextSimilarity

    from pipeline import matching

    texts = [f"grid storage {w} planning {w}" for w in "abcdefg"] + ["language models", "the"]
    compare = CosineTextSimilarity(texts)
    built = {}
    for batch in (len(texts), 2):
        monkeypatch.setattr(matching, "INDEX_BATCH", batch)
        matching._FASTER.clear()
        stand_in = matching.faster(compare)
        stand_in.index(texts[:3])
        stand_in.index(texts)
        built[batch] = stand_in.matrix
    matching._FASTER.clear()
    whole, batched = built[len(texts)], built[2]
    assert batched.shape == whole.shape
    assert (batched != whole).nnz == 0  # the same rows, the same numbers


def test_repeated_values_are_compared_once_with_the_same_numbers():
    from pipeline.matching import compared_once, repeats

    calls: list[tuple[str, str]] = []

    def compare(a: str, b: str) -> float:
        calls.append((a, b))
        return float(len(a) - len(b))

    left = ["wang", "li", None, "wang"] * 100
    right = ["li", "li", "wang", "li"] * 100
    assert repeats(left, right)
    values = compared_once(compare, left, right, np.nan)
    assert values[:2] + values[3:4] == [2.0, 0.0, 2.0] and np.isnan(values[2])
    np.testing.assert_array_equal(values, values[:4] * 100)  # NaNs equal here
    assert len(calls) == 2  # two distinct pairs with both values present
    assert not repeats([frozenset({i}) for i in range(500)], [frozenset()] * 500)
    assert not repeats([{"unhashable": 1}] * 500, [{}] * 500)


def test_blocking_rules_read_their_fields_and_records_alike_are_fingerprinted_once():
    from dedupe import predicates as dp
    from dedupe.blocking import Fingerprinter

    from pipeline.matching import fields_read, learned_blocks, records_alike

    whole = dp.SimplePredicate(dp.wholeFieldPredicate, "surname")
    start = dp.SimplePredicate(dp.sameThreeCharStartPredicate, "given")
    rules = [whole, dp.CompoundPredicate((whole, start))]
    assert fields_read(rules) == ("given", "surname")
    assert fields_read([whole, dp.TfidfTextCanopyPredicate(0.8, "title")]) is None

    seen: list[int] = []

    class Counting(Fingerprinter):
        def __call__(self, records, target=False):
            for record_id, record in records:
                seen.append(record_id)
                yield from super().__call__([(record_id, record)], target)

    class Matcher:
        fingerprinter = Counting(rules)

    names = [("wang", "wei"), ("wang", "wen"), ("li", "min"), ("wang", "wei"), ("li", "min")]
    data = {i: {"surname": s, "given": g, "other": i} for i, (s, g) in enumerate(names * 4)}
    assert records_alike(data, ("given", "surname"))[0] == [0, 3, 5, 8, 10, 13, 15, 18]
    blocks = learned_blocks(Matcher(), data)
    assert sorted(seen) == [0, 1, 2]  # one of each distinct name
    every: dict[str, list[int]] = {}
    for key, record_id in Fingerprinter(rules)(data.items()):
        every.setdefault(key, []).append(record_id)
    assert blocks == every

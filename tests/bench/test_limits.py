"""What the evidence allows: the flags' frontier and the persons' evidence, on hand-made
tables and on a real run over a generated corpus."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from bench import generate, limits


def test_the_frontier_reads_the_best_points_off_the_curve():
    truth = np.array([True, True, False, False, True])
    scores = np.array([0.9, 0.8, 0.7, 0.2, 0.1])
    got = limits.frontier(truth, scores)
    # flagging the top two: P 1, R 2/3 (F1 0.8); everything: P 0.6, R 1
    assert got["best_f1"] == 0.8
    assert (got["precision_at_best_f1"], got["recall_at_best_f1"]) == (1.0, 0.6667)
    assert got["precision_at_target_recall"] == 0.6
    assert got["recall_at_target_precision"] == 0.6667


def _evidence(signal: np.ndarray, truth: np.ndarray) -> pd.DataFrame:
    frame = pd.DataFrame({name: np.zeros(len(truth)) for name in limits.FEATURES})
    frame["topic_similarity"] = signal
    frame["path"] = [f"page{i % 40}" for i in range(len(truth))]
    frame["flagged"] = False
    frame["misattributed"] = truth
    return frame


def test_evidence_that_tells_the_truth_lets_the_learner_reach_the_target():
    rng = np.random.default_rng(0)
    truth = rng.random(800) < 0.2
    got = limits.flag_ceiling(_evidence(truth.astype(float), truth))
    assert got["learner"]["recall_at_target_precision"] == 1.0
    assert got["pipeline"] == {"precision": 1.0, "recall": 0.0}


def test_evidence_that_says_nothing_leaves_the_learner_far_from_it():
    rng = np.random.default_rng(0)
    truth = rng.random(800) < 0.2
    got = limits.flag_ceiling(_evidence(rng.random(800), truth))
    assert got["learner"]["precision_at_target_recall"] < 0.5
    assert got["learner"]["recall_at_target_precision"] < 0.5


def test_no_page_is_scored_by_a_learner_that_saw_its_answers():
    # each page is wholly right or wholly wrong, and the evidence names the page: a
    # learner scoring pages it was fitted on would remember them
    rng = np.random.default_rng(0)
    page = np.arange(800) % 40
    truth = (rng.random(40) < 0.3)[page]
    got = limits.flag_ceiling(_evidence(page.astype(float), truth))
    assert got["learner"]["recall_at_target_precision"] < 0.5


def _mentions(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    """Rows of (paper, output person, page, true person); names: the true person's,
    written "Ann Lee" for A, "Xu Ng" for X."""
    frame = pd.DataFrame(rows, columns=["paper_id", "person_id", "path", "true_person"])
    names = {"A": "Ann Lee", "B": "Ada Lee"}
    frame["name_as_written"] = [names.get(t, f"{t}u {t}ng") for t in frame["true_person"]]
    return frame


def test_each_piece_is_counted_under_the_strongest_evidence_tying_it_to_its_person():
    mentions = _mentions(
        [
            ("P1", "a-main", "other.txt", "A"),
            ("P1", "x", "other.txt", "X"),
            ("P2", "a-main", "other.txt", "A"),
            ("P2", "y", "other.txt", "Y"),
            ("P3", "a-main", "own.txt", "A"),
            ("P4", "a-common", "other.txt", "A"),  # writes with x, as a-main does
            ("P4", "x", "other.txt", "X"),
            ("P5", "a-hop", "other.txt", "A"),  # writes with z, who writes with y
            ("P5", "z", "other.txt", "Z"),
            ("P6", "z", "other.txt", "Z"),
            ("P6", "y", "other.txt", "Y"),
            ("P7", "a-page", "own.txt", "A"),  # listed on A's page, beside a-main's P3
            ("P8", "a-none", "else.txt", "A"),
            ("P8", "v", "else.txt", "V"),
        ]
    )
    got = limits.person_evidence(mentions, {"own.txt": "A", "other.txt": "X", "else.txt": "V"})
    assert got["outside_main_piece"] == 4
    assert got["by_evidence"] == {
        "a collaborator in common": 1,
        "a collaborator of a collaborator": 1,
        "both on a page of the person's own": 1,
        "none": 1,
    }
    assert got["as_strong_for_another_person_of_the_name"] == 0
    # A's 7 mentions: now 3 + 1 + 1 + 1 + 1; with the evidenced pieces joined, 6 + 1
    assert got["now"]["bcubed_recall"] == pytest.approx((7 + 3 * 3 / 7 + 4 / 7) / 14, abs=1e-4)
    joined = (7 + 6 * 6 / 7 + 1 / 7) / 14
    assert got["every_evidenced_piece_joined"]["bcubed_recall"] == pytest.approx(joined, abs=1e-4)
    assert got["every_evidenced_piece_joined"] == got["every_unambiguous_piece_joined"]
    assert got["every_evidenced_piece_joined"]["bcubed_precision"] == 1.0


def test_evidence_as_strong_for_another_person_of_the_name_is_ambiguous():
    mentions = _mentions(
        [
            ("P1", "a-main", "p.txt", "A"),
            ("P1", "x", "p.txt", "X"),
            ("P2", "a-main", "p.txt", "A"),
            ("P3", "b-main", "p.txt", "B"),  # Ada Lee writes with x too
            ("P3", "x", "p.txt", "X"),
            ("P4", "b-main", "p.txt", "B"),
            ("P5", "a-piece", "p.txt", "A"),
            ("P5", "x", "p.txt", "X"),
        ]
    )
    got = limits.person_evidence(mentions, {})
    assert got["by_evidence"]["a collaborator in common"] == 1
    assert got["as_strong_for_another_person_of_the_name"] == 1
    assert got["every_unambiguous_piece_joined"] == got["now"]
    assert got["every_evidenced_piece_joined"]["bcubed_recall"] == 1.0


def test_a_page_of_someone_else_is_no_evidence():
    mentions = _mentions(
        [
            ("P1", "a-main", "theirs.txt", "A"),
            ("P2", "a-main", "mine.txt", "A"),
            ("P3", "a-piece", "theirs.txt", "A"),
        ]
    )
    got = limits.person_evidence(mentions, {"theirs.txt": "B", "mine.txt": "A"})
    assert got["by_evidence"]["none"] == 1


def test_pieces_of_one_name_are_paired_with_what_the_tables_say_of_them():
    mentions = _mentions(
        [
            ("P1", "a1", "p.txt", "A"),
            ("P1", "x", "p.txt", "X"),
            ("P1", "b2", "p.txt", "B"),  # on a1's byline: never a1's pair
            ("P2", "a1", "p.txt", "A"),
            ("P3", "a2", "q.txt", "A"),
            ("P3", "x", "q.txt", "X"),
            ("P4", "b1", "q.txt", "B"),
            ("P4", "y", "q.txt", "Y"),
            ("P5", "y", "r.txt", "Y"),
            ("P5", "x", "r.txt", "X"),
        ]
    )
    texts = {"P1": "sparse attention", "P2": "sparse attention", "P3": "sparse", "P4": "graphs"}
    pairs = limits.piece_pairs(mentions, texts).set_index(["a", "b"])
    # Ann and Ada Lee are one name (surname, initial); Xu Xng and Yu Yng are alone
    assert sorted(pairs.index) == [
        ("a1", "a2"),
        ("a1", "b1"),
        ("a2", "b1"),
        ("a2", "b2"),
        ("b1", "b2"),
    ]
    split = pairs.loc[("a1", "a2")]
    assert (split["shared_collaborators"], split["shared_share"]) == (1, 1.0)
    assert (split["smaller_piece"], split["larger_piece"]) == (1, 2)
    assert split["same"] and split["same_spelling"] and split["same_given_name"]
    assert not split["on_one_page"]
    assert split["topic_similarity"] > 0.5
    strangers = pairs.loc[("a2", "b1")]
    # x writes with y, who writes with b1; y writes with x, who writes with a2
    assert strangers["shared_collaborators"] == 0
    assert strangers["collaborators_of_collaborators"] == 2
    assert strangers["on_one_page"] and not strangers["same"]
    assert not strangers["same_given_name"] and strangers["topic_similarity"] == 0
    assert (pairs["pieces_of_the_name"] == 4).all() and (pairs["surname_mentions"] == 5).all()


def _split_names(signal: Any, n: int = 400) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`n` names of three pieces, a mention each: the name's pieces are one person
    (half the names, two in every four) or three; `signal(name, same)` is the pairs'
    one feature."""
    rows, pairs = [], []
    for name in range(n):
        same = name % 4 < 2  # not every other name: the folds alternate names
        for k in range(3):
            rows.append(
                (f"P{name}-{k}", f"{name}-{k}", "p.txt", f"T{name}" + ("" if same else f"-{k}"))
            )
        for a, b in ((0, 1), (0, 2), (1, 2)):
            pairs.append((f"{name}-{a}", f"{name}-{b}", f"n{name}", same, signal(name, same)))
    mentions = pd.DataFrame(rows, columns=["paper_id", "person_id", "path", "true_person"])
    frame = pd.DataFrame(pairs, columns=["a", "b", "name", "same", "shared_collaborators"])
    for feature in limits.PAIR_FEATURES[1:]:
        frame[feature] = 0.0
    return frame, mentions


def test_pairs_that_tell_the_truth_let_the_learner_join_every_person():
    pairs, mentions = _split_names(lambda name, same: float(same))
    got = limits.person_ceiling(pairs, mentions)
    assert got["same_person_pairs"] == 600
    # half the mentions' persons are in three pieces: B-cubed recall 1/3 for those
    assert got["now"]["bcubed_recall"] == pytest.approx(2 / 3, abs=1e-4)
    assert got["learner"]["bcubed_f1"] == 1.0


def test_pairs_that_say_nothing_join_no_better_than_chance():
    rng = np.random.default_rng(0)
    pairs, mentions = _split_names(lambda name, same: float(rng.random()))
    got = limits.person_ceiling(pairs, mentions)
    assert got["learner"]["bcubed_f1"] < 0.85


def test_no_name_is_scored_by_a_learner_that_saw_its_answers():
    # the feature names the name (a number drawn for it), whose pairs are all one
    # person or all not: a learner scoring names it was fitted on would remember them
    number = np.random.default_rng(0).permutation(400)
    pairs, mentions = _split_names(lambda name, same: float(number[name]))
    got = limits.person_ceiling(pairs, mentions)
    assert got["learner"]["bcubed_f1"] < 0.85


@pytest.fixture(scope="module")
def kept_size(tmp_path_factory: pytest.TempPathFactory, model_cache: Path) -> Path:
    """A generated corpus run through the pipeline, laid out as `bench/run.py --keep`
    keeps a size."""
    from pipeline import api

    folder = tmp_path_factory.mktemp("n400")
    generate.write(folder, 400, seed=3)
    api.run(folder / "input", folder / "out", options=api.Options(cache_dir=model_cache), argv=[])
    return folder


def test_a_real_run_is_read_whole_from_its_parquet_tables(kept_size: Path):
    got = limits.limits(kept_size)
    truth = pd.read_csv(kept_size / "truth" / "entries.csv")
    flags, persons = got["flags"], got["persons"]
    assert flags["entries"] == len(truth)
    assert flags["misattributed"] == int(truth["misattributed"].sum()) > 0
    assert flags["learner"] is not None
    authorships = pq.read_metadata(kept_size / "out" / "authorships.parquet").num_rows
    assert persons["mentions"] == authorships > 0
    assert persons["outside_main_piece"] == sum(persons["by_evidence"].values())
    assert (
        persons["every_evidenced_piece_joined"]["bcubed_recall"] >= persons["now"]["bcubed_recall"]
    )
    pairs = got["person_pairs"]
    assert pairs["now"] == persons["now"]
    assert 0 < pairs["same_person_pairs"] < pairs["pairs"]
    assert pairs["learner"]["bcubed_f1"] >= max(t["bcubed_f1"] for t in pairs["tried"])
    assert len(limits.summary(got)) == 5


def test_an_output_without_mentions_loses_nothing():
    assert (
        limits.person_ceiling(limits.piece_pairs(_mentions([]), {}), _mentions([]))["learner"]
        is None
    )
    got = limits.person_evidence(_mentions([]), {})
    assert got["outside_main_piece"] == 0
    assert (
        got["now"]
        == got["every_unambiguous_piece_joined"]
        == {
            "bcubed_precision": 1.0,
            "bcubed_recall": 1.0,
            "bcubed_f1": 1.0,
        }
    )


def test_joins_never_bring_two_pieces_of_one_byline_together():
    mentions = _mentions(
        [("P1", "a", "p.txt", "A"), ("P2", "b", "p.txt", "A"), ("P1", "c", "p.txt", "B")]
    )
    pairs = pd.DataFrame({"a": ["a", "b"], "b": ["b", "c"]})
    joined = limits.joined_pieces(pairs, mentions, np.array([0.9, 0.8]), 0.5)
    assert list(joined) == ["a", "a", "c"]

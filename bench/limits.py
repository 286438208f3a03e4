"""What the evidence in a published output allows on the two quality targets bylines
does not reach: misattribution flags at 0.9 precision and recall, person B-cubed
F1 at 0.97.

    .venv/bin/python bench/limits.py SIZE_DIR [--json FILE]

SIZE_DIR is one size's folder of `bench/run.py --keep DIR` (DIR/n100000, say):
the published tables in out/, the ground truth in truth/. The runner reports the
same for every size it scores.

**Flags.** Every entry is described by what the published tables say of it: the
pipeline's own score, whether the page's owner is on its byline, the coauthors
and topic it shares with the page, and whether the owner's name on it resolved
to the page's owner person, to one of how many papers and how many of them on
the page. A gradient-boosted learner is fitted to the truth on half the pages
and scores the other half, both ways round; its precision-recall frontier is
what that evidence allows. A score written by hand over the same evidence is
not likely to beat a learner that has seen the answers on other pages: where
no point of the learner's frontier comes near 0.9 / 0.9, the evidence, not the
score, is what stops the flags.

**Persons.** Each mention outside its person's main piece (the output person
holding most of its mentions) is sorted by the strongest evidence that ties its
piece to the main one: a collaborator in common, a collaborator of a
collaborator, both listed on one of the person's own pages, or none. The
B-cubed F1 if every piece with some evidence joined its main piece, nothing
else changed, is what joining on such evidence could give at best; the F1 if
only the pieces joined whose evidence ties them as strongly to no other person
of their name is what it could give without guessing. Both know which piece is
each person's main one, which the passes do not.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.score import (  # noqa: E402
    cluster_scores,
    flag_scores,
    read_entries,
    read_mentions,
    read_truth,
)
from pipeline.attribute import owner_matcher  # noqa: E402
from pipeline.normalize import name_parts  # noqa: E402

TARGET = 0.9
"""Precision and recall the flags are asked for."""

EVIDENCE = (
    "a collaborator in common",
    "a collaborator of a collaborator",
    "both on a page of the person's own",
    "none",
)
"""The kinds of evidence tying a piece to its person's main piece, strongest first."""


def frontier(truth: np.ndarray, scores: np.ndarray, target: float = TARGET) -> dict[str, float]:
    """The precision-recall frontier of `scores` against boolean `truth`: the best F1
    point, the best precision at recall >= `target` and the best recall at precision
    >= `target` (0.0 where no point gets there)."""
    from sklearn.metrics import precision_recall_curve

    precision, recall, _ = precision_recall_curve(truth, scores)
    both = precision + recall
    f1 = np.divide(2 * precision * recall, both, out=np.zeros_like(both), where=both > 0)
    best = int(np.argmax(f1))
    return {
        "best_f1": round(float(f1[best]), 4),
        "precision_at_best_f1": round(float(precision[best]), 4),
        "recall_at_best_f1": round(float(recall[best]), 4),
        "precision_at_target_recall": round(float(precision[recall >= target].max()), 4),
        "recall_at_target_precision": round(float(recall[precision >= target].max(initial=0.0)), 4),
    }


FEATURES = (
    "score",
    "owner_on_byline",
    "shared_coauthors",
    "topic_similarity",
    "owner_person",
    "person_papers",
    "listed_share",
)


def flag_evidence(out: Path, entries: pd.DataFrame) -> pd.DataFrame:
    """One row an entry of `entries` (the published ones merged with the truth): the
    `FEATURES` (NaN where a page has no owner or the owner is not on the byline),
    `path`, `flagged` (the pipeline's flag) and `misattributed` (the truth)."""
    attributions = pq.read_table(
        out / "attributions.parquet",
        columns=[
            "entry_id",
            "source_id",
            "paper_id",
            "status",
            "score",
            "owner_on_byline",
            "shared_coauthors",
            "topic_similarity",
        ],
    ).to_pandas()
    profiles = pq.read_table(
        out / "profiles.parquet", columns=["source_id", "owner_name", "owner_person_id"]
    ).to_pandas()
    authorships = pq.read_table(
        out / "authorships.parquet", columns=["paper_id", "person_id", "name_as_written"]
    ).to_pandas()
    frame = entries.merge(attributions.drop(columns="source_id"), on="entry_id", how="left").merge(
        profiles, on="source_id", how="left"
    )
    byline = authorships.groupby("paper_id")[["person_id", "name_as_written"]].agg(list)
    papers_of = authorships.groupby("person_id")["paper_id"].agg(set)
    listed = frame.dropna(subset=["paper_id"]).groupby("source_id")["paper_id"].agg(set)
    owner_person, person_papers, listed_share = [], [], []
    matchers: dict[str, Callable[[str], bool]] = {}  # one an owner: its names compared once
    for row in frame[["owner_name", "paper_id", "source_id", "owner_person_id"]].itertuples():
        person = _owner_person(row.owner_name, row.paper_id, byline, matchers)
        if person is None:
            owner_person.append(np.nan)
            person_papers.append(np.nan)
            listed_share.append(np.nan)
            continue
        papers = papers_of[person]
        owner_person.append(float(person == row.owner_person_id))
        person_papers.append(float(len(papers)))
        listed_share.append(len(papers & listed.get(row.source_id, set())) / len(papers))
    frame["owner_person"] = owner_person
    frame["person_papers"] = person_papers
    frame["listed_share"] = listed_share
    frame["owner_on_byline"] = frame["owner_on_byline"].astype(float)
    frame["flagged"] = frame["status"].eq("likely_misattributed")
    frame["misattributed"] = frame["misattributed"].astype(bool)
    return frame[[*FEATURES, "path", "flagged", "misattributed"]].reset_index(drop=True)


def _owner_person(
    owner: Any, paper_id: Any, byline: pd.DataFrame, matchers: dict[str, Callable[[str], bool]]
) -> str | None:
    """The person the page owner's name on this paper resolved to, if it is there."""
    if not isinstance(owner, str) or not isinstance(paper_id, str) or paper_id not in byline.index:
        return None
    is_owner = matchers.get(owner) or matchers.setdefault(owner, owner_matcher(owner))
    persons, names = byline.loc[paper_id]
    return next((p for p, n in zip(persons, names, strict=True) if is_owner(n)), None)


def flag_ceiling(evidence: pd.DataFrame, seed: int = 0) -> dict[str, Any]:
    """The pipeline's flags and the frontier of a learner fitted to the truth on the
    `evidence`, scored out of fold (two folds split by page, so no page is scored by
    a learner that saw its answers)."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import GroupKFold

    x = evidence[list(FEATURES)].to_numpy(float)
    y = evidence["misattributed"].to_numpy(bool)
    ours = flag_scores(evidence["flagged"], evidence["misattributed"])
    result: dict[str, Any] = {
        "entries": len(evidence),
        "misattributed": int(y.sum()),
        "pipeline": {"precision": ours["precision"], "recall": ours["recall"]},
    }
    if y.all() or not y.any() or evidence["path"].nunique() < 2:
        return result | {"learner": None}
    scores = np.zeros(len(y))
    for fit, held in GroupKFold(n_splits=2).split(x, y, groups=evidence["path"]):
        if y[fit].all() or not y[fit].any():
            scores[held] = y[fit].mean()
            continue
        learner = HistGradientBoostingClassifier(random_state=seed).fit(x[fit], y[fit])
        scores[held] = learner.predict_proba(x[held])[:, 1]
    return result | {"learner": frontier(y, scores)}


def name_key(written: str) -> tuple[str, str]:
    """Surname and given initial as the pipeline reads them (`normalize.name_parts`):
    the names a reader could not tell apart without more evidence."""
    parts = name_parts(written)
    return parts["surname_key"], parts["given_initial"]


def person_evidence(mentions: pd.DataFrame, owners: dict[str, str]) -> dict[str, Any]:
    """Mentions outside their person's main piece by the `EVIDENCE` tying their piece
    to it; how many of them the same evidence ties as strongly to another person of
    their name (`name_key`); and B-cubed now, if every piece with evidence joined its
    main piece, and if only those it ties to no other person did. `owners`: page
    path -> its owner's true person."""
    cells = mentions.groupby(["true_person", "person_id"]).size().rename("n").reset_index()
    main = (
        cells.sort_values(["true_person", "n", "person_id"], ascending=[True, False, True])
        .drop_duplicates("true_person")
        .set_index("true_person")["person_id"]
    )
    on_paper = mentions.groupby("paper_id")["person_id"].agg(set).to_dict()
    papers_of = mentions.groupby("person_id")["paper_id"].agg(set).to_dict()
    paths_of = mentions.groupby("person_id")["path"].agg(set).to_dict()
    usual = mentions.groupby("person_id")["name_as_written"].agg(lambda s: s.mode().iloc[0])
    key_of = {person: name_key(name) for person, name in usual.items()}
    mains_named: dict[tuple[str, str], list[str]] = {}
    for true_person, person in main.items():
        mains_named.setdefault(key_of[person], []).append(true_person)
    own = mentions[mentions["path"].map(owners) == mentions["true_person"]]
    own_pages = own.groupby(["true_person", "person_id"])["path"].agg(set).to_dict()
    collaborators: dict[str, set[str]] = {}

    def of(person: str) -> set[str]:
        if person not in collaborators:
            found = set().union(*(on_paper[p] for p in papers_of[person]))
            collaborators[person] = found - {person}
        return collaborators[person]

    def rank(piece: str, reach: set[str], true_person: str) -> int:
        """How strongly `piece` is tied to `true_person`'s main piece: an index
        into `EVIDENCE`."""
        home = main[true_person]
        if not of(piece).isdisjoint(of(home)):
            return 0
        if not reach.isdisjoint(of(home)):
            return 1
        if paths_of[piece] & own_pages.get((true_person, home), set()):
            return 2
        return 3

    kinds: Counter[str] = Counter({kind: 0 for kind in EVIDENCE})
    ambiguous = 0
    joins: dict[tuple[str, str], str] = {}
    sure: set[tuple[str, str]] = set()
    for true_person, piece, n in cells.itertuples(index=False):
        if piece == main[true_person]:
            continue
        reach = set().union(*map(of, of(piece)))
        strength = rank(piece, reach, true_person)
        kinds[EVIDENCE[strength]] += int(n)
        if strength == len(EVIDENCE) - 1:
            continue
        joins[(true_person, piece)] = main[true_person]
        others = (t for t in mains_named.get(key_of[piece], ()) if t != true_person)
        if any(rank(piece, reach, other) <= strength for other in others):
            ambiguous += int(n)
        else:
            sure.add((true_person, piece))
    keep = ("bcubed_precision", "bcubed_recall", "bcubed_f1")

    def scored(joined: set[tuple[str, str]] | dict[tuple[str, str], str]) -> dict[str, float]:
        persons = [
            main[t] if (t, p) in joined else p
            for t, p in zip(mentions["true_person"], mentions["person_id"], strict=True)
        ]
        found = cluster_scores(pd.Series(persons), mentions["true_person"])
        return {k: found.get(k, 1.0) for k in keep}  # no mentions: nothing lost

    return {
        "mentions": len(mentions),
        "outside_main_piece": sum(kinds.values()),
        "by_evidence": dict(kinds),
        "as_strong_for_another_person_of_the_name": ambiguous,
        "now": scored(set()),
        "every_evidenced_piece_joined": scored(joins),
        "every_unambiguous_piece_joined": scored(sure),
    }


def limits(size_dir: Path) -> dict[str, Any]:
    """Both analyses of one kept size folder."""
    out, truth_dir = size_dir / "out", size_dir / "truth"
    entries = read_entries(out).merge(read_truth(truth_dir), on=["path", "position"])
    mentions = read_mentions(out, entries, ["paper_id", "person_id", "name_as_written"])
    pages = pd.read_csv(truth_dir / "pages.csv", dtype=str, keep_default_na=False)
    owners = dict(zip(pages["path"], pages["owner"], strict=True))
    return {
        "flags": flag_ceiling(flag_evidence(out, entries)),
        "persons": person_evidence(mentions, owners),
    }


def summary(found: dict[str, Any]) -> list[str]:
    """Lines a reader takes in at a glance."""
    flags, persons = found["flags"], found["persons"]
    lines = [
        "flags: pipeline P {precision} R {recall}".format(**flags["pipeline"]),
    ]
    learner = flags["learner"]
    if learner:
        lines.append(
            "flags, a learner fitted to the truth (out of fold): best F1 {best_f1} "
            "(P {precision_at_best_f1} R {recall_at_best_f1}); P at R>=0.9 "
            "{precision_at_target_recall}; R at P>=0.9 {recall_at_target_precision}".format(
                **learner
            )
        )
    lines.append(
        f"persons: {persons['outside_main_piece']} of {persons['mentions']} mentions outside"
        " their person's main piece: "
        + ", ".join(f"{kind} {n}" for kind, n in persons["by_evidence"].items())
    )
    now, bound = persons["now"], persons["every_evidenced_piece_joined"]
    sure = persons["every_unambiguous_piece_joined"]
    lines.append(
        f"persons B-cubed F1 {now['bcubed_f1']} (P {now['bcubed_precision']} R "
        f"{now['bcubed_recall']}); every piece with evidence joined: {bound['bcubed_f1']}; "
        f"only where it ties the piece to no other person of its name "
        f"({persons['as_strong_for_another_person_of_the_name']} mentions do): "
        f"{sure['bcubed_f1']}"
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description="How far the evidence in a kept benchmark output can take the "
        "misattribution flags and person resolution."
    )
    parser.add_argument("size_dir", type=Path, help="a size folder of bench/run.py --keep")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    for needed in ("out", "truth"):
        if not (args.size_dir / needed).is_dir():
            parser.error(f"{args.size_dir} has no {needed}/ folder (keep one with --keep)")
    found = limits(args.size_dir)
    print("\n".join(summary(found)))
    if args.json:
        args.json.write_text(json.dumps(found, indent=2) + "\n")


if __name__ == "__main__":
    main()

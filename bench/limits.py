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

**Pairs of pieces.** What a resolver that does not know the main pieces could
reach by joining: every pair of output persons of one surname and initial is
described by what the published tables say of the two (collaborators in common,
collaborators' collaborators, topic, sizes, spellings, a page listing both, how
common the surname is); a gradient-boosted learner is fitted to the truth on half
the names and scores the other half's pairs, both ways round, and the pairs it
scores above a threshold are joined, the surest first. Its best B-cubed F1 over
the thresholds is what joining on that evidence allows; it does not split the
pieces that mix two persons.
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


def most_common(mentions: pd.DataFrame, column: str) -> pd.Series:
    """Each output person's most frequent `column` value (the smallest on a tie, as
    `Series.mode` gives), counted in one grouping rather than a call per person."""
    counts = mentions.groupby(["person_id", column]).size().rename("n").reset_index()
    counts = counts.sort_values(["person_id", "n", column], ascending=[True, False, True])
    return counts.drop_duplicates("person_id").set_index("person_id")[column]


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
    usual = most_common(mentions, "name_as_written")
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


PAIR_FEATURES = (
    "shared_collaborators",
    "shared_share",
    "collaborators_of_collaborators",
    "reach_overlap",
    "topic_similarity",
    "smaller_piece",
    "larger_piece",
    "same_given_name",
    "initial_only",
    "same_spelling",
    "middle_initials_differ",
    "pieces_of_the_name",
    "on_one_page",
    "surname_mentions",
)
"""What the published tables say of two output persons of one name (`piece_pairs`)."""

JOIN_THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
"""Scores above which the persons' learner joins a pair of pieces."""


def _incidence(rows: np.ndarray, columns: pd.Series, n_rows: int) -> Any:
    """0/1 sparse matrix: output person (row) by what `columns` names (paper, page)."""
    from scipy import sparse

    codes, _ = pd.factorize(columns)
    matrix = sparse.csr_matrix(
        (np.ones(len(rows), np.float32), (rows, codes)), shape=(n_rows, codes.max() + 1)
    )
    matrix.data[:] = 1.0  # a person twice on a paper or page is there once
    return matrix


def _linked(matrix: Any) -> Any:
    """0/1 person-by-person matrix of `matrix`'s nonzeros, nobody linked to itself."""
    matrix = matrix.tocsr()
    matrix.setdiag(0)
    matrix.eliminate_zeros()
    matrix.data[:] = 1.0
    return matrix


def _topics(rows: np.ndarray, paper_ids: pd.Series, texts: dict[str, str], n_rows: int) -> Any:
    """Each person's tf-idf vector over its papers' titles and abstracts, unit length."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer

    try:
        words = TfidfVectorizer(min_df=2, sublinear_tf=True).fit_transform(list(texts.values()))
    except ValueError:  # no word on two papers: no topic to share
        return sparse.csr_matrix((n_rows, 1), dtype=np.float32)
    paper_row = pd.Series(np.arange(len(texts)), index=list(texts))
    known = paper_ids.isin(paper_row.index).to_numpy()
    pick = sparse.csr_matrix(
        (np.ones(known.sum(), np.float32), (rows[known], paper_row[paper_ids[known]].to_numpy())),
        shape=(n_rows, len(texts)),
    )
    topic = pick @ words
    norms = np.sqrt(np.asarray(topic.multiply(topic).sum(axis=1)).ravel())
    return sparse.diags(1 / np.where(norms > 0, norms, 1)) @ topic


def _name_table(mentions: pd.DataFrame) -> pd.DataFrame:
    """One row an output person: its usual spelling read as the pipeline reads names,
    sorted by `name_key` so each name's persons are one run of rows."""
    usual = most_common(mentions, "name_as_written")
    parts = [name_parts(name) for name in usual]
    major = most_common(mentions, "true_person")
    return pd.DataFrame(
        {
            "person_id": usual.index,
            "spelling": usual.to_numpy(),
            "name": [f"{p['surname_key']}|{p['given_initial']}" for p in parts],
            "given": [p["given_keys"][0] if p["given_keys"] else "" for p in parts],
            "middle": [p["middle_initials"] for p in parts],
            "surname": [p["surname_key"] for p in parts],
            "true_person": major[usual.index].to_numpy(),
        }
    ).sort_values(["name", "person_id"], ignore_index=True)


def piece_pairs(mentions: pd.DataFrame, texts: dict[str, str]) -> pd.DataFrame:
    """Every pair of output persons (pieces) of one `name_key` that share no paper,
    described by `PAIR_FEATURES`, with `a` and `b` (the persons), `name` (the key)
    and `same` (the truth: both pieces' most frequent true persons agree). `texts`:
    paper id -> its title and abstract.

    Worked out a name at a time on sparse matrices whose rows are sorted by name, so
    a million entries' eight million pairs take minutes, not hours."""
    columns = ["a", "b", *PAIR_FEATURES, "name", "same"]
    if mentions.empty:
        return pd.DataFrame(columns=columns)
    table = _name_table(mentions)
    n = len(table)
    rows = pd.Series(np.arange(n), index=table["person_id"])[mentions["person_id"]].to_numpy()
    on_papers = _incidence(rows, mentions["paper_id"], n)
    on_pages = _incidence(rows, mentions["path"], n)
    collaborators = _linked(on_papers @ on_papers.T)
    reach = _linked(collaborators @ collaborators)
    topic = _topics(rows, mentions["paper_id"], texts, n)
    collaborator_count = np.asarray(collaborators.sum(axis=1)).ravel()
    reach_size = np.asarray(reach.sum(axis=1)).ravel()
    sizes = np.bincount(rows, minlength=n)
    surname_mentions = table["surname"].map(pd.Series(sizes).groupby(table["surname"]).sum())
    surname_mentions = surname_mentions.to_numpy()
    truth = pd.factorize(table["true_person"])[0]
    spelling = pd.factorize(table["spelling"])[0]
    given, middle = table["given"].to_numpy(str), table["middle"].to_numpy(str)
    names = table["name"].to_numpy()
    starts = np.flatnonzero(np.r_[True, names[1:] != names[:-1]])
    found: list[pd.DataFrame] = []
    for start, end in zip(starts, np.r_[starts[1:], n], strict=True):
        if end - start < 2:
            continue

        def within(m: Any, o: Any = None, s: int = start, e: int = end) -> np.ndarray:
            """The name's block of m @ o.T (o defaults to m), dense."""
            return (m[s:e] @ (m if o is None else o)[s:e].T).toarray()

        a, b = np.triu_indices(end - start, 1)
        apart = within(on_papers)[a, b] == 0
        a, b = a[apart], b[apart]
        i, j = a + start, b + start
        shared = within(collaborators)[a, b]
        hop = within(reach, collaborators)
        both_reach = within(reach)[a, b]
        found.append(
            pd.DataFrame(
                {
                    "a": i,
                    "b": j,
                    "shared_collaborators": shared,
                    "shared_share": shared
                    / np.maximum(1, np.minimum(collaborator_count[i], collaborator_count[j])),
                    "collaborators_of_collaborators": hop[a, b] + hop[b, a],
                    "reach_overlap": both_reach
                    / np.maximum(1, reach_size[i] + reach_size[j] - both_reach),
                    "topic_similarity": within(topic)[a, b],
                    "smaller_piece": np.minimum(sizes[i], sizes[j]),
                    "larger_piece": np.maximum(sizes[i], sizes[j]),
                    "same_given_name": given[i] == given[j],
                    "initial_only": (np.char.str_len(given[i]) <= 1)
                    | (np.char.str_len(given[j]) <= 1),
                    "same_spelling": spelling[i] == spelling[j],
                    "middle_initials_differ": (middle[i] != "")
                    & (middle[j] != "")
                    & (middle[i] != middle[j]),
                    "pieces_of_the_name": end - start,
                    "on_one_page": within(on_pages)[a, b] > 0,
                    "surname_mentions": surname_mentions[i],
                    "name": names[start],
                    "same": truth[i] == truth[j],
                }
            )
        )
    pairs = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=columns)
    person = table["person_id"].to_numpy()  # codes into it: eight million ids are big
    pairs["a"] = pd.Categorical.from_codes(pairs["a"].to_numpy(int), categories=person)
    pairs["b"] = pd.Categorical.from_codes(pairs["b"].to_numpy(int), categories=person)
    pairs["name"] = pairs["name"].astype("category")
    return pairs


def joined_pieces(
    pairs: pd.DataFrame, mentions: pd.DataFrame, scores: np.ndarray, threshold: float
) -> pd.Series:
    """Each mention's output person after joining the `pairs` scored above
    `threshold`, the highest first, never two pieces on one byline."""
    papers = mentions.groupby("person_id")["paper_id"].agg(set).to_dict()
    root = {person: person for person in papers}

    def find(x: str) -> str:
        while root[x] != x:
            root[x] = root[root[x]]
            x = root[x]
        return x

    order = np.argsort(-scores, kind="stable")
    chosen = order[scores[order] > threshold]
    firsts, seconds = pairs["a"].iloc[chosen].to_numpy(), pairs["b"].iloc[chosen].to_numpy()
    for first, second in zip(firsts, seconds, strict=True):
        a, b = find(first), find(second)
        if a != b and papers[a].isdisjoint(papers[b]):
            root[b] = a
            papers[a] |= papers.pop(b)
    return mentions["person_id"].map(find)


def person_ceiling(pairs: pd.DataFrame, mentions: pd.DataFrame, seed: int = 0) -> dict[str, Any]:
    """Person B-cubed after joining the pieces a learner fitted to the truth would
    join: fitted on half the names' `pairs` (`piece_pairs`), it scores the other
    half, two folds split by name so no name is scored by a learner that saw its
    answers, and the pairs it scores above each of `JOIN_THRESHOLDS` are joined.
    Unlike the bounds of `person_evidence`, it does not know which piece is a
    person's main one: its best is what the evidence of the pairs allows."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import GroupKFold

    keep = ("bcubed_precision", "bcubed_recall", "bcubed_f1")
    now = cluster_scores(mentions["person_id"], mentions["true_person"])
    result: dict[str, Any] = {
        "pairs": len(pairs),
        "same_person_pairs": int(pairs["same"].sum()),
        "now": {k: now.get(k, 1.0) for k in keep},
    }
    y = pairs["same"].to_numpy(bool)
    if y.all() or not y.any() or pairs["name"].nunique() < 2:
        return result | {"learner": None}
    x = pairs[list(PAIR_FEATURES)].to_numpy(np.float32)
    names = pd.factorize(pairs["name"])[0]
    scores = np.zeros(len(y))
    for fit, held in GroupKFold(n_splits=2).split(x, y, groups=names):
        if y[fit].all() or not y[fit].any():
            scores[held] = y[fit].mean()
            continue
        learner = HistGradientBoostingClassifier(random_state=seed).fit(x[fit], y[fit])
        scores[held] = learner.predict_proba(x[held])[:, 1]
    tried = []
    for threshold in JOIN_THRESHOLDS:
        joined = joined_pieces(pairs, mentions, scores, threshold)
        found = cluster_scores(joined, mentions["true_person"])
        tried.append({"threshold": threshold} | {k: found[k] for k in keep})
    best = max(tried, key=lambda t: (t["bcubed_f1"], -t["threshold"]))
    return result | {"learner": best, "tried": tried}


def limits(size_dir: Path) -> dict[str, Any]:
    """The three analyses of one kept size folder: flags, persons, pairs of pieces."""
    out, truth_dir = size_dir / "out", size_dir / "truth"
    entries = read_entries(out).merge(read_truth(truth_dir), on=["path", "position"])
    mentions = read_mentions(out, entries, ["paper_id", "person_id", "name_as_written"])
    pages = pd.read_csv(truth_dir / "pages.csv", dtype=str, keep_default_na=False)
    owners = dict(zip(pages["path"], pages["owner"], strict=True))
    papers = pq.read_table(out / "papers.parquet", columns=["paper_id", "title", "abstract"])
    papers = papers.to_pandas()
    texts = papers["title"].fillna("") + " " + papers["abstract"].fillna("")
    return {
        "flags": flag_ceiling(flag_evidence(out, entries)),
        "persons": person_evidence(mentions, owners),
        "person_pairs": person_ceiling(
            piece_pairs(mentions, dict(zip(papers["paper_id"], texts, strict=True))), mentions
        ),
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
    pairs = found["person_pairs"]
    learned = pairs["learner"]
    if learned:
        lines.append(
            f"persons, a learner fitted to the truth joining pieces of one name (out of "
            f"fold, {pairs['pairs']} pairs, {pairs['same_person_pairs']} of one person): "
            "B-cubed F1 {bcubed_f1} (P {bcubed_precision} R {bcubed_recall}) above "
            "{threshold}".format(**learned)
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

"""Score a published bylines output against a generated corpus's ground truth.

    .venv/bin/python bench/score.py OUT_DIR TRUTH_DIR

Entries are matched to the truth by (path, position), so the scores do not
depend on how record keys are spelled. Clusterings are scored pairwise
(precision, recall, F1 over pairs placed together) and by B-cubed, both from
contingency counts so a million entries score in seconds; misattribution flags
by precision and recall over every entry.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq


def _pairs(sizes: pd.Series) -> int:
    return int((sizes * (sizes - 1) // 2).sum())


def cluster_scores(predicted: pd.Series, truth: pd.Series) -> dict[str, float]:
    """Pairwise and B-cubed scores of two labelings of the same items (aligned Series)."""
    frame = pd.DataFrame({"p": predicted.to_numpy(), "t": truth.to_numpy()})
    if frame.empty:
        return {"pairwise_precision": 1.0, "pairwise_recall": 1.0, "pairwise_f1": 1.0}
    both = frame.groupby(["p", "t"]).size()
    pred_sizes = frame.groupby("p").size()
    true_sizes = frame.groupby("t").size()
    tp = _pairs(both)
    predicted_pairs, true_pairs = _pairs(pred_sizes), _pairs(true_sizes)
    precision = tp / predicted_pairs if predicted_pairs else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    # B-cubed: each item's share of its predicted (true) cluster that is also in its true
    # (predicted) one, averaged over items; items in one cell share the same value
    cells = both.reset_index(name="n")
    cells["pred_size"] = cells["p"].map(pred_sizes)
    cells["true_size"] = cells["t"].map(true_sizes)
    n = len(frame)
    b_precision = float((cells["n"] ** 2 / cells["pred_size"]).sum() / n)
    b_recall = float((cells["n"] ** 2 / cells["true_size"]).sum() / n)
    return {
        "pairwise_precision": round(precision, 4),
        "pairwise_recall": round(recall, 4),
        "pairwise_f1": round(_f1(precision, recall), 4),
        "bcubed_precision": round(b_precision, 4),
        "bcubed_recall": round(b_recall, 4),
        "bcubed_f1": round(_f1(b_precision, b_recall), 4),
        "predicted_pairs": predicted_pairs,
        "true_pairs": true_pairs,
    }


def flag_scores(flagged: pd.Series, truth: pd.Series) -> dict[str, float]:
    """Precision and recall of boolean flags against boolean truth (aligned Series)."""
    f, t = flagged.to_numpy(bool), truth.to_numpy(bool)
    tp = int((f & t).sum())
    precision = tp / int(f.sum()) if f.any() else 1.0
    recall = tp / int(t.sum()) if t.any() else 1.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(_f1(precision, recall), 4),
        "flagged": int(f.sum()),
        "true": int(t.sum()),
    }


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def read_entries(out: Path) -> pd.DataFrame:
    """Published entries with their page path: entry_id, record_key, path, position."""
    entries = pq.read_table(
        out / "entries.parquet", columns=["entry_id", "source_id", "position", "record_key"]
    ).to_pandas()
    sources = pq.read_table(out / "sources.parquet", columns=["source_id", "path"]).to_pandas()
    return entries.merge(sources, on="source_id", how="left")


def read_truth(truth_dir: Path) -> pd.DataFrame:
    return pd.read_csv(
        truth_dir / "entries.csv", dtype={"path": str, "persons": str}, keep_default_na=False
    )


def read_mentions(out: Path, joined: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Published mentions (`columns` of authorships) of the entries in `joined` (the
    published entries merged with the truth), each with its page `path` and its
    `true_person`: the truth's person at the mention's place on the byline."""
    mentions = pq.read_table(
        out / "authorships.parquet", columns=[*columns, "mention_key"]
    ).to_pandas()
    split = mentions["mention_key"].str.rsplit("@", n=1, expand=True)
    mentions["record_key"], mentions["i"] = split[0], split[1].astype(int)
    mentions = mentions.merge(joined[["record_key", "persons", "path"]], on="record_key")
    mentions["true_person"] = [
        persons.split(";")[i] for persons, i in zip(mentions["persons"], mentions["i"], strict=True)
    ]
    return mentions[[*columns, "path", "true_person"]]


def score(out: Path, truth_dir: Path) -> dict[str, object]:
    """Papers, persons and misattribution flags of one output against the truth."""
    entries = read_entries(out)
    truth = read_truth(truth_dir)
    joined = entries.merge(truth, on=["path", "position"], how="inner")
    result: dict[str, object] = {
        "entries_in_output": len(entries),
        "entries_in_truth": len(truth),
        "entries_matched": len(joined),
    }
    links = pq.read_table(out / "paper_entries.parquet", columns=["paper_id", "entry_id"])
    papers = joined.merge(links.to_pandas(), on="entry_id", how="left")
    papers["paper_id"] = papers["paper_id"].fillna("missing:" + papers["entry_id"])
    result["papers"] = cluster_scores(papers["paper_id"], papers["paper"])

    mentions = read_mentions(out, joined, ["person_id"])
    result["persons"] = cluster_scores(mentions["person_id"], mentions["true_person"])
    result["persons"]["mentions"] = len(mentions)

    attributions = pq.read_table(
        out / "attributions.parquet", columns=["entry_id", "status"]
    ).to_pandas()
    flags = joined.merge(attributions, on="entry_id", how="left")
    result["misattribution"] = flag_scores(
        flags["status"].eq("likely_misattributed"), flags["misattributed"].astype(bool)
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="a published bylines output folder")
    parser.add_argument("truth", type=Path, help="the corpus's truth/ folder")
    args = parser.parse_args()
    print(json.dumps(score(args.out, args.truth), indent=2))


if __name__ == "__main__":
    main()


def score_clusters_file(clusters: Path, out: Path, truth_dir: Path) -> dict[str, float]:
    """Another tool's paper clusters (entry_id -> cluster_id Parquet) against the truth."""
    table = pq.read_table(clusters).to_pandas()
    table.columns = ["entry_id", "cluster"]
    joined = read_entries(out).merge(read_truth(truth_dir), on=["path", "position"])
    joined = joined.merge(table, on="entry_id", how="left")
    joined["cluster"] = (
        joined["cluster"]
        .astype(str)
        .where(joined["cluster"].notna(), "missing:" + joined["entry_id"])
    )
    return cluster_scores(joined["cluster"], joined["paper"])

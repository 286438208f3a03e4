"""Splink (DuckDB) on bylines' paper-matching task, for the side-by-side benchmark.

    .venv/bin/python bench/splink_papers.py OUT_DIR CLUSTERS.parquet

Reads the entries a bylines run extracted (`OUT_DIR/entries.parquet`), so
both tools match exactly the same records, and deduplicates them with Splink
trained its usual, unsupervised way: the match prior from deterministic rules,
u from random pairs, m by expectation maximisation on two blocking rules; then
predicts on blocked pairs and clusters at a 0.9 match probability. Writes
entry_id -> cluster and prints timings as JSON. A benchmark-only dependency
(`pip install -e '.[bench]'`); bylines itself never imports Splink.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import time
import unicodedata
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

THRESHOLD = 0.3


def _fold(text: str | None) -> str | None:
    if not text:
        return None
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9 ]+", " ", text).strip() or None


def splink_input(out_dir: Path) -> pa.Table:
    """The entries as Splink wants them: cleaned columns, nulls where absent."""
    entries = pq.read_table(
        out_dir / "entries.parquet",
        columns=["entry_id", "title", "authors", "published", "arxiv_id", "abstract"],
    ).to_pylist()
    rows = []
    for e in entries:
        surnames = sorted({_fold(a.split()[-1]) for a in e["authors"] or [] if a.split()} - {None})
        abstract = _fold(e["abstract"])
        rows.append(
            {
                "unique_id": e["entry_id"],
                "title": _fold(e["title"]),
                "abstract_head": abstract[:120] if abstract else None,
                "surnames": surnames or None,
                "published": e["published"],
                "year": e["published"].year if e["published"] else None,
                "arxiv_id": e["arxiv_id"] or None,
            }
        )
    return pa.Table.from_pylist(rows)


def settings() -> object:
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.ExactMatch("arxiv_id"),
            cl.JaroWinklerAtThresholds("title", [0.97, 0.9]),
            cl.JaroWinklerAtThresholds("abstract_head", [0.97, 0.9]).configure(
                term_frequency_adjustments=False
            ),
            cl.ArrayIntersectAtSizes("surnames", [2, 1]),
            cl.AbsoluteDateDifferenceAtThresholds(
                "published", input_is_string=False, metrics=["day", "day"], thresholds=[7, 60]
            ),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("arxiv_id"),
            block_on("substr(title, 1, 16)"),
            block_on("substr(abstract_head, 1, 40)"),
        ],
        retain_matching_columns=False,
    )


def run(out_dir: Path, clusters_path: Path) -> dict[str, float | int]:
    from splink import DuckDBAPI, Linker, block_on

    logging.getLogger("splink").setLevel(logging.WARNING)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    table = splink_input(out_dir)
    seconds["prepare"] = time.perf_counter() - started
    t = time.perf_counter()
    db = DuckDBAPI()
    df = db.register(table, table_name="entries")
    linker = Linker(df, settings(), log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("arxiv_id"), block_on("title"), block_on("abstract_head")], recall=0.9
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("substr(title, 1, 16)")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("substr(abstract_head, 1, 40)")
    )
    seconds["train"] = time.perf_counter() - t
    t = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=0.1)
    pairs = predictions.as_duckdbpyrelation().aggregate("count(*)").fetchall()[0][0]
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=THRESHOLD
    )
    result = clusters.as_duckdbpyrelation().select("unique_id, cluster_id").to_arrow_table()
    if hasattr(result, "read_all"):
        result = result.read_all()
    seconds["predict_and_cluster"] = time.perf_counter() - t
    pq.write_table(result, clusters_path)
    return {
        **{f"{k}_seconds": round(v, 2) for k, v in seconds.items()},
        "seconds": round(time.perf_counter() - started, 2),
        "pairs_above_0.1": int(pairs),
        "entries": table.num_rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="a published bylines output folder")
    parser.add_argument("clusters", type=Path, help="where to write entry_id -> cluster")
    args = parser.parse_args()
    print(json.dumps(run(args.out, args.clusters)))


if __name__ == "__main__":
    main()

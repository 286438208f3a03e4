"""Benchmark runner: the whole pipeline on generated catalogues, timed and scored.

    .venv/bin/python bench/run.py --sizes 500 2000 --budget 40
    .venv/bin/python bench/run.py --sizes 1000 --curve 10 20 50

For each size, `bench/biblio.py` writes two catalogues with their answer key;
a labeling session answered by the key adds `--budget` labels to a copy of the
shipped ones; `bylines run` runs in a child process (wall time and peak RSS
measured); `bylines evaluate` scores the paper clusters. `--curve` repeats the
labeling with each budget to show F1 against the number of labels. Prints a
table and writes JSON to bench/results/run.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BYLINES = Path(sys.executable).parent / "bylines"
sys.path.insert(0, str(ROOT))

from bench import biblio  # noqa: E402


def _bylines(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BYLINES), "--log-level", "WARNING", *map(str, args)],
        capture_output=True,
        text=True,
        check=True,
    )


def _timed_run(*args: object) -> tuple[float, float]:
    """Run `bylines` in a child process: its wall seconds and its own peak RSS (MB)."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [str(BYLINES), "--log-level", "WARNING", *map(str, args)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"bylines {' '.join(map(str, args))} exited {code}")
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def measure(papers: int, budget: int, seed: int, work: Path) -> dict[str, object]:
    """Generate, label, run and score one catalogue."""
    data = work / f"n{papers}-b{budget}"
    rows_a, rows_b, pairs = biblio.write(data, papers, seed)
    labels = data / "labels"
    shutil.copytree(ROOT / "training_labels", labels)
    for extra in labels.glob("attributions.csv"):
        extra.unlink()
    started = time.perf_counter()
    _bylines(
        "label",
        "papers",
        "--input",
        data / "input",
        "--labels",
        labels,
        "--answer-key",
        data / "answer_key.csv",
        "--budget",
        budget,
    )
    label_seconds = time.perf_counter() - started
    run_seconds, peak = _timed_run(
        "run",
        "--input",
        data / "input",
        "--out",
        data / "out",
        "--labels",
        labels,
        "--cache",
        data / "cache",
    )
    score = json.loads(
        _bylines("evaluate", "--answer-key", data / "answer_key.csv", data / "out").stdout
    )["papers"]
    manifest = json.loads((data / "out" / "run.json").read_text())
    entries = rows_a + rows_b
    return {
        "papers": papers,
        "entries": entries,
        "true_pairs": pairs,
        "labels_added": budget,
        "label_session_seconds": round(label_seconds, 1),
        "run_seconds": round(run_seconds, 1),
        "entries_per_second": round(entries / run_seconds, 1),
        "peak_rss_mb": round(peak, 1),
        "stage_seconds": manifest["stage_seconds"],
        "candidate_pairs": {
            k: v.get("candidate_pairs") for k, v in manifest["matcher_quality"].items()
        },
        "pairwise": score["pairwise"],
        "bcubed": score["bcubed"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--budget", type=int, default=40)
    parser.add_argument("--curve", type=int, nargs="*", default=[])
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "run.json")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bylines-bench-") as tmp:
        plan = [(n, args.budget) for n in args.sizes]
        plan += [(args.sizes[0], b) for b in args.curve if b != args.budget]
        for papers, budget in plan:
            r = measure(papers, budget, args.seed, Path(tmp))
            rows.append(r)
            print(
                f"{r['entries']:>7} entries {budget:>4} labels  run {r['run_seconds']:>7.1f} s  "
                f"peak {r['peak_rss_mb']:>7.0f} MB  pairwise F1 {r['pairwise']['f1']:.4f}  "
                f"B-cubed F1 {r['bcubed']['f1']:.4f}",
                flush=True,
            )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()

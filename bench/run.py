"""Benchmark runner: the whole pipeline on generated catalogues, timed, scored, beside Splink.

    .venv/bin/python bench/run.py --sizes 1000 10000 100000
    .venv/bin/python bench/run.py --sizes 1000 --curve 10 20 50 100 200 --no-splink

For each size, `bench/generate.py` writes a corpus (all page shapes and
structured tables) with its ground truth. Labels: the shipped ones plus
`--budget` answers to each of `bylines label papers` and `bylines label
authors`, the sessions answered from the truth's answer keys. Then `bylines
run` runs in a child process (wall time and the peak memory of it and its
workers measured, stage
seconds from run.json, models trained afresh: `train_*` stages), and
`bench/score.py` scores papers, persons and misattribution flags against the
truth, and `bench/limits.py` says how far the output's evidence could take the
flags and persons. Splink (DuckDB) deduplicates the same extracted entries in its own
child process, timed and scored the same way.

`--curve` adds each budget of labels (on top of the shipped ones) on a
`--curve-size` corpus, to show matcher F1 against the number of labels. Prints a table, writes
`bench/results/run.json` and a log-log plot `bench/results/scaling.png`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from bench import generate, limits, score  # noqa: E402

RESULTS = ROOT / "bench" / "results"


class ChildFailed(Exception):
    """A benchmarked child exited non-zero (out of memory under the cap, say)."""

    def __init__(self, argv: list[str], code: int, seconds: float, log: Path) -> None:
        super().__init__(f"{' '.join(argv)} exited {code} after {seconds:.0f} s; see {log}")
        self.code, self.seconds, self.log = code, seconds, log


MEMORY_CAP_GB = round(0.85 * os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
"""Address space each child may take (85% of this machine's memory by default): a size
too big for the machine fails alone, with its log, instead of swapping the machine to
a halt or waking the kernel's OOM killer."""


@dataclass
class Measured:
    seconds: float
    peak_rss_mb: float
    """The largest single process: what `ru_maxrss` reports."""
    peak_tree_mb: float
    """The most the child and its forked workers held at once (their PSS summed, so
    a page they share counts once): what the machine must have."""
    peak_tree_stage: str | None = None
    """The stage the child's log had last started when that peak was sampled."""


def live_tree(root: int) -> set[int]:
    """`root` and its live descendants (a zombie holds no memory and is left out)."""
    parent: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                if fields[0] != "Z":
                    parent[int(entry)] = int(fields[1])
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, ppid in parent.items():
            if ppid == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    return tree


def pss_kb(pid: int) -> int:
    """A process's proportional set size in kB (0 once it is gone)."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


def stable_sum(
    tree: Callable[[], set[int]], size: Callable[[int], int], tries: int = 5
) -> int | None:
    """The summed `size` of the processes `tree` lists, from a reading during which
    no process started or ended; None if none of `tries` readings was.

    Processes are read one after another: a worker read while it shares pages with
    its parent, then ending before the parent is read, leaves those pages counted
    one and a half times. A nightly run at a million read 7.4 GB that way for a
    tree that held 5.4."""
    for _ in range(tries):
        before = tree()
        total = sum(size(pid) for pid in before)
        if tree() == before:
            return total
    return None


def tree_pss_mb(root: int) -> float | None:
    """The summed proportional set size of `root` and its descendants, in MB (None
    when processes kept starting or ending while it was read, `stable_sum`)."""
    total = stable_sum(lambda: live_tree(root), pss_kb)
    return None if total is None else total / 1024


def timed_child(argv: list[str], log: Path, cap_gb: float | None = None) -> Measured:
    """Run a child process, under a memory cap if given: its wall seconds and peak
    memory (sampled twice a second); `ChildFailed` if it exits non-zero."""

    def limit() -> None:
        if cap_gb is not None:
            cap = int(cap_gb * 2**30)
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    started = time.perf_counter()
    peak, logged = [0.0], [0]
    with log.open("w") as fh:
        proc = subprocess.Popen(argv, stdout=fh, stderr=subprocess.STDOUT, preexec_fn=limit)
        running = threading.Event()
        running.set()

        def sample() -> None:
            while running.is_set():
                now = tree_pss_mb(proc.pid)
                if now is not None and now > peak[0]:
                    peak[0], logged[0] = now, log.stat().st_size
                time.sleep(0.5)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        running.clear()
        sampler.join()
    seconds = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise ChildFailed(argv, code, seconds, log)
    rss = usage.ru_maxrss / 1024
    return Measured(seconds, rss, max(peak[0], rss), stage_at(log, logged[0]))


def stage_at(log: Path, offset: int) -> str | None:
    """The stage a run's log had last started within its first `offset` bytes."""
    with log.open("rb") as fh:
        found = STAGE_STARTED.findall(fh.read(offset).decode(errors="replace"))
    return found[-1] if found else None


STAGE_STARTED = re.compile(r"stage (\w+): started")
STAGE_DONE = re.compile(r"stage (\w+): done in ([\d.]+)s, peak (\d+) MB")


def stages_from_log(log: Path) -> dict[str, dict[str, float]]:
    """Stages a run finished before it failed, from its log lines."""
    return {
        m[1]: {"seconds": float(m[2]), "peak_mb": int(m[3])}
        for m in STAGE_DONE.finditer(log.read_text(errors="replace"))
    }


def bylines(*args: object) -> list[str]:
    return [str(BIN / "bylines"), "--log-level", "INFO", *map(str, args)]


def label(data: Path, labels: Path, budget: int) -> float:
    """Answer `budget` questions of each labeling session from the truth; seconds taken."""
    seconds = 0.0
    for kind, key in (("papers", "answer_key.csv"), ("authors", "answer_key_persons.csv")):
        argv = bylines(
            "label", kind, "--input", data / "input", "--labels", labels,
            "--answer-key", data / key, "--budget", budget,
        )  # fmt: skip
        seconds += timed_child(argv, data / f"label-{kind}.log").seconds
    return seconds


def run_bylines(
    data: Path, labels: Path, cap_gb: float | None = None, log: str = "run.log"
) -> dict[str, Any]:
    """`bylines run` on the size's input into its `out` folder (a nightly run when
    that folder already holds a published run: ids and the report's changes read
    from it, pages and models from the cache)."""
    out = data / "out"
    argv = bylines(
        "run", "--input", data / "input", "--out", out, "--labels", labels,
        "--cache", data / "cache", "--jobs", "2",
    )  # fmt: skip
    measured = timed_child(argv, data / log, cap_gb)
    seconds = measured.seconds
    manifest = json.loads((out / "run.json").read_text())
    stages = manifest["stage_seconds"]
    training = stages.get("train_papers", 0.0) + stages.get("train_persons", 0.0)
    return {
        "seconds": round(seconds, 1),
        "seconds_without_training": round(seconds - training, 1),
        "peak_rss_mb": round(measured.peak_rss_mb),
        "peak_memory_mb": round(measured.peak_tree_mb),
        "peak_memory_stage": measured.peak_tree_stage,
        "stage_seconds": stages,
        "stage_peak_mb": manifest.get("stage_peak_mb", {}),
        "candidate_pairs": {
            k: v.get("candidate_pairs") for k, v in manifest["matcher_quality"].items()
        },
        "id_changes": manifest["row_counts"].get("id_changes"),
        "quality": score.score(out, data / "truth"),
    }


def run_splink(data: Path) -> dict[str, Any]:
    clusters = data / "splink.parquet"
    argv = [
        sys.executable,
        str(ROOT / "bench" / "splink_papers.py"),
        str(data / "out"),
        str(clusters),
    ]
    measured = timed_child(argv, data / "splink.log")
    info = json.loads((data / "splink.log").read_text().strip().splitlines()[-1])
    return {
        "seconds": round(measured.seconds, 1),
        "peak_rss_mb": round(measured.peak_rss_mb),
        "peak_memory_mb": round(measured.peak_tree_mb),
        "stage_seconds": info,
        "papers": score.score_clusters_file(clusters, data / "out", data / "truth"),
    }


def fresh_folder(data: Path, reuse: Path | None = None) -> Path:
    """The size's folder, emptied: a kept earlier run's output, models and labels
    would otherwise be reused (inherited ids, cached models, doubled labels)."""
    if reuse is not None and data.resolve() == reuse.resolve():
        raise SystemExit(f"--labels-from {reuse} is the folder this size writes to; keep elsewhere")
    if data.exists():
        print(f"{data}: removing the earlier run kept here", file=sys.stderr, flush=True)
        shutil.rmtree(data)
    return data


def measure(
    entries: int,
    budget: int,
    seed: int,
    work: Path,
    splink: bool,
    reuse: Path | None = None,
    cap_gb: float = MEMORY_CAP_GB,
    nightly: bool = False,
    exports: bool = False,
) -> dict[str, Any]:
    """One size. With `reuse` (a smaller size's folder), its labels and trained models
    are taken as they are: no labeling session, no training, as a nightly run would.
    With `nightly`, the run is repeated on its own output (`row["nightly"]`)."""
    data = fresh_folder(work / f"n{entries}", reuse)
    started = time.perf_counter()
    counts = generate.write(data, entries, seed, exports)
    generated = time.perf_counter() - started
    labels = data / "labels"
    row: dict[str, Any] = {"entries": counts["entries"], "corpus": counts}
    row["generate_seconds"] = round(generated, 1)
    if reuse is None:
        shutil.copytree(ROOT / "training_labels", labels)
        (labels / "attributions.csv").unlink(missing_ok=True)
        row["labels_added_per_matcher"] = budget
        row["label_seconds"] = round(label(data, labels, budget), 1)
    else:
        shutil.copytree(reuse / "labels", labels)
        shutil.copytree(reuse / "cache" / "models", data / "cache" / "models")
        row["labels_and_models_from"] = reuse.name
    try:
        row["bylines"] = run_bylines(data, labels, cap_gb)
    except ChildFailed as failed:
        row["failed"] = {
            "error": str(failed),
            "seconds": round(failed.seconds, 1),
            "memory_cap_gb": cap_gb,
            "stages_done": stages_from_log(failed.log),
            "log_tail": failed.log.read_text(errors="replace")[-1500:],
        }
        return row
    b = row["bylines"]
    b["entries_per_second"] = round(row["entries"] / b["seconds"], 1)
    started = time.perf_counter()
    row["limits"] = limits.limits(data)
    row["limits"]["seconds"] = round(time.perf_counter() - started, 1)
    if nightly:
        row["nightly"] = run_bylines(data, labels, cap_gb, "nightly.log")
    if splink:
        row["splink"] = run_splink(data)
        ours = b["stage_seconds"]
        our_papers = ours.get("train_papers", 0) + ours.get("match_papers", 0)
        row["papers_vs_splink"] = {
            "bylines_seconds": round(our_papers, 1),
            "splink_seconds": row["splink"]["seconds"],
            "time_ratio": round(our_papers / max(row["splink"]["seconds"], 1e-9), 2),
            "bylines_f1": b["quality"]["papers"]["pairwise_f1"],
            "splink_f1": row["splink"]["papers"]["pairwise_f1"],
        }
    return row


def curve_point(entries: int, budget: int, seed: int, work: Path) -> dict[str, Any]:
    """Matcher quality with `budget` new labels per matcher for this source, on top of
    the shipped ones (what a curator adding a source starts from)."""
    data = work / f"curve-{budget}"
    generate.write(data, entries, seed)
    labels = data / "labels"
    shutil.copytree(ROOT / "training_labels", labels)
    (labels / "attributions.csv").unlink(missing_ok=True)
    label(data, labels, budget)
    result = run_bylines(data, labels)
    q = result["quality"]
    return {
        "labels_per_matcher": budget,
        "entries": entries,
        "papers_pairwise_f1": q["papers"]["pairwise_f1"],
        "persons_bcubed_f1": q["persons"]["bcubed_f1"],
        "misattribution": q["misattribution"],
    }


def plot(rows: list[dict[str, Any]], path: Path) -> None:
    """Log-log time and memory against entries, bylines and Splink."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r for r in rows if "bylines" in r]
    sizes = [r["entries"] for r in rows]
    fig, (ax_t, ax_m) = plt.subplots(1, 2, figsize=(10, 4))
    ax_t.loglog(sizes, [r["bylines"]["seconds"] for r in rows], "o-", label="bylines run")
    ax_t.loglog(
        sizes,
        [r["bylines"]["seconds_without_training"] for r in rows],
        "o--",
        label="bylines, models cached",
    )
    ax_m.loglog(sizes, [r["bylines"]["peak_memory_mb"] for r in rows], "o-", label="bylines run")
    if all("splink" in r for r in rows):
        ax_t.loglog(sizes, [r["splink"]["seconds"] for r in rows], "s-", label="Splink (papers)")
        ax_m.loglog(sizes, [r["splink"]["peak_memory_mb"] for r in rows], "s-", label="Splink")
    first = rows[0]["bylines"]["seconds"] / sizes[0]
    linear = [first * s for s in sizes]
    ax_t.loglog(sizes, linear, ":", color="grey", label="linear from the first size")
    ax_t.set(xlabel="entries", ylabel="seconds", title="time")
    ax_m.set(xlabel="entries", ylabel="peak memory, all processes (MB)", title="memory")
    for ax in (ax_t, ax_m):
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def print_table(rows: list[dict[str, Any]]) -> None:
    head = (
        f"{'entries':>9} {'run s':>8} {'no-train s':>10} {'peak MB':>8} {'ent/s':>8} "
        f"{'pairs P':>9} {'pairs A':>10} {'paper F1':>8} {'person B3':>9} "
        f"{'flag P':>6} {'flag R':>6} {'splink s':>8} {'splink F1':>9}"
    )
    print(head)
    for r in rows:
        if "failed" in r:
            f = r["failed"]
            done = ", ".join(
                f"{k} {v['seconds']:.0f} s/{v['peak_mb']} MB" for k, v in f["stages_done"].items()
            )
            print(
                f"{r['entries']:>9} FAILED after {f['seconds']:.0f} s "
                f"(cap {f['memory_cap_gb']} GB); done: {done or 'none'}",
                flush=True,
            )
            continue
        b, q = r["bylines"], r["bylines"]["quality"]
        s = r.get("splink", {})
        print(
            f"{r['entries']:>9} {b['seconds']:>8.1f} {b['seconds_without_training']:>10.1f} "
            f"{b['peak_memory_mb']:>8} {b['entries_per_second']:>8.1f} "
            f"{b['candidate_pairs'].get('papers') or 0:>9} "
            f"{b['candidate_pairs'].get('persons') or 0:>10} "
            f"{q['papers']['pairwise_f1']:>8.4f} {q['persons']['bcubed_f1']:>9.4f} "
            f"{q['misattribution']['precision']:>6.3f} {q['misattribution']['recall']:>6.3f} "
            f"{s.get('seconds', float('nan')):>8.1f} "
            f"{s.get('papers', {}).get('pairwise_f1', float('nan')):>9.4f}",
            flush=True,
        )
        for line in limits.summary(r["limits"]) if "limits" in r else ():
            print(f"{'':>9} {line}", flush=True)
        if "nightly" in r:
            n = r["nightly"]
            print(
                f"{'':>9} nightly rerun on its own output: {n['seconds']:.1f} s, peak "
                f"{n['peak_memory_mb']} MB with workers, {n['peak_rss_mb']} MB alone, "
                f"{n['id_changes']} id change(s)",
                flush=True,
            )


STAGE_ORDER = (
    "extract", "normalize", "train_papers", "match_papers", "merge_papers", "entries_table",
    "train_persons", "resolve_authors", "attribute", "tables", "validate", "report", "publish",
)  # fmt: skip


def print_stages(rows: list[dict[str, Any]]) -> None:
    """Seconds and the run's peak memory (MB) when each stage ended, per size."""
    rows = [r for r in rows if "bylines" in r]
    seen = {k for r in rows for k in r["bylines"]["stage_seconds"]}
    stages = [s for s in STAGE_ORDER if s in seen] + sorted(seen - set(STAGE_ORDER))
    print(f"{'stage':<16}" + "".join(f"{r['entries']:>20}" for r in rows))
    for stage in stages:
        cells = []
        for r in rows:
            b = r["bylines"]
            seconds = b["stage_seconds"].get(stage)
            peak = b.get("stage_peak_mb", {}).get(stage)
            cell = "-" if seconds is None else f"{seconds:.1f} s"
            cells.append(cell + (f" / {peak} MB" if peak else ""))
        print(f"{stage:<16}" + "".join(f"{c:>20}" for c in cells), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument(
        "--curve-size", type=int, default=10_000, help="entries of the labeling-curve corpus"
    )
    parser.add_argument("--budget", type=int, default=40, help="labels added per matcher")
    parser.add_argument("--curve", type=int, nargs="*", default=[], help="label budgets")
    parser.add_argument("--no-splink", dest="splink", action="store_false")
    parser.add_argument(
        "--memory-cap-gb",
        type=float,
        default=MEMORY_CAP_GB,
        help=f"address space a pipeline run may take; a size over it is reported as failed "
        f"(default: 85%% of this machine's memory, {MEMORY_CAP_GB} GB)",
    )
    parser.add_argument(
        "--label-up-to",
        type=int,
        default=100_000,
        help="larger sizes reuse the labels and models of the largest labeled one "
        "(a labeling session on a million entries is not what curators do)",
    )
    parser.add_argument(
        "--labels-from",
        type=Path,
        help="a size folder kept by an earlier --keep run (n100000, say): sizes above "
        "--label-up-to take its labels and models, so a million can be rerun alone",
    )
    parser.add_argument(
        "--nightly",
        action="store_true",
        help="run each size a second time on its own output, as the next night's run "
        "with nothing new: its time and memory beside the first's",
    )
    parser.add_argument(
        "--exports",
        action="store_true",
        help="write about a page in five as XML, CSL-JSON or Markdown (bench/generate.py)",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="keep corpora and outputs in this folder")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args()
    args.results.mkdir(parents=True, exist_ok=True)
    work = args.keep or Path(tempfile.mkdtemp(prefix="bylines-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    machine = {"cores": os.cpu_count(), "seed": args.seed}
    sizes: list[dict[str, Any]] = []
    curve: list[dict[str, Any]] = []

    def save() -> None:
        if args.sizes:
            text = json.dumps({"machine": machine, "sizes": sizes}, indent=2)
            (args.results / "run.json").write_text(text + "\n")
        if args.curve:
            text = json.dumps({"machine": machine, "curve": curve}, indent=2)
            (args.results / "curve.json").write_text(text + "\n")

    try:
        labeled: Path | None = args.labels_from
        for n in args.sizes:
            print(f"size {n}: generating, labeling, running ...", file=sys.stderr, flush=True)
            reuse = labeled if n > args.label_up_to else None
            sizes.append(
                measure(
                    n,
                    args.budget,
                    args.seed,
                    work,
                    args.splink,
                    reuse,
                    args.memory_cap_gb,
                    args.nightly,
                    args.exports,
                )
            )
            if reuse is None:
                labeled = work / f"n{n}"
            print_table(sizes[-1:])
            save()
        for budget in args.curve:
            print(f"curve: {budget} labels per matcher ...", file=sys.stderr, flush=True)
            curve.append(curve_point(args.curve_size, budget, args.seed, work))
            print(json.dumps(curve[-1]), flush=True)
            save()
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    if sizes:
        print()
        print_table(sizes)
        print()
        print_stages(sizes)
    if sum("bylines" in r for r in sizes) > 1:
        plot(sizes, args.results / "scaling.png")


if __name__ == "__main__":
    main()

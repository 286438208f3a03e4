"""Benchmark: extract + normalize throughput and peak memory by corpus size.

    .venv/bin/python bench/extract_speed.py --sizes 1000 10000 100000

Writes synthetic pages in all five shapes (or, with --kind exports, as XML,
CSL-JSON and Markdown exports; deterministic from --seed) to a temporary
folder, then times `pipeline.api.read_inputs` on it, each size in a fresh
process so peak RSS is that size's alone. Prints a table and writes JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import pages

GIVEN = "Ada Alan Grace Linus Barbara Donald Edsger Frances John Margaret Niklaus Radia".split()
SURNAMES = "Lovelace Turing Hopper Torvalds Liskov Knuth Dijkstra Allen Backus Hamilton".split()
WORDS = (
    "learning models scaling robust sparse graph neural language vision control quantum "
    "federated optimal inference causal memory attention transfer adversarial energy"
).split()
CATEGORIES = ["CL", "LG", "CV", "AI", "SOC-PH", "STAT.ML"]
PER_PAGE = 25


def make_papers(n: int, rng: random.Random) -> list[pages.Paper]:
    papers = []
    for i in range(n):
        title = " ".join(rng.choice(WORDS).capitalize() for _ in range(rng.randint(3, 9)))
        authors = [f"{rng.choice(GIVEN)} {rng.choice(SURNAMES)}" for _ in range(rng.randint(1, 12))]
        abstract = " ".join(rng.choice(WORDS) for _ in range(rng.randint(60, 160))) + "."
        papers.append(
            {
                "title": f"{title} {i}",
                "authors": authors,
                "date": dt.date(2015, 1, 1) + dt.timedelta(days=rng.randint(0, 3000)),
                "category": rng.choice(CATEGORIES),
                "abstract": abstract.capitalize(),
                "arxiv_id": f"{2000 + i % 900}.{10000 + i % 89999:05d}",
                "comments": ["12 pages, 3 figures"] if i % 3 == 0 else [],
                "affiliations": ["mit"] if i % 2 else [],
            }
        )
    return papers


def _owner(k: int) -> str:
    return f"{GIVEN[k % 12]} {SURNAMES[k % 10]}"


WRITERS: dict[str, list[Callable[[list[pages.Paper], int], str]]] = {
    "pages": [
        lambda ps, k: pages.profile_page(_owner(k), ps),
        lambda ps, k: pages.catalogue_page(_owner(k), ps),
        lambda ps, k: pages.compact_list(ps),
        lambda ps, k: pages.abstract_list(ps),
        lambda ps, k: pages.arxiv_listing(ps),
    ],
    "exports": [
        lambda ps, k: pages.atom_feed(ps),
        lambda ps, k: pages.dblp_person(_owner(k), ps),
        lambda ps, k: pages.csl_json(ps),
        lambda ps, k: pages.markdown_list(_owner(k), ps),
    ],
}
"""The five page shapes, or the exports (XML, CSL-JSON, a Markdown reference list)."""


def write_corpus(folder: Path, n: int, seed: int, kind: str = "pages") -> None:
    rng = random.Random(seed)
    papers = make_papers(n, rng)
    writers = WRITERS[kind]
    for k, start in enumerate(range(0, n, PER_PAGE)):
        text = writers[k % len(writers)](papers[start : start + PER_PAGE], k)
        (folder / f"page_{k:06d}.txt").write_text(text, encoding="utf-8")


def measure(n: int, seed: int, kind: str = "pages") -> dict[str, object]:
    """Extract and normalize alone (`api.read_inputs`), with no extraction cache."""
    from pipeline.api import Options, read_inputs

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_corpus(folder, n, seed, kind)
        seconds: dict[str, float] = {}
        options = Options(incremental=False, cache_dir=Path(tmp) / ".cache")
        start = time.perf_counter()
        extracted, entries = read_inputs(folder, options, None, seconds)
        took = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "kind": kind,
        "entries_requested": n,
        "entries": len(entries),
        "quarantined": len(extracted.quarantine),
        "seconds": round(took, 3),
        "stage_seconds": {k: round(v, 3) for k, v in seconds.items()},
        "entries_per_second": round(len(entries) / took, 1),
        "peak_rss_mb": round(peak_mb, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--kind",
        choices=sorted(WRITERS),
        default="pages",
        help="the five page shapes (default), or exports: Atom and DBLP XML, CSL-JSON, "
        "a Markdown reference list",
    )
    parser.add_argument(
        "--json", type=Path, help="default: bench/results/extract_speed[_KIND].json"
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.seed, args.kind)))
        return
    rows = []
    for n in args.sizes:
        proc = subprocess.run(
            [
                sys.executable,
                __file__,
                "--one",
                str(n),
                "--seed",
                str(args.seed),
                "--kind",
                args.kind,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        r = rows[-1]
        print(
            f"{r['entries']:>9} entries  {r['seconds']:>8.2f} s  "
            f"{r['entries_per_second']:>9.0f} entries/s  peak {r['peak_rss_mb']:>7.0f} MB  "
            f"quarantined {r['quarantined']}"
        )
    suffix = "" if args.kind == "pages" else f"_{args.kind}"
    out = args.json or Path(f"bench/results/extract_speed{suffix}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()

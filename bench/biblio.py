"""A synthetic two-catalogue bibliographic benchmark, shaped like DBLP-ACM.

    .venv/bin/python bench/biblio.py OUT_DIR --papers 1000 --seed 3

Writes `OUT_DIR/input/dblp.csv` and `OUT_DIR/input/acm.csv` (id, title,
authors, venue, year) describing overlapping sets of papers the way two
catalogues do (initials against full names, title case and punctuation,
abbreviated venues, off-by-one years), and `OUT_DIR/answer_key.csv`: the
matching `record_key` pairs. Deterministic from the seed. Used to check the
paper matcher on structured input with a small label budget:

    bylines label papers --input OUT_DIR/input --answer-key OUT_DIR/answer_key.csv --budget 40
    bylines run --input OUT_DIR/input --out OUT_DIR/out
    bylines evaluate --answer-key OUT_DIR/answer_key.csv OUT_DIR/out
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

GIVEN = (
    "Michael David John Robert James Wei Jian Maria Anna Laura Peter Thomas Hans Yuki Sanjay "
    "Priya Carlos Elena Ahmed Fatima Olga Ivan Chen Li Kenji Sara Paolo Marco Nadia"
).split()
SURNAMES = (
    "Smith Johnson Zhang Wang Li Chen Liu Kumar Garcia Mueller Schmidt Rossi Tanaka Sato "
    "Nguyen Kim Park Ivanov Petrov Novak Silva Costa Martin Bernard Dubois Cohen Levi Patel "
    "Singh Brown Wilson Taylor Anderson Thomas Moore Jackson White Harris Clark Lewis"
).split()
TOPIC = (
    "query optimization indexing transactions concurrency control distributed databases "
    "data streams xml processing similarity search spatial data mining association rules "
    "olap cubes materialized views schema matching data integration caching replication "
    "recovery logging buffer management join processing top-k queries skyline ranking "
    "clustering classification graph queries web data privacy provenance uncertain data"
).split()
LEADS = [
    "Efficient",
    "Scalable",
    "Adaptive",
    "On the",
    "Towards",
    "A Framework for",
    "Optimizing",
    "Incremental",
    "Approximate",
    "Robust",
]
VENUES = [
    ("SIGMOD Conference", "International Conference on Management of Data"),
    ("VLDB", "Very Large Data Bases"),
    ("ICDE", "International Conference on Data Engineering"),
    ("SIGMOD Record", "ACM SIGMOD Record"),
    ("VLDB J.", "The VLDB Journal"),
    ("ACM Trans. Database Syst.", "ACM Transactions on Database Systems"),
]


def make_papers(n: int, rng: random.Random) -> list[dict]:
    papers = []
    for i in range(n):
        words = rng.sample(TOPIC, rng.randint(3, 6))
        title = f"{rng.choice(LEADS)} {' '.join(words).title()}"
        if rng.random() < 0.3:
            title += f" with {' '.join(rng.sample(TOPIC, 2)).title()}"
        authors = [(rng.choice(GIVEN), rng.choice(SURNAMES)) for _ in range(rng.randint(1, 5))]
        papers.append(
            {
                "n": i,
                "title": title,
                "authors": authors,
                "venue": rng.randrange(len(VENUES)),
                "year": rng.randint(1994, 2005),
            }
        )
    return papers


def dblp_row(p: dict, rid: str) -> dict:
    return {
        "id": rid,
        "title": p["title"],
        "authors": ", ".join(f"{g} {s}" for g, s in p["authors"]),
        "venue": VENUES[p["venue"]][0],
        "year": p["year"],
    }


def acm_row(p: dict, rid: str, rng: random.Random) -> dict:
    title = p["title"]
    if rng.random() < 0.3:
        title = title.lower()
    if rng.random() < 0.2:
        title = title.replace(" with ", ": ")
    if rng.random() < 0.1:
        title = title + "."
    authors = [f"{g[0]}. {s}" if rng.random() < 0.5 else f"{g} {s}" for g, s in p["authors"]]
    if len(authors) > 3 and rng.random() < 0.2:
        authors = authors[:3]
    year = p["year"] + (1 if rng.random() < 0.05 else 0)
    return {
        "id": rid,
        "title": title,
        "authors": ", ".join(authors),
        "venue": VENUES[p["venue"]][1],
        "year": year,
    }


def write(out: Path, n: int, seed: int) -> tuple[int, int, int]:
    rng = random.Random(seed)
    papers = make_papers(n, rng)
    folder = out / "input"
    folder.mkdir(parents=True, exist_ok=True)
    in_dblp = [p for p in papers if rng.random() < 0.9]
    in_acm = [p for p in papers if rng.random() < 0.85]
    rng.shuffle(in_acm)
    key_of_dblp = {p["n"]: f"d{i}" for i, p in enumerate(in_dblp)}
    key_of_acm = {p["n"]: f"a{i}" for i, p in enumerate(in_acm)}
    fields = ["id", "title", "authors", "venue", "year"]
    with (folder / "dblp.csv").open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        for p in in_dblp:
            w.writerow(dblp_row(p, key_of_dblp[p["n"]]))
    with (folder / "acm.csv").open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        for p in in_acm:
            w.writerow(acm_row(p, key_of_acm[p["n"]], rng))
    pairs = [
        (f"dblp.csv:{key_of_dblp[n]}", f"acm.csv:{key_of_acm[n]}")
        for n in sorted(set(key_of_dblp) & set(key_of_acm))
    ]
    with (out / "answer_key.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["key_a", "key_b"])
        w.writerows(pairs)
    return len(in_dblp), len(in_acm), len(pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--papers", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    a, b, k = write(args.out, args.papers, args.seed)
    print(f"dblp.csv {a} rows, acm.csv {b} rows, {k} matching pairs in {args.out}")


if __name__ == "__main__":
    main()

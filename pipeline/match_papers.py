"""Stage 3, match_papers: which entries are the same paper, by a trained dedupe model.

An entry becomes a record of the fields that carry a paper's identity (see
`comparisons.PAPER_MODEL`): arXiv id, folded title, the opening of the
abstract, the set of author surnames, year and day. Any of them may be
missing, as on abstract-only pages; dedupe learns a weight for "missing" too,
so an abstract-only entry links to its titled copies through the abstract.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import replace
from typing import Any

from pipeline.comparisons import PAPER_MODEL
from pipeline.matching import Labels, Pairing, Record, Trained, cluster_records
from pipeline.normalize import name_parts

ENTRY_FIELDS_READ = (
    "entry_id",
    "record_key",
    "arxiv_id",
    "title_key",
    "abstract_key",
    "authors",
    "published",
    "published_year",
)
"""What this stage reads of an entry (`paper_record`, `match_papers`, `paper_id_for`)."""


def surname_set(authors: list[str] | None, surname_of: dict[str, str]) -> frozenset[str] | None:
    """The byline's surname keys, from `surname_of` (written name -> surname key)."""
    keys = frozenset(k for a in authors or [] if (k := surname_of[a]))
    return keys or None


def surname_keys(names: set[str]) -> dict[str, str]:
    """Each written name's surname key, each name parsed once. A million entries
    carry some 300k distinct names, more than `name_parts` keeps: asked entry by
    entry, most names were parsed again at every byline they are on."""
    return {n: name_parts(n)["surname_key"] for n in names}


def paper_record(entry: dict[str, Any], surname_of: dict[str, str]) -> Record:
    """The matching view of one entry (display forms stay in `entries`)."""
    published = entry.get("published")
    return {
        "key": entry["record_key"],
        "arxiv_id": entry.get("arxiv_id") or None,
        "title": entry.get("title_key") or None,
        "abstract": entry.get("abstract_key") or None,
        "authors": surname_set(entry.get("authors"), surname_of),
        "year": entry.get("published_year"),
        "day": published.toordinal() if published is not None else None,
    }


def blocking_keys(record: Record) -> list[str]:
    """Fixed blocks beside the learned ones: arXiv id, title opening, abstract opening."""
    keys = []
    if record["arxiv_id"]:
        keys.append("arxiv:" + record["arxiv_id"])
    if record["title"]:
        keys.append("title:" + " ".join(record["title"].split()[:6]))
    if record["abstract"]:
        keys.append("abstract:" + " ".join(record["abstract"].split()[:12]))
    return keys


def same_listing(a: Record, b: Record) -> bool:
    """Two listings with the same whole title (or abstract opening) and the same
    author surnames are one paper, unless their arXiv ids differ. A byline cut
    short counts as the same when its surnames, two or more, are all on the other.

    The model weighs every field against the rest, and in a field whose papers
    share their vocabulary it let two dated copies eight days apart fall below
    the threshold (0.49 against 0.495) though title, abstract and byline agreed.
    On generated corpora the rule joined 4,506 pairs at 10k and 44,576 at 100k,
    none of them two papers.
    """
    if a["arxiv_id"] and b["arxiv_id"] and a["arxiv_id"] != b["arxiv_id"]:
        return False
    if not a["authors"] or not b["authors"]:
        return False
    small, large = sorted((a["authors"], b["authors"]), key=len)
    if small != large and not (small < large and len(small) >= 2):
        return False
    return bool(a["title"] and a["title"] == b["title"]) or bool(
        a["abstract"] and a["abstract"] == b["abstract"]
    )


TITLE_OVERLAP = 0.5
"""Share of the shorter title's words the other must hold for two listings of one
arXiv id to be one paper without the model: less, and the page's link may be wrong."""


def same_arxiv_id(a: Record, b: Record) -> bool:
    """Two listings of one arXiv id are one paper (the id folds in its versions),
    unless both show titles with little in common.

    An abstract-only listing and a table row without an abstract share nothing
    but the id, and the model, weighing every field, learned too little from
    such pairs: at 100k, 341 of the 551 papers split in two had both parts
    under one id."""
    if not a["arxiv_id"] or a["arxiv_id"] != b["arxiv_id"]:
        return False
    if not a["title"] or not b["title"]:
        return True
    words_a, words_b = set(a["title"].split()), set(b["title"].split())
    return len(words_a & words_b) >= TITLE_OVERLAP * min(len(words_a), len(words_b))


def one_paper(a: Record, b: Record) -> bool:
    """The pairs no model decides: one listing twice, or one arXiv id."""
    return same_listing(a, b) or same_arxiv_id(a, b)


def sort_key(record: Record) -> str:
    """Order inside an oversized block: look-alike titles (or abstracts) side by side."""
    return record["title"] or record["abstract"] or ""


def paper_records(entries: list[dict[str, Any]]) -> dict[str, Record]:
    surname_of = surname_keys({n for e in entries for n in e.get("authors") or []})
    return {e["record_key"]: paper_record(e, surname_of) for e in entries}


def _hashed(anchor: str) -> str:
    return "p_" + hashlib.sha1(anchor.encode()).hexdigest()[:16]


def paper_id_for(entries: list[dict[str, Any]], taken: set[str]) -> str:
    """A paper's id: anchored on its arXiv id when its entries agree on one (and no
    other cluster claimed it), else on its first record key."""
    ids = Counter(e["arxiv_id"] for e in entries if e.get("arxiv_id"))
    if len(ids) == 1:
        candidate = _hashed("arxiv:" + next(iter(ids)))
        if candidate not in taken:
            return candidate
    return _hashed("key:" + min(e["record_key"] for e in entries))


PAIRING = Pairing(window=5, rule_budget=3.0, certain=one_paper, processes=1)
"""Candidate neighbours of an entry in a block, in title order: the listings of one
paper sort together, and a chain of five-neighbour pairs joins a paper listed on
many pages. A learned rule may add at most three candidate pairs an entry: an
entry has a few listings of its own paper, so a rule pairing it with many more on
average groups by topic, not by paper (see `matching.over_budget`). Listings that
agree on title or abstract, surnames and arXiv id score 1 (`same_listing`), and so do
listings of one arXiv id whose titles do not disagree (`same_arxiv_id`).

One process scores and clusters: a million entries make about a pair each. A forked
worker saved 4.5 s of scoring while copying 665 MB of the records' pages it read;
clustering's saved 8 s while it and its parent each copied some 600 MB, writing
new objects into the holes the freed records left (bench/HISTORY.md)."""


def match_papers(
    entries: list[dict[str, Any]], trained: Trained, labels: Labels
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """`paper_entries` rows (paper_id, entry_id, confidence) and matching stats."""
    by_key = {e["record_key"]: e for e in entries}
    clusters, confidence, conflicts, n_pairs = cluster_records(  # the records handed over
        trained, paper_records(entries), labels, blocking_keys, sort_key=sort_key, pairing=PAIRING
    )
    rows = []
    taken: set[str] = set()
    for cluster in clusters:
        members = [by_key[k] for k in cluster]
        paper_id = paper_id_for(members, taken)
        taken.add(paper_id)
        for entry in members:
            rows.append(
                {
                    "paper_id": paper_id,
                    "entry_id": entry["entry_id"],
                    "confidence": confidence.get(entry["record_key"], 1.0),
                }
            )
    stats = {"candidate_pairs": n_pairs, "clusters": len(clusters), "label_conflicts": conflicts}
    return rows, stats


MODEL = replace(PAPER_MODEL, blocking_keys=blocking_keys)
"""The model this stage trains: the comparison list plus this stage's fixed blocks."""

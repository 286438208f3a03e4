"""Stage 5, resolve_authors: author mentions on canonical papers into persons.

A mention is a name on a paper's byline with its context: the coauthors on
that paper, the paper's topic words, field and year. The person model
(`comparisons.PERSON_MODEL`) compares names with jellyfish (Jaro-Winkler on
folded names, phonetic codes of surnames, nickname-aware given names,
compatible initials) and context (shared coauthors, topic, field, years), so
spellings of one person merge and namesakes with unrelated work stay apart.

A mention's key is `RECORD_KEY@POSITION` of the entry whose byline the paper
took, so labels on mentions survive reruns.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import replace
from typing import Any

from pipeline.arxiv_taxonomy import field_of
from pipeline.comparisons import PERSON_MODEL
from pipeline.matching import Labels, Record, Trained, cluster_records
from pipeline.normalize import fold, given_keys, mention_row

EXCLUSIVE_FIELD = "paper_id"
"""Two names on one byline are two people."""


def mention_key(paper: dict[str, Any], position: int) -> str:
    return f"{paper['authors_from_key']}@{position}"


def mention_records(papers: list[dict[str, Any]]) -> dict[str, Record]:
    """Matching view of every name on every canonical byline."""
    records: dict[str, Record] = {}
    for paper in papers:
        names = paper["author_names"]
        rows = [mention_row(paper["paper_id"], i, n) for i, n in enumerate(names)]
        compact = [r["compact_key"] for r in rows]
        topic = " ".join(filter(None, [paper.get("title_key"), paper.get("abstract_key")]))
        for i, row in enumerate(rows):
            coauthors = frozenset(c for j, c in enumerate(compact) if j != i and c)
            folded_given = row["name_key"].split(" ")[0] if row["given"] else ""
            records[mention_key(paper, i)] = {
                "key": mention_key(paper, i),
                "name": fold(names[i]) or None,
                "sound": (row["surname_metaphone"], row["surname_nysiis"]),
                "surname": row["surname_key"],
                "given": (folded_given, row["given_initial"], *given_keys(row["given"]))
                if row["given"]
                else None,
                "middle": row["middle_initials"],
                "coauthors": coauthors or None,
                "topic": topic or None,
                "context": (field_of(paper.get("category")), coauthors),
                "year": paper.get("published_year"),
                "paper_id": paper["paper_id"],
                "position": i,
                "name_as_written": names[i],
            }
    return records


def blocking_keys(record: Record) -> list[str]:
    """Fixed blocks beside the learned ones: the whole folded name without spaces or
    hyphens, and surname sound with the given initial."""
    keys = []
    if record["name"]:
        keys.append("name:" + record["name"].replace(" ", ""))
    initial = record["given"][1] if record["given"] else ""
    if record["sound"][0]:
        keys.append(f"sound:{record['sound'][0]}:{initial}")
    return keys


def display_name(spellings: Counter[str]) -> str:
    """The most used spelling; ties: the one with diacritics, then the longest."""
    return min(
        spellings,
        key=lambda s: (-spellings[s], -sum(not c.isascii() for c in s), -len(s), s),
    )


def person_id_for(mention_keys: list[str]) -> str:
    return "n_" + hashlib.sha1(min(mention_keys).encode()).hexdigest()[:16]


def resolve_authors(
    records: dict[str, Record], trained: Trained, labels: Labels
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """`persons` and `authorships` rows from `mention_records`, and clustering stats."""
    clusters, _confidence, conflicts, n_pairs = cluster_records(
        trained, records, labels, blocking_keys, EXCLUSIVE_FIELD
    )
    persons, authorships = [], []
    for cluster in clusters:
        person_id = person_id_for(cluster)
        spellings = Counter(records[k]["name_as_written"] for k in cluster)
        persons.append(
            {
                "person_id": person_id,
                "name": display_name(spellings),
                "variants": sorted(spellings),
                "mention_count": len(cluster),
            }
        )
        for key in cluster:
            r = records[key]
            authorships.append(
                {
                    "paper_id": r["paper_id"],
                    "person_id": person_id,
                    "position": r["position"],
                    "name_as_written": r["name_as_written"],
                    "mention_key": key,
                }
            )
    papers_of: dict[str, set[str]] = defaultdict(set)
    for a in authorships:
        papers_of[a["person_id"]].add(a["paper_id"])
    for p in persons:
        p["paper_count"] = len(papers_of[p["person_id"]])
    stats = {"candidate_pairs": n_pairs, "persons": len(persons), "label_conflicts": conflicts}
    return persons, authorships, stats


MODEL = replace(PERSON_MODEL, blocking_keys=blocking_keys)
"""The model this stage trains: the comparison list plus this stage's fixed blocks."""

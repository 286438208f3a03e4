"""Stage 4, merge_papers: one canonical row per paper, each field by a stated rule.

| field | rule |
|---|---|
| title | the most common title among the entries (by folded key); ties: the longest form |
| author_names | the longest complete byline (no "et al."), or the longest; ties: fewer initials|
|  | a name given as initials is written out where another listing spells it there |
| published | the earliest full date: the first version, not a revision |
| arxiv_id | the most common id; ties: the smallest |
| abstract | the longest abstract with no LaTeX left in it; else the longest |
| category | the most common category |

Each field records the entry it came from (`*_from` columns). Entries that
disagree (two dates, two arXiv ids, two titles) become `quality_issues` rows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import lru_cache
from typing import Any

from pipeline.normalize import fold

_LATEX = ("\\", "$")
NAME_CACHE = 1 << 16
"""Names remembered by the initials checks: a name recurs on paper after paper."""

ENTRY_FIELDS_READ = (
    "entry_id",
    "source_id",
    "position",
    "record_key",
    "title",
    "title_key",
    "abstract",
    "abstract_key",
    "authors",
    "authors_truncated",
    "published",
    "published_year",
    "arxiv_id",
    "category",
)
"""What this stage reads of an entry, for its rules and its quality issues."""


def _from(entry: dict[str, Any] | None) -> str | None:
    return entry["entry_id"] if entry else None


def pick_title(entries: list[dict[str, Any]]) -> dict[str, Any] | None:
    titled = [e for e in entries if e.get("title")]
    if not titled:
        return None
    counts = Counter(e["title_key"] for e in titled)
    return min(titled, key=lambda e: (-counts[e["title_key"]], -len(e["title"]), e["record_key"]))


def pick_byline(entries: list[dict[str, Any]]) -> dict[str, Any] | None:
    with_authors = [e for e in entries if e.get("authors")]
    if not with_authors:
        return None

    def rank(e: dict[str, Any]) -> tuple[bool, int]:
        return bool(e["authors_truncated"]), -len(e["authors"])

    best = min(map(rank, with_authors))
    tied = [e for e in with_authors if rank(e) == best]
    if len(tied) == 1:  # most papers: initials are counted only to break a tie
        return tied[0]
    return min(tied, key=lambda e: (_initials(e["authors"]), e["record_key"]))


def _initials(names: list[str]) -> int:
    """Words of a byline written as initials ("J. Q. Doe" has two): a CV's byline
    names fewer people than the profile page's "Jane Q. Doe" for the same paper."""
    return sum(map(_name_initials, names))


@lru_cache(maxsize=NAME_CACHE)
def _name_initials(name: str) -> int:
    return sum(1 for word in name.split() if len(word.rstrip(".")) == 1)


def _initials_only(name: str) -> bool:
    """Whether the given names are initials only: "J. Q. Doe", "JD Kaplan", "L.M. Fischer"."""
    if len(name) < 2 or name[1].islower():  # "Jane Doe": most names, told at a glance
        return False
    words = name.split()
    return len(words) > 1 and all(_initials_word(w) for w in words[:-1])


def _initials_word(word: str) -> bool:
    bare = word.replace(".", "").replace("-", "")
    return bare.isalpha() and bare.isupper() and len(bare) <= 3


def spelled_out(names: list[str], group: list[dict[str, Any]]) -> list[str]:
    """The byline, each name given as initials only ("J. Q. Doe") written out where
    another listing of the paper spells it at the same place ("Jane Q. Doe", same
    surname, same first initial): person resolution then has the given name."""
    out = list(names)
    if len(group) < 2:
        return out
    for i, name in enumerate(names):
        if not _initials_only(name):
            continue
        surname, initial = fold(name.split()[-1]), name[0].upper()
        fuller = {
            e["authors"][i]
            for e in group
            if len(e["authors"]) > i
            and not _initials_only(e["authors"][i])
            and len(e["authors"][i].split()) > 1
            and fold(e["authors"][i].split()[-1]) == surname
            and e["authors"][i][0].upper() == initial
        }
        if fuller:
            out[i] = min(fuller, key=lambda n: (-len(n), n))
    return out


def pick_date(entries: list[dict[str, Any]]) -> dict[str, Any] | None:
    dated = [e for e in entries if e.get("published") is not None]
    if dated:
        return min(dated, key=lambda e: (e["published"], e["record_key"]))
    yeared = [e for e in entries if e.get("published_year") is not None]
    return min(yeared, key=lambda e: (e["published_year"], e["record_key"])) if yeared else None


def pick_arxiv(entries: list[dict[str, Any]]) -> dict[str, Any] | None:
    with_id = [e for e in entries if e.get("arxiv_id")]
    if not with_id:
        return None
    counts = Counter(e["arxiv_id"] for e in with_id)
    return min(with_id, key=lambda e: (-counts[e["arxiv_id"]], e["arxiv_id"], e["record_key"]))


def pick_abstract(entries: list[dict[str, Any]]) -> dict[str, Any] | None:
    with_abstract = [e for e in entries if e.get("abstract")]
    if not with_abstract:
        return None
    return min(
        with_abstract,
        key=lambda e: (
            any(mark in e["abstract"] for mark in _LATEX),
            -len(e["abstract"]),
            e["record_key"],
        ),
    )


def _issue(paper_id: str, check: str, message: str) -> dict[str, Any]:
    return {
        "table_name": "papers",
        "key": paper_id,
        "check": check,
        "severity": "warning",
        "message": message,
    }


def disagreements(
    paper_id: str, entries: list[dict[str, Any]], paths: dict[str, str]
) -> list[dict[str, Any]]:
    """Quality issues for fields on which the merged entries disagree."""

    def where(e: dict[str, Any]) -> str:
        return f"{paths.get(e['source_id'], e['source_id'])}#{e['position']}"

    issues = []
    dates = defaultdict(list)
    for e in entries:
        if e.get("published") is not None:
            dates[e["published"]].append(where(e))
    if len(dates) > 1:
        shown = "; ".join(f"{d.isoformat()} ({', '.join(w)})" for d, w in sorted(dates.items()))
        issues.append(_issue(paper_id, "published_disagrees", f"entries give dates {shown}"))
    ids = defaultdict(list)
    for e in entries:
        if e.get("arxiv_id"):
            ids[e["arxiv_id"]].append(where(e))
    if len(ids) > 1:
        shown = "; ".join(f"{i} ({', '.join(w)})" for i, w in sorted(ids.items()))
        issues.append(_issue(paper_id, "arxiv_id_disagrees", f"entries give arXiv ids {shown}"))
    titles = {e["title_key"] for e in entries if e.get("title_key")}
    if len(titles) > 1:
        issues.append(
            _issue(paper_id, "title_disagrees", f"entries give {len(titles)} different titles")
        )
    return issues


def merge_papers(
    entries: list[dict[str, Any]],
    paper_entries: list[dict[str, Any]],
    paths: dict[str, str],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Canonical `papers` rows and the quality issues of their disagreements."""
    by_id = {e["entry_id"]: e for e in entries}
    members: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in paper_entries:
        members[row["paper_id"]].append(by_id[row["entry_id"]])
    papers, issues = [], []
    for paper_id in sorted(members):
        group = sorted(members[paper_id], key=lambda e: e["record_key"])
        title, byline = pick_title(group), pick_byline(group)
        date, arxiv, abstract = pick_date(group), pick_arxiv(group), pick_abstract(group)
        categories = Counter(e["category"] for e in group if e.get("category"))
        papers.append(
            {
                "paper_id": paper_id,
                "title": title["title"] if title else None,
                "title_key": title["title_key"] if title else None,
                "arxiv_id": arxiv["arxiv_id"] if arxiv else None,
                "published": date["published"] if date else None,
                "published_year": date["published_year"] if date else None,
                "abstract": abstract["abstract"] if abstract else None,
                "abstract_key": abstract["abstract_key"] if abstract else None,
                "author_names": spelled_out(byline["authors"], group) if byline else [],
                "authors_complete": bool(byline) and not byline["authors_truncated"],
                "category": min(categories, key=lambda c: (-categories[c], c))
                if categories
                else None,
                "entry_count": len(group),
                "source_count": len({e["source_id"] for e in group}),
                "title_from": _from(title),
                "authors_from": _from(byline),
                "authors_from_key": byline["record_key"] if byline else None,
                "published_from": _from(date),
                "arxiv_from": _from(arxiv),
                "abstract_from": _from(abstract),
            }
        )
        issues.extend(disagreements(paper_id, group, paths))
    return papers, issues

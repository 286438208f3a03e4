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
import heapq
import logging
import math
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from pipeline import attribute
from pipeline.arxiv_taxonomy import field_of
from pipeline.comparisons import PERSON_MODEL
from pipeline.linkage import UnionFind, compile_now, cosine_merges
from pipeline.matching import (
    Labels,
    Pairing,
    Record,
    Trained,
    cluster_records,
    cores_of,
    linked_groups,
)
from pipeline.normalize import (
    fold,
    given_names_agree,
    name_parts,
    rejoined_name_parts,
    surnames_agree,
)
from pipeline.workers import consecutive_runs, shared_out

log = logging.getLogger(__name__)

EXCLUSIVE_FIELD = "paper_id"
"""Two names on one byline are two people."""


def mention_key(paper: dict[str, Any], position: int) -> str:
    return f"{paper['authors_from_key']}@{position}"


def mention_records(papers: list[dict[str, Any]]) -> dict[str, Record]:
    """Matching view of every name on every canonical byline.

    A name's own fields are worked out once per spelling and shared by its
    mentions (`name_parts`, `_name_fields`): at a million entries, 1.3M mentions
    carry a fraction as many distinct names. Coauthors and topic words are sorted
    tuples of strings shared across papers (`one_of`), not sets: a set's table
    made them 1.5 kB of each record, 2 GB at a million entries."""
    records: dict[str, Record] = {}
    read = read_names({n for p in papers for n in p["author_names"]})
    parts_of = {p["paper_id"]: [read[n] for n in p["author_names"]] for p in papers}
    counts = Counter(_name_key(r) for rows in parts_of.values() for r in rows)
    fields_of: dict[str, dict[str, Any]] = {}
    one_of: dict[str, str] = {}
    for paper in papers:
        names = paper["author_names"]
        rows = parts_of[paper["paper_id"]]
        compact = [one_of.setdefault(k, k) for k in map(_coauthor_key, rows)]
        present = Counter(c for c in compact if c)
        everyone = tuple(sorted(present))
        topic = " ".join(filter(None, [paper.get("title_key"), paper.get("abstract_key")]))
        words = topic_words(topic, one_of)
        field = field_of(paper.get("category"))
        for i, row in enumerate(rows):
            mine = compact[i]
            # everyone else on the byline: a key two of them share stays
            coauthors = tuple(c for c in everyone if c != mine) if present[mine] == 1 else everyone
            fields = fields_of.get(names[i])
            if fields is None:
                fields = fields_of[names[i]] = _name_fields(names[i], row, counts)
            key = mention_key(paper, i)
            records[key] = {
                "key": key,
                **fields,
                "coauthors": coauthors or None,
                "topic": topic or None,
                "topic_words": words or None,
                "context": (field, coauthors),
                "year": paper.get("published_year"),
                "paper_id": paper["paper_id"],
                "position": i,
                "name_as_written": names[i],
            }
    return records


def _coauthor_key(row: dict[str, Any]) -> str:
    """A name as a coauthor, by surname and initial: "P. White" and "Patricia E. White"
    agree."""
    return f"{row['surname_key']} {row['given_initial']}".strip()


def topic_words(topic: str, one_of: dict[str, str]) -> tuple[str, ...]:
    """A paper's distinct content words, sorted, each word one string object across
    papers (`one_of`); the comparisons read tuples and sets alike."""
    return tuple(sorted({one_of.setdefault(w, w) for w in topic.split() if len(w) > 3}))


def read_names(names: set[str]) -> dict[str, dict[str, Any]]:
    """Each written name's parts (`normalize.name_parts`), reading "Ana Lopez Garcia"
    as Ana Lopez-Garcia where "Lopez-Garcia" is a surname on other bylines.

    Alone, "Lopez Garcia" is a middle name and a surname; a site that drops the
    hyphen would otherwise make two people of one, with surnames that never agree."""
    read = {n: name_parts(n) for n in names}
    surnames = {parts["surname_key"] for parts in read.values()}
    for n in names:
        joined = rejoined_name_parts(n)
        if joined is not None and joined["surname_key"] in surnames:
            read[n] = joined
    return read


def _name_fields(written: str, row: dict[str, Any], counts: Counter[str]) -> dict[str, Any]:
    """The fields of a mention record that depend on its name alone."""
    folded_given = row["name_key"].split(" ")[0] if row["given"] else ""
    return {
        "name": fold(written) or None,
        "sound": (row["surname_metaphone"], row["surname_nysiis"]),
        "surname": row["surname_key"],
        "given": (folded_given, row["given_initial"], *row["given_keys"]) if row["given"] else None,
        "middle": row["middle_initials"],
        "rarity": (_name_key(row), counts[_name_key(row)]),
    }


def _name_key(row: dict[str, Any]) -> str:
    return f"{row['surname_key']}|{row['given_initial']}" if row["surname_key"] else ""


CROWDED_BYLINE = 100
"""Names on a paper past which its byline says nothing of who works with whom: a
collaboration's thousand names make each a collaborator of every other. Such a
paper gives no coauthor blocks (`blocking_keys`) and no community (`community_vectors`),
whose cost is the square of its length: a paper of 3,000 names took 138 s and 9M keys."""


def blocking_keys(record: Record) -> list[str]:
    """Fixed blocks beside the learned ones: the whole folded name without spaces or
    hyphens, surname sound with the given initial, surname with each given name
    the written one may stand for (itself included, not for a bare initial), and
    surname and initial with each coauthor (on a byline not `CROWDED_BYLINE` long).

    The nickname blocks put "Bob Kumar" and "Robert Kumar" in one small block, and
    the coauthor blocks put a person's papers with one lab side by side: in a common
    name's block of hundreds, sorted by name, either pair is too far apart to meet.
    """
    keys = []
    if record["name"]:
        keys.append("name:" + record["name"].replace(" ", ""))
    initial = record["given"][1] if record["given"] else ""
    if record["sound"][0]:
        keys.append(f"sound:{record['sound'][0]}:{initial}")
    standing_for = record["given"][2:] if record["given"] and len(record["given"][0]) > 1 else ()
    if record["surname"]:
        keys.extend(f"nick:{record['surname']}:{name}" for name in standing_for)
        coauthors = record["coauthors"] or ()
        if len(coauthors) < CROWDED_BYLINE:
            keys.extend(f"with:{record['surname']}:{initial}:{c}" for c in coauthors)
    return keys


def compatible(a: Record, b: Record) -> bool:
    """Whether two mentions can be one person at all, before any model: the same
    surname (folded, spaces and hyphens gone, or one typo apart in a long one) and
    given names that agree: nicknames of each other, or the same initial where one
    is an initial (or the initial of a name the other is short for: "W." and
    "Bill"), or two written-out names one slip apart (`given_names_agree`).

    "Alex Li" and "Alex Liu", "Annika Wang" and "Anneli Wang" are two people
    whatever their coauthors; dropping such pairs before scoring keeps a common
    name's large blocks from chaining together.
    """
    if not surnames_agree(a["surname"], b["surname"]):
        return False
    ga, gb = a["given"], b["given"]
    if not ga or not gb or not ga[1] or not gb[1]:
        return True
    if set(ga[2:]) & set(gb[2:]):
        return True  # one given name, or nicknames of one
    if ga[1] != gb[1]:
        return _initial_for(ga, gb) or _initial_for(gb, ga)
    written_out = len(ga[0]) > 1 and len(gb[0]) > 1
    return not written_out or given_names_agree(ga[0], gb[0])


def _initial_for(initial: tuple[str, ...], written: tuple[str, ...]) -> bool:
    """Whether a bare initial may stand for a written-out given name through the
    names it is short for: "W." for Bill (William), "E." for Liz (Elizabeth)."""
    return len(initial[0]) == 1 and any(k[:1] == initial[1] for k in written[2:])


def names_of(record: Record) -> tuple[str, Any]:
    """What `compatible` reads of a mention: pairs of the same two are decided once."""
    return record["surname"], record["given"]


PAIRING = Pairing(compatible_on=names_of, rule_budget=15.0)
"""Pairs of the same two names are decided once (`names_of`). A learned rule may add
at most fifteen candidate pairs a mention: a surname's blocks are meant to be
dense, but a rule on every four-letter ending of a surname (dedupe's suffix
array) grew from 10 pairs a mention at 10k entries to 19 at 100k and 26 at 1M.
At 100k it added 681 pairs to the 1,040,572 the name rules kept, and person
B-cubed was 0.9552 with it and without it. At 1M, without it: 57.6M pairs from
blocking instead of 92.8M (16.6M distinct instead of 22.7M), 11,360,737 kept
instead of 11,390,856, B-cubed 0.9531 against 0.9532, and the run with its
workers peaked 1 GB lower (11.8 GB)."""


def sort_key(record: Record) -> str:
    """Order inside an oversized block: same spelling together, then by coauthors, so
    a person's mentions with a common name sit side by side."""
    return f"{record['name'] or ''}|{' '.join(sorted(record['coauthors'] or ()))}"


def display_name(spellings: Counter[str]) -> str:
    """The most used spelling; ties: the one with diacritics, then the longest."""
    return min(
        spellings,
        key=lambda s: (-spellings[s], -sum(not c.isascii() for c in s), -len(s), s),
    )


def split_by_collaborators(
    clusters: list[list[str]], records: dict[str, Record], labels: Labels, jobs: int = 1
) -> list[list[str]]:
    """Cut a cluster whose mentions fall into groups with different collaborators.

    Pair scores see two papers at a time: two strangers with one name in one field
    score high on name, field and topic, and average linkage chains them into one
    person. A person's papers hang together through their collaborators (a lab's
    seniors are on most of them), two strangers' do not. So a cluster is cut into
    its `collaborator_groups` when two or more of them hold two or more mentions. A
    mention in no group (a solo paper, a one-off collaboration) cannot tell which
    of the strangers it is, so it stands alone. The passes after this one join
    pieces again where collaborators or a profile page say they are one person.
    """
    same = labeled(labels, "match")
    weights = collaborator_weights(records)
    big = [n for n, cluster in enumerate(clusters) if len(cluster) >= 4]
    if big:
        compile_now()
    grouped = shared_out(
        lambda n: collaborator_groups(clusters[n], records, same, weights),
        big,
        jobs,
        cost=lambda n: len(clusters[n]),
        what="cutting persons",
    )
    groups_of = dict(zip(big, grouped, strict=True))
    out: list[list[str]] = []
    for n, cluster in enumerate(clusters):
        groups = groups_of.get(n, [])
        if sum(len(g) >= 2 for g in groups) >= 2:
            out.extend(groups)
        else:
            out.append(cluster)
    return sorted(sorted(c) for c in out)


def collaborator_weights(records: dict[str, Record]) -> dict[str, float]:
    """Each collaborator key's inverse document frequency over all mentions: "wang j"
    on thousands of bylines says little that two papers are one person's, a rare
    name on both says a lot."""
    holding = Counter(c for r in records.values() for c in r["coauthors"] or ())
    return {c: math.log(len(records) / n) for c, n in holding.items()}


SAME_COLLABORATORS = 0.1
"""Cosine of two groups' weighted collaborator counts at which they are one person's
papers (0.07 to 0.15 measured within 0.004 person B-cubed F1 on the benchmark
corpora, 0.1 the best at 10k)."""


def collaborator_groups(
    cluster: list[str],
    records: dict[str, Record],
    same: dict[str, set[str]],
    weights: dict[str, float],
) -> list[list[str]]:
    """The cluster's mentions grouped by their collaborators, largest group first
    (ties: the smallest key first).

    Greedy agglomeration: mentions a curator labeled "same" start together; then the
    two groups whose collaborators are most alike merge while the cosine of their
    collaborator counts, weighted by `weights`, is at least `SAME_COLLABORATORS`.
    A group's vector pools its papers, so a lab's seniors weigh most and one common
    name two labs happen to share ("Wang, J.") does not join them, as linking every
    two mentions with a collaborator in common did.
    """
    inside = set(cluster)
    links = {k: {("same", min(k, o)) for o in same.get(k, ()) if o in inside} for k in cluster}
    members = dict(enumerate(linked_groups(links)))
    mentions = [k for group in members.values() for k in group]  # group by group
    word_of: dict[str, int] = {}
    words = [
        [word_of.setdefault(c, len(word_of)) for c in records[k]["coauthors"] or ()]
        for k in mentions
    ]
    weight = np.fromiter(map(weights.__getitem__, word_of), np.float64, len(word_of))
    merges = cosine_merges(list(map(len, members.values())), words, weight, SAME_COLLABORATORS)
    for a, b in merges.tolist():  # the loop is compiled (`linkage.cosine_merges`)
        members[a] += members.pop(b)
    return sorted((sorted(g) for g in members.values()), key=lambda g: (-len(g), g[0]))


MIN_SHARED_COLLABORATORS = 2
SHARED_SHARE = 0.4
"""Clusters of one name are one person when this many of their collaborators, and
this share of the smaller cluster's, are the same (a common name's big cluster has
so many collaborators that two shared names alone prove little)."""


@dataclass
class _Piece:
    """A cluster of mentions as the collaborator pass sees it."""

    keys: list[str]
    papers: set[str]
    coauthors: set[str]

    def absorb(self, other: _Piece) -> None:
        """Take `other`'s mentions: this piece is now both."""
        self.keys += other.keys
        self.papers |= other.papers
        self.coauthors |= other.coauthors


def merge_by_collaborators(
    clusters: list[list[str]], records: dict[str, Record], labels: Labels
) -> list[list[str]]:
    """Join clusters of the same name whose collaborators overlap, as a curator would.

    Pair scores see two papers at a time: two of a person's papers often share no
    coauthor, so average linkage leaves a prolific person in pieces. Taken whole, each
    piece's collaborators (surname and initial) overlap the others' by two or more
    names, which namesakes in other groups do not. Never joins clusters whose names
    are incompatible, that share a byline, or that a curator label keeps apart.
    Candidates come from an index of collaborators, so a common name's hundreds of
    clusters are not compared all against all.
    """
    apart = labeled(labels, "distinct")
    groups: dict[str, list[int]] = defaultdict(list)
    for i, cluster in enumerate(clusters):
        groups[_usual(records[k]["rarity"][0] for k in cluster)].append(i)
    out: list[list[str]] = []
    for name, members in sorted(groups.items()):
        if not name or len(members) == 1:  # nothing to join: no piece to build
            out.extend(clusters[i] for i in members)
            continue
        pieces = {i: _piece(clusters[i], records) for i in members}
        changed = True
        while changed:  # merged pieces pool their collaborators: look again
            changed = False
            for a, b in _sharing_pairs(pieces):
                if a in pieces and b in pieces and _can_join(pieces[a], pieces[b], records, apart):
                    pieces[a].absorb(pieces.pop(b))
                    changed = True
        out.extend(p.keys for p in pieces.values())
    return sorted(sorted(c) for c in out)


def _usual(names: Iterable[str]) -> str:
    """The most common of `names`, the first seen on a tie (`Counter.most_common`);
    a piece of one mention, most pieces, is its name without a count."""
    seen = list(names)
    if len(seen) == 1:
        return seen[0]
    return Counter(seen).most_common(1)[0][0]


def _piece(keys: list[str], records: dict[str, Record]) -> _Piece:
    return _Piece(
        list(keys),
        {records[k]["paper_id"] for k in keys},
        set().union(*(records[k]["coauthors"] or () for k in keys)),
    )


MAX_SHARERS = 50
"""A collaborator key on more pieces of one name than this is too common to count."""


def _sharing_pairs(pieces: dict[int, _Piece]) -> list[tuple[int, int]]:
    """Pairs of pieces sharing at least `MIN_SHARED_COLLABORATORS` collaborators."""
    index: dict[str, list[int]] = defaultdict(list)
    for i in sorted(pieces):
        for c in pieces[i].coauthors:
            index[c].append(i)
    counts: Counter[tuple[int, int]] = Counter()
    for holders in index.values():
        if len(holders) <= MAX_SHARERS:
            for x, a in enumerate(holders):
                for b in holders[x + 1 :]:
                    counts[(a, b)] += 1
    return sorted(pair for pair, n in counts.items() if n >= MIN_SHARED_COLLABORATORS)


def labeled(labels: Labels, kind: str) -> dict[str, set[str]]:
    """Mention key -> the keys a curator labeled `kind` ("match": the same person,
    "distinct": a different one) with it."""
    out: dict[str, set[str]] = defaultdict(set)
    for a, b in labels.key_pairs(kind):
        if a != b:
            out[a].add(b)
            out[b].add(a)
    return out


def _can_pool(a: _Piece, b: _Piece, records: dict[str, Record], apart: dict[str, set[str]]) -> bool:
    """Whether two pieces may be one person at all: no shared byline, compatible
    names, no curator label between them."""
    if a.papers & b.papers:
        return False
    if not all(compatible(records[x], records[y]) for x in a.keys[:5] for y in b.keys[:5]):
        return False
    small, large = (a, b) if len(a.keys) <= len(b.keys) else (b, a)
    kept_apart = set().union(*(apart[k] for k in small.keys if k in apart))
    return not kept_apart or kept_apart.isdisjoint(large.keys)


def _can_join(a: _Piece, b: _Piece, records: dict[str, Record], apart: dict[str, set[str]]) -> bool:
    if not _can_pool(a, b, records, apart):
        return False
    shared = len(a.coauthors & b.coauthors)
    smaller = min(len(a.coauthors), len(b.coauthors))
    return shared >= MIN_SHARED_COLLABORATORS and shared >= SHARED_SHARE * smaller


SAME_COMMUNITY = 0.1
"""Cosine of two pieces' community vectors (`community_vectors`) at which they are
one person. Person B-cubed F1 is flat around it on the four benchmark corpora tried
(10k and 100k, before and after namesakes became ordinary lab members): 0.15 within
0.0006; 0.06 lower by 0.001 to 0.002 at 10k, higher by 0.0005 on the new 100k.
Higher thresholds trade recall for precision."""


def join_by_community(
    clusters: list[list[str]], records: dict[str, Record], labels: Labels
) -> list[list[str]]:
    """Join pieces of one name that work in the same community, as a curator who knows
    the lab would.

    The passes before this one need a collaborator in common, and two of a person's
    papers with a lab of twenty often have none: each was written with a few of the
    lab. Who those few write with is the lab, though, so two pieces whose
    collaborators' collaborators are alike (`community_vectors`) are one person; a
    namesake in another lab reaches another lab. Pieces are compared within their
    name's group (`name_groups`), the most alike first; never joins pieces on one
    byline, with incompatible names, or kept apart by a curator's label.
    """
    groups = name_groups(clusters, records)
    vectors = community_vectors(clusters, records)
    pairs = community_pairs(vectors, groups, SAME_COMMUNITY)
    apart = labeled(labels, "distinct")
    union = UnionFind(range(len(clusters)))
    members = dict(enumerate(clusters))
    pieces: dict[int, _Piece] = {}  # built when a pair first needs them
    for a, b in pairs:
        a, b = union.find(a), union.find(b)
        if a == b:
            continue
        first, second = _built(a, pieces, members, records), _built(b, pieces, members, records)
        if _can_pool(first, second, records, apart):
            union.union(a, b)  # the smaller number stays the root
            pieces[min(a, b)].absorb(pieces.pop(max(a, b)))
    joined: dict[int, list[str]] = defaultdict(list)
    for i, cluster in enumerate(clusters):
        joined[union.find(i)].extend(cluster)
    return sorted(sorted(c) for c in joined.values())


def join_lone_mentions(
    clusters: list[list[str]], records: dict[str, Record], labels: Labels
) -> list[list[str]]:
    """Give a mention left alone the one person spelled as it is (case and accents
    aside), as a bibliography's curator does by default.

    A paper whose coauthors the person shares with no other paper (a guest on another
    lab's work, a single collaboration) ends the passes alone: no collaborator or
    community evidence reaches it. If exactly one person of several papers carries its
    spelling, that person is far likelier to be it than an unseen namesake with one
    paper. Where two or more persons carry the spelling, the mention cannot tell which
    and stays alone. Never joins a mention to a person on its own byline or kept apart
    by a curator's label.
    """
    homes: dict[str, set[int]] = defaultdict(set)
    for i, cluster in enumerate(clusters):
        if len(cluster) > 1:
            for key in cluster:
                if records[key]["name"]:
                    homes[records[key]["name"]].add(i)
    apart = labeled(labels, "distinct")
    members = dict(enumerate(clusters))
    pieces: dict[int, _Piece] = {}
    for i, cluster in enumerate(clusters):
        if len(cluster) > 1 or len(home := homes.get(records[cluster[0]]["name"], ())) != 1:
            continue
        (j,) = home
        lone = _piece(cluster, records)
        if _can_pool(_built(j, pieces, members, records), lone, records, apart):
            pieces[j].absorb(lone)
            members[j] = pieces[j].keys
            del members[i]
    return sorted(sorted(keys) for keys in members.values())


def name_groups(clusters: list[list[str]], records: dict[str, Record]) -> list[list[int]]:
    """Pieces that may be one person by name: the same surname sound (so a typo in a
    long surname stays in) and a given name with the same initial, nicknames
    counted ("Bill" is in William's group). A piece is read by its most used
    spelling; groups of one are left out."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, cluster in enumerate(clusters):
        record = _usually_written(cluster, records)
        sound, given = record["sound"][0], record["given"]
        if not sound:
            continue
        initials = {given[1], *(name[:1] for name in given[2:])} if given else {""}
        for initial in sorted(initials):
            groups[(sound, initial)].append(i)
    return [members for _, members in sorted(groups.items()) if len(members) > 1]


def _usually_written(cluster: list[str], records: dict[str, Record]) -> Record:
    """The piece's first mention written as the piece most often is (ties: the
    alphabetically first spelling)."""
    if len(cluster) == 1:  # most pieces
        return records[cluster[0]]
    spellings = Counter(records[k]["name_as_written"] for k in cluster)
    usual = min(spellings, key=lambda s: (-spellings[s], s))
    return next(records[k] for k in cluster if records[k]["name_as_written"] == usual)


def community_vectors(clusters: list[list[str]], records: dict[str, Record]) -> Any:
    """Each piece's collaborators' collaborators, as a unit-length sparse row per piece.

    Entry (i, j) counts the ways from piece i to piece j through a coauthor (i and x
    on one paper, x and j on another), each weighed by j's inverse paper frequency
    (a lab's seniors are on many papers and say less each); i's own entry is left
    out, since every piece reaches itself. Papers of more than `CROWDED_BYLINE` pieces
    are left out."""
    from scipy.sparse import csr_matrix, diags

    paper_of: dict[str, int] = {}
    rows, cols = [], []
    for i, cluster in enumerate(clusters):
        for key in cluster:
            rows.append(paper_of.setdefault(records[key]["paper_id"], len(paper_of)))
            cols.append(i)
    on = csr_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(len(paper_of), len(clusters))
    )  # papers x pieces
    on.data[:] = 1.0  # once a paper, however many of its names a piece holds
    sizes = np.diff(on.indptr)  # pieces a paper
    if (sizes > CROWDED_BYLINE).any():
        on = (diags((sizes <= CROWDED_BYLINE).astype(float)) @ on).tocsr()
        on.eliminate_zeros()
    held = np.asarray(on.sum(axis=0)).ravel()
    weight = np.log(max(len(paper_of), 1) / np.maximum(held, 1))
    together = (on.T @ on).tocsr()  # papers two pieces share
    together = (together - diags(together.diagonal())).tocsr()
    together.eliminate_zeros()
    reach = (together @ (together @ diags(weight))).tocsr()
    reach = (reach - diags(reach.diagonal())).tocsr()
    reach.eliminate_zeros()
    norms = np.sqrt(np.asarray(reach.multiply(reach).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return (diags(1.0 / norms) @ reach).tocsr()


def community_pairs(
    vectors: Any, groups: list[list[int]], threshold: float
) -> list[tuple[int, int]]:
    """Pairs of pieces in one group whose community vectors' cosine is at least
    `threshold`, the most alike first (ties: the smaller numbers first).

    Groups are compared a batch at a time (`GROUP_BATCH` rows): each group's rows
    are moved to columns of their own, so one sparse product gives every group's
    cosines and none between groups (a product a group: 1.65 s at 100k against
    0.35 s, most of it SciPy's overhead a call)."""
    from scipy.sparse import csr_matrix

    width = vectors.shape[1]
    found: dict[tuple[int, int], float] = {}
    for run in consecutive_runs([len(g) for g in groups], GROUP_BATCH):
        batch = [groups[n] for n in run]
        members = np.concatenate([np.asarray(g, dtype=np.int64) for g in batch])
        group = np.repeat(np.arange(len(batch), dtype=np.int64), [len(g) for g in batch])
        rows = vectors[members].tocoo()
        # (group, column) numbered afresh: len(batch) * width columns would not fit
        used, columns = np.unique(group[rows.row] * width + rows.col, return_inverse=True)
        blocks = csr_matrix(
            (rows.data, (rows.row, columns.ravel())), shape=(len(members), max(len(used), 1))
        )
        alike = (blocks @ blocks.T).tocoo()
        keep = (alike.row < alike.col) & (alike.data >= threshold)
        a, b = members[alike.row[keep]], members[alike.col[keep]]
        for x, y, cosine in zip(
            np.minimum(a, b).tolist(),
            np.maximum(a, b).tolist(),
            alike.data[keep].tolist(),
            strict=True,
        ):
            found[(x, y)] = cosine
    return sorted(found, key=lambda pair: (-found[pair], pair))


GROUP_BATCH = 20_000
"""Rows of the name groups compared in one sparse product."""


@dataclass(frozen=True)
class Listing:
    """A profile page as person resolution sees it: the owner it names (declared or
    from its header; None if it names none) and the canonical papers it lists."""

    owner_name: str | None
    papers: frozenset[str]


def page_listings(
    sources: list[dict[str, Any]],
    entries: list[dict[str, Any]],
    paper_entries: list[dict[str, Any]],
) -> list[Listing]:
    """One `Listing` per page, in path order."""
    paper_of = {r["entry_id"]: r["paper_id"] for r in paper_entries}
    listed: dict[str, set[str]] = defaultdict(set)
    for e in entries:
        if e["entry_id"] in paper_of:
            listed[e["source_id"]].add(paper_of[e["entry_id"]])
    return [
        Listing(s.get("owner_name") or None, frozenset(listed[s["source_id"]]))
        for s in sorted(sources, key=lambda s: s["path"])
        if listed[s["source_id"]]
    ]


def listing_owner(listing: Listing, on_paper: dict[str, list[Record]]) -> str | None:
    """The name a page stands for: the one it declares, else the name on most of its
    bylines by a clear margin (the rule attribution uses, `attribute.infer_owner`),
    as most often written there."""
    if listing.owner_name:
        return listing.owner_name
    papers_with: dict[str, set[str]] = defaultdict(set)
    for paper_id in listing.papers:
        for r in on_paper.get(paper_id, ()):
            papers_with[attribute.name_key(r["name_as_written"])].add(paper_id)
    # a clear lead has no tie: only the two largest counts matter, and the
    # winner's spelling, not every name's
    ranked = heapq.nlargest(2, ((len(v), k) for k, v in papers_with.items()))
    inferred = attribute.infer_owner([{"entries": n, "key": k} for n, k in ranked])
    if inferred is None:
        return None
    spellings = Counter(
        r["name_as_written"]
        for paper_id in papers_with[inferred["key"]]
        for r in on_paper[paper_id]
        if attribute.name_key(r["name_as_written"]) == inferred["key"]
    )
    return min(spellings, key=lambda name: (-spellings[name], name))


LISTED_SHARE = 0.5
"""A piece joins the page owner only if at least this share of its papers is on the page."""


@dataclass(frozen=True)
class OwnedPage:
    """A page as the owners'-pages pass reads it: the papers it lists and its owner's
    mentions on them (`owners_on_pages`)."""

    papers: frozenset[str]
    owner_keys: tuple[str, ...]


def owners_on_pages(listings: list[Listing], records: dict[str, Record]) -> list[OwnedPage]:
    """Each page whose owner is known (`listing_owner`) with its owner's mentions on
    its papers, in paper order. Found once for both rounds: they read names, which a
    round does not change, and matching every page's bylines against its owner is
    most of the pass's work (a third of a minute at a million entries)."""
    on_paper = by_paper(records)
    out = []
    for listing in listings:
        owner = listing_owner(listing, on_paper)
        if owner is None:
            continue
        is_owner = attribute.owner_matcher(owner)
        keys = tuple(
            r["key"]
            for paper_id in sorted(listing.papers)
            for r in on_paper.get(paper_id, ())
            if is_owner(r["name_as_written"])
        )
        out.append(OwnedPage(listing.papers, keys))
    return out


def join_listed_pieces(
    clusters: list[list[str]], records: dict[str, Record], pages: list[OwnedPage], labels: Labels
) -> list[list[str]]:
    """Join the pieces of a page's owner that pair scores left apart, as a curator
    reading the page would.

    A profile page says its papers are its owner's. On each page, the owner's
    mentions (`owners_on_pages`) resolve to one main person (the one on most of
    them) and sometimes to pieces: a guest paper, an abstract from a field the owner
    moved into. A piece joins the main person when most of its papers are on the page
    and it shares a collaborator or its topic (`RELATED_TOPIC`) with the main person.
    A namesake whose paper the page pulled in by name stays apart: their other papers
    are not on the page, or their topics and collaborators are not the owner's. Never
    joins pieces on one byline, with incompatible names, or kept apart by a curator's
    label.
    """
    members = dict(enumerate(clusters))
    pieces: dict[int, _Piece] = {}  # built when a page first needs them: few are
    piece_of = {k: i for i, c in enumerate(clusters) for k in c}
    apart = labeled(labels, "distinct")
    weights = word_weights(records)
    for page in pages:
        count = Counter(piece_of[k] for k in page.owner_keys)
        if len(count) < 2:
            continue
        main = min(count, key=lambda i: (-count[i], i))
        for i in sorted(count):
            if i == main or i not in members:
                continue
            main_piece = _built(main, pieces, members, records)
            piece = _built(i, pieces, members, records)
            listed = len(piece.papers & page.papers) / len(piece.papers)
            if (
                listed >= LISTED_SHARE
                and _related(main_piece, piece, records, weights)
                and _can_pool(main_piece, piece, records, apart)
            ):
                main_piece.absorb(pieces.pop(i))
                members[main] = main_piece.keys
                del members[i]
                for k in piece.keys:
                    piece_of[k] = main
    return sorted(sorted(keys) for keys in members.values())


def _built(
    i: int, pieces: dict[int, _Piece], members: dict[int, list[str]], records: dict[str, Record]
) -> _Piece:
    """Piece `i` of `members`, built on first use and kept in `pieces`."""
    if i not in pieces:
        pieces[i] = _piece(members[i], records)
    return pieces[i]


def _related(a: _Piece, b: _Piece, records: dict[str, Record], weights: dict[str, float]) -> bool:
    """Whether two pieces share a collaborator or write on one topic."""
    if not a.coauthors.isdisjoint(b.coauthors):
        return True
    return _topic_cosine(a, b, records, weights) >= RELATED_TOPIC


RELATED_TOPIC = 0.2
"""Cosine of two pieces' topic words, weighted by their rarity (`word_weights`), at
which a piece listed on its owner's page writes on the owner's topics. A namesake
whose papers a page pulled in by name writes on another's. On the 10k benchmark
person B-cubed F1 is flat from 0.1 to 0.5 (0.9689 to 0.9690): the two kinds of piece
lie far apart. The arXiv field this replaced ("computing" for most of a catalogue)
joined 23 pieces of other persons there (and 191 rightly). Unweighted words (every
"with" and "from" counted) put namesakes at 0.3 to 0.5."""


def word_weights(records: dict[str, Record]) -> dict[str, float]:
    """Each topic word's inverse document frequency over the papers: a word most
    papers use says nothing of whose they are."""
    seen: set[str] = set()
    df: Counter[str] = Counter()
    for r in records.values():
        if r["paper_id"] not in seen:
            seen.add(r["paper_id"])
            df.update(r["topic_words"] or ())
    return {w: math.log(len(seen) / n) for w, n in df.items()}


def _topic_cosine(
    a: _Piece, b: _Piece, records: dict[str, Record], weights: dict[str, float]
) -> float:
    """Cosine of the two pieces' topic words, each counted once a mention and
    weighed by `word_weights`."""

    def vector(piece: _Piece) -> Counter[str]:
        v: Counter[str] = Counter()
        for k in piece.keys:
            v.update(records[k]["topic_words"] or ())
        return Counter({w: n * weights.get(w, 0.0) for w, n in v.items()})

    va, vb = vector(a), vector(b)
    dot = sum(x * vb.get(w, 0.0) for w, x in va.items())
    norm = math.sqrt(sum(x * x for x in va.values()) * sum(x * x for x in vb.values()))
    return dot / norm if norm else 0.0


ROUNDS = 2
"""Times the passes run. The second round takes the first round's persons and runs
the passes on them again with each mention's coauthors read as those persons
(`with_resolved_coauthors`): "Li, J." on two strangers' papers is one collaborator
key but, resolved, two people, so the cut parts what the first round's joins
chained. Person B-cubed F1 0.9689 to 0.9721 at 10k, 0.9625 to 0.9669 at 100k and
0.9611 to 0.9655 at 1M, nearly all of it precision; at 1M it costs 53 s. Starting
the second round from the scored clusters instead gave 0.9702 and 0.9638; a third
round 0.9722 and 0.9672; dropping any one pass from either round lost 0.0005 to
0.027."""


def resolve_rounds(
    scored: list[list[str]],
    records: dict[str, Record],
    labels: Labels,
    listings: list[Listing],
    jobs: int,
) -> list[list[str]]:
    """The scored clusters through the passes, `ROUNDS` times (collective
    resolution: who a mention's coauthors are sharpens who the mention is)."""
    clusters = scored
    started = time.perf_counter()
    pages = owners_on_pages(listings, records)
    log.info(
        "persons: owners found on %d pages in %.1fs", len(pages), time.perf_counter() - started
    )
    for round_ in range(1, ROUNDS + 1):
        if round_ > 1:
            records = with_resolved_coauthors(records, clusters)
        for name, step in _passes(records, labels, pages, jobs):
            started = time.perf_counter()
            clusters = step(clusters)
            log.info(
                "persons round %d, %s: %d clusters in %.1fs",
                round_,
                name,
                len(clusters),
                time.perf_counter() - started,
            )
    return clusters


def _passes(
    records: dict[str, Record], labels: Labels, pages: list[OwnedPage], jobs: int
) -> list[tuple[str, Callable[[list[list[str]]], list[list[str]]]]]:
    """Cut where collaborators differ, then join by collaborators, on owners' pages,
    by community and lone mentions: the module's passes, in the order they need."""
    return [
        (
            "cut where collaborators differ",
            lambda c: split_by_collaborators(c, records, labels, jobs),
        ),
        ("joined by collaborators", lambda c: merge_by_collaborators(c, records, labels)),
        ("joined on owners' pages", lambda c: join_listed_pieces(c, records, pages, labels)),
        ("joined by community", lambda c: join_by_community(c, records, labels)),
        ("lone mentions joined", lambda c: join_lone_mentions(c, records, labels)),
    ]


def with_resolved_coauthors(
    records: dict[str, Record], clusters: list[list[str]]
) -> dict[str, Record]:
    """The records with each mention's coauthors the persons (`clusters`) of the other
    names on its byline instead of their surname-and-initial keys. A person's id
    here is its cluster's number, one string object for all its mentions."""
    person = [f"person {n}" for n in range(len(clusters))]
    person_of = {key: person[n] for n, cluster in enumerate(clusters) for key in cluster}
    out: dict[str, Record] = {}
    for byline in by_paper(records).values():
        everyone = sorted(person_of[r["key"]] for r in byline)
        for r in byline:
            mine = person_of[r["key"]]
            coauthors = tuple(p for p in everyone if p != mine)
            out[r["key"]] = {**r, "coauthors": coauthors or None}
    return out


def by_paper(records: dict[str, Record]) -> dict[str, list[Record]]:
    """Each paper's mention records, in the records' order: its byline."""
    on_paper: dict[str, list[Record]] = defaultdict(list)
    for r in records.values():
        on_paper[r["paper_id"]].append(r)
    return on_paper


def person_id_for(mention_keys: list[str]) -> str:
    return "n_" + hashlib.sha1(min(mention_keys).encode()).hexdigest()[:16]


def resolve_authors(
    records: dict[str, Record],
    trained: Trained,
    labels: Labels,
    listings: list[Listing] | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """`persons` and `authorships` rows from `mention_records`, and clustering stats.

    Pair scores clustered, then the passes (`resolve_rounds`): clusters cut where
    their mentions share no collaborator, pieces with shared collaborators joined,
    pieces of a page's owner joined (`listings`, the pages that list the papers),
    pieces whose collaborators write with the same people joined, mentions left
    alone given the one person spelled as they are; and the passes again on those
    persons, with coauthors read as the persons the first round found.
    """
    clusters, _, conflicts, n_pairs = cluster_records(
        trained,
        records,
        labels,
        blocking_keys,
        EXCLUSIVE_FIELD,
        sort_key,
        compatible,
        PAIRING,
        confidence=False,  # persons carry none; a pass over ten million pairs at 1M
    )
    clusters = resolve_rounds(clusters, records, labels, listings or [], cores_of(trained.matcher))
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

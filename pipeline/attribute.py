"""Stage 6, attribute: who owns each page, and which of its papers are not theirs.

Owners come from `sources.toml` (declared), else the page header, else are
inferred from the papers: the name on most of the page's bylines by a clear
margin (`infer_owner`). A header's name on none of the bylines yields to an
inferred one. Pages collect papers by name, so inference counts
names, and the owner is then the person with that name who has most of the
page's papers; a namesake's papers are what the page wrongly pulled in.

A namesake writes under the owner's very name, so the name on a byline cannot
tell their papers apart, and neither can the person resolver when it merged
the two. What does is the company a paper keeps: the owner's papers on a page
share coauthors (their lab, their students), a namesake's do not. So each page
has a core (`page_core`): its largest group of papers linked by shared
coauthors, the owner's name left out. An entry is scored from evidence a
curator can check (`Evidence`): whether the owner's name is on the merged
byline; whether the paper belongs to the core; how close its topic and field
are to the core's; whether the resolver gave the owner's name on it to another
person. The score maps to `consistent`, `needs_review` or
`likely_misattributed`; curator decisions override it and calibrate its
thresholds.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cache, lru_cache, partial
from pathlib import Path
from statistics import median
from typing import Any, NamedTuple

import numpy as np

from pipeline.arxiv_taxonomy import field_of
from pipeline.errors import ConfigError
from pipeline.matching import linked_groups
from pipeline.normalize import fold, name_parts, rejoined_name_parts, surnames_agree
from pipeline.workers import consecutive_runs, shared_out

LIKELY = 0.75
REVIEW = 0.4
"""Default score thresholds; curator decisions recalibrate LIKELY (`calibrate`)."""
MIN_INFERRED = 3
"""An inferred owner must be on at least this many of the page's entries..."""
MARGIN = 2
"""...and on this many more than the runner-up, and 25% more."""
TOPIC_FAR, TOPIC_CLOSE = 0.4, 0.75
"""A paper's topic similarity (TF-IDF cosine of titles and abstracts, to its
closest paper of the owner's) as a share of how close the owner's papers are
to each other (their median): below TOPIC_FAR it is off the owner's topics,
above TOPIC_CLOSE on them. Relative, because cosines depend on the corpus:
terse real abstracts score far lower than wordy ones."""

CLAIMED = 0.4
"""What a namesake's own profile claiming the paper adds to its score: enough to
flag a paper the owner's name is on unless its coauthors tie it to the owner."""

DECISIONS = {
    "consistent": "consistent",
    "owner": "consistent",
    "belongs": "consistent",
    "yes": "consistent",
    "likely_misattributed": "likely_misattributed",
    "misattributed": "likely_misattributed",
    "not_owner": "likely_misattributed",
    "no": "likely_misattributed",
    "needs_review": "needs_review",
}


@lru_cache(maxsize=1 << 19)
def name_key(name: str) -> str:
    """Names that a page's name matching would confuse: folded given + surname."""
    return name_parts(name)["name_key"]


@dataclass(frozen=True)
class _NameParts:
    whole: str
    surnames: tuple[str, ...]
    """The surname, and the surname with the middle name before it if that space may
    be a dropped hyphen ("Lopez Garcia": garcia, lopezgarcia)."""
    given: str
    given_keys: frozenset[str]


@lru_cache(maxsize=1 << 20)
def _name_parts(name: str) -> _NameParts:
    """A written name taken apart once: pages repeat the same few thousand names."""
    parts = name_parts(name)
    joined = rejoined_name_parts(name)
    return _NameParts(
        parts["compact_key"],
        (parts["surname_key"], *([joined["surname_key"]] if joined else [])),
        fold(parts["given"]),
        frozenset(parts["given_keys"]),
    )


@lru_cache(maxsize=1 << 18)
def names_match(a: str, b: str) -> bool:
    """Whether two written names can be the same name (variants, nicknames, initials)."""
    pa, pb = _name_parts(a), _name_parts(b)
    if pa.whole == pb.whole:
        return True
    if not any(surnames_agree(x, y) for x in pa.surnames for y in pb.surnames):
        return False
    if pa.given_keys & pb.given_keys:
        return True
    short = min(len(pa.given), len(pb.given)) <= 1
    return bool(pa.given) and pa.given[:1] == pb.given[:1] and short


# ---- owners ------------------------------------------------------------------------


Bylines = dict[str, dict[str, str]]
"""paper_id -> {person_id: the name as that person is written on the paper}: the
persons on its merged byline. One dict per paper, keyed by strings: a worker's
lookups in it write to no key (a dict keyed by (paper, person) tuples writes to
each tuple it compares, copying its page into the worker)."""


class Listed(NamedTuple):
    """One entry of a page as attribution reads it: which paper it is, and a
    curator's decision on it if there is one (`decision_for`)."""

    entry_id: str
    paper_id: str
    decision: Decision | None = None


@dataclass
class PageView:
    """What one page lists, resolved: its entries' papers and the persons on them."""

    source: dict[str, Any]
    entries: list[Listed]
    persons_on: Bylines


def candidates(view: PageView, persons: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Names on the page's bylines, ranked by the entries they appear on."""
    by_name: dict[str, set[str]] = defaultdict(set)
    person_entries: dict[str, set[str]] = defaultdict(set)
    for entry in view.entries:
        for person_id in view.persons_on.get(entry.paper_id, ()):
            person_entries[person_id].add(entry.entry_id)
    members_of: dict[str, list[str]] = defaultdict(list)
    for person_id, entry_ids in person_entries.items():
        key = name_key(persons[person_id]["name"])
        members_of[key].append(person_id)
        by_name[key] |= entry_ids
    ranked = []
    for key, entry_ids in by_name.items():
        members = members_of[key]
        best = min(members, key=lambda p: (-len(person_entries[p]), p))
        ranked.append(
            {
                "person_id": best,
                "name": persons[best]["name"],
                "entries": len(entry_ids),
                "person_entries": len(person_entries[best]),
            }
        )
    ranked.sort(key=lambda c: (-c["entries"], -c["person_entries"], c["name"]))
    return ranked


def infer_owner(ranked: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The top name if it leads clearly: on >= MIN_INFERRED entries, ahead of the
    runner-up by >= MARGIN entries and by a quarter. Otherwise None: never a guess."""
    if not ranked or ranked[0]["entries"] < MIN_INFERRED:
        return None
    top = ranked[0]["entries"]
    second = ranked[1]["entries"] if len(ranked) > 1 else 0
    if top - second >= MARGIN and top >= 1.25 * second:
        return ranked[0]
    return None


def owner_matcher(owner_name: str) -> Callable[[str], bool]:
    """`names_match(owner_name, name)`, each name compared once: the owner is on
    nearly every entry of a page, and a page's bylines are read more than once."""
    return cache(partial(names_match, owner_name))


def owner_person(
    is_owner: Callable[[str], bool], view: PageView, persons: dict[str, dict[str, Any]]
) -> str | None:
    """The person a declared or header owner name (`owner_matcher`) stands for on
    this page."""
    counts = Counter(
        person_id for entry in view.entries for person_id in view.persons_on.get(entry.paper_id, ())
    )
    # each person once: the owner is on nearly every entry, with many spellings
    named = [p for p in counts if any(map(is_owner, persons[p]["variants"]))]
    if not named:
        return None
    return min(named, key=lambda p: (-counts[p], p))


def profile_row(
    view: PageView,
    persons: dict[str, dict[str, Any]],
    is_owner: Callable[[str], bool] | None = None,
) -> dict[str, Any]:
    """Who owns the page: the declared or header name (`is_owner` matches it), else
    the name inferred from the bylines; also when the header's name is on none of
    them and a name leads them clearly (the header line was a topic, not a name)."""
    source = view.source
    ranked = candidates(view, persons)
    shown = [
        {"person_id": c["person_id"], "name": c["name"], "entries": c["entries"]}
        for c in ranked[:5]
    ]
    row = {
        "source_id": source["source_id"],
        "path": source["path"],
        "owner_candidates": shown,
        "entry_count": len(view.entries),
    }
    inferred = infer_owner(ranked)
    unnamed = ""
    if source.get("owner_name"):
        is_owner = is_owner or owner_matcher(source["owner_name"])
        person = owner_person(is_owner, view, persons)
        origin = source.get("owner_origin") or "declared"
        named_by = "sources.toml" if origin == "declared" else "the page header"
        # a header line that reads as a name may not be one; a curator's word stands
        if person or origin == "declared" or inferred is None:
            missing = "" if person else "; no author on the page's bylines has this name"
            return {
                **row,
                "owner_name": source["owner_name"],
                "owner_person_id": person,
                "owner_origin": origin,
                "owner_evidence": f"named by {named_by}{missing}",
            }
        unnamed = f"the page header's {source['owner_name']!r} is on none of its bylines; "
    if inferred is None:
        listing = ", ".join(f"{c['name']} ({c['entries']})" for c in ranked[:3]) or "none"
        return {
            **row,
            "owner_name": None,
            "owner_person_id": None,
            "owner_origin": "unknown",
            "owner_evidence": f"no name leads the page's bylines clearly; top: {listing}",
        }
    runner = ranked[1]["entries"] if len(ranked) > 1 else 0
    return {
        **row,
        "owner_name": inferred["name"],
        "owner_person_id": inferred["person_id"],
        "owner_origin": "inferred",
        "owner_evidence": f"{unnamed}on {inferred['entries']} of {len(view.entries)} "
        f"entries' bylines; the next name on {runner}",
    }


# ---- evidence and scores -------------------------------------------------------------


@dataclass
class Evidence:
    """Everything the score of one entry rests on, in a curator's terms."""

    owner_on_byline: bool = False
    """The owner's name (any spelling of it) is on the paper's merged byline."""
    owner_as_written: str | None = None
    namesake: str | None = None
    """The person resolver gave the owner's name on this byline to another person."""
    byline_size: int = 0
    byline_complete: bool = False
    in_core: bool | None = None
    """The paper shares coauthors with the page's core; None when the page has none."""
    shared_coauthors: list[str] = field(default_factory=list)
    """Its coauthors who are also on the core's papers."""
    bridges: list[str] = field(default_factory=list)
    """Its coauthors who write with the core's coauthors on papers elsewhere: a
    career that moved on, or a collaboration outside the lab, keeps such links."""
    topic_similarity: float | None = None
    """Closest topic among the core's other papers (the page's, without a core)."""
    topic_typical: float | None = None
    """How close those papers are to each other: the median of their own closest."""
    paper_field: str | None = None
    owner_fields: set[str] = field(default_factory=set)
    """Fields of the core's papers."""
    claimed_by: str | None = None
    """Another person's profile under the owner's name that lists this paper among
    its owner's usual company (`claimed_elsewhere`): the namesake has a page too."""


def score(e: Evidence) -> tuple[float, list[str]]:
    """Misattribution score in [0, 1] and the sentences that explain it."""
    shown = f" as {e.owner_as_written!r}" if e.owner_as_written else ""
    if e.in_core and e.owner_on_byline:
        names = ", ".join(e.shared_coauthors[:4])
        return 0.0, [
            f"the owner is on the paper's byline{shown}",
            f"{len(e.shared_coauthors)} coauthor(s) also on the owner's other papers on this "
            f"page: {names}",
        ]
    reasons: list[str] = []
    topic = topic_share(e.topic_similarity, e.topic_typical)
    topic_far = topic is not None and topic < TOPIC_FAR
    topic_close = topic is not None and topic >= TOPIC_CLOSE
    other_field = bool(e.paper_field and e.owner_fields and e.paper_field not in e.owner_fields)
    if topic is not None:
        closeness = "far from" if topic_far else ("close to" if topic_close else "unlike most of")
        reasons.append(
            f"its title and abstract are {closeness} the owner's other papers "
            f"(similarity {e.topic_similarity:.2f}; theirs to each other {e.topic_typical:.2f})"
        )
    if other_field:
        reasons.append(
            f"its field ({e.paper_field}) is not one the owner publishes in "
            f"({', '.join(sorted(e.owner_fields))})"
        )
    if e.byline_size == 0:
        reasons.insert(0, "no page shows this paper's authors: topic alone cannot flag it")
        return REVIEW, reasons
    if e.owner_on_byline:
        reasons.insert(0, f"the owner's name is on the paper's byline{shown}")
        if e.in_core is None:
            # no core to compare with: the name is all there is, and it holds
            reasons.insert(1, "the page's papers share no coauthors to compare this one with")
            s = 0.2
        else:
            # pages gather papers by name: a paper apart from the owner's usual
            # company may be a namesake's; its topic and field tell
            reasons.insert(1, "none of its coauthors are on the owner's other papers on this page")
            s = 0.5
        if e.namesake:
            reasons.insert(1, f"the resolver gave that name to another person ({e.namesake})")
            s += 0.1
    elif e.byline_complete:
        reasons.insert(0, "the owner is not on the full byline")
        s = 0.75
    else:
        # the owner may be among the names not shown: another field alone (a career
        # change) is a matter for review, another field and a far topic are not
        reasons.insert(0, "the owner is not among the authors shown (the byline is cut short)")
        s = 0.45
    if e.shared_coauthors:
        names = ", ".join(e.shared_coauthors[:4])
        reasons.append(f"{len(e.shared_coauthors)} coauthor(s) also on the owner's papers: {names}")
        s -= min(0.7, 0.4 + 0.15 * len(e.shared_coauthors))
    if e.bridges and not e.shared_coauthors:
        names = ", ".join(e.bridges[:4])
        reasons.append(
            f"{len(e.bridges)} coauthor(s) write with the owner's coauthors elsewhere: {names}"
        )
        s -= 0.3
    if e.claimed_by:
        reasons.append(
            f"the profile of {e.claimed_by}, another person of that name, lists it among "
            "the papers of that owner's usual coauthors"
        )
        s += CLAIMED
    s += 0.2 if other_field else 0.0
    s += 0.3 if topic_far else (-0.3 if topic_close else 0.0)
    return max(0.0, min(1.0, round(s, 4))), reasons


def topic_share(similarity: float | None, typical: float | None) -> float | None:
    """A paper's topic similarity as a share of the owner's papers' typical one."""
    if similarity is None or not typical:
        return None
    return similarity / typical


def status_of(s: float, likely: float = LIKELY, review: float = REVIEW) -> str:
    if s >= likely:
        return "likely_misattributed"
    if s >= review:
        return "needs_review"
    return "consistent"


# ---- curator decisions ---------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    page: str
    paper: str
    status: str
    note: str


def read_decisions(path: Path) -> list[Decision]:
    """`attributions.csv`: page (path), paper (record key, arXiv id or title), decision, note."""
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = {"page", "paper", "decision"} - set(reader.fieldnames or [])
        if missing:
            raise ConfigError(f"{path}: missing columns {sorted(missing)}")
        out = []
        for n, row in enumerate(reader, start=2):
            decision = DECISIONS.get((row["decision"] or "").strip().lower())
            if decision is None:
                raise ConfigError(
                    f"{path}: line {n}: decision {row['decision']!r} is not one of "
                    f"{sorted(set(DECISIONS))}"
                )
            out.append(
                Decision(row["page"].strip(), row["paper"].strip(), decision, row.get("note") or "")
            )
    return out


def append_decision(path: Path, decision: Decision) -> None:
    """Add one decision, writing the header on first use; flushed at once."""
    new = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        if new:
            writer.writerow(["page", "paper", "decision", "note"])
        writer.writerow([decision.page, decision.paper, decision.status, decision.note])
        fh.flush()


def decision_for(
    decisions: list[Decision], path: str, entry: dict[str, Any], paper: dict[str, Any]
) -> Decision | None:
    """The last decision on this page naming this entry, its arXiv id or its title."""
    names = {entry["record_key"].lower()}
    if paper.get("arxiv_id"):
        names.add(paper["arxiv_id"].lower())
    for title in (entry.get("title"), paper.get("title")):
        if title:
            names.add(title.strip().lower())
    found = None
    for d in decisions:
        if d.page == path and d.paper.lower() in names:
            found = d
    return found


def calibrate(scored: list[tuple[float, str]]) -> float:
    """LIKELY recalibrated on decided entries: the cut with the best F1 for
    'misattributed', if decisions of both kinds exist; else the default."""
    positives = [s for s, d in scored if d == "likely_misattributed"]
    negatives = [s for s, d in scored if d == "consistent"]
    if len(positives) < 2 or len(negatives) < 2:
        return LIKELY
    best = (-1.0, LIKELY)
    for cut in sorted({s for s, _ in scored}):
        tp = sum(s >= cut for s in positives)
        fp = sum(s >= cut for s in negatives)
        if tp:
            precision, recall = tp / (tp + fp), tp / len(positives)
            f1 = 2 * precision * recall / (precision + recall)
            if f1 > best[0]:
                best = (f1, cut)
    return max(REVIEW + 0.05, best[1])


# ---- the stage -----------------------------------------------------------------------


def key_words(key: str) -> list[str]:
    """The words of folded keys (`normalize.fold`: `a-z0-9` words one space apart) as
    scikit-learn's default analyzer reads them, two characters or more and English
    stop words left out, by splitting on spaces instead of running its regular
    expression: the same words (a property test); the topic vectors of 100k entries
    in 1.1 s instead of 2.1 s."""
    stop = _english_stop_words()
    return [w for w in key.split(" ") if len(w) > 1 and w not in stop]


@cache
def _english_stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return ENGLISH_STOP_WORDS


def _topic_vectors(papers: list[dict[str, Any]]) -> tuple[dict[str, int], Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [" ".join(filter(None, [p.get("title_key"), p.get("abstract_key")])) for p in papers]
    index = {p["paper_id"]: i for i, p in enumerate(papers)}
    if not any(texts):
        return index, None
    vectorizer = TfidfVectorizer(analyzer=key_words, sublinear_tf=True, min_df=1)
    return index, vectorizer.fit_transform(texts)


SIMILARITY_BATCH = 50_000
"""Paper pairs per sparse product in `topic_similarities`."""


def topic_similarities(
    requests: Iterable[tuple[list[str], AbstractSet[str]]],
    index: dict[str, int],
    vectors: Any,
    batch: int = SIMILARITY_BATCH,
) -> Iterator[dict[str, float]]:
    """For each page's (listed papers, owner's papers), in order: each listed paper's
    closest topic among the owner's other papers (cosine of TF-IDF vectors).

    The pairs of many pages go through one elementwise sparse product: a page's
    own product costs about a millisecond of SciPy's checks and conversions
    whatever its size, and a million entries make 89k pages of ~11 papers."""
    pending: list[tuple[list[str], list[str]]] = []
    left: list[Any] = []
    right: list[Any] = []
    size = 0
    for paper_ids, owner_papers in requests:
        listed = sorted({p for p in paper_ids if p in index})
        owned = sorted(p for p in owner_papers if p in index)
        if vectors is None or not listed or not owned:
            listed = owned = []
        else:
            rows = np.array([index[p] for p in listed])
            columns = np.array([index[p] for p in owned])
            left.append(np.repeat(rows, len(columns)))
            right.append(np.tile(columns, len(rows)))
            size += len(rows) * len(columns)
        pending.append((listed, owned))
        if size >= batch:
            yield from _closest_topics(pending, vectors, left, right)
            pending, left, right, size = [], [], [], 0
    yield from _closest_topics(pending, vectors, left, right)


def _closest_topics(
    pending: list[tuple[list[str], list[str]]], vectors: Any, left: list[Any], right: list[Any]
) -> Iterator[dict[str, float]]:
    """The pending pages' answers from one product of their (listed, owned) rows."""
    dots = np.zeros(0)
    if left:
        a, b = np.concatenate(left), np.concatenate(right)
        dots = np.asarray(vectors[a].multiply(vectors[b]).sum(axis=1)).ravel()
    start = 0
    for listed, owned in pending:
        if not listed:
            yield {}
            continue
        sims = dots[start : start + len(listed) * len(owned)].reshape(len(listed), len(owned))
        start += sims.size
        column = {p: j for j, p in enumerate(owned)}
        mine = [(i, column[p]) for i, p in enumerate(listed) if p in column]
        if mine:  # not its own closest paper
            sims[tuple(np.array(mine).T)] = -1.0
        best = sims.max(axis=1)
        yield {p: round(float(b), 4) for p, b in zip(listed, best, strict=True) if b >= 0.0}


def page_groups(links: dict[str, set[str]]) -> list[frozenset[str]]:
    """The page's papers in groups linked by shared coauthors (`link_keys`),
    largest first."""
    return [frozenset(g) for g in linked_groups(links)]


def page_core(groups: list[frozenset[str]]) -> frozenset[str]:
    """The largest group: the owner's usual company. Empty when no group of two or
    more leads alone, since then nothing marks one group as the owner's."""
    if not groups or len(groups[0]) < 2 or (len(groups) > 1 and len(groups[1]) == len(groups[0])):
        return frozenset()
    return groups[0]


def owner_spellings(is_owner: Callable[[str], bool], names: Iterable[str]) -> frozenset[str]:
    """The names among `names` that are the owner's (`owner_matcher`). A page keeps
    them for its second reading: a million entries' pages hold millions of
    distinct (owner, name) pairs, past any cache."""
    return frozenset(filter(is_owner, set(names)))


def names_on(
    paper_ids: Iterable[str], persons_on: Bylines, paper_by_id: dict[str, dict[str, Any]]
) -> Iterator[str]:
    """Every name written on these papers: as each author wrote it, and on the
    merged bylines."""
    for paper_id in paper_ids:
        yield from persons_on.get(paper_id, {}).values()
        yield from paper_by_id[paper_id]["author_names"]


def page_coauthors(
    paper_ids: set[str], spellings: AbstractSet[str], persons_on: Bylines
) -> dict[str, dict[str, str]]:
    """Each listed paper's coauthors (person id -> link key), anyone written with one
    of the owner's spellings (`owner_spellings`) left out: the owner and a namesake
    must not link their papers. The key is the name as written, folded: on one
    person's page the same name is the same collaborator, even where the resolver
    split them."""
    out = {}
    for paper_id in paper_ids:
        out[paper_id] = {}
        for person_id, name in persons_on.get(paper_id, {}).items():
            if name not in spellings:
                out[paper_id][person_id] = name_key(name)
    return out


def link_keys(coauthors: dict[str, str]) -> set[str]:
    """What links one paper to another on the page: a shared person or name."""
    return set(coauthors) | {f"name:{key}" for key in coauthors.values() if key}


@dataclass
class PageCore:
    """One page with a known owner, made ready for scoring: what it lists and the
    group of papers taken for the owner's usual company."""

    source: dict[str, Any]
    profile: dict[str, Any]
    entries: list[Listed]
    listed: set[str]
    core: frozenset[str]
    spellings: frozenset[str] = frozenset()
    """The names on the page's bylines that are the owner's (`owner_spellings`)."""


def owners_papers(page: PageCore, paper_by_id: dict[str, dict[str, Any]]) -> AbstractSet[str]:
    """The papers a page's others are compared with: its core, or without one every
    listed paper with a byline."""
    return page.core or {p for p in page.listed if paper_by_id[p]["author_names"]}


def claims_index(pages: list[PageCore]) -> dict[str, list[PageCore]]:
    """paper_id -> the pages whose core holds it: the profiles that list it among
    their owner's usual company."""
    out: dict[str, list[PageCore]] = defaultdict(list)
    for page in pages:
        for paper_id in page.core:
            out[paper_id].append(page)
    return out


def claimed_elsewhere(
    paper_id: str, page: PageCore, claims: dict[str, list[PageCore]]
) -> PageCore | None:
    """Another profile of the owner's name whose core holds this paper, when that
    profile is another person's: the two cores share no paper and this page lists
    at most half of the other's core. A person with pages on two sites lists the same
    papers on both; a namesake's page shares with this one only the papers leaked."""
    if paper_id in page.core:
        return None
    owner = page.profile["owner_name"]
    for other in sorted(claims.get(paper_id, ()), key=lambda o: o.source["path"]):
        if other is page or not names_match(owner, other.profile["owner_name"]):
            continue
        if other.core & page.core or 2 * len(other.core & page.listed) > len(other.core):
            continue
        return other
    return None


def prepare_page(
    view: PageView,
    profile: dict[str, Any],
    is_owner: Callable[[str], bool],
    paper_by_id: dict[str, dict[str, Any]],
) -> PageCore:
    """The page's listed papers, the owner's spellings on them, and its core; its
    coauthors are found again when it is scored, so that a million entries'
    coauthor maps are not all held at once."""
    listed = {e.paper_id for e in view.entries}
    spellings = owner_spellings(is_owner, names_on(listed, view.persons_on, paper_by_id))
    coauthors = page_coauthors(listed, spellings, view.persons_on)
    core = page_core(page_groups({p: link_keys(c) for p, c in coauthors.items()}))
    return PageCore(view.source, profile, view.entries, listed, core, spellings)


PAPER_FIELDS_READ = (
    "paper_id",
    "title",
    "arxiv_id",
    "author_names",
    "authors_complete",
    "category",
)
PERSON_FIELDS_READ = ("person_id", "name", "variants")
"""What attribution reads of a paper and of a person once its catalogue is made."""


@dataclass
class Catalogue:
    """The run's tables as the lookups attribution reads, built once and shared by
    every page (and by forked workers, which read them without pickling). It holds
    none of the rows it was made from, only the fields it reads of them
    (`PAPER_FIELDS_READ`), so the caller can let the rows go before pages are
    read: forked workers copy every object they read (reference counts are writes)."""

    paper_by_id: dict[str, dict[str, Any]]
    person_by_id: dict[str, dict[str, Any]]
    persons_on: Bylines
    papers_of_person: dict[str, set[str]]
    topic_index: dict[str, int]
    topic_vectors: Any
    decisions: dict[str, list[Decision]]
    """The curators' decisions by page, in the order they were made."""


def catalogue(
    papers: list[dict[str, Any]],
    persons: list[dict[str, Any]],
    authorships: list[dict[str, Any]],
    decisions: list[Decision],
) -> Catalogue:
    papers_of_person: dict[str, set[str]] = defaultdict(set)
    for a in authorships:
        papers_of_person[a["person_id"]].add(a["paper_id"])
    by_page: dict[str, list[Decision]] = defaultdict(list)
    for decision in decisions:
        by_page[decision.page].append(decision)
    index, vectors = _topic_vectors(papers)
    return Catalogue(
        {p["paper_id"]: _fields(p, PAPER_FIELDS_READ) for p in papers},
        {p["person_id"]: _fields(p, PERSON_FIELDS_READ) for p in persons},
        bylines(authorships),
        dict(papers_of_person),
        index,
        vectors,
        dict(by_page),
    )


def bylines(authorships: Iterable[dict[str, Any]]) -> Bylines:
    """Each paper's persons and the names they are written under (`Bylines`)."""
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for a in authorships:
        out[a["paper_id"]][a["person_id"]] = a["name_as_written"]
    return dict(out)


def _fields(row: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: row.get(name) for name in names}


def read_page(
    source: dict[str, Any], page_entries: list[Listed], cat: Catalogue
) -> tuple[dict[str, Any], PageCore | None]:
    """The page's profile row and, when its owner is known, its core (`prepare_page`)."""
    view = PageView(source, page_entries, cat.persons_on)
    declared = source.get("owner_name")
    is_owner = owner_matcher(declared) if declared else None
    profile = profile_row(view, cat.person_by_id, is_owner)
    if profile["owner_origin"] == "unknown":
        return profile, None
    if is_owner is None or profile["owner_name"] != declared:
        is_owner = owner_matcher(profile["owner_name"])
    return profile, prepare_page(view, profile, is_owner, cat.paper_by_id)


def score_pages(
    pages: list[PageCore], cat: Catalogue, claims: dict[str, list[PageCore]]
) -> list[tuple[dict[str, Any], Decision | None]]:
    """Each entry's attribution row (before calibration) and a curator's decision on
    it, page after page; the pages' topic similarities in batched products."""
    owned = [owners_papers(page, cat.paper_by_id) for page in pages]
    similarities = topic_similarities(
        ((sorted(page.listed), compared) for page, compared in zip(pages, owned, strict=True)),
        cat.topic_index,
        cat.topic_vectors,
    )
    out = []
    for page, compared, similarity in zip(pages, owned, similarities, strict=True):
        out.extend(_page_rows(page, compared, similarity, cat, claims))
    return out


def _page_rows(
    page: PageCore,
    compared: AbstractSet[str],
    similarity: dict[str, float],
    cat: Catalogue,
    claims: dict[str, list[PageCore]],
) -> Iterator[tuple[dict[str, Any], Decision | None]]:
    source, profile, core, listed = page.source, page.profile, page.core, page.listed
    persons_on, paper_by_id, person_by_id = cat.persons_on, cat.paper_by_id, cat.person_by_id
    coauthors = page_coauthors(listed, page.spellings, persons_on)
    links = {p: link_keys(c) for p, c in coauthors.items()}
    on_core = Counter(key for p in core for key in links[p])
    core_fields = {f for p in core if (f := field_of(paper_by_id[p].get("category")))}
    typical = median([similarity[p] for p in compared if p in similarity] or [0.0])
    for entry in page.entries:
        paper_id = entry.paper_id
        paper = paper_by_id[paper_id]
        evidence = _evidence(
            paper,
            profile["owner_person_id"],
            page.spellings,
            (paper_id in core) if core else None,
            sorted(
                person_by_id[p]["name"]
                for p, key in coauthors[paper_id].items()
                if max(on_core[p], on_core[f"name:{key}"]) - (paper_id in core) > 0
            ),
            core_fields,
            persons_on,
            similarity.get(paper_id),
            typical,
        )
        if core and paper_id not in core:
            evidence.bridges = sorted(
                person_by_id[p]["name"]
                for p in coauthors[paper_id]
                if any(
                    q != paper_id and any(x in on_core for x in persons_on[q])
                    for q in cat.papers_of_person[p]
                )
            )
        other = claimed_elsewhere(paper_id, page, claims)
        if other is not None:
            evidence.claimed_by = f"{other.profile['owner_name']} ({other.source['path']})"
        s, reasons = score(evidence)
        row = {
            "source_id": source["source_id"],
            "entry_id": entry.entry_id,
            "paper_id": paper_id,
            "score": s,
            "reasons": reasons,
            "decided_by": "model",
            "owner_on_byline": evidence.owner_on_byline,
            "shared_coauthors": len(evidence.shared_coauthors),
            "topic_similarity": evidence.topic_similarity,
        }
        yield row, entry.decision


PAGE_BATCH = 20_000
"""Entries per batch of pages scored together: one share of work for a worker, and
enough pairs for the batched topic similarities."""


def page_batches(pages: list[PageCore], size: int = PAGE_BATCH) -> list[list[int]]:
    """The pages' places in runs of consecutive pages of about `size` entries."""
    return consecutive_runs([len(page.entries) for page in pages], size)


def attribute(
    sources: list[dict[str, Any]],
    entries: list[dict[str, Any]],
    paper_entries: list[dict[str, Any]],
    papers: list[dict[str, Any]],
    persons: list[dict[str, Any]],
    authorships: list[dict[str, Any]],
    decisions: list[Decision],
    jobs: int = 1,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """`profiles` and `attributions` rows, and the thresholds used: `attribute_pages`
    on the tables' `catalogue`."""
    cat = catalogue(papers, persons, authorships, decisions)
    return attribute_pages(listed_pages(sources, entries, paper_entries, cat), cat, jobs)


def in_path_order(sources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The pages in the order attribution reads them (and `ListedPages` lists them)."""
    return sorted(sources, key=lambda s: s["path"])


@dataclass
class ListedPages:
    """The pages in the order of their paths, and what each lists (`Listed`)."""

    sources: list[dict[str, Any]]
    entries: list[list[Listed]]


def listed_pages(
    sources: list[dict[str, Any]],
    entries: list[dict[str, Any]],
    paper_entries: list[dict[str, Any]],
    cat: Catalogue,
) -> ListedPages:
    """Each page's entries in page order, each a `Listed`, so the rows can be let
    go before pages are read: forked workers copy the pages of what they read, and
    a million entries' dicts with the fields only decisions read are about half a
    gigabyte by their sizes (a `Listed` is 64 bytes, its strings shared)."""
    paper_of = {r["entry_id"]: r["paper_id"] for r in paper_entries}
    by_source: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in entries:
        by_source[e["source_id"]].append(e)
    ordered = in_path_order(sources)
    listed = []
    for source in ordered:
        decided = cat.decisions.get(source["path"], [])
        page = []
        for e in sorted(by_source.pop(source["source_id"], []), key=lambda e: e["position"]):
            paper_id = paper_of[e["entry_id"]]
            paper = cat.paper_by_id[paper_id]
            found = decision_for(decided, source["path"], e, paper) if decided else None
            page.append(Listed(e["entry_id"], paper_id, found))
        listed.append(page)
    return ListedPages(ordered, listed)


def attribute_pages(
    pages_listed: ListedPages, cat: Catalogue, jobs: int = 1
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """`profiles` and `attributions` rows of the pages, and the thresholds used.

    Two passes: every page's core first, so that an entry can be checked against
    the other profiles that claim its paper (`claimed_elsewhere`), then the scores.
    Each pass shares the pages out among `jobs` processes (`shared_out`); a worker
    sends back what it found, never the pages' entries."""
    ordered, listed = pages_listed.sources, pages_listed.entries

    def found_on(n: int) -> tuple[dict[str, Any], tuple[set[str], frozenset, frozenset] | None]:
        profile, page = read_page(ordered[n], listed[n], cat)
        return profile, None if page is None else (page.listed, page.core, page.spellings)

    read = shared_out(
        found_on, list(range(len(ordered))), jobs, lambda n: len(listed[n]), "reading pages"
    )
    profiles, rows, pages = [], [], []
    for source, page_entries, (profile, found) in zip(ordered, listed, read, strict=True):
        profiles.append(profile)
        if found is None:
            for entry in page_entries:
                rows.append(_unknown_owner_row(source, entry))
        else:
            pages.append(PageCore(source, profile, page_entries, *found))
    claims = claims_index(pages)
    batches = page_batches(pages, PAGE_BATCH)
    scored = shared_out(
        lambda batch: score_pages([pages[n] for n in batch], cat, claims),
        batches,
        jobs,
        lambda batch: sum(len(pages[n].entries) for n in batch),
        "scoring pages",
    )
    pending = [item for batch in scored for item in batch]
    likely = calibrate([(r["score"], d.status) for r, d in pending if d is not None])
    for row, decision in pending:
        row["status"] = status_of(row["score"], likely)
        if decision is not None:
            row["status"] = decision.status
            row["decided_by"] = "curator"
            note = f": {decision.note}" if decision.note else ""
            row["reasons"] = [f"a curator decided {decision.status}{note}", *row["reasons"]]
        rows.append(row)
    return profiles, rows, {"likely_threshold": likely, "review_threshold": REVIEW}


def _unknown_owner_row(source: dict[str, Any], entry: Listed) -> dict:
    return {
        "source_id": source["source_id"],
        "entry_id": entry.entry_id,
        "paper_id": entry.paper_id,
        "status": "needs_review",
        "score": None,
        "reasons": [
            "the page's owner is unknown, so its papers cannot be checked; "
            "declare the owner in sources.toml"
        ],
        "decided_by": "rule",
    }


def _evidence(
    paper: dict[str, Any],
    owner: str | None,
    spellings: AbstractSet[str],
    in_core: bool | None,
    shared_coauthors: list[str],
    core_fields: set[str],
    persons_on: Bylines,
    topic_similarity: float | None,
    topic_typical: float,
) -> Evidence:
    paper_id = paper["paper_id"]
    e = Evidence(
        byline_size=len(paper["author_names"]),
        byline_complete=paper["authors_complete"],
        in_core=in_core,
        shared_coauthors=shared_coauthors,
        topic_similarity=topic_similarity,
        topic_typical=topic_typical,
        paper_field=field_of(paper.get("category")),
        owner_fields=core_fields,
    )
    matching = [n for n in paper["author_names"] if n in spellings]
    e.owner_on_byline = bool(matching)
    byline = persons_on.get(paper_id, {})
    e.owner_as_written = byline.get(owner) if owner else None
    e.owner_as_written = e.owner_as_written or (matching[0] if matching else None)
    if e.owner_on_byline and owner is not None and owner not in byline:
        for person_id in sorted(byline):
            name = byline[person_id]
            if name in spellings:
                e.namesake = f"{name}, {person_id}"
                break
    return e

"""The comparison library: each way two records are compared, as a small named object.

A `Comparison` says in one sentence what it measures and turns into the
dedupe variables that measure it. The paper and person models are lists of
comparisons (`PAPER_MODEL`, `PERSON_MODEL`), so the model a curator trains is
readable here, and changing it changes `model_version`, which retires cached
models and tells `bylines label` that old labels need the new fields.

Comparators return similarities in [0, 1] (dedupe's built-in string distance
is the exception: higher is more different); missing values are None and
dedupe learns a separate weight for "missing" where `has_missing` is set.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

import jellyfish
from dedupe import predicates as dedupe_predicates
from dedupe import variables as dv


@dataclass(frozen=True)
class Comparison:
    """One named comparison of a field of two records."""

    name: str
    field: str
    description: str
    kind: str
    """dedupe variable type: Exact, ShortString, String, Text, Set or Custom."""
    comparator: Callable[[Any, Any], float] | None = None
    has_missing: bool = True
    uses_corpus: bool = False

    def variable(self, corpus: Iterable[Any] | None = None) -> Any:
        kw: dict[str, Any] = {"has_missing": self.has_missing, "name": self.name}
        if self.kind == "Custom":
            assert self.comparator is not None
            return dv.Custom(self.field, comparator=self.comparator, **kw)
        cls = getattr(dv, self.kind)
        if self.uses_corpus:
            return cls(self.field, corpus=list(corpus or []), **kw)
        return cls(self.field, **kw)


INDEX_PREDICATES = False
"""No canopy (index) blocking rules, not even while learning rules: applying a
Levenshtein or TF-IDF canopy costs about 0.4 ms a record (37 s for 100k entries),
learning which canopies cover the labeled pairs was three quarters of training
(14 s of 18 at 10k), and the fixed blocking keys already catch what canopies would.
Simple predicates fingerprint a million records in seconds."""

BROAD_PREDICATES = ("Exists", "magnitudeOfCardinality")
"""dedupe predicates that put most records in one block ("has an arXiv id",
"has three authors"): fine on a few labels, quadratic on a catalogue."""


def _too_broad(predicate: Any) -> bool:
    return any(name in str(predicate) for name in BROAD_PREDICATES)


def _kept(predicate: Any) -> bool:
    if not INDEX_PREDICATES and isinstance(predicate, dedupe_predicates.IndexPredicate):
        return False
    return not _too_broad(predicate)


@dataclass(frozen=True)
class Model:
    """A list of comparisons over records of one kind."""

    kind: str
    comparisons: tuple[Comparison, ...] = field(default_factory=tuple)
    blocking_keys: Callable[[dict[str, Any]], list[str]] | None = field(default=None, compare=False)
    """Fixed blocking keys (set by the stage); also tells which random pairs are
    safe to call different when training (`matching.prior_pairs`)."""
    block_fields: tuple[str, ...] | None = None
    """Fields whose dedupe predicates may block (None: all). Persons block on names
    only: a block of "shares a topic word" pairs strangers by the thousand."""
    masks: tuple[tuple[str, ...], ...] = ()
    """Field groups that real records lack together (an abstract-only page has no
    title, byline or date). Training also sees each labeled pair with one side
    so masked, so a model taught on complete pages still weighs what remains."""

    @property
    def fields(self) -> list[str]:
        return sorted({c.field for c in self.comparisons})

    @property
    def version(self) -> str:
        """Changes whenever a comparison is added, removed or redefined."""
        text = (
            "|".join(
                f"{c.name}:{c.field}:{c.kind}:{c.has_missing}:"
                f"{c.comparator.__name__ if c.comparator else ''}"
                for c in self.comparisons
            )
            + f"|masks:{self.masks}|blocks:{self.block_fields}"
        )
        return hashlib.sha256(f"{self.kind}|{text}".encode()).hexdigest()[:12]

    def variables(self, corpora: dict[str, list[Any]]) -> list[Any]:
        variables = []
        for c in self.comparisons:
            variable = c.variable(corpora.get(c.field))
            blocks = self.block_fields is None or c.field in self.block_fields
            variable.predicates = [p for p in variable.predicates if blocks and _kept(p)]
            variables.append(variable)
        return variables

    def describe(self) -> str:
        return "\n".join(f"- {c.name} ({c.field}): {c.description}" for c in self.comparisons)


# ---- comparators ---------------------------------------------------------------


def year_closeness(a: int, b: int) -> float:
    """1 for the same year, falling by a third per year apart, 0 from three years."""
    return max(0.0, 1.0 - abs(int(a) - int(b)) / 3.0)


def day_closeness(a: int, b: int) -> float:
    """1 for the same day, 0.5 at two weeks apart, near 0 beyond a year (revisions)."""
    gap = abs(int(a) - int(b))
    return 1.0 / (1.0 + gap / 14.0)


def overlap_coefficient(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared names over the shorter list: a truncated byline still overlaps fully."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def shared_count(a: Collection[str], b: Collection[str]) -> float:
    """How many collaborators two mentions share, saturating at three. Needs no corpus,
    so it means the same on a catalogue of a million as on the labels it learned from."""
    if not a or not b:
        return 0.0
    return min(len(frozenset(a).intersection(b)), 3) / 3


def jaccard(a: Collection[str], b: Collection[str]) -> float:
    """Share of distinct words in common (content words only, see the record): word
    sets, or tuples of distinct words (a tenth of the memory)."""
    if not a or not b:
        return 0.0
    shared = len(frozenset(a).intersection(b))
    return shared / (len(a) + len(b) - shared)


def jaro_winkler(a: str, b: str) -> float:
    """Jaro-Winkler similarity of two folded names (typos, transpositions, prefixes)."""
    return jellyfish.jaro_winkler_similarity(a, b)


def sounds_alike(a: tuple[str, str], b: tuple[str, str]) -> float:
    """Surname phonetic codes (Metaphone, NYSIIS): 1 both agree, 0.5 one agrees, else 0."""
    return (float(a[0] == b[0]) + float(a[1] == b[1])) / 2.0


def given_compatible(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """Given names: 1 same, 0.8 nicknames or one the start of the other, 0.5 only
    initials agree, else 0.

    Each value is (folded given name, initial, *names it may stand for).
    """
    if not a or not b:
        return 0.5
    if a[0] and a[0] == b[0]:
        return 1.0
    if len(a[0]) > 1 and len(b[0]) > 1 and set(a[2:]) & set(b[2:]):
        return 0.8
    short, long_ = sorted((a[0], b[0]), key=len)
    if len(short) > 1 and long_.startswith(short):
        return 0.8  # "Jean" of "Jean Luc" and "Jean-Luc"
    if a[1] and a[1] == b[1] and (len(a[0]) <= 1 or len(b[0]) <= 1):
        return 0.5
    return 0.0


def middle_conflict(a: str, b: str) -> float:
    """1 when both names show middle initials and they disagree (R vs J), else 0.

    Evidence-shaped on purpose: "no middle initial" says nothing, so it scores
    0 and a model trained on few labels cannot learn a spurious weight for it.
    """
    if a and b and not (a.startswith(b) or b.startswith(a)):
        return 1.0
    return 0.0


def rare_name(a: tuple[str, int], b: tuple[str, int]) -> float:
    """How telling a shared surname and initial is: 1 for a name seen once in the
    catalogue, falling with how often it is seen; 0 when the names differ.

    Two "K. Oyelaran" are likely one person; two "W. Wang" say little by themselves.
    """
    if not a or not b:
        return 0.0
    (key_a, count_a), (key_b, count_b) = a, b
    if not key_a or key_a != key_b:
        return 0.0
    return 1.0 / (1.0 + math.log(max(count_a, count_b, 1)))


def related_work(
    a: tuple[str | None, Collection[str]], b: tuple[str | None, Collection[str]]
) -> float:
    """Whether two mentions' work is related: 1 when they share a coauthor or a
    broad field, 0 when their fields differ and no coauthor links them, 0.5 when
    the fields are unknown. A field change with old collaborators is related work;
    a namesake in another field, with none, is not."""
    (field_a, coauthors_a), (field_b, coauthors_b) = a, b
    if coauthors_a and coauthors_b and not frozenset(coauthors_a).isdisjoint(coauthors_b):
        return 1.0
    if field_a and field_b:
        return float(field_a == field_b)
    return 0.5


# ---- the models ----------------------------------------------------------------

PAPER_MODEL = Model(
    "papers",
    (
        Comparison("arxiv", "arxiv_id", "the same arXiv id (versions folded)", "Exact"),
        Comparison("title", "title", "edit distance between folded titles", "String"),
        Comparison(
            "abstract",
            "abstract",
            "TF-IDF cosine of the abstracts' opening words",
            "Text",
            uses_corpus=True,
        ),
        Comparison(
            "authors",
            "authors",
            "share of surnames in common, over the shorter byline (et al. safe)",
            "Custom",
            comparator=overlap_coefficient,
        ),
        Comparison(
            "author_set",
            "authors",
            "TF-IDF cosine of the surname sets (rare shared names weigh more)",
            "Set",
            uses_corpus=True,
        ),
        Comparison("year", "year", "years apart, 0 from three years", "Custom", year_closeness),
        Comparison("date", "day", "days apart: a revision is weeks later", "Custom", day_closeness),
    ),
    masks=(
        ("abstract",),  # a bibliographic table with no abstracts
        ("abstract", "day"),  # ... and only a year
        ("title", "authors", "year", "day"),  # an abstract-only page
        ("title", "authors", "year", "day", "arxiv_id"),
    ),
)

PERSON_MODEL = Model(
    "authors",
    (
        Comparison(
            "name_jw",
            "name",
            "Jaro-Winkler similarity of the whole folded names",
            "Custom",
            comparator=jaro_winkler,
        ),
        Comparison(
            "surname_sound",
            "sound",
            "surname Metaphone and NYSIIS codes agree",
            "Custom",
            comparator=sounds_alike,
            has_missing=False,
        ),
        Comparison(
            "given",
            "given",
            "given names equal, nicknames of each other, or initials only",
            "Custom",
            comparator=given_compatible,
        ),
        Comparison(
            "middle",
            "middle",
            "both show middle initials and they conflict",
            "Custom",
            comparator=middle_conflict,
            has_missing=False,
        ),
        Comparison(
            "rare_name",
            "rarity",
            "the same surname and initial, weighted by how rare that name is here",
            "Custom",
            comparator=rare_name,
            has_missing=False,
        ),
        Comparison(
            "coauthors",
            "coauthors",
            "TF-IDF cosine of the coauthor sets: shared collaborators",
            "Set",
            uses_corpus=True,
        ),
        Comparison(
            "shared_coauthors",
            "coauthors",
            "how many coauthors two mentions share (up to three)",
            "Custom",
            comparator=shared_count,
        ),
        Comparison(
            "topic_words",
            "topic_words",
            "share of content words in common between the papers' titles and abstracts",
            "Custom",
            comparator=jaccard,
        ),
        Comparison(
            "topic",
            "topic",
            "TF-IDF cosine of the papers' titles and abstracts",
            "Text",
            uses_corpus=True,
        ),
        Comparison(
            "related_work",
            "context",
            "same broad field (computing, physics, ...) or a shared coauthor",
            "Custom",
            comparator=related_work,
        ),
        Comparison(
            "name_block",
            "surname",
            "the same folded surname (its predicates block on surnames)",
            "ShortString",
            has_missing=False,
        ),
    ),
    block_fields=("surname",),
    masks=(("coauthors", "context"), ("topic", "topic_words", "context")),
)
"""No year comparison for persons: careers span decades, and with few labels a
year weight learned from one namesake would split a person's early papers from
the late ones."""

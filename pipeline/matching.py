"""The machinery both matchers share: train, cache, score, choose a threshold, cluster.

dedupe does the learning: the pairwise classifier, the blocking rules learned
from the labels, and the active learner of labeling sessions. Around it this
module adds what a nightly pipeline needs and dedupe leaves to its users:

- reproducible training: dedupe draws from `random` and from unseeded numpy
  generators; `seeded()` fixes both, record ids are integers in key order, and
  the CLI runs with a fixed PYTHONHASHSEED;
- a threshold chosen from the labels (cross-validated F1), never a fixed 0.5;
- a model cache that only trusts files it wrote (HMAC with a local secret),
  since dedupe settings are pickles;
- clustering in which curator labels are hard constraints (must-link and
  cannot-link), which dedupe's own clustering cannot express.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import io
import itertools
import json
import logging
import os
import random
import secrets
import time
from abc import ABC, abstractmethod
from array import array
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from dedupe import predicates as dedupe_predicates
from simplecosine.cosine import CosineSimilarity

from pipeline.collector import give_back_freed_memory
from pipeline.comparisons import INDEX_PREDICATES, Model, jaccard
from pipeline.errors import ConfigError
from pipeline.linkage import UnionFind, average_linkage, compile_now
from pipeline.workers import shared_out

log = logging.getLogger(__name__)

SEED = 20240501
TRAIN_SAMPLE = 600
"""Records indexed to prepare training. Blocking rules are learned from the labeled
matches; the sample only estimates how many comparisons a rule costs, and dedupe's rule
search grows faster than quadratically with it (persons: 7 s at 500, 38 s at 1,000)."""
MIN_LABELS = 4
"""Labels of each kind (same, different) needed to train a model."""

Record = dict[str, Any]
KeyPair = tuple[str, str]


@contextlib.contextmanager
def seeded(seed: int = SEED) -> Iterator[None]:
    """Fix every random source dedupe draws from, for the duration of the block."""
    real_rng = np.random.default_rng

    def default_rng(s: Any = None) -> np.random.Generator:
        return real_rng(seed if s is None else s)

    random.seed(seed)
    np.random.seed(seed % 2**32)
    np.random.default_rng = default_rng  # type: ignore[assignment]
    try:
        yield
    finally:
        np.random.default_rng = real_rng  # type: ignore[assignment]


# ---- labels ------------------------------------------------------------------------


@dataclass
class Labels:
    """Labeled record pairs, as dedupe's training file holds them (plus `unsure`)."""

    match: list[tuple[Record, Record]] = field(default_factory=list)
    distinct: list[tuple[Record, Record]] = field(default_factory=list)
    unsure: list[tuple[Record, Record]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.match) + len(self.distinct)

    def key_pairs(self, kind: str) -> set[KeyPair]:
        pairs = getattr(self, kind)
        return {_ordered(a["key"], b["key"]) for a, b in pairs}

    def labeled(self) -> set[KeyPair]:
        return self.key_pairs("match") | self.key_pairs("distinct") | self.key_pairs("unsure")

    def for_dedupe(self) -> dict[str, list[tuple[Record, Record]]]:
        return {"match": list(self.match), "distinct": list(self.distinct)}


def _ordered(a: str, b: str) -> KeyPair:
    return (a, b) if a <= b else (b, a)


def canonical(value: Any) -> Any:
    """Labels as JSON in one order: dedupe's tuple/frozenset hints, sets sorted.

    Set order follows string hashing, which changes between processes; without
    this a label file, and the model fingerprint taken from it, would too.
    """
    if isinstance(value, (set, frozenset)):
        items = sorted((canonical(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
        return {"__class__": "frozenset", "__value__": items}
    if isinstance(value, tuple):
        return {"__class__": "tuple", "__value__": [canonical(v) for v in value]}
    if isinstance(value, list):
        return [canonical(v) for v in value]
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    return value


def read_labels(path: Path) -> Labels:
    """Read a label file; an absent file is no labels."""
    from dedupe import serializer

    if not path.exists():
        return Labels()
    try:
        with path.open(encoding="utf-8") as fh:
            data = serializer.read_training(fh)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not a readable label file: {exc}") from exc
    pairs = {k: [tuple(p) for p in data.get(k, [])] for k in ("match", "distinct", "unsure")}
    for kind, items in pairs.items():
        for i, pair in enumerate(items):
            if len(pair) != 2 or not all(isinstance(r, dict) and "key" in r for r in pair):
                raise ConfigError(f"{path}: {kind}[{i}] is not a pair of records with a key")
    return Labels(**pairs)  # type: ignore[arg-type]


def write_labels(path: Path, labels: Labels) -> None:
    """Write atomically, so a session killed mid-write keeps every earlier label."""

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    data = {"match": labels.match, "distinct": labels.distinct, "unsure": labels.unsure}
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps(canonical(data), indent=1, sort_keys=True))
        fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def without_exclusive(labels: Labels, exclusive_field: str | None) -> Labels:
    """Labels minus pairs the data already rules out (they teach the model nothing true)."""
    if exclusive_field is None:
        return labels

    def keep(pairs: list[tuple[Record, Record]]) -> list[tuple[Record, Record]]:
        return [(a, b) for a, b in pairs if not exclusive(a, b, exclusive_field)]

    return Labels(keep(labels.match), keep(labels.distinct), keep(labels.unsure))


def refresh_labels(labels: Labels, current: dict[str, Record], model: Model) -> Labels:
    """Labeled records as the current data and model see them.

    A record still in the data is replaced by its current form (so labels
    follow normalization and model changes); one no longer present keeps its
    stored fields, with any field the model gained set to missing.
    """

    def fresh(record: Record) -> Record:
        if record["key"] in current:
            return current[record["key"]]
        return {**dict.fromkeys(model.fields), **record}

    return Labels(
        *(
            [(fresh(a), fresh(b)) for a, b in getattr(labels, kind)]
            for kind in ("match", "distinct", "unsure")
        )
    )


# ---- training, threshold, cache ----------------------------------------------------


@dataclass
class Trained:
    matcher: Any
    """A trained dedupe.Dedupe or a dedupe.StaticDedupe loaded from the cache."""
    threshold: float
    quality: dict[str, Any]
    fingerprint: str


def labels_fingerprint(model: Model, labels: Labels) -> str:
    """What a trained model depends on: the comparisons, how training runs, the labels."""
    text = json.dumps(canonical(labels.for_dedupe()), sort_keys=True)
    recipe = f"{model.version}|sample {TRAIN_SAMPLE}|canopies {INDEX_PREDICATES}, never learned"
    return hashlib.sha256(f"{recipe}\n{text}".encode()).hexdigest()[:16]


def integer_ids(records: dict[str, Record]) -> tuple[dict[int, Record], list[str]]:
    """dedupe data keyed by integers in key order (stable, hash-seed independent)."""
    keys = sorted(records)
    return {i: records[k] for i, k in enumerate(keys)}, keys


def sample_records(data: dict[int, Record], labels: Labels, size: int) -> dict[int, Record]:
    """A deterministic sample for preparing training, plus every labeled record:
    blocking rules are learned on it, so it must hold the labeled pairs even when
    today's data is small or does not contain them."""
    if len(data) <= size:
        sample = dict(data)
    else:
        rng = random.Random(SEED)
        sample = {i: data[i] for i in sorted(rng.sample(sorted(data), size))}
    present = {r["key"] for r in sample.values()}
    extra = len(data)
    for pair in labels.match + labels.distinct:
        for record in pair:
            if record["key"] not in present:
                present.add(record["key"])
                sample[extra] = record
                extra += 1
    return sample


def corpora(model: Model, records: Iterator[Record] | list[Record]) -> dict[str, list[Any]]:
    fields = {c.field for c in model.comparisons if c.uses_corpus}
    out: dict[str, list[Any]] = {f: [] for f in fields}
    for record in records:
        for f in fields:
            if record.get(f):
                out[f].append(record[f])
    return out


def _check_enough(labels: Labels, model: Model) -> None:
    if len(labels.match) < MIN_LABELS or len(labels.distinct) < MIN_LABELS:
        raise ConfigError(
            f"the {model.kind} matcher needs at least {MIN_LABELS} 'same' and {MIN_LABELS} "
            f"'different' labels (have {len(labels.match)} and {len(labels.distinct)}); "
            f"label pairs with `bylines label {model.kind}`"
        )


def classifier(c: float = 1.0) -> Any:
    """dedupe's logistic regression, with two changes for small label sets: classes
    weighted to balance (curators label more "same" than "different"), and the
    grid above scored by log loss, not F1, which rewards calling everything a match
    when matches dominate the labels."""
    import sklearn.linear_model

    return sklearn.linear_model.LogisticRegression(C=c, class_weight="balanced", max_iter=2000)


def new_matcher(model: Model, records: list[Record], num_cores: int = 1) -> Any:
    import dedupe
    import sklearn.linear_model
    import sklearn.model_selection

    matcher = dedupe.Dedupe(model.variables(corpora(model, records)), num_cores=num_cores)
    matcher.classifier = sklearn.model_selection.GridSearchCV(
        estimator=classifier(),
        param_grid={"C": [0.1, 1, 10, 100]},
        scoring="neg_log_loss",
        n_jobs=1,
    )
    return matcher


def masked(record: Record, fields: tuple[str, ...]) -> Record:
    return {**record, **dict.fromkeys(fields)}


def augmented(labels: Labels, model: Model) -> Labels:
    """The labels plus each pair with one side masked as `model.masks` describe.

    A masked copy keeps its pair's answer: an entry is the same paper whether
    or not this page shows its abstract. Copies that lose every compared field
    are left out.
    """
    out = Labels(list(labels.match), list(labels.distinct))
    for kind in ("match", "distinct"):
        extra = getattr(out, kind)
        for a, b in getattr(labels, kind):
            for fields in model.masks:
                for x, y in ((masked(a, fields), b), (a, masked(b, fields))):
                    if (x, y) != (a, b) and any(x.get(f) is not None for f in model.fields):
                        extra.append((x, y))
    return out


def cross_validated_scores(
    matcher: Any, labels: Labels, model: Model | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold match probabilities of the labeled pairs, and their labels.

    Each fold trains on its labels (augmented with masked copies when `model`
    is given) and scores the held-out labels as they are.
    """
    import sklearn.linear_model
    import sklearn.model_selection

    pairs = labels.match + labels.distinct
    y = np.array([1] * len(labels.match) + [0] * len(labels.distinct))
    best_c = getattr(matcher.classifier, "best_params_", {}).get("C", 1.0)
    folds = max(2, min(5, len(labels.match), len(labels.distinct)))
    cv = sklearn.model_selection.StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
    probs = np.zeros(len(pairs))
    for train_idx, test_idx in cv.split(np.zeros(len(y)), y):
        fold = Labels(
            [pairs[i] for i in train_idx if y[i] == 1], [pairs[i] for i in train_idx if y[i] == 0]
        )
        if model is not None:
            fold = augmented(fold, model)
        fold_y = [1] * len(fold.match) + [0] * len(fold.distinct)
        fold_model = classifier(best_c)
        fold_model.fit(matcher.data_model.distances(fold.match + fold.distinct), fold_y)
        test = matcher.data_model.distances([pairs[i] for i in test_idx])
        probs[test_idx] = fold_model.predict_proba(test)[:, 1]
    return probs, y


def choose_threshold(probs: np.ndarray, y: np.ndarray) -> tuple[float, dict[str, float]]:
    """The score cut with the best F1 on out-of-fold scores, set midway to the next score."""
    order = sorted(set(probs.tolist()), reverse=True)
    best = (-1.0, 0.5, 0.0, 0.0)
    for i, cut in enumerate(order):
        predicted = probs >= cut
        tp = int(np.sum(predicted & (y == 1)))
        precision = tp / max(1, int(np.sum(predicted)))
        recall = tp / max(1, int(np.sum(y == 1)))
        f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
        if f1 > best[0]:
            lower = order[i + 1] if i + 1 < len(order) else 0.0
            best = (f1, (cut + lower) / 2, precision, recall)
    f1, threshold, precision, recall = best
    return float(threshold), {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(max(f1, 0.0), 4),
    }


def prior_pairs(model: Model, labels: Labels) -> Labels:
    """Common-sense pairs beside the curator's, as dedupe's own active learner
    seeds itself: a few labeled records paired with themselves (same), and random
    pairs of labeled records that share no blocking key (different). Without them,
    labels chosen by active learning (mostly look-alike names) teach that similar
    names mean different people. Drawn from the labels only, so the model depends
    on the labels and the model alone, as its cache key says."""
    rng = random.Random(SEED)
    seen = [
        r
        for _, r in sorted({r["key"]: r for p in labels.match + labels.distinct for r in p}.items())
    ]
    same = [(r, r) for r in rng.sample(seen, min(10, len(seen)))]
    different: list[tuple[Record, Record]] = []
    wanted = max(10, len(labels))
    for _ in range(wanted * 20):
        if len(different) >= wanted or len(seen) < 2:
            break
        a, b = rng.sample(seen, 2)
        keys_a = set(model.blocking_keys(a)) if model.blocking_keys else set()
        keys_b = set(model.blocking_keys(b)) if model.blocking_keys else set()
        if a["key"] != b["key"] and not keys_a & keys_b:
            different.append((a, b))
    return Labels(same, different)


def train(model: Model, records: dict[str, Record], labels: Labels, num_cores: int = 1) -> Trained:
    """Train a matcher on `labels`, preparing training on a sample of `records`."""
    _check_enough(labels, model)
    data, _ = integer_ids(records)
    sample = sample_records(data, labels, TRAIN_SAMPLE)
    priors = prior_pairs(model, labels)
    taught = augmented(labels, model)
    taught = Labels(taught.match + priors.match, taught.distinct + priors.distinct)
    labeled = [r for pair in labels.match + labels.distinct for r in pair]
    with seeded():
        # TF-IDF corpora from the labeled records: the model is a function of the
        # labels and the model version alone, which is what its cache key says
        matcher = new_matcher(model, labeled, num_cores)
        # mark first: dedupe 3.0.3 refuses labels given after prepare_training()
        matcher.mark_pairs(taught.for_dedupe())
        matcher.prepare_training(sample)
        matcher.train(recall=1.0, index_predicates=INDEX_PREDICATES)
        probs, y = cross_validated_scores(matcher, labels, model)
    threshold, quality = choose_threshold(probs, y)
    quality.update(
        {
            "labels_match": len(labels.match),
            "labels_distinct": len(labels.distinct),
            "threshold": round(threshold, 4),
            "cv": "stratified k-fold on the labeled pairs",
        }
    )
    log.info("%s matcher: threshold %.3f, cross-validated %s", model.kind, threshold, quality)
    return Trained(matcher, threshold, quality, labels_fingerprint(model, labels))


class ModelCache:
    """Trained models on disk, signed with a secret that never leaves this folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _secret(self) -> bytes:
        path = self.folder / "secret.key"
        if not path.exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_bytes(32))
        return path.read_bytes()

    def _paths(self, model: Model, fingerprint: str) -> tuple[Path, Path]:
        stem = self.folder / f"{model.kind}-{fingerprint}"
        return stem.with_suffix(".settings"), stem.with_suffix(".json")

    def load(self, model: Model, fingerprint: str, num_cores: int = 1) -> Trained | None:
        import dedupe

        settings, meta = self._paths(model, fingerprint)
        if not settings.exists() or not meta.exists():
            return None
        try:
            info = json.loads(meta.read_text())
            blob = settings.read_bytes()
            expected = hmac.new(self._secret(), blob, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(expected, info.get("hmac", "")):
                raise ValueError("signature mismatch")
            matcher = dedupe.StaticDedupe(io.BytesIO(blob), num_cores=num_cores)
        except Exception as exc:  # a corrupt or foreign cache entry is discarded, never trusted
            log.warning("discarding cached %s model %s: %s", model.kind, settings.name, exc)
            settings.unlink(missing_ok=True)
            meta.unlink(missing_ok=True)
            return None
        return Trained(matcher, info["threshold"], info["quality"], fingerprint)

    def save(self, model: Model, trained: Trained) -> None:
        settings, meta = self._paths(model, trained.fingerprint)
        buf = io.BytesIO()
        trained.matcher.write_settings(buf)
        blob = buf.getvalue()
        signature = hmac.new(self._secret(), blob, hashlib.sha256).hexdigest()
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = settings.with_suffix(".tmp")
        tmp.write_bytes(blob)
        os.replace(tmp, settings)
        info = {"hmac": signature, "threshold": trained.threshold, "quality": trained.quality}
        meta.write_text(json.dumps(info, indent=2, sort_keys=True))


def trained_model(
    model: Model,
    records: dict[str, Record],
    labels: Labels,
    cache: ModelCache | None,
    num_cores: int = 1,
) -> Trained:
    """The cached model for these labels, or a freshly trained (and cached) one."""
    fingerprint = labels_fingerprint(model, labels)
    if cache is not None:
        cached = cache.load(model, fingerprint, num_cores)
        if cached is not None:
            log.info("%s matcher: reusing cached model %s", model.kind, fingerprint)
            return cached
    trained = train(model, records, labels, num_cores)
    if cache is not None:
        cache.save(model, trained)
    return trained


# ---- scoring and constrained clustering -------------------------------------------------


WINDOW = 12
"""Each record of a block is paired with this many next records in sort order (a
stage may pass its own); a block no bigger than this plus one is paired all-pairs."""


@dataclass(frozen=True)
class Pairing:
    """How one stage turns blocks into scored candidate pairs."""

    window: int = WINDOW
    """Sorted-neighbourhood window inside a block (`neighbourhood_pairs`)."""
    rule_budget: float | None = None
    """Most candidate pairs a record may get, on average, from one learned rule;
    a rule over it on this data is left out (`over_budget`). None: no limit."""
    compatible_on: Callable[[Record], Hashable] | None = None
    """The part of a record the stage's `compatible` reads (names, say): pairs whose
    records have the same parts are decided once, not once a pair."""
    certain: Callable[[Record, Record], bool] | None = None
    """A rule for candidate pairs that are one entity whatever the model says: they
    score 1. A curator's label still wins (a cannot-link scores 0 and is never merged)."""
    processes: int | None = None
    """Most processes that score and cluster the pairs (this one and forked workers);
    None: as many as the matcher was given (`--jobs`). Each process copies every page
    it writes that the other still shares (reference counts of the records it reads,
    new objects in the holes of freed ones), so work of a few seconds may cost more
    memory than the time it saves."""


BlockingKeys = Callable[[Record], Iterable[str]]
SortKey = Callable[[Record], str]
Compatible = Callable[[Record, Record], bool]


def exclusive(a: Record, b: Record, exclusive_field: str | None) -> bool:
    """Whether two records can never be one entity (two names on one byline)."""
    return exclusive_field is not None and a.get(exclusive_field) == b.get(exclusive_field)


def neighbourhood_pairs(
    block: np.ndarray, record: np.ndarray, rank: np.ndarray, window: int = WINDOW
) -> Iterator[np.ndarray]:
    """Pairs of every block at once by sorted neighbourhood: each record with its
    `window` next in its block by `rank` (all pairs when the block is that small),
    one array of (smaller, larger) record-id rows per step of the window.

    `block[i]` holds `record[i]`; a record twice in one block counts once. A record's
    pairs per block are bounded, so candidate pairs grow with the data, not with the
    square of its blocks: an all-pairs cap of 60 let a million entries' title blocks,
    ten times fuller than at 100k, make hundreds of millions of pairs. Array steps
    instead of a Python loop per pair: at a million entries the loop made 85 million
    tuples and took four minutes.
    """
    order = np.lexsort((rank[record], block))
    block, record = block[order], record[order]
    fresh = run_starts(block) | run_starts(record)
    block, record = block[fresh], record[fresh]
    for step in range(1, window + 1):
        same = block[step:] == block[:-step]
        if not same.any():
            return
        a, b = record[:-step][same], record[step:][same]
        yield np.stack([np.minimum(a, b), np.maximum(a, b)], axis=1)


MAX_KEYS_PER_RULE = 4
"""Block keys a record keeps from one learned rule: the smallest, so the same text
keeps the same keys. A rule such as "shares two consecutive words of the abstract"
puts each record in sixty blocks; at a million entries that was hundreds of
millions of candidate pairs."""


def learned_blocks(
    matcher: Any, data: dict[int, Record], pairing: Pairing | None = None
) -> dict[str, list[int]]:
    """dedupe's learned blocking rules applied to `data`: block key -> record ids,
    at most `MAX_KEYS_PER_RULE` keys per record and rule, without the rules that
    break `pairing.rule_budget` on this data (`over_budget`)."""
    pairing = pairing or Pairing()
    fingerprinter = matcher.fingerprinter
    alike = records_alike(data, fields_read(fingerprinter.predicates))
    shown = {i: data[i] for i in alike}
    fingerprinter.index_all(shown)
    blocks: dict[str, list[int]] = {}
    try:
        keyed = fingerprinter(shown.items())  # yields one record's keys together
        for record_id, keys in itertools.groupby(keyed, key=lambda pair: pair[1]):
            by_rule: dict[str, list[str]] = {}
            for key, _ in keys:
                by_rule.setdefault(_rule_of(key), []).append(key)
            for rule_keys in by_rule.values():
                for key in sorted(set(rule_keys))[:MAX_KEYS_PER_RULE]:
                    blocks.setdefault(key, []).extend(alike[int(record_id)])
    finally:
        fingerprinter.reset_indices()
    for members in blocks.values():
        members.sort()
    per_record = rule_pairs(blocks, len(data), pairing.window)
    dropped = over_budget(per_record, pairing.rule_budget)
    rules = list(fingerprinter.predicates)
    for rule, n in sorted(per_record.items(), key=lambda item: int(item[0])):
        described = rules[int(rule)]
        if rule in dropped:
            log.warning(
                "blocking rule %s left out: %.1f candidate pairs a record on %d records "
                "(budget %s); the other rules and the fixed keys still apply",
                described,
                n,
                len(data),
                pairing.rule_budget,
            )
        else:
            log.info("blocking rule %s: %.2f candidate pairs a record", described, n)
    return {k: ids for k, ids in blocks.items() if _rule_of(k) not in dropped}


def fields_read(rules: Iterable[Any]) -> tuple[str, ...] | None:
    """The record fields dedupe's blocking `rules` read, or None when one of them may
    read more than its field (an index predicate looks at every record)."""
    fields: set[str] = set()
    for rule in rules:
        for predicate in rule if isinstance(rule, dedupe_predicates.CompoundPredicate) else (rule,):
            field = getattr(predicate, "field", None)
            if isinstance(predicate, dedupe_predicates.IndexPredicate) or not isinstance(
                field, str
            ):
                return None
            fields.add(field)
    return tuple(sorted(fields))


def records_alike(data: dict[int, Record], fields: tuple[str, ...] | None) -> dict[int, list[int]]:
    """Records grouped by their values of `fields`, each group under its first record
    (every record alone when `fields` is None or a value is unhashable). Blocking
    rules give records that agree on the fields they read the same keys, so one
    record of each group is fingerprinted: persons block on surnames, and a million
    entries' 1.3M mentions carry a fraction as many."""
    if fields is None:
        return {i: [i] for i in data}
    first: dict[tuple[Any, ...], int] = {}
    groups: dict[int, list[int]] = {}
    try:
        for i, record in data.items():
            values = tuple(record.get(f) for f in fields)
            groups.setdefault(first.setdefault(values, i), []).append(i)
    except TypeError:  # a list or dict value: no grouping
        return {i: [i] for i in data}
    return groups


def _rule_of(key: str) -> str:
    """The rule of a learned block key: dedupe ends each key with ":" and the rule's index."""
    return key.rsplit(":", 1)[-1]


def block_pair_count(size: int, window: int) -> int:
    """How many pairs `neighbourhood_pairs` makes of a block of `size` records."""
    if size <= window + 1:
        return size * (size - 1) // 2
    return window * size - window * (window + 1) // 2


def rule_pairs(blocks: dict[str, list[int]], n_records: int, window: int) -> dict[str, float]:
    """Candidate pairs a record gets on average from each learned rule (by index)."""
    pairs: Counter[str] = Counter()
    for key, ids in blocks.items():
        pairs[_rule_of(key)] += block_pair_count(len(ids), window)
    return {rule: n / max(n_records, 1) for rule, n in pairs.items()}


def over_budget(per_record: dict[str, float], budget: float | None) -> set[str]:
    """The rules over `budget` pairs a record; never every rule (the most selective
    one stays).

    Rules are learned on a sample of a few hundred records. A rule that splits a
    sample finely ("the title's first two words") may put a million entries in
    blocks of hundreds: at that size it pairs every record with its whole window,
    many times the pairs of a good rule, and finds little the others miss.
    """
    if budget is None:
        return set()
    over = {rule for rule, n in per_record.items() if n > budget}
    if over and len(over) == len(per_record):
        over.discard(min(over, key=lambda rule: (per_record[rule], rule)))
    return over


def candidate_pairs(
    matcher: Any,
    data: dict[int, Record],
    blocking_keys: BlockingKeys | None,
    exclusive_field: str | None = None,
    sort_key: SortKey | None = None,
    compatible: Compatible | None = None,
    pairing: Pairing | None = None,
) -> np.ndarray:
    """dedupe's learned blocking, plus fixed keys that labels from one site cannot teach:
    the candidate pairs as an (n, 2) array of record ids, smaller first, sorted.

    Blocking rules learned from a few labels cover the fields those labels
    had; a page shape they never showed (a table with no abstracts) would get
    no candidates. The fixed keys (see each stage's `blocking_keys`) are a
    safety net for that. Every block, learned or fixed, is paired by
    `neighbourhood_pairs`, so candidate pairs grow linearly with the data. Pairs a stage
    rules out before any model (`compatible`) are dropped before scoring.
    """
    pairing = pairing or Pairing()
    block_of, members = block_arrays(learned_blocks(matcher, data, pairing), data, blocking_keys)
    keyed = sort_key or (lambda r: r["key"])
    n = max(data) + 1
    rank = np.zeros(n, dtype=np.int64)
    rank[sorted(data, key=lambda i: (keyed(data[i]), data[i]["key"]))] = np.arange(len(data))
    sizes = np.bincount(block_of)
    # pairs packed as a * n + b and deduplicated step by step: one array of every
    # block's pairs before deduplication grows with the overlap of the blocking rules
    chunks: list[np.ndarray] = []
    paired = 0
    for pairs in neighbourhood_pairs(block_of, members, rank, pairing.window):
        paired += len(pairs)
        chunks = _merge_codes(chunks, pairs[:, 0] * n + pairs[:, 1])
    unique = np.concatenate(_merge_codes(chunks, np.empty(0, np.int64), final=True))
    log.info(
        "candidate pairs: %d blocks (largest %d records), %d pairs, %d distinct",
        len(sizes),
        sizes.max(initial=0),
        paired,
        len(unique),
    )
    first, second = unique // n, unique % n
    if exclusive_field is not None:
        group, _ = _codes_of(data, lambda r: r.get(exclusive_field), n)
        kept = group[first] != group[second]
        first, second = first[kept], second[kept]
    if compatible is not None:
        kept = _compatible(data, first, second, compatible, pairing.compatible_on, n)
        first, second = first[kept], second[kept]
    log.info("candidate pairs: %d left after the byline and name rules", len(first))
    return np.stack([first, second], axis=1)


def block_arrays(
    learned: dict[str, list[int]], data: dict[int, Record], blocking_keys: BlockingKeys | None
) -> tuple[np.ndarray, np.ndarray]:
    """Every block, learned and fixed, as two flat arrays: block number and record id
    of each membership. Which number a block gets does not matter, only its pairs:
    a million mentions make 3.5M blocks, and sorting their names and keeping a
    list for each cost more than pairing them (100k: 7.5 s to 5.0 s)."""
    block_of, members = array("q"), array("q")
    for number, ids in enumerate(learned.values()):
        block_of.extend(itertools.repeat(number, len(ids)))
        members.extend(ids)
    fixed: dict[str, int] = {}
    for i, record in data.items() if blocking_keys is not None else ():
        for key in blocking_keys(record):
            block_of.append(fixed.setdefault(key, len(learned) + len(fixed)))
            members.append(i)
    return np.frombuffer(block_of, dtype=np.int64), np.frombuffer(members, dtype=np.int64)


def _codes_of(
    data: dict[int, Record], part: Callable[[Record], Hashable], n: int
) -> tuple[np.ndarray, int]:
    """Each record's `part` as an integer code (equal parts, equal codes), and how
    many distinct parts there are."""
    codes: dict[Hashable, int] = {}
    out = np.zeros(n, dtype=np.int64)
    for i, record in data.items():
        out[i] = codes.setdefault(part(record), len(codes))
    return out, len(codes)


def _compatible(
    data: dict[int, Record],
    first: np.ndarray,
    second: np.ndarray,
    compatible: Compatible,
    compatible_on: Callable[[Record], Hashable] | None,
    n: int,
) -> np.ndarray:
    """Which pairs `compatible` keeps. With `compatible_on`, asked once for each
    distinct pair of parts (at a million entries, 21 million pairs of a few hundred
    thousand names), its answer spread to every pair with those parts."""
    if compatible_on is None:
        pairs = zip(first.tolist(), second.tolist(), strict=True)
        return np.fromiter((compatible(data[a], data[b]) for a, b in pairs), bool, len(first))
    part, n_parts = _codes_of(data, compatible_on, n)
    pair_parts = part[first] * n_parts + part[second]
    order = np.argsort(pair_parts, kind="stable")
    fresh = run_starts(pair_parts[order])
    asked = order[fresh]
    answers = np.fromiter(
        (
            compatible(data[a], data[b])
            for a, b in zip(first[asked].tolist(), second[asked].tolist(), strict=True)
        ),
        bool,
        len(asked),
    )
    kept = np.empty(len(first), dtype=bool)
    kept[order] = answers[np.cumsum(fresh) - 1]
    return kept


def _merge_codes(
    chunks: list[np.ndarray], codes: np.ndarray, final: bool = False
) -> list[np.ndarray]:
    """Add an array of pair codes to the deduplicated chunks, merging the chunks once
    they are many (or at the end), so memory holds unique pairs plus a few steps."""
    if len(codes):
        chunks = [*chunks, distinct(codes)]
    if chunks and (final or len(chunks) >= 4):
        chunks = [distinct(np.concatenate(chunks))]
    return chunks or [np.empty(0, np.int64)]


def distinct(codes: np.ndarray) -> np.ndarray:
    """The distinct values of an integer array, sorted: `np.unique` by sorting.

    numpy 2.4's `np.unique` took about 40 s on 21 million pair codes on the 2-core
    machine, where a sort and a comparison with the neighbour take one.
    """
    codes = np.sort(codes)
    return codes[run_starts(codes)]


def run_starts(ordered: np.ndarray) -> np.ndarray:
    """Where each run of equal values in a sorted array begins (a boolean mask)."""
    starts = np.ones(len(ordered), dtype=bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    return starts


@dataclass(frozen=True, eq=False)  # arrays: compare `as_dict()`s
class Scores:
    """Scored pairs as arrays: each pair's ids and its score, each pair once, in the
    order they were scored (clustering sums scores in that order). At a million
    entries the eleven million person pairs held as a dict of tuples took about
    2 GB, and 15 s to build."""

    left: np.ndarray
    right: np.ndarray
    value: np.ndarray

    def __len__(self) -> int:
        return len(self.value)

    @classmethod
    def of(cls, scores: Mapping[tuple[int, int], float]) -> Scores:
        """From a dict of pairs, in its order."""
        ids = np.fromiter(itertools.chain.from_iterable(scores), np.int64, 2 * len(scores))
        return cls(ids[0::2], ids[1::2], np.fromiter(scores.values(), np.float64, len(scores)))

    def as_dict(self) -> dict[tuple[int, int], float]:
        pairs = zip(self.left.tolist(), self.right.tolist(), strict=True)
        return dict(zip(pairs, self.value.tolist(), strict=True))

    def with_pairs(self, pairs: Iterable[tuple[int, int]], value: float) -> Scores:
        """These pairs scored `value` (curator labels): a pair already scored keeps its
        place, the others follow in the order given."""
        asked = list(pairs)
        if not asked:
            return self
        wanted = np.asarray(asked, np.int64).reshape(-1, 2)
        size = int(max(self.left.max(initial=-1), self.right.max(initial=-1), wanted.max())) + 1
        keys = self.left * size + self.right
        codes = wanted[:, 0] * size + wanted[:, 1]
        ranked = np.argsort(keys, kind="stable")
        place = np.minimum(np.searchsorted(keys, codes, sorter=ranked), max(len(keys) - 1, 0))
        found = (keys[ranked[place]] == codes) if len(keys) else np.zeros(len(codes), bool)
        values = self.value.copy()
        values[ranked[place[found]]] = value
        new = wanted[~found]
        return Scores(
            np.concatenate([self.left, new[:, 0]]),
            np.concatenate([self.right, new[:, 1]]),
            np.concatenate([values, np.full(len(new), value)]),
        )


NO_SCORES = Scores(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))


def score_pairs(
    trained: Trained,
    data: dict[int, Record],
    blocking_keys: BlockingKeys | None = None,
    exclusive_field: str | None = None,
    sort_key: SortKey | None = None,
    compatible: Compatible | None = None,
    pairing: Pairing | None = None,
) -> Scores:
    """Scores of every candidate pair but those scoring 0 (as in dedupe's own scoring,
    a zero is no candidate), then any pair a certain rule gives 1."""
    if len(data) < 2:
        return NO_SCORES
    matcher = trained.matcher
    ids = candidate_pairs(
        matcher, data, blocking_keys, exclusive_field, sort_key, compatible, pairing
    )
    if not len(ids):
        return NO_SCORES
    chunks = [(i, min(i + SCORE_CHUNK, len(ids))) for i in range(0, len(ids), SCORE_CHUNK)]
    try:
        columns = field_columns(matcher.data_model, data)
        if columns is not None:
            prepare(matcher.data_model, columns)
        # this process scores its own share instead of waiting: a worker copies the
        # records it reads (reference counts write to their pages), 4.7 GB of person
        # records at a million entries, so one worker fewer is that much less memory
        parts = shared_out(
            lambda chunk: _score_chunk(matcher, data, ids, columns, chunk),
            chunks,
            processes_for(trained, pairing),
            cost=lambda chunk: chunk[1] - chunk[0],
            what="scoring",
        )
    finally:
        _FASTER.clear()
    value = np.concatenate(parts).astype(np.float64)
    kept = value > 0
    order = np.flatnonzero(kept)
    if pairing is not None and pairing.certain is not None:
        rule = pairing.certain
        certain = np.fromiter((rule(data[a], data[b]) for a, b in ids.tolist()), bool, len(ids))
        value[certain] = 1.0
        order = np.concatenate([order, np.flatnonzero(certain & ~kept)])
    pairs = ids[order]
    return Scores(pairs[:, 0].astype(np.int64), pairs[:, 1].astype(np.int64), value[order])


SCORE_CHUNK = 20_000
"""Pairs scored per task; workers are forked, so records are shared, never pickled."""


def processes_for(trained: Trained, pairing: Pairing | None) -> int:
    """The processes that score and cluster: the matcher's, at most `pairing.processes`."""
    cores = cores_of(trained.matcher)
    limit = pairing.processes if pairing is not None else None
    return min(cores, limit) if limit else cores


def cores_of(matcher: Any) -> int:
    """The processes a trained matcher was given (`--jobs`)."""
    return max(1, int(getattr(matcher, "num_cores", 1) or 1))


def _score_chunk(
    matcher: Any,
    data: dict[int, Record],
    ids: np.ndarray,
    columns: FieldColumns | None,
    chunk: tuple[int, int],
) -> np.ndarray:
    """dedupe's features and classifier on one slice (`chunk`) of the candidate pairs."""
    start, end = chunk
    if columns is None:
        pairs = [(data[a], data[b]) for a, b in ids[start:end].tolist()]
        scored = features(matcher.data_model, pairs)
    else:
        a, b = ids[start:end, 0], ids[start:end, 1]
        scored = compare_fields(
            matcher.data_model,
            lambda name: (columns[name][a].tolist(), columns[name][b].tolist()),
            end - start,
            (a, b),
        )
    return matcher.classifier.predict_proba(scored)[:, -1]


FieldColumns = dict[str, np.ndarray]
"""Each compared field of every record, one object array per field indexed by record id."""


def field_columns(data_model: Any, data: dict[int, Record]) -> FieldColumns | None:
    """The records' compared fields as columns, so a chunk's values are two array
    lookups per field instead of a dictionary lookup per pair and field (those took
    a third of scoring ten million author pairs). None when a comparator scores
    missing values itself and scoring goes dedupe's way, pair by pair."""
    if not data or scores_missing_itself(data_model):
        return None
    size = max(data) + 1
    columns: FieldColumns = {}
    for name in dict.fromkeys(name for name, _, _, _ in data_model._field_comparators):
        column = np.empty(size, dtype=object)  # filled one by one: values may be tuples
        for i, record in data.items():
            column[i] = record[name]
        columns[name] = column
    return columns


def scores_missing_itself(data_model: Any) -> bool:
    """Whether a comparator of the model scores missing values itself: then pairs are
    scored dedupe's own way (`DataModel.distances`), pair by pair."""
    return any(hasattr(compare, "missing") for _, compare, _, _ in data_model._field_comparators)


def features(data_model: Any, pairs: list[tuple[Record, Record]]) -> np.ndarray:
    """dedupe's `DataModel.distances`, computed a comparison at a time.

    The same numbers (tests compare the two), without dedupe's per-pair loop: it
    writes every comparison of every pair into the array one by one and rebuilds
    its list of comparators for each pair, half the time of scoring ten million
    author pairs. A missing value is NaN, as in dedupe; a model with a comparator
    that scores missing values itself goes the way of dedupe.
    """
    if scores_missing_itself(data_model):
        return data_model.distances(pairs)
    return compare_fields(
        data_model,
        lambda name: ([a[name] for a, _ in pairs], [b[name] for _, b in pairs]),
        len(pairs),
    )


def compare_fields(
    data_model: Any,
    values: Callable[[str], tuple[list[Any], list[Any]]],
    count: int,
    record_ids: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """The feature rows of `count` pairs whose field `name` holds `values(name)`
    (left and right): each comparison run over all pairs at once. With the pairs'
    `record_ids`, a batched comparison whose records were indexed before scoring
    (`prepare`) reads their rows by record, not by looking each document up."""
    out = np.empty((count, len(data_model)), "f4")
    for name, dedupes, start, stop in data_model._field_comparators:
        compare = faster(dedupes)
        if isinstance(compare, DocumentRows) and stop - start == 1:
            if record_ids is not None and compare.record_rows is not None:
                rows = compare.record_rows
                out[:, start] = compare.scored(rows[record_ids[0]], rows[record_ids[1]])
            else:
                out[:, start] = compare.many(*values(name))
            continue
        left, right = values(name)
        missing = np.nan if stop - start == 1 else [np.nan] * (stop - start)
        if repeats(left, right):
            found = compared_once(compare, left, right, missing)
        else:
            found = [
                compare(x, y) if x is not None and y is not None else missing
                for x, y in zip(left, right, strict=True)
            ]
        out[:, start:stop] = np.asarray(found, dtype="f4").reshape(count, stop - start)
    return data_model._add_derived_distances(out)


def repeats(left: list[Any], right: list[Any], sample: int = 2000) -> bool:
    """Whether the first `sample` pairs of values repeat enough (under half distinct)
    to compare each distinct pair once: names, sounds and initials in a block of one
    surname come back thousands of times; coauthor sets and topics almost never."""
    n = min(len(left), sample)
    if n < 100:
        return False
    try:
        return len(set(zip(left[:n], right[:n], strict=True))) < n / 2
    except TypeError:  # an unhashable value: compare pair by pair
        return False


def compared_once(compare: Any, left: list[Any], right: list[Any], missing: Any) -> list[Any]:
    """`compare` of each pair of values, each distinct pair compared once.

    One lookup a pair: `dict.fromkeys` over the pairs and a `map` of lookups, both in
    C, hash each pair twice and were slower (100k persons: 24.4 s against 22.2)."""
    done: dict[tuple[Any, Any], Any] = {}
    values = []
    for pair in zip(left, right, strict=True):
        found = done.get(pair)
        if found is None:
            x, y = pair
            found = done[pair] = compare(x, y) if x is not None and y is not None else missing
        values.append(found)
    return values


INDEX_BATCH = 100_000
"""Documents a `DocumentRows` block is built from at a time."""


class DocumentRows(ABC):
    """Documents (texts, word sets) as rows of one sparse matrix, a column per word,
    built for many documents at once: the base of the batched comparisons.

    `tokens` splits a document into words; each occurrence of a word adds
    `weight(word)` to its entry (None: a 0/1 row, each word once); `unit_length`
    normalizes each row. Scoring indexes every record's document before its workers
    fork (`prepare`), so the workers share the arrays instead of each building and
    copying its own, and a chunk of pairs is two row lookups and one sparse
    product. A document not yet indexed is added when a chunk meets it."""

    def __init__(
        self,
        tokens: Callable[[Any], Iterable[Any]],
        weight: Callable[[Any], float] | None = None,
        unit_length: bool = False,
    ) -> None:
        self.tokens, self.weight, self.unit_length = tokens, weight, unit_length
        self.words: dict[Any, int] = {}
        self.word_weights: list[float] = []
        self.row_of: dict[Any, int] = {}
        self.matrix: Any = None
        self.sizes = np.zeros(0, np.int64)
        """Words in each row."""
        self.record_rows: np.ndarray | None = None
        """Each record's row by record id (-1: missing), when scoring indexed them
        (`prepare`): at a million persons, looking up every chunk's documents again
        (hashing them, then finding their rows) took a fifth of scoring."""

    def index(self, documents: Iterable[Any]) -> None:
        """Add the documents not yet indexed as new rows, `INDEX_BATCH` at a time: the
        word lists, weights and copies that build a block are a batch's, and a million
        abstracts built at once held 650 MB more than their matrix while building it."""
        from scipy.sparse import vstack

        new = [d for d in dict.fromkeys(documents) if d is not None and d not in self.row_of]
        if not new:
            return
        blocks = [self._block(new[i : i + INDEX_BATCH]) for i in range(0, len(new), INDEX_BATCH)]
        width = max(1, len(self.words))
        for block in blocks:
            block.resize((block.shape[0], width))
        start = len(self.row_of)
        self.row_of.update(zip(new, range(start, start + len(new)), strict=True))
        if self.matrix is not None:
            self.matrix.resize((self.matrix.shape[0], width))
            blocks.insert(0, self.matrix)
        self.matrix = blocks[0] if len(blocks) == 1 else vstack(blocks, format="csr")
        self.sizes = np.diff(self.matrix.indptr)

    def _block(self, documents: list[Any]) -> Any:
        """The rows of `documents`, as wide as the words seen so far."""
        from scipy.sparse import csr_matrix, diags

        words = self.words
        columns = [[words.setdefault(w, len(words)) for w in self.tokens(d)] for d in documents]
        if self.weight is not None:
            fresh = itertools.islice(words, len(self.word_weights), None)
            self.word_weights.extend(map(self.weight, fresh))
        lengths = np.fromiter(map(len, columns), np.int64, len(columns))
        flat = np.fromiter(itertools.chain.from_iterable(columns), np.int64, int(lengths.sum()))
        del columns
        values = (
            np.asarray(self.word_weights, np.float64)[flat]
            if self.weight is not None
            else np.ones(len(flat))
        )
        block = csr_matrix(
            (values, flat, np.concatenate([[0], np.cumsum(lengths)])),
            shape=(len(documents), max(1, len(words))),
        )
        block.sum_duplicates()  # a word said twice: its weights added, as dedupe does
        if self.weight is None:
            block.data[:] = 1.0
        if self.unit_length:
            norms = np.sqrt(np.asarray(block.multiply(block).sum(axis=1)).ravel())
            scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
            block = (diags(scale) @ block).tocsr()
        return block

    def rows(self, documents: list[Any]) -> np.ndarray:
        """Each document's row (-1: missing), indexing those not yet indexed."""
        self.index(documents)
        return np.fromiter((self.row_of.get(d, -1) for d in documents), np.int64, len(documents))

    def many(self, left: list[Any], right: list[Any]) -> np.ndarray:
        """The comparison of each pair of documents (`left[i]`, `right[i]`)."""
        return self.scored(self.rows(left), self.rows(right))

    @abstractmethod
    def scored(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """The comparison of each pair of rows (`a[i]`, `b[i]`; -1: missing)."""

    def products(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Which pairs of rows are two non-empty documents, and for those the sum of
        their rows multiplied."""
        both = (a >= 0) & (b >= 0)
        both[both] = (self.sizes[a[both]] > 0) & (self.sizes[b[both]] > 0)
        if not both.any():
            return both, np.zeros(0)
        products = self.matrix[a[both]].multiply(self.matrix[b[both]])
        return both, np.asarray(products.sum(axis=1)).ravel()


class Cosine(DocumentRows):
    """dedupe's TF-IDF cosine (simplecosine's `CosineSimilarity`: the same weights, the
    same numbers; tests compare them), a chunk of pairs at a time.

    simplecosine caches every document's vector in the matcher for the rest of the
    run, a dict with its own copy of every word, in every worker, and builds two sets
    of all their words for every pair. Here the vectors are the normalized rows of
    one sparse matrix, and a chunk's cosines are the row sums of its pairs' rows
    multiplied. The vectors go when scoring ends (`_FASTER`)."""

    def __init__(self, similarity: Any) -> None:
        doc_freq, default = similarity.doc_freq, similarity.default_score
        super().__init__(
            similarity._list, lambda word: doc_freq.get(word, default), unit_length=True
        )

    def scored(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Cosine of each pair of rows; NaN where a document is missing or has no
        weight, as in dedupe."""
        both, dots = self.products(a, b)
        out = np.full(len(a), np.nan)
        out[both] = dots
        return out


class Jaccard(DocumentRows):
    """`comparisons.jaccard` (distinct words in common over words in either), a chunk
    of pairs at a time: word sets as 0/1 rows, the words two sets share the row sum
    of their rows multiplied."""

    def __init__(self) -> None:
        super().__init__(iter)

    def scored(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Jaccard of each pair of rows; NaN where one is missing, 0.0 where one is
        empty."""
        both, shared = self.products(a, b)
        out = np.where((a >= 0) & (b >= 0), 0.0, np.nan)
        out[both] = shared / (self.sizes[a[both]] + self.sizes[b[both]] - shared)
        return out


def prepare(data_model: Any, columns: FieldColumns) -> None:
    """Index every record's documents for the batched comparisons, before workers
    fork, and keep each record's rows."""
    for name, compare, start, stop in data_model._field_comparators:
        stand_in = faster(compare)
        if isinstance(stand_in, DocumentRows) and stop - start == 1:
            stand_in.record_rows = stand_in.rows(columns[name].tolist())


_FASTER: dict[int, tuple[Any, Any]] = {}
"""The stand-ins of the current scoring (`faster`), with what they stand in for;
emptied when it ends, so the vectors of a million documents do not outlive it."""


def faster(compare: Any) -> Any:
    """`compare`, or its faster stand-in with the same numbers (`Cosine`, `Jaccard`)."""
    found = _FASTER.get(id(compare))
    if found is not None and found[0] is compare:
        return found[1]
    if isinstance(compare, CosineSimilarity):
        stand_in: Any = Cosine(compare)
    elif compare is jaccard:
        stand_in = Jaccard()
    else:
        return compare
    _FASTER[id(compare)] = (compare, stand_in)
    return stand_in


@dataclass
class Clustering:
    clusters: list[list[int]]
    confidence: dict[int, float]
    conflicts: list[str]
    """Curator labels that contradict each other (reported, never silently dropped)."""


def linked_groups(links: dict[Any, Iterable[Hashable]]) -> list[list[Any]]:
    """Items in groups linked by any shared key (items -> their keys), each group
    sorted, largest group first, ties by their smallest item."""
    uf = UnionFind(links)
    first: dict[Hashable, Any] = {}
    for item in sorted(links):
        for key in links[item]:
            uf.union(item, first.setdefault(key, item))
    groups: dict[Any, list[Any]] = {}
    for item in sorted(links):
        groups.setdefault(uf.find(item), []).append(item)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))


def constrained_clusters(
    ids: list[int],
    scores: Scores,
    threshold: float,
    must: set[tuple[int, int]],
    cannot: set[tuple[int, int]],
    confidence: bool = True,
    jobs: int = 1,
) -> Clustering:
    """Average-linkage agglomeration that honours curator labels (and each record's
    confidence in its cluster unless `confidence` is false: a pass over every pair).

    Must-linked records start in one cluster; two clusters holding a
    cannot-linked pair are never merged; otherwise the pair of clusters with
    the highest mean score merges while that mean is at least `threshold`. The mean
    is over the pairs that were scored: a table row without an abstract and an
    abstract-only listing share no field, and their unscored pair is no evidence
    either way (cannot-links are scored 0, so they still count against).
    Deterministic: ties break on the smaller ids.

    Two clusters merge only when their mean is at least `threshold`, so at least
    one of their pairs is: clusters never reach across the components of pairs
    scoring that high (or labeled the same). Each component is clustered alone,
    and a process holds one component's cluster links at a time; with `jobs`
    above 1, the components are shared out among that many processes
    (`shared_out`), which read each component's pairs from arrays. The merge
    loop itself is compiled (`linkage.average_linkage`).
    """
    root_of, within = score_components(ids, scores, threshold, must)
    components: dict[int, list[int]] = {}
    for i in ids:
        components.setdefault(root_of[i], []).append(i)

    def by_component(pairs: set[tuple[int, int]]) -> dict[int, set[tuple[int, int]]]:
        out: dict[int, set[tuple[int, int]]] = {}
        for a, b in pairs:
            if root_of[a] == root_of[b]:
                out.setdefault(root_of[a], set()).add((a, b))
        return out

    must_in, cannot_in = by_component(must), by_component(cannot)
    tasks = [
        _Component(
            members,
            within.get(root, NO_SCORES),
            must_in.get(root, set()),
            cannot_in.get(root, set()),
        )
        for root, members in sorted(components.items())
        if len(members) > 1
    ]
    clusters = [members for members in components.values() if len(members) == 1]
    conflicts: list[str] = []
    if tasks:
        compile_now()
    clustered = shared_out(
        lambda task: task.cluster(threshold),
        tasks,
        jobs,
        cost=lambda task: len(task.pairs) + len(task.members),
        what="clustering",
    )
    for found, clashes in clustered:
        clusters.extend(found)
        conflicts.extend(clashes)
    clusters = sorted(clusters)
    return Clustering(clusters, _confidence(clusters, scores) if confidence else {}, conflicts)


@dataclass
class _Component:
    """One component to cluster: its members, its scored pairs (in the order of the
    run's scores) and its labels."""

    members: list[int]
    pairs: Scores
    must: set[tuple[int, int]]
    cannot: set[tuple[int, int]]

    def cluster(self, threshold: float) -> tuple[list[list[int]], list[str]]:
        p = self.pairs
        return average_linkage(
            self.members, p.left, p.right, p.value, threshold, self.must, self.cannot
        )


def score_components(
    ids: list[int],
    scores: Scores,
    threshold: float,
    must: set[tuple[int, int]],
) -> tuple[dict[int, int], dict[int, Scores]]:
    """The components of pairs scoring at least `threshold` or labeled the same: each
    id's root (its component's smallest id), and each component's scored pairs in
    the order of `scores` (so their sums add up as before). Found with SciPy's
    connected components over arrays: at a million entries, a union-find in Python
    over ten million scored pairs took a minute."""
    if not ids:
        return {}, {}
    order = np.asarray(sorted(ids), dtype=np.int64)
    a, b, value = _score_arrays(order, scores)
    linked = [(a[value >= threshold], b[value >= threshold])]
    if must:
        found = _places(order)[np.fromiter(itertools.chain.from_iterable(must), np.int64)]
        linked.append((found[0::2], found[1::2]))
    label = _component_labels(
        len(order), np.concatenate([r for r, _ in linked]), np.concatenate([c for _, c in linked])
    )
    _, first = np.unique(label, return_index=True)  # ids ascend: first is the smallest
    root = order[first][label]
    root_of = dict(zip(order.tolist(), root.tolist(), strict=True))
    inside = np.flatnonzero(label[a] == label[b])
    inside = inside[np.argsort(label[a[inside]], kind="stable")]
    group = label[a[inside]]
    if not len(group):
        return root_of, {}
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    ends = np.r_[starts[1:], len(group)]
    left, right, value = order[a[inside]], order[b[inside]], value[inside]
    within = {
        segment_root: Scores(
            left[first_pair:last_pair],
            right[first_pair:last_pair],
            value[first_pair:last_pair],
        )
        for segment_root, first_pair, last_pair in zip(
            root[a[inside[starts]]].tolist(), starts.tolist(), ends.tolist(), strict=True
        )
    }
    return root_of, within


def _score_arrays(order: np.ndarray, scores: Scores) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The scored pairs with each side's place in `order` (the sorted ids), and the
    score. Places are looked up in an array indexed by id: `np.searchsorted` took
    16 s for the eleven million pairs of a million entries."""
    place = _places(order)
    return place[scores.left], place[scores.right], scores.value


def _places(order: np.ndarray) -> np.ndarray:
    """An array whose item `order[i]` is i (ids are small non-negative integers)."""
    place = np.full(int(order.max(initial=-1)) + 1, -1, np.int64)
    place[order] = np.arange(len(order))
    return place


def _component_labels(size: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Each of `size` nodes' connected component over the edges (`a[i]`, `b[i]`), by
    SciPy: a union-find in Python over ten million pairs took a minute."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(len(a), np.int32), (a, b)), shape=(size, size))
    return connected_components(graph, directed=False)[1]


def _confidence(clusters: list[list[int]], scores: Scores) -> dict[int, float]:
    """Each record's mean score with the rest of its cluster (an unscored pair counts
    0), or for a record alone, 1 minus its best score with anyone. One pass over the
    scored pairs: a cluster of thousands of mentions is not compared all against all."""
    size = 1 + max((i for cluster in clusters for i in cluster), default=-1)
    cluster_of = np.full(size, -1, np.int64)
    for n, cluster in enumerate(clusters):
        cluster_of[cluster] = n
    best = np.zeros(size)
    np.maximum.at(best, scores.left, scores.value)
    np.maximum.at(best, scores.right, scores.value)
    inside = cluster_of[scores.left] == cluster_of[scores.right]
    # each record's scores added in the order of the pairs, as a loop over them would
    ids = np.stack([scores.left[inside], scores.right[inside]], axis=1).ravel()
    total = np.zeros(size)
    np.add.at(total, ids, np.repeat(scores.value[inside], 2))
    best_of, total_of = best.tolist(), total.tolist()
    confidence: dict[int, float] = {}
    for cluster in clusters:
        for i in cluster:
            if len(cluster) > 1:
                confidence[i] = round(total_of[i] / (len(cluster) - 1), 4)
            else:
                confidence[i] = round(1.0 - best_of[i], 4)
    return confidence


def label_constraints(
    labels: Labels, keys: list[str]
) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """Curator labels as must-link and cannot-link pairs of current record ids."""
    index = {k: i for i, k in enumerate(keys)}

    def ids(pairs: set[KeyPair]) -> set[tuple[int, int]]:
        out = set()
        for a, b in pairs:
            if a in index and b in index and a != b:
                ia, ib = index[a], index[b]
                out.add((min(ia, ib), max(ia, ib)))
        return out

    return ids(labels.key_pairs("match")), ids(labels.key_pairs("distinct"))


def cluster_records(
    trained: Trained,
    records: dict[str, Record],
    labels: Labels,
    blocking_keys: BlockingKeys | None = None,
    exclusive_field: str | None = None,
    sort_key: SortKey | None = None,
    compatible: Compatible | None = None,
    pairing: Pairing | None = None,
    confidence: bool = True,
) -> tuple[list[list[str]], dict[str, float], list[str], int]:
    """Score and cluster `records`: (clusters of keys, confidence by key, conflicts, pairs).
    Without `confidence`, the confidence map is empty.

    Records sharing `exclusive_field` are never compared and never clustered
    together (cannot-link), whatever their names say. Clustering reads scores, not
    records: a caller that hands `records` over (keeps no reference) has them let go
    once they are scored, and a million paper records were half a gigabyte beside
    clustering and its results.
    """
    data, keys = integer_ids(records)
    del records
    started = time.perf_counter()
    scores = score_pairs(
        trained, data, blocking_keys, exclusive_field, sort_key, compatible, pairing
    )
    n_pairs = len(scores)
    log.info("scored %d pairs in %.1fs", n_pairs, time.perf_counter() - started)
    started = time.perf_counter()
    must, cannot = label_constraints(labels, keys)
    scores = scores.with_pairs(must, 1.0)
    if exclusive_field is not None:
        cannot |= exclusive_pairs(data, exclusive_field, scores, trained.threshold)
    del data
    give_back_freed_memory()
    scores = scores.with_pairs(cannot, 0.0)
    result = constrained_clusters(
        list(range(len(keys))),
        scores,
        trained.threshold,
        must,
        cannot,
        confidence,
        processes_for(trained, pairing),
    )
    log.info("%d clusters in %.1fs", len(result.clusters), time.perf_counter() - started)
    clusters = [[keys[i] for i in c] for c in result.clusters]
    by_key = {keys[i]: c for i, c in result.confidence.items()}
    conflicts = [_name_conflict(c, keys) for c in result.conflicts]
    return clusters, by_key, conflicts, n_pairs


def exclusive_pairs(
    data: dict[int, Record],
    exclusive_field: str,
    scores: Scores,
    threshold: float,
) -> set[tuple[int, int]]:
    """Cannot-links between records sharing `exclusive_field` that could otherwise end
    up in one cluster: only records joined by a path of pairs scoring at least
    `threshold` can (average linkage never merges below it), so the rest are left
    out and a byline of twelve names does not cost 66 constraints for nothing."""
    if not data:
        return set()
    order = np.asarray(sorted(data), dtype=np.int64)
    a, b, value = _score_arrays(order, scores)
    component = _component_labels(len(order), a[value >= threshold], b[value >= threshold])
    codes: dict[Any, int] = {}
    field = np.fromiter(
        (codes.setdefault(data[i].get(exclusive_field), len(codes)) for i in order.tolist()),
        np.int64,
        len(order),
    )
    group = field * (int(component.max(initial=0)) + 1) + component
    ranked = np.argsort(group, kind="stable")
    starts = np.flatnonzero(run_starts(group[ranked]))
    sizes = np.diff(np.r_[starts, len(ranked)])
    out: set[tuple[int, int]] = set()
    for start, size in zip(starts[sizes > 1].tolist(), sizes[sizes > 1].tolist(), strict=True):
        ids = order[ranked[start : start + size]].tolist()
        out.update((x, y) for n, x in enumerate(ids) for y in ids[n + 1 :])
    return out


def _name_conflict(message: str, keys: list[str]) -> str:
    parts = message.split()
    a, b = int(parts[1]), int(parts[3])
    return message.replace(f"records {a} and {b}", f"{keys[a]!r} and {keys[b]!r}")

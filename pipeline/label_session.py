"""Labeling sessions: dedupe's active learner asks, a curator (or an answer key) answers.

The learner proposes the pair it is least sure of; the pair is shown side by
side with the fields that decide it, differences highlighted, and no score
(so it cannot sway the answer). Every answer is written to the label file at
once, so a session can stop at any moment and resume later; undo takes the
last answer back.
"""

from __future__ import annotations

import difflib
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.comparisons import Model
from pipeline.evaluate import clusters_from_pairs
from pipeline.matching import (
    TRAIN_SAMPLE,
    Labels,
    Record,
    exclusive,
    integer_ids,
    new_matcher,
    sample_records,
    seeded,
    write_labels,
)

_ANSI = re.compile(r"\x1b\[[0-9;]*m")

ANSWERS = {
    "y": "match",
    "yes": "match",
    "n": "distinct",
    "no": "distinct",
    "u": "unsure",
    "unsure": "unsure",
    "b": "undo",
    "undo": "undo",
    "f": "finish",
    "finish": "finish",
    "q": "finish",
}
HELP = "(y)es same / (n)o different / (u)nsure / (b)ack: undo last / (f)inish"


@dataclass
class Target:
    """What a session labels: records for the learner, and their display forms."""

    kind: str
    model: Model
    records: dict[str, Record]
    display: dict[str, dict[str, str]]
    labels_path: Path
    labels: Labels
    exclusive_field: str | None = None
    """Records sharing this field are never the same entity: such pairs are not asked."""


@dataclass
class Summary:
    asked: int = 0
    added: dict[str, int] = field(default_factory=lambda: {"match": 0, "distinct": 0, "unsure": 0})
    undone: int = 0
    exhausted: bool = False


Ask = Callable[[Record, Record, Labels], str]


# ---- showing a pair ----------------------------------------------------------------


def _highlight(words: list[str], other: list[str], color: bool) -> list[str]:
    matcher = difflib.SequenceMatcher(a=[w.lower() for w in words], b=[w.lower() for w in other])
    out = list(words)
    for tag, i1, i2, _j1, _j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        for i in range(i1, i2):
            out[i] = f"\x1b[1;33m{words[i]}\x1b[0m" if color else f"*{words[i]}*"
    return out


def _visible_len(text: str) -> int:
    return len(_ANSI.sub("", text))


def _wrap(words: list[str], width: int) -> list[str]:
    lines, current, length = [], [], 0
    for w in words:
        n = _visible_len(w)
        if current and length + 1 + n > width:
            lines.append(" ".join(current))
            current, length = [], 0
        current.append(w)
        length += n + (1 if length else 0)
    if current:
        lines.append(" ".join(current))
    return lines or [""]


def render_pair(
    left: dict[str, str], right: dict[str, str], *, width: int = 100, color: bool = False
) -> str:
    """Two records side by side, field by field, their differing words marked."""
    label_w = max(len(k) for k in [*left, *right, "field"]) + 1
    col = max(20, (width - label_w - 3) // 2)
    rows = [f"{'':<{label_w}} {'A':<{col}} | B", "-" * min(width, label_w + 2 * col + 3)]
    for name in dict.fromkeys([*left, *right]):
        a, b = (left.get(name) or "-").split(), (right.get(name) or "-").split()
        la = _wrap(_highlight(a, b, color), col)
        lb = _wrap(_highlight(b, a, color), col)
        marker = " " if left.get(name) == right.get(name) else "≠"
        for i in range(max(len(la), len(lb))):
            ca = la[i] if i < len(la) else ""
            cb = lb[i] if i < len(lb) else ""
            head = f"{name}{marker}" if i == 0 else ""
            pad = " " * (col - _visible_len(ca))
            rows.append(f"{head:<{label_w}} {ca}{pad} | {cb}")
    return "\n".join(rows)


def terminal_width() -> int:
    return shutil.get_terminal_size((100, 24)).columns


# ---- the session ---------------------------------------------------------------------


class Session:
    """An active-learning session over one target, saving as it goes."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.history: list[tuple[str, tuple[Record, Record]]] = []
        self.pending: list[tuple[Record, Record]] = []
        if len(target.labels) or target.labels.unsure:
            # store the labels as the current data and model see them
            write_labels(target.labels_path, target.labels)
        self._start_learner()

    def _start_learner(self) -> None:
        data, _ = integer_ids(self.target.records)
        sample = sample_records(data, self.target.labels, TRAIN_SAMPLE)
        with seeded():
            self.matcher = new_matcher(self.target.model, list(sample.values()))
            if len(self.target.labels):
                self.matcher.mark_pairs(self.target.labels.for_dedupe())
            self.matcher.prepare_training(sample)

    def next_pair(self) -> tuple[Record, Record] | None:
        """The next pair worth asking: not asked before, two different records."""
        if self.pending:
            return self.pending.pop(0)
        done = self.target.labels.labeled()
        while True:
            try:
                with seeded(len(self.target.labels)):
                    (pair,) = self.matcher.uncertain_pairs()
            except IndexError:
                return None
            a, b = pair
            if exclusive(a, b, self.target.exclusive_field):
                continue
            if a["key"] != b["key"] and tuple(sorted((a["key"], b["key"]))) not in done:
                return a, b

    def record(self, answer: str, pair: tuple[Record, Record]) -> None:
        getattr(self.target.labels, answer).append(pair)
        write_labels(self.target.labels_path, self.target.labels)
        if answer in ("match", "distinct"):
            self.matcher.mark_pairs({"match": [], "distinct": [], answer: [pair]})
        self.history.append((answer, pair))

    def undo(self) -> str | None:
        """Take the last answer back; its pair is asked again next. Returns its answer."""
        if not self.history:
            return None
        answer, pair = self.history.pop()
        getattr(self.target.labels, answer).remove(pair)
        write_labels(self.target.labels_path, self.target.labels)
        self._start_learner()  # dedupe cannot unlearn one label: rebuild from the file
        self.pending.insert(0, pair)
        return answer

    def run(self, ask: Ask, budget: int | None = None) -> Summary:
        summary = Summary()
        while budget is None or sum(summary.added.values()) < budget:
            pair = self.next_pair()
            if pair is None:
                summary.exhausted = True
                break
            summary.asked += 1
            answer = ask(pair[0], pair[1], self.target.labels)
            if answer == "finish":
                break
            if answer == "undo":
                self.pending.insert(0, pair)
                undone = self.undo()
                if undone is not None:
                    summary.undone += 1
                    summary.added[undone] = max(0, summary.added[undone] - 1)
                continue
            self.record(answer, pair)
            summary.added[answer] += 1
        return summary


def answer_key_asker(pairs: list[tuple[str, str]]) -> Ask:
    """Answer from an answer key: the same cluster of the key's pairs means same."""
    cluster_of = {k: c for c in clusters_from_pairs([], pairs) for k in c}

    def ask(a: Record, b: Record, _labels: Labels) -> str:
        ca, cb = cluster_of.get(a["key"]), cluster_of.get(b["key"])
        return "match" if ca is not None and ca is cb else "distinct"

    return ask


def counts(labels: Labels) -> str:
    same, different, unsure = len(labels.match), len(labels.distinct), len(labels.unsure)
    return f"{same} same, {different} different, {unsure} unsure"


def prompt(question: str, answers: dict[str, str], help_text: str) -> str:
    """Ask until the answer is one of `answers`; end of input finishes."""
    while True:
        try:
            raw = input(question).strip().lower()
        except EOFError:
            print()
            return "finish"
        if raw in answers:
            return answers[raw]
        print(f"please answer {help_text}")


def terminal_asker(target: Target, color: bool) -> Ask:
    """Ask on the terminal; end of input finishes the session."""

    def ask(a: Record, b: Record, labels: Labels) -> str:
        print()
        print(
            render_pair(
                target.display[a["key"]],
                target.display[b["key"]],
                width=terminal_width(),
                color=color,
            )
        )
        return prompt(f"[{counts(labels)}] Same? {HELP} > ", ANSWERS, HELP)

    return ask


# ---- attribution review ----------------------------------------------------------------

REVIEW_ANSWERS = {
    "y": "consistent",
    "yes": "consistent",
    "n": "likely_misattributed",
    "no": "likely_misattributed",
    "u": "needs_review",
    "unsure": "needs_review",
    "s": "skip",
    "skip": "skip",
    "b": "undo",
    "undo": "undo",
    "f": "finish",
    "finish": "finish",
    "q": "finish",
}
REVIEW_HELP = "(y)es the owner's / (n)ot the owner's / (u)nsure / (s)kip / (b)ack: undo / (f)inish"


@dataclass
class ReviewItem:
    """One flagged or doubtful entry, as a curator reviews it."""

    page: str
    record_key: str
    owner: str
    title: str
    authors: str
    evidence: list[str]


def render_review(item: ReviewItem) -> str:
    lines = [
        f"page     {item.page}",
        f"owner    {item.owner}",
        f"paper    {item.title}",
        f"authors  {item.authors}",
        "evidence",
    ]
    lines += [f"  - {reason}" for reason in item.evidence]
    return "\n".join(lines)


def review_attributions(
    items: list[ReviewItem], path: Path, ask: Callable[[ReviewItem], str]
) -> dict[str, int]:
    """Ask about each item in turn, appending each decision to `path` at once.

    Undo removes the last decision from the file and asks its item again.
    """
    from pipeline.attribute import Decision, append_decision, read_decisions

    counts = {"consistent": 0, "likely_misattributed": 0, "needs_review": 0, "skipped": 0}
    made: list[tuple[str, int]] = []
    i = 0
    while i < len(items):
        answer = ask(items[i])
        if answer == "finish":
            break
        if answer == "undo":
            if made:
                last, i = made.pop()
                kept = read_decisions(path)[:-1]
                path.unlink()
                for d in kept:
                    append_decision(path, d)
                counts[last] -= 1
            continue
        if answer == "skip":
            counts["skipped"] += 1
        else:
            item = items[i]
            append_decision(path, Decision(item.page, item.record_key, answer, "labeled in review"))
            counts[answer] += 1
            made.append((answer, i))
        i += 1
    return counts


def terminal_reviewer() -> Callable[[ReviewItem], str]:
    def ask(item: ReviewItem) -> str:
        print()
        print(render_review(item))
        return prompt(f"Is this the owner's paper? {REVIEW_HELP} > ", REVIEW_ANSWERS, REVIEW_HELP)

    return ask

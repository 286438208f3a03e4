"""Labeling sessions: the pair view, answer keys, saving as you go, a real terminal."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pexpect

from pipeline.api import Options, label_target
from pipeline.label_session import Session, answer_key_asker, render_pair
from pipeline.matching import read_labels
from tests.helpers import RAW

BYLINES = Path(sys.executable).parent / "bylines"
TRUTH = Path(__file__).parent / "fixtures" / "sample_truth" / "papers_pairs.csv"


def test_pair_view_marks_differences_and_shows_no_score():
    text = render_pair(
        {"title": "Deep Nets for Vision", "date": "Jul 11, 2022"},
        {"title": "Deep Nets for Language", "date": "Jul 11, 2022"},
        width=80,
    )
    assert "*Vision*" in text and "*Language*" in text and "*Deep*" not in text
    assert "title≠" in text and "date " in text
    assert "score" not in text.lower()


def test_answer_key_answers_by_cluster():
    ask = answer_key_asker([("a", "b"), ("b", "c")])
    assert ask({"key": "a"}, {"key": "c"}, None) == "match"
    assert ask({"key": "a"}, {"key": "d"}, None) == "distinct"


def test_session_saves_each_answer_and_resumes_without_repeats(tmp_path: Path):
    from pipeline.evaluate import read_answer_key

    options = Options(labels_dir=tmp_path)
    target = label_target("papers", RAW, options)
    summary = Session(target).run(answer_key_asker(read_answer_key(TRUTH)), budget=6)
    assert sum(summary.added.values()) == 6
    saved = read_labels(tmp_path / "papers.json")
    assert len(saved) == 6
    again = label_target("papers", RAW, options)
    assert len(again.labels) == 6
    Session(again).run(answer_key_asker(read_answer_key(TRUTH)), budget=4)
    final = read_labels(tmp_path / "papers.json")
    pairs = [tuple(sorted((a["key"], b["key"]))) for a, b in final.match + final.distinct]
    assert len(pairs) == len(set(pairs)) == 10


def test_labeling_in_a_real_terminal_with_undo_and_resume(tmp_path: Path):
    args = ["--log-level", "WARNING", "label", "papers", "--input", str(RAW)]
    args += ["--labels", str(tmp_path)]
    child = pexpect.spawn(str(BYLINES), args, encoding="utf-8", timeout=120, dimensions=(50, 160))
    child.expect(r"labels so far: 0 same, 0 different")
    child.expect(r"Same\? .* > ")
    assert "title" in child.before and "abstract" in child.before
    child.sendline("y")
    child.expect(r"\[1 same, 0 different, 0 unsure\] Same\?")
    child.sendline("n")
    child.expect(r"\[1 same, 1 different, 0 unsure\] Same\?")
    child.sendline("b")  # undo the "n": its pair is asked again
    child.expect(r"\[1 same, 0 different, 0 unsure\] Same\?")
    child.sendline("what")
    child.expect("please answer")
    child.sendline("u")
    child.expect(r"\[1 same, 0 different, 1 unsure\] Same\?")
    child.sendline("f")
    child.expect("Session over")
    child.expect(pexpect.EOF)
    saved = json.loads((tmp_path / "papers.json").read_text())
    assert (len(saved["match"]), len(saved["distinct"]), len(saved["unsure"])) == (1, 0, 1)

    child = pexpect.spawn(str(BYLINES), args, encoding="utf-8", timeout=120)
    child.expect(r"labels so far: 1 same, 0 different, 1 unsure")
    child.expect(r"Same\? ")
    child.sendeof()  # Ctrl-D ends the session like "f"
    child.expect("Session over")
    child.expect(pexpect.EOF)


def test_next_run_retrains_on_new_labels(tmp_path: Path):
    labels = tmp_path / "labels"
    shutil.copytree(Path(__file__).parents[1] / "training_labels", labels)
    cache = tmp_path / "cache"
    out = tmp_path / "out"

    def run() -> dict:
        proc = subprocess.run(
            [str(BYLINES), "run", "--input", str(RAW), "--out", str(out)]
            + ["--labels", str(labels), "--cache", str(cache)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stderr
        return json.loads((out / "run.json").read_text())["matcher_quality"]["papers"]

    before = run()
    models = set(cache.glob("models/papers-*.settings"))
    subprocess.run(
        [str(BYLINES), "label", "papers", "--input", str(RAW), "--labels", str(labels)]
        + ["--answer-key", str(TRUTH), "--budget", "3"],
        check=True,
        capture_output=True,
        timeout=300,
    )
    after = run()
    assert after["labels_match"] + after["labels_distinct"] == (
        before["labels_match"] + before["labels_distinct"] + 3
    )
    assert set(cache.glob("models/papers-*.settings")) - models  # a new model for the new labels

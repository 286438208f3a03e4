"""The benchmark corpus: deterministic, and its truth lines up with what bylines extracts."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

from bench import generate
from pipeline.extract import extract_folder


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(path.relative_to(folder).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def test_same_seed_same_bytes_other_seed_other_corpus(tmp_path: Path):
    generate.write(tmp_path / "a", 300, seed=1)
    generate.write(tmp_path / "b", 300, seed=1)
    generate.write(tmp_path / "c", 300, seed=2)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")


def test_two_corpora_share_no_page_name(tmp_path: Path):
    """Labels kept from one size are reused on a bigger one (`run.py --labels-from`):
    a shared page name would hand a label's key to an unrelated entry."""
    generate.write(tmp_path / "small", 300, seed=1)
    generate.write(tmp_path / "big", 600, seed=1)
    small = {p.name for p in (tmp_path / "small" / "input").iterdir()}
    big = {p.name for p in (tmp_path / "big" / "input").iterdir()}
    assert small and big and not small & big


@pytest.mark.parametrize("exports", [False, True], ids=["pages", "with exports"])
def test_truth_names_every_extracted_entry_and_nothing_is_quarantined(
    tmp_path: Path, exports: bool
):
    counts = generate.write(
        tmp_path, 1500 if exports else 600, seed=4 if exports else 3, exports=exports
    )
    extracted = extract_folder(tmp_path / "input", {})
    assert extracted.quarantine == []
    paths = {s["source_id"]: s["path"] for s in extracted.sources}
    got = {(paths[e["source_id"]], e["position"]): e for e in extracted.entries}
    with (tmp_path / "truth" / "entries.csv").open() as fh:
        truth = list(csv.DictReader(fh))
    assert len(truth) == len(got) == counts["entries"]
    shapes = {row["shape"] for row in csv.DictReader((tmp_path / "truth" / "pages.csv").open())}
    assert shapes == set(generate.SHAPES) | set(generate.TABLES) | (
        set(generate.EXPORTS) if exports else set()
    )
    keys = set()
    for row in truth:
        entry = got[(row["path"], int(row["position"]))]
        keys.add(entry["record_key"])
        shown = int(row["shown"])
        assert len(entry["authors"]) == shown
        assert shown <= len(row["persons"].split(";"))
    # the answer keys name record keys bylines really gives
    with (tmp_path / "answer_key.csv").open() as fh:
        pairs = list(csv.DictReader(fh))
    assert pairs and all(p["key_a"] in keys and p["key_b"] in keys for p in pairs)


def test_the_noise_is_there(tmp_path: Path):
    generate.write(tmp_path, 2000, seed=5)
    with (tmp_path / "truth" / "entries.csv").open() as fh:
        truth = list(csv.DictReader(fh))
    assert any(row["misattributed"] == "1" for row in truth)
    text = "\n".join(p.read_text() for p in (tmp_path / "input").iterdir())
    assert "et al." in text  # cut bylines
    assert "Abstract:" in text  # abstract-only listings
    assert any(c in text for c in "šéüø")  # accents ... and their dropped forms


def test_namesakes_are_ordinary_lab_members():
    """A namesake is anyone in their lab: as productive as the others and sometimes
    among its seniors (the first members, on most of its papers). Appended after
    everyone, each was its lab's least productive, and a page that leaked a few of
    its papers leaked all it had."""
    world = generate.World(20000, seed=5)
    namesakes = [p for p in world.people if p.namesake_of is not None and p.pid > p.namesake_of]
    others = [p for p in world.people if p.namesake_of is None]
    assert namesakes
    mean = sum(len(p.papers) for p in namesakes) / len(namesakes)
    assert mean >= 0.7 * sum(len(p.papers) for p in others) / len(others)
    seniors = {pid for members in world.lab_members for pid in members[:3]}
    assert any(p.pid in seniors for p in namesakes)

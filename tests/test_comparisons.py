"""The comparison library: each comparator alone, and the model version."""

from __future__ import annotations

from dataclasses import replace

from pipeline.comparisons import (
    PAPER_MODEL,
    PERSON_MODEL,
    day_closeness,
    given_compatible,
    jaro_winkler,
    middle_conflict,
    overlap_coefficient,
    sounds_alike,
    year_closeness,
)


def test_given_names():
    assert given_compatible(("samuel", "s", "samuel"), ("samuel", "s", "samuel")) == 1.0
    sam = ("sam", "s", "sam", "samantha", "samuel")
    assert given_compatible(sam, ("samuel", "s", "samuel")) == 0.8
    assert given_compatible(("j", "j", "j"), ("john", "j", "john")) == 0.5
    assert given_compatible(("anna", "a", "anna"), ("carol", "c", "carol")) == 0.0


def test_middle_initials_only_count_when_both_show_them():
    assert middle_conflict("R", "J") == 1.0
    assert middle_conflict("R", "") == 0.0
    assert middle_conflict("RJ", "R") == 0.0


def test_bylines_overlap_over_the_shorter_list():
    truncated = frozenset({"bai", "kadavath", "kundu"})
    full = truncated | {f"author{i}" for i in range(40)}
    assert overlap_coefficient(truncated, full) == 1.0
    assert overlap_coefficient(frozenset({"a"}), frozenset({"b"})) == 0.0


def test_dates_and_names():
    assert year_closeness(2020, 2020) == 1.0 and year_closeness(2020, 2024) == 0.0
    assert day_closeness(0, 5) > 0.7 > day_closeness(0, 400)
    assert sounds_alike(("LKST", "LACASAT"), ("LKST", "LACASAT")) == 1.0
    assert jaro_winkler("kamile lukosiute", "kamile lukosuite") > 0.95


def test_model_version_follows_the_comparisons():
    changed = replace(PAPER_MODEL, comparisons=PAPER_MODEL.comparisons[:-1])
    assert changed.version != PAPER_MODEL.version
    assert PAPER_MODEL.version != PERSON_MODEL.version
    assert "arxiv" in PAPER_MODEL.describe()


def test_set_comparisons_read_sorted_tuples_as_they_read_sets():
    from pipeline.comparisons import jaccard, related_work, shared_count

    a, b = ("grid", "power", "storage"), ("grid", "planning", "storage")
    for compare in (jaccard, shared_count):
        assert compare(a, b) == compare(frozenset(a), frozenset(b)) == compare(a, frozenset(b))
        assert compare(a, b) > 0 and compare(a, ("other",)) == 0.0 and compare(a, ()) == 0.0
    assert related_work(("physics", ("lee j",)), ("cs", ("kim s", "lee j"))) == 1.0
    assert related_work(("physics", ("lee j",)), ("cs", ("kim s",))) == 0.0
    assert related_work(("cs", ()), ("cs", frozenset({"kim s"}))) == 1.0

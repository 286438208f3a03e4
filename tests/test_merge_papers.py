"""Canonical papers: each field by its rule, disagreements reported."""

from __future__ import annotations

import datetime as dt

from pipeline.merge_papers import merge_papers


def entry(key: str, **fields) -> dict:
    base = {
        "entry_id": f"e_{key}",
        "record_key": key,
        "source_id": f"s_{key[0]}",
        "position": 0,
        "title": None,
        "title_key": None,
        "authors": [],
        "authors_truncated": False,
        "published": None,
        "published_year": None,
        "arxiv_id": None,
        "abstract": None,
        "abstract_key": None,
        "category": None,
    }
    return {**base, **fields}


def test_fields_follow_their_rules_and_conflicts_are_issues():
    entries = [
        entry(
            "a#0",
            title="Deep Nets",
            title_key="deep nets",
            authors=["A One", "B Two"],
            authors_truncated=True,
            published=dt.date(2022, 7, 16),
            published_year=2022,
            abstract="We show $x$ things.",
            category="CL",
        ),
        entry(
            "b#0",
            title="Deep Nets",
            title_key="deep nets",
            authors=["A One", "B Two", "C Three", "D Four"],
            published=dt.date(2022, 7, 11),
            published_year=2022,
            arxiv_id="2207.00001",
            abstract="We show x things.",
            category="CL",
        ),
        entry("c#0", abstract="We show x things, at length and in full.", arxiv_id="2207.00002"),
    ]
    links = [{"paper_id": "p1", "entry_id": e["entry_id"]} for e in entries]
    (paper,), issues = merge_papers(entries, links, {"s_a": "a.txt", "s_b": "b.txt"})
    assert paper["author_names"] == ["A One", "B Two", "C Three", "D Four"]
    assert paper["authors_complete"] is True and paper["authors_from"] == "e_b#0"
    assert paper["published"] == dt.date(2022, 7, 11)  # the first version
    assert paper["abstract"] == "We show x things, at length and in full."
    assert paper["arxiv_id"] == "2207.00001" and paper["entry_count"] == 3
    checks = {i["check"]: i["message"] for i in issues}
    assert "2022-07-11 (b.txt#0)" in checks["published_disagrees"]
    assert "2022-07-16 (a.txt#0)" in checks["published_disagrees"]
    assert "2207.00001" in checks["arxiv_id_disagrees"]


def test_only_truncated_bylines_give_an_incomplete_author_list():
    entries = [
        entry("a#0", title="T", title_key="t", authors=["A", "B"], authors_truncated=True),
        entry("b#0", title="T", title_key="t", authors=["A", "B", "C"], authors_truncated=True),
    ]
    links = [{"paper_id": "p", "entry_id": e["entry_id"]} for e in entries]
    (paper,), issues = merge_papers(entries, links, {})
    assert paper["author_names"] == ["A", "B", "C"] and paper["authors_complete"] is False
    assert issues == []


def test_of_two_full_bylines_the_one_with_names_spelt_out_wins():
    names = ["Jane Q. Doe", "Kofi Mensah"]
    entries = [
        entry("a#0", title="T", title_key="t", authors=["J. Q. Doe", "K. Mensah"]),
        entry("b#0", title="T", title_key="t", authors=names),
    ]
    links = [{"paper_id": "p", "entry_id": e["entry_id"]} for e in entries]
    (paper,), _issues = merge_papers(entries, links, {})
    assert paper["author_names"] == names and paper["authors_from_key"] == "b#0"


def test_names_given_as_initials_are_written_out_from_another_listing():
    entries = [
        entry("a#0", title="T", title_key="t", authors=["J. Q. Doe", "K. Mensah", "L. Fischer"]),
        entry("b#0", title="T", title_key="t", authors=["Jane Q. Doe", "Kofi Mensah"]),
        entry("c#0", title="T", title_key="t", authors=["Jane Doe", "Amara Mensah", "Lena Fisher"]),
        entry("d#0", title="T", title_key="t", authors=["JQ Doe", "Mensah K", "L.M. Fischer"]),
    ]
    entries[2]["authors_truncated"] = entries[3]["authors_truncated"] = True
    links = [{"paper_id": "p", "entry_id": e["entry_id"]} for e in entries]
    (paper,), _issues = merge_papers(entries, links, {})
    # the longest byline, its names written out where the same place names the same
    # surname with the same initial: never a name of another surname or initial
    assert paper["authors_from_key"] == "a#0"
    assert paper["author_names"] == ["Jane Q. Doe", "Kofi Mensah", "L. Fischer"]

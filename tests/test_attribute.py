"""Profiles and attribution: owners, namesakes, field changes, decisions."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import sparse

import pipeline.attribute as attribute_module
from pipeline.api import Options, build_tables
from pipeline.attribute import (
    PAPER_FIELDS_READ,
    PERSON_FIELDS_READ,
    Decision,
    Evidence,
    Listed,
    PageCore,
    PageView,
    append_decision,
    attribute,
    attribute_pages,
    calibrate,
    catalogue,
    claimed_elsewhere,
    claims_index,
    infer_owner,
    key_words,
    link_keys,
    listed_pages,
    names_match,
    owner_matcher,
    owner_spellings,
    page_coauthors,
    page_core,
    page_groups,
    profile_row,
    read_decisions,
    score,
    status_of,
    topic_share,
    topic_similarities,
)
from pipeline.errors import ConfigError
from pipeline.normalize import fold
from tests.helpers import ReadingRow


def statuses(tables: dict, page_prefix: str) -> dict[str, str]:
    path = {s["source_id"]: s["path"] for s in tables["sources"]}
    titles = {e["entry_id"]: e["title"] or e["abstract"][:30] for e in tables["entries"]}
    return {
        titles[a["entry_id"]]: a["status"]
        for a in tables["attributions"]
        if path[a["source_id"]].startswith(page_prefix)
    }


def test_sample_owners(sample_run):
    owners = {p["path"][:3]: (p["owner_name"], p["owner_origin"]) for p in sample_run["profiles"]}
    assert owners["000"] == ("Anna Chen", "declared")
    assert owners["001"] == ("Tom Conerly", "declared")
    assert owners["002"] == ("Tom Brown", "inferred")  # no header: inferred from the papers
    assert owners["003"][1] == owners["004"][1] == "unknown"
    unknown = next(p for p in sample_run["profiles"] if p["path"].startswith("003"))
    assert unknown["owner_person_id"] is None and len(unknown["owner_candidates"]) >= 2


def test_power_systems_papers_are_flagged_and_earlier_ml_papers_are_not(sample_run):
    page = statuses(sample_run, "002")
    flagged = {t for t, s in page.items() if s == "likely_misattributed"}
    assert flagged == {
        "Linear Optimal Power Flow Using Cycle Flows",
        "Dual theory of transmission line outages",
        "Managing the Mismatch: The Role of Flexibility on the Path to a Carbon-Neutral "
        "Energy System",
    }
    for title in (
        "Transfer of Adversarial Robustness Between Perturbation Types",
        "Skill Rating for Generative Models",
        "Testing Robustness Against Unforeseen Adversaries",
    ):
        assert page[title] != "likely_misattributed"


def test_unknown_owner_pages_carry_no_flags(sample_run):
    for prefix in ("003", "004"):
        assert set(statuses(sample_run, prefix).values()) == {"needs_review"}


def test_every_attribution_has_reasons(sample_run):
    assert len(sample_run["attributions"]) == len(sample_run["entries"])
    assert all(
        a["reasons"] and all(r.strip() for r in a["reasons"]) for a in sample_run["attributions"]
    )


def test_scores():
    # the owner's name on a paper apart from the owner's company, far from their
    # topics: a namesake's paper, whether or not the resolver told the two apart
    apart = Evidence(
        owner_on_byline=True,
        byline_size=3,
        in_core=False,
        topic_similarity=0.02,
        topic_typical=0.3,
    )
    s, reasons = score(apart)
    assert status_of(s) == "likely_misattributed"
    assert "none of its coauthors" in reasons[1]
    # apart, but on the owner's topics: review at most
    near = Evidence(
        owner_on_byline=True, byline_size=3, in_core=False, topic_similarity=0.28, topic_typical=0.3
    )
    assert status_of(score(near)[0]) == "consistent"
    # apart, in another field, and its coauthors write with the owner's elsewhere:
    # a career that moved on is a matter for review, not a flag
    moved = Evidence(
        owner_on_byline=True,
        byline_size=3,
        in_core=False,
        bridges=["Ming Li"],
        topic_similarity=0.02,
        topic_typical=0.3,
        paper_field="biology",
        owner_fields={"computing"},
    )
    assert status_of(score(moved)[0]) == "needs_review"
    # in the owner's company: the owner's, whatever the topic
    core = Evidence(owner_on_byline=True, byline_size=3, in_core=True, shared_coauthors=["Ming Li"])
    assert score(core)[0] == 0.0
    # no company to compare with: the name holds
    lone = Evidence(owner_on_byline=True, byline_size=3, topic_similarity=0.2, topic_typical=0.3)
    assert status_of(score(lone)[0]) == "consistent"
    # the full byline without the owner, in another field
    missing = Evidence(
        byline_size=4, byline_complete=True, paper_field="physics", owner_fields={"computing"}
    )
    assert status_of(score(missing)[0]) == "likely_misattributed"
    # abstract only, everywhere: topic alone never flags it
    bare = Evidence(
        byline_size=0,
        topic_similarity=0.0,
        topic_typical=0.3,
        paper_field="physics",
        owner_fields={"computing"},
    )
    assert status_of(score(bare)[0]) == "needs_review"


def test_topic_is_judged_against_how_close_the_owners_papers_are():
    assert topic_share(0.1, 0.2) == 0.5
    assert topic_share(0.1, 0.0) is None and topic_share(None, 0.3) is None


def test_page_core_is_the_largest_group_linked_by_coauthors():
    links = {
        "a": {"x", "y"},
        "b": {"y"},
        "c": {"z", "x"},
        "d": {"q"},
        "e": {"q", "r"},
        "f": set(),
    }
    assert page_core(page_groups(links)) == {"a", "b", "c"}
    assert page_groups(links) == [{"a", "b", "c"}, {"d", "e"}, {"f"}]
    # two groups of one size: nothing says which is the owner's
    tied = {"a": {"x"}, "b": {"x"}, "c": {"y"}, "d": {"y"}}
    assert page_core(page_groups(tied)) == frozenset()
    assert page_core(page_groups({"a": {"x"}, "b": {"y"}})) == frozenset()
    assert page_core(page_groups({})) == frozenset()


def test_owner_name_never_links_papers():
    persons_on = {
        "p1": {"n1": "Wei Zhang", "n2": "Ming Li"},
        "p2": {"n1": "W. Zhang", "n3": "Ming Li"},
        "p3": {"n4": "Wei  Zhang", "n5": "Olga Petrova"},
    }
    names = [name for byline in persons_on.values() for name in byline.values()]
    spellings = owner_spellings(owner_matcher("Wei Zhang"), names)
    assert spellings == {"Wei Zhang", "W. Zhang", "Wei  Zhang"}
    coauthors = page_coauthors({"p1", "p2", "p3"}, spellings, persons_on)
    assert coauthors == {
        "p1": {"n2": "ming li"},
        "p2": {"n3": "ming li"},
        "p3": {"n5": "olga petrova"},
    }
    # the resolver split Ming Li; on the owner's page the name still links the papers
    links = {p: link_keys(c) for p, c in coauthors.items()}
    assert page_core(page_groups(links)) == {"p1", "p2"}


def _paper(paper_id: str, title: str, authors: list[str], category: str) -> dict:
    return {
        "paper_id": paper_id,
        "title": title,
        "title_key": title.lower(),
        "abstract_key": None,
        "author_names": authors,
        "authors_complete": True,
        "category": category,
        "arxiv_id": None,
    }


def _zhang_page() -> tuple[list[dict], ...]:
    """One page of a Wei Zhang: three graph-learning papers with their usual
    coauthors and a namesake's paper on wind power; `attribute`'s arguments."""
    papers = [
        _paper("p1", "graph neural networks for citation graphs", ["Wei Zhang", "Ming Li"], "LG"),
        _paper("p2", "message passing graph networks", ["Wei Zhang", "Ming Li", "Hao Wu"], "LG"),
        _paper("p3", "graph attention networks for text", ["Wei Zhang", "Hao Wu"], "CL"),
        _paper("p4", "wind power grid stability", ["Wei Zhang", "Jonas Lind"], "SOC-PH"),
    ]
    ids = {"Wei Zhang": "n_w", "Ming Li": "n_m", "Hao Wu": "n_h", "Jonas Lind": "n_j"}
    persons = [{"person_id": i, "name": n, "variants": [n]} for n, i in ids.items()]
    authorships = [
        {"paper_id": p["paper_id"], "person_id": ids[n], "name_as_written": n}
        for p in papers
        for n in p["author_names"]
    ]
    sources = [{"source_id": "s1", "path": "zhang.txt", "owner_name": "Wei Zhang"}]
    entries = [
        {"entry_id": f"e{i}", "source_id": "s1", "position": i, "record_key": f"zhang.txt#{i}"}
        for i in range(1, 5)
    ]
    paper_entries = [{"entry_id": f"e{i}", "paper_id": f"p{i}"} for i in range(1, 5)]
    return sources, entries, paper_entries, papers, persons, authorships, []


def test_a_namesakes_paper_is_flagged_even_when_the_resolver_merged_the_two():
    """The resolver gave one person id to the owner and the namesake: the paper's
    company and topic still tell it apart."""
    _, rows, _ = attribute(*_zhang_page())
    status = {r["paper_id"]: r["status"] for r in rows}
    assert status == {
        "p1": "consistent",
        "p2": "consistent",
        "p3": "consistent",
        "p4": "likely_misattributed",
    }
    assert all(r["owner_on_byline"] for r in rows)


def test_a_header_topic_taken_for_a_name_gives_way_to_the_owner_the_bylines_show():
    sources, *rest = _zhang_page()
    sources = [{**sources[0], "owner_name": "Graph Learning", "owner_origin": "header"}]
    profiles, rows, _ = attribute(sources, *rest)
    assert (profiles[0]["owner_name"], profiles[0]["owner_origin"]) == ("Wei Zhang", "inferred")
    assert {r["paper_id"]: r["status"] for r in rows}["p4"] == "likely_misattributed"
    assert all(r["owner_on_byline"] for r in rows)  # the owner judged is the inferred one


def test_each_name_on_a_page_is_compared_with_the_owners_once(monkeypatch):
    """Scoring reads a page's bylines a second time and takes the owner's spellings
    found the first; the owner, on every entry, is looked for once: a million
    entries' (owner, name) pairs outgrow any cache."""
    compared: list[tuple[str, str]] = []

    def counted(a: str, b: str) -> bool:
        compared.append((a, b))
        return names_match(a, b)

    monkeypatch.setattr(attribute_module, "names_match", counted)
    _, rows, _ = attribute(*_zhang_page())
    assert {r["paper_id"]: r["status"] for r in rows}["p4"] == "likely_misattributed"
    assert compared and len(compared) == len(set(compared))


def test_topic_similarities_in_batches_are_each_pages_own():
    """Many pages share one sparse product; each still gets only its own papers'
    closest topics, never its own paper as its closest."""
    rng = np.random.default_rng(3)
    dense = rng.random((12, 6)) * (rng.random((12, 6)) < 0.5)
    dense /= np.maximum(np.linalg.norm(dense, axis=1, keepdims=True), 1e-9)
    index = {f"p{i}": i for i in range(12)}
    requests = [
        (["p0", "p1", "p2", "p9"], {"p0", "p1"}),
        (["p3", "gone"], {"p3"}),  # its only owned paper is itself; "gone" has no vector
        (["p4", "p5"], set()),
        (["p6", "p7", "p8", "p10", "p11"], {"p7", "p8", "p11"}),
        (["p2"], {"p9", "p0"}),
    ]
    expected = []
    for listed, owned in requests:
        expected.append(
            {
                p: round(max(float(dense[index[p]] @ dense[index[q]]) for q in owned - {p}), 4)
                for p in listed
                if p in index and owned - {p}
            }
        )
    for batch in (1, 5, 1000):
        got = list(topic_similarities(requests, index, sparse.csr_matrix(dense), batch))
        assert got == [pytest.approx(e, abs=1e-4) for e in expected]
        assert [set(g) for g in got] == [set(e) for e in expected]
    assert list(topic_similarities(requests, index, None)) == [{}] * len(requests)


def _two_profiles_tables(extra_on_first: list[str]) -> tuple[list[dict], ...]:
    """Two profiles of a "Wei Zhang": the first lists graph-learning papers and one of
    the second's (p4, on networks too), plus `extra_on_first`; the resolver merged the
    two. `attribute`'s tables: sources, entries, paper entries, papers, persons and
    authorships."""
    papers = [
        _paper("p1", "graph neural networks for citation graphs", ["Wei Zhang", "Ming Li"], "LG"),
        _paper("p2", "message passing graph networks", ["Wei Zhang", "Ming Li", "Hao Wu"], "LG"),
        _paper("p3", "graph attention networks for text", ["Wei Zhang", "Hao Wu"], "LG"),
        _paper("p4", "networks for grid stability", ["Wei Zhang", "Jonas Lind"], "LG"),
        _paper("p5", "graph kernels for grids", ["Wei Zhang", "Jonas Lind", "Petra Holm"], "LG"),
        _paper("p6", "graph sampling for grids", ["Wei Zhang", "Petra Holm"], "LG"),
    ]
    ids = {n: f"n_{n[:3].lower()}" for p in papers for n in p["author_names"]}
    persons = [{"person_id": i, "name": n, "variants": [n]} for n, i in ids.items()]
    authorships = [
        {"paper_id": p["paper_id"], "person_id": ids[n], "name_as_written": n}
        for p in papers
        for n in p["author_names"]
    ]
    listing = {
        "first.txt": ["p1", "p2", "p3", "p4", *extra_on_first],
        "second.txt": ["p4", "p5", "p6"],
    }
    sources = [{"source_id": path, "path": path, "owner_name": "Wei Zhang"} for path in listing]
    entries, paper_entries = [], []
    for path, listed in listing.items():
        for i, paper_id in enumerate(listed):
            entry_id = f"{path}#{i}"
            entries.append(
                {"entry_id": entry_id, "source_id": path, "position": i, "record_key": entry_id}
            )
            paper_entries.append({"entry_id": entry_id, "paper_id": paper_id})
    return sources, entries, paper_entries, papers, persons, authorships


def _two_profiles(extra_on_first: list[str]) -> dict[str, dict[str, str]]:
    """Statuses by page and paper of `_two_profiles_tables`, and p4's reasons."""
    _, rows, _ = attribute(*_two_profiles_tables(extra_on_first), [])
    out: dict[str, dict[str, str]] = {}
    for r in rows:
        out.setdefault(r["source_id"], {})[r["paper_id"]] = r["status"]
        if r["paper_id"] == "p4" and r["source_id"] == "first.txt":
            out["p4 reasons"] = {str(i): reason for i, reason in enumerate(r["reasons"])}
    return out


def test_a_paper_a_namesakes_own_profile_claims_is_flagged():
    """On topic and in the owner's field, p4 alone would be a matter for review; the
    other Wei Zhang's profile lists it among that owner's usual coauthors."""
    status = _two_profiles([])
    assert status["first.txt"] == {
        "p1": "consistent",
        "p2": "consistent",
        "p3": "consistent",
        "p4": "likely_misattributed",
    }
    assert any("second.txt" in r for r in status["p4 reasons"].values())
    assert set(status["second.txt"].values()) == {"consistent"}


def test_pages_shared_out_between_two_processes_are_attributed_as_in_one(monkeypatch):
    from pipeline.attribute import page_batches

    tables = _two_profiles_tables([])
    one = attribute(*tables, [])
    monkeypatch.setattr(attribute_module, "PAGE_BATCH", 1)  # each page its own share
    two = attribute(*tables, [], jobs=2)
    assert two == one
    claimed = [r for r in two[1] if any("second.txt" in reason for reason in r["reasons"])]
    assert [r["paper_id"] for r in claimed] == ["p4"]  # a claim read across the shares
    pages = [attribute_module.PageCore({}, {}, [{}] * n, set(), frozenset()) for n in (3, 1, 5, 2)]
    assert page_batches(pages, 4) == [[0, 1], [2], [3]]
    assert page_batches(pages, 100) == [[0, 1, 2, 3]] and page_batches([], 4) == []


def test_the_catalogue_and_listings_hold_none_of_the_rows_they_were_made_from():
    """A run lets the rows go before reading pages, since forked workers copy every
    object they read: the catalogue keeps only the fields attribution reads, the
    listings only which paper each entry is, and pages are attributed from them as
    from the rows once the rows are gone."""
    sources, entries, paper_entries, papers, persons, authorships = _two_profiles_tables([])
    for paper in papers:
        paper["abstract"] = "a long abstract that attribution does not read " * 20
    tables = (entries, paper_entries, papers, persons, authorships)
    rows = [row for table in tables for row in table]
    held = [sys.getrefcount(row) for row in rows]
    cat = catalogue(papers, persons, authorships, [])
    listed = listed_pages(sources, entries, paper_entries, cat)
    assert [sys.getrefcount(row) for row in rows] == held
    assert {tuple(p) for p in cat.paper_by_id.values()} == {PAPER_FIELDS_READ}
    assert {tuple(p) for p in cat.person_by_id.values()} == {PERSON_FIELDS_READ}
    expected = attribute(sources, entries, paper_entries, papers, persons, authorships, [])
    del rows
    for table in tables:
        table.clear()
    assert attribute_pages(listed, cat) == expected


def test_attribution_reads_only_the_fields_its_catalogue_keeps(sample_run, monkeypatch):
    """The catalogue keeps `PAPER_FIELDS_READ` and `PERSON_FIELDS_READ` of the rows;
    attribution reading another field would read None."""
    read: dict[tuple[str, ...], set[str]] = {PAPER_FIELDS_READ: set(), PERSON_FIELDS_READ: set()}
    monkeypatch.setattr(
        attribute_module, "_fields", lambda row, names: ReadingRow(row, read[names].add)
    )
    run = sample_run
    attribute(
        run["sources"],
        run["entries"],
        run["paper_entries"],
        run["papers"],
        run["persons"],
        run["authorships"],
        [],
    )
    assert {"author_names", "category"} <= read[PAPER_FIELDS_READ] <= set(PAPER_FIELDS_READ)
    assert {"name", "variants"} <= read[PERSON_FIELDS_READ] <= set(PERSON_FIELDS_READ)


def test_two_profiles_of_one_person_do_not_claim_each_others_papers():
    """The first page lists all of the second's core: one person on two sites."""
    status = _two_profiles(["p5", "p6"])
    assert status["first.txt"]["p4"] != "likely_misattributed"
    assert not any("second.txt" in r for r in status["p4 reasons"].values())


def test_claimed_elsewhere_needs_the_owners_name_and_disjoint_cores():
    def page(path: str, owner: str, listed: set[str], core: set[str]) -> PageCore:
        profile = {"owner_name": owner}
        return PageCore({"path": path}, profile, [], listed, frozenset(core))

    mine = page("a.txt", "Wei Zhang", {"p1", "p2", "p3", "p4"}, {"p1", "p2"})
    theirs = page("b.txt", "W. Zhang", {"p3", "p5", "p6"}, {"p3", "p5", "p6"})
    stranger = page("c.txt", "Ming Li", {"p4", "p7"}, {"p4", "p7"})
    claims = claims_index([mine, theirs, stranger])
    assert claimed_elsewhere("p3", mine, claims) is theirs
    assert claimed_elsewhere("p4", mine, claims) is None  # another name
    assert claimed_elsewhere("p1", mine, claims) is None  # in this page's own core
    shared = page("d.txt", "Wei Zhang", {"p1", "p8"}, {"p1", "p8"})
    assert claimed_elsewhere("p8", mine, claims_index([mine, shared])) is None


def _page_of(owner: str | None, origin: str | None, bylines: list[list[str]]) -> dict:
    """The profile row of a page whose entries have these bylines, one person per name."""
    persons = {f"n:{n}": {"name": n, "variants": [n]} for b in bylines for n in b}
    listed = [Listed(f"e{i}", f"p{i}") for i in range(len(bylines))]
    on = {f"p{i}": {f"n:{n}": n for n in b} for i, b in enumerate(bylines)}
    source = {"source_id": "s", "path": "page.txt", "owner_name": owner, "owner_origin": origin}
    return profile_row(PageView(source, listed, on), persons)


@pytest.mark.parametrize(
    ("owner", "origin", "expected"),
    [
        ("Robot Learning", "header", ("Ada Park", "inferred")),  # a topic, read as a name
        ("A. Park", "header", ("A. Park", "header")),
        ("Robot Learning", "declared", ("Robot Learning", "declared")),  # a curator's word
    ],
)
def test_a_header_name_on_no_byline_yields_to_a_clear_inferred_owner(owner, origin, expected):
    bylines = [["Ada Park", "Jon Okoye"], ["Ada Park"], ["Mei Lin", "Ada Park"], ["Ada Park"]]
    row = _page_of(owner, origin, bylines)
    assert (row["owner_name"], row["owner_origin"]) == expected
    if expected[1] == "inferred":
        assert "'Robot Learning' is on none of its bylines" in row["owner_evidence"]
    unclear = _page_of(owner, origin, bylines[:2])  # too few entries to infer from
    assert (unclear["owner_name"], unclear["owner_origin"]) == (owner, origin)


def test_inference_never_guesses():
    def ranked(*counts: int) -> list[dict]:
        return [{"entries": c, "name": f"n{i}", "person_id": f"p{i}"} for i, c in enumerate(counts)]

    assert infer_owner(ranked(8, 6))["name"] == "n0"
    assert infer_owner(ranked(7, 6)) is None
    assert infer_owner(ranked(2)) is None
    assert infer_owner([]) is None


def test_names_match_forgives_one_slip_in_a_long_surname():
    assert names_match("Margaret Conceiaco", "Margaret Conceição")
    assert not names_match("Tom Lee", "Tom Li")


def test_names_match_variants_not_namesakes():
    assert names_match("Sam Bowman", "Samuel R. Bowman")
    assert names_match("Zac Hatfield-Dodds", "Zac Hatfield Dodds")
    assert names_match("Z. Hatfield-Dodds", "Zac Hatfield Dodds")  # hyphen dropped, no whole match
    assert not names_match("Ana Maria Lopez", "Ana Maria")
    assert names_match("A. Chen", "Anna Chen")
    assert not names_match("Anna Chen", "Carol Chen")


def test_decisions_file_and_calibration(tmp_path: Path):
    path = tmp_path / "attributions.csv"
    append_decision(path, Decision("p.txt", "p.txt#3", "likely_misattributed", "namesake"))
    append_decision(path, Decision("p.txt", "Some Title", "consistent", ""))
    assert [d.status for d in read_decisions(path)] == ["likely_misattributed", "consistent"]
    path.write_text("page,paper,decision\np.txt,x,maybe\n")
    with pytest.raises(ConfigError, match="line 2"):
        read_decisions(path)
    scored = [
        (0.9, "likely_misattributed"),
        (0.7, "likely_misattributed"),
        (0.55, "consistent"),
        (0.2, "consistent"),
    ]
    assert calibrate(scored) == 0.7
    assert calibrate(scored[:2]) == 0.75  # too few decisions: the default


PAGES = {
    "zhang.txt": """\
LGMar 3, 2021
Graph Networks for Node ClassificationWei Zhang, Ming Li, Hao Wu
We learn graph neural networks for node classification in citation graphs.
LGJun 2, 2022
Message Passing Neural NetworksWei Zhang, Ming Li, Sara Berg
We study message passing neural networks and their expressive power on graphs.
CLJan 30, 2020
Graph Attention for Text ClassificationWei Zhang, Hao Wu, Sara Berg
We apply graph attention networks to classify documents by their citation graph.
Q-BIO.BMAug 2, 2023
Protein Structure Prediction with Graph TransformersWei Zhang, Ming Li, Olga Petrova
We predict protein folding structure from amino acid sequences with graph transformers.
SOC-PHApr 1, 2019
Grid Stability in Renewable Power SystemsWei Zhang, Jonas Lind, Petra Holm
We analyse the stability of electricity grids with high shares of wind power.
""",
    "abstracts.txt": (
        "Abstract:We measure the thermal conductivity of frozen lake ice over many winters.\n"
    ),
    "sources.toml": '["zhang.txt"]\nowner_name = "Wei Zhang"\n\n'
    '["abstracts.txt"]\nowner_name = "Wei Zhang"\n',
}


@pytest.fixture(scope="module")
def zhang(tmp_path_factory, model_cache):
    folder = tmp_path_factory.mktemp("zhang")
    for name, text in PAGES.items():
        (folder / name).write_text(text, encoding="utf-8")
    result = build_tables(folder, options=Options(cache_dir=model_cache))
    return {name: t.to_pylist() for name, t in result.tables.items()}


def test_namesake_in_another_field_is_flagged(zhang):
    page = statuses(zhang, "zhang")
    assert page["Grid Stability in Renewable Power Systems"] == "likely_misattributed"
    for title in (
        "Graph Networks for Node Classification",
        "Message Passing Neural Networks",
        "Graph Attention for Text Classification",
    ):
        assert page[title] == "consistent"


def test_field_change_with_shared_coauthors_is_kept(zhang):
    page = statuses(zhang, "zhang")
    assert page["Protein Structure Prediction with Graph Transformers"] != "likely_misattributed"


def test_paper_known_only_by_its_abstract_is_needs_review(zhang):
    page = statuses(zhang, "abstracts")
    assert list(page.values()) == ["needs_review"]


def test_curator_decision_overrides_the_score(tmp_path: Path, model_cache: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in PAGES.items():
        (folder / name).write_text(text, encoding="utf-8")
    labels = tmp_path / "labels"
    labels.mkdir()
    for f in (Path(__file__).parents[1] / "training_labels").glob("*.json"):
        (labels / f.name).write_bytes(f.read_bytes())
    append_decision(
        labels / "attributions.csv",
        Decision("zhang.txt", "Grid Stability in Renewable Power Systems", "consistent", "checked"),
    )
    result = build_tables(folder, options=Options(labels_dir=labels, cache_dir=model_cache))
    tables = {n: t.to_pylist() for n, t in result.tables.items()}
    page = statuses(tables, "zhang")
    assert page["Grid Stability in Renewable Power Systems"] == "consistent"
    row = next(a for a in tables["attributions"] if a["decided_by"] == "curator")
    assert row["reasons"][0] == "a curator decided consistent: checked"


_WORDS = st.sampled_from(["the", "a", "of", "x", "7", "ab", "2d", "and", "model", "Über", "don't"])


@given(
    st.one_of(
        st.text(alphabet=st.characters(max_codepoint=0x1FAFF), max_size=40),
        st.lists(_WORDS, max_size=12).map(" - ".join),
    )
)
def test_topic_words_are_the_default_analyzers_on_folded_keys(text):
    from sklearn.feature_extraction.text import TfidfVectorizer

    key = fold(text)
    assert key_words(key) == TfidfVectorizer(stop_words="english").build_analyzer()(key)


def test_topic_words_leave_out_stop_words_and_single_characters():
    assert key_words(fold("The model of a 2D x-ray, and 7 more")) == ["model", "2d", "ray"]

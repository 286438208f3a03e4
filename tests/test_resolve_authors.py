"""Author resolution: variants merge, namesakes and close names stay apart."""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline import api
from pipeline.api import Options, build_tables
from pipeline.matching import linked_groups
from pipeline.resolve_authors import SAME_COLLABORATORS
from tests.helpers import record_calls


def persons_of(tables: dict, name: str, title_part: str | None = None) -> set[str]:
    titles = {p["paper_id"]: p["title"] or "" for p in tables["papers"]}
    return {
        a["person_id"]
        for a in tables["authorships"]
        if a["name_as_written"] == name
        and (title_part is None or title_part in titles[a["paper_id"]])
    }


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Sheer El-Showk", "Sheer El Showk"),
        ("Zac Hatfield-Dodds", "Zac Hatfield Dodds"),
        ("Kamilė Lukošiūtė", "Kamile Lukosuite"),
        ("Samuel R. Bowman", "Sam Bowman"),
        ("Christopher Olah", "Chris Olah"),
    ],
)
def test_name_variants_are_one_person(sample_run, a, b):
    ids = persons_of(sample_run, a) | persons_of(sample_run, b)
    assert len(ids) == 1, (a, b, ids)
    (person,) = [p for p in sample_run["persons"] if p["person_id"] in ids]
    assert {a, b} <= set(person["variants"])


@pytest.mark.parametrize(("a", "b"), [("Anna Chen", "Carol Chen"), ("Tom Brown", "Tom Henighan")])
def test_close_names_are_different_people(sample_run, a, b):
    assert not persons_of(sample_run, a) & persons_of(sample_run, b)


def test_namesake_in_another_field_stays_apart(sample_run):
    energy = persons_of(sample_run, "Tom Brown", "Carbon-Neutral")
    language = persons_of(sample_run, "Tom Brown", "Constitutional AI")
    earlier_ml = persons_of(sample_run, "Tom Brown", "Skill Rating") | persons_of(
        sample_run, "Tom Brown", "Adversarial Robustness"
    )
    assert len(energy) == 1 and len(language) == 1 and energy != language
    assert earlier_ml == language  # his earlier machine-learning papers are his


def test_every_byline_name_has_one_authorship(sample_run):
    per_paper = defaultdict(list)
    for a in sample_run["authorships"]:
        per_paper[a["paper_id"]].append(a["position"])
    for paper in sample_run["papers"]:
        assert sorted(per_paper[paper["paper_id"]]) == list(range(len(paper["author_names"])))
    known = {p["person_id"] for p in sample_run["persons"]}
    assert {a["person_id"] for a in sample_run["authorships"]} <= known


PAGE = """\
LGMar 3, 2021
Sparse Mixtures of Experts at ScaleJean-Luc Picard, Beverly Crusher, Deanna Troi
We study sparse mixtures of experts for language modelling with many parameters.
CLJun 2, 2022
Routing Tokens in Language ModelsJean Luc Picard, Beverly Crusher, Geordi La Forge
We route tokens between experts in language models and study their scaling behaviour.
CLJan 30, 2020
Parsing with Neural NetworksChristopher D. Manning, Danqi Chen
We train neural network parsers for natural language syntax.
CLAug 2, 2022
Question Answering over DocumentsChris Manning, Danqi Chen, Kenton Lee
We answer questions over long documents with retrieval and reading.
LGMay 9, 2021
Graph Networks for LearningWei Zhang, Ming Li, Hao Wu
We learn graph neural networks for node classification in citation graphs.
SOC-PHApr 1, 2019
Grid Stability in Renewable Power SystemsWei Zhang, Jonas Lind, Petra Holm
We analyse the stability of electricity grids with high shares of wind power.
"""


def test_written_pages_with_other_names(tmp_path: Path, model_cache: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "list.txt").write_text(PAGE, encoding="utf-8")
    result = build_tables(folder, options=Options(cache_dir=model_cache))
    tables = {name: t.to_pylist() for name, t in result.tables.items()}
    picard = persons_of(tables, "Jean-Luc Picard") | persons_of(tables, "Jean Luc Picard")
    manning = persons_of(tables, "Christopher D. Manning") | persons_of(tables, "Chris Manning")
    assert len(picard) == 1 and len(manning) == 1
    zhang_ml = persons_of(tables, "Wei Zhang", "Graph Networks")
    zhang_grid = persons_of(tables, "Wei Zhang", "Grid Stability")
    assert zhang_ml != zhang_grid
    assert persons_of(tables, "Danqi Chen") and len(persons_of(tables, "Danqi Chen")) == 1


def _mention(key: str, paper: str, surname: str, given: str, coauthors: set[str]) -> dict:
    return {
        "key": key,
        "paper_id": paper,
        "surname": surname,
        "given": (given.lower(), given[0].lower(), given.lower()),
        "coauthors": frozenset(coauthors),
        "context": (None, frozenset(coauthors)),
        "rarity": (f"{surname}|{given[0].lower()}", 1),
    }


def test_compatible_names_only():
    from pipeline.resolve_authors import compatible

    li = _mention("a", "p1", "li", "Alex", set())
    assert not compatible(li, _mention("b", "p2", "liu", "Alex", set()))
    assert not compatible(li, _mention("b", "p2", "li", "Sam", set()))
    assert compatible(li, _mention("b", "p2", "li", "A", set()))
    long = _mention("a", "p1", "lukosiute", "Kamile", set())
    assert compatible(long, _mention("b", "p2", "lukosuite", "Kamile", set()))  # one slip
    # two given names written out: the same initial is not enough
    hanchen = _mention("a", "p1", "wang", "Hanchen", set())
    assert not compatible(hanchen, _mention("b", "p2", "wang", "Huayan", set()))
    assert compatible(hanchen, _mention("b", "p2", "wang", "H", set()))
    tomas = _mention("a", "p1", "li", "Tomas", set())
    assert compatible(tomas, _mention("b", "p2", "li", "Thomas", set()))
    # an initial may stand for the name a nickname is short for: "W." for Bill (William)
    bill = _mention("a", "p1", "bermi", "Bill", set())
    bill["given"] = ("bill", "b", "bill", "william")
    assert compatible(bill, _mention("b", "p2", "bermi", "W", set()))
    assert compatible(_mention("b", "p2", "bermi", "W", set()), bill)
    assert not compatible(bill, _mention("b", "p2", "bermi", "K", set()))
    assert not compatible(bill, _mention("b", "p2", "bermi", "Walter", set()))


def test_nicknames_share_a_small_block_other_names_do_not():
    from pipeline.resolve_authors import blocking_keys, mention_records

    def keys(name: str) -> set[str]:
        paper = {
            "paper_id": "p",
            "author_names": [name],
            "authors_from_key": "k",
            "title_key": "t",
            "abstract_key": None,
            "category": None,
            "published_year": None,
        }
        record = next(iter(mention_records([paper]).values()))
        return {k for k in blocking_keys(record) if k.startswith("nick:")}

    assert keys("Bob Kumar") & keys("Robert Kumar")  # "B" and "R": no shared initial
    assert keys("Sam Bowman") & keys("Samuel R. Bowman")
    assert not keys("Robert Kumar") & keys("Richard Kumar")
    assert not keys("Bob Kumar") & keys("Robert Kumaran")
    assert not keys("R. Kumar")  # an initial stands for too many names


def test_pieces_of_one_person_join_on_shared_collaborators_namesakes_do_not(
    monkeypatch: pytest.MonkeyPatch,
):
    import pipeline.resolve_authors as ra
    from pipeline.matching import Labels
    from pipeline.resolve_authors import merge_by_collaborators

    lab = {"ng a", "ito k", "roy m"}
    records = {
        r["key"]: r
        for r in [
            _mention("m1", "p1", "wang", "Wei", {"ng a", "ito k"}),
            _mention("m2", "p2", "wang", "Wei", {"ito k", "roy m"}),
            _mention("m3", "p3", "wang", "Wei", lab),
            _mention("m4", "p4", "wang", "Wei", {"diaz j", "kim s", "ng a"}),  # namesake
        ]
    }
    clusters = [["m1", "m2"], ["m3"], ["m4"]]
    merged = merge_by_collaborators(clusters, records, Labels())
    assert merged == [["m1", "m2", "m3"], ["m4"]]
    # a curator's "different" keeps them apart whatever the collaborators say
    apart = Labels(distinct=[(records["m1"], records["m3"])])
    assert merge_by_collaborators(clusters, records, apart) == sorted(clusters)
    # a name no other piece carries has nothing to join, nor has one without a key
    records["k1"] = _mention("k1", "p5", "ito", "Kai", lab)
    unkeyed = [
        {**_mention(k, p, "ng", "Ann", lab), "rarity": ("", 1)}
        for k, p in [("u1", "p6"), ("u2", "p7")]
    ]
    records.update((r["key"], r) for r in unkeyed)
    built = record_calls(monkeypatch, ra, "_piece")
    merged = merge_by_collaborators([*clusters, ["k1"], ["u1"], ["u2"]], records, Labels())
    assert merged == [["k1"], ["m1", "m2", "m3"], ["m4"], ["u1"], ["u2"]]
    assert sorted(built) == sorted(clusters)


ROBOTS = ("grasping", "robot", "tactile", "manipulation")
STARS = ("galaxy", "redshift", "stellar", "spectra")


def _listed(
    key: str,
    paper: str,
    name: str,
    field: str | None,
    coauthors: set[str],
    topic: tuple[str, ...] = ROBOTS,
) -> dict:
    surname, given = name.split()[-1].lower(), name.split()[0]
    return {
        **_mention(key, paper, surname, given, coauthors),
        "name_as_written": name,
        "context": (field, frozenset(coauthors)),
        "topic_words": topic,
    }


def test_pieces_of_a_page_owner_join_a_namesakes_paper_does_not():
    from pipeline.matching import Labels
    from pipeline.resolve_authors import Listing, join_listed_pieces, owners_on_pages

    records = {
        r["key"]: r
        for r in [
            _listed("m1", "p1", "Ada Moreau", "cs", {"ng a"}),
            _listed("m2", "p2", "Ada Moreau", "cs", {"ng a", "ito k"}),
            _listed("m3", "p3", "Ada Moreau", "cs", {"roy m"}),  # a guest paper, own topic
            _listed("m4", "p4", "Ada Moreau", None, {"ito k"}, ()),  # a collaborator
            _listed("m5", "p5", "Ada Moreau", "cs", {"diaz j"}, STARS),  # the namesake's, in
            # the owner's broad field ("cs") but on other topics,
            _listed("m6", "p6", "Ada Moreau", "cs", {"diaz j", "kim s"}, STARS),  # pulled in
            _listed("m7", "p7", "Ada Moreau", "cs", {"lee b"}),  # not on the page
            _listed("m8", "p8", "Ada Moreau", "cs", {"lee b"}),  # one of three listed
            _listed("m9", "p9", "Ada Moreau", "cs", {"lee b"}),
            _listed("m10", "p10", "Ada Moreau", "cs", {"lee b"}),
        ]
    }
    clusters = [["m1", "m2"], ["m3"], ["m4"], ["m5", "m6"], ["m7"], ["m10", "m8", "m9"]]
    page = Listing("Ada Moreau", frozenset({"p1", "p2", "p3", "p4", "p5", "p8"}))
    owned = owners_on_pages([page], records)
    joined = join_listed_pieces(clusters, records, owned, Labels())
    assert joined == [["m1", "m2", "m3", "m4"], ["m10", "m8", "m9"], ["m5", "m6"], ["m7"]]
    # without a declared owner the page's leading name stands for it
    unnamed = owners_on_pages([Listing(None, page.papers)], records)
    assert join_listed_pieces(clusters, records, unnamed, Labels()) == joined
    # a curator's "different" keeps a piece apart whatever the page says
    apart = Labels(distinct=[(records["m1"], records["m3"])])
    assert ["m3"] in join_listed_pieces(clusters, records, owned, apart)
    # a page that lists nobody's papers joins nothing
    assert join_listed_pieces(clusters, records, [], Labels()) == sorted(clusters)


GUEST_PAGE = """\
LGMar 3, 2021
Sparse Mixtures of Experts at ScaleAda Moreau, Kai Ito, Lena Roy
We study sparse mixtures of experts for language modelling with many parameters.
CLJun 2, 2022
Routing Tokens in Language ModelsKai Ito, Ada Moreau
We route tokens between experts in language models and study their scaling behaviour.
LGJan 30, 2020
Pruning Experts in Language ModelsLena Roy, Ada Moreau, Kai Ito
We prune the experts of sparse language models without losing accuracy.
SOC-PHApr 1, 2019
Grid Stability in Renewable Power SystemsJonas Lind, Petra Holm, Ada Moreau
We analyse the stability of electricity grids with high shares of wind power.
"""


def test_a_guest_paper_with_strangers_in_another_field_joins_its_authors_person(
    tmp_path: Path, model_cache: Path
):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "list.txt").write_text(GUEST_PAGE, encoding="utf-8")
    result = build_tables(folder, options=Options(cache_dir=model_cache))
    tables = {name: t.to_pylist() for name, t in result.tables.items()}
    assert len(persons_of(tables, "Ada Moreau")) == 1
    assert persons_of(tables, "Ada Moreau", "Grid Stability") == persons_of(
        tables, "Ada Moreau", "Sparse Mixtures"
    )


def test_a_lone_mention_joins_the_one_person_spelled_as_it_is():
    from pipeline.matching import Labels
    from pipeline.resolve_authors import join_lone_mentions

    def spelled(key: str, paper: str, name: str, coauthors: set[str]) -> dict:
        return {**_listed(key, paper, name, "cs", coauthors), "name": name.lower()}

    records = {
        r["key"]: r
        for r in [
            spelled("a1", "p1", "Ada Moreau", {"ng a"}),
            spelled("a2", "p2", "Ada Moreau", {"ng a"}),
            spelled("a3", "p3", "Ada Moreau", {"diaz j"}),  # a guest on another lab's paper
            spelled("a4", "p4", "Ada Moreau", set()),  # a solo paper
            spelled("a5", "p1", "Ada Moreau", {"ng a"}),  # on a1's byline: someone else
            spelled("w1", "p5", "Wei Wang", {"ito k"}),
            spelled("w2", "p6", "Wei Wang", {"ito k"}),
            spelled("w3", "p7", "Wei Wang", {"kim s"}),
            spelled("w4", "p8", "Wei Wang", {"kim s"}),
            spelled("w5", "p9", "Wei Wang", {"roy m"}),  # two persons so spelled: which?
            spelled("b1", "p10", "Bo Li", {"ng a"}),  # alone, and so is its namesake
            spelled("b2", "p11", "Bo Li", {"kim s"}),
        ]
    }
    clusters = [["a1", "a2"], ["a3"], ["a4"], ["a5"], ["w1", "w2"], ["w3", "w4"], ["w5"]]
    clusters += [["b1"], ["b2"]]
    joined = join_lone_mentions(clusters, records, Labels())
    assert ["a1", "a2", "a3", "a4"] in joined
    assert ["a5"] in joined and ["w5"] in joined and ["b1"] in joined and ["b2"] in joined
    assert len(joined) == len(clusters) - 2
    # a curator's "different" keeps the mention alone whatever its spelling says
    apart = Labels(distinct=[(records["a1"], records["a3"])])
    assert ["a3"] in join_lone_mentions(clusters, records, apart)


def test_an_unnamed_pages_owner_is_its_clear_leader_as_most_often_written():
    from pipeline.resolve_authors import Listing, listing_owner

    bylines = {
        "p1": ["Adá Moreau", "Kai Ito"],
        "p2": ["Ada Moreau"],
        "p3": ["Adá Moreau"],
        "p4": ["Ada Moreau", "Lea Roy"],
        "p5": ["Kai Ito"],
        "p6": ["Kai Ito"],
        "p7": ["Kai Ito"],
    }
    on_paper = {
        p: [_listed(f"{p}.{i}", p, n, "cs", set()) for i, n in enumerate(names)]
        for p, names in bylines.items()
    }
    page = Listing(None, frozenset({"p1", "p2", "p3", "p4", "p5"}))  # Moreau 4, Ito 2
    assert listing_owner(page, on_paper) == "Ada Moreau"  # spelt 2 and 2: the first
    assert listing_owner(Listing("Kai Ito", page.papers), on_paper) == "Kai Ito"
    assert listing_owner(Listing(None, frozenset(bylines)), on_paper) is None  # 4 and 4


def test_owners_pages_build_only_the_pieces_they_weigh(monkeypatch):
    """A million entries make 250k clusters; a page weighs its owner's few."""
    import pipeline.resolve_authors as ra
    from pipeline.matching import Labels

    records = {
        r["key"]: r
        for r in [
            _listed("m1", "p1", "Ada Moreau", "cs", {"ng a"}),
            _listed("m2", "p2", "Ada Moreau", "cs", {"ng a"}),
            _listed("m3", "p2", "Kai Ito", "cs", {"moreau a"}),  # a coauthor
            _listed("m4", "p3", "Ada Moreau", "cs", {"ng a"}),
            _listed("m5", "p4", "Ada Moreau", "cs", {"lee b"}),  # not on the page
        ]
    }
    built = record_calls(monkeypatch, ra, "_piece")
    page = ra.Listing("Ada Moreau", frozenset({"p1", "p2", "p3"}))
    joined = ra.join_listed_pieces(
        [["m1", "m2"], ["m3"], ["m4"], ["m5"]],
        records,
        ra.owners_on_pages([page], records),
        Labels(),
    )
    assert joined == [["m1", "m2", "m4"], ["m3"], ["m5"]]
    assert sorted(built) == [["m1", "m2"], ["m4"]]


def test_a_cluster_whose_mentions_share_no_collaborator_is_cut_in_two():
    from pipeline.matching import Labels
    from pipeline.resolve_authors import split_by_collaborators

    records = {
        r["key"]: r
        for r in [
            _mention("m1", "p1", "wang", "Wei", {"ng a", "ito k"}),
            _mention("m2", "p2", "wang", "Wei", {"ito k", "roy m"}),
            _mention("m3", "p3", "wang", "Wei", {"roy m"}),  # linked through m2
            _mention("m4", "p4", "wang", "Wei", set()),  # a solo paper
            _mention("m5", "p5", "wang", "Wei", {"diaz j", "kim s"}),  # a stranger's lab
            _mention("m6", "p6", "wang", "Wei", {"kim s"}),
            _mention("m7", "p7", "wang", "Wei", {"lee b"}),  # linked to no one
        ]
    }
    cluster = sorted(records)
    # two labs: two people; the solo paper and the lone one cannot say whose they are
    assert split_by_collaborators([cluster], records, Labels()) == [
        ["m1", "m2", "m3"],
        ["m4"],
        ["m5", "m6"],
        ["m7"],
    ]
    # one group and loose mentions: nothing says there are two people
    alone = ["m1", "m2", "m3", "m4", "m7"]
    assert split_by_collaborators([alone], records, Labels()) == [alone]
    # a curator's "same" label links the two groups
    same = Labels(match=[(records["m3"], records["m6"])])
    assert split_by_collaborators([cluster], records, same) == [cluster]


def test_one_common_collaborator_does_not_join_two_labs():
    from pipeline.matching import Labels
    from pipeline.resolve_authors import collaborator_weights, split_by_collaborators

    lab_a = [{"ng a", "ito k"}, {"ito k", "roy m"}, {"ng a", "roy m"}, {"ito k", "wang j"}]
    lab_b = [{"diaz j", "kim s"}, {"kim s", "cole t"}, {"diaz j", "cole t"}, {"kim s", "wang j"}]
    mentions = [_mention(f"a{i}", f"pa{i}", "li", "Wei", c) for i, c in enumerate(lab_a)]
    mentions += [_mention(f"b{i}", f"pb{i}", "li", "Wei", c) for i, c in enumerate(lab_b)]
    # "Wang, J." is on many other bylines: a common name two labs happen to share
    others = [_mention(f"o{i}", f"po{i}", "zhou", "Min", {"wang j"}) for i in range(30)]
    records = {r["key"]: r for r in mentions + others}
    weights = collaborator_weights(records)
    assert weights["wang j"] < weights["ito k"]
    cluster = sorted(r["key"] for r in mentions)
    assert split_by_collaborators([cluster], records, Labels()) == [
        ["a0", "a1", "a2", "a3"],
        ["b0", "b1", "b2", "b3"],
    ]
    small = [["o0", "o1"], ["o2", "o3", "o4"]]  # under four mentions: never cut
    both = split_by_collaborators([cluster, *small], records, Labels(), jobs=2)
    assert both == split_by_collaborators([cluster, *small], records, Labels())
    assert both == [["a0", "a1", "a2", "a3"], ["b0", "b1", "b2", "b3"], *small]


def test_collaborator_groups_pool_a_groups_papers():
    from pipeline.resolve_authors import collaborator_groups, collaborator_weights

    # the lab's senior ("ito k") is on every paper; one-off coauthors differ
    papers = [{"ito k", "ng a"}, {"ito k", "roy m"}, {"ito k", "lee b"}, {"ito k"}, {"kim s"}]
    records = {
        r["key"]: r
        for r in [_mention(f"m{i}", f"p{i}", "li", "Wei", c) for i, c in enumerate(papers)]
        + [_mention(f"o{i}", f"q{i}", "sun", "Ada", {f"x{i}"}) for i in range(20)]
    }
    cluster = [f"m{i}" for i in range(5)]
    groups = collaborator_groups(cluster, records, {}, collaborator_weights(records))
    assert groups == [["m0", "m1", "m2", "m3"], ["m4"]]
    # the same input, the same groups, whatever order the cluster is listed in
    assert collaborator_groups(cluster[::-1], records, {}, collaborator_weights(records)) == groups


def test_a_dropped_hyphen_reads_as_the_surname_seen_elsewhere():
    from pipeline.resolve_authors import compatible, mention_records, read_names

    read = read_names({"Zac Hatfield Dodds", "Z. Hatfield-Dodds", "Ana Maria Lopez"})
    assert read["Zac Hatfield Dodds"]["surname_key"] == "hatfielddodds"
    assert read["Zac Hatfield Dodds"]["middle_initials"] == ""
    # no "Maria-Lopez" anywhere: a middle name stays a middle name
    assert read["Ana Maria Lopez"]["surname_key"] == "lopez"
    assert read_names({"Zac Hatfield Dodds"})["Zac Hatfield Dodds"]["surname_key"] == "dodds"

    def paper(i: int, name: str) -> dict:
        return {
            "paper_id": f"p{i}",
            "author_names": [name],
            "authors_from_key": f"k{i}",
            "title_key": "t",
            "abstract_key": None,
            "category": None,
            "published_year": None,
        }

    spaced, hyphened = mention_records(
        [paper(1, "Zac Hatfield Dodds"), paper(2, "Zac Hatfield-Dodds")]
    ).values()
    assert compatible(spaced, hyphened)


def test_a_persons_papers_with_one_collaborator_share_a_block():
    from pipeline.resolve_authors import blocking_keys

    def with_keys(surname: str, coauthors: set[str]) -> set[str]:
        record = {**_mention("m", "p", surname, "Wei", coauthors), "name": None}
        record["sound"] = ("", "")
        return {k for k in blocking_keys(record) if k.startswith("with:")}

    assert with_keys("wang", {"ito k", "ng a"}) & with_keys("wang", {"ito k"})
    assert not with_keys("wang", {"ito k"}) & with_keys("wang", {"ng a"})
    assert not with_keys("wang", {"ito k"}) & with_keys("zhang", {"ito k"})
    crowd = {f"name{n} x" for n in range(200)}  # a collaboration's byline: no keys
    assert with_keys("wang", {"ito k"} | crowd) == set()


# ---- the collaborator cut against the plain Python it replaced ------------------------


def reference_collaborator_groups(
    cluster: list[str],
    records: dict[str, dict],
    same: dict[str, set[str]],
    weights: dict[str, float],
) -> list[list[str]]:
    """The plain-Python cut bylines ran before the compiled one (`linkage.cosine_merges`),
    kept as its specification. The cluster's mentions grouped by their collaborators.

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
    vectors = {i: _reference_weighted(keys, records, weights) for i, keys in members.items()}
    norms = {i: _reference_norm(v) for i, v in vectors.items()}
    holders: dict[str, set[int]] = defaultdict(set)
    for i, vector in vectors.items():
        for c in vector:
            holders[c].add(i)

    def similarity(a: int, b: int) -> float:
        va, vb = sorted((vectors[a], vectors[b]), key=len)
        dot = sum(x * vb[c] for c, x in va.items() if c in vb)
        return dot / (norms[a] * norms[b]) if dot else 0.0

    def alike(a: int) -> Iterator[tuple[float, int, int]]:
        for b in sorted({j for c in vectors[a] for j in holders[c]} - {a}):
            if (score := similarity(a, b)) >= SAME_COLLABORATORS:
                yield -score, min(a, b), max(a, b)

    heap = _reference_alike_pairs(vectors, norms, holders)
    while heap:
        negative, a, b = heapq.heappop(heap)
        if a not in vectors or b not in vectors:
            continue
        if not math.isclose(now := similarity(a, b), -negative):  # scored before a or b grew
            if now >= SAME_COLLABORATORS:
                heapq.heappush(heap, (-now, a, b))
            continue
        for c in vectors[b]:
            holders[c].discard(b)
            holders[c].add(a)
        vectors[a] += vectors.pop(b)
        members[a] += members.pop(b)
        norms[a] = _reference_norm(vectors[a])
        for item in alike(a):
            heapq.heappush(heap, item)
    return sorted((sorted(keys) for keys in members.values()), key=lambda g: (-len(g), g[0]))


def _reference_alike_pairs(
    vectors: dict[int, Counter], norms: dict[int, float], holders: dict[str, set[int]]
) -> list[tuple[float, int, int]]:
    """A heap of the groups' pairs at least `SAME_COLLABORATORS` alike, (-cosine, a, b)
    with a < b: dot products summed key by key over the groups holding each key, one
    pass instead of a set intersection for every pair."""
    dots: dict[tuple[int, int], float] = defaultdict(float)
    for c, ids in holders.items():
        ordered = sorted(ids)
        for x, a in enumerate(ordered):
            weight = vectors[a][c]
            for b in ordered[x + 1 :]:
                dots[a, b] += weight * vectors[b][c]
    heap = [
        (-score, a, b)
        for (a, b), dot in dots.items()
        if (score := dot / (norms[a] * norms[b])) >= SAME_COLLABORATORS
    ]
    heapq.heapify(heap)
    return heap


def _reference_weighted(
    keys: list[str], records: dict[str, dict], weights: dict[str, float]
) -> Counter:
    """The mentions' collaborators, each counted once a paper and weighted."""
    if len(keys) == 1:  # how most groups start: nothing to count
        coauthors = records[keys[0]]["coauthors"] or ()
        return Counter({c: w for c in coauthors if (w := weights[c]) > 0})
    counts = Counter(c for k in keys for c in records[k]["coauthors"] or ())
    return Counter({c: n * weights[c] for c, n in counts.items() if weights[c] > 0})


def _reference_norm(vector: Counter) -> float:
    return math.sqrt(sum(x * x for x in vector.values()))


def test_collaborator_groups_are_the_python_versions_to_the_last_merge():
    import random

    from pipeline import resolve_authors as ra

    rng = random.Random(17)
    pool = [f"c{i}" for i in range(300)]
    popularity = [1 / (i + 1) for i in range(len(pool))]  # a few collaborators everywhere
    records: dict[str, dict] = {}
    clusters: list[list[str]] = []
    for n in range(400):
        cluster = []
        for i in range(rng.randint(4, 60)):
            key = f"m{n}.{i}"
            chosen = set(rng.choices(pool, popularity, k=rng.randint(0, 8)))
            records[key] = {"key": key, "coauthors": frozenset(chosen) or None}
            cluster.append(key)
        clusters.append(cluster)
    weights = ra.collaborator_weights(records)
    weights["c0"], weights["c1"] = 0.0, -0.5  # a name on every byline weighs 0: left out
    merged_somewhere = 0
    for cluster in clusters:
        same: dict[str, set[str]] = defaultdict(set)
        for _ in range(rng.randint(0, 3)):
            a, b = rng.sample(cluster, 2)
            same[a].add(b)
            same[b].add(a)
        expected = reference_collaborator_groups(cluster, records, same, weights)
        assert ra.collaborator_groups(cluster, records, same, weights) == expected
        merged_somewhere += sum(len(g) > 1 for g in expected) > 1
    assert merged_somewhere > 20


def _in_lab(key: str, paper: str, name: str, others: set[str]) -> dict:
    """A mention as the community pass reads it: its name, paper and surname sound."""
    record = _listed(key, paper, name, "cs", others)
    return {**record, "sound": (record["surname"].upper(), record["surname"])}


def _lab_world() -> dict[str, dict]:
    """Wei Wang in two pieces with no collaborator in common, Ito (p1) and Roy (p2),
    who both write with the lab's senior, Ng (p3, p4); a namesake in another lab
    (p5 with Diaz, who writes with Kim on p6); Walter Wang, an incompatible name,
    in the first lab (p7 with Roy)."""
    bylines = {
        "p1": ["Wei Wang", "Ken Ito"],
        "p2": ["Wei Wang", "Mia Roy"],
        "p3": ["Ken Ito", "Ann Ng"],
        "p4": ["Mia Roy", "Ann Ng"],
        "p5": ["Wei Wang", "Jon Diaz"],
        "p6": ["Jon Diaz", "Sun Kim"],
        "p7": ["Walter Wang", "Mia Roy", "Ann Ng"],
    }
    records = {}
    for paper, names in bylines.items():
        for i, name in enumerate(names):
            key = f"{paper}@{i}"
            records[key] = _in_lab(key, paper, name, {n for n in names if n != name})
    return records


def _clusters_by_name(records: dict[str, dict], split: set[str]) -> list[list[str]]:
    """One cluster per name, except the keys in `split`, each a piece of its own."""
    by_name: dict[str, list[str]] = defaultdict(list)
    for key, r in records.items():
        by_name[key if key in split else r["name_as_written"]].append(key)
    return sorted(sorted(c) for c in by_name.values())


def test_pieces_whose_collaborators_write_with_the_same_lab_join_a_namesake_does_not():
    from pipeline.matching import Labels
    from pipeline.resolve_authors import join_by_community

    records = _lab_world()
    wang = {"p1@0", "p2@0", "p5@0"}
    clusters = _clusters_by_name(records, wang)
    joined = join_by_community(clusters, records, Labels())
    assert ["p1@0", "p2@0"] in joined  # Ito and Roy both write with Ng
    assert ["p5@0"] in joined  # Diaz writes with Kim: another lab
    assert ["p7@0"] in joined  # the same lab, but Walter is not Wei
    assert len(joined) == len(clusters) - 1
    # a curator's "different" keeps them apart whatever the lab says
    apart = Labels(distinct=[(records["p1@0"], records["p2@0"])])
    assert join_by_community(clusters, records, apart) == clusters


def test_community_vectors_reach_collaborators_collaborators_not_oneself():
    from pipeline.resolve_authors import community_vectors

    records = _lab_world()
    clusters = _clusters_by_name(records, {"p1@0", "p2@0", "p5@0"})
    number = {c[0]: n for n, c in enumerate(clusters)}
    vectors = community_vectors(clusters, records).toarray()
    piece1, piece2, namesake = number["p1@0"], number["p2@0"], number["p5@0"]
    ng, kim = number["p3@1"], number["p6@1"]
    assert vectors[piece1, ng] > 0 and vectors[piece2, ng] > 0  # through Ito, through Roy
    assert vectors[namesake, kim] > 0 and vectors[namesake, ng] == 0
    assert all(vectors[n, n] == 0 for n in range(len(clusters)))
    assert vectors[piece1] @ vectors[piece2] > 0 and vectors[piece1] @ vectors[namesake] == 0
    lengths = (vectors**2).sum(axis=1)
    assert all(math.isclose(x, 1.0) or x == 0 for x in lengths)


def _on_bylines(bylines: dict[str, list[str]]) -> dict[str, dict]:
    """A mention record for each name on each paper's byline, its coauthors the others."""
    return {
        f"{p}@{i}": _in_lab(f"{p}@{i}", p, name, set(names) - {name})
        for p, names in bylines.items()
        for i, name in enumerate(names)
    }


def test_community_vectors_weigh_a_busy_collaborator_less():
    from pipeline.resolve_authors import community_vectors

    # A reaches Ng (on four papers) and Bo (on one) the same way, through X
    bylines = {"p1": ["A Ab", "X Xu"], "p2": ["X Xu", "Ann Ng"], "p3": ["X Xu", "Bo Bao"]}
    bylines |= {f"q{n}": ["Ann Ng", f"Z{n} Zed"] for n in range(3)}
    records = _on_bylines(bylines)
    clusters = _clusters_by_name(records, set())
    number = {records[c[0]]["name_as_written"]: n for n, c in enumerate(clusters)}
    vectors = community_vectors(clusters, records).toarray()
    assert 0 < vectors[number["A Ab"], number["Ann Ng"]] < vectors[number["A Ab"], number["Bo Bao"]]


def test_a_collaborations_byline_is_no_community(monkeypatch: pytest.MonkeyPatch):
    import pipeline.resolve_authors as resolve

    # A and B meet only on a paper of four names; with bylines of three at most, its
    # names are a collaboration's, and reach nobody through it
    bylines = {"p1": ["A Ab", "X Xu"], "p2": ["X Xu", "B Bee", "C Cee", "D Dee"]}
    records = _on_bylines(bylines)
    clusters = _clusters_by_name(records, set())
    number = {records[c[0]]["name_as_written"]: n for n, c in enumerate(clusters)}
    a, b = number["A Ab"], number["B Bee"]
    assert resolve.community_vectors(clusters, records).toarray()[a, b] > 0
    monkeypatch.setattr(resolve, "CROWDED_BYLINE", 3)
    vectors = resolve.community_vectors(clusters, records).toarray()
    assert vectors[a, b] == 0 and vectors[a].sum() == 0  # A's one collaborator is on p2 alone


def test_name_groups_hold_nicknames_and_slips_not_other_initials():
    from pipeline.resolve_authors import mention_records, name_groups

    names = ["William Steinberg", "Bill Steinberg", "W. Steinburg", "Walter Steinberg"]
    names += ["Olga Steinberg", "Olga Li"]
    papers = [
        {
            "paper_id": f"p{n}",
            "author_names": [name],
            "authors_from_key": f"k{n}",
            "title_key": "t",
            "abstract_key": None,
            "category": None,
            "published_year": None,
        }
        for n, name in enumerate(names)
    ]
    records = mention_records(papers)
    clusters = [[key] for key in sorted(records)]
    named = {n: records[c[0]]["name_as_written"] for n, c in enumerate(clusters)}
    groups = [{named[i] for i in g} for g in name_groups(clusters, records)]
    william = {"William Steinberg", "Bill Steinberg", "W. Steinburg", "Walter Steinberg"}
    assert william in groups  # by initial W (Bill's nickname stands for William)
    assert {"Bill Steinberg", "William Steinberg"} in groups  # by initial B
    assert not any("Olga Steinberg" in g or "Olga Li" in g for g in groups)  # alone


@pytest.mark.parametrize("batch", [1, 2, 20_000])
def test_community_pairs_most_alike_first_within_groups_only(monkeypatch, batch):
    from scipy.sparse import csr_matrix

    import pipeline.resolve_authors as ra
    from pipeline.resolve_authors import community_pairs

    monkeypatch.setattr(ra, "GROUP_BATCH", batch)

    vectors = csr_matrix(
        [[1.0, 0.0, 0.0], [0.6, 0.8, 0.0], [0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    )
    pairs = community_pairs(vectors, [[0, 1, 2, 4], [2, 3]], 0.5)
    assert pairs == [(1, 2), (0, 1)]  # 0.8, 0.6; (0, 3) alike but in no group together
    assert community_pairs(vectors, [[3, 0, 1]], 0.9) == [(0, 3)]
    nothing = csr_matrix((3, 3))  # pieces with no collaborators
    assert community_pairs(nothing, [[0, 1], [1, 2]], 0.1) == []


def test_the_community_pass_runs_on_the_owners_pages_passs_clusters(
    tmp_path: Path, model_cache: Path, monkeypatch
):
    import pipeline.resolve_authors as ra

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "list.txt").write_text(PAGE, encoding="utf-8")
    listed = []
    real = ra.join_listed_pieces
    monkeypatch.setattr(ra, "join_listed_pieces", lambda *a: listed.append(real(*a)) or listed[-1])
    community = record_calls(monkeypatch, ra, "join_by_community")
    options = Options(cache_dir=model_cache)  # the stages in this process, as a phase runs them
    extracted, entries = api.read_inputs(folder, options, None, {})
    paths = {s["source_id"]: s["path"] for s in extracted.sources}
    paper_entries, papers, _, _ = api.papers_of(entries, paths, options, {})
    listings = ra.page_listings(extracted.sources, entries, paper_entries)
    api.persons_of(papers, listings, options, {})
    assert len(listed) == ra.ROUNDS and community == listed


def test_person_blocking_leaves_out_a_learned_rule_pairing_a_mention_with_dozens():
    from pipeline.matching import learned_blocks
    from pipeline.resolve_authors import PAIRING
    from tests.test_matching import FakeMatcher

    matcher = FakeMatcher(
        {
            "surname start": lambda r: [r["surname"][:5]],
            "surname endings": lambda r: [r["surname"][-n:] for n in (2, 3, 4)],
        }
    )
    data = {i: {"surname": f"{i // 2:03d}wang"} for i in range(120)}
    assert any(k.endswith(":1") for k in learned_blocks(matcher, data))
    kept = learned_blocks(matcher, data, PAIRING)
    assert kept and all(k.endswith(":0") for k in kept)


def test_mention_records_share_coauthor_and_topic_strings_across_papers():
    from pipeline.resolve_authors import mention_records

    def paper(i: int, names: list[str], title: str) -> dict:
        return {
            "paper_id": f"p{i}",
            "author_names": names,
            "authors_from_key": f"k{i}",
            "title_key": title,
            "abstract_key": None,
            "category": None,
            "published_year": None,
        }

    records = mention_records(
        [
            paper(1, ["Ann Lee", "Bo Kim", "Cy Park"], "grid storage planning grid"),
            paper(2, ["A. Lee", "Bo Kim", "Bo Kim"], "storage of power"),
        ]
    )
    lee, park = records["k1@0"], records["k1@2"]
    assert lee["coauthors"] == ("kim b", "park c") and park["coauthors"] == ("kim b", "lee a")
    assert lee["topic_words"] == ("grid", "planning", "storage")  # distinct, sorted
    assert lee["context"] == (None, lee["coauthors"])
    # a key two names on one byline share stays on both (as it did in sets)
    assert records["k2@1"]["coauthors"] == ("kim b", "lee a")
    assert records["k2@0"]["coauthors"] == ("kim b",)
    # one string object per word and per coauthor across papers
    assert records["k2@0"]["topic_words"][1] is lee["topic_words"][2]  # "storage"
    assert records["k2@0"]["coauthors"][0] is lee["coauthors"][0]  # "kim b"


def test_pieces_are_related_by_rare_topic_words_not_by_words_every_paper_uses():
    import pipeline.resolve_authors as ra

    topics = {
        "p1": ("with", "grasping", "robot"),
        "p2": ("with", "galaxy", "stellar"),
        "p3": ("with", "grasping", "tactile"),
        "p4": ("with", "spectra", "redshift"),
        "p5": ("with", "ocean"),
    }
    records = {p: _listed(p, p, "Ada Moreau", "cs", set(), words) for p, words in topics.items()}
    records["p5.1"] = _listed("p5.1", "p5", "Kai Ito", "cs", set(), topics["p5"])  # counted once
    weights = ra.word_weights(records)
    assert weights["with"] == 0.0 and weights["robot"] > weights["grasping"] > 0.0
    piece = {p: ra._piece([p], records) for p in topics}
    assert ra._related(piece["p1"], piece["p3"], records, weights)  # grasping, a rare word
    assert not ra._related(piece["p1"], piece["p2"], records, weights)  # "with" alone


def _bylines_as_papers(bylines: dict[str, list[str]]) -> list[dict]:
    """Canonical papers as `mention_records` reads them, one per byline."""
    return [
        {
            "paper_id": paper,
            "author_names": names,
            "authors_from_key": paper,
            "title_key": None,
            "abstract_key": None,
            "category": None,
            "published_year": None,
        }
        for paper, names in bylines.items()
    ]


def test_with_resolved_coauthors_reads_coauthors_as_persons():
    from pipeline.resolve_authors import mention_records, with_resolved_coauthors

    records = mention_records(
        _bylines_as_papers({"p1": ["Wei Wang", "Jun Li", "Ann Kim"], "p2": ["Jun Li", "Jie Li"]})
    )
    persons = [["p1@0"], ["p1@1", "p2@0"], ["p1@2"], ["p2@1"]]
    resolved = with_resolved_coauthors(records, persons)
    assert resolved["p1@0"]["coauthors"] == ("person 1", "person 2")
    assert resolved["p1@1"]["coauthors"] == ("person 0", "person 2")
    # Jun Li and Jie Li: one key "li j", two persons
    assert records["p2@0"]["coauthors"] == records["p2@1"]["coauthors"] == ("li j",)
    assert resolved["p2@0"]["coauthors"] == ("person 3",)
    assert resolved["p2@1"]["coauthors"] == ("person 1",)
    assert resolved["p1@0"]["coauthors"][0] is resolved["p2@1"]["coauthors"][0]  # one string
    # everything else as it was, and the records read are left as they were
    assert {**resolved["p1@0"], "coauthors": None} == {**records["p1@0"], "coauthors": None}
    assert records["p1@0"]["coauthors"] == ("kim a", "li j")


def test_the_second_round_parts_strangers_whose_collaborators_share_only_a_name_key(
    monkeypatch: pytest.MonkeyPatch,
):
    import pipeline.resolve_authors as ra
    from pipeline.matching import Labels

    # two Wei Wangs in two labs: one writes with Jun Li, the other with Jie Li
    records = ra.mention_records(
        _bylines_as_papers(
            {
                "a1": ["Wei Wang", "Jun Li"],
                "a2": ["Wei Wang", "Jun Li", "Ann Kim"],
                "b1": ["Wei Wang", "Jie Li"],
                "b2": ["Wei Wang", "Jie Li", "Sam Park"],
                "c1": ["Bo Chen", "Ed Fox", "Al Ray"],
                "c2": ["Bo Chen", "Ed Fox", "Al Ray"],
            }
        )
    )
    scored = _clusters_by_name(records, {"c1@0", "c2@0"})  # Chen scored in two
    both = ["a1@0", "a2@0", "b1@0", "b2@0"]
    assert both in scored
    # the first round found Jun Li and Jie Li two persons: so are the Wangs
    resolved = ra.resolve_rounds(scored, records, Labels(), [], jobs=1)
    assert ["a1@0", "a2@0"] in resolved and ["b1@0", "b2@0"] in resolved
    assert ["c1@0", "c2@0"] in resolved
    assert len(resolved) == len(scored)  # Wang in two, Chen in one
    # by collaborator keys alone, both write with "li j": one person
    monkeypatch.setattr(ra, "ROUNDS", 1)
    first = ra.resolve_rounds(scored, records, Labels(), [], jobs=1)
    assert both in first and ["c1@0", "c2@0"] in first  # Chen's pieces share Fox and Ray
    # the second round cuts the first round's persons, not the scored clusters again
    monkeypatch.setattr(ra, "ROUNDS", 2)
    cut = record_calls(monkeypatch, ra, "split_by_collaborators")
    ra.resolve_rounds(scored, records, Labels(), [], jobs=1)
    assert cut == [scored, first]


def test_a_pages_owner_mentions_are_found_once_for_both_rounds(monkeypatch: pytest.MonkeyPatch):
    import pipeline.resolve_authors as ra
    from pipeline.matching import Labels

    records = ra.mention_records(
        _bylines_as_papers(
            {
                "p1": ["Ada Moreau", "Kai Ito"],
                "p2": ["A. Moreau", "Lea Roy"],
                "p3": ["Kai Ito"],  # not on the page
            }
        )
    )
    page = ra.Listing("Ada Moreau", frozenset({"p1", "p2"}))
    nobody = ra.Listing(None, frozenset({"p1"}))  # one paper: no clear leader, no owner
    owned = ra.owners_on_pages([page, nobody], records)
    assert owned == [ra.OwnedPage(page.papers, ("p1@0", "p2@0"))]  # spellings of the owner
    looked_up = record_calls(monkeypatch, ra, "listing_owner")
    ra.resolve_rounds(_clusters_by_name(records, set()), records, Labels(), [page], jobs=1)
    assert looked_up == [page]  # once, though the passes run ra.ROUNDS times

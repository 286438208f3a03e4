"""Paper matching on real pages, with the labels shipped in training_labels/."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from pipeline.api import Options, build_tables
from pipeline.evaluate import clusters_from_pairs, read_answer_key, score_clusters
from tests.helpers import RAW

TRUTH = Path(__file__).parent / "fixtures" / "sample_truth" / "papers_pairs.csv"


def clusters_by_key(tables: dict) -> list[frozenset[str]]:
    key_of = {e["entry_id"]: e["record_key"] for e in tables["entries"]}
    groups: dict[str, set[str]] = defaultdict(set)
    for row in tables["paper_entries"]:
        groups[row["paper_id"]].add(key_of[row["entry_id"]])
    return [frozenset(g) for g in groups.values()]


def test_sample_pages_match_the_hand_labels(sample_run):
    keys = [e["record_key"] for e in sample_run["entries"]]
    truth = clusters_from_pairs(keys, read_answer_key(TRUTH))
    scores = score_clusters(clusters_by_key(sample_run), truth)
    assert scores["pairwise"]["f1"] == 1.0, scores
    assert len(sample_run["papers"]) == len(truth)


def test_abstract_only_entries_find_their_titled_copies(sample_run):
    entries = {e["entry_id"]: e for e in sample_run["entries"]}
    paper_of = {r["entry_id"]: r["paper_id"] for r in sample_run["paper_entries"]}
    linked = 0
    for entry in entries.values():
        if entry["title"] is None:
            mates = [
                entries[e]
                for e, p in paper_of.items()
                if p == paper_of[entry["entry_id"]] and entries[e]["title"]
            ]
            linked += bool(mates)
    assert linked >= 8  # every abstract-only copy of a listed paper


def test_a_structured_table_row_joins_its_paper(tmp_path: Path, model_cache: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    for page in RAW.iterdir():
        (folder / page.name).write_bytes(page.read_bytes())
    (folder / "export.csv").write_text(
        "id,title,authors,year\n"
        'x1,"Language Models (Mostly) Know What They Know",'
        '"Saurav Kadavath; Tom Conerly; Amanda Askell",2022\n'
        'x2,"A Study Nobody Else Lists","Ana Souza; Bo Li",2020\n'
    )
    result = build_tables(folder, options=Options(cache_dir=model_cache))
    entries = {e["entry_id"]: e for e in result.tables["entries"].to_pylist()}
    paper_of = {r["entry_id"]: r["paper_id"] for r in result.tables["paper_entries"].to_pylist()}
    by_key = {e["record_key"]: e["entry_id"] for e in entries.values()}
    x1, x2 = paper_of[by_key["export.csv:x1"]], paper_of[by_key["export.csv:x2"]]
    mates = {entries[e]["record_key"] for e, p in paper_of.items() if p == x1}
    assert len(mates) >= 4  # the row joined the copies from the pages
    assert [e for e, p in paper_of.items() if p == x2] == [by_key["export.csv:x2"]]


def test_each_entry_has_one_paper_and_a_confidence(sample_run):
    rows = sample_run["paper_entries"]
    assert len({r["entry_id"] for r in rows}) == len(rows) == len(sample_run["entries"])
    assert all(0.0 <= r["confidence"] <= 1.0 for r in rows)
    quality = sample_run["_manifest"][0]["matcher_quality"]["papers"]
    assert quality["threshold"] != 0.5 and quality["labels_match"] >= 4


def test_curator_labels_override_the_model(tmp_path: Path, sample_run):
    """A "different" label splits two copies the model merges; a "same" label
    merges two papers the model keeps apart, on every later run."""
    import shutil

    from pipeline.match_papers import paper_records
    from pipeline.matching import read_labels, write_labels

    labels_dir = tmp_path / "labels"
    shutil.copytree(Path(__file__).parents[1] / "training_labels", labels_dir)
    records = paper_records(sample_run["entries"])
    by_title: dict[str, list[str]] = defaultdict(list)
    for e in sample_run["entries"]:
        by_title[e["title"] or ""].append(e["record_key"])
    copy_a, copy_b = by_title["Constitutional AI: Harmlessness from AI Feedback"][:2]
    (one,) = by_title["Extracting Training Data from Large Language Models"]
    (two,) = by_title["Testing Robustness Against Unforeseen Adversaries"]
    labels = read_labels(labels_dir / "papers.json")
    labels.match = [p for p in labels.match if {p[0]["key"], p[1]["key"]} != {copy_a, copy_b}]
    labels.distinct.append((records[copy_a], records[copy_b]))
    labels.match.append((records[one], records[two]))
    write_labels(labels_dir / "papers.json", labels)
    result = build_tables(RAW, options=Options(labels_dir=labels_dir, cache_dir=tmp_path / "c"))
    tables = {n: t.to_pylist() for n, t in result.tables.items()}
    key_of = {e["entry_id"]: e["record_key"] for e in tables["entries"]}
    paper = {key_of[r["entry_id"]]: r["paper_id"] for r in tables["paper_entries"]}
    assert paper[copy_a] != paper[copy_b]
    assert paper[one] == paper[two]


def test_same_title_and_byline_is_one_listing_unless_the_arxiv_ids_differ():
    from pipeline.match_papers import same_listing

    def rec(title, authors, arxiv=None, abstract=None):
        return {
            "title": title,
            "abstract": abstract,
            "authors": frozenset(authors),
            "arxiv_id": arxiv,
        }

    full = rec("scaling laws", {"kaplan", "mccandlish", "henighan"})
    assert same_listing(full, rec("scaling laws", {"kaplan", "mccandlish", "henighan"}))
    assert same_listing(full, rec("scaling laws", {"kaplan", "mccandlish"}))  # cut short
    assert not same_listing(full, rec("scaling laws", {"kaplan"}))  # one shared name proves little
    assert not same_listing(full, rec("scaling laws", {"kaplan", "brown"}))
    assert not same_listing(full, rec("scaling laws revisited", {"kaplan", "mccandlish"}))
    assert not same_listing(
        rec("scaling laws", {"kaplan", "brown"}, "2001.08361"),
        rec("scaling laws", {"kaplan", "brown"}, "2005.14165"),
    )
    abstract_only = rec(None, {"kaplan", "brown"}, abstract="we study empirical scaling")
    assert same_listing(
        abstract_only, rec("t", {"kaplan", "brown"}, abstract="we study empirical scaling")
    )
    assert not same_listing(abstract_only, rec(None, {"kaplan", "brown"}))


def test_one_arxiv_id_is_one_paper_unless_the_titles_disagree():
    from pipeline.match_papers import same_arxiv_id

    def rec(arxiv, title=None):
        return {"arxiv_id": arxiv, "title": title, "abstract": None, "authors": None}

    row = rec("2001.08361", "scaling laws for neural language models")
    assert same_arxiv_id(row, rec("2001.08361"))  # an abstract-only listing
    assert same_arxiv_id(row, rec("2001.08361", "scaling laws for language models"))
    assert not same_arxiv_id(row, rec("2005.14165"))
    assert not same_arxiv_id(rec(None), rec(None))
    assert not same_arxiv_id(row, rec("2001.08361", "a survey of graph neural networks"))


def test_an_abstract_only_listing_joins_a_row_by_its_arxiv_id(tmp_path: Path, model_cache: Path):
    """They share nothing else: the listing has no title or byline, the row no abstract."""
    folder = tmp_path / "in"
    folder.mkdir()
    for page in RAW.iterdir():
        (folder / page.name).write_bytes(page.read_bytes())
    abstract = (
        "We measure how grid frequency drifts when wind farms replace steam turbines, "
        "using a year of sub-second recordings from four interconnected regions, and "
        "find that synthetic inertia recovers most of the lost stability margin."
    )
    (folder / "listing.txt").write_text(
        f"Abstract:{abstract}\narXiv:2103.04567\n"
        f"Abstract:{abstract.replace('wind', 'solar')}\narXiv:2103.09999\n"
    )
    (folder / "export.csv").write_text(
        "id,title,authors,year,arxiv_id\n"
        'x1,"Synthetic Inertia in Low-Inertia Grids","Ana Souza; Bo Li",2021,2103.04567\n'
    )
    result = build_tables(folder, options=Options(cache_dir=model_cache))
    entries = result.tables["entries"].to_pylist()
    paper_of = {r["entry_id"]: r["paper_id"] for r in result.tables["paper_entries"].to_pylist()}
    by_id = defaultdict(set)
    for e in entries:
        if e["record_key"].startswith(("listing.txt", "export.csv")):
            by_id[e["arxiv_id"]].add(paper_of[e["entry_id"]])
    assert len(by_id["2103.04567"]) == 1  # the listing and the row: one paper
    assert by_id["2103.04567"].isdisjoint(by_id["2103.09999"])


def test_paper_records_parse_each_distinct_name_once(monkeypatch):
    from pipeline import match_papers
    from tests.helpers import record_calls

    asked = record_calls(monkeypatch, match_papers, "name_parts")
    entries = [
        {"record_key": f"r{i}", "authors": ["Wei Wang", "A. Ruiz", "Ana Ruiz"][: 1 + i % 3]}
        for i in range(12)
    ]
    records = match_papers.paper_records(entries)
    assert sorted(asked) == ["A. Ruiz", "Ana Ruiz", "Wei Wang"]
    assert records["r2"]["authors"] == frozenset({"wang", "ruiz"})
    assert records["r0"]["authors"] == frozenset({"wang"})


def test_papers_are_scored_and_clustered_in_one_process_with_their_records_let_go(
    monkeypatch, model_cache
):
    """With two jobs, paper matching still forks no worker (`PAIRING.processes`), and
    the records are gone before clustering starts."""
    import weakref

    from pipeline import api, match_papers, matching

    class _Record(dict):
        pass

    made: list[weakref.ref] = []
    real_records, real_shared, real_clusters = (
        match_papers.paper_records,
        matching.shared_out,
        matching.constrained_clusters,
    )

    def records(entries):
        out = {k: _Record(r) for k, r in real_records(entries).items()}
        made.extend(weakref.ref(r) for r in out.values())
        return out

    jobs: dict[str, int] = {}

    def shared(work, items, n, cost, what):
        jobs[what] = n
        return real_shared(work, items, n, cost, what)

    alive: list[int] = []

    def clusters(*args, **kwargs):
        alive.append(sum(r() is not None for r in made))
        return real_clusters(*args, **kwargs)

    monkeypatch.setattr(match_papers, "paper_records", records)
    monkeypatch.setattr(matching, "shared_out", shared)
    monkeypatch.setattr(matching, "constrained_clusters", clusters)
    options = Options(cache_dir=model_cache, num_cores=2)
    _, entries = api.read_inputs(RAW, options, None, {})
    rows, _ = api.papers_of(entries, {}, options, {})[:2]
    assert rows and made and jobs and alive
    assert jobs == {"scoring": 1, "clustering": 1} and alive == [0]

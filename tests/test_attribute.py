"""Profiles and attribution: owners, namesakes, field changes, decisions."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.api import Options, build_tables
from pipeline.attribute import (
    Decision,
    Evidence,
    append_decision,
    calibrate,
    infer_owner,
    names_match,
    read_decisions,
    score,
    status_of,
)
from pipeline.errors import ConfigError


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
    namesake = Evidence(
        namesake="Wei Zhang, n_1",
        byline_size=3,
        topic_similarity=0.02,
        paper_field="physics",
        owner_fields={"computing"},
    )
    s, reasons = score(namesake)
    assert status_of(s) == "likely_misattributed" and "another person" in reasons[0]
    # the same name resolved apart, but nothing else says it is not the owner's: review
    split = Evidence(namesake="Wei Zhang, n_1", byline_size=3, topic_similarity=0.15)
    assert status_of(score(split)[0]) == "needs_review"
    # a career that changed field: shared coauthors keep the paper the owner's
    moved = Evidence(
        byline_size=3,
        shared_coauthors=["Ming Li", "Hao Wu"],
        topic_similarity=0.02,
        paper_field="biology",
        owner_fields={"computing"},
    )
    assert status_of(score(moved)[0]) == "consistent"
    # abstract only, everywhere: topic alone never flags it
    bare = Evidence(
        byline_size=0, topic_similarity=0.0, paper_field="physics", owner_fields={"computing"}
    )
    assert status_of(score(bare)[0]) == "needs_review"
    assert score(Evidence(owner_on_byline=True, owner_as_written="W. Zhang"))[0] == 0.0


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

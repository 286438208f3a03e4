"""Shape 3: compact lists (title glued to byline, scores, dates without a year)."""

from __future__ import annotations

from tests.helpers import PAGES, extract, sample


def test_sample_compact_list():
    result = extract(sample("002"))
    assert result.source["format"] == "compact_list"
    assert result.source["owner_name"] is None
    assert len(result.entries) == 18 and not result.quarantine
    by_title = {e["title"]: e for e in result.entries}
    cai = by_title["Constitutional AI: Harmlessness from AI Feedback"]
    assert cai["authors"] == ["Yuntao Bai", "Saurav Kadavath", "Sandipan Kundu"]
    repeated = by_title["Scaling Laws and Interpretability of Learning from Repeated Data"]
    assert repeated["authors"][0] == "Danny Hernandez"
    mismatch = next(e for e in result.entries if e["title"].startswith("Managing the Mismatch"))
    assert mismatch["title"].endswith("Carbon-Neutral Energy System")
    assert mismatch["authors"] == ["Julian Geis", "Michael Lindner", "Tom Brown"]
    assert mismatch["authors_truncated"] is False
    assert mismatch["score"] == 60.1 and mismatch["category"] == "SOC-PH"
    assert mismatch["published_raw"] == "Apr 1"
    hoersch = by_title["Linear Optimal Power Flow Using Cycle Flows"]
    assert hoersch["authors"][0] == "Jonas Hörsch"
    assert (
        "$"
        not in by_title["Transfer of Adversarial Robustness Between Perturbation Types"]["abstract"]
    )


def test_written_compact_list_title_endings():
    result = extract(PAGES / "l1.txt")
    titles = [e["title"] for e in result.entries]
    assert titles == [
        "Attention Is Not All You Need: Pure Attention Loses Rank Doubly Exponentially with Depth",
        "Vision Transformers for Dense Prediction (DPT)",
        "Quantum Supremacy Using a Programmable Superconducting Processor?",
        "Scaling Laws for GPT-4",
        "Benchmarking LLMs on MMLU",
    ]
    authors = [e["authors"] for e in result.entries]
    assert authors[0] == ["Yihe Dong", "Jean-Baptiste Cordonnier"]
    assert authors[1] == ["René Ranftl", "Alexey Bochkovskiy", "Vladlen Koltun"]
    assert authors[3] == ["Sam O'Connor", "Ana Lúcia de Souza"]
    assert authors[4] == ["Priya Raman", "Kwame Mensah"]
    first = result.entries[0]
    assert first["score"] == 71.2 and first["category"] == "CS-LG"
    assert first["published_raw"] == "May 9" and first["affiliations"] == ["google", "epfl"]
    assert [e["authors_truncated"] for e in result.entries] == [True, False, True, True, False]

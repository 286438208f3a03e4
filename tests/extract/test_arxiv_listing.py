"""Shape 5: abstracts closed by an arXiv id glued to the next abstract."""

from __future__ import annotations

from tests.helpers import PAGES, extract, sample


def test_sample_arxiv_listing_ids_close_the_entry_before():
    result = extract(sample("004"))
    assert result.source["format"] == "arxiv_listing"
    assert not result.quarantine
    pairs = [(e["arxiv_id"], e["abstract"][:30]) for e in result.entries]
    assert pairs[0] == ("2310.13798", "Human feedback can prevent ove")
    assert pairs[1] == ("2310.13548", "Reinforcement learning from hu")
    assert result.entries[1]["comments"] == ["32 pages, 20 figures"]
    assert pairs[3][0] == "2307.13702" and pairs[3][1].startswith("Large language models")
    assert result.entries[-1]["arxiv_id"] == "2011.01696"
    assert result.entries[-1]["comments"] == [
        "Machine Learning for Health (ML4H) at NeurIPS 2020 - Extended Abstract"
    ]
    assert len(result.entries) == 8


def test_written_arxiv_listing_old_ids_versions_and_cut_tail():
    result = extract(PAGES / "x1.txt")
    assert [e["arxiv_id"] for e in result.entries] == [
        "1905.01234",
        "hep-th/9901001",
        "2101.00002",
    ]
    assert result.entries[1]["comments"] == ["10 pages"]
    assert result.entries[2]["comments"] == ["Published in JHEP"]
    (q,) = result.quarantine
    assert q["raw_text"] == "This abstract was cut off before its closing id"
    assert q["line_start"] == 7 and "no id closing it" in q["reason"]

"""Shape 1: profile pages (owner header, category+date, title, byline, abstract)."""

from __future__ import annotations

import json

from tests.helpers import PAGES, extract, extract_page, sample


def test_sample_profile_page_entries_and_header():
    result = extract(sample("000"))
    assert result.source["format"] == "profile_page"
    assert result.source["owner_name"] == "Anna Chen"
    assert result.source["declared_paper_count"] == 14
    stats = json.loads(result.source["page_stats"])
    assert stats["citations"] == "13,274"
    assert len(result.entries) == 14 and not result.quarantine
    assert not result.issues  # 14 declared, 14 parsed
    first = result.entries[0]
    assert first["title"] == "Constitutional AI: Harmlessness from AI Feedback"
    assert first["authors"] == ["Yuntao Bai", "Saurav Kadavath", "Sandipan Kundu"]
    assert first["authors_truncated"] is True
    assert first["affiliations"] == ["anthropic", "berkeley"]
    assert first["category"] == "CL" and first["published_raw"] == "Dec 15, 2022"
    assert first["abstract"].startswith("As AI systems become more capable")
    names = {a for e in result.entries for a in e["authors"]}
    assert "Kamilė Lukošiūtė" in names and "Samuel R. Bowman" in names
    # entries without affiliations still parse their byline
    last = result.entries[-1]
    assert last["authors"] == ["Huayan Wang", "Anna Chen", "Yi Liu"]
    assert last["affiliations"] == [] and last["published_raw"] == "Nov 8, 2016"
    assert [e["position"] for e in result.entries] == list(range(14))


def test_written_profile_page_with_glitches():
    result = extract(PAGES / "p1.txt")
    assert result.source["format"] == "profile_page"
    assert result.source["owner_name"] == "Maria de la Cruz"
    titles = [e["title"] for e in result.entries]
    assert titles == [
        "Sparse Mixtures of Experts at Scale",
        "GPT-2 Fine-Tuning for Low-Resource Languages: A Study in 12 Languages",
        "Why Does SGD Work?",
    ]
    e0, e1, e2 = result.entries
    assert e0["authors"] == ["Maria de la Cruz", "Jean-Luc Picard", "Øyvind Hansen"]
    assert e0["abstract"].endswith("A second paragraph of the abstract continues here.")
    assert "10^9" in e0["abstract"] and "$" not in e0["abstract"]
    assert e1["authors"] == ["Maria de la Cruz", "Wei Zhang"] and not e1["authors_truncated"]
    assert e1["category"] == "CS.AI" and "\\emph" not in e1["abstract"]
    assert e2["authors"] == ["Kelly O'Brien", "Maria De La Cruz"]
    assert "Show more" not in (e2["abstract"] or "")
    # the cut-off last entry is quarantined, and the count mismatch reported
    (q,) = result.quarantine
    assert q["position"] == 3 and "truncated" in q["reason"] and q["line_start"] == 35
    assert "Learning to Count Objects" in q["raw_text"]
    (issue,) = result.issues
    assert issue["check"] == "declared_paper_count" and "4 papers" in issue["message"]


def test_entries_own_their_author_lists_though_bylines_are_parsed_once():
    first = extract(sample("000")).entries
    first[0]["authors"].append("Someone Else")
    first[0]["affiliations"].clear()
    again = extract(sample("000")).entries[0]
    assert again["authors"] == ["Yuntao Bai", "Saurav Kadavath", "Sandipan Kundu"]
    assert again["affiliations"] == ["anthropic", "berkeley"]


def test_a_venue_and_date_line_is_no_entry_marker(tmp_path):
    """ "ICRA 1 May 2022" has the shape of a category and date; no byline under it
    makes it this shape's marker, so the page is read as the citations it is."""
    text = (
        "Ada Park\n\nLearning to Grasp\n\nAda Park, Jon Okoye, Mei Lin\n"
        "Conference on Robot Learning 15 March 2021\n\nTransfer for Hands\n\n"
        "Ada Park, Jon Okoye\nICRA 1 May 2022\n"
    )
    result = extract_page(tmp_path, text, "citation_list")
    assert [e["title"] for e in result.entries] == ["Learning to Grasp", "Transfer for Hands"]

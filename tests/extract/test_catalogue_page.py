"""Shape 2: catalogue pages (full author lists, figures, comments, closing badge)."""

from __future__ import annotations

from tests.helpers import PAGES, extract, extract_page, sample


def test_sample_catalogue_page():
    result = extract(sample("001"))
    assert result.source["format"] == "catalogue_page"
    assert result.source["owner_name"] == "Tom Conerly"
    assert not result.quarantine
    titles = [e["title"] for e in result.entries]
    assert titles == [
        "Constitutional AI: Harmlessness from AI Feedback",
        "In-context Learning and Induction Heads",
        "Language Models (Mostly) Know What They Know",
        "Scaling Laws and Interpretability of Learning from Repeated Data",
        "Training a Helpful and Harmless Assistant with Reinforcement Learning from Human Feedback",
    ]
    cai = result.entries[0]
    assert len(cai["authors"]) == 51 and not cai["authors_truncated"]
    assert cai["authors"][-1] == "Jared Kaplan" and "Sheer El Showk" in cai["authors"]
    assert all("Figure" not in (e["abstract"] or "") for e in result.entries)
    assert all("Viaarxiv" not in (e["abstract"] or "") for e in result.entries)
    know = result.entries[2]
    assert know["published_raw"] == "Jul 16, 2022"
    assert know["comments"] == ["23+17 pages; refs added, typos fixed"]
    assert "Zac Hatfield Dodds" in know["authors"]
    hh = result.entries[4]
    assert hh["comments"] == ["Data available at https://github.com/anthropics/hh-rlhf"]


def test_written_catalogue_page():
    result = extract(PAGES / "c1.txt")
    assert result.source["owner_name"] == "Priya Raman"
    assert [e["title"] for e in result.entries] == [
        "Graph Neural Networks for Molecules",
        "Robust Control of Quadrotors",
        "Federated Learning Without Trust",
    ]
    g, r, f = result.entries
    assert g["authors"] == ["Priya Raman", "José Álvarez-Ruiz", "Li Wei", "Kwame Mensah"]
    assert g["comments"] == ["12 pages, 4 figures", "Accepted at ICML 2023"]
    assert r["abstract"].endswith("https://example.org/~quad/demo for videos.")
    # an entry missing its date still stands alone, opened by the previous badge
    assert f["published_raw"] is None and f["authors"] == ["Kwame Mensah", "Priya Raman"]
    assert not result.quarantine


RESEARCH_ITEMS = """Kofi Mensah
University of Ghana
Research items (2)

Article
Robust Tokenization for Low-Resource Languages
June 2021
Jane Q. Doe \u00b7 Kofi Mensah \u00b7 Lena Fischer
Tokenizers trained on high-resource corpora fragment words in low-resource languages.

Conference Paper
Speech Recognition for Twi with Self-Supervised Pretraining
October 2019
Kofi Mensah \u00b7 Ama Owusu
We pretrain a speech encoder on untranscribed Twi radio.
"""


def test_the_kind_of_work_above_a_title_opens_its_entry(tmp_path):
    path = tmp_path / "items.txt"
    path.write_text(RESEARCH_ITEMS, encoding="utf-8")
    result = extract(path)
    assert result.source["format"] == "catalogue_page"
    assert result.source["owner_name"] == "Kofi Mensah"
    assert result.source["declared_paper_count"] == 2
    first, second = result.entries
    assert first["title"] == "Robust Tokenization for Low-Resource Languages"
    assert first["authors"] == ["Jane Q. Doe", "Kofi Mensah", "Lena Fischer"]
    assert first["comments"] == ["Article"] and first["line_start"] == 5
    # the next entry's kind is not this abstract's last words
    assert first["abstract"].endswith("low-resource languages.")
    assert second["title"].startswith("Speech") and second["comments"] == ["Conference Paper"]


RESEARCH_ITEMS_WITH_VENUES = """Kofi Mensah
Research items (3)

Article
Full-text available
Robust Tokenization for Low-Resource Languages
March 2023 \u00b7 Transactions of the ACL
Jane Q. Doe \u00b7 Kofi Mensah \u00b7 [...] \u00b7 Lena Fischer
We study tokenizers for languages with little text.
View

Preprint
Speech Recognition for Twi
Jan 2022
Kofi Mensah \u00b7 Ama Owusu
Download

Article
Morphology-aware language models
2021 \u00b7 Computational Linguistics 47(2):1-20
Kofi Mensah
"""


def test_a_date_beside_its_venue_and_site_labels_around_an_entry(tmp_path):
    """ResearchGate's layout: access labels above the title, the venue beside the date,
    names parted by dots with "[...]" for those left out, a button below."""
    result = extract_page(tmp_path, RESEARCH_ITEMS_WITH_VENUES, "catalogue_page")
    assert result.source["declared_paper_count"] == len(result.entries) == 3
    first, second, third = result.entries
    assert first["title"] == "Robust Tokenization for Low-Resource Languages"
    assert (first["published_raw"], first["venue"]) == ("March 2023", "Transactions of the ACL")
    assert first["authors"] == ["Jane Q. Doe", "Kofi Mensah", "Lena Fischer"]
    assert first["authors_truncated"] and first["comments"] == ["Article"]
    assert first["abstract"] == "We study tokenizers for languages with little text."
    assert second["abstract"] is None and second["venue"] is None
    assert (third["published_raw"], third["authors"]) == ("2021", ["Kofi Mensah"])
    assert third["venue"] == "Computational Linguistics 47(2):1-20"

"""Labelled records ("Title: ...", RIS): the fallback when no page shape fits."""

from __future__ import annotations

from pathlib import Path

from pipeline.extract.tagged_records import detect
from tests.helpers import RAW, extract, extract_page

LISTING = """\
Jane Q. Doe
Publications (3)

arXiv: 2212.08073v2 [pdf, other]
Title: Constitutional AI: Harmlessness from AI Feedback
Authors: Yuntao Bai, Saurav Kadavath, Sandipan Kundu, Jane Q. Doe et al.
Abstract: As AI systems become more capable, we would like to enlist their help
to supervise other AIs.
Comments: 34 pages
Subjects: Computation and Language (cs.CL); Artificial Intelligence (cs.AI)
Published: 2022-12-15

arXiv: 2209.11895
Title: In-context Learning and Induction Heads
Authors: Catherine Olsson and Jane Q. Doe
Published: Sep 24, 2022

arXiv: 2301.00001
Authors: Nobody Known
"""

RIS = """\
TY  - JOUR
TI  - Linear Optimal Power Flow Using Cycle Flows
AU  - Hörsch, Jonas
AU  - Ronellenfitsch, Henrik
AU  - Brown, Tom
PY  - 2018/01/31/
JO  - Electric Power Systems Research
UR  - https://arxiv.org/abs/1704.01881
AB  - Linear optimal power flow (LOPF) algorithms use a linearization
      of the alternating current load flow equations.
ER  -

TY  - CONF
T1  - Dual theory of transmission line outages
AU  - Ronellenfitsch, Henrik
PY  - 2017///
ER  -
"""


def test_labelled_listing(tmp_path: Path):
    path = tmp_path / "listing.txt"
    path.write_text(LISTING, encoding="utf-8")
    result = extract(path)
    assert result.source["format"] == "tagged_records"
    assert result.source["owner_name"] == "Jane Q. Doe"
    first, second = result.entries
    assert first["title"] == "Constitutional AI: Harmlessness from AI Feedback"
    assert first["authors"][-1] == "Jane Q. Doe" and first["authors_truncated"]
    assert first["abstract"].endswith("to supervise other AIs.")
    assert first["arxiv_id"] == "2212.08073" and first["category"] == "cs.CL"
    assert first["published_raw"] == "2022-12-15" and first["comments"] == ["34 pages"]
    assert (first["line_start"], first["line_end"]) == (4, 12)
    assert second["authors"] == ["Catherine Olsson", "Jane Q. Doe"]
    assert second["published_raw"] == "Sep 24, 2022"
    (q,) = result.quarantine
    assert q["line_start"] == 18 and "neither a title nor an abstract" in q["reason"]


def test_ris_export(tmp_path: Path):
    path = tmp_path / "export.ris"
    path.write_text(RIS, encoding="utf-8")
    result = extract(path)
    assert result.source["format"] == "tagged_records"
    first, second = result.entries
    assert first["authors"] == ["Jonas Hörsch", "Henrik Ronellenfitsch", "Tom Brown"]
    assert first["published_raw"] == "2018-01-31" and first["arxiv_id"] == "1704.01881"
    assert first["venue"] == "Electric Power Systems Research"
    assert first["abstract"].endswith("load flow equations.")
    assert second["title"] == "Dual theory of transmission line outages"
    assert second["authors"] == ["Henrik Ronellenfitsch"] and second["published_raw"] == "2017"


def test_page_shapes_keep_their_pages():
    """A fallback never takes a page a page shape reads (abstract lists say "Abstract:")."""
    for page in RAW.glob("*.txt"):
        assert extract(page).source["format"] != "tagged_records"
    assert detect("Meeting notes\n\nWe talked about the weather.\n") == 0.0


ARXIV_AUTHOR_PAGE = """Showing 1–2 of 2 results for author: Brown, T

[1]  arXiv:2212.08073  [pdf, other]
Title: Constitutional AI: Harmlessness from AI Feedback
Authors: Yuntao Bai, Saurav Kadavath, Sandipan Kundu
Comments: 34 pages
Subjects: Computation and Language (cs.CL); Artificial Intelligence (cs.AI)

[2]  arXiv:2005.14165v4  [pdf, other]
Title: Language Models are Few-Shot Learners
Authors: Tom B. Brown, Benjamin Mann
"""

ARXIV_SEARCH = """arXiv:2212.08073  [pdf, other]  cs.CL cs.AI
Constitutional AI: Harmlessness from AI Feedback
Authors: Yuntao Bai, Saurav Kadavath, Sandipan Kundu
Abstract: As AI systems become more capable, we would like to enlist their help.
Submitted 15 December, 2022; originally announced December 2022.

arXiv:2005.14165  [pdf, other]  cs.CL
Language Models are Few-Shot Learners
Authors: Tom B. Brown, Benjamin Mann
Abstract: Recent work has demonstrated substantial gains.
Submitted 28 May, 2020; originally announced May 2020.
"""


def test_arxiv_listings_open_records_with_their_ids(tmp_path: Path):
    """An author listing and search results: each id line opens a record, whose title may
    come unlabelled; neither is taken for the abstracts-closed-by-ids shape."""
    for name, text in (("author", ARXIV_AUTHOR_PAGE), ("search", ARXIV_SEARCH)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        result = extract(path)
        assert result.source["format"] == "tagged_records" and not result.quarantine
        first, second = result.entries
        assert first["title"] == "Constitutional AI: Harmlessness from AI Feedback"
        assert first["authors"] == ["Yuntao Bai", "Saurav Kadavath", "Sandipan Kundu"]
        assert (first["arxiv_id"], first["category"]) == ("2212.08073", "cs.CL")
        assert second["arxiv_id"] == "2005.14165"
        assert second["title"] == "Language Models are Few-Shot Learners"
        assert second["authors"] == ["Tom B. Brown", "Benjamin Mann"]
    assert first["published_raw"] == "15 December, 2022"  # the search's "Submitted" line
    assert second["published_raw"] == "28 May, 2020"
    assert first["abstract"].endswith("enlist their help.")  # not run on into "Submitted"
    assert first["line_start"] == 1 and second["line_start"] == 7


def test_an_authors_field_that_names_nobody_is_quarantined(tmp_path: Path):
    path = tmp_path / "records.txt"
    path.write_text(
        "Title: Sparse Attention\nAuthors: Jane Q. Doe, Miguel Alvarez\nYear: 2023\n\n"
        "Title: Calibrated Retrieval\nAuthors: - family-names: Doe given-names: Jane\n",
        encoding="utf-8",
    )
    result = extract(path)
    (entry,) = result.entries
    assert entry["authors"] == ["Jane Q. Doe", "Miguel Alvarez"]
    (q,) = result.quarantine
    assert "names nobody" in q["reason"] and "family-names" in q["reason"]


MEDLINE = """\
PMID- 12345678
TI  - Deep learning for protein structure prediction with
      attention.
AB  - We present a method for predicting protein structures.
FAU - Jumper, John
AU  - Jumper J
FAU - Evans, Richard
AU  - Evans R
DP  - 2021 Aug
TA  - Nature
JT  - Nature
LID - 10.48550/arXiv.2108.00001 [doi]

PMID- 23456789
TI  - Highly accurate protein structure prediction.
FAU - Hassabis, Demis
AU  - Hassabis D
VI  - 596
DP  - 2021 Jul 15
"""

REFER = """\
%0 Journal Article
%T Constitutional AI: Harmlessness from AI Feedback
%A Bai, Yuntao
%A Kadavath, Saurav
%D 2022
%J arXiv preprint
%P 1-34
%U https://arxiv.org/abs/2212.08073

%0 Conference Proceedings
%T Scaling Laws for Neural Language Models
%A Kaplan, Jared
%X We study empirical scaling laws.
"""


def test_a_pubmed_medline_export(tmp_path: Path):
    path = tmp_path / "pubmed.nbib"
    path.write_text(MEDLINE, encoding="utf-8")
    result = extract(path)
    assert result.source["format"] == "tagged_records" and not result.quarantine
    first, second = result.entries
    assert first["title"] == "Deep learning for protein structure prediction with attention"
    assert first["authors"] == ["John Jumper", "Richard Evans"]  # the full names, once each
    assert (first["published_raw"], first["venue"]) == ("Aug 2021", "Nature")
    assert first["arxiv_id"] == "2108.00001" and first["record_key"] == "pubmed.nbib:12345678"
    assert second["published_raw"] == "Jul 15, 2021"  # "VI  - 596" went to no field


def test_an_endnote_refer_export(tmp_path: Path):
    path = tmp_path / "refs.enw"
    path.write_text(REFER, encoding="utf-8")
    first, second = extract(path).entries
    assert first["authors"] == ["Yuntao Bai", "Saurav Kadavath"]
    assert (first["venue"], first["arxiv_id"], first["published_raw"]) == (
        "arXiv preprint",
        "2212.08073",
        "2022",
    )
    assert first["comments"] == []  # "%P 1-34" and "%0 Journal Article" are read by nobody
    assert second["abstract"] == "We study empirical scaling laws."


RULED = """ADA PARK - SELECTED PUBLICATIONS
--------------------------------
Title: Learning to Grasp with Tactile Sensing
Authors: Ada Park, Jon Okoye, Mei Lin
Venue: CoRL 2021
--------------------------------
Title: Sim-to-Real Transfer for Dexterous Hands
Authors: Ada Park, Jon Okoye
Venue: ICRA 2022
Year: 2021
================================
"""


def test_rules_between_records_and_a_venues_year(tmp_path: Path):
    result = extract_page(tmp_path, RULED, "tagged_records")
    first, second = result.entries
    assert [first["venue"], second["venue"]] == ["CoRL 2021", "ICRA 2022"]  # no rule in them
    assert first["published_raw"] == "2021"  # the venue's year, with no date field
    assert second["published_raw"] == "2021"  # a date field's, where there is one


ZOTERO_RIS = """\
TY  - JOUR
TI  - Learning to grasp transparent objects
AU  - Park, Ada
AU  - Lin, Mei
T2  - Robotics and Automation Letters
J2  - RA-L
PY  - 2022
DA  - 2022/03/01/
ER  -

TY  - CONF
TI  - Sim-to-real transfer for legged locomotion
AU  - Okoye, Jonas
PY  - 2021
ER  -
"""


def test_an_ris_record_saying_its_date_and_venue_twice_is_one_record(tmp_path: Path):
    path = tmp_path / "zotero.ris"
    path.write_text(ZOTERO_RIS.replace("J2  -", "JO  -"), encoding="utf-8")
    result = extract(path)
    assert not result.quarantine
    first, second = result.entries
    assert first["authors"] == ["Ada Park", "Mei Lin"]
    assert (first["venue"], first["published_raw"]) == (
        "Robotics and Automation Letters",  # the first of T2 and JO
        "2022-03-01",  # the fullest of PY and DA
    )
    assert second["title"] == "Sim-to-real transfer for legged locomotion"


REFWORKS = """\
RT Journal Article
SR Electronic(1)
A1 Park, Ada
A1 Lin, Mei
A2 Editor, Ed
T1 Learning to grasp transparent objects
JF Robotics and Automation Letters
YR 2022
FD Mar 1
AB We grasp transparent objects.
UL https://arxiv.org/abs/2203.01234

RT Conference Proceedings
A1 Okoye, Jonas
T1 Sim-to-real transfer for legged locomotion
T2 Conference on Robot Learning
YR 2021
"""


def test_a_refworks_export(tmp_path: Path):
    result = extract_page(tmp_path, REFWORKS, "tagged_records", "refworks.txt")
    assert not result.quarantine
    first, second = result.entries
    assert first["authors"] == ["Ada Park", "Mei Lin"]  # A2: an editor
    assert (first["title"], first["venue"], first["published_raw"]) == (
        "Learning to grasp transparent objects",
        "Robotics and Automation Letters",
        "2022",
    )
    assert (first["abstract"], first["arxiv_id"]) == ("We grasp transparent objects.", "2203.01234")
    assert (second["authors"], second["venue"]) == (["Jonas Okoye"], "Conference on Robot Learning")


def test_two_capitals_opening_prose_are_no_refworks_tags(tmp_path: Path):
    text = "Title: Learning to grasp\nAuthors: Ada Park\nAbstract: We grasp\nAI agents grasp.\n"
    path = tmp_path / "listing.txt"
    path.write_text(text, encoding="utf-8")
    (entry,) = extract(path).entries
    assert entry["abstract"] == "We grasp AI agents grasp."


WOS = """\
FN Clarivate Analytics Web of Science
VR 1.0
PT J
AU Park, A
   Lin, M
AF Park, Ada
   Lin, Mei
TI Learning to grasp transparent
   objects
SO ROBOTICS AND AUTOMATION LETTERS
AB We grasp transparent objects.
PY 2022
ID ROBOTS; GRASPING
UT WOS:000000000000001
ER

PT C
AU Okoye, J
TI Sim-to-real transfer for legged locomotion
SO CONFERENCE ON ROBOT LEARNING
PY 2021
ER

EF
"""


def test_a_web_of_science_export(tmp_path: Path):
    result = extract_page(tmp_path, WOS, "tagged_records", "savedrecs.txt")
    assert not result.quarantine
    first, second = result.entries
    assert first["authors"] == ["Ada Park", "Mei Lin"]  # AF, a name a line, over AU
    assert (first["title"], first["venue"], first["published_raw"]) == (
        "Learning to grasp transparent objects",
        "ROBOTICS AND AUTOMATION LETTERS",
        "2022",
    )
    assert (second["authors"], second["title"]) == (
        ["J Okoye"],
        "Sim-to-real transfer for legged locomotion",
    )

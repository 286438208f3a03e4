"""Reference lists: Markdown CVs, numbered references, APA paragraphs, scholar tables."""

from __future__ import annotations

from pathlib import Path

from pipeline.extract import citation_list
from pipeline.extract.lines import split_lines
from tests.helpers import extract

MARKDOWN = """## Selected publications by Ada Lovelace

### 2022
1. **Measuring Progress on Scalable Oversight.** Ada Lovelace, Jeeyoon Hyun, Ethan Perez. [arXiv](https://arxiv.org/abs/2211.03540), November 2022.
2. **Harmlessness from Feedback.** Yuntao Bai, Saurav Kadavath, Sandipan Kundu et al. *arXiv preprint*, 2022.

### 2021
3. **What Will it Take to Fix Benchmarking?** Ada Lovelace and George E. Dahl. *NAACL* 2021.
- Contact: ada@example.org
"""  # noqa: E501

NUMBERED = """References

[1] T. Brown, B. Mann, N. Ryder, et al. Language models are few-shot learners. In Advances in Neural Information Processing Systems, 2020.
[2] Y. Bai, S. Kadavath, and S. Kundu. "Constitutional AI: Harmlessness from AI feedback," arXiv:2212.08073, Dec. 2022.
"""  # noqa: E501

APA = """Publications

Brown, T., Mann, B., & Ryder, N. (2020). Language models are few-shot learners. Advances in Neural Information Processing Systems, 33.

Kaplan, J., & McCandlish, S. (2020). Scaling laws for neural language models.
arXiv preprint.

Bai, Y., & Kadavath, S. (2022). Constitutional AI: harmlessness from
AI feedback. arXiv preprint.
"""  # noqa: E501

SCHOLAR = """Tom Brown
Anthropic

TITLE\tCITED BY\tYEAR
Language models are few-shot learners
T Brown, B Mann, N Ryder, M Subbiah
Advances in neural information processing systems 33, 1877-1901
25000\t2020
Scaling laws for neural language models
J Kaplan, S McCandlish,
T Henighan, TB Brown
arXiv preprint arXiv:2001.08361
3000\t2020
"""


def _read(tmp_path: Path, text: str):
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    result = extract(path)
    assert result.source["format"] == "citation_list"
    return result


def test_markdown_publication_list(tmp_path: Path):
    result = _read(tmp_path, MARKDOWN)
    assert result.source["owner_name"] == "Ada Lovelace"
    assert "### 2021" in result.source["header_text"]  # a subheading is kept, not an entry
    first, second, third = result.entries
    assert first["title"] == "Measuring Progress on Scalable Oversight"
    assert first["authors"] == ["Ada Lovelace", "Jeeyoon Hyun", "Ethan Perez"]
    assert first["arxiv_id"] == "2211.03540" and first["published_raw"] == "November 2022"
    assert first["venue"] == "arXiv" and first["line_start"] == 4
    assert second["authors_truncated"] is True and second["venue"] == "arXiv preprint"
    assert (third["title"], third["venue"], third["published_raw"]) == (
        "What Will it Take to Fix Benchmarking?",
        "NAACL",
        "2021",
    )
    (contact,) = result.quarantine
    assert contact["line_start"] == 9 and "not a citation" in contact["reason"]


def test_numbered_references(tmp_path: Path):
    first, second = _read(tmp_path, NUMBERED).entries
    assert first["title"] == "Language models are few-shot learners"
    assert first["authors"] == ["T. Brown", "B. Mann", "N. Ryder"]
    assert first["authors_truncated"] is True and first["published_raw"] == "2020"
    assert first["venue"] == "Advances in Neural Information Processing Systems"
    assert second["title"] == "Constitutional AI: Harmlessness from AI feedback"  # quoted
    assert second["authors"] == ["Y. Bai", "S. Kadavath", "S. Kundu"]
    assert second["arxiv_id"] == "2212.08073" and second["published_raw"] == "Dec. 2022"
    assert second["venue"] is None


def test_apa_paragraphs(tmp_path: Path):
    result = _read(tmp_path, APA)
    assert result.source["header_text"] == "Publications"
    first, second, third = result.entries
    assert first["authors"] == ["T. Brown", "B. Mann", "N. Ryder"]
    assert first["title"] == "Language models are few-shot learners"
    assert first["published_raw"] == "2020" and first["line_start"] == 3
    assert second["authors"] == ["J. Kaplan", "S. McCandlish"]
    assert second["venue"] == "arXiv preprint" and second["line_end"] == 6
    assert third["title"] == "Constitutional AI: harmlessness from AI feedback"  # wrapped


def test_a_scholar_profile_table_as_text(tmp_path: Path):
    result = _read(tmp_path, SCHOLAR)
    assert result.source["owner_name"] == "Tom Brown"
    first, second = result.entries
    assert first["title"] == "Language models are few-shot learners"
    assert first["authors"] == ["T Brown", "B Mann", "N Ryder", "M Subbiah"]
    assert first["venue"] == "Advances in neural information processing systems 33, 1877-1901"
    assert first["published_raw"] == "2020"  # the year column, not the page range's end
    assert (first["line_start"], first["line_end"]) == (5, 8)
    assert second["arxiv_id"] == "2001.08361" and second["venue"] == "arXiv preprint"
    assert second["title"] == "Scaling laws for neural language models"  # authors wrap


def test_an_abstract_under_a_citation(tmp_path: Path):
    abstract = "We study " + "how models scale with data and parameters, " * 6 + "and why."
    page = (
        f"Scaling laws\nJ Kaplan, S McCandlish\n{abstract}\n\n"
        f"Few-shot learners\nT Brown, B Mann\nNeurIPS 2020\n"
    )
    first, second = _read(tmp_path, page).entries
    assert first["abstract"] == abstract and first["published_raw"] is None
    assert second["abstract"] is None and second["venue"] == "NeurIPS"


def test_prose_with_years_is_no_reference_list():
    prose = (
        "About me\n\nI joined the lab in 2019. Before that I studied physics in Berlin.\n\n"
        "In 2021 I moved to Paris. I like hiking.\n"
    )
    assert citation_list.detect(prose) == 0.0
    assert citation_list.detect("x " * 10_000) == 0.0  # one long paragraph is not read


def test_one_citation_a_line_as_a_web_page_lists_them(tmp_path: Path):
    page = tmp_path / "pubs.html"
    page.write_text(
        "<html><body><h2>Publications</h2><ul>\n"
        "<li>T. Brown, B. Mann. <b>Language models are few-shot learners</b>. NeurIPS, 2020.</li>\n"
        "<li>J. Kaplan, S. McCandlish. <b>Scaling laws</b>. arXiv:2001.08361, 2020.</li>\n"
        "<li>Contact: ada@example.org</li>\n"
        "</ul></body></html>\n"
    )
    result = extract(page)
    assert result.source["format"] == "html_citation_list"
    assert result.source["header_text"] == "Publications"
    first, second = result.entries
    assert (first["title"], first["venue"], first["line_start"]) == (
        "Language models are few-shot learners",
        "NeurIPS",
        2,
    )
    assert second["authors"] == ["J. Kaplan", "S. McCandlish"]
    assert second["arxiv_id"] == "2001.08361"
    (contact,) = result.quarantine
    assert contact["line_start"] == 4 and "not a citation" in contact["reason"]


def test_a_single_author_beside_a_marked_title():
    (line,) = split_lines("- **Deep Learning.** Ada Lovelace. Nature Physics. 2020.")
    entry = citation_list.entry_of(citation_list.Item([line], wrapped=True))
    assert (entry.title, entry.authors) == ("Deep Learning", ["Ada Lovelace"])
    assert entry.venue == "Nature Physics"  # reads as a name too, but one lone name is all


DBLP_TEXT = """Tom B. Brown
2020 – today

2022
[j2]
Yuntao Bai, Saurav Kadavath, Tom B. Brown:
Constitutional AI: Harmlessness from AI Feedback. CoRR abs/2212.08073 (2022)

2020
[c1]
Tom B. Brown, Benjamin Mann, Nick Ryder:
Language Models are Few-Shot Learners. NeurIPS 2020
"""


def test_a_dblp_page_as_text(tmp_path: Path):
    result = _read(tmp_path, DBLP_TEXT)
    assert result.source["owner_name"] == "Tom B. Brown"
    first, second = result.entries
    assert first["authors"] == ["Yuntao Bai", "Saurav Kadavath", "Tom B. Brown"]
    assert first["title"] == "Constitutional AI: Harmlessness from AI Feedback"
    assert (first["arxiv_id"], first["published_raw"]) == ("2212.08073", "2022")
    assert (first["line_start"], first["line_end"]) == (5, 7)
    assert (second["title"], second["venue"]) == (
        "Language Models are Few-Shot Learners",
        "NeurIPS",
    )

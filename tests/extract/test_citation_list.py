"""Reference lists: Markdown CVs, numbered references, APA paragraphs, scholar tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.extract import citation_list
from pipeline.extract.lines import split_lines
from tests.helpers import extract, extract_page

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
    return extract_page(tmp_path, text, "citation_list")


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


HEADED = """# Ada Lovelace

Research scientist.

## Measuring Progress on Scalable Oversight

*Ada Lovelace, Jeeyoon Hyun, Ethan Perez* · Nov 4, 2022

Developing safe and useful general-purpose AI systems will require us to make progress on scalable oversight.

[arXiv](https://arxiv.org/abs/2211.03540)

## Harmlessness from AI Feedback

*Yuntao Bai, Ada Lovelace et al.* · Dec 15, 2022
"""  # noqa: E501


def test_a_heading_a_paper_with_its_byline_and_abstract_under_it(tmp_path: Path):
    result = _read(tmp_path, HEADED)
    assert result.source["owner_name"] == "Ada Lovelace"  # a heading, its hashes dropped
    first, second = result.entries
    assert first["title"] == "Measuring Progress on Scalable Oversight"
    assert first["authors"] == ["Ada Lovelace", "Jeeyoon Hyun", "Ethan Perez"]
    assert first["published_raw"] == "Nov 4, 2022" and first["arxiv_id"] == "2211.03540"
    assert first["abstract"].startswith("Developing safe") and first["venue"] != first["authors"]
    assert (first["line_start"], first["line_end"]) == (5, 11)  # blank lines after it are not
    assert second["authors"] == ["Yuntao Bai", "Ada Lovelace"] and second["authors_truncated"]
    assert second["venue"] is None  # italic authors are no venue


def test_a_year_heading_over_one_citation_is_no_paper_heading(tmp_path: Path):
    text = "# Papers\n\n## 2023\n\n- A. Smith, B. Jones. Sparse attention. ICML 2023.\n"
    text += "\n## 2022\n\n- B. Jones, A. Smith. Dense retrieval. ACL 2022.\n"
    first, second = _read(tmp_path, text).entries
    assert (first["title"], first["line_start"]) == ("Sparse attention", 5)
    assert second["title"] == "Dense retrieval"


BBL = r"""\begin{thebibliography}{10}

\bibitem{bai2022}
Y.~Bai, S.~Kadavath, and A.~Chen.
\newblock Constitutional {AI}: Harmlessness from {AI} feedback.
\newblock {\em arXiv preprint arXiv:2212.08073}, 2022.

\bibitem[Perez et~al.(2023)]{perez2023}
E.~Perez and S.~Ringer.
\newblock {\bf Discovering language model behaviors}.
\newblock In {\em Findings of {ACL}}, 2023.

\end{thebibliography}
"""


def test_a_latex_bibliography(tmp_path: Path):
    result = _read(tmp_path, BBL)
    first, second = result.entries
    assert first["authors"] == ["Y. Bai", "S. Kadavath", "A. Chen"]
    assert first["title"] == "Constitutional AI: Harmlessness from AI feedback"
    assert (first["arxiv_id"], first["published_raw"]) == ("2212.08073", "2022")
    assert (first["line_start"], first["line_end"]) == (3, 6)
    assert (second["title"], second["venue"]) == (
        "Discovering language model behaviors",
        "Findings of ACL",
    )
    assert "\\end{thebibliography}" in result.source["header_text"]


def test_a_latex_bibliographys_accented_names_read_as_the_letters(tmp_path: Path):
    text = r"""\begin{thebibliography}{9}
\bibitem{a}
M.~Gonz\'{a}lez, {\v S}.~{\v S}imi\'c, and J.~M\"uller.
\newblock Learning to rank under distribution shift.
\newblock In \emph{Proceedings of ICML}, 2022.

\bibitem{b} \O.~Berg and M.~Gonz\'alez.
\newblock Sparse attention for long documents.
\newblock \textit{Transactions of the ACL}, 2021.
\end{thebibliography}
"""
    first, second = _read(tmp_path, text).entries
    assert first["authors"] == ["M. González", "Š. Šimić", "J. Müller"]
    assert second["authors"] == ["Ø. Berg", "M. González"]
    assert (second["title"], second["venue"]) == (
        "Sparse attention for long documents",
        "Transactions of the ACL",
    )


def test_initials_beyond_ascii_are_initials_in_every_citation_style(tmp_path: Path):
    text = "Publications\n\n"
    text += "1. \u0141. Kaiser, A. Park, and \u00c9. Moulines, "
    text += "\u201cDeep nets for long documents,\u201d in Proc. ICML, 2019.\n"
    text += "2. Kaiser \u0141, Park A. Graph learning in practice. Nature. 2018.\n"
    text += "3. \u0160imi\u0107, \u0160., & Park, A. (2021). Ranking under shift. Journal of AI.\n"
    entries = _read(tmp_path, text).entries
    assert [e["authors"] for e in entries] == [
        ["\u0141. Kaiser", "A. Park", "\u00c9. Moulines"],
        ["\u0141. Kaiser", "A. Park"],
        ["\u0160. \u0160imi\u0107", "A. Park"],
    ]
    assert [e["title"] for e in entries] == [
        "Deep nets for long documents",
        "Graph learning in practice",
        "Ranking under shift",
    ]


def test_a_markdown_list_with_inline_html_reads_as_its_markdown(tmp_path: Path):
    text = "# Ada Park\n\n## Publications\n\n"
    text += "- J. Okoye, <b>A. Park</b>. <em>Learning to grasp transparent objects</em>. "
    text += 'CoRL, 2021. <a href="https://doi.org/10.1/x">[pdf]</a>\n'
    text += "- A. Park, M. M&uuml;ller. <em>Sim-to-real transfer &amp; legged robots</em>. "
    text += "arXiv, 2022. "
    text += '<a href="https://arxiv.org/abs/2203.01234">[arXiv]</a>\n'
    first, second = _read(tmp_path, text).entries
    assert (first["title"], first["authors"], first["venue"]) == (
        "Learning to grasp transparent objects",
        ["J. Okoye", "A. Park"],
        "CoRL",
    )
    assert (second["title"], second["authors"], second["arxiv_id"]) == (
        "Sim-to-real transfer & legged robots",
        ["A. Park", "M. Müller"],
        "2203.01234",
    )
    # a homepage's layout: the title in bold, a line break, the names, the venue in italics
    text = "# Ada Park\n\n- <b>Learning to grasp transparent objects</b><br>A. Park, M. Lin<br>"
    text += "<i>Conference on Robot Learning</i>, 2021\n- <strong>Sim-to-real transfer for legged "
    text += "robots</strong><br/>J. Okoye, A. Park<br /><em>Robotics Letters</em>, 2022\n"
    first, second = _read(tmp_path, text).entries
    assert (first["title"], first["authors"], first["venue"]) == (
        "Learning to grasp transparent objects",
        ["A. Park", "M. Lin"],
        "Conference on Robot Learning",
    )
    assert (second["authors"], second["venue"]) == (["J. Okoye", "A. Park"], "Robotics Letters")


def test_a_restructuredtext_lists_links_are_links(tmp_path: Path):
    text = "Ada Park\n========\n\n"
    text += "* A. Park, M. Lin. `Sim-to-real transfer for legged robots "
    text += "<https://arxiv.org/abs/2203.01234>`_. arXiv, 2022.\n"
    text += "* J. Okoye, A. Park. *Learning to grasp transparent objects*. CoRL, 2021.\n"
    first, _second = _read(tmp_path, text).entries
    assert (first["title"], first["arxiv_id"], first["venue"]) == (
        "Sim-to-real transfer for legged robots",
        "2203.01234",
        "arXiv",
    )


def test_pubmeds_summary_lines_are_a_venue_not_an_abstract(tmp_path: Path):
    """PubMed's search results as text: a venue line as long as a sentence, with its
    volume, issue, pages and DOI."""
    text = "1. Learning to grasp transparent objects.\nPark A, Lin M, Okoye J.\n"
    text += "J Mach Learn Res. 2022 Jan 15;23(4):1-20. doi: 10.5555/jmlr.2022.4. Epub 2021 Dec 1.\n"
    text += "PMID: 35000002\n\n2. Sim-to-real transfer for legged robots.\nPark A, Lin M.\n"
    text += "Sci Robot. 2021;6(2):e12.\nPMID: 34000003\n"
    first, second = _read(tmp_path, text).entries
    assert (first["venue"], first["abstract"]) == ("J Mach Learn Res", None)
    assert first["published_raw"] is not None and second["venue"] == "Sci Robot"


def test_a_one_word_title_over_its_byline_is_a_title_not_a_badge(tmp_path: Path):
    text = "Publications\n\nDropout\nA. Park, M. Lin\nJournal of Machine Learning, 2014\n\n"
    text += "Grasping\nA. Park, J. Okoye\nRobotics Letters, 2021\n"
    first, second = _read(tmp_path, text).entries
    assert (first["title"], first["authors"]) == ("Dropout", ["A. Park", "M. Lin"])
    assert (second["title"], second["venue"]) == ("Grasping", "Robotics Letters")


def test_a_quoted_title_is_one_part_however_it_is_punctuated(tmp_path: Path):
    text = "Publications\n\n"
    text += "1. A. Park and B. Lee. \u201cDeep nets \u2013 a survey.\u201d Journal of AI, 2020.\n"
    text += "2. B. Lee, A. Park. \u201cGraph learning.\u201d NeurIPS, 2021.\n"
    first, _second = _read(tmp_path, text).entries
    assert (first["title"], first["venue"]) == ("Deep nets \u2013 a survey", "Journal of AI")


def test_a_short_abstract_under_a_title_and_its_byline_is_no_venue(tmp_path: Path):
    text = "Ada Lovelace\n\n"
    for n in (1, 2):
        text += f"Sparse attention for long documents, part {n}\n\n"
        text += "Ada Lovelace, Jeeyoon Hyun \u00b7 Dec 15, 2022\n\n"
        text += "We study sparse attention and find that it scales to long documents well.\n\n"
    first, second = _read(tmp_path, text).entries
    assert second["title"].endswith("part 2") and second["abstract"] is not None
    assert first["title"] == "Sparse attention for long documents, part 1"
    assert first["abstract"].startswith("We study sparse attention") and first["venue"] is None


ANTHOLOGY = """Anna Chen

2023

pdf bib abs
Discovering Language Model Behaviors with Model-Written Evaluations
Ethan Perez | Sam Ringer | Anna Chen
Findings of the Association for Computational Linguistics

pdf bib abs Measuring Progress on Scalable Oversight for Large Language Models
Samuel R. Bowman | Jeeyoon Hyun | Anna Chen
Proceedings of the 61st Annual Meeting of the ACL

2022

pdf bib
Few-shot Learning with Retrieval Augmented Language Models
Anna Chen | Tom Brown
Proceedings of EMNLP 2021 Workshops
"""


def test_year_paragraphs_date_the_papers_under_them_that_carry_no_date(tmp_path: Path):
    result = _read(tmp_path, ANTHOLOGY)
    first, second, third = result.entries
    assert first["authors"] == ["Ethan Perez", "Sam Ringer", "Anna Chen"]
    assert first["title"] == "Discovering Language Model Behaviors with Model-Written Evaluations"
    assert (first["published_raw"], second["published_raw"]) == ("2023", "2023")
    assert second["title"] == "Measuring Progress on Scalable Oversight for Large Language Models"
    assert third["published_raw"] == "2021"  # its own date before its group's
    assert third["line_start"] == 16  # the year is no part of it
    assert "2022" in result.source["header_text"] and not result.quarantine


def test_a_year_subheading_between_list_items_dates_those_under_it(tmp_path: Path):
    text = "# Papers\n\n### 2023\n- A. Smith, B. Jones. Sparse attention. ICML.\n"
    text += "- A. Smith. Dense retrieval. ACL.\n\n### Preprints\n"
    text += "- B. Jones, A. Smith. Long context. arXiv.\n"
    first, second, third = _read(tmp_path, text).entries
    assert (first["published_raw"], second["published_raw"]) == ("2023", "2023")
    assert third["published_raw"] is None  # under a heading that names no year


def test_a_venue_ending_in_a_short_word_is_not_joined_to_the_next_line(tmp_path: Path):
    text = "Anna Chen\n\n"
    text += "Robust Power Flow Under Uncertainty\nAnna Chen; Tom Brown\nIEEE Trans. Smart Grid\n"
    text += "Year: 2022 | Journal Article\n\n"
    text += "Distributed Control of Microgrids\nTom Brown; Anna Chen\n"
    text += "2021 IEEE Conference on Decision and Control (CDC)\nYear: 2021 | Conference Paper\n"
    first, second = _read(tmp_path, text).entries
    assert first["venue"] == "IEEE Trans. Smart Grid"
    assert second["venue"] == "IEEE Conference on Decision and Control (CDC)"


HOMEPAGE = """# Lena Fischer

## Publications

(* denotes equal contribution)

- **Sparse Gaussian Processes for Robotics**
  Lena Fischer*, Tomas Berg*, Ida Holm
  *CoRL 2023* [[paper]](https://arxiv.org/abs/2309.01234) [[code]](https://github.com/x/y)

- **Active Learning for Grasping**
  Tomas Berg, Lena Fischer
  *ICRA 2023*

- Tactile sensing at scale. Ida Holm, Lena Fischer, Tomas Berg,
  Kofi Mensah.
  In ICRA 2022.

- Grasping in clutter.
  Ida Holm, Lena Fischer,
  Tomas Berg. IROS 2021.
"""


def test_a_list_item_set_a_field_a_line(tmp_path: Path):
    result = _read(tmp_path, HOMEPAGE)
    assert result.source["owner_name"] == "Lena Fischer"
    first, second, third, fourth = result.entries
    assert first["title"] == "Sparse Gaussian Processes for Robotics"
    assert first["authors"] == ["Lena Fischer", "Tomas Berg", "Ida Holm"]  # marks dropped
    assert (first["venue"], first["published_raw"]) == ("CoRL", "2023")
    assert first["arxiv_id"] == "2309.01234" and first["line_start"] == 7
    assert second["authors"] == ["Tomas Berg", "Lena Fischer"]
    assert third["authors"] == ["Ida Holm", "Lena Fischer", "Tomas Berg", "Kofi Mensah"]  # wrapped
    assert fourth["authors"] == ["Ida Holm", "Lena Fischer", "Tomas Berg"]


def test_links_set_as_buttons_are_no_part_of_the_venue(tmp_path: Path):
    text = "Lena Fischer\n\nPublications\n\n"
    text += "Sparse Gaussian Processes for Robotics\nLena Fischer, Tomas Berg\n"
    text += "CoRL 2023 [paper] [Code]\n"
    text += "Active Learning for Grasping\nTomas Berg, Lena Fischer\nICRA 2023 [PDF]\n"
    first, second = _read(tmp_path, text).entries
    assert (first["venue"], second["venue"]) == ("CoRL", "ICRA")


def test_a_cvs_numbered_kinds_of_papers(tmp_path: Path):
    text = "LENA FISCHER\nCurriculum Vitae\n\nJournal Articles\n"
    text += (
        '[J2] L. Fischer and T. Berg, "Sparse processes for robots," IEEE Trans. Robot., 2023.\n'
    )
    text += "\nConference Papers\n"
    text += '[C1] I. Holm and L. Fischer, "Grasping in clutter," in Proc. IROS, 2021.\n'
    result = _read(tmp_path, text)
    first, second = result.entries
    assert (first["title"], first["venue"]) == ("Sparse processes for robots", "IEEE Trans. Robot")
    assert second["authors"] == ["I. Holm", "L. Fischer"] and second["venue"] == "Proc. IROS"
    assert "Conference Papers" in result.source["header_text"]
    assert result.source["owner_name"] == "Lena Fischer"  # as bylines write it


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
    assert first["venue"] == "Advances in neural information processing systems"
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


IEEE = """Publications — Dr. Priya Raman

[1] P. Raman and K. Okafor, "Graph networks for molecules," in Proc. ICML, 2022, pp. 1201–1210.
[2] K. Okafor and P. Raman, "Equivariant message passing," IEEE Trans. Pattern Anal. Mach. Intell., vol. 45, no. 3, pp. 300–312, Mar. 2023.
"""  # noqa: E501


def test_abbreviated_venues_are_whole_and_a_dashed_heading_names_the_owner(tmp_path: Path):
    result = _read(tmp_path, IEEE)
    assert result.source["owner_name"] == "Priya Raman"
    first, second = result.entries
    assert (first["title"], first["venue"]) == ("Graph networks for molecules", "Proc. ICML")
    assert second["venue"] == "IEEE Trans. Pattern Anal. Mach. Intell"  # no volume, no issue
    assert second["published_raw"] == "Mar. 2023"


CHICAGO = """Papers by Sofia Rossi

Rossi, Sofia, Daniel Kim, and Amara Nwosu. 2022. "Multilingual Speech Recognition at Scale." Transactions of the ACL 10: 512–530.
Kim, Daniel, and Sofia Rossi. 2021. "Self-Training for Low-Resource ASR." In Proceedings of Interspeech 2021, 221–225.
"""  # noqa: E501


def test_chicago_citations_open_with_the_first_author_inverted(tmp_path: Path):
    result = _read(tmp_path, CHICAGO)
    first, second = result.entries
    assert first["authors"] == ["Sofia Rossi", "Daniel Kim", "Amara Nwosu"]
    assert first["title"] == "Multilingual Speech Recognition at Scale"
    assert second["authors"] == ["Daniel Kim", "Sofia Rossi"]
    assert second["venue"] == "Proceedings of Interspeech"  # its year and pages taken out


def test_a_dblp_page_without_blank_lines_dates_each_paper_by_its_own_text(tmp_path: Path):
    text = (
        DBLP_TEXT.replace("\n\n2020\n", "\n2020\n")
        .replace("NeurIPS 2020", "NeurIPS 2020: 1877-1901")
        .replace("(2022)\n", "(2021)\n")
    )
    result = _read(tmp_path, text)
    first, second = result.entries
    assert first["published_raw"] == "2021"  # not the year heading the next group
    assert (first["line_start"], first["line_end"]) == (5, 7)
    assert (second["venue"], second["published_raw"]) == ("NeurIPS", "2020")
    assert "2020" in result.source["header_text"]


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


OPENREVIEW = """Miguel Alvarez
Research Scientist, Example Labs
Joined March 2020

Publications

Sparse Attention Patterns for Long Document Summarization
Jane Q. Doe, Miguel Alvarez, Priya Raman
Published: 01 May 2023, Last Modified: 12 Jun 2023
ICLR 2023 Workshop
Readers: Everyone

Learning to Route Queries Across Expert Models
Miguel Alvarez, Sung-min Park
Published: 20 Jan 2022, Last Modified: 03 Mar 2022
ICLR 2022 Poster
Readers: Everyone
"""

ORCID = """ORCID
Connecting research and researchers

Jane Q. Doe
https://orcid.org/0000-0002-1825-0097

Employment (1)
University of Somewhere: Somewhere, CA, US
2019-09-01 to present | Assistant Professor (Computer Science)

Works (3 of 3)
Sort

Sparse Attention Patterns for Long Document Summarization
arXiv
2023-03-14 | Preprint
DOI: 10.48550/arXiv.2303.08123
Contributors: Jane Q. Doe; Miguel Alvarez; Priya Raman
Show more detail
Source: Jane Q. Doe

Calibrated Uncertainty in Retrieval-Augmented Generation
Transactions of the ACL
2022-11-02 | Journal article
Contributors: Priya Raman; Jane Q. Doe
Source: Crossref

A Dataset of Annotated Lab Notebooks
2021 | Dataset
Source: Jane Q. Doe
"""

PAPERS_WITH_CODE = """Papers with Code
Tomasz Nowak
2 papers

Robust Tokenization for Low-Resource Languages
1 code implementation \u2022 ACL 2021 \u2022 Jane Q. Doe, Kofi Mensah, Tomasz Nowak
Tokenizers trained on high-resource corpora fragment the words of low-resource languages.
Paper  Add Code

Morphological Segmentation with Neural Transducers
Computational Linguistics 2020 \u2022 Lena Fischer, Tomasz Nowak
Paper  Add Code
"""


def test_record_blocks_of_a_profile_site(tmp_path: Path):
    result = _read(tmp_path, OPENREVIEW)
    assert result.source["owner_name"] == "Miguel Alvarez"  # the header, not an entry
    first, second = result.entries
    assert first["authors"] == ["Jane Q. Doe", "Miguel Alvarez", "Priya Raman"]
    assert first["published_raw"] == "01 May 2023"  # the labelled date, not the last
    assert first["venue"] == "ICLR 2023 Workshop" and first["line_start"] == 7
    # a block ends at the blank line: the next paper's date is not this one's
    assert first["line_end"] == 11
    assert second["title"] == "Learning to Route Queries Across Expert Models"
    assert second["authors"] == ["Miguel Alvarez", "Sung-min Park"]
    assert second["published_raw"] == "20 Jan 2022"


def test_works_of_an_orcid_page_as_text(tmp_path: Path):
    result = _read(tmp_path, ORCID)
    assert result.source["owner_name"] == "Jane Q. Doe"
    assert result.source["declared_paper_count"] == 3
    first, second = result.entries
    assert first["title"] == "Sparse Attention Patterns for Long Document Summarization"
    assert first["authors"] == ["Jane Q. Doe", "Miguel Alvarez", "Priya Raman"]
    assert (first["published_raw"], first["arxiv_id"], first["venue"]) == (
        "2023-03-14",
        "2303.08123",
        "arXiv",
    )
    assert second["venue"] == "Transactions of the ACL"  # not its kind, "Journal article"
    assert second["authors"] == ["Priya Raman", "Jane Q. Doe"]
    (no_authors,) = result.quarantine
    assert no_authors["line_start"] == 28 and "no authors" in no_authors["reason"]


def test_fields_on_one_line_and_closing_links(tmp_path: Path):
    result = _read(tmp_path, PAPERS_WITH_CODE)
    assert result.source["owner_name"] == "Tomasz Nowak"
    first, second = result.entries
    assert first["authors"] == ["Jane Q. Doe", "Kofi Mensah", "Tomasz Nowak"]
    assert first["published_raw"] == "2021"
    assert first["abstract"] == (
        "Tokenizers trained on high-resource corpora fragment the words of low-resource languages."
    )
    assert second["authors"] == ["Lena Fischer", "Tomasz Nowak"] and second["abstract"] is None


def test_a_lone_author_opens_a_citation_where_the_others_open_with_theirs(tmp_path: Path):
    cv = """Lena Fischer - Curriculum Vitae

Selected Publications

[1] J. Q. Doe, K. Mensah, and L. Fischer. Robust tokenization. In Proceedings of ACL, 2021.
[2] L. Fischer and T. Nowak. Morphological segmentation. Computational Linguistics, 2020.
[3] L. Fischer. Unsupervised lemmatization. In EMNLP, 2018. arXiv:1808.01234.
"""
    result = _read(tmp_path, cv)
    assert result.source["owner_name"] == "Lena Fischer"  # not the heading below
    *_, solo = result.entries
    assert solo["authors"] == ["L. Fischer"] and solo["title"] == "Unsupervised lemmatization"
    assert solo["arxiv_id"] == "1808.01234" and not result.quarantine


def test_a_name_heading_citation_paragraphs_is_the_owner(tmp_path: Path):
    page = "Ada Lovelace\nAnalytical Engines Group\n\n" + APA.split("\n\n", 1)[1]
    result = _read(tmp_path, page)
    assert result.source["owner_name"] == "Ada Lovelace" and len(result.entries) == 3


def test_the_kind_of_work_is_neither_title_nor_venue():
    page = """Preprint
Sparse Attention for Long Documents
Jane Q. Doe, Miguel Alvarez
2023

Journal article
Calibrated Retrieval
Priya Raman, Jane Q. Doe
TACL, 2022
"""
    entries = [c.entry for c in citation_list.parse(page).chunks if c.kind == "entry"]
    assert [(e.title, e.venue) for e in entries] == [
        ("Sparse Attention for Long Documents", None),
        ("Calibrated Retrieval", "TACL"),
    ]


def test_papers_on_consecutive_lines_are_not_one_record(tmp_path: Path):
    page = """Priya Raman

Publications

Sparse Attention Patterns for Long Document Summarization.
Jane Q. Doe, Miguel Alvarez, Priya Raman.
arXiv preprint, 2023.
Calibrated Uncertainty in Retrieval-Augmented Generation.
Priya Raman, Jane Q. Doe.
TACL, 2022.
"""
    result = _read(tmp_path, page)
    assert [e["published_raw"] for e in result.entries] == ["2023", "2022"]
    assert result.source["owner_name"] == "Priya Raman"


SEMANTIC_SCHOLAR = """Tom B. Brown
Anthropic
Publications
45

Language Models are Few-Shot Learners
Tom B. Brown, Benjamin Mann, Nick Ryder, +28 authors Dario Amodei
Computer Science
NeurIPS
28 May 2020
TLDR
GPT-3 achieves strong performance on many NLP datasets, including translation and question answering.
Expand
25,000
PDF

Scaling Laws for Neural Language Models
J. Kaplan, Sam McCandlish, T. Henighan, Tom B. Brown, +6 authors Dario Amodei
Computer Science
ArXiv
23 January 2020
"""  # noqa: E501


def test_a_semantic_scholar_author_page_as_text(tmp_path: Path):
    result = _read(tmp_path, SEMANTIC_SCHOLAR)  # not a catalogue page: its dates head no bylines
    assert result.source["owner_name"] == "Tom B. Brown"
    first, second = result.entries
    assert first["title"] == "Language Models are Few-Shot Learners"
    assert first["authors"] == ["Tom B. Brown", "Benjamin Mann", "Nick Ryder", "Dario Amodei"]
    assert first["authors_truncated"] is True and first["published_raw"] == "28 May 2020"
    assert first["abstract"].startswith("GPT-3 achieves") and first["abstract"].endswith(
        "answering."
    )
    assert second["published_raw"] == "23 January 2020" and second["authors_truncated"] is True


def test_a_scholar_table_copied_with_its_cells(tmp_path: Path):
    page = (
        "Title\tCited by\tYear\n"
        "Language models are few-shot learners\n"
        "T Brown, B Mann, N Ryder, M Subbiah, ...\n"
        "Advances in neural information processing systems 33, 1877-1901\t25000\t2020\n"
        "Scaling laws for neural language models\n"
        "J Kaplan, S McCandlish, T Henighan, TB Brown, ...\n"
        "arXiv preprint arXiv:2001.08361\t3000\t2020\n"
    )
    first, second = _read(tmp_path, page).entries
    assert first["authors_truncated"] is True and first["authors"][-1] == "M Subbiah"
    assert first["venue"] == "Advances in neural information processing systems"
    assert (second["venue"], second["published_raw"]) == ("arXiv preprint", "2020")


def test_a_name_a_line_after_a_title_that_reads_like_one(tmp_path: Path):
    page = """Deep Learning
Yann LeCun
Yoshua Bengio
Nature
May 2015

Neural Machine Translation
Dzmitry Bahdanau
Kyunghyun Cho
ICLR
2015
"""
    first, second = _read(tmp_path, page).entries
    assert (first["title"], first["authors"]) == ("Deep Learning", ["Yann LeCun", "Yoshua Bengio"])
    assert first["venue"] == "Nature" and first["published_raw"] == "May 2015"
    assert second["authors"] == ["Dzmitry Bahdanau", "Kyunghyun Cho"]


def test_a_latex_cv(tmp_path: Path):
    page = r"""\section*{Publications}
\begin{enumerate}
  \item Y.~Bai, S.~Kadavath, and S.~Kundu. \textbf{Constitutional {AI}: Harmlessness from {AI} Feedback}. \emph{arXiv preprint arXiv:2212.08073}, 2022.
  \item J.~Kaplan and S.~McCandlish. \textbf{Scaling Laws for Neural Language Models}. \emph{NeurIPS}, 2020.
\end{enumerate}
"""  # noqa: E501
    first, second = _read(tmp_path, page).entries
    assert first["title"] == "Constitutional AI: Harmlessness from AI Feedback"
    assert first["authors"] == ["Y. Bai", "S. Kadavath", "S. Kundu"]
    assert first["arxiv_id"] == "2212.08073" and first["venue"] == "arXiv preprint"
    assert (second["venue"], second["published_raw"]) == ("NeurIPS", "2020")


def test_a_moderncv_cv_reads_its_entries_and_its_owner(tmp_path: Path):
    page = r"""\documentclass[11pt]{moderncv}
\name{Ana}{Gonz\'{a}lez}
\begin{document}
\section{Publications}
\cventry{2022}{Learning to grasp transparent objects}{Robotics Letters}{}{}{J.~Okoye and A.~Gonz\'alez}
\cvitem{2021}{A.~Gonz\'alez, M.~Lin. \emph{Sim-to-real transfer for legged robots}. CoRL, 2021.}
\end{document}
"""  # noqa: E501
    result = _read(tmp_path, page)
    assert result.source["owner_name"] == "Ana González"
    assert not result.quarantine  # "\end{document}" after the list is no citation
    first, second = result.entries
    assert (first["title"], first["authors"], first["venue"], first["published_raw"]) == (
        "Learning to grasp transparent objects",
        ["J. Okoye", "A. González"],
        "Robotics Letters",
        "2022",
    )
    assert (second["title"], second["venue"]) == ("Sim-to-real transfer for legged robots", "CoRL")


def test_a_paragraph_of_two_papers_is_read_as_two(tmp_path: Path):
    page = """Sparse Attention for Long Documents
Jane Q. Doe, Miguel Alvarez
ICLR 2023
Calibrated Retrieval
Priya Raman, Jane Q. Doe
TACL 2022

Learning to Route Queries
Miguel Alvarez, Sung-min Park
ICLR 2022
Contrastive Pretraining for Code Search
Miguel Alvarez, Hannah Weiss
NeurIPS 2021
"""
    titles = [e["title"] for e in _read(tmp_path, page).entries]
    assert titles == [
        "Sparse Attention for Long Documents",
        "Calibrated Retrieval",
        "Learning to Route Queries",
        "Contrastive Pretraining for Code Search",
    ]


LIBRARY_RECORDS = """Daniel Kim
Carnegie Mellon University

research-article
Safe exploration for legged robots
Priya Raman, Daniel Kim, Amara Nwosu
CoRL '22: Proceedings of the Conference on Robot Learning \u2022 December 2022, pp 1123\u20131135

research-article
Open Access
Message passing with learned edge weights
Daniel Kim, Sofia Rossi
NIPS '22: Proceedings of Neural Information Processing Systems \u2022 November 2022

short-paper
Learning to grasp transparent objects
Daniel Kim
ICRA '19 \u2022 May 2019, pp 44\u201350
"""


def test_a_lone_author_where_the_page_puts_its_bylines_and_kinds_of_work_dropped(
    tmp_path: Path,
):
    """A digital library's records: the kind of work ("research-article") is no title,
    and a paper of one author is read where the page's other records have their bylines."""
    result = _read(tmp_path, LIBRARY_RECORDS)
    assert not result.quarantine
    titles = [e["title"] for e in result.entries]
    assert titles == [
        "Safe exploration for legged robots",
        "Message passing with learned edge weights",
        "Learning to grasp transparent objects",
    ]
    assert result.entries[2]["authors"] == ["Daniel Kim"]
    assert result.entries[0]["venue"].startswith("CoRL '22: Proceedings")


WORKING_PAPERS = """SSRN Author Page: Carlos Mendes

Scholarly Papers (3)

1.
Bank Runs and Deposit Insurance in Digital Currencies
Journal of Finance, Forthcoming
Number of pages: 54 Posted: 12 Apr 2023
Carlos Mendes and Helena Costa
Downloads 1,204

2.
Stablecoin Reserves and Market Liquidity
Number of pages: 38 Posted: 08 Nov 2022
Carlos Mendes
University of Porto

3.
Monetary Policy Transmission in Small Open Economies
Review of Economic Studies, Vol. 88, No. 4, 2021
Number of pages: 61 Posted: 15 Jan 2021
Helena Costa, Carlos Mendes and Jo\u00e3o Pereira
"""


def test_a_title_that_reads_as_names_and_an_affiliation_under_the_byline(tmp_path: Path):
    """On a page whose records open with their titles, "Reserves and Liquidity" is a
    title and the name below it the author; the institution under a byline is none of
    its venue; the page's label names its owner."""
    result = _read(tmp_path, WORKING_PAPERS)
    assert result.source["owner_name"] == "Carlos Mendes"
    first, second, third = result.entries
    assert second["title"] == "Stablecoin Reserves and Market Liquidity"
    assert second["authors"] == ["Carlos Mendes"] and second["venue"] is None
    assert second["published_raw"] == "08 Nov 2022"
    assert first["venue"] == "Journal of Finance, Forthcoming"
    assert third["venue"] == "Review of Economic Studies"
    assert third["authors"] == ["Helena Costa", "Carlos Mendes", "Jo\u00e3o Pereira"]


INDEX_PAGE = """Hiroshi Tanaka
Publications

Sparse attention for long-document retrieval
Hiroshi Tanaka, Mei Lin, Kenji Sato
Computer Science
ArXiv
15 December 2022
120 Citations

Query rewriting with small language models
Kenji Sato, Hiroshi Tanaka, Mei Lin, Ayumi Mori
Computer Science, Linguistics
Annual Meeting of the Association for Computational Linguistics
2020
"""


def test_fields_of_study_are_neither_venue_nor_authors(tmp_path: Path):
    result = _read(tmp_path, INDEX_PAGE)
    first, second = result.entries
    assert first["venue"] == "ArXiv"
    assert second["authors"] == ["Kenji Sato", "Hiroshi Tanaka", "Mei Lin", "Ayumi Mori"]
    assert second["venue"] == "Annual Meeting of the Association for Computational Linguistics"


LINKED_PAPERS = """Sparse Gaussian Processes for Robotics
Ada Park, Tomas Berg
CoRL 2023

Active Learning for Grasping
Tomas Berg, Ada Park
ICRA 2023
"""


@pytest.mark.parametrize(
    ("heading", "owner"),
    [
        ("Researcher profile | Dr. Ada Park", "Ada Park"),
        ("Profile of Ada Park", "Ada Park"),
        ("Home - Ada Park", "Ada Park"),
        ("Author: Park, A.", "A. Park"),  # an index writes it surname first
        ("Dr. Ada Park", "Ada Park"),
        ("Prof. Ada Park - Home", "Ada Park"),
        ("# Selected Robotics Papers by Ada Park", "Ada Park"),
        ("Interests: Machine Learning", None),
        ("Ada Park, PhD", "Ada Park"),  # a degree, a post, an institution after the name
        ("Dr. Ada Park, Associate Professor", "Ada Park"),
        ("Ada Park \u00b7 Example University", "Ada Park"),
        ("Prof. Dr. Ada Park", "Ada Park"),
        ("Machine Learning, Robotics", None),  # topics after a comma
        ("\u5f20\u4f1f - \u53d1\u8868\u8bba\u6587", "\u5f20\u4f1f"),  # a CJK name before a title
        ("\u8bba\u6587", None),  # "papers": a CJK word alone is no name
        ("田中 宏 (Hiroshi Tanaka)", "田中 宏"),  # the name in two scripts
        ("Search results for author: Park A", "A. Park"),
        ("Search results for Park A[Author]", "A. Park"),
        ("Search results for Deep Learning", None),  # a topic's
        ("CVPR 2023 open access - papers by Ada Park", "Ada Park"),
        ("Ada Park's research works | Example University", "Ada Park"),  # ResearchGate
        ("Welcome to Ada Park's homepage", "Ada Park"),
        ("About Ada Park", "Ada Park"),
        ("Ada Park 0001", "Ada Park"),  # DBLP's namesake number, no stat
    ],
)
def test_a_name_after_the_label_of_whose_page_it_is(tmp_path: Path, heading, owner):
    text = f"{heading}\n\n" + LINKED_PAPERS
    assert _read(tmp_path, text).source["owner_name"] == owner


@pytest.mark.parametrize(
    ("header", "owner"),
    [
        ("Robot Learning\nAda Park\nExample University", "Ada Park"),  # a topic first
        ("Ada Park\nRobot Learning", "Ada Park"),  # the owner first, as most pages
        ("Robot Learning\nAda Parkinson", "Robot Learning"),  # neither on one: the first
        ("Robot Learning\n# Papers by Ada Park", "Ada Park"),  # or a heading that is
        ("Park, Ada\nRobot Learning", "Ada Park"),  # surname first, as the bylines confirm
        ("Park, Ada, 1975-", "Ada Park"),  # a library's heading
        ("Stockholm, Sweden", None),  # a place: on no byline
        ("Stockholm, Sweden\nAda Parkinson", "Ada Parkinson"),
    ],
)
def test_the_header_name_the_bylines_carry_is_the_owner(tmp_path: Path, header, owner):
    assert _read(tmp_path, f"{header}\n\n{LINKED_PAPERS}").source["owner_name"] == owner


PUBMED = """Search results for Okonkwo M[Author]
3 results

1
Cite
Distributed care pathways in rural clinics.
Okonkwo M, Weber J, Souza A.
BMC Health Serv Res. 2023 Mar 14;23(1):245. doi: 10.1186/s12913-023-09200-1.
PMID: 36918842 Free PMC article.

2
Cite
Telemedicine adoption after the pandemic: a cohort study.
Souza A, Okonkwo M.
J Med Internet Res. 2022 Jan;24(1):e31234.
PMID: 35012345

3
Cite
Costs of chronic disease management.
Okonkwo M.
Health Econ. 2021;30(5):1100-1112.
PMID: 33456789 Review.
"""


def test_a_medical_index_results_page(tmp_path: Path):
    """Its "Cite" buttons are no titles, its dates are year first, and a paper of one
    author is read where the others have their bylines."""
    first, second, third = _read(tmp_path, PUBMED).entries
    assert first["title"] == "Distributed care pathways in rural clinics"
    assert first["authors"] == ["M. Okonkwo", "J. Weber", "A. Souza"]
    assert (first["published_raw"], first["venue"]) == ("2023 Mar 14", "BMC Health Serv Res")
    assert second["venue"] == "J Med Internet Res"  # not joined to its volume and pages
    assert (third["authors"], third["published_raw"]) == (["M. Okonkwo"], "2021")


CITATION_STYLES = """Citations exported

MLA: Lin, Mei, Hiroshi Tanaka, and Kenji Sato. "Dense retrieval at scale." Transactions of the ACL 10 (2022): 512-530.

APA: Tanaka, H., & Lin, M. (2021). Sparse attention for long documents. In Proceedings of EMNLP (pp. 1-10).

Harvard: Sato, K., Lin, M. and Mori, A., 2020. Query rewriting with small models. arXiv preprint arXiv:2005.01234.
"""  # noqa: E501


def test_citations_labelled_with_their_style(tmp_path: Path):
    first, second, third = _read(tmp_path, CITATION_STYLES).entries
    assert first["authors"] == ["Mei Lin", "Hiroshi Tanaka", "Kenji Sato"]
    assert first["venue"] == "Transactions of the ACL"  # nor its volume, "()" or pages
    assert second["title"] == "Sparse attention for long documents"
    assert third["authors"] == ["K. Sato", "M. Lin", "A. Mori"]  # Harvard: the year after
    assert third["arxiv_id"] == "2005.01234"


LATEX_CV = r"""\section*{Publications}
\begin{itemize}
  \item \textbf{M. Lin}, H. Tanaka, and K. Sato. \emph{Dense retrieval at scale}. Transactions of the ACL, 2022.
  \item H. Tanaka and \textbf{M. Lin}. \emph{Sparse attention for long documents}. In Proc. EMNLP, 2021.
  \item \textbf{M. Lin}. \emph{A note on retrieval evaluation}. arXiv:2001.01234, 2020.
\end{itemize}
"""  # noqa: E501


def test_a_name_in_bold_beside_others_is_on_the_byline():
    (line,) = split_lines(
        "- **Mei Lin**, Hiroshi Tanaka and Kenji Sato. Dense retrieval. TACL, 2022."
    )
    entry = citation_list.entry_of(citation_list.Item([line], wrapped=True))
    assert entry.authors == ["Mei Lin", "Hiroshi Tanaka", "Kenji Sato"]
    assert entry.title == "Dense retrieval"


def test_a_latex_cv_with_its_owner_in_bold_and_titles_in_italics(tmp_path: Path):
    result = _read(tmp_path, LATEX_CV)
    first, second, third = result.entries
    assert first["authors"] == ["M. Lin", "H. Tanaka", "K. Sato"]
    assert (first["title"], first["venue"]) == (
        "Dense retrieval at scale",
        "Transactions of the ACL",
    )
    assert second["authors"] == ["H. Tanaka", "M. Lin"]
    assert (third["title"], third["authors"]) == ("A note on retrieval evaluation", ["M. Lin"])
    assert third["venue"] is None  # not the environment's closing line


PHYSICS_INDEXES = """Citeable papers (3)

1. 2022arXiv221201234O  2022/12  cited: 14
Sparse Gaussian processes for galaxy surveys
Okafor, Sheer; Lin, Mei; Weber, Jonas
arXiv e-prints

2. 2021ApJ...912...45L  2021/05  cited: 30
Weak lensing with learned priors
Lin, Mei; Okafor, Sheer
The Astrophysical Journal, Volume 912, Issue 1, id.45

3)
Bootstrapping the three-dimensional Ising model
Sheer Okafor (Stanford U.), David Poland (Yale U.)
e-Print: 1203.6064 [hep-th]
Published in: Phys.Rev.D 86 (2012) 025022
Published: Jul 18, 2012
cite  claim  412 citations
"""


def test_records_of_physics_indexes(tmp_path: Path):
    """An astrophysics index's ids and counts are no title, its names are written
    surname first; a labelled venue is the venue, an e-print label is not."""
    first, second, third = _read(tmp_path, PHYSICS_INDEXES).entries
    assert first["title"] == "Sparse Gaussian processes for galaxy surveys"
    assert first["authors"] == ["Sheer Okafor", "Mei Lin", "Jonas Weber"]
    assert first["venue"] == "arXiv e-prints"
    assert second["authors"] == ["Mei Lin", "Sheer Okafor"]
    assert third["authors"] == ["Sheer Okafor", "David Poland"]
    assert third["venue"] == "Phys.Rev.D 86 (2012) 025022"
    assert (third["arxiv_id"], third["published_raw"]) == ("1203.6064", "Jul 18, 2012")


NETWORK_PROFILE = """Publications

Sparse attention for long-document retrieval
arXiv \u00b7 Dec 15, 2022
Other authors
Mei Lin
Kenji Sato
See publication

Contrastive pretraining of dense retrievers
EMNLP 2021 \u00b7 Nov 1, 2021
We pretrain dense retrievers with a contrastive loss over mined pairs.
Other authors
Mei Lin
See publication
"""


def test_names_a_line_under_their_label(tmp_path: Path):
    first, second = _read(tmp_path, NETWORK_PROFILE).entries
    assert (first["authors"], first["venue"]) == (["Mei Lin", "Kenji Sato"], "arXiv")
    assert (second["authors"], second["venue"]) == (["Mei Lin"], "EMNLP 2021")
    assert second["abstract"].startswith("We pretrain")


def test_a_line_a_paper_with_its_byline_after_a_hyphen(tmp_path: Path):
    text = "Jonas Weber - publications\n\n"
    text += "Voltage control in low-inertia microgrids (2023) - M. Okonkwo, J. Weber, L. Wei\n"
    text += "Grid-forming inverters - a review (2022) - J. Weber, M. Okonkwo\n"
    text += "L. Wei, J. Weber - Hierarchical control of DC microgrids - ECCE 2021\n"
    first, second, third = _read(tmp_path, text).entries
    assert first["title"] == "Voltage control in low-inertia microgrids"
    assert first["authors"] == ["M. Okonkwo", "J. Weber", "L. Wei"]
    assert first["published_raw"] == "2023"
    assert second["title"] == "Grid-forming inverters - a review"  # its own hyphen stays
    assert (third["title"], third["venue"]) == ("Hierarchical control of DC microgrids", "ECCE")
    assert third["authors"] == ["L. Wei", "J. Weber"]


APA_CV = """Curriculum Vitae

Journal Articles

Costa, H., Mendes, C., & Pereira, J. (2021). Monetary policy in small open economies. Review of Economic Studies, 88(4), 1201\u20131234.

Mendes, C., & Costa, H. (2023). Bank runs in digital currencies. Journal of Finance, 78(2), 455\u2013490.

Working Papers

Costa, H. (2022). Stablecoin reserves and market liquidity. SSRN Working Paper No. 4123456.

Deep Learning
"""  # noqa: E501


def test_a_heading_between_groups_is_header_text_and_a_lone_title_is_quarantined(
    tmp_path: Path,
):
    result = _read(tmp_path, APA_CV)
    assert [e["authors"][0] for e in result.entries] == ["H. Costa", "C. Mendes", "H. Costa"]
    assert "Working Papers" in result.source["header_text"]
    (alone,) = result.quarantine  # a title alone names no kind of list: nothing is lost
    assert alone["raw_text"] == "Deep Learning"


MARKED_BYLINES = """Publications of Ines Varga

Sparse Kernels for Long Documents
Ines Varga\u00b9*, Tomas Reller\u00b2*, Nadia Ekwueme\u00b9\u2020
\u00b9Example University \u00b2Sample Institute of Technology
*Equal contribution \u2020Corresponding author
NeurIPS 2023

Curriculum Sampling for Retrieval
Ines Varga1*, Oskar Lunde2
ICLR 2022
"""


def test_a_papers_own_byline_with_its_marks_numbers_and_legend(tmp_path: Path):
    """As a paper's first page prints it: superscript numbers and notes on the names,
    the institutions they number, and the legend of the notes. The first paper was
    taken for the page's header."""
    page = _read(tmp_path, MARKED_BYLINES)
    first, second = page.entries
    assert first["authors"] == ["Ines Varga", "Tomas Reller", "Nadia Ekwueme"]
    assert first["affiliations"] == ["Example University", "Sample Institute of Technology"]
    assert first["venue"] == "NeurIPS"  # not the legend
    assert second["authors"] == ["Ines Varga", "Oskar Lunde"]
    assert page.source["header_text"] == "Publications of Ines Varga"


VANCOUVER_CAPS = """PUBLICATIONS - VARGA, INES

VARGA I, RELLER T, EKWUEME N. Sparse kernels for long documents. Trans Assoc Comput Linguist. 2023;11:1-20.
LUNDE O, VARGA I. Curriculum sampling for retrieval. In: Proceedings of EMNLP; 2022. p. 100-110.
"""  # noqa: E501


def test_vancouver_names_close_their_byline_with_a_period_after_an_initial(tmp_path: Path):
    page = _read(tmp_path, VANCOUVER_CAPS)
    first, second = page.entries
    assert page.source["owner_name"] == "Ines Varga"  # the heading's name, turned and cased
    assert first["title"] == "Sparse kernels for long documents"
    assert first["authors"] == ["I. VARGA", "T. RELLER", "N. EKWUEME"]
    assert first["venue"] == "Trans Assoc Comput Linguist"
    assert (second["authors"], second["venue"]) == (
        ["O. LUNDE", "I. VARGA"],
        "Proceedings of EMNLP",
    )


def test_an_initial_closing_a_name_written_first_still_opens_the_next(tmp_path: Path):
    """Given names first: "Ines B. Varga" is one name, the period after "B" none's end."""
    page = "Ines B. Varga, Oskar Lunde. Sparse kernels for long documents. ICLR, 2022.\n" * 2
    entry = _read(tmp_path, page).entries[0]
    assert entry["authors"] == ["Ines B. Varga", "Oskar Lunde"]


CUT = """Ines Varga - Publications

1. Sparse Kernels for Long Documents. Tomas Reller, Ines Varga, ... Nadia Ekwueme. ICLR 2021.
2. Curriculum Sampling for Retrieval. Ines Varga, Oskar Lunde (+4 more). ACL 2020.
"""


def test_names_left_out_inside_a_citation_cut_at_its_periods(tmp_path: Path):
    first, second = _read(tmp_path, CUT).entries
    assert first["authors"] == ["Tomas Reller", "Ines Varga", "Nadia Ekwueme"]
    assert first["authors_truncated"] and first["venue"] == "ICLR"
    assert second["authors"] == ["Ines Varga", "Oskar Lunde"] and second["authors_truncated"]


CJK_DATED = """Ines Varga
Professor, Example University

Papers

Paged caches for decoding
Ines Varga, Oskar Lunde
Journal of Information Processing 29 45-52 2021\u5e743\u6708

Sparse kernels for long documents
Oskar Lunde, Ines Varga
Proceedings of EMNLP 100-110 2022\u5e7410\u6708
"""


def test_a_date_in_cjk_signs_and_a_venues_volume_and_pages(tmp_path: Path):
    first, second = _read(tmp_path, CJK_DATED).entries
    assert first["published_raw"] == "2021\u5e743\u6708"
    assert first["venue"] == "Journal of Information Processing"
    assert (second["published_raw"], second["venue"]) == (
        "2022\u5e7410\u6708",
        "Proceedings of EMNLP",
    )


CJK_LIST = """张伟 - 发表论文

1. 张伟, 李娜, 王芳. 基于图神经网络的推荐算法研究. 计算机学报, 2022, 45(3): 512-530.
2. 李娜、张伟. 面向长文本的稀疏注意力模型. 软件学报, 2021, 32(5): 1200-1215.

论文

長文書のための疎な注意機構
田中 宏, 张伟
言語処理学会論文誌 30(2) 45-67 2023年12月
"""


def test_names_written_in_cjk_script(tmp_path: Path):
    """Chinese names together, Japanese ones apart, parted by commas or the
    ideographic comma; the page's owner before its title."""
    page = _read(tmp_path, CJK_LIST)
    first, second, third = page.entries
    assert page.source["owner_name"] == "张伟"
    assert first["authors"] == ["张伟", "李娜", "王芳"]
    assert first["venue"] == "计算机学报"
    assert second["authors"] == ["李娜", "张伟"]  # not turned round
    assert (third["title"], third["authors"]) == ("長文書のための疎な注意機構", ["田中 宏", "张伟"])
    assert third["published_raw"] == "2023年12月"


LIST_THEN_BLOCKS = """Ada Park - Publications

1. Ada Park, Jon Okoye. Sparse kernels for long documents. ICLR, 2022.
2. Jon Okoye, Ada Park. Curriculum sampling for retrieval. ACL, 2021.

Other papers

Paged caches for decoding
Ada Park, Lina Moss
Journal of Information Processing 2021

Notes on decoding
Lina Moss, Ada Park
Workshop on Efficient Models 2020

Contact: ada@example.org
"""


def test_papers_set_another_way_after_the_list_are_read_not_taken_for_header(tmp_path: Path):
    page = _read(tmp_path, LIST_THEN_BLOCKS)
    titles = [e["title"] for e in page.entries]
    assert titles[2:] == ["Paged caches for decoding", "Notes on decoding"]
    assert page.entries[2]["authors"] == ["Ada Park", "Lina Moss"]
    assert page.source["header_text"].splitlines() == [
        "Ada Park - Publications",
        "Other papers",
        "Contact: ada@example.org",
    ]


def test_papers_set_another_way_between_the_lists_items_are_read(tmp_path: Path):
    between = LIST_THEN_BLOCKS.replace(
        "Contact: ada@example.org",
        "3. Lina Moss, Ada Park. Sparse retrieval at scale. NAACL, 2019.",
    )
    titles = [e["title"] for e in _read(tmp_path, between).entries]
    assert titles[2:] == [
        "Paged caches for decoding",
        "Notes on decoding",
        "Sparse retrieval at scale",
    ]


INDEX_TABLE = """Park, Ada
Example University
Documents: 3

Document title\tAuthors\tYear\tSource\tCited by
Sparse kernels for long documents\tPark, A., Okoye, J., Moss, L.\t2023\tTransactions of the ACL, 11, pp. 1-20\t14
Curriculum sampling for retrieval\tOkoye, J., Park, A.\t2022\tJMLR, 21\t5
"""  # noqa: E501


def test_an_index_table_copied_as_text_with_names_surname_first(tmp_path: Path):
    first, second = _read(tmp_path, INDEX_TABLE).entries
    assert first["authors"] == ["A. Park", "J. Okoye", "L. Moss"]
    assert first["venue"] == "Transactions of the ACL"  # no volume, no pages
    assert (second["authors"], second["venue"]) == (["J. Okoye", "A. Park"], "JMLR")


SITE_PAGES = {
    "anthology": """Ada Park

2023
pdf bib abs
Sparse Kernels for Long Documents
Ada Park | Jon Okoye | Lina Moss
Transactions of the Association for Computational Linguistics, Volume 11

2022
pdf bib abs
Curriculum Sampling for Retrieval
Jon Okoye | Ada Park
Proceedings of the 2022 Conference on Empirical Methods in Natural Language Processing
""",
    "upvoted": """Ada Park's papers

Sparse Kernels for Long Documents
Published on Mar 14, 2023
Authors: Ada Park, Jon Okoye, Lina Moss
Upvote 12

Curriculum Sampling for Retrieval
Published on Oct 2, 2022
Authors: Jon Okoye, Ada Park
Upvote 3
""",
    "preprints": """Search results for author: Park A

Sparse kernels for long documents
Ada Park, Jon Okoye, Lina Moss
bioRxiv 2023.03.14.532123; doi: https://doi.org/10.1101/2023.03.14.532123

Curriculum sampling for retrieval
Jon Okoye, Ada Park
bioRxiv 2022.10.02.510123; doi: https://doi.org/10.1101/2022.10.02.510123
""",
    "semicolon": """CVPR 2023 open access - papers by Ada Park

Sparse Kernels for Dense Prediction
Ada Park, Jon Okoye, Lina Moss; Proceedings of the IEEE/CVF Conference on Computer Vision (CVPR), 2023, pp. 1234-1243
[pdf] [supp] [bibtex]

Curriculum Sampling for Detection
Jon Okoye, Ada Park; Proceedings of the IEEE/CVF Conference on Computer Vision (CVPR), 2023, pp. 2234-2243
[pdf] [bibtex]
""",  # noqa: E501
}


@pytest.mark.parametrize(
    ("site", "first_date", "venues"),
    [
        (
            "anthology",  # names parted by bars, the venue's volume labelled
            "2023",
            [
                "Transactions of the Association for Computational Linguistics",
                "Proceedings of the Conference on Empirical Methods in Natural Language Processing",
            ],
        ),
        ("upvoted", "Mar 14, 2023", [None, None]),  # "Upvote 12" is a count, no venue
        ("preprints", "2023-03-14", ["bioRxiv", "bioRxiv"]),  # dated by its id, no DOI
        (
            "semicolon",
            "2023",
            ["Proceedings of the IEEE/CVF Conference on Computer Vision (CVPR)"] * 2,
        ),
    ],
)
def test_sites_pages_of_papers(tmp_path: Path, site, first_date, venues):
    page = _read(tmp_path, SITE_PAGES[site])
    first, second = page.entries
    assert first["authors"] == ["Ada Park", "Jon Okoye", "Lina Moss"]
    assert second["authors"] == ["Jon Okoye", "Ada Park"]
    assert first["published_raw"] == first_date
    assert [first["venue"], second["venue"]] == venues
    assert page.source["owner_name"] in ("Ada Park", "A. Park")


EUROPEAN = {
    "de": """Ver\u00f6ffentlichungen von Ada Park

D\u00fcnnbesetzte Aufmerksamkeit f\u00fcr lange Dokumente
Ada Park, Jon Okoye und Lina Moss
Informatik Spektrum, 14. M\u00e4rz 2023

Lehrplan-Stichproben f\u00fcr Suchmodelle
Jon Okoye, Ada Park
KI - K\u00fcnstliche Intelligenz, Dezember 2021
""",
    "es": """Publicaciones de Ada Park

N\u00facleos de atenci\u00f3n dispersa para documentos largos
Ada Park, Jon Okoye y Lina Moss
Procesamiento del Lenguaje Natural, 3 de diciembre de 2022

Muestreo curricular para modelos de recuperaci\u00f3n
Jon Okoye y Ada Park
Actas de SEPLN, enero de 2021
""",
    "fr": """Publications de Ada Park

Noyaux d'attention creux pour les longs documents
Ada Park, Jon Okoye et Lina Moss
Traitement Automatique des Langues, 15 d\u00e9c. 2022

\u00c9chantillonnage curriculaire pour la recherche
Jon Okoye, Ada Park
Actes de TALN, mars 2021
""",
}


@pytest.mark.parametrize(
    ("language", "dates", "venues"),
    [
        (
            "de",
            ["14. M\u00e4rz 2023", "Dezember 2021"],
            ["Informatik Spektrum", "KI - K\u00fcnstliche Intelligenz"],
        ),
        (
            "es",
            ["3 de diciembre de 2022", "enero de 2021"],
            ["Procesamiento del Lenguaje Natural", "Actas de SEPLN"],
        ),
        (
            "fr",
            ["15 d\u00e9c. 2022", "mars 2021"],
            ["Traitement Automatique des Langues", "Actes de TALN"],
        ),
    ],
)
def test_lists_in_the_languages_of_european_cvs(tmp_path: Path, language, dates, venues):
    """Their headings name the owner ("Ver\u00f6ffentlichungen von ..." is no name), their
    bylines end "y", "und", "et" a name, their dates are their own months."""
    page = _read(tmp_path, EUROPEAN[language])
    first, second = page.entries
    assert page.source["owner_name"] == "Ada Park"
    assert first["authors"] == ["Ada Park", "Jon Okoye", "Lina Moss"]
    assert second["authors"] == ["Jon Okoye", "Ada Park"]
    assert [first["published_raw"], second["published_raw"]] == dates
    assert [first["venue"], second["venue"]] == venues


def test_a_capitalised_mission_name_is_no_french_date(tmp_path: Path):
    page = (
        "1. Ada Park, Jon Okoye. Mars 2020. Planetary Science Journal, 2021.\n"
        "2. Jon Okoye, Ada Park. Rover landing sites. Icarus, 2019.\n"
    )
    first = _read(tmp_path, page).entries[0]
    assert (first["title"], first["published_raw"]) == ("Mars 2020", "2021")


WITH_BIBTEX = """<html><body><h3>Vision 2023 papers by Ada Park</h3><dl>
<dt><br><a href="/a.html">Sparse Kernels for Dense Prediction</a></dt>
<dd><form><a>Ada Park</a>,</form> <form><a>Jon Okoye</a>,</form> <form><a>Lina Moss</a></form></dd>
<dd>[<a href="a.pdf">pdf</a>] [<a>bibtex</a>]<div>@InProceedings{Park_2023, author = {Park, Ada and Okoye, Jon and Moss, Lina}, title = {Sparse Kernels for Dense Prediction}, booktitle = {Proceedings of the Conference on Vision}, month = {June}, year = {2023}}</div></dd>
<dt><br><a href="/b.html">Curriculum Sampling for Detection</a></dt>
<dd><form><a>Jon Okoye</a>,</form> <form><a>Ada Park</a></form></dd>
<dd>Workshop on Detection, 2022</dd>
<dd>[<a href="b.pdf">pdf</a>] [<a>bibtex</a>]<div>@InProceedings{Okoye_2023, author = {Okoye, Jon and Park, Ada}, title = {Curriculum Sampling for Detection}, booktitle = {Proceedings of the Conference on Vision}, year = {2023}}</div></dd>
</dl></body></html>
"""  # noqa: E501


def test_a_bibtex_record_beside_a_citation_gives_what_it_leaves_out(tmp_path: Path):
    """A proceedings site's page: each paper's names a line, and its BibTeX in a box
    (as text, a page of records and citations between them is BibTeX)."""
    page = extract_page(tmp_path, WITH_BIBTEX, "html_citation_list", name="page.html")
    first, second = page.entries
    assert first["authors"] == ["Ada Park", "Jon Okoye", "Lina Moss"]
    assert (first["published_raw"], first["venue"]) == (
        "Jun 2023",
        "Proceedings of the Conference on Vision",
    )
    assert first["abstract"] is None  # the record is no abstract
    assert (second["published_raw"], second["venue"]) == (
        "2022",
        "Workshop on Detection",
    )  # its own


def test_papers_whose_records_alone_give_their_venues_are_still_read_a_part_a_line(
    tmp_path: Path,
):
    """How the page reads is judged without the records: with them, any reading of
    it would find authors, and the titles ran on into the names."""
    page = WITH_BIBTEX.replace("<dd>Workshop on Detection, 2022</dd>\n", "")
    first, second = extract_page(tmp_path, page, "html_citation_list", name="page.html").entries
    assert (first["title"], second["title"]) == (
        "Sparse Kernels for Dense Prediction",
        "Curriculum Sampling for Detection",
    )
    assert second["venue"] == "Proceedings of the Conference on Vision"


ONE_PAPER = """Sparse Gaussian Processes for Robotics

Ines Varga1,2*, Tomas Reller1*, Oskar Lunde2
1 Example University, 2 Sample Institute of Technology
* Equal contribution

Abstract
We present a sparse Gaussian process method for robot learning that scales to millions of observations while keeping calibrated uncertainty.
"""  # noqa: E501


def test_a_page_of_one_paper(tmp_path: Path):
    """A paper's landing page as text: title, marked byline, institutions, the note's
    legend, and its abstract under a heading."""
    (entry,) = _read(tmp_path, ONE_PAPER).entries
    assert entry["title"] == "Sparse Gaussian Processes for Robotics"
    assert entry["authors"] == ["Ines Varga", "Tomas Reller", "Oskar Lunde"]
    assert entry["affiliations"] == ["Example University", "Sample Institute of Technology"]
    assert entry["venue"] is None  # neither the legend nor "Abstract"
    assert entry["abstract"].startswith("We present a sparse Gaussian process")


def test_prose_under_a_heading_is_no_paper(tmp_path: Path):
    page = tmp_path / "page.txt"
    page.write_text("About this site\n\nWe collect notes on robot learning and share them.\n")
    assert extract(page).source["format"] == "unknown"


STYLES = {
    "nature": """Publications

1. Park, A., Okoye, J. & Moss, L. Sparse kernels for long documents. Nature 601, 45–50 (2023).
2. Okoye, J. & Park, A. Curriculum sampling for retrieval. Nat. Mach. Intell. 4, 112–120 (2022).
""",
    "springer": """Publications

Park A, Okoye J, Moss L (2023) Sparse kernels for long documents. Mach Learn 112(3):1–20
Okoye J, Park A (2022) Curriculum sampling for retrieval. Inf Retr J 25:100–120
""",
    "ieee": """Publications

[1] A. Park, J. Okoye, and L. Moss, "Sparse kernels for long documents," IEEE Trans. Pattern Anal. Mach. Intell., vol. 45, no. 3, pp. 1–20, Mar. 2023.
[2] J. Okoye and A. Park, "Curriculum sampling for retrieval," in Proc. IEEE Int. Conf. Data Mining, Nov. 2022, pp. 100–110.
""",  # noqa: E501
    "acm": """References

A. Park, J. Okoye, and L. Moss. 2023. Sparse kernels for long documents. ACM Trans. Inf. Syst. 41, 2, Article 30 (March 2023), 24 pages.

J. Okoye and A. Park. 2022. Curriculum sampling for retrieval. In Proceedings of the Web Conference (WWW '22). 10 pages.
""",  # noqa: E501
    "aside": """Ada Park - Papers

Sparse kernels for long documents
A. Park, J. Okoye, L. Moss (TACL 2023)

Curriculum sampling for retrieval
J. Okoye, A. Park (SIGIR 2022)
""",
}


@pytest.mark.parametrize(
    ("style", "venues"),
    [
        ("nature", ["Nature", "Nat. Mach. Intell"]),  # names closed by an initial's period
        ("springer", ["Mach Learn", "Inf Retr J"]),  # names closed by the year
        ("ieee", ["IEEE Trans. Pattern Anal. Mach. Intell", "Proc. IEEE Int. Conf. Data Mining"]),
        ("acm", ["ACM Trans. Inf. Syst", "Proceedings of the Web Conference (WWW '22)"]),
        ("aside", ["TACL", "SIGIR"]),  # the venue in brackets after the names
    ],
)
def test_citation_styles_of_publishers(tmp_path: Path, style, venues):
    first, second = _read(tmp_path, STYLES[style]).entries
    assert (first["title"], second["title"]) == (
        "Sparse kernels for long documents",
        "Curriculum sampling for retrieval",
    )
    assert first["authors"] == ["A. Park", "J. Okoye", "L. Moss"]
    assert second["authors"] == ["J. Okoye", "A. Park"]
    assert [first["venue"], second["venue"]] == venues
    assert first["published_raw"].endswith("2023") and second["published_raw"].endswith("2022")


MARKUPS = {
    "latex": """\\section*{Ada Park}
Department of Computing, Example University

\\section*{Publications}
\\subsection*{2022}
\\begin{itemize}
\\item A.~Park and J.~Okoye. \\textit{Sim-to-Real Transfer for Dexterous Hands}. In \\emph{ICRA}.
\\end{itemize}
\\subsection*{2021}
\\begin{itemize}
\\item A.~Park, J.~Okoye and M.~Lin. \\textit{Learning to Grasp with Touch}. In \\emph{CoRL}.
\\item M.~Lin, A.~Park and R.~Costa. \\textit{Visual Servoing without Calibration}. In \\emph{IROS}.
\\end{itemize}
""",
    "asciidoc": """= Ada Park: Publications

== 2022

* Sim-to-Real Transfer for Dexterous Hands. Ada Park, Jon Okoye. _ICRA_.

== 2021

* Learning to Grasp with Touch. Ada Park, Jon Okoye, Mei Lin. _CoRL_.
* Visual Servoing without Calibration. Mei Lin, Ada Park, Rui Costa. _IROS_.
""",
    "org": """#+TITLE: Publications of Ada Park

* 2022
- Ada Park, Jon Okoye. /Sim-to-Real Transfer for Dexterous Hands/. ICRA.
* 2021
- Ada Park, Jon Okoye, Mei Lin. /Learning to Grasp with Touch/. CoRL.
- Mei Lin, Ada Park, Rui Costa. /Visual Servoing without Calibration/. IROS.
""",
    "markdown": """# Publications of Ada Park

## 2022
- Ada Park, Jon Okoye. *Sim-to-Real Transfer for Dexterous Hands*. ICRA.
## 2021
- Ada Park, Jon Okoye, Mei Lin. *Learning to Grasp with Touch*. CoRL.
- Mei Lin, Ada Park, Rui Costa. *Visual Servoing without Calibration*. IROS.
""",
}


@pytest.mark.parametrize("markup", sorted(MARKUPS))
def test_lists_in_each_markup_with_their_owner_and_year_headings(tmp_path: Path, markup: str):
    page = _read(tmp_path, MARKUPS[markup])
    assert page.source["owner_name"] == "Ada Park"
    read = [(e["title"], e["published_raw"], e["venue"]) for e in page.entries]
    assert read == [
        ("Sim-to-Real Transfer for Dexterous Hands", "2022", "ICRA"),
        ("Learning to Grasp with Touch", "2021", "CoRL"),  # the heading below the item
        ("Visual Servoing without Calibration", "2021", "IROS"),
    ]
    assert not page.quarantine


HARVARD = """Publications - Ada Park

Park, A., Okoye, J. and Lin, M. (2021) 'Learning to grasp with touch', Robot Learning, 12(3), pp. 45-67.

Park, A. and Okoye, J. (2022) \u2018Learning what\u2019s next in grasping\u2019, in Proceedings of ICRA. IEEE, pp. 33-40.

Lin, M., Park, A. and Costa, R. (2020) 'Visual servoing without calibration.' Robotics Letters, 5(4), pp. 100-108.
"""  # noqa: E501

OTHER_STYLES = {
    "harvard": HARVARD,
    "research portal": """Ada Park
Professor, School of Informatics

Research output

Learning to grasp with touch
Park, A., Okoye, J. & Lin, M., 15 Mar 2021, In: Robot Learning. 12, 3, p. 45-67 23 p.
Research output: Contribution to journal \u203a Article \u203a peer-review

Learning what\u2019s next in grasping
Park, A. & Okoye, J., 2022, Proceedings of ICRA. IEEE, p. 33-40 8 p.
Research output: Chapter in Book/Report/Conference proceeding \u203a Conference contribution

Visual servoing without calibration
Lin, M., Park, A. & Costa, R., 2020, In: Robotics Letters. 5, 4, p. 100-108
Research output: Contribution to journal \u203a Article \u203a peer-review
""",
    "year first": """ADA PARK
Selected papers

(2021) Park A, Okoye J, Lin M. Learning to grasp with touch. Robot Learning 12:45-67.
(2022) Park A, Okoye J. Learning what\u2019s next in grasping. Proceedings of ICRA.
(2020b) Lin M, Park A, Costa R. Visual servoing without calibration. Robotics Letters.
""",
}


@pytest.mark.parametrize("style", sorted(OTHER_STYLES))
def test_harvard_research_portal_and_year_first_citations(tmp_path: Path, style: str):
    page = _read(tmp_path, OTHER_STYLES[style])
    assert page.source["owner_name"] == "Ada Park" and not page.quarantine
    read = [(e["title"], e["authors"], e["published_raw"][-4:], e["venue"]) for e in page.entries]
    assert read == [
        (
            "Learning to grasp with touch",
            ["A. Park", "J. Okoye", "M. Lin"],
            "2021",
            "Robot Learning",
        ),
        (
            "Learning what\u2019s next in grasping",
            ["A. Park", "J. Okoye"],
            "2022",
            "Proceedings of ICRA",
        ),
        (
            "Visual servoing without calibration",
            ["M. Lin", "A. Park", "R. Costa"],
            "2020",
            "Robotics Letters",
        ),
    ]


def test_quoted_words_within_a_title_are_no_title(tmp_path: Path):
    text = "Papers\n\n" + "\n".join(
        f"- A. Park, J. Okoye. Learning 'what matters' in grasping {n}. ICRA 2021." for n in "123"
    )
    assert _read(tmp_path, text).entries[0]["title"] == "Learning 'what matters' in grasping 1"


GOST_LATIN = """List of publications

1. Park A.A., Okoye J.J., Lin M.M. Learning to grasp with touch // Robot Learning. 2021. Vol. 12, No. 3. P. 45-67.
2. Park A.A., Okoye J.J. Transfer for dexterous hands // Proc. ICRA. 2022. P. 33-40.
3. Lin M.M., Park A.A. Visual servoing without calibration // Robotics Letters. 2020. No. 4. P. 100-108.
"""  # noqa: E501
GOST_CYRILLIC = """Иванов Иван Иванович

1. Иванов И.И., Петров П.П. Обучение захвату // Журнал робототехники. 2021. Т. 12, № 3. С. 45-67.
2. Петров П.П., Иванов И.И. Перенос из симуляции // Труды ICRA. 2022. С. 33-40.
"""


def test_gost_citations_in_either_script(tmp_path: Path):
    latin = _read(tmp_path, GOST_LATIN).entries
    read = [(e["title"], e["authors"], e["published_raw"], e["venue"]) for e in latin]
    park, okoye, lin = "A. A. Park", "J. J. Okoye", "M. M. Lin"
    assert read[:2] == [
        ("Learning to grasp with touch", [park, okoye, lin], "2021", "Robot Learning"),
        ("Transfer for dexterous hands", [park, okoye], "2022", "Proc. ICRA"),
    ]
    page = _read(tmp_path, GOST_CYRILLIC)
    first = page.entries[0]
    assert first["authors"] == ["И. И. Иванов", "П. П. Петров"]
    assert (first["title"], first["venue"]) == ("Обучение захвату", "Журнал робототехники")
    assert page.source["owner_name"] == "Иванов Иван Иванович"


SOLO = """Publications

- Ada Park. Ethics of grasping machines. Philosophy and Technology, 2021.
- Ada Park. Tools that touch: a history of the robot hand. Technology and Culture, 2019.
- Ada Park. What robots know about hands. Mind, 2017.
"""


def test_papers_of_one_author_each(tmp_path: Path):
    """No byline of two names shows where names go: one name at the same place in most
    citations is their author, on a page of such papers and among papers of several."""
    solo = _read(tmp_path, SOLO).entries
    read = [(e["title"], e["authors"], e["venue"]) for e in solo]
    assert read[0] == ("Ethics of grasping machines", ["Ada Park"], "Philosophy and Technology")
    assert [e["authors"] for e in solo] == [["Ada Park"]] * 3
    mixed = SOLO.replace("- Ada Park. What", "- Ada Park, Jon Okoye. What").replace(
        "- Ada Park. Tools", "- Jon Okoye, Ada Park. Tools"
    )
    first, *_ = _read(tmp_path, mixed).entries  # one of three alone
    assert (first["title"], first["authors"]) == ("Ethics of grasping machines", ["Ada Park"])


@pytest.mark.parametrize(
    "citation",
    [
        "Learning to grasp with touch, by A. Park and J. Okoye. CoRL 2021.",
        "A. Park, J. Okoye: Learning to grasp with touch. CoRL 2021: 112-120",  # DBLP's
        "A. Park and J. Okoye, Learning to grasp with touch, CoRL, 2021.",  # commas only
        "A. Park, J. Okoye, Learning to grasp with touch. In Proc. CoRL, pages 112-120, 2021.",
    ],
)
def test_a_byline_meeting_its_title_without_a_period(tmp_path: Path, citation: str):
    page = "Papers\n\n" + "\n".join(f"- {citation}" for _ in range(3))
    entry = _read(tmp_path, page).entries[0]
    assert (entry["title"], entry["authors"]) == (
        "Learning to grasp with touch",
        ["A. Park", "J. Okoye"],
    )
    assert entry["venue"] in ("CoRL", "Proc. CoRL") and entry["published_raw"] == "2021"


def test_a_title_with_a_colon_or_by_is_no_byline(tmp_path: Path):
    page = "Papers\n\n" + "\n".join(
        f"- {t}. A. Park, J. Okoye. CoRL 2021."
        for t in ("Deep Learning: A Survey", "Learning by Doing", "Grasping, Briefly")
    )
    assert [e["title"] for e in _read(tmp_path, page).entries] == [
        "Deep Learning: A Survey",
        "Learning by Doing",
        "Grasping, Briefly",
    ]


def test_commas_only_with_a_serial_comma_before_the_last_name(tmp_path: Path):
    page = "Papers\n\n" + "- A. Park, J. Okoye, and M. Lin, Learning to grasp, CoRL, 2021.\n" * 3
    entry = _read(tmp_path, page).entries[0]
    assert (entry["title"], entry["authors"]) == (
        "Learning to grasp",
        ["A. Park", "J. Okoye", "M. Lin"],
    )


PHILPAPERS = """Ada Park (University of Example)

Ethics of grasping machines.Ada Park - 2021 - Philosophy and Technology 34 (3):45-67.
Tools that touch.Ada Park & Jon Okoye - 2019 - Technology and Culture 60 (2):100-120.
What robots know about hands.Ada Park - forthcoming - Mind.
"""


def test_philpapers_titles_glued_to_names_dashes_and_a_first_paper_of_one_author(tmp_path):
    page = _read(tmp_path, PHILPAPERS)
    read = [(e["title"], e["authors"], e["published_raw"], e["venue"]) for e in page.entries]
    assert read == [
        ("Ethics of grasping machines", ["Ada Park"], "2021", "Philosophy and Technology"),
        ("Tools that touch", ["Ada Park", "Jon Okoye"], "2019", "Technology and Culture"),
        ("What robots know about hands", ["Ada Park"], None, "Mind"),
    ]
    assert page.source["header_text"] == "Ada Park (University of Example)"


MLA_SOLO_FIRST = """Ada Park \u2014 Publications

Park, Ada. "Ethics of Grasping Machines." Philosophy and Technology, vol. 34, 2021, pp. 45-67.
Park, Ada, and Jon Okoye. "Tools That Touch." Technology and Culture, vol. 60, 2019, pp. 1-20.
Lin, Mei, et al. "Visual Servoing without Calibration." Robotics Letters, vol. 5, 2020.
"""


def test_a_heading_above_one_line_citations_is_no_paper_of_one_author(tmp_path: Path):
    """The page's first paper, of one author, is read; the heading above it, a name and
    a word, is no paper: it has no date."""
    page = _read(tmp_path, MLA_SOLO_FIRST)
    assert [e["title"] for e in page.entries] == [
        "Ethics of Grasping Machines",
        "Tools That Touch",
        "Visual Servoing without Calibration",
    ]
    assert page.source["header_text"] == "Ada Park \u2014 Publications"


IEEE_XPLORE = """Ada Park
Publications (2)

Learning to grasp with tactile sensing
Ada Park; Jon Okoye; Mei Lin
2021 IEEE International Conference on Robotics and Automation (ICRA)
Year: 2021 | Conference Paper | Publisher: IEEE

Sim-to-real transfer for dexterous hands
Ada Park; Jon Okoye
IEEE Robotics and Automation Letters
Year: 2022 | Volume: 7, Issue: 2 | Journal Article | Publisher: IEEE
"""


def test_a_venue_line_under_a_byline_is_no_more_names(tmp_path: Path):
    """ "IEEE Robotics and Automation Letters" splits at "and" into name-shaped words;
    "Letters" names a venue, never a person."""
    second = _read(tmp_path, IEEE_XPLORE).entries[1]
    assert second["authors"] == ["Ada Park", "Jon Okoye"]
    assert second["venue"] == "IEEE Robotics and Automation Letters"


def test_an_abstracts_label_is_no_part_of_it(tmp_path: Path):
    abstract = "We learn to grasp objects with touch, and show that it works on real robots."
    block = "{t}\nAda Park, Jon Okoye\nCoRL 2021\n{label} " + abstract + "\n"
    text = "Publications\n\n" + "\n".join(
        block.format(t=t, label=label)
        for t, label in (("Grasping", "Abstract:"), ("Touch", "TLDR:"))
    )
    assert [e["abstract"] for e in _read(tmp_path, text).entries] == [abstract] * 2


HANGING = """Ada Park - Publications

Park, A., & Okoye, J. (2021). Learning to grasp with tactile sensing. Journal
    of Robot Learning, 12(3), 45-67.
Lin, M., Park, A., & Costa, R. (2020). Visual servoing without calibration.
    Robotics Letters, 5(4), 100-108.
Park, A. (2019). Planning under uncertainty. In Proceedings of RSS (pp. 1-9).
"""


def test_author_year_citations_wrapped_with_no_blank_line_between(tmp_path: Path):
    """APA copied from a CV, its hanging indent lost: each citation opens with its
    names and year, and runs to the next."""
    entries = _read(tmp_path, HANGING).entries
    assert [e["title"] for e in entries] == [
        "Learning to grasp with tactile sensing",
        "Visual servoing without calibration",
        "Planning under uncertainty",
    ]
    assert [e["authors"] for e in entries] == [
        ["A. Park", "J. Okoye"],
        ["M. Lin", "A. Park", "R. Costa"],
        ["A. Park"],
    ]
    assert entries[0]["venue"] == "Journal of Robot Learning"  # wrapped over two lines


NESTED = """# Ada Park

## Publications

- Learning to grasp with tactile sensing
  - Ada Park, Jon Okoye, Mei Lin
  - CoRL 2021
- Transfer for dexterous hands
  - Ada Park, Jon Okoye
  - ICRA 2022
"""


def test_a_list_items_sub_items_are_its_fields(tmp_path: Path):
    entries = _read(tmp_path, NESTED).entries
    assert [(e["title"], e["venue"], e["published_raw"]) for e in entries] == [
        ("Learning to grasp with tactile sensing", "CoRL", "2021"),
        ("Transfer for dexterous hands", "ICRA", "2022"),
    ]
    assert [e["authors"] for e in entries] == [
        ["Ada Park", "Jon Okoye", "Mei Lin"],
        ["Ada Park", "Jon Okoye"],
    ]


def test_a_citation_quoted_whole_is_no_quoted_title(tmp_path: Path):
    """A data file's list of strings, read as text: the quotes are the file's. IEEE's
    title quoted on a line of its own, with no date, keeps its quotes' meaning."""
    listed = "publications:\n" + "".join(
        f'  - "A. Park, J. Okoye. {t}. CoRL 2021."\n' for t in ("Grasping with touch", "Hands")
    )
    assert [e["title"] for e in _read(tmp_path, listed).entries] == ["Grasping with touch", "Hands"]
    ieee = "Publications\n\n" + "".join(
        f'[{n}] A. Park and J. Okoye,\n"{t},"\nin Proc. CoRL, 2021.\n'
        for n, t in ((1, "Learning to grasp with touch"), (2, "Transfer for dexterous hands"))
    )
    entries = _read(tmp_path, ieee).entries
    assert [(e["title"], e["venue"]) for e in entries] == [
        ("Learning to grasp with touch", "Proc. CoRL"),
        ("Transfer for dexterous hands", "Proc. CoRL"),
    ]


def test_a_venue_and_year_set_before_the_title_is_no_title(tmp_path: Path):
    page = "Ada Park\n\n" + "".join(
        f"{v} {y} | {t} | A. Park, J. Okoye\n"
        for v, y, t in (("CoRL", 2021, "Learning to grasp"), ("ICRA", 2022, "Transfer for hands"))
    )
    entries = _read(tmp_path, page).entries
    assert [(e["title"], e["venue"]) for e in entries] == [
        ("Learning to grasp", "CoRL"),
        ("Transfer for hands", "ICRA"),
    ]


IEEE_UNNUMBERED = """Ada Park - Publications

A. Park, J. Okoye, and M. Lin, "Learning to grasp with tactile sensing," in
Proc. CoRL, 2021, pp. 112-120.
A. Park and J. Okoye, "Transfer for dexterous hands," IEEE Robot.
Autom. Lett., vol. 7, no. 2, pp. 33-40, 2022.
M. Lin et al., "Visual servoing without calibration," in Proc. IROS, 2020.
"""


def test_ieee_citations_wrapped_with_no_number_or_blank_line(tmp_path: Path):
    entries = _read(tmp_path, IEEE_UNNUMBERED).entries
    assert [(e["title"], e["published_raw"]) for e in entries] == [
        ("Learning to grasp with tactile sensing", "2021"),
        ("Transfer for dexterous hands", "2022"),
        ("Visual servoing without calibration", "2020"),
    ]
    assert entries[2]["authors"] == ["M. Lin"] and entries[2]["authors_truncated"]


YEAR_GROUPED_BLOCKS = """\
Ada Park

Publications

2024

Learning to grasp transparent objects
Ada Park, Jonas Okoye
Conference on Robot Learning, 2024
Sim-to-real transfer for legged locomotion
Jonas Okoye, Ada Park
IEEE Robotics and Automation Letters, 2024

2023

Contact-rich manipulation with diffusion policies
Mei Lin, Ada Park
ICRA, 2023
"""


def test_a_year_set_apart_between_title_and_byline_groups_heads_the_next_group(tmp_path: Path):
    # two papers in one paragraph: read as groups from each title over a byline
    entries = _read(tmp_path, YEAR_GROUPED_BLOCKS).entries
    assert [(e["title"].split()[0], e["published_raw"]) for e in entries] == [
        ("Learning", "2024"),
        ("Sim-to-real", "2024"),  # its own year, not the heading below it
        ("Contact-rich", "2023"),
    ]


ORG_CV = """\
#+TITLE: Ada Park

* Publications
** 2024
- Mei Lin, Ada Park. Contact-rich manipulation with diffusion policies. /ICRA/, 2024.
** 2022
- Jonas Okoye, Ada Park. Sim-to-real transfer for legged locomotion. /RA-L/, 2022.
- Ada Park, Rui Santos. Scaling laws for imitation learning. /Robotics: Science and Systems/.
* Talks
- Invited talk at the Robotics Institute, 2023.
"""


def test_an_org_cv_with_headlines_over_its_years_and_sections(tmp_path: Path):
    result = _read(tmp_path, ORG_CV)
    assert result.source["owner_name"] == "Ada Park"
    assert [(e["title"].split()[0], e["published_raw"], e["venue"]) for e in result.entries] == [
        ("Contact-rich", "2024", "ICRA"),  # a capitalised word in Org's italics
        ("Sim-to-real", "2022", "RA-L"),
        ("Scaling", "2022", "Robotics: Science and Systems"),  # its headline's year
    ]
    (talk,) = result.quarantine  # a talk, no paper: kept with its reason
    assert talk["raw_text"].startswith("- Invited talk")


DATE_COLUMN = """\
Ada Park

Publications

2024 Contact-rich manipulation with diffusion policies
Mei Lin, Ada Park
IEEE International Conference on Robotics and Automation
2022 Sim-to-real transfer for legged locomotion
Jonas Okoye, Ada Park
IEEE Robotics and Automation Letters
"""


def test_a_cvs_date_column_before_each_title_is_its_date_not_its_title(tmp_path: Path):
    entries = _read(tmp_path, DATE_COLUMN).entries
    assert [(e["title"], e["published_raw"]) for e in entries] == [
        ("Contact-rich manipulation with diffusion policies", "2024"),
        ("Sim-to-real transfer for legged locomotion", "2022"),
    ]


@pytest.mark.parametrize("footer", ["", "\nLast updated June 2024.\n"])
def test_a_list_of_one_citation_under_its_owner_heading(tmp_path: Path, footer: str):
    """The heading is the page's header, not a paper "Publications" by its owner, and a
    footer under the one item is no second paper."""
    page = extract_page(
        tmp_path,
        "## Publications by Ada Park\n\n"
        "1. **Grasping with tactile sensing**. Ada Park, Jon Okoye. "
        "*arXiv preprint* arXiv:1703.00002, March 2017.\n" + footer,
        "citation_list",
        "page.md",
    )
    assert [(e["title"], e["authors"]) for e in page.entries] == [
        ("Grasping with tactile sensing", ["Ada Park", "Jon Okoye"])
    ]
    assert page.source["owner_name"] == "Ada Park"
    assert not page.quarantine


def test_an_italic_venue_keeps_its_abbreviation_after_an_italic_title(tmp_path: Path):
    """Markdown and AsciiDoc italics ("In _Proc. ICRA_") do not cut the venue at its
    abbreviation's period, as plain text ("In Proc. CHI") does not."""
    page = extract_page(
        tmp_path,
        "# Ada Park\n\n## Publications\n\n"
        "1. A. Park, J. Okoye, and M. Lin. *Learning to grasp with tactile sensing*. "
        "In _Proc. ICRA_, 2021.\n"
        "2. A. Park and J. Okoye. *Sim-to-real transfer for dexterous hands*. "
        "In *Proc. CoRL*, 2022.\n"
        "3. A. Park. *Tools that touch*. In Proc. CHI, 2019.\n",
        "citation_list",
        "page.md",
    )
    assert [e["venue"] for e in page.entries] == ["Proc. ICRA", "Proc. CoRL", "Proc. CHI"]


def test_latex_quotes_round_a_bibitems_title(tmp_path: Path):
    page = extract_page(
        tmp_path,
        "\\begin{thebibliography}{9}\n"
        "\\bibitem{park21} A.~Park, J.~Okoye, and M.~Lin, ``Learning to grasp with "
        "tactile sensing,'' in \\emph{Proc. ICRA}, 2021.\n"
        "\\bibitem{park22} A.~Park and J.~Okoye, ``Don't drop it: sim-to-real transfer "
        "for dexterous hands,'' \\emph{IEEE Robotics and Automation Letters}, 2022.\n"
        "\\end{thebibliography}\n",
        "citation_list",
        "cv.tex",
    )
    assert [(e["title"], e["venue"]) for e in page.entries] == [
        ("Learning to grasp with tactile sensing", "Proc. ICRA"),
        (
            "Don't drop it: sim-to-real transfer for dexterous hands",
            "IEEE Robotics and Automation Letters",
        ),
    ]


def test_acs_names_parted_by_semicolons_open_the_citation(tmp_path: Path):
    """ACS writes "Park, A.; Okoye, J. Title. Venue Year, Volume, Pages.": the period
    after the last initial ends the byline. The lines were read as one paper."""
    page = extract_page(
        tmp_path,
        "Publications\n\n"
        "Park, A.; Okoye, J. Learning to Grasp with Tactile Sensing. "
        "IEEE Robot. Autom. Lett. 2021, 6, 100-107.\n"
        "Park, A.; Okoye, J.; Lin, M. Sim-to-Real Transfer for Dexterous Hands. "
        "Sci. Robot. 2022, 7, 1-12.\n",
        "citation_list",
    )
    assert [(e["title"], len(e["authors"]), e["venue"]) for e in page.entries] == [
        ("Learning to Grasp with Tactile Sensing", 2, "IEEE Robot. Autom. Lett"),
        ("Sim-to-Real Transfer for Dexterous Hands", 3, "Sci. Robot"),
    ]

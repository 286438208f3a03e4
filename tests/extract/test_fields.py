"""Field recognisers: bylines, glued titles, dates, arXiv ids, markup."""

from __future__ import annotations

import pytest

from pipeline.extract.fields import (
    ARXIV_TAG,
    FOOTNOTE_LEGEND,
    PartialDate,
    affiliations_in,
    arxiv_id_in,
    clean_markup,
    display_name,
    is_publication_type,
    latex_accents,
    looks_like_name,
    parse_byline,
    parse_date,
    split_title_byline,
)


@pytest.mark.parametrize(
    ("line", "title", "first_author"),
    [
        (
            "Learning from Repeated DataDanny Hernandez, Tom Brown et al.",
            "Learning from Repeated Data",
            "Danny Hernandez",
        ),
        ("Safety via RLHFJ. Smith, K. Lee", "Safety via RLHF", "J. Smith"),
        ("Scaling Laws for GPT-4Ana Souza et al. · openai", "Scaling Laws for GPT-4", "Ana Souza"),
        ("Is It Real?Alice Wong", "Is It Real?", "Alice Wong"),
        (
            "Dense Prediction (DPT)René Ranftl, Vladlen Koltun",
            "Dense Prediction (DPT)",
            "René Ranftl",
        ),
        (
            "A Carbon-Neutral Energy SystemJulian Geis, Michael Lindner",
            "A Carbon-Neutral Energy System",
            "Julian Geis",
        ),
        (
            "Harmlessness from AI FeedbackYuntao Bai, Nova DasSarma",
            "Harmlessness from AI Feedback",
            "Yuntao Bai",
        ),
        ("A Survey of GPT ModelsWei ZHANG, Yi LIU et al.", "A Survey of GPT Models", "Wei ZHANG"),
        ("Über die ÄquivalenzÉmile Borel, Kamilė Lukošiūtė", "Über die Äquivalenz", "Émile Borel"),
    ],
)
def test_glued_title_and_byline_split_where_the_byline_starts(line, title, first_author):
    split = split_title_byline(line)
    assert split is not None
    assert split[0] == title and split[1].authors[0] == first_author


@pytest.mark.parametrize(
    "line",
    ["Attention Is All You Need", "A Study of Things", "MicroXercise: A Micro-Level System"],
)
def test_titles_without_a_byline_are_not_split(line):
    assert split_title_byline(line) is None


def test_byline_with_truncation_and_affiliations():
    b = parse_byline("Yuntao Bai, Saurav Kadavath, Sandipan Kundu et al. · anthropic, berkeley")
    assert b is not None
    assert b.authors == ("Yuntao Bai", "Saurav Kadavath", "Sandipan Kundu")
    assert b.truncated and b.affiliations == ("anthropic", "berkeley")
    assert parse_byline("Ana Souza and Bo Li").authors == ("Ana Souza", "Bo Li")
    assert parse_byline("Maria de la Cruz, Kelly O'Brien").authors[0] == "Maria de la Cruz"


@pytest.mark.parametrize(
    "line, authors",
    [
        ("Rossi, Sofia, Daniel Kim, and Amara Nwosu", ("Sofia Rossi", "Daniel Kim", "Amara Nwosu")),
        ("Kim, Daniel, and Sofia Rossi", ("Daniel Kim", "Sofia Rossi")),
        ("Lindqvist, Erik", ("Erik Lindqvist",)),
        ("Rossi, Daniel Kim, Amara Nwosu", ("Rossi", "Daniel Kim", "Amara Nwosu")),  # a mononym
        ("Smith, Jones, Brown", ("Smith", "Jones", "Brown")),  # surnames alone: none inverted
    ],
)
def test_a_first_author_written_surname_first_is_put_in_order(line, authors):
    byline = parse_byline(line)
    assert byline is not None and byline.authors == authors


@pytest.mark.parametrize(
    "line",
    [
        "Anna Chen*, Tom Brown*, Lina Park\u2020",  # equal contribution, a note
        "Anna Chen1, Tom Brown2, Lina Park1,2",  # affiliations' numbers
        "Anna Chen1*, Tom Brown2*, Lina Park1\u2020",  # numbers and notes
        "Anna Chen\u00b9*, Tom Brown\u00b2*, Lina Park\u00b9,\u00b2\u2020",  # superscripts
        "Anna Chen\u00b9, Tom Brown\u00b2, Lina Park\u00b3",
        "Dr. Anna Chen, Prof. Tom Brown and Lina Park",
        "Anna Chen (Anthropic), Tom Brown (\u7530\u4e2d), Lina Park",  # asides
    ],
)
def test_what_decorates_names_on_a_byline_is_no_part_of_them(line):
    byline = parse_byline(line)
    assert byline is not None and byline.authors == ("Anna Chen", "Tom Brown", "Lina Park")


@pytest.mark.parametrize(
    "line, authors, truncated",
    [
        ("Anna Smith, Bo Jones and 5 others", ("Anna Smith", "Bo Jones"), True),
        ("Anna Smith, Bo Jones, +3 more", ("Anna Smith", "Bo Jones"), True),
        ("Anna Smith, Bo Jones (+12 more)", ("Anna Smith", "Bo Jones"), True),
        ("Anna Smith, Bo Jones, ..., Tom Brown", ("Anna Smith", "Bo Jones", "Tom Brown"), True),
        ("Anna Smith & Bo Jones", ("Anna Smith", "Bo Jones"), False),
        ("Bai Y, Kadavath SR, et al.", ("Y. Bai", "S. R. Kadavath"), True),  # PubMed's order
        ("Wei WU, Li MA", ("Wei WU", "Li MA"), False),  # surnames in capitals, no initials
        ("Tom Brown II, Anna Smith", ("Tom Brown II", "Anna Smith"), False),
    ],
)
def test_how_bylines_cut_part_and_order_their_names(line, authors, truncated):
    byline = parse_byline(line)
    assert byline is not None and (byline.authors, byline.truncated) == (authors, truncated)


def test_a_suffix_set_apart_by_a_comma_stays_with_its_name():
    byline = parse_byline("Anna Chen, Sebastian Thrun, Jr., Lina Park")
    assert byline is not None and byline.authors == (
        "Anna Chen",
        "Sebastian Thrun Jr.",
        "Lina Park",
    )
    assert parse_byline("Attention (Is All You Need), Part 2") is None


def test_names_parted_by_dots_are_a_byline_and_a_dot_before_affiliations_is_not():
    assert parse_byline("Jane Q. Doe \u00b7 Kofi Mensah \u00b7 Sung-min Park").authors == (
        "Jane Q. Doe",
        "Kofi Mensah",
        "Sung-min Park",
    )
    lone = parse_byline("Yuntao Bai \u00b7 anthropic")
    assert lone.authors == ("Yuntao Bai",) and lone.affiliations == ("anthropic",)


@pytest.mark.parametrize(
    "line",
    [
        "Ada Park, Jon Okoye, +28 authors Lina Moss",
        "Ada Park, Jon Okoye, ..., Lina Moss",
        "Ada Park \u00b7 Jon Okoye \u00b7 [...] \u00b7 Lina Moss",
        "Ada Park \u00b7 Jon Okoye \u00b7 [\u2026] \u00b7 Lina Moss",
    ],
)
def test_authors_left_out_between_first_and_last(line):
    b = parse_byline(line)
    assert b.authors == ("Ada Park", "Jon Okoye", "Lina Moss") and b.truncated


@pytest.mark.parametrize(
    ("text", "expected"),
    [("research-article", True), ("Short Paper", True), ("Article.", True), ("Articles", False)],
)
def test_kinds_of_work_however_written(text, expected):
    assert is_publication_type(text) is expected


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("Sung-min Park", True),
        ("Xiao-li Meng", True),
        ("Zac Hatfield-Dodds", True),
        ("Multi-task Learning", False),
        ("Research Scientist", False),
        ("Example Labs", False),
        ("Selected Publications", False),
    ],
)
def test_names_against_job_titles_headings_and_hyphened_words(item, expected):
    assert looks_like_name(item) is expected


@pytest.mark.parametrize(
    "line",
    [
        "We study whether language models can evaluate the validity of their own claims.",
        "GPT Models Are Few Shot Learners",
        "Plato",
        "Metal",  # "et al" inside a word cuts nothing short
        "",
    ],
)
def test_prose_and_titles_are_not_bylines(line):
    assert parse_byline(line) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Dec 15, 2022", PartialDate(2022, 12, 15)),
        ("Apr 1", PartialDate(None, 4, 1)),
        ("15 December 2022", PartialDate(2022, 12, 15)),
        ("2022-12-15", PartialDate(2022, 12, 15)),
        ("Sept 3, 2019", PartialDate(2019, 9, 3)),
        ("December 2022", PartialDate(2022, 12, None)),
        ("2021", PartialDate(2021, None, None)),
        ("Feb 30, 2022", None),
        ("15.12.2022", PartialDate(2022, 12, 15)),  # European, day first
        ("25/12/2022", PartialDate(2022, 12, 25)),  # slashed, only a day can be 25
        ("12/25/2022", PartialDate(2022, 12, 25)),  # slashed, American
        ("03/04/2021", PartialDate(2021, None, None)),  # either: the year alone is sure
        ("05/05/2021", PartialDate(2021, 5, 5)),
        ("31.02.2021", None),
        ("2022/12/15", PartialDate(2022, 12, 15)),
        ("2022-12", PartialDate(2022, 12, None)),
        ("12/2022", PartialDate(2022, 12, None)),
        ("December 15th, 2022", PartialDate(2022, 12, 15)),
        ("15-Dec-2022", PartialDate(2022, 12, 15)),
        ("Thu, 15 Dec 2022 10:00:00 GMT", PartialDate(2022, 12, 15)),
        ("2022-12-15T10:00:00Z", PartialDate(2022, 12, 15)),
        ("2023 Mar 14", PartialDate(2023, 3, 14)),  # PubMed, year first
        ("2022 Jan", PartialDate(2022, 1, None)),
        ("2023 Feb 30", None),
        ("Winter 2022", PartialDate(2022, None, None)),  # the year it names, no more
        ("2020-2021", None),  # two years: neither is sure
        ("2023\u5e7412\u6708", PartialDate(2023, 12, None)),  # Chinese and Japanese
        ("2022\u5e7410\u670815\u65e5", PartialDate(2022, 10, 15)),
        ("2021\ub144 3\uc6d4", PartialDate(2021, 3, None)),  # Korean
        ("2020\u5e7413\u6708", None),
        ("15 d\u00e9c. 2022", PartialDate(2022, 12, 15)),  # French
        ("14. M\u00e4rz 2023", PartialDate(2023, 3, 14)),  # German
        ("3 de diciembre de 2022", PartialDate(2022, 12, 3)),  # Spanish
        ("marzo 2021", PartialDate(2021, 3, None)),  # Italian
        ("Mars 2020", PartialDate(2020, None, None)),  # a capital: a planet's mission
        ("soon", None),
    ],
)
def test_parse_date(raw, expected):
    assert parse_date(raw) == expected


def test_arxiv_tags():
    assert ARXIV_TAG.search("see arXiv:2310.13798v2 for").group("id") == "2310.13798v2"
    assert ARXIV_TAG.search("arXiv: hep-th/9901001").group("id") == "hep-th/9901001"


def test_clean_markup_keeps_urls_and_words():
    assert clean_markup("on GitHub \\footnote{\\url{github.com/a/b}}.\\parfillskip=0pt") == (
        "on GitHub (github.com/a/b)."
    )
    assert clean_markup("bounded $L_\\infty$ and $L_2$ perturbations") == (
        "bounded L_∞ and L_2 perturbations"
    )
    assert clean_markup("see https://x.org/~me/a_b?c=1&d=2 now") == (
        "see https://x.org/~me/a_b?c=1&d=2 now"
    )
    assert clean_markup("<script>alert(1)</script> &lt;b&gt;") == "<script>alert(1)</script> <b>"


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"Gonz\'{a}lez", "González"),
        (r"Ren\'ee Dupr\'e", "Renée Dupré"),
        (r"{\v S}imi\'c", "Šimić"),
        (r"Erd\H{o}s and Ko\c{c}", "Erdős and Koç"),
        (r"Sch{\"o}lkopf", "Schölkopf"),
        (r"I\~{n}aki Mart\'{\i}n", "Iñaki Martín"),
        (r"\O{}ystein Gro\ss e", "Øystein Große"),
        (r"\label{x} \item \ldots", r"\label{x} \item \ldots"),  # commands, not letters
        (r"{\"title\": 1}", r"{\"title\": 1}"),  # a JSON string's quotes
    ],
)
def test_latex_accents_are_the_letters(latex: str, text: str):
    assert latex_accents(latex) == text


def test_clean_markup_reads_latex_accents():
    assert clean_markup(r"Schr\"odinger's equation~\cite{x}.") == "Schrödinger's equation."


def test_arxiv_id_in_tags_links_and_bare_ids():
    assert arxiv_id_in("arXiv preprint arXiv:2212.08073v2") == "2212.08073"
    assert arxiv_id_in("https://arxiv.org/abs/1704.01881") == "1704.01881"
    assert arxiv_id_in("https://arxiv.org/pdf/hep-th/9711200v3") == "hep-th/9711200"
    assert arxiv_id_in("2209.11895 [pdf, other]") is None
    assert arxiv_id_in("2209.11895 [pdf, other]", bare=True) == "2209.11895"
    assert arxiv_id_in("doi 10.1145/3292500.3330701", bare=True) is None


def test_display_name_turns_reference_manager_names():
    assert display_name("Hörsch, Jonas") == "Jonas Hörsch"
    assert display_name("van Dyk, Jr., Jan") == "Jan van Dyk Jr."
    assert display_name("Tom Brown") == "Tom Brown"


def test_clean_markup_spaces_prose_as_the_white_space_regex_does():
    """Every run of white space, Unicode spaces included, is one space; no space before
    punctuation after a parenthesis. Prose with and without markup alike."""
    import random
    import re

    spaces = [" ", "  ", "\n", "\t", "\u00a0", "\u2003", "\u3000", "\x1c"]
    pieces = ["word", "(a)", ",", ".", ";", ":", "$x$", "~", *spaces]
    rng = random.Random(5)
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        if "$" in text or "~" in text:
            continue  # markup: its own rules, tested above
        expected = re.sub(r"\s+", " ", re.sub(r"\)\s+([.,;:])", r")\1", text)).strip()
        assert clean_markup(text) == expected, repr(text)
    assert clean_markup("a (b)\u00a0, c\u2003\u2003d ") == "a (b), c d"


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("Okafor, Sheer; Lin, Mei; Weber, Jonas", ("Sheer Okafor", "Mei Lin", "Jonas Weber")),
        ("Okafor, S.; Lin, M.; et al.", ("S. Okafor", "M. Lin")),
        ("Okonkwo M", ("M. Okonkwo",)),  # PubMed's one author
    ],
)
def test_names_an_index_writes_surname_first(line, authors):
    assert parse_byline(line).authors == authors


def test_a_roman_numeral_is_no_initial():
    assert parse_byline("Type I") is None


def test_a_line_of_numbered_institutions_is_one_each():
    line = "\u00b9Example University \u00b2Sample Institute of Technology"
    assert affiliations_in(line) == ["Example University", "Sample Institute of Technology"]
    assert affiliations_in("Example University, Sample City") == ["Example University, Sample City"]
    digits = "1 Example University, 2 Sample Institute"
    assert affiliations_in(digits) == ["Example University", "Sample Institute"]


@pytest.mark.parametrize(
    ("line", "legend"),
    [
        ("*Equal contribution \u2020Corresponding author", True),
        ("\u2020 Work done while at Example Labs", True),
        ("Equal contribution from all authors", False),  # no mark: a sentence of its own
        ("Equal contribution", True),  # its mark read as a list's bullet
        ("*SEM 2023", False),  # a venue that opens with a star
    ],
)
def test_the_legend_of_a_bylines_marks(line, legend):
    assert (FOOTNOTE_LEGEND.match(line) is not None) is legend


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("Park, A., Okoye, J. R.", ("A. Park", "J. R. Okoye")),  # Scopus, APA without "&"
        ("Park, A., Okoye, J", ("A. Park", "J. Okoye")),  # its last period cut off
        ("Park J.-P., Okoye A.B.", ("J. P. Park", "A. B. Okoye")),  # dotted initials after
        ("Wei WU, Li MA", ("Wei WU", "Li MA")),  # surnames in capitals, no initials
        ("Garc\u00eda M\u00e1rquez, G. and Park, A.", ("G. Garc\u00eda M\u00e1rquez", "A. Park")),
        (
            "van der Berg, A., de Souza, M., & Park, A.",
            ("A. van der Berg", "M. de Souza", "A. Park"),
        ),
    ],
)
def test_surnames_with_their_initials_after(line, authors):
    byline = parse_byline(line)
    assert byline is not None and byline.authors == authors


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("Ada Park, Jon Okoye y Lina Moss", ("Ada Park", "Jon Okoye", "Lina Moss")),
        ("Ada Park und Jon Okoye", ("Ada Park", "Jon Okoye")),
        ("Ada Park et Jon Okoye", ("Ada Park", "Jon Okoye")),
        (
            "Jos\u00e9 Ortega y Gasset, Ada Park",
            ("Jos\u00e9 Ortega y Gasset", "Ada Park"),
        ),  # one surname
    ],
)
def test_the_word_before_the_last_name_in_other_languages(line, authors):
    byline = parse_byline(line)
    assert byline is not None and byline.authors == authors

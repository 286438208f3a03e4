"""Page headers: headings in each markup, and the owner the bylines confirm."""

from __future__ import annotations

import pytest

from pipeline.extract.header import (
    Heading,
    heading_of,
    heading_year,
    owner_on_bylines,
    parse_header,
)
from pipeline.extract.lines import split_lines


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("## 2023 ##", Heading(2, "2023")),  # Markdown
        ("# Ada Park", Heading(1, "Ada Park")),
        ("== 2022", Heading(2, "2022")),  # AsciiDoc
        ("==Publications==", Heading(2, "Publications")),  # a wiki's
        ("\\section*{Ada Park}", Heading(1, "Ada Park")),  # LaTeX
        ("\\subsection{2021}", Heading(2, "2021")),
        ("\\name{Ada}{Park}", Heading(1, "Ada Park")),  # moderncv
        ("#+TITLE: Publications of Ada Park", Heading(1, "Publications of Ada Park")),  # Org
        ("#hashtag", None),
        ("=====", None),  # a rule
        ("\\item A. Park. Title. 2021.", None),
        ("Ada Park", None),
    ],
)
def test_headings_in_each_markup(line: str, heading: Heading | None):
    assert heading_of(line) == heading


def test_a_bullet_that_is_only_a_year_heads_its_group():
    assert heading_year("* 2021") == heading_year("== 2021") == "2021"
    assert heading_year("* 2021 was a year") is None


def test_owner_on_bylines_compares_folded_surnames():
    bylines = [["Ada Lukosiute", "Jon Okoye"], ["J. Okoye"]]
    assert owner_on_bylines(["Deep Learning", "Ada Lukošiūtė"], bylines) == "Ada Lukošiūtė"
    assert owner_on_bylines(["Deep Learning", "Ada Park"], bylines) == "Deep Learning"
    assert owner_on_bylines([], bylines) is None
    assert owner_on_bylines(["Sweden Stockholm"], bylines, {"Sweden Stockholm"}) is None
    header = parse_header(split_lines("Stockholm, Sweden\nPark, Ada\n"))
    assert header.owner_names == ["Sweden Stockholm", "Ada Park"] and header.owner_name is None

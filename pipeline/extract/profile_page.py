"""Shape 1, a profile page: the owner and stats in a header, then entries of
category+date, title, "authors et al. · affiliations" and abstract, each on
lines of their own."""

from __future__ import annotations

from pipeline.extract import dated_list
from pipeline.extract.model import PageParse

NAME = "profile_page"


def detect(text: str) -> float:
    return dated_list.detect(text, glued_layout=False)


def parse(text: str) -> PageParse:
    return dated_list.parse(text, NAME)

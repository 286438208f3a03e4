"""Shape 3, a compact list with no owner: category+date (maybe after a score,
maybe without a year), then the title glued to its byline on one line, then the
abstract."""

from __future__ import annotations

from pipeline.extract import dated_list
from pipeline.extract.model import PageParse

NAME = "compact_list"


def detect(text: str) -> float:
    return dated_list.detect(text, glued_layout=True)


def parse(text: str) -> PageParse:
    return dated_list.parse(text, NAME)

"""Entries that open with a category glued to a date ("CLDec 15, 2022").

Two known shapes share this entry marker. Profile pages put the title and the
byline on lines of their own; compact lists glue the byline to the title. Each
block is read by whichever layout it actually has, so a page that mixes them
(or a shape detected wrongly) still parses.
"""

from __future__ import annotations

import itertools
from functools import lru_cache

from pipeline.extract.blocks import prose, split_page
from pipeline.extract.fields import CATEGORY_DATE_LINE, parse_byline, split_title_byline
from pipeline.extract.lines import Line, content_lines, split_lines
from pipeline.extract.model import PageParse, ParsedEntry

MIN_SHARE = 0.1
"""Share of content lines that must be entry markers for the page to be this shape."""


def entry_starts(lines: list[Line]) -> list[int]:
    return [ln.index for ln in lines if ln.text and CATEGORY_DATE_LINE.match(ln.text)]


def parse_block(block: list[Line]) -> tuple[ParsedEntry | None, str | None]:
    marker = CATEGORY_DATE_LINE.match(block[0].text)
    assert marker is not None
    entry = ParsedEntry(
        category=marker.group("category"),
        published_raw=marker.group("date"),
        score=float(marker.group("score")) if marker.group("score") else None,
    )
    body = [ln.text for ln in content_lines(block[1:])]
    if not body:
        return None, "truncated entry: nothing follows the category and date line"
    rest: list[str]
    separate = parse_byline(body[1]) if len(body) > 1 else None
    glued = None if separate else split_title_byline(body[0])
    if separate:
        entry.title, byline, rest = body[0], separate, body[2:]
    elif glued:
        (entry.title, byline), rest = glued, body[1:]
    else:
        only_byline = parse_byline(body[0], min_tokens=2)
        if only_byline and (only_byline.truncated or only_byline.affiliations):
            byline, rest = only_byline, body[1:]
        else:
            entry.title, byline, rest = body[0], None, body[1:]
    if byline is not None:
        entry.authors = list(byline.authors)
        entry.authors_truncated = byline.truncated
        entry.affiliations = list(byline.affiliations)
    entry.abstract, entry.comments = prose(rest, unmarked_comments=False)
    return entry, None


@lru_cache(maxsize=4)
def layout_votes(text: str) -> tuple[int, int, int]:
    """(entry markers, blocks with a separate byline line, blocks with a glued one)."""
    lines = split_lines(text)
    starts = entry_starts(lines)
    separate = glued = 0
    bounds = [*starts, len(lines)]
    for a, b in list(itertools.pairwise(bounds))[:20]:
        body = [ln.text for ln in content_lines(lines[a + 1 : b])]
        if len(body) > 1 and parse_byline(body[1]):
            separate += 1
        elif body and split_title_byline(body[0]):
            glued += 1
    return len(starts), separate, glued


@lru_cache(maxsize=4)
def marker_share(text: str) -> float:
    lines = split_lines(text)
    content = content_lines(lines)
    return len(entry_starts(lines)) / len(content) if content else 0.0


def detect(text: str, *, glued_layout: bool) -> float:
    """Confidence that `text` is a dated list in the given byline layout."""
    markers, separate, glued = layout_votes(text)
    if not markers or marker_share(text) < MIN_SHARE or not separate + glued:
        return 0.0  # no block under a marker holds a byline: a venue and date line, say
    if (glued > separate) == glued_layout:
        return 0.9
    return 0.4


def parse(text: str, fmt: str) -> PageParse:
    lines = split_lines(text)
    chunks, header = split_page(lines, entry_starts(lines), parse_block)
    return PageParse(fmt, chunks, header)

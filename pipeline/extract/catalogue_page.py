"""Shape 2, a catalogue page: "Picture for NAME" header, then per entry a title,
a date on its own line (or beside its venue), the FULL author list, thumbnails ("Figure N for ..."),
the abstract, "* comment" lines and a closing "Via<site> icon" badge.

An entry starts at the title above a bare date line (at the kind of work above
the title, "Article", where the site prints one), or at the first line after a
closing badge, whichever the page gives; so an entry missing its date or its
badge still stands on its own.
"""

from __future__ import annotations

import itertools
import re

from pipeline.extract.blocks import prose, split_page
from pipeline.extract.fields import DATE_LINE, DATE_PATTERN, is_publication_type, parse_byline
from pipeline.extract.lines import Line, content_lines, is_decoration, split_lines
from pipeline.extract.model import PageParse, ParsedEntry

NAME = "catalogue_page"
CLOSING_BADGE = re.compile(r"^Via\s?\S+\s+icon$", re.IGNORECASE)
_DATED_VENUE = re.compile(
    rf"^(?P<date>{DATE_PATTERN}|(?:19|20)\d{{2}})\s+\u00b7\s+(?P<venue>\S.*)$", re.IGNORECASE
)
"""A date with the venue after a dot, as ResearchGate sets them: "March 2023 \u00b7 Nature"."""


def _dated(text: str) -> tuple[str, str | None] | None:
    """The date a line is, and the venue beside it; None when it is no date line."""
    if DATE_LINE.match(text):
        return text, None
    dated = _DATED_VENUE.match(text)
    return (dated["date"], dated["venue"]) if dated else None


def _is_date(line: Line) -> bool:
    return bool(line.text) and _dated(line.text) is not None


def entry_starts(lines: list[Line]) -> list[int]:
    """Line indexes where entries begin: the title above each date, or the line after a badge."""
    starts: set[int] = set()
    badge_since_previous = False
    previous: Line | None = None
    kind: Line | None = None
    for line in lines:
        if line.text and CLOSING_BADGE.match(line.text):
            badge_since_previous = True
            continue
        if not line.text or is_decoration(line):
            continue
        if badge_since_previous:
            starts.add(line.index)
        elif _is_date(line):
            titled = previous is not None and not _is_date(previous)
            title_at = previous.index if titled and previous is not None else line.index
            starts.add(kind.index if titled and kind is not None else title_at)
        badge_since_previous = False
        kind = previous if previous is not None and is_publication_type(previous.text) else None
        previous = line
    return sorted(starts)


def parse_block(block: list[Line]) -> tuple[ParsedEntry | None, str | None]:
    body = content_lines(block)
    marked = [ln for ln in block if ln.text]
    entry = ParsedEntry(closed=bool(marked) and CLOSING_BADGE.match(marked[-1].text) is not None)
    date_at = next((i for i, ln in enumerate(body) if _is_date(ln)), None)
    if date_at is not None:
        entry.published_raw, entry.venue = _dated(body[date_at].text) or (None, None)
        title_lines, after = body[:date_at], body[date_at + 1 :]
    else:
        title_lines, after = body[:1], body[1:]
    kinds = list(itertools.takewhile(lambda ln: is_publication_type(ln.text), title_lines))
    title_lines = title_lines[len(kinds) :]
    entry.title = " ".join(ln.text for ln in title_lines) or None
    rest = [ln.text for ln in after]
    if rest and (byline := parse_byline(rest[0])):
        entry.authors, entry.authors_truncated = list(byline.authors), byline.truncated
        entry.affiliations = list(byline.affiliations)
        rest = rest[1:]
    entry.abstract, entry.comments = prose(rest, unmarked_comments=False)
    entry.comments = [ln.text for ln in kinds] + entry.comments
    if entry.title is None:
        return None, "entry with no title line"
    return entry, None


def detect(text: str) -> float:
    lines = split_lines(text)
    content = content_lines(lines)
    if not content:
        return 0.0
    dates = sum(1 for ln in content if _is_date(ln))
    badges = sum(1 for ln in lines if ln.text and CLOSING_BADGE.match(ln.text))
    if dates == 0 and badges == 0:
        return 0.0
    if (dates + badges) / len(content) < 0.05:
        return 0.1
    if badges == 0 and _bylined_dates(content) < 0.5 * dates:
        return 0.3  # dates in another layout (a venue above, a summary below): not this one
    return 0.85 if dates else 0.5


def _bylined_dates(content: list[Line]) -> int:
    """Date lines with the author list on the next line, as this shape has them (of two
    names at least: a lone "name" may be the next title)."""
    return sum(1 for ln, nxt in itertools.pairwise(content) if _is_date(ln) and _names(nxt.text))


def _names(text: str) -> bool:
    byline = parse_byline(text)
    return byline is not None and (len(byline.authors) > 1 or byline.truncated)


def parse(text: str) -> PageParse:
    lines = split_lines(text)
    chunks, header = split_page(lines, entry_starts(lines), parse_block)
    return PageParse(NAME, chunks, header)

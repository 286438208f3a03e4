"""What a page parser returns: chunks that partition the page, and its header.

A parser never drops text silently. It cuts the decoded page into contiguous
chunks (character spans) and labels each one: an entry, page header, layout
(blank lines and known decoration such as "Figure 3 for ..."), or quarantine
with a reason. `check_partition` verifies the chunks tile the whole page, so a
parser bug shows up as quarantined text rather than lost text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ChunkKind = Literal["entry", "header", "layout", "quarantine"]


@dataclass
class ParsedEntry:
    """One paper listing as the page shows it; display forms, never keys."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    authors_truncated: bool = False
    affiliations: list[str] = field(default_factory=list)
    category: str | None = None
    published_raw: str | None = None
    arxiv_id: str | None = None
    abstract: str | None = None
    comments: list[str] = field(default_factory=list)
    venue: str | None = None
    score: float | None = None
    external_id: str | None = None
    closed: bool | None = None
    """Whether the shape's closing marker ends the entry (None: the shape has none)."""


@dataclass
class Chunk:
    """A span of the page [start, end) in characters, labelled with what it is."""

    kind: ChunkKind
    start: int
    end: int
    entry: ParsedEntry | None = None
    reason: str | None = None
    row: int | None = None
    """For structured tables: the 0-based row the chunk came from."""


@dataclass
class PageHeader:
    """Page-level facts: the owner named by the page and its stats."""

    owner_name: str | None = None
    owner_names: list[str] = field(default_factory=list)
    """Every line of the header that reads as a name, in order; `owner_name` is
    the first of them not `unsure_names`, until the page's bylines choose
    (`header.owner_on_bylines`)."""
    unsure_names: set[str] = field(default_factory=set)
    """Those of `owner_names` that only the page's bylines can make its owner."""
    declared_paper_count: int | None = None
    stats: dict[str, str] = field(default_factory=dict)


@dataclass
class PageParse:
    format: str
    chunks: list[Chunk]
    header: PageHeader = field(default_factory=PageHeader)
    self_delimited: bool = False
    """Every entry ends with its own closing mark (a BibTeX block's brace), so a
    cut-short file shows as a block that does not parse, never as a short entry."""


def check_partition(chunks: list[Chunk], length: int) -> list[tuple[int, int]]:
    """Return the character gaps the chunks leave uncovered (empty when sound)."""
    gaps: list[tuple[int, int]] = []
    cursor = 0
    for chunk in sorted(chunks, key=lambda c: (c.start, c.end)):
        if chunk.start > cursor:
            gaps.append((cursor, chunk.start))
        cursor = max(cursor, chunk.end)
    if cursor < length:
        gaps.append((cursor, length))
    return gaps

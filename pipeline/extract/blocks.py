"""Cutting line-oriented pages into blocks, and reading a block's prose.

Shared by the page shapes whose entries start at a recognisable line: the
text before the first entry is the header, each entry runs to the next start.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

from pipeline.extract.fields import clean_markup
from pipeline.extract.header import parse_header
from pipeline.extract.lines import Line, is_decoration, span_chunk
from pipeline.extract.model import Chunk, PageHeader, ParsedEntry

_COMMENT_MARK = re.compile(r"^(?:\*|Comments?\s*:)\s*", re.IGNORECASE)
LONG_PROSE = 300
"""Characters from which an unmarked line is abstract text rather than a comment."""

BlockParser = Callable[[list[Line]], "tuple[ParsedEntry | None, str | None]"]


def header_chunks(lines: list[Line]) -> tuple[list[Chunk], PageHeader]:
    """Chunk(s) for the lines above the first entry, and what they say."""
    if not lines:
        return [], PageHeader()
    if all(ln.blank or is_decoration(ln) for ln in lines):
        return [span_chunk("layout", lines)], parse_header(lines)
    return [span_chunk("header", lines)], parse_header(lines)


def cut_blocks(lines: list[Line], starts: list[int], parse: BlockParser) -> list[Chunk]:
    """Cut `lines` at the sorted line indexes `starts` and parse each block."""
    chunks: list[Chunk] = []
    bounds = [*starts, len(lines)]
    for a, b in itertools.pairwise(bounds):
        block = lines[a:b]
        entry, reason = parse(block)
        if reason is not None:
            chunks.append(span_chunk("quarantine", block, reason=reason))
        else:
            chunks.append(span_chunk("entry", block, entry=entry))
    return chunks


def split_page(
    lines: list[Line], starts: list[int], parse: BlockParser
) -> tuple[list[Chunk], PageHeader]:
    """Header chunk + one chunk per block; the chunks tile the page."""
    first = starts[0] if starts else len(lines)
    head, header = header_chunks(lines[:first])
    return head + cut_blocks(lines, starts, parse), header


def prose(lines: list[str], *, unmarked_comments: bool) -> tuple[str | None, list[str]]:
    """Split an entry's trailing lines into abstract text and comment lines.

    Marked lines ("* 23 pages", "Comments: ...") are comments. With
    `unmarked_comments`, short unmarked lines after the first are comments
    too, as on listings where arXiv comments follow the abstract bare.
    """
    abstract: list[str] = []
    comments: list[str] = []
    for i, text in enumerate(lines):
        marked = _COMMENT_MARK.match(text)
        if marked and text.strip() not in {"*"}:
            comments.append(text[marked.end() :].strip())
        elif i > 0 and unmarked_comments and len(text) < LONG_PROSE:
            comments.append(text.strip())
        else:
            abstract.append(text)
    body = clean_markup(" ".join(abstract)) if abstract else None
    return body or None, [c for c in comments if c]

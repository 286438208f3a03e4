"""Shape 5, abstracts closed by their arXiv id: abstract, optional comment
lines, then "arXiv:NNNN.NNNNN", glued to the start of the next abstract.

The id closes the entry before it, so chunks are cut right after each id,
mid-line, not at line breaks. Text after the last id has no id to close it:
the page was cut short, and that text goes to quarantine.
"""

from __future__ import annotations

import re

from pipeline.extract.blocks import prose
from pipeline.extract.fields import ARXIV_NEW, ARXIV_OLD
from pipeline.extract.model import Chunk, PageParse, ParsedEntry

NAME = "arxiv_listing"
ID_TAG = re.compile(
    rf"^[ \t]*arXiv\s*:\s*(?P<id>{ARXIV_NEW}|{ARXIV_OLD})",
    re.MULTILINE | re.IGNORECASE,
)
_ABSTRACT_MARK = re.compile(r"^Abstract\s*:\s*", re.IGNORECASE)
_AUTHORS_LABEL = re.compile(r"^\s*Authors?\s*:", re.MULTILINE | re.IGNORECASE)


def _entry(body: str, arxiv_id: str) -> tuple[ParsedEntry | None, str | None]:
    lines = [ln.strip() for ln in body.splitlines() if ln.strip()]
    if not lines:
        return None, f"arXiv id {arxiv_id} closes no abstract"
    lines[0] = _ABSTRACT_MARK.sub("", lines[0], count=1)
    entry = ParsedEntry(arxiv_id=re.sub(r"v\d+$", "", arxiv_id))
    entry.abstract, entry.comments = prose(lines, unmarked_comments=True)
    return entry, None


def _end_of_tag(text: str, end: int) -> int:
    """Extend a chunk past the id over trailing blanks up to the end of its line."""
    rest = re.match(r"[ \t]*(?:\r\n|\n|\r|$)", text[end:])
    return end + rest.end() if rest else end


def parse(text: str) -> PageParse:
    chunks: list[Chunk] = []
    cursor = 0
    for m in ID_TAG.finditer(text):
        end = _end_of_tag(text, m.end())
        entry, reason = _entry(text[cursor : m.start()], m.group("id"))
        if reason:
            chunks.append(Chunk("quarantine", cursor, end, reason=reason))
        else:
            chunks.append(Chunk("entry", cursor, end, entry=entry))
        cursor = end
    tail = text[cursor:]
    if tail.strip():
        reason = "truncated entry: text after the last arXiv id has no id closing it"
        chunks.append(Chunk("quarantine", cursor, len(text), reason=reason))
    elif tail:
        chunks.append(Chunk("layout", cursor, len(text)))
    return PageParse(NAME, chunks)


def detect(text: str) -> float:
    """Ids among abstracts; not an arXiv search or author listing, whose ids open
    records of labelled fields ("Authors: ...", read by `tagged_records`)."""
    tags = len(ID_TAG.findall(text))
    if not tags or len(_AUTHORS_LABEL.findall(text)) * 2 >= tags:
        return 0.0
    lines = sum(1 for ln in text.splitlines() if ln.strip())
    return 0.9 if tags / lines >= 0.2 else 0.3

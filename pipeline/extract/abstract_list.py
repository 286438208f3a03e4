"""Shape 4, abstracts only: one entry per "Abstract:" line, LaTeX remnants and
all. Unmarked lines that follow belong to the entry above them."""

from __future__ import annotations

import re

from pipeline.extract.blocks import prose, split_page
from pipeline.extract.lines import Line, content_lines, split_lines
from pipeline.extract.model import PageParse, ParsedEntry

NAME = "abstract_list"
MARKER = re.compile(r"^Abstract\s*:\s*", re.IGNORECASE)


def parse_block(block: list[Line]) -> tuple[ParsedEntry | None, str | None]:
    texts = [ln.text for ln in content_lines(block)]
    texts[0] = MARKER.sub("", texts[0], count=1)
    entry = ParsedEntry()
    entry.abstract, entry.comments = prose(texts, unmarked_comments=True)
    if entry.abstract is None:
        return None, "an 'Abstract:' line with no abstract text"
    return entry, None


def detect(text: str) -> float:
    content = content_lines(split_lines(text))
    marked = sum(1 for ln in content if MARKER.match(ln.text))
    if not marked:
        return 0.0
    return 0.9 if marked / len(content) >= 0.5 else 0.3


def parse(text: str) -> PageParse:
    lines = split_lines(text)
    starts = [ln.index for ln in lines if ln.text and MARKER.match(ln.text)]
    chunks, header = split_page(lines, starts, parse_block)
    return PageParse(NAME, chunks, header)

"""Lines with their character offsets, and chunk builders over line ranges.

Parsers of line-oriented pages work on `Line`s so that every chunk they emit
maps back to exact character spans (for the no-text-lost check) and to 1-based
line numbers (for error messages curators can follow).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from pipeline.extract.model import Chunk

DECORATION = re.compile(
    r"""^(?:
        Figure\s+\d+\s+for\s.*          # thumbnails on catalogue pages
      | Via\s?\S+\s+icon                 # "Viaarxiv icon": link-out badge
      | Alert\s+button
      | Picture\s+for\s.*
      | (?:Show|Load|See)\s+more.*
      | (?:Full[-\s]text|File|PDF)\s+available       # access labels above a title
      | (?:Open|Free|Public)\s+access
      | View | Download | Share | Save | Follow | Expand | Cite | Read\s+more
      | Request\s+full[-\s]text
    )$""",
    re.VERBOSE | re.IGNORECASE,
)
"""Site chrome that scrapers copy along with the content; dropped, never parsed."""


class Line(NamedTuple):
    """A tuple, not a dataclass: a page is cut into lines several times while its shape
    is detected, and a frozen dataclass costs four times as much to make."""

    index: int
    """0-based line number."""
    start: int
    end: int
    """Offset just past the line's newline (or end of text)."""
    text: str
    """The line without its newline, stripped of surrounding white space."""
    indent: int = 0
    """White space characters before its text: a nested list item's sub-items are set in."""

    @property
    def blank(self) -> bool:
        return not self.text


def split_lines(text: str) -> list[Line]:
    """Split `text` into lines whose spans tile it exactly."""
    return list(_lines(text))


@lru_cache(maxsize=2)
def _lines(text: str) -> tuple[Line, ...]:
    """The lines of the page being read: each shape's detector and the chosen parser
    cut the same page, six times a page before this kept them."""
    lines: list[Line] = []
    start = 0
    for index, raw in enumerate(text.splitlines(keepends=True)):
        end = start + len(raw)
        text = raw.strip()
        lines.append(Line(index, start, end, text, raw.index(text[0]) if text else 0))
        start = end
    return tuple(lines)


def is_decoration(line: Line) -> bool:
    return bool(line.text) and DECORATION.match(line.text) is not None


def content_lines(lines: list[Line]) -> list[Line]:
    """The lines that carry content: not blank and not decoration."""
    return [ln for ln in lines if ln.text and not is_decoration(ln)]


def span_chunk(kind: str, lines: list[Line], **kw: object) -> Chunk:
    return Chunk(kind, lines[0].start, lines[-1].end, **kw)  # type: ignore[arg-type]


def head_chunks(head: list[Line]) -> list[Chunk]:
    """The lines above a page's first entry as one chunk: its header, or layout when
    they are blank; none when there are none."""
    if not head:
        return []
    return [span_chunk("header" if any(ln.text for ln in head) else "layout", head)]

"""Markdown pipe tables: a README's or a static site's publications as table rows.

    | Year | Title | Authors | Venue |
    |------|-------|---------|-------|
    | 2023 | [A title](https://arxiv.org/abs/2301.01234) | **J. Weber**, L. Park | CDC |

A table whose header names bibliographic columns is read row by row with the
structured tables' column names (`structured.row_entry`), so "Paper Title" or
"Published" mean here what they mean in a CSV export. The cells' Markdown (links,
emphasis, `<br>`) is read as text; a link's address is kept as the row's link, where
an arXiv id is found. Headings between tables ("## 2022") are kept with the header;
a year heading dates the rows under it that carry no date of their own. Any other
text outside the tables is quarantined, never dropped.
"""

from __future__ import annotations

import re

from pipeline.extract import structured
from pipeline.extract.fields import MARKDOWN_LINK
from pipeline.extract.header import group_year, heading_of, heading_year, parse_header
from pipeline.extract.lines import Line, head_chunks, split_lines
from pipeline.extract.model import Chunk, PageParse

NAME = "pipe_table"

_CELL_SEP = re.compile(r"(?<!\\)\|")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?P<text>\S(?:.*?\S)?)\1")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
LINK_COLUMN = "link"
"""The key a row's link addresses are kept under when no column of its own gives a link."""


def _cells(line: str) -> list[str]:
    """A table line's cells, outer pipes dropped, escaped pipes ("\\|") kept as text."""
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return [cell.strip().replace("\\|", "|") for cell in _CELL_SEP.split(inner)]


def _plain(cell: str, breaks: str = " ") -> tuple[str, list[str]]:
    """A cell's text without its Markdown, and the addresses its links point to; a line
    break is `breaks` (between authors, a comma)."""
    urls = [m.group("url") for m in MARKDOWN_LINK.finditer(cell)]
    text = MARKDOWN_LINK.sub(lambda m: m.group("text"), cell)
    text = _BREAK.sub(breaks, text)
    for _ in range(2):  # bold inside italics
        text = _EMPHASIS.sub(lambda m: m.group("text"), text)
    return " ".join(text.split()), urls


def _tables(lines: list[Line]) -> list[tuple[int, int]]:
    """Each bibliographic table as (index of its header line, index past its last row)."""
    found: list[tuple[int, int]] = []
    i = 1
    while i < len(lines):
        header = lines[i - 1].text
        if (
            "|" in header
            and structured.MARKDOWN_RULE.match(lines[i].text)
            and structured.is_table_header([_plain(c)[0] for c in _cells(header)])
        ):
            end = i + 1
            while end < len(lines) and lines[end].text and "|" in lines[end].text:
                end += 1
            found.append((i - 1, end))
            i = end + 1
        else:
            i += 1
    return found


def _outside(lines: list[Line], tables: list[tuple[int, int]]) -> list[Line]:
    """Lines after the first table that are neither in a table, blank, nor headings."""
    inside = {n for start, end in tables for n in range(start, end)}
    first = tables[0][0] if tables else len(lines)
    return [
        ln for ln in lines[first:] if ln.index not in inside and ln.text and not heading_of(ln.text)
    ]


def detect(text: str) -> float:
    """A page of bibliographic pipe tables, with little text beside them."""
    lines = split_lines(text)
    tables = _tables(lines)
    if not tables:
        return 0.0
    rows = sum(end - start - 2 for start, end in tables)
    return 0.9 if rows and len(_outside(lines, tables)) <= rows else 0.0


def _row(header: list[str], line: Line, year: str | None) -> dict[str, str]:
    """A table line as a row keyed by its table's header."""
    cells = _cells(line.text)
    fields = [structured.canonical_column(c) for c in header] + [None] * len(cells)
    values = [
        _plain(c, ", " if f == "authors" else " ") for c, f in zip(cells, fields, strict=False)
    ]
    values += [("", [])] * (len(header) - len(values))
    row = {name: text for name, (text, _urls) in zip(header, values, strict=False)}
    if year and not any(structured.canonical_column(c) in ("year", "published") for c in header):
        row["year"] = year
    urls = [url for _text, found in values for url in found]
    if urls and not any(structured.canonical_column(c) == "link" for c in header):
        row[LINK_COLUMN] = " ".join(urls)
    return row


def parse(text: str) -> PageParse:
    lines = split_lines(text)
    tables = _tables(lines)
    first = tables[0][0] if tables else len(lines)
    head = lines[:first]
    chunks = head_chunks(head)
    starts = {start: end for start, end in tables}
    year = group_year(text[: head[-1].end] if head else "", None)
    n = first
    while n < len(lines):
        line = lines[n]
        if n in starts:
            header = [_plain(c)[0] or f"column {i + 1}" for i, c in enumerate(_cells(line.text))]
            chunks.append(Chunk("layout", line.start, lines[n + 1].end))
            for row_line in lines[n + 2 : starts[n]]:
                row = _row(header, row_line, year)
                entry = structured.row_entry(row, structured.known_columns(list(row)))
                span = (row_line.start, row_line.end)
                if entry.title is None and entry.abstract is None:
                    reason = "a table row with no title and no abstract"
                    chunks.append(Chunk("quarantine", *span, reason=reason))
                else:
                    chunks.append(Chunk("entry", *span, entry=entry))
            n = starts[n]
            continue
        if not line.text:
            chunks.append(Chunk("layout", line.start, line.end))
        elif heading_of(line.text):
            chunks.append(Chunk("header", line.start, line.end))
            year = heading_year(line.text)
        else:
            reason = "text outside the page's tables, not read"
            chunks.append(Chunk("quarantine", line.start, line.end, reason=reason))
        n += 1
    return PageParse(NAME, chunks, header=parse_header(head, headings=True))

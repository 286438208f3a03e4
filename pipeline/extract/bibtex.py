"""BibTeX exports (`.bib` text) as sources: each `@article{...}`-style block one entry.

Catalogues and reference managers export a person's papers as BibTeX, so it is
the likeliest format a new site hands over. bibtexparser (v2) splits the file
into blocks and, unlike a regular expression, survives a broken block: it
becomes a `ParsingFailedBlock`, which lands in quarantine with its line and the
parser's reason while the blocks around it are read. Field values are LaTeX,
so they are turned into text with pylatexenc (`Sch{\\"o}lkopf` -> Schölkopf,
`{AI}` -> AI). `@string`, `@preamble`, `@comment` and text between blocks are
no entries (BibTeX itself ignores them) but are kept with the page's header text.
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.extract.fields import (
    MONTHS,
    arxiv_id_in,
    clean_markup,
    display_name,
    latex_reader,
)
from pipeline.extract.model import Chunk, PageParse, ParsedEntry

NAME = "bibtex"
_BLOCK_START = re.compile(r"^\s*@\s*([A-Za-z]+)\s*[{(]", re.MULTILINE)
_ENTRY_FIELD = re.compile(r"^\s*(title|author|year|journal|booktitle)\s*=", re.MULTILINE | re.I)
_IGNORED_TYPES = {"string", "preamble", "comment"}


def detect(text: str) -> float:
    """BibTeX when most non-blank text sits in @type{...} blocks with bibliographic fields."""
    blocks = [m for m in _BLOCK_START.finditer(text) if m.group(1).lower() not in _IGNORED_TYPES]
    if not blocks or not _ENTRY_FIELD.search(text):
        return 0.0
    return 0.95 if text.lstrip().startswith("@") or len(blocks) >= 2 else 0.6


def latex_text(value: str | None) -> str | None:
    """A field's LaTeX as plain text; as written if pylatexenc cannot read it."""
    if value is None or not value.strip():
        return None
    try:
        text = latex_reader().latex_to_text(value)
    except Exception:  # malformed LaTeX in one field must not lose the entry
        text = value.replace("{", "").replace("}", "")
    return clean_markup(" ".join(text.split())) or None


def bibtex_names(value: str | None) -> tuple[list[str], bool]:
    """`Last, First and First Last and others` -> display names, and whether cut short."""
    if not value:
        return [], False
    parts = [p.strip() for p in re.split(r"\s+and\s+", " ".join(value.split())) if p.strip()]
    truncated = bool(parts) and parts[-1].lower() == "others"
    names = [latex_text(display_name(part)) for part in (parts[:-1] if truncated else parts)]
    return [n for n in names if n], truncated


def published(fields: dict[str, str]) -> str | None:
    """`year` and `month` as a date pages use ("Mar 2022", "2022"); else BibLaTeX's
    `date` as written ("2021-03-15")."""
    year = (fields.get("year") or "").strip("{} ")
    if not year:
        return (fields.get("date") or "").strip("{} ") or None
    month = (fields.get("month") or "").strip("{} ").lower()
    if month.isdigit() and 1 <= int(month) <= 12:
        month = list(MONTHS)[int(month) - 1]
    month = month[:3] if month[:3] in MONTHS else ""
    if year and month:
        return f"{month.capitalize()} {year}"
    return year or None


def arxiv_id(fields: dict[str, str]) -> str | None:
    """From `eprint` (with archivePrefix arXiv or none), else any arXiv id in the
    journal, note, url or doi (`arXiv preprint arXiv:2212.08073`)."""
    prefix = (fields.get("archiveprefix") or "arxiv").lower()
    eprint = fields.get("eprint")
    candidates = [f"arXiv:{eprint}"] if eprint and prefix == "arxiv" else []
    candidates += [fields.get(k) or "" for k in ("journal", "note", "url", "doi", "howpublished")]
    return next((found for text in candidates if (found := arxiv_id_in(text))), None)


def entry_of(fields: dict[str, str], key: str) -> ParsedEntry:
    authors, truncated = bibtex_names(fields.get("author"))
    venues = ("journal", "journaltitle", "booktitle", "publisher")  # journaltitle: BibLaTeX's
    venue = next((fields[k] for k in venues if fields.get(k)), None)
    comments = [c for k in ("note", "comments") if (c := latex_text(fields.get(k)))]
    return ParsedEntry(
        title=latex_text(fields.get("title")),
        authors=authors,
        authors_truncated=truncated,
        category=(fields.get("primaryclass") or "").strip() or None,
        published_raw=published(fields),
        arxiv_id=arxiv_id(fields),
        abstract=latex_text(fields.get("abstract")),
        comments=comments,
        venue=latex_text(venue),
        external_id=key or None,
    )


def _aside(text: str, start: int, end: int) -> Chunk:
    """Comments, @string and @preamble: kept with the page's header text, not lost."""
    return Chunk("header" if text[start:end].strip() else "layout", start, end)


def _reason(block: Any) -> str:
    """Why a block failed, in a curator's words."""
    from bibtexparser.model import DuplicateBlockKeyBlock

    if isinstance(block, DuplicateBlockKeyBlock):
        line = block.previous_block.start_line + 1
        return f"BibTeX key {block.key!r} already used by the entry on line {line}"
    error = str(block.error).strip().splitlines()[0] if str(block.error).strip() else ""
    return "BibTeX block that does not parse" + (f": {error}" if error else "")


def _joined(value: str, macros: dict[str, str]) -> str:
    """A value BibTeX joins with `#` (`journal = ral # " (RA-L)"`), joined: bibtexparser
    resolves a lone `@string` name but leaves a concatenation as written (its issue
    #396). A piece that is neither a string, a number nor a known name leaves the value
    as written."""
    pieces = _top_level(value, "#")
    if len(pieces) < 2:
        return value
    joined = []
    for piece in (p.strip() for p in pieces):
        if len(piece) > 1 and (piece[0], piece[-1]) in (('"', '"'), ("{", "}")):
            joined.append(piece[1:-1])
        elif piece.isdigit():
            joined.append(piece)
        elif piece.lower() in macros:
            joined.append(macros[piece.lower()])
        elif piece.lower() in MONTHS:  # BibTeX's own month names
            joined.append(piece.capitalize())
        else:
            return value
    return "".join(joined)


def _top_level(value: str, separator: str) -> list[str]:
    """`value` split at each `separator` outside braces and quotes."""
    pieces, depth, quoted, start = [], 0, False, 0
    for i, char in enumerate(value):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == separator and depth == 0 and not quoted:
            pieces.append(value[start:i])
            start = i + 1
    return [*pieces, value[start:]]


def parse(text: str) -> PageParse:
    import bibtexparser
    from bibtexparser.model import Entry, ParsingFailedBlock

    library = bibtexparser.parse_string(text)
    macros = {m.key.lower(): str(m.value) for m in library.strings}
    line_starts = [0, *(m.end() for m in re.finditer("\n", text))]
    blocks = sorted(library.blocks, key=lambda b: b.start_line)
    starts = []
    for block in blocks:  # from the block's line on, to its first character
        offset = line_starts[min(block.start_line, len(line_starts) - 1)]
        starts.append(len(text) - len(text[offset:].lstrip()) if text[offset:].strip() else offset)
    chunks: list[Chunk] = []
    if not blocks or starts[0] > 0:
        chunks.append(_aside(text, 0, starts[0] if blocks else len(text)))
    for i, block in enumerate(blocks):
        start, end = starts[i], starts[i + 1] if i + 1 < len(blocks) else len(text)
        if end <= start:
            continue
        if isinstance(block, ParsingFailedBlock):
            chunks.append(Chunk("quarantine", start, end, reason=_reason(block)))
        elif isinstance(block, Entry):
            fields = {f.key.lower(): _joined(str(f.value), macros) for f in block.fields}
            chunks.append(Chunk("entry", start, end, entry=entry_of(fields, block.key)))
        else:
            chunks.append(_aside(text, start, end))
    return PageParse(NAME, chunks, self_delimited=True)

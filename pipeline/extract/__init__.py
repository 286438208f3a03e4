"""Stage 1, extract: every input file to `entries`, `sources` and `quarantine` rows.

The format of a file is detected from its content: each page shape module
scores the text and the best score above `MIN_CONFIDENCE` parses it. Adding a
shape is adding a module with `NAME`, `detect(text) -> float` and
`parse(text) -> PageParse`, and listing it in `PAGE_FORMATS`.

Every chunk of every file is accounted for: it becomes an entry, the page
header (into `sources`), layout (blank lines and site decoration), or a
quarantine row with its reason.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Any

from pipeline.extract import (
    abstract_list,
    arxiv_listing,
    bibtex,
    catalogue_page,
    citation_list,
    compact_list,
    html_text,
    pipe_table,
    profile_page,
    structured,
    tagged_records,
    xml_records,
)
from pipeline.extract.decode import bad_bytes, decode_page, gunzip, printable, utf8_bytes
from pipeline.extract.documents import kind_of, read_document
from pipeline.extract.fields import ARXIV_TAG
from pipeline.extract.header import owner_on_bylines, parse_header
from pipeline.extract.lines import split_lines
from pipeline.extract.model import Chunk, PageHeader, PageParse, ParsedEntry, check_partition
from pipeline.sources_config import FILE_NAME as SOURCES_TOML
from pipeline.sources_config import SourceInfo
from pipeline.workers import fork_pool

log = logging.getLogger(__name__)

PAGE_FORMATS: list[ModuleType] = [
    profile_page,
    compact_list,
    catalogue_page,
    abstract_list,
    arxiv_listing,
    bibtex,
    xml_records,
    pipe_table,
]
FALLBACK_FORMATS: list[ModuleType] = [tagged_records, citation_list]
"""Generic shapes, tried only when no page shape recognises the text: a page
shape knows its site's layout, a fallback only what labels say."""
MIN_CONFIDENCE = 0.5
MAX_PAGE_BYTES = 16 * 1024 * 1024
"""Scraped pages run to tens of KB; a page over this size is a scraper fault
(a dump, a loop) and is quarantined whole. Structured tables have no limit."""
QUARANTINE_HEAD = 65536
"""Characters of a whole-file quarantine kept in `raw_text`; the file itself stays."""
TRUNCATION_FIELDS = ("authors", "abstract", "arxiv_id", "closed")
"""Fields that end an entry in the known shapes (`closed`: its closing marker,
where the shape has one): when the last entry alone
lacks one that every other entry on the page has, the page was cut short. (A
missing title or date is a gap in the page, not a cut: those come first.)"""


@dataclass
class FileResult:
    source: dict[str, Any]
    entries: list[dict[str, Any]] = field(default_factory=list)
    quarantine: list[dict[str, Any]] = field(default_factory=list)
    issues: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Extracted:
    sources: list[dict[str, Any]] = field(default_factory=list)
    entries: list[dict[str, Any]] = field(default_factory=list)
    quarantine: list[dict[str, Any]] = field(default_factory=list)
    issues: list[dict[str, Any]] = field(default_factory=list)

    def add(self, result: FileResult) -> None:
        self.sources.append(result.source)
        self.entries.extend(result.entries)
        self.quarantine.extend(result.quarantine)
        self.issues.extend(result.issues)


def source_id_for(rel_path: str) -> str:
    """Stable id of a source: its path in the input folder, hashed."""
    return "s_" + hashlib.sha1(rel_path.encode()).hexdigest()[:12]


def entry_id_for(rel_path: str, raw_text: str, occurrence: int) -> str:
    """Stable id of an entry: its page and its text, so reordering a page keeps ids."""
    digest = hashlib.sha1(f"{rel_path}\0{raw_text}\0{occurrence}".encode()).hexdigest()
    return "e_" + digest[:16]


def input_files(input_dir: Path) -> list[Path]:
    """Files to read, in a stable order; hidden files and every folder's sources.toml
    are skipped."""
    files = []
    for path in sorted(input_dir.rglob("*")):
        rel = path.relative_to(input_dir)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        if rel.name == SOURCES_TOML:
            continue
        files.append(path)
    return files


def detect_format(text: str) -> tuple[ModuleType | None, dict[str, float]]:
    """The page shape that best fits `text` (a fallback shape if none does), with
    every shape's score."""
    scores: dict[str, float] = {}
    for formats in (PAGE_FORMATS, FALLBACK_FORMATS):
        scores.update({fmt.NAME: fmt.detect(text) for fmt in formats})
        best = max(formats, key=lambda fmt: scores[fmt.NAME])
        if scores[best.NAME] >= MIN_CONFIDENCE:
            return best, scores
    return None, scores


def shape_scores(data: bytes) -> dict[str, float]:
    """Every shape's confidence on a file's page text (an HTML page's as rendered, a
    document's text as read, a gzip file's content)."""
    data = utf8_bytes(gunzip(data)[0])[0]
    document = kind_of(data)
    if document is not None:
        text = read_document(data, document, MAX_PAGE_BYTES).text or ""
    else:
        text = data.decode("utf-8", errors="replace")
    if _is_html(text):
        text = html_text.render(text).text
    return detect_format(text)[1]


def _is_html(text: str) -> bool:
    """HTML to render before reading, unless it is an XML export (whose abstracts may
    hold a few HTML tags)."""
    return not xml_records.looks_like_xml(text) and html_text.looks_like_html(text)


def parse_page(text: str) -> PageParse:
    """Parse decoded page text with the detected shape (whole page quarantined if none)."""
    fmt, scores = detect_format(text)
    if fmt is None:
        tried = ", ".join(f"{k} {v:.2f}" for k, v in sorted(scores.items()))
        reason = f"no known page shape recognised (confidence: {tried})"
        return PageParse("unknown", [Chunk("quarantine", 0, len(text), reason=reason)])
    parsed = fmt.parse(text)
    gaps = check_partition(parsed.chunks, len(text))
    for start, end in gaps:
        reason = "internal: the parser left this text unaccounted for"
        parsed.chunks.append(Chunk("quarantine", start, end, reason=reason))
    parsed.chunks.sort(key=lambda c: c.start)
    return parsed


def mark_truncated_tail(chunks: list[Chunk]) -> None:
    """Quarantine a last entry missing what every other entry on the page has."""
    entries = [c for c in chunks if c.kind == "entry"]
    if len(entries) < 3:
        return
    last, others = entries[-1], entries[:-1]
    assert last.entry is not None
    missing = [
        name
        for name in TRUNCATION_FIELDS
        if all(getattr(c.entry, name) for c in others) and not getattr(last.entry, name)
    ]
    if missing:
        last.kind = "quarantine"
        last.reason = (
            f"truncated last entry: it lacks {', '.join(_described(m) for m in missing)}, "
            "which every other entry "
            "on this page has"
        )


def log_quarantined(rel: str, where: str, reason: str | None) -> None:
    log.warning("%s:%s: quarantined: %s", rel, where, reason)


def _where(row: dict[str, Any]) -> str:
    return f"line {row['line_start']}" if row.get("line_start") else "byte 0"


def _linked_data_table(html: str) -> tuple[structured.Table, str] | None:
    """The papers an HTML page's linked data describes, and how it was written
    (`html_text.linked_data`); None when it describes none."""
    linked = html_text.linked_data(html)
    if linked is None:
        return None
    try:
        table = structured.read_table(linked[0], "json")
    except (ValueError, RecursionError):
        return None
    return (table, linked[1]) if any(structured.is_record(r) for r in table.rows) else None


def _heading_owner(text: str, parsed: PageParse) -> str | None:
    """The owner a page's text names above the first paper its linked data describes
    (its heading: "Ada Park", "Publications of Ada Park"), where no `Person` does."""
    entries = [c.entry for c in parsed.chunks if c.kind == "entry" and c.entry]
    first = next((e.title for e in entries if e.title), None)
    lines = split_lines(text)
    above = next((i for i, ln in enumerate(lines) if first and first in ln.text), len(lines))
    header = parse_header(lines[:above], headings=True)
    bylines = [e.authors for e in entries]
    return owner_on_bylines(header.owner_names, bylines, header.unsure_names)


def _described(field_name: str) -> str:
    return "its closing marker" if field_name == "closed" else field_name


def _fill_arxiv_id(entry: ParsedEntry) -> ParsedEntry:
    """An entry's arXiv id from a tag that opens or closes one of its comments
    ("arXiv:2101.00001 [cs.RO]") or its abstract. A tag inside prose ("extends
    arXiv:2001.08361 to images") cites another paper, and one arXiv id is one paper
    to the matcher (`match_papers.same_arxiv_id`)."""
    if entry.arxiv_id:
        return entry
    texts = [*entry.comments, entry.abstract or ""]
    tags = (m for text in texts for m in ARXIV_TAG.finditer(text) if _own_tag(m))
    if tag := next(tags, None):
        return replace(entry, arxiv_id=re.sub(r"v\d+$", "", tag.group("id")))
    return entry


_TAG_CLOSES = re.compile(r"\s*(?:\[[\w.-]+\])?[\s.,;)\]]*")
"""What may follow a tag that closes an abstract: its category, punctuation."""


def _own_tag(tag: re.Match[str]) -> bool:
    text = tag.string
    return not text[: tag.start()].strip() or bool(_TAG_CLOSES.fullmatch(text, tag.end()))


class _LineIndex:
    """Character offset to 1-based line number."""

    def __init__(self, text: str) -> None:
        self.starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)


def _entry_row(
    entry: ParsedEntry, common: dict[str, Any], raw: str, lines: tuple[int | None, int | None]
) -> dict[str, Any]:
    return {
        **common,
        "raw_text": raw,
        "line_start": lines[0],
        "line_end": lines[1],
        "title": entry.title,
        "authors": entry.authors,
        "authors_truncated": entry.authors_truncated,
        "affiliations": entry.affiliations,
        "category": entry.category,
        "published_raw": entry.published_raw,
        "arxiv_id": entry.arxiv_id,
        "abstract": entry.abstract,
        "comments": entry.comments,
        "venue": entry.venue,
        "score": entry.score,
    }


def extract_file(
    path: Path,
    rel: str,
    info: SourceInfo | None,
    max_page_bytes: int = MAX_PAGE_BYTES,
    data: bytes | None = None,
) -> FileResult:
    """Read one file into rows (`data`: its bytes, if already read); never raises on bad content."""
    source_id = source_id_for(rel)
    read_error = None
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            data, read_error = b"", f"cannot read the file: {exc.strerror or exc}"
    info = info or SourceInfo()
    stored = data
    encoding_note: str | None = None
    if read_error is None:
        data, read_error = gunzip(data)
    if read_error is None:
        data, read_error, encoding_note = utf8_bytes(data)
    document = kind_of(data) if read_error is None else None
    kind = structured.sniff(data) if read_error is None and document is None else None
    text: str | None = None
    html_lines: list[int] | None = None
    """For an HTML page: the HTML line of each line of its rendered text."""
    rows: list[dict[str, Any]] = []
    links: list[tuple[int, str]] = []
    """For an HTML page: the arXiv ids its links point to, with their HTML lines."""
    problem: str | None = None
    note: str | None = None
    """How the page's bytes were read, where not as UTF-8."""
    if kind is not None:
        try:
            table = structured.read_table(data, kind)
            rows = table.rows
            parsed = structured.parse_rows(rows, kind)
            parsed.header.owner_name = table.owner
        except Exception as exc:  # a broken export must not stop the run
            problem = f"unreadable {kind} table: {type(exc).__name__}: {exc}"
            parsed = PageParse(f"table_{kind}", [])
    elif read_error is not None:
        problem, parsed = read_error, PageParse("unreadable", [])
    elif document is not None:
        decoded = read_document(data, document, max_page_bytes)
        text, problem = decoded.text, decoded.problem
        parsed = parse_page(text) if text is not None else PageParse("unreadable", [])
        parsed.format = f"{document}_{parsed.format}"
    elif len(data) > max_page_bytes:
        problem = (
            f"page of {len(data) / 1e6:.1f} MB is over the {max_page_bytes / 1e6:.1f} MB limit "
            f"for one scraped page (raise it with --max-page-mb); raw_text holds its first "
            f"{QUARANTINE_HEAD // 1024} KB"
        )
        parsed = PageParse("oversized", [])
    else:
        decoded = decode_page(data)
        text, problem, note = decoded.text, decoded.problem, decoded.note
        is_html = text is not None and _is_html(text)
        html_table = html_text.table_rows(text) if is_html and text is not None else None
        if html_table is not None:
            kind, rows, text = "html", html_table, None
            parsed = structured.parse_rows(rows, kind)
        elif is_html and text is not None:
            html, rendered = text, html_text.render(text)
            text, html_lines, links = rendered.text, rendered.lines, rendered.links
            parsed = parse_page(text)
            parsed.format = f"html_{parsed.format}"
            shown = any(c.kind == "entry" for c in parsed.chunks)
            if not shown and (linked := _linked_data_table(html)) is not None:
                described, written = linked
                kind, rows = "json", described.rows
                parsed = structured.parse_rows(rows, kind)
                parsed.format = f"html_{written}"
                parsed.header.owner_name = described.owner or _heading_owner(text, parsed)
                text, html_lines = None, None
            elif not text.strip():
                text, problem = None, "an HTML page with no visible text"
        else:
            parsed = parse_page(text) if text is not None else PageParse("unreadable", [])
    if problem is not None:
        parsed.chunks = [Chunk("quarantine", 0, 1, reason=problem)]
    if not parsed.self_delimited:
        mark_truncated_tail(parsed.chunks)
    header: PageHeader = parsed.header
    if len(header.owner_names) > 1 or header.unsure_names:
        written = (c.entry.authors for c in parsed.chunks if c.kind == "entry" and c.entry)
        header.owner_name = owner_on_bylines(header.owner_names, written, header.unsure_names)
    owner = info.owner_name or header.owner_name
    result = FileResult(
        source={
            "source_id": source_id,
            "path": rel,
            "format": parsed.format,
            "owner_name": owner,
            "owner_origin": "declared"
            if info.owner_name
            else ("header" if header.owner_name else None),
            "declared_paper_count": header.declared_paper_count,
            "site": info.site,
            "url": info.url,
            "scraped_at": info.scraped_at,
            "size_bytes": len(stored),
            "sha256": hashlib.sha256(stored).hexdigest(),
            "page_stats": json.dumps(header.stats, sort_keys=True) if header.stats else None,
        }
    )
    index = _LineIndex(text) if text is not None else None
    seen: dict[str, int] = {}
    position = 0
    header_parts: list[str] = []
    for chunk in parsed.chunks:
        if kind is not None and problem is None:
            raw = structured.row_text(rows[chunk.row or 0])
            lines: tuple[int | None, int | None] = (None, None)
            where = f"row {chunk.row}"
        elif text is not None:
            raw = text[chunk.start : chunk.end].strip()
            assert index is not None
            first = index.line(chunk.start)
            last = max(first, index.line(max(chunk.start, chunk.end - 1)))
            if html_lines:  # point into the HTML file, not its rendering
                first, last = (html_lines[min(n, len(html_lines)) - 1] for n in (first, last))
            lines = (first, last)
            where = f"line {first}"
        else:
            raw = data[:QUARANTINE_HEAD].decode("utf-8", errors="replace")
            lines, where = (None, None), "byte 0"
        if chunk.kind == "header":
            header_parts.append(printable(raw))
            continue
        if chunk.kind == "layout":
            continue
        reason = chunk.reason
        if chunk.kind == "entry" and (bad := bad_bytes(raw)):
            reason = f"{bad}; the page must be UTF-8"
        elif (
            chunk.kind == "entry"
            and chunk.entry
            and not (chunk.entry.title or chunk.entry.abstract)
        ):
            reason = "an entry with neither a title nor an abstract"
        if chunk.kind == "quarantine" or reason:
            result.quarantine.append(
                {
                    "source_id": source_id,
                    "path": rel,
                    "position": position,
                    "line_start": lines[0],
                    "line_end": lines[1],
                    "raw_text": printable(raw),
                    "reason": reason,
                }
            )
            log_quarantined(rel, where, reason)
        else:
            assert chunk.entry is not None
            occurrence = seen.get(raw, 0)
            seen[raw] = occurrence + 1
            key = (
                f"{rel}:{chunk.entry.external_id}"
                if chunk.entry.external_id
                else f"{rel}#{position}"
            )
            common = {
                "entry_id": entry_id_for(rel, raw, occurrence),
                "source_id": source_id,
                "position": position,
                "record_key": key,
            }
            result.entries.append(_entry_row(_fill_arxiv_id(chunk.entry), common, raw, lines))
        position += 1
    if links:
        html_text.fill_linked_arxiv_ids(result.entries, links)
    result.source["header_text"] = "\n".join(header_parts) or None
    result.source["entry_count"] = len(result.entries)
    result.source["quarantined_count"] = len(result.quarantine)
    note = note or encoding_note
    if note is not None:
        result.issues.append(
            {
                "table_name": "sources",
                "key": source_id,
                "check": "encoding",
                "severity": "warning",
                "message": f"{rel}: {note}",
            }
        )
    declared = header.declared_paper_count
    if declared is not None and declared != len(result.entries):
        result.issues.append(
            {
                "table_name": "sources",
                "key": source_id,
                "check": "declared_paper_count",
                "severity": "warning",
                "message": f"{rel}: the page declares {declared} papers but {len(result.entries)} "
                "entries were parsed",
            }
        )
    return result


def _extract_task(task: tuple[Path, str, SourceInfo | None, int, Any]) -> tuple[FileResult, bool]:
    """One file, through the cache when there is one (runs in a worker process):
    its result, and whether the cache had it."""
    path, rel, info, max_page_bytes, cache = task
    if cache is None:
        return extract_file(path, rel, info, max_page_bytes), False
    try:
        data = path.read_bytes()
    except OSError:
        return extract_file(path, rel, info, max_page_bytes), False
    key = cache.key(rel, hashlib.sha256(data).hexdigest(), info, max_page_bytes)
    result = cache.get(key)
    if result is None:
        result = extract_file(path, rel, info, max_page_bytes, data)
        cache.put(key, result)
        return result, False
    for row in result.quarantine:  # unchanged, still worth saying every run
        log_quarantined(rel, _where(row), row["reason"])
    return result, True


def extract_folder(
    input_dir: Path,
    config: dict[str, SourceInfo],
    progress: Callable[[Iterator[Any], int], Iterator[Any]] | None = None,
    max_page_bytes: int = MAX_PAGE_BYTES,
    cache: Any | None = None,
    jobs: int = 1,
) -> Extracted:
    """Extract every file under `input_dir`, in `jobs` processes, in file order;
    `progress` wraps the iterator of per-file results.

    With a `cache` (`pipeline.extract_cache.ExtractCache`), a file whose bytes,
    declarations and parser code are unchanged is not parsed again.
    """
    files = input_files(input_dir)
    out = Extracted()
    rels = [path.relative_to(input_dir).as_posix() for path in files]
    tasks = [
        (path, rel, config.get(rel), max_page_bytes, cache)
        for path, rel in zip(files, rels, strict=True)
    ]
    if jobs > 1 and len(tasks) > 1:
        pool = fork_pool(jobs)
        results: Iterator[tuple[FileResult, bool]] = pool.map(_extract_task, tasks, chunksize=16)
    else:
        pool, results = None, map(_extract_task, tasks)
    if progress is not None:
        results = progress(results, len(files))
    hits = 0
    try:
        for result, cached in results:
            out.add(result)
            hits += cached
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    if cache is not None:  # workers counted in their own copies
        cache.hits, cache.misses = hits, len(tasks) - hits
    for rel in sorted(set(config) - set(rels)):
        out.issues.append(
            {
                "table_name": "sources",
                "key": rel,
                "check": "sources_toml_path",
                "severity": "warning",
                "message": f"{SOURCES_TOML} names {rel!r}, which is not in the input folder",
            }
        )
    return out

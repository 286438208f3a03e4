"""Structured bibliographic tables (CSV, TSV, Parquet, Excel, JSON, YAML) as sources.

Exports from other catalogues carry any of title, authors, year or published,
venue, abstract and arxiv_id, under various header spellings. Each row becomes
one entry; a row with neither title nor abstract goes to quarantine. The format
is recognised from the bytes (Parquet magic, a zip holding an Excel workbook,
a header row naming known columns), never from the file name.
"""

from __future__ import annotations

import contextlib
import csv
import email.utils
import io
import itertools
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from pipeline.extract.citation_list import Item, bare_venue, entry_of
from pipeline.extract.decode import OLE2, ZIP, zip_names
from pipeline.extract.fields import (
    MONTHS,
    NAMESAKE_NUMBER,
    VANCOUVER_NAME,
    arxiv_id_in,
    clean_markup,
    display_name,
    inverted_names,
    looks_like_name,
    parse_byline,
)
from pipeline.extract.lines import split_lines
from pipeline.extract.model import Chunk, PageParse, ParsedEntry

ALIASES: dict[str, str] = {
    # Column names as exports write them, in English and in a few other languages
    # (German, French, Spanish, Portuguese, Italian).
    "title": "title",
    "citation": "citation",
    "full_citation": "citation",
    "formatted_citation": "citation",
    "reference": "citation",
    "cite_as": "citation",
    "paper_title": "title",
    "document_title": "title",  # IEEE Xplore's export
    "paper": "title",
    "authors": "authors",
    "author": "authors",
    "author_list": "authors",
    "author_s": "authors",  # "Author/s" (Lens.org), "Author(s)"
    "creators": "authors",
    "authorships": "authors",
    "year": "year",
    "pub_year": "year",
    "published": "published",
    "date": "published",
    "published_date": "published",
    "publication_date": "published",
    "pub_date": "published",
    "issued": "published",
    "published_print": "published",
    "published_online": "published",
    "venue": "venue",
    "journal": "venue",
    "booktitle": "venue",
    "container_title": "venue",
    "journal_title": "venue",
    "publication": "venue",
    "published_in": "venue",
    "conference": "venue",
    "ispartof": "venue",
    "primary_location": "venue",  # OpenAlex: {"source": {"display_name": ...}}
    "host_venue": "venue",
    "abstract": "abstract",
    "summary": "abstract",
    "abstract_inverted_index": "abstract",
    "description": "abstract",
    "headline": "title",
    "date_published": "published",
    "same_as": "link",
    "arxiv_id": "arxiv_id",
    "arxiv": "arxiv_id",
    "eprint": "arxiv_id",
    "url": "link",
    "link": "link",
    "doi": "link",
    "ee": "link",
    "external_ids": "link",
    "ids": "link",
    "id": "id",
    "record_id": "id",
    "key": "id",
    "category": "category",
    "primary_category": "category",
    "comments": "comments",
    "comment": "comments",
    **{word: "title" for word in ("titel", "titre", "título", "titulo", "titolo")},
    **{word: "authors" for word in ("autoren", "autor", "auteurs", "auteur", "autores", "autori")},
    **{word: "year" for word in ("jahr", "année", "annee", "año", "ano", "anno")},
    **{word: "published" for word in ("datum", "fecha", "erscheinungsdatum")},
    **{word: "venue" for word in ("zeitschrift", "revue", "revista", "rivista")},
    **{word: "abstract" for word in ("zusammenfassung", "résumé", "resumen", "resumo")},
    # reference managers' and indexes' exports: Zotero, Scopus, Web of Science's tags
    "publication_year": "year",
    "publication_title": "venue",
    "titles": "title",  # INSPIRE: [{"title": ...}]
    "abstracts": "abstract",
    "arxiv_eprints": "arxiv_id",
    "publication_info": "venue",
    "preprint_date": "published",
    "pub": "venue",  # NASA ADS
    "pubdate": "published",
    "identifier": "link",
    "bibcode": "id",
    "abstract_note": "abstract",
    "source_title": "venue",
    "author_full_names": "authors",
    "ti": "title",
    "af": "authors",
    "au": "authors",
    "py": "year",
    "pd": "published",
    "so": "venue",
    "ab": "abstract",
    "di": "link",
    "ut": "id",
    "owner": "owner",
    "owner_name": "owner",
    "profile_owner": "owner",
    "profile_name": "owner",
}
MONTH_NAMES = [m.capitalize() for m in MONTHS]
IDENTITY_COLUMNS = frozenset({"title", "authors", "abstract", "arxiv_id", "citation"})


def canonical_column(column: str) -> str | None:
    """The field a column gives, whatever its spelling: `Published Date`,
    `published-date`, `publishedDate`."""
    name = str(column).strip()
    camel = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)  # camelCase, but not "arXiv"
    return ALIASES.get(_snake(name)) or ALIASES.get(_snake(camel))


PREFERRED_COLUMNS = frozenset({"af", "author_full_names"})
"""Columns that give their field before the others that give it: full names (Web of
Science's `AF`, Scopus's "Author full names") before the short ones (`AU`, "Authors")."""


def known_columns(columns: list[str]) -> dict[str, str]:
    """Each known column's field; several columns may give one field (`issued`,
    `published-print`), the first filled one in column order counts, the preferred
    ones (`PREFERRED_COLUMNS`) first."""
    ranked = sorted(columns, key=lambda c: _snake(c) not in PREFERRED_COLUMNS)
    return {col: canon for col in ranked if (canon := canonical_column(col))}


def _snake(column: str) -> str:
    """A column name in snake case: "Author/s" and "Author(s)" are `author_s`."""
    return re.sub(r"[\s\-/()]+", "_", str(column).strip().lower()).rstrip("_")


def is_table_header(cells: list[str]) -> bool:
    """Whether a header row names bibliographic columns (a title, authors, ...)."""
    return bool(set(known_columns(cells).values()) & IDENTITY_COLUMNS)


MARKDOWN_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?$")
"""The line under a Markdown table's header: "|---|:---:|", at least two columns."""


PREAMBLE_LINES = 2
"""Lines an export may write above its header: Dimensions' "About the data: Exported
on ...", a disclaimer in a cell or two."""


def _csv_header(text: str) -> tuple[int, type[csv.Dialect]] | None:
    """The line a table's header is on and its dialect: the header names bibliographic
    columns and the rows under it are cut by its delimiter too. A page that merely
    opens with a table's header line ("Title\tCited by\tYear" copied from a profile)
    is text, and so is a Markdown table (its header ruled off, "|---|---|":
    `pipe_table` reads it). Above the header, up to `PREAMBLE_LINES` lines of far
    fewer cells may stand."""
    lines = text[:SNIFF_BYTES].splitlines(keepends=True)[: PREAMBLE_LINES + 2] or [""]
    for skip in range(min(PREAMBLE_LINES + 1, len(lines))):
        first = lines[skip].rstrip("\r\n")
        if skip + 1 < len(lines) and MARKDOWN_RULE.match(lines[skip + 1].strip()):
            return None
        for delimiter in (",", "\t", ";", "|"):
            if delimiter not in first:
                continue
            header = next(csv.reader([first], delimiter=delimiter))
            if skip and (len(header) < 3 or not _preamble(lines[:skip], delimiter, header)):
                continue
            rest = text[sum(map(len, lines[:skip])) :]
            if is_table_header(header) and _rows_have_cells(rest, delimiter):

                class Dialect(csv.excel):
                    pass

                Dialect.delimiter = delimiter
                return skip, Dialect
    return None


def _preamble(lines: list[str], delimiter: str, header: list[str]) -> bool:
    """Whether lines above a header are an export's preamble: each written, and of
    fewer than half the header's cells."""
    cells = [len(next(csv.reader([line], delimiter=delimiter), [])) for line in lines]
    return all(n > 0 and n * 2 < len(header) for n in cells)


SNIFF_ROWS = 50
SNIFF_BYTES = 65536
"""The head of a file its structure is told from."""


def _rows_have_cells(text: str, delimiter: str) -> bool:
    """Whether most of the first rows under the header hold more than one cell."""
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    next(rows, None)
    try:
        sample = [row for row in itertools.islice(rows, SNIFF_ROWS) if any(row)]
    except csv.Error:
        return True  # a quirk of quoting in the head: the reader reports it in full
    return not sample or sum(len(row) > 1 for row in sample) * 2 >= len(sample)


def sniff(data: bytes) -> str | None:
    """The structured format of `data` ("parquet", "xlsx", "xls", "ods", "csv", "json",
    "yaml"), or None."""
    if data[:4] == b"PAR1" and data[-4:] == b"PAR1":
        return "parquet"
    if "xl/workbook.xml" in zip_names(data):  # a .docx or any other zip is no workbook
        return "xlsx"
    if data.startswith(ZIP) and _ODS_MIMETYPE in data[:100]:
        return "ods"
    if data.startswith(OLE2):
        return "xls"
    head = data[:SNIFF_BYTES].decode("utf-8", errors="replace").lstrip("\ufeff")
    stripped = head.lstrip()
    if stripped[:1] in "[{":
        try:
            first = _json_records(data, limit=1)
        except UnicodeDecodeError:
            return None
        except RecursionError:  # nested past what a parser follows: JSON, read as unreadable
            return "json"
        if first and set(known_columns(list(first[0])).values()) & IDENTITY_COLUMNS:
            return "json"
        return None
    if _csv_header(head):
        return "csv"
    if stripped.startswith("---") and _FRONT_MATTER.match(stripped):
        try:
            if _front_matter_record(data):
                return "yaml"
        except (yaml.YAMLError, UnicodeDecodeError, RecursionError):
            return None
        # else a site's page under its front matter, or a YAML document between "---"
        # and "..." (pandoc's `references:`): a page fails to parse as one document below
    if _YAML_LIST.search(head):
        try:
            return "yaml" if _nested(_yaml_document(data)) else None
        except (yaml.YAMLError, UnicodeDecodeError, RecursionError):
            return None  # text with a colon in a list item: a page, read as one
    if _YAML_KEY.match(stripped) and _YAML_ITEM.search(head):
        try:
            document = _yaml_document(data)
        except (yaml.YAMLError, UnicodeDecodeError, RecursionError):
            return None
        # one key over one list is a page of text with a "Publications:" heading, which
        # parses as YAML too: it is read as the page it is
        keys = isinstance(document, dict) and len(document) > 1
        return "yaml" if keys and _nested(document) and _yaml_listing(document) else None
    return None


_YAML_KEY = re.compile(r"[\w\"'][\w \"'-]*:(?:\s|$)")
"""A YAML mapping's first key ("name: Ada Park", "publications:")."""
_YAML_ITEM = re.compile(r"^[ \t]+-[ \t]+\S", re.MULTILINE)
"""A list item indented under a key: where a mapping's lists hold its citations."""


def _yaml_listing(document: dict[Any, Any]) -> bool:
    """Whether a YAML mapping holds citations written out in its lists (a static
    site's `publications: {2024: ["A. Park. Title. CoRL 2024."]}`)."""
    return any("citation" in r for r in _records_within(document, RECORD_DEPTH))


def _json_records(data: bytes, limit: int | None = None) -> list[dict[str, Any]]:
    return _json_table(data, limit).rows


def _json_table(data: bytes, limit: int | None = None) -> Table:
    text = data.decode("utf-8", errors="strict").lstrip("\ufeff").strip()
    owner = None
    try:
        loaded = _titled_works(json.loads(text))
        records = loaded if isinstance(loaded, list) else _listed(loaded)
        records = _cited(records) if _citations(records) else records
        owner = _document_owner(loaded)
    except json.JSONDecodeError:
        records = []
        for line in text.splitlines()[: limit or None]:
            if line.strip():
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError:
                    return Table([])
    return Table([r for r in records if isinstance(r, dict)][: limit or None], owner)


def _citations(values: list[Any]) -> bool:
    """A list of citations written out (`["A. Park. Title. CoRL 2021.", ...]`): strings,
    most of them (of the first 20) read as a title with its authors (a list of
    affiliations or interests is none)."""
    if not values or not all(isinstance(v, str) for v in values):
        return False
    sample = values[:20]
    return sum(bool(c.title and c.authors) for c in map(_citation, sample)) * 2 > len(sample)


def _cited(values: list[Any]) -> list[dict[str, Any]]:
    return [{"citation": v} for v in values]


@lru_cache(maxsize=1 << 10)
def _citation(text: str) -> ParsedEntry:
    """A citation as written ("A. Park, J. Okoye. Title. CoRL 2021."), read as a
    reference list reads one; once, though a file's first are read to tell that its
    strings are citations, then again as its rows (callers only read the entry)."""
    return entry_of(Item(split_lines(text), wrapped=True))


@dataclass
class Table:
    """A structured file's rows, and the owner it names beside them."""

    rows: list[dict[str, Any]]
    owner: str | None = None


OWNER_KEYS = ("owner", "owner_name", "profile", "person", "researcher", "author", "user", "name")
"""Keys under which a document gives the person whose works it lists (a profile's
export: `{"profile": {"name": ...}, "papers": [...]}`, ORCID's `person`)."""


def _document_owner(document: Any) -> str | None:
    """The name of the person a document of records describes beside them: a name
    under an owner key at its top, or the name of an object there. A document that is
    a record itself, or a list, names nobody."""
    if not isinstance(document, dict) or _titled(document):
        return None
    fields = {str(k).lower().replace("-", "_"): v for k, v in document.items()}
    for key in OWNER_KEYS:
        name = _person_name(fields.get(key))
        if name and len(name.split()) >= 2 and looks_like_name(name):
            return name
    return None


def _person_name(value: Any, depth: int = 3) -> str | None:
    """A person's name: a string, or an object's `name` (itself a string or given and
    family parts, perhaps wrapped: ORCID's `{"given-names": {"value": ...}}`)."""
    if isinstance(value, str):
        return value.strip()
    if not isinstance(value, dict) or is_record(value) or not depth:
        return None
    if "name" in value:
        return _person_name(value["name"], depth - 1)
    return author_name({k: _text(v) for k, v in value.items() if not isinstance(v, list)})


CREATIVE_WORKS = frozenset(
    "ScholarlyArticle Article CreativeWork Book Chapter Thesis Report TechArticle".split()
)
"""schema.org types (JSON-LD) whose `name` is a paper's title."""


def _titled_works(value: Any) -> Any:
    """A JSON-LD document with each creative work's `name` as its `title`: a person's
    `name` stays a name."""
    if isinstance(value, list):
        return [_titled_works(v) for v in value]
    if not isinstance(value, dict):
        return value
    value = {k: _titled_works(v) for k, v in value.items()}
    kinds = value.get("@type")
    kinds = set(kinds) if isinstance(kinds, list) else {kinds}
    if kinds & CREATIVE_WORKS and "title" not in value and not _blank(value.get("name")):
        value["title"] = value["name"]
    return value


_YAML_LIST = re.compile(r"^\s*-\s+[\w\"'][\w\s\"'-]*:(?:\s|$)", re.MULTILINE)
"""A YAML list item opening a mapping: "- title: ...", the shape of a publications list."""


_FRONT_MATTER = re.compile(
    r"\A---[ \t]*\r?\n(?P<yaml>.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n(?P<body>.*))?\Z", re.DOTALL
)
"""A page of one paper as static site generators write it (Hugo, Jekyll): its fields in
YAML between "---" lines, then its text."""


def _front_matter_record(data: bytes) -> dict[str, Any] | None:
    """The paper a page's front matter describes, the text below it as its abstract
    where the fields give none; None when the page has no front matter of a paper
    (one naming its authors)."""
    page = _FRONT_MATTER.match(data.decode("utf-8").lstrip("\ufeff").lstrip())
    if page is None:
        return None
    record = _titled_works(_yaml_document(page["yaml"].encode("utf-8")))
    if not isinstance(record, dict) or "authors" not in known_columns(list(record)).values():
        return None  # a site's page ("title: Publications"), its list below it
    record = {k: _unemphasised(v) if isinstance(v, str) else v for k, v in record.items()}
    body = (page["body"] or "").strip()
    if body and "abstract" not in known_columns(list(record)).values():
        record = {**record, "abstract": body}
    return record


def _unemphasised(value: str) -> str:
    """A field set in Markdown italics or bold ("*Nature*"), as front matter sets a venue."""
    return re.sub(r"^([*_]{1,2})(\S.*?)\1$", r"\2", value.strip())


def _yaml_table(data: bytes) -> Table:
    """The records of a YAML publications list (a static site's `_data/papers.yml`): a
    list of mappings (each a row: one that is no record is quarantined), or the
    records under a mapping's keys (CITATION.cff: its `preferred-citation`, its
    `references`, not the software it describes; citations written out under their
    years), the person it names beside them the owner; or the one paper of a page's
    front matter."""
    if front := _front_matter_record(data):
        return Table([front])
    document = _yaml_document(data)
    loaded = _titled_works(document)
    if isinstance(loaded, list):
        return Table([r for r in loaded if isinstance(r, dict)])  # a non-record: quarantined
    if not isinstance(loaded, dict):
        return Table([])
    records = [
        _dated_by(record, key)
        for key, value in loaded.items()
        for record in ([value] if is_record(value) else _records_within(value, RECORD_DEPTH - 1))
    ]
    return Table(records, _document_owner(document))


def _yaml_document(data: bytes) -> Any:
    """The parsed document; one with anchors and aliases is refused: aliases nest a
    structure in itself, and a few lines expand past any memory when walked."""
    text = data.decode("utf-8").lstrip("\ufeff")
    if m := _ANCHOR.search(text):
        line = text.count("\n", 0, m.start()) + 1
        raise yaml.YAMLError(f"YAML anchors and aliases are not read (line {line})")
    return yaml.load(text, Loader=_YAML_LOADER)


_ANCHOR = re.compile(r"(?:^|[\s\[{,:])[&*][\w-]+(?=[\s,\]}]|$)", re.MULTILINE)


def _nested(document: Any) -> bool:
    """A YAML document of lists or mappings within, not labelled text ("Title: ...")."""
    values = document if isinstance(document, list) else getattr(document, "values", list)()
    return any(isinstance(v, (list, dict)) for v in values)


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _listed(document: Any) -> list[Any]:
    """The records of a JSON document: the object itself if it is one, else the records
    it holds, in document order, whatever wraps them (an API's `{"message": {"items":
    [...]}}`, ORCID's groups of work summaries). A record's own lists (Crossref's
    references) are not searched; a profile's object that names its person as `author`
    beside a list of works (`{"author": {"name": ...}, "articles": [...]}`) is no record."""
    if not isinstance(document, dict) or _titled(document):
        return [document]
    return list(_records_within(document, RECORD_DEPTH)) or [document]


def _titled(value: dict[str, Any]) -> bool:
    """A record by what identifies a paper, not by a name alone."""
    return bool(set(known_columns(list(value)).values()) & (IDENTITY_COLUMNS - {"authors"}))


RECORD_DEPTH = 6
"""Levels of wrapping searched for records."""


def _records_within(value: Any, depth: int, listed: bool = False) -> Iterator[dict[str, Any]]:
    """Records in lists within `value`, in an object of records keyed by their ids
    (`{"papers": {"p1": {...}, "p2": {...}}}`), or citations written out in a list:
    an object beside them (a response's `{"meta": {"title": "Search results"}}`) is
    no record, however it reads."""
    if listed and is_record(value):
        yield value
    elif listed and (wrapped := _wrapped_record(value)) is not None:
        yield wrapped
    elif depth and isinstance(value, dict):
        objects = [v for v in value.values() if isinstance(v, dict)]  # {"p1": {...}, ...}
        keyed = len(objects) >= 2 and all(map(is_record, objects))
        for key, inner in value.items():
            for record in _records_within(inner, depth - 1, listed=keyed):
                yield _dated_by(record, key)
    elif depth and isinstance(value, list) and _citations(value):  # ["A. Park. Title. 2021."]
        yield from _cited(value)
    elif depth and isinstance(value, list):
        for inner in value:
            yield from _records_within(inner, depth - 1, listed=True)


def _dated_by(record: dict[str, Any], key: Any) -> dict[str, Any]:
    """A written-out citation under a year's key (`{2024: ["A. Park. Title."]}`) dated
    by it where it gives no date of its own."""
    year = str(key)
    if "citation" not in record or not _GROUP_YEAR.fullmatch(year) or len(record) > 1:
        return record
    return record if _citation(record["citation"]).published_raw else {**record, "year": year}


_GROUP_YEAR = re.compile(r"(?:19|20)\d\d")


def _wrapped_record(value: Any) -> dict[str, Any] | None:
    """A list item whose fields sit in one object of its own (DBLP's `{"@id": ...,
    "info": {"title": ...}}`, OpenReview's `{"id": ..., "content": {"title": ...}}`):
    those fields, beside the item's own values."""
    if not isinstance(value, dict):
        return None
    inner = [v for v in value.values() if is_record(v)]
    if len(inner) != 1:
        return None
    return {**{k: v for k, v in value.items() if not isinstance(v, dict)}, **inner[0]}


def is_record(value: Any) -> bool:
    return isinstance(value, dict) and bool(
        set(known_columns(list(value)).values()) & IDENTITY_COLUMNS
    )


_ODS_MIMETYPE = b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"
"""An OpenDocument spreadsheet's first zip member, stored uncompressed (.ods)."""

HEADER_ROWS = 10
"""Rows of a sheet searched for its header: a title or a note may sit above it."""


def _under_header(rows: Iterator[Any]) -> list[dict[str, Any]] | None:
    """A sheet's rows under its header (within its first `HEADER_ROWS` rows, naming
    bibliographic columns), blank rows skipped; None when it has no such header."""
    for header in itertools.islice(rows, HEADER_ROWS):
        cells = ["" if c is None else str(c).strip() for c in header]
        if is_table_header(cells):
            names = [c or f"column {i + 1}" for i, c in enumerate(cells)]
            filled = (row for row in rows if any(c is not None for c in row))
            return [dict(zip(names, row, strict=False)) for row in filled]
    return None


_NO_HEADER = (
    f"no sheet has a header row (in its first {HEADER_ROWS} rows) naming a title, "
    "authors, an abstract or an arXiv id"
)


def _sheet_rows(data: bytes) -> list[dict[str, Any]]:
    """The rows of the first sheet with a header, read with openpyxl."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        for sheet in book.worksheets:
            if (rows := _under_header(sheet.iter_rows(values_only=True))) is not None:
                return rows
    finally:
        book.close()
    raise ValueError(_NO_HEADER)


def _calamine_rows(data: bytes) -> list[dict[str, Any]]:
    """As `_sheet_rows`, for the workbooks openpyxl does not read: Excel's before 2007
    and OpenDocument's, read with python-calamine."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    for name in book.sheet_names:
        cells = ([_cell(c) for c in row] for row in book.get_sheet_by_name(name).to_python())
        if (rows := _under_header(cells)) is not None:
            return rows
    raise ValueError(_NO_HEADER)


def _cell(value: Any) -> Any:
    """A calamine cell as openpyxl gives it: empty is None, a whole number (stored as
    2021.0) whole."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None if value == "" else value


def read_table(data: bytes, kind: str) -> Table:
    """All rows of a structured file as dicts keyed by the file's own headers, and the
    owner the file names: in an owner column, one name in every row, or beside the
    records of a JSON document."""
    if kind == "json":
        table = _json_table(data)
    elif kind == "yaml":
        table = _yaml_table(data)
    elif kind == "parquet":
        table = Table(pq.read_table(pa.BufferReader(data)).to_pylist())
    elif kind == "xlsx":
        table = Table(_sheet_rows(data))
    elif kind in ("xls", "ods"):
        table = Table(_calamine_rows(data))
    else:
        text = data.decode("utf-8").lstrip("\ufeff")
        skip, dialect = _csv_header(text) or (0, csv.excel)
        text = "".join(text.splitlines(keepends=True)[skip:]) if skip else text
        table = Table(list(csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)))
    table.owner = table.owner or _column_owner(table.rows)
    return table


def _column_owner(rows: list[dict[str, Any]]) -> str | None:
    """The one name every filled cell of an owner column holds (a file mixing owners,
    a catalogue's dump, names none)."""
    columns = [c for c in (rows[0] if rows else {}) if canonical_column(c) == "owner"]
    names = {_text(row.get(c)) for row in rows for c in columns} - {None}
    name = names.pop() if len(names) == 1 else None
    return name if name and looks_like_name(name) else None


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, (list, tuple)):
        return not value
    return isinstance(value, str) and not value.strip()


def _text(value: Any) -> str | None:
    """A cell as text; a list cell (Crossref writes `"title": ["..."]`) by its first item,
    an object by the text it wraps (ORCID's `{"title": {"value": "..."}}`)."""
    if isinstance(value, (list, tuple)):
        value = next((v for v in value if not _blank(v)), None)
    if isinstance(value, dict):
        value = next((value[k] for k in WRAPPED_KEYS if not _blank(value.get(k))), None)
        return _text(value)
    return None if _blank(value) else str(value).strip()


WRAPPED_KEYS = ("value", "title", "text", "name", "display_name", "source", "journal_title")
"""Keys under which an API wraps a cell's text in an object."""


NAME_KEYS = ("literal", "name", "full_name", "fullname", "display_name", "text")
"""Keys of a name written whole (`text`: DBLP's JSON, `{"@pid": ..., "text": ...}`)."""
GIVEN_KEYS = ("given", "given_name", "givenname", "given_names", "first", "first_name", "forename")
FAMILY_KEYS = (
    "family",
    "family_name",
    "familyname",
    "family_names",
    "last",
    "last_name",
    "surname",
    "lastname",
)


def author_name(item: Any) -> str | None:
    """One name from a list of authors: a string ("Last, First" turned round), or an
    object as CSL-JSON and catalogue APIs write one (`{"given": .., "family": ..}`,
    `{"name": ..}`)."""
    if isinstance(item, dict):
        fields = {re.sub(r"[\s\-]+", "_", str(k).lower()): v for k, v in item.items()}
        if isinstance(fields.get("author"), dict):  # OpenAlex: {"author": {"display_name": ..}}
            return author_name(fields["author"])
        for key in NAME_KEYS:
            if not _blank(fields.get(key)) and not isinstance(fields[key], dict):
                return author_name(fields[key])
        parts = [
            next((str(fields[k]).strip() for k in keys if not _blank(fields.get(k))), "")
            for keys in (GIVEN_KEYS, FAMILY_KEYS)
        ]
        return " ".join(p for p in parts if p) or None
    if _blank(item):
        return None
    name = NAMESAKE_NUMBER.sub("", str(item).strip())
    return display_name(name) if name.count(",") == 1 else name


def split_authors(value: Any) -> tuple[list[str], bool]:
    """Authors from a list, a JSON list, or a string with ; / and / , between names."""
    if _blank(value):
        return [], False
    if isinstance(value, str) and value.strip().startswith("["):
        with contextlib.suppress(json.JSONDecodeError):
            value = json.loads(value)
    if isinstance(value, dict) and len(value) == 1:  # {"author": [...]}, {"value": [...]}
        (inner,) = value.values()
        value = inner if isinstance(inner, (list, dict)) else value
    if isinstance(value, dict):  # JSON-LD: one author, an object
        value = [value]
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        names = [n for n in map(author_name, list(value)) if n]
        if names and all(map(VANCOUVER_NAME.match, names)):  # PubMed's "Park A"
            names = list(getattr(parse_byline(", ".join(names)), "authors", names))
        truncated = bool(names) and names[-1].lower().rstrip(".") in {"et al", "others"}
        return (names[:-1] if truncated else names), truncated
    s = str(value).strip()
    cut = _CUT_SHORT.search(s)
    names = s[: cut.start()] if cut else s
    inverted = inverted_names(_RECORD_ID.sub("", names))
    if inverted is not None:
        return inverted, cut is not None
    byline = parse_byline(s)
    if byline is not None:
        return list(byline.authors), byline.truncated
    if ";" in names:
        parts = names.split(";")
    elif re.search(r"\s+and\s+", names):
        parts = re.split(r"\s+and\s+", names)
    else:
        parts = names.split(",")
    return [p.strip() for p in parts if p.strip()], cut is not None


_CUT_SHORT = re.compile(r"(?:[,;]\s*|\s+|^)(?:et\s*al\.?|and\s+others)$", re.IGNORECASE)
"""A list of names cut short: "..., et al.", "...; and others"."""


_RECORD_ID = re.compile(r"\s*\(\d+\)(?=\s*(?:;|\band\b|$))")
"""An index's id after a name: Scopus's "Park, Ada (57190000000)"."""


def date_text(value: Any) -> str | None:
    """A date as an export writes it, as `parse_date` reads it: CSL-JSON's
    `{"date-parts": [[2023, 1, 3]]}`, a year/month/day object (ORCID, or an XML
    group), ISO with a time, "2023-01" and "2023/01/03" made ISO, an e-mail date
    (RSS: "Mon, 04 Jan 2021 ..."), "Mon YYYY" or a year."""
    if isinstance(value, dict):
        if "year" in value:
            year, month, day = (_text(value.get(k)) or "" for k in ("year", "month", "day"))
            return _year_month_day(year, month, day) or year or None
        parts = value.get("date-parts") or value.get("date_parts")
        if parts is None:
            return date_text(value.get("raw") or value.get("literal"))
        value = parts[0] if parts and isinstance(parts[0], list) else parts
    if isinstance(value, (list, tuple)):
        numbers = [str(v).strip() for v in value if str(v).strip().isdigit()]
        return _year_month_day(*(numbers + ["", ""])[:3]) if numbers else None
    text = _text(value)
    if text is None:
        return None
    if re.match(r"\d{4}-\d{2}-\d{2}[T ]", text):
        return text[:10]
    if m := re.fullmatch(r"(\d{4})[-/](\d{1,2})(?:[-/](\d{1,2}))?", text):
        return _year_month_day(m.group(1), m.group(2), m.group(3) or "") or text
    if re.fullmatch(r"\d{4}\.0", text):
        return text[:4]
    if not text[:4].isdigit() and (mailed := email.utils.parsedate_tz(text)) is not None:
        return f"{mailed[0]:04d}-{mailed[1]:02d}-{mailed[2]:02d}"
    return text


def _year_month_day(year: str, month: str, day: str) -> str | None:
    """ISO for a whole date, "Mon YYYY" without a day, the year alone without a month
    (a day without its month is no date); None for a month that is none ("13")."""
    month, day = ("" if month in ("0", "00") else month), ("" if day in ("0", "00") else day)
    if not month:  # ADS writes an unknown month or day as zeros: "2021-03-00"
        return year or None
    if not month.isdigit():  # "Sep": as written, which `parse_date` reads
        return (
            f"{month[:3].capitalize()} {int(day)}, {year}"
            if day.isdigit()
            else f"{month[:3].capitalize()} {year}"
        )
    if not 1 <= int(month) <= 12:
        return None
    if not day.isdigit():
        return f"{MONTH_NAMES[int(month) - 1]} {year}"
    return f"{year}-{int(month):02d}-{int(day):02d}"


def row_entry(row: dict[str, Any], mapping: dict[str, str]) -> ParsedEntry:
    values: dict[str, Any] = {}
    for col, canon in mapping.items():
        if _blank(values.get(canon)):
            values[canon] = row.get(col)
    entry = ParsedEntry()
    title = _text(values.get("title"))
    entry.title = (
        title[:-1] if title and title.endswith(".") and not title.endswith("..") else title
    )
    entry.authors, entry.authors_truncated = split_authors(values.get("authors"))
    entry.published_raw = date_text(values.get("published")) or date_text(values.get("year"))
    venue = _text(values.get("venue"))
    abstract = _abstract(values.get("abstract"))
    entry.abstract = clean_markup(abstract) if abstract else None
    arxiv = _text(values.get("arxiv_id"))
    entry.arxiv_id = (
        (arxiv_id_in(arxiv, bare=True) if arxiv else None)
        or _linked_arxiv_id(values.get("link"))
        or (arxiv_id_in(venue) if venue else None)  # "arXiv preprint arXiv:ID"
    )
    entry.venue = (
        # Scholar's "Conference on Robot Learning, 1012-1020, 2021": a citation's venue;
        # one with no digit is a name as it stands ("IEEE Robotics Autom. Lett.")
        bare_venue(venue, entry.published_raw) if venue and _DIGIT.search(venue) else venue
    )
    entry.category = _text(values.get("category"))
    comments = _text(values.get("comments"))
    entry.comments = [comments] if comments else []
    entry.external_id = _text(values.get("id"))
    if citation := _text(values.get("citation")):
        _fill_from_citation(entry, citation)
    return entry


_DIGIT = re.compile(r"\d")


def _fill_from_citation(entry: ParsedEntry, citation: str) -> None:
    """The fields a row leaves empty, from its citation as written (`_citation`)."""
    cited = _citation(citation)
    entry.title = entry.title or cited.title
    if not entry.authors:
        entry.authors, entry.authors_truncated = list(cited.authors), cited.authors_truncated
    entry.published_raw = entry.published_raw or cited.published_raw
    entry.venue = entry.venue or cited.venue
    entry.arxiv_id = entry.arxiv_id or cited.arxiv_id


def _abstract(value: Any) -> str | None:
    """An abstract as text; OpenAlex's inverted index (word -> positions) put back in
    order; an object wrapping it (OpenReview's `{"value": ...}`) by its text."""
    if isinstance(value, dict) and all(isinstance(at, list) for at in value.values()):
        placed = sorted((i, str(word)) for word, at in value.items() for i in at or [])
        value = " ".join(word for _, word in placed)
    return _text(value)


def _linked_arxiv_id(value: Any) -> str | None:
    """An arXiv id in a link, a DOI, or an API's id object: keyed (`{"ArXiv": "2301.01234"}`)
    or typed (ORCID's `{"external-id-type": "arxiv", "external-id-value": ...}`)."""
    if isinstance(value, dict):
        fields = {str(k).lower(): v for k, v in value.items()}
        typed = [v for k, v in fields.items() if k.endswith("type")]
        if any(str(t).lower() == "arxiv" for t in typed):
            found = next((v for k, v in fields.items() if k.endswith("value")), None)
            return arxiv_id_in(str(found), bare=True) if found else None
        for key, found in fields.items():
            if "arxiv" in key and not _blank(found):
                return arxiv_id_in(str(found), bare=True)
        return next(filter(None, map(_linked_arxiv_id, fields.values())), None)
    if isinstance(value, list):
        return next(filter(None, map(_linked_arxiv_id, value)), None)
    link = _text(value)
    return arxiv_id_in(link) if link else None


def parse_rows(rows: list[dict[str, Any]], kind: str) -> PageParse:
    columns: list[str] = []
    for row in rows:
        columns.extend(c for c in row if c not in columns)
    mapping = known_columns(columns)
    chunks: list[Chunk] = []
    first_row: dict[str, int] = {}
    for i, row in enumerate(rows):
        entry = row_entry(row, mapping)
        reason = None
        if extra := [v for v in row.get(None) or () if not _blank(v)]:
            reason = (
                f"row {i}: {len(row) - 1 + len(row[None])} cells under a header of "
                f"{len(row) - 1}, the last {len(extra)} beyond it: a cell may hold the "
                "separator unquoted, so which cell is which cannot be told"
            )
        elif entry.title is None and entry.abstract is None:
            reason = f"row {i}: neither a title nor an abstract"
        elif entry.external_id is not None and entry.external_id in first_row:
            first = first_row[entry.external_id]
            reason = f"row {i}: id {entry.external_id!r} already used by row {first}"
        if reason:
            chunks.append(Chunk("quarantine", i, i + 1, reason=reason, row=i))
        else:
            if entry.external_id is not None:
                first_row[entry.external_id] = i
            chunks.append(Chunk("entry", i, i + 1, entry=entry, row=i))
    return PageParse(f"table_{kind}", chunks)


def row_text(row: dict[str, Any]) -> str:
    """A row's raw text: its cells as JSON, in the file's column order."""

    def plain(v: Any) -> Any:
        if hasattr(v, "isoformat"):
            return v.isoformat()
        if isinstance(v, float) and math.isnan(v):
            return None
        if hasattr(v, "tolist"):
            return v.tolist()
        return v

    return json.dumps({str(k): plain(v) for k, v in row.items()}, ensure_ascii=False, default=str)

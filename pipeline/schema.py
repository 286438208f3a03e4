"""Every published table's pyarrow schema: the one source of truth.

Stages build rows as plain dicts; `to_table` turns them into Arrow tables with
these exact schemas, so a missing or misspelt column fails loudly in the stage
that produced it instead of surfacing in a user's script. Columns named in the
output contract (DESIGN.md) are never renamed; extra columns are additive.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

_STR = pa.string()
_STRS = pa.list_(pa.string())

SOURCES = pa.schema(
    [
        ("source_id", _STR),
        ("path", _STR),
        ("format", _STR),
        ("owner_name", _STR),
        ("owner_origin", _STR),
        ("declared_paper_count", pa.int32()),
        ("entry_count", pa.int32()),
        ("quarantined_count", pa.int32()),
        ("site", _STR),
        ("url", _STR),
        ("scraped_at", pa.date32()),
        ("size_bytes", pa.int64()),
        ("sha256", _STR),
        ("header_text", _STR),
        ("page_stats", _STR),
    ]
)

ENTRIES = pa.schema(
    [
        ("entry_id", _STR),
        ("source_id", _STR),
        ("position", pa.int32()),
        ("record_key", _STR),
        ("title", _STR),
        ("authors", _STRS),
        ("authors_truncated", pa.bool_()),
        ("affiliations", _STRS),
        ("category", _STR),
        ("published", pa.date32()),
        ("published_raw", _STR),
        ("published_year", pa.int16()),
        ("published_month", pa.int8()),
        ("published_day", pa.int8()),
        ("arxiv_id", _STR),
        ("abstract", _STR),
        ("comments", _STRS),
        ("venue", _STR),
        ("score", pa.float64()),
        ("raw_text", _STR),
        ("line_start", pa.int32()),
        ("line_end", pa.int32()),
        ("title_key", _STR),
        ("abstract_key", _STR),
    ]
)

QUARANTINE = pa.schema(
    [
        ("source_id", _STR),
        ("path", _STR),
        ("position", pa.int32()),
        ("line_start", pa.int32()),
        ("line_end", pa.int32()),
        ("raw_text", _STR),
        ("reason", _STR),
    ]
)

MENTIONS = pa.schema(
    [
        ("entry_id", _STR),
        ("position", pa.int16()),
        ("name_as_written", _STR),
        ("given", _STR),
        ("middle_initials", _STR),
        ("surname", _STR),
        ("suffix", _STR),
        ("name_key", _STR),
        ("compact_key", _STR),
        ("surname_key", _STR),
        ("surname_metaphone", _STR),
        ("surname_nysiis", _STR),
        ("given_initial", _STR),
        ("given_keys", _STRS),
    ]
)

PAPERS = pa.schema(
    [
        ("paper_id", _STR),
        ("title", _STR),
        ("arxiv_id", _STR),
        ("published", pa.date32()),
        ("published_year", pa.int16()),
        ("abstract", _STR),
        ("author_names", _STRS),
        ("authors_complete", pa.bool_()),
        ("category", _STR),
        ("entry_count", pa.int32()),
        ("source_count", pa.int32()),
        ("title_key", _STR),
        ("abstract_key", _STR),
        ("title_from", _STR),
        ("authors_from", _STR),
        ("authors_from_key", _STR),
        ("published_from", _STR),
        ("arxiv_from", _STR),
        ("abstract_from", _STR),
    ]
)

PAPER_ENTRIES = pa.schema(
    [
        ("paper_id", _STR),
        ("entry_id", _STR),
        ("confidence", pa.float64()),
    ]
)

PERSONS = pa.schema(
    [
        ("person_id", _STR),
        ("name", _STR),
        ("variants", _STRS),
        ("mention_count", pa.int32()),
        ("paper_count", pa.int32()),
    ]
)

AUTHORSHIPS = pa.schema(
    [
        ("paper_id", _STR),
        ("person_id", _STR),
        ("position", pa.int16()),
        ("name_as_written", _STR),
        ("mention_key", _STR),
    ]
)

PROFILES = pa.schema(
    [
        ("source_id", _STR),
        ("path", _STR),
        ("owner_name", _STR),
        ("owner_person_id", _STR),
        ("owner_origin", _STR),
        (
            "owner_candidates",
            pa.list_(pa.struct([("person_id", _STR), ("name", _STR), ("entries", pa.int32())])),
        ),
        ("owner_evidence", _STR),
        ("entry_count", pa.int32()),
    ]
)

ATTRIBUTIONS = pa.schema(
    [
        ("source_id", _STR),
        ("entry_id", _STR),
        ("paper_id", _STR),
        ("status", _STR),
        ("score", pa.float64()),
        ("reasons", _STRS),
        ("decided_by", _STR),
        ("owner_on_byline", pa.bool_()),
        ("shared_coauthors", pa.int32()),
        ("topic_similarity", pa.float64()),
    ]
)

ID_CHANGES = pa.schema(
    [
        ("entity", _STR),
        ("old_id", _STR),
        ("new_id", _STR),
        ("kind", _STR),
    ]
)

QUALITY_ISSUES = pa.schema(
    [
        ("table_name", _STR),
        ("key", _STR),
        ("check", _STR),
        ("severity", _STR),
        ("message", _STR),
    ]
)

PUBLISHED: dict[str, pa.Schema] = {
    "sources": SOURCES,
    "entries": ENTRIES,
    "quarantine": QUARANTINE,
    "mentions": MENTIONS,
    "papers": PAPERS,
    "paper_entries": PAPER_ENTRIES,
    "persons": PERSONS,
    "authorships": AUTHORSHIPS,
    "profiles": PROFILES,
    "attributions": ATTRIBUTIONS,
    "id_changes": ID_CHANGES,
    "quality_issues": QUALITY_ISSUES,
}
"""Tables `publish` writes, by file stem, in the order they are written."""

SORT_KEYS: dict[str, list[str]] = {
    "sources": ["path"],
    "entries": ["source_id", "position"],
    "quarantine": ["path", "position", "line_start"],
    "mentions": ["entry_id", "position"],
    "papers": ["paper_id"],
    "paper_entries": ["paper_id", "entry_id"],
    "persons": ["person_id"],
    "authorships": ["paper_id", "position"],
    "profiles": ["path"],
    "attributions": ["source_id", "entry_id"],
    "id_changes": ["entity", "old_id", "kind", "new_id"],
    "quality_issues": ["table_name", "key", "check", "message"],
}
"""Row order of each published table, so the same input gives identical files."""


CHUNK_ROWS = 100_000
"""Rows turned into Arrow at a time: a million-row table from a generator never
exists as a million dicts at once."""


def to_table(name: str, rows: Iterable[Mapping[str, Any]]) -> pa.Table:
    """Build table `name` from dict rows, checking every column against its schema.

    `rows` may be a generator; it is read `CHUNK_ROWS` at a time."""
    return _sorted(name, lambda: _from_rows(name, PUBLISHED[name], rows))


def to_table_by_index(
    name: str, columns: Mapping[str, list[Any]], shared: list[Mapping[str, Any]], which: list[int]
) -> pa.Table:
    """Build table `name` whose rows repeat a few distinct ones: row i holds
    `columns[c][i]` in its own columns and the rest of `shared[which[i]]`.

    Arrow takes the shared rows by index instead of reading a dict per row: the
    mentions of a million entries are 2.5M rows of 300k distinct names, 62 s as
    dicts."""
    schema = PUBLISHED[name]
    unknown = sorted(set(columns) - set(schema.names))
    if unknown:
        raise ValueError(f"{name}: columns not in schema: {unknown}")
    rest = pa.schema([f for f in schema if f.name not in columns])
    return _sorted(name, lambda: _by_index(schema, columns, _from_rows(name, rest, shared), which))


def _by_index(
    schema: pa.Schema, columns: Mapping[str, list[Any]], shared: pa.Table, which: list[int]
) -> pa.Table:
    taken = shared.take(pa.array(which, pa.int64()))
    arrays = [
        pa.array(columns[f.name], f.type) if f.name in columns else taken[f.name] for f in schema
    ]
    return pa.Table.from_arrays(arrays, schema=schema)


def _from_rows(name: str, schema: pa.Schema, rows: Iterable[Mapping[str, Any]]) -> pa.Table:
    parts = list(table_chunks(name, rows, schema))
    return pa.concat_tables(parts) if parts else schema.empty_table()


def table_chunks(
    name: str, rows: Iterable[Mapping[str, Any]], schema: pa.Schema | None = None
) -> Iterator[pa.Table]:
    """Rows of table `name` as Arrow, `CHUNK_ROWS` at a time and in the order given,
    each column checked against its schema (`schema`: a part of the table's)."""
    schema = schema or PUBLISHED[name]
    known = set(schema.names)
    rows = iter(rows)
    done = 0
    while chunk := list(itertools.islice(rows, CHUNK_ROWS)):
        for i, row in enumerate(chunk):
            if not known.issuperset(row):
                unknown = sorted(set(row) - known)
                raise ValueError(f"{name} row {done + i}: columns not in schema: {unknown}")
        # Arrow reads the dicts itself: a third of the time of a column list per field
        yield pa.Table.from_pylist(chunk, schema=schema)
        done += len(chunk)


def in_published_order(name: str, rows: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """`rows` in the order `to_table` gives table `name` (`SORT_KEYS`, nulls last,
    ties as given), sorted as dicts: a table built from them in this order needs
    no sorted copy of each column. Python orders text by code point, as Arrow
    orders UTF-8 by byte."""
    keys = SORT_KEYS[name]
    return sorted(rows, key=lambda row: [(row.get(k) is None, row.get(k)) for k in keys])


def _sorted(name: str, build: Callable[[], pa.Table]) -> pa.Table:
    """The table `build` makes, in its published row order (`SORT_KEYS`), sorted a
    column at a time, each unsorted column let go as its sorted copy is made: the
    whole table sorted beside the unsorted one was the run's peak at a million
    entries (their 1.8 GB table twice). `build` hands the table over, so no caller
    holds it meanwhile."""
    table = build()
    if not table.num_rows:
        return table
    order = pc.sort_indices(table, [(k, "ascending") for k in SORT_KEYS[name]])
    schema, columns = table.schema, table.columns
    del table
    for i in range(len(columns)):
        columns[i] = columns[i].take(order)
    return pa.Table.from_arrays(columns, schema=schema)

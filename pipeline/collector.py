"""Memory while a run holds the catalogue as rows: Python's cyclic garbage
collector, freed rows given back to the system, and tables the stages have
finished with spilled to a mapped file until they are published.

The stages after extraction build millions of dicts, tuples and sets that live
for the rest of the run. CPython's collector scans its oldest generation each
time that generation has grown by a quarter, and each such scan walks every
object the run holds: at 100k entries 29 of them took 24 s of a 154 s run (134 s
without them), and each scan grows with the rows. Those stages make next to no
cyclic garbage (the peak memory of a 100k run is the same with the scans and
without them, 1,464 and 1,469 MB), so the oldest generation is left alone while
they run; the young generations still collect the short-lived cycles.
Extraction too gathers a million entries (21 scans, 11 s at 1M); the few cycles
its parsers leave are freed by one full collection after it.

A table spilled to a file and mapped back (`map_table`, the run's `Handoff`) is
in the page cache, not in the run's own memory:
the entries' 2 GB at a million, read only by validation, the report and the
Parquet writer, each of which lets go of the pages it read (`forget_spilled_pages`).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import mmap
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import TypeVar

import pyarrow as pa

T = TypeVar("T")

_SPILLED: weakref.WeakSet[mmap.mmap] = weakref.WeakSet()
"""The mappings of spilled tables still in use (`map_table`)."""

NEVER = 2**31 - 1
"""A threshold the oldest generation's counter does not reach in a run."""


@contextmanager
def young_generations_only() -> Iterator[None]:
    """Inside: the cyclic collector scans only its young generations. The thresholds
    it had are back on the way out, whatever happened inside."""
    young, middle, old = gc.get_threshold()
    gc.set_threshold(young, middle, NEVER)
    try:
        yield
    finally:
        gc.set_threshold(young, middle, old)


def give_back_freed_memory() -> None:
    """Hand the C heap's free pages back to the system (glibc's `malloc_trim`); a
    no-op elsewhere. Rows let go between stages leave holes across the heap that
    glibc keeps for small requests, while Arrow's columns and a later stage's
    arrays take fresh pages: at 100k entries the run held 130 MB less after
    resolving persons and 227 MB less after building the tables, each trim 0.03 s."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):  # not glibc: nothing to trim
        return None


def drained(rows: list[T], trim_every: int = 100_000) -> Iterator[T]:
    """Each of `rows` in order, its slot in the list emptied as it is handed out, and
    freed memory handed back every `trim_every` rows: a consumer that reads a chunk
    at a time (`schema.to_table`) lets each chunk's rows go while it reads the next,
    instead of holding every dict until the whole table is built. Arrow's buffers
    are fresh pages, so what the rows free goes back to the system first. The list
    is left all None."""
    for i, row in enumerate(rows):
        rows[i] = None  # type: ignore[call-overload]
        if i and not i % trim_every:
            give_back_freed_memory()
        yield row


def map_table(mapped: mmap.mmap, start: int, length: int) -> pa.Table:
    """The Arrow IPC file at `start` in `mapped`, read in place: its columns are the
    mapping's pages, let go between stages (`forget_spilled_pages`)."""
    _SPILLED.add(mapped)
    return pa.ipc.open_file(pa.py_buffer(mapped).slice(start, length)).read_all()


def forget_spilled_pages() -> None:
    """Let go of the pages of spilled tables read so far: a reader that has gone
    through them once (`publish.write_table`) leaves them mapped, and they count
    as the run's memory until the table is freed. A page read again is mapped
    again from the page cache or the file."""
    for mapped in list(_SPILLED):
        mapped.madvise(mmap.MADV_DONTNEED)

"""Python's cyclic garbage collector while a run holds the catalogue as rows.

The stages after extraction build millions of dicts, tuples and sets that live
for the rest of the run. CPython's collector scans its oldest generation each
time that generation has grown by a quarter, and each such scan walks every
object the run holds: at 100k entries 29 of them took 24 s of a 154 s run (134 s
without them), and each scan grows with the rows. Those stages make next to no
cyclic garbage (the peak memory of a 100k run is the same with the scans and
without them, 1,464 and 1,469 MB), so the oldest generation is left alone while
they run; the young generations still collect the short-lived cycles.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

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

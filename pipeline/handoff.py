"""The run's phases, each in a fresh process, and what they hand on to the next.

Python gives an arena of small objects back to the system only when every object
in it is freed. A run that builds a million entries' rows, records and scored
pairs in one process keeps most of that memory to the end: at a million entries
4.6 GB of arenas held 0.5 GB of live objects by the report. So `build_tables`
runs its phases (papers, persons, catalogue, attribution) each in a process
forked from the run, which holds next to nothing while they work; a phase
leaves its results here and ends, and everything it allocated goes back whole.

A phase's results are pickled to a file, Arrow tables among them written as
Arrow IPC to a second file and mapped back when read (`collector.map_table`):
a table's pages are the file's, not the reader's own memory. Both files are
unlinked as they are made, so no kind of exit leaves them behind.
"""

from __future__ import annotations

import contextlib
import logging
import mmap
import os
import pickle
import signal
import sys
import tempfile
import traceback
import weakref
from collections.abc import Callable, Iterable
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import IO, Any, TypeVar

import pyarrow as pa

from pipeline import workers
from pipeline.collector import map_table

R = TypeVar("R")

ALIGNMENT = 64
"""Where each handed-on table starts in its file: Arrow's buffers are read in place,
and its compute kernels warn about (and may slow on) buffers not so aligned."""


LIST_CHUNK = 50_000
"""Items of a list pickled together: a pickler remembers every object it has
written (to write a repeat as a reference), so a list of a million rows pickled
at once would hold an entry for each of their objects until the end."""

Place = tuple[str, int, int]


class _Pickler(pickle.Pickler):
    """Pickles Arrow tables as places in the handoff's tables file, where they are
    written as IPC, once: a table read from the handoff is its old place again."""

    def __init__(self, handoff: Handoff) -> None:
        super().__init__(handoff._values, protocol=pickle.HIGHEST_PROTOCOL)
        self.handoff = handoff

    def persistent_id(self, obj: Any) -> Place | None:
        if not isinstance(obj, pa.Table):
            return None
        known = self.handoff._mapped.get(id(obj))
        if known is not None and known[0]() is obj:
            return known[1]
        return self.handoff._write_ipc(obj.schema, [obj])


class _Unpickler(pickle.Unpickler):
    """Reads what `_Pickler` wrote, each table mapped from the tables file."""

    def __init__(self, handoff: Handoff) -> None:
        super().__init__(handoff._values)
        self.handoff = handoff

    def persistent_load(self, pid: Any) -> pa.Table:
        if pid[0] != "arrow":
            raise pickle.UnpicklingError(f"unknown handed-on object {pid[0]!r}")
        return self.handoff._read_table(pid)


class Handoff:
    """Named values the run's phases leave for each other, held in two unlinked
    files in `folder` (values pickled, tables as Arrow IPC) instead of in memory.
    Close it (or use it as a context manager) to let the files go."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._folder = folder
        self._values = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 - closed by close()
        self._tables = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 - closed by close()
        self._places: dict[str, tuple[int, int | None]] = {}
        """Where each value starts, and how many chunks a list was pickled in."""
        self._mapped: dict[int, tuple[weakref.ref[pa.Table], Place]] = {}
        """The tables read so far, by id: put again, they are not written again."""

    def __enter__(self) -> Handoff:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._values.close()
        self._tables.close()

    def __contains__(self, name: str) -> bool:
        return name in self._places

    def put(self, **values: Any) -> None:
        """Leave each value under its name (pickled at once; later changes to the
        object are not seen). A list is pickled `LIST_CHUNK` items at a time, so
        hand on a large object's lists each under a name of its own."""
        for name, value in values.items():
            start = self._values.seek(0, os.SEEK_END)
            if isinstance(value, list):
                chunks = range(0, len(value), LIST_CHUNK)
                for at in chunks:
                    _Pickler(self).dump(value[at : at + LIST_CHUNK])
                self._places[name] = (start, len(chunks))
            else:
                _Pickler(self).dump(value)
                self._places[name] = (start, None)
            self._values.flush()

    def get(self, name: str) -> Any:
        """A fresh copy of the value left under `name`; its tables mapped, not read."""
        start, chunks = self._places[name]
        self._values.seek(start)
        if chunks is None:
            return _Unpickler(self).load()
        value: list[Any] = []
        for _ in range(chunks):
            value.extend(_Unpickler(self).load())
        return value

    def table_from(self, schema: pa.Schema, chunks: Iterable[pa.Table]) -> pa.Table:
        """The table `chunks` make, written into the tables file a chunk at a time
        and mapped back: its pages are the file's, not the phase's memory, and a
        table too big to hold whole is written once, and `put` later as its place."""
        return self._read_table(self._write_ipc(schema, chunks))

    def _write_ipc(self, schema: pa.Schema, chunks: Iterable[pa.Table]) -> Place:
        """Append `chunks` to the tables file as one IPC file, aligned; its place."""
        tables = self._tables
        end = tables.seek(0, os.SEEK_END)
        start = -(-end // ALIGNMENT) * ALIGNMENT
        tables.write(bytes(start - end))
        sink = pa.PythonFile(tables, mode="w")
        with pa.ipc.new_file(sink, schema) as writer:
            for chunk in chunks:
                writer.write(chunk)
        tables.flush()
        return ("arrow", start, tables.seek(0, os.SEEK_END) - start)

    def _read_table(self, place: Place) -> pa.Table:
        """The table at `place`, mapped; known by its id so it is never written again.
        Only its own part of the file is mapped: a phase that hands on many tables
        as it builds them would otherwise map the growing file again for each, and
        at a million entries ran out of address space."""
        _, start, length = place
        base = start - start % mmap.ALLOCATIONGRANULARITY
        mapped = mmap.mmap(
            self._tables.fileno(), start + length - base, access=mmap.ACCESS_READ, offset=base
        )
        table = map_table(mapped, start - base, length)
        self._mapped[id(table)] = (weakref.ref(table), place)
        return table

    def apart(self, work: Callable[[Handoff], R], what: str) -> R:
        """`work(self)` in a process forked from this one; its return value (keep it
        small: large results go to `put`) comes back pickled, as do its exceptions,
        with the phase's traceback as a note. What it `put` is readable here after.
        A phase killed by a signal (the out-of-memory killer) raises
        `BrokenProcessPool`, as a killed worker does."""
        with tempfile.TemporaryFile(dir=self._folder) as outcome:
            _flush(sys.stdout, sys.stderr)
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the forked phase; its outcome is tested
                code = 1
                try:
                    code = self._run_phase(work, what, outcome)
                finally:  # whatever happens, the phase never returns into the run's code
                    os._exit(code)
            try:
                _, status = os.waitpid(pid, 0)
            except BaseException:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                raise
            if os.WIFSIGNALED(status):
                raise BrokenProcessPool(
                    f"the {what} process was killed by signal {os.WTERMSIG(status)}"
                )
            outcome.seek(0)
            try:
                places, ok, value = pickle.load(outcome)
            except (EOFError, pickle.UnpicklingError) as exc:
                raise RuntimeError(
                    f"the {what} process ended (status {os.waitstatus_to_exitcode(status)}) "
                    "without handing on its result"
                ) from exc
        self._places.update(places)
        if not ok:
            raise value
        return value

    def _run_phase(self, work: Callable[[Handoff], Any], what: str, outcome: IO[bytes]) -> int:
        """In the forked phase: run `work`, write the outcome; the exit status."""
        try:
            workers.start_worker()
            result: tuple[dict[str, tuple[int, int | None]], bool, Any] = (
                self._places,
                True,
                work(self),
            )
        except BaseException as exc:  # handed to the run, which raises it
            exc.add_note(f"in the {what} process:\n{traceback.format_exc()}")
            result = (self._places, False, exc)
        try:
            pickle.dump(result, outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # a result or exception that does not pickle
            _, ok, value = result
            told = "".join(traceback.format_exception(value)) if not ok else ""
            failure = RuntimeError(
                f"the {what} process failed; its outcome does not pickle:\n"
                f"{told}{traceback.format_exc()}"
            )
            outcome.seek(0)
            outcome.truncate()
            pickle.dump((self._places, False, failure), outcome)
            result = (self._places, False, failure)
        outcome.flush()
        _flush(*logging.getLogger().handlers, sys.stdout, sys.stderr)
        return 0 if result[1] else 1


def _flush(*streams: Any) -> None:
    """Flush each of `streams` that still can (one may have been closed under us)."""
    for stream in streams:
        with contextlib.suppress(Exception):
            stream.flush()

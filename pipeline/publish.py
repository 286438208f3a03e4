"""Stage: publish. Parquet tables and `run.json`, replacing the last output atomically.

Everything is first written to a staging folder beside the output folder and
flushed to disk; then the two folders are swapped in one `renameat2` call
(RENAME_EXCHANGE), so a reader, or a run killed at any instant, sees either
the whole previous output or the whole new one. Where the file system cannot
exchange, two renames are used and the next publish repairs the gap between
them from the `.previous` folder.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import json
import logging
import os
import shutil
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import workers
from pipeline.collector import forget_spilled_pages
from pipeline.errors import BylinesError, ConfigError

log = logging.getLogger(__name__)

MANIFEST = "run.json"
RUNS = "runs"
"""One run.json per published run, kept across publishes, for trends."""
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class Busy(BylinesError):
    """Another run holds the output folder: exit 3 (try again later, or --wait)."""

    exit_code = 3


@contextlib.contextmanager
def output_lock(out_dir: Path, wait: bool = False) -> Iterator[None]:
    """Hold an exclusive lock on `out_dir` for a whole run (a lock file beside it).

    The lock is the kernel's (flock): a run killed at any point releases it.
    """
    path = out_dir.parent / f".{out_dir.name}.lock"
    with path.open("a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = path.read_text().strip() or "another run"
            if not wait:
                raise Busy(
                    f"{out_dir} is being written by {holder}; "
                    "try again later, or pass --wait to wait for it"
                ) from None
            log.info("waiting for %s to finish with %s", holder, out_dir)
            fcntl.flock(fh, fcntl.LOCK_EX)
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}\n")
        fh.flush()
        workers.hold_from_workers(fh.fileno())
        try:
            yield
        finally:
            workers.release(fh.fileno())
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh, fcntl.LOCK_UN)


def published_counts(out_dir: Path) -> dict[str, int]:
    """Rows per table of the output published in `out_dir` (none if there is none, or
    its manifest is unreadable)."""
    try:
        return dict(json.loads((out_dir / MANIFEST).read_text())["row_counts"])
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def read_published(
    out_dir: Path, columns: dict[str, tuple[str, ...]] | None = None
) -> Mapping[str, pa.Table] | None:
    """The tables of a published output folder, or None if there is none.

    With `columns`, only those tables, each with only those columns (a table that
    lacks one is left out, as if absent), each read when first asked for
    (`PublishedColumns`). A nightly run reads its last output for ids and the
    report's changes: read whole, a million entries' output was gigabytes held
    through the run beside the new one."""
    if not (out_dir / MANIFEST).exists():
        return None
    paths = {p.stem: p for p in sorted(out_dir.glob("*.parquet"))}
    if columns is None:
        return {name: pq.read_table(path) for name, path in paths.items()}
    return PublishedColumns(paths, columns)


class PublishedColumns(Mapping[str, pa.Table]):
    """Columns of published tables, each table read when first asked for, by the
    process that asks: a run's phase reads the ids it inherits (`api`), the run
    itself the report's changes, so no process holds the other's."""

    def __init__(self, paths: dict[str, Path], columns: dict[str, tuple[str, ...]]) -> None:
        self._columns = columns
        self._paths = {
            name: paths[name]
            for name in columns
            if name in paths and set(columns[name]) <= set(pq.read_schema(paths[name]).names)
        }
        self._read: dict[str, pa.Table] = {}

    def __getitem__(self, name: str) -> pa.Table:
        if name not in self._read:
            self._read[name] = pq.read_table(self._paths[name], columns=list(self._columns[name]))
        return self._read[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)


ROW_GROUP_ROWS = 100_000
"""Rows written at a time, each a Parquet row group."""


def write_table(table: pa.Table, path: Path) -> None:
    """Write one table; same table, same bytes (no timestamps, fixed options).

    A row group at a time, and the pages of a spilled table let go after each
    (`collector.forget_spilled_pages`): the entries' file, mapped in whole by the
    writer, was 1.7 GB of the run's peak at a million entries."""
    with pq.ParquetWriter(
        path,
        table.schema,
        compression="zstd",
        compression_level=3,
        use_dictionary=True,
        write_statistics=True,
        store_schema=True,
    ) as writer:
        for start in range(0, max(table.num_rows, 1), ROW_GROUP_ROWS):
            writer.write_table(table.slice(start, ROW_GROUP_ROWS))
            forget_spilled_pages()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    for path in sorted(root.rglob("*")):
        if path.is_file():
            with path.open("rb") as fh:
                os.fsync(fh.fileno())
    _fsync_dir(root)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths; False when the system cannot."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    rc = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def staging_dir(out_dir: Path) -> Path:
    return out_dir.parent / f".{out_dir.name}.staging"


def failed_dir(out_dir: Path) -> Path:
    """Where a blocked run leaves its report, beside (never inside) the output."""
    return out_dir.parent / f"{out_dir.name}.failed"


def previous_dir(out_dir: Path) -> Path:
    return out_dir.parent / f".{out_dir.name}.previous"


def recover(out_dir: Path) -> None:
    """Repair what an interrupted publish left: restore or drop the side folders."""
    prev = previous_dir(out_dir)
    if prev.exists() and not out_dir.exists():
        log.warning("restoring %s from an interrupted publish", out_dir)
        os.rename(prev, out_dir)
    for leftover in (prev, staging_dir(out_dir)):
        if leftover.exists():
            shutil.rmtree(leftover)


def check_output_folder(out_dir: Path) -> None:
    """Refuse to replace a folder that bylines did not write (a typo in --out)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise ConfigError(f"--out {out_dir}: exists and is not a folder")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / MANIFEST).exists():
        raise ConfigError(
            f"--out {out_dir}: the folder is not empty and holds no {MANIFEST}; "
            "bylines only replaces folders it wrote. Choose an empty or new folder."
        )


def write_tables(tables: dict[str, pa.Table], folder: Path, writers: int = 1) -> None:
    """Each table to its own file, `writers` at a time, the largest first: Arrow
    writes a file on one core, and at a million entries the entries table is half
    of the 25 s of writing."""

    def write(name: str) -> None:
        write_table(tables[name], folder / f"{name}.parquet")

    order = sorted(tables, key=lambda name: (-tables[name].nbytes, name))
    with ThreadPoolExecutor(max_workers=max(1, writers)) as pool:
        list(pool.map(write, order))  # raises the first failure, once every write is over


def publish(
    tables: dict[str, pa.Table],
    manifest: dict[str, Any],
    out_dir: Path,
    extras: Callable[[Path], None] | None = None,
    writers: int = 1,
) -> None:
    """Write `tables` and `manifest` into `out_dir`, replacing its contents atomically.

    `extras(folder)` writes anything else that belongs to the output (the
    report, Data Docs) into the staging folder, so it is swapped in with it.
    `writers` tables are written at once; the files are the same for any number.
    """
    out_dir = out_dir.absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    recover(out_dir)
    check_output_folder(out_dir)
    stage = staging_dir(out_dir)
    stage.mkdir()
    try:
        write_tables(tables, stage, writers)
        if extras is not None:
            extras(stage)
        text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
        (stage / MANIFEST).write_text(text)
        history = stage / RUNS
        if (out_dir / RUNS).is_dir():
            shutil.copytree(out_dir / RUNS, history)
        history.mkdir(exist_ok=True)
        (history / f"{manifest.get('run_id', 'run')}.json").write_text(text)
        _fsync_tree(stage)
        if not out_dir.exists():
            os.rename(stage, out_dir)
        elif _exchange(stage, out_dir):
            shutil.rmtree(stage)
        else:
            prev = previous_dir(out_dir)
            os.rename(out_dir, prev)
            os.rename(stage, out_dir)
            shutil.rmtree(prev)
        _fsync_dir(out_dir.parent)
    except BaseException:
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)
        raise

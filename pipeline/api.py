"""The public entry points: run the stages in order on an input folder.

The CLI is a thin shell over these functions; tests and scripts call them
directly. Each stage is a function of tables; this module only chains them,
times them and hands the result to `publish`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import platform
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import pyarrow as pa

from pipeline import __version__, normalize
from pipeline.errors import ConfigError, PublishBlocked
from pipeline.extract import MAX_PAGE_BYTES, Extracted, extract_folder
from pipeline.publish import check_output_folder, publish
from pipeline.schema import to_table
from pipeline.sources_config import load_sources_config

log = logging.getLogger(__name__)

TRACKED_PACKAGES = ("dedupe", "jellyfish", "pandas", "pyarrow", "great-expectations", "nicknames")

Progress = Callable[[Iterator[Path], int], Iterator[Path]]


@dataclass
class RunResult:
    tables: dict[str, pa.Table]
    manifest: dict[str, Any]
    stage_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def quarantined(self) -> int:
        return self.tables["quarantine"].num_rows


@contextmanager
def _timed(seconds: dict[str, float], stage: str) -> Iterator[None]:
    start = time.perf_counter()
    log.info("stage %s: started", stage)
    yield
    seconds[stage] = round(time.perf_counter() - start, 4)
    log.info("stage %s: done in %.2fs", stage, seconds[stage])


def _versions() -> dict[str, str]:
    versions = {"bylines": __version__, "python": platform.python_version()}
    for name in TRACKED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def build_tables(
    input_dir: Path, progress: Progress | None = None, max_page_bytes: int = MAX_PAGE_BYTES
) -> RunResult:
    """Run extract and normalize on `input_dir`; the tables a run would publish."""
    if not input_dir.is_dir():
        raise ConfigError(f"--input {input_dir}: no such folder")
    seconds: dict[str, float] = {}
    config = load_sources_config(input_dir)
    with _timed(seconds, "extract"):
        extracted: Extracted = extract_folder(input_dir, config, progress, max_page_bytes)
    with _timed(seconds, "normalize"):
        scraped = {s["source_id"]: s["scraped_at"] for s in extracted.sources}
        entries = normalize.normalize_entries(extracted.entries, scraped)
        mention_rows = normalize.mentions(entries)
    tables = {
        "sources": to_table("sources", extracted.sources),
        "entries": to_table("entries", entries),
        "quarantine": to_table("quarantine", extracted.quarantine),
        "mentions": to_table("mentions", mention_rows),
        "quality_issues": to_table("quality_issues", extracted.issues),
    }
    inputs = [
        {
            "path": s["path"],
            "sha256": s["sha256"],
            "size_bytes": s["size_bytes"],
            "format": s["format"],
        }
        for s in extracted.sources
    ]
    inputs_hash = hashlib.sha256(
        "".join(
            f"{i['path']}\0{i['sha256']}\n" for i in sorted(inputs, key=lambda i: i["path"])
        ).encode()
    ).hexdigest()
    manifest = {
        "inputs": inputs,
        "inputs_sha256": inputs_hash,
        "row_counts": {name: t.num_rows for name, t in tables.items()},
        "versions": _versions(),
    }
    return RunResult(tables, manifest, seconds)


def run(
    input_dir: Path,
    out_dir: Path,
    *,
    strict: bool = False,
    progress: Progress | None = None,
    argv: list[str] | None = None,
    max_page_bytes: int = MAX_PAGE_BYTES,
) -> RunResult:
    """Build every table from `input_dir` and publish to `out_dir`.

    Raises `PublishBlocked` (nothing published, previous output kept) when
    `strict` and any chunk was quarantined; `ConfigError` on bad arguments.
    """
    started = dt.datetime.now(dt.UTC)
    check_output_folder(out_dir.absolute())
    result = build_tables(input_dir, progress, max_page_bytes)
    if strict and result.quarantined:
        raise PublishBlocked(
            f"--strict: {result.quarantined} chunk(s) quarantined; nothing published "
            f"(previous output in {out_dir} kept)"
        )
    with _timed(result.stage_seconds, "publish"):
        result.manifest.update(
            {
                "run_id": f"{started:%Y%m%dT%H%M%SZ}-{result.manifest['inputs_sha256'][:8]}",
                "started_at": started.isoformat(timespec="seconds"),
                "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "input_dir": str(input_dir),
                "argv": argv if argv is not None else sys.argv[1:],
                "strict": strict,
                "stage_seconds": result.stage_seconds,
                "quarantined_chunks": result.quarantined,
            }
        )
        publish(result.tables, result.manifest, out_dir)
    log.info(
        "published %s: %s",
        out_dir,
        ", ".join(f"{k} {v}" for k, v in result.manifest["row_counts"].items()),
    )
    return result

"""Incremental extraction: a page whose bytes did not change is not parsed again.

Each file's extraction result is stored as JSON under a key made of the file's
path and SHA-256, what `sources.toml` says of it, the page-size limit, and the
code version (a hash of the extract stage's source), so a code or data-model
change retires every entry. Entries are checked on read (a checksum over the
payload); a corrupted one is discarded and the file parsed again. JSON, not
pickle: the cache holds data, never code.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import os
import sys
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.extract import FileResult
from pipeline.sources_config import SourceInfo

log = logging.getLogger(__name__)

MAX_AGE_DAYS = 30
"""Entries unused this long are removed: versions of pages that have since changed."""
FORMAT = "v2"
"""The entries' file layout: a checksum header line, then the JSON payload. Part of
each entry's name, so entries in an older layout are never read (`prune` retires them)."""
_CODE = [Path(__file__).parent / "extract", Path(__file__).parent / "sources_config.py"]


@lru_cache(maxsize=1)
def code_version() -> str:
    """Hash of the extract stage's source files and the package version."""
    digest = hashlib.sha256(__version__.encode())
    for root in _CODE:
        files = sorted(root.rglob("*.py")) if root.is_dir() else [root]
        for path in files:
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class ExtractCache:
    """File results by content and code version, in `folder`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.hits = 0
        self.misses = 0
        self._made: set[Path] = set()

    def key(self, rel: str, data_hash: str, info: SourceInfo | None, max_page_bytes: int) -> str:
        facts = json.dumps(
            [rel, data_hash, dataclasses.asdict(info) if info else None, max_page_bytes],
            default=str,
        )
        return hashlib.sha256(f"{code_version()}|{facts}".encode()).hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.{FORMAT}.json"

    def get(self, key: str) -> FileResult | None:
        path = self._path(key)
        if not path.exists():
            self.misses += 1
            return None
        try:
            header, _, payload = path.read_bytes().partition(b"\n")
            if hashlib.sha256(payload).hexdigest() != json.loads(header)["checksum"]:
                raise ValueError("checksum mismatch")
            result = FileResult(**json.loads(payload, object_pairs_hook=_decoded))
        except Exception as exc:  # a corrupted entry is discarded, never trusted
            log.warning("discarding corrupted extract cache entry %s: %s", path.name, exc)
            path.unlink(missing_ok=True)
            self.misses += 1
            return None
        self.hits += 1
        os.utime(path)  # last used now: `prune` keeps it
        return result

    def prune(self, max_age_days: float = MAX_AGE_DAYS) -> int:
        """Remove entries unused for `max_age_days` (old versions of changed pages)."""
        cutoff = time.time() - max_age_days * 86400
        removed = 0
        for path in self.folder.glob("*/*.json"):
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except OSError:
                continue
        return removed

    def put(self, key: str, result: FileResult) -> None:
        """Store `result`: a header line with the payload's checksum, then the payload.

        The fields are handed to `json` as they are (`dataclasses.asdict` would deep-copy
        every entry first: half the cost of a cold run's caching)."""
        path = self._path(key)
        if path.parent not in self._made:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(path.parent)
        fields = {f.name: getattr(result, f.name) for f in dataclasses.fields(result)}
        payload = json.dumps(fields, default=_encode, sort_keys=True).encode()
        header = json.dumps({"checksum": hashlib.sha256(payload).hexdigest()}).encode()
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(header + b"\n" + payload)
        os.replace(tmp, path)


def _encode(value: Any) -> Any:
    if isinstance(value, dt.date):
        return {"__date__": value.isoformat()}
    raise TypeError(f"cannot store {type(value).__name__} in the extract cache")


def _decoded(pairs: list[tuple[str, Any]]) -> Any:
    """A JSON object read back: a date, or a dict whose keys (and page id) are the
    ones every other entry holds. Each file's JSON makes its own copies of them: at
    100k cached entries 270 MB read back as they come, 245 MB shared; a nightly run
    reads every page from here."""
    value = {sys.intern(k): v for k, v in pairs}
    if len(value) == 1 and "__date__" in value:
        return dt.date.fromisoformat(value["__date__"])
    if isinstance(value.get("source_id"), str):
        value["source_id"] = sys.intern(value["source_id"])
    return value

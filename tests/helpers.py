"""Test helpers: where the sample pages and the hand-written fixtures live."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from pipeline.extract import FileResult, extract_file

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"


def extract(path: Path, rel: str | None = None) -> FileResult:
    """Extract one file as `bylines run` would, without a sources.toml."""
    return extract_file(path, rel or path.name, None)


def extract_page(folder: Path, text: str, fmt: str, name: str = "page.txt") -> FileResult:
    """Write `text` as a page named `name` in `folder`, extract it, and check it was
    read as `fmt`."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    result = extract(path)
    assert result.source["format"] == fmt
    return result


def sample(prefix: str) -> Path:
    """A sample page in data/raw by the start of its name."""
    (path,) = sorted(RAW.glob(f"{prefix}*.txt"))
    return path


class ReadingRow(dict):
    """A row that tells `note` the name of each field read (by `[]` or `get`): how
    tests see which fields a stage reads. Rows handed on between a run's phases are
    pickled, `note` with them (`note_to` a file, say)."""

    def __init__(self, row: dict[str, Any], note: Callable[[str], None]) -> None:
        super().__init__(row)
        self.note = note

    def __getitem__(self, key: str) -> Any:
        self.note(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self.note(key)
        return super().get(key, default)


def note_to(path: Path, line: str) -> None:
    """`line` added to the file `path`: a note any of a run's processes can make."""
    with path.open("a") as fh:
        fh.write(f"{line}\n")


def record_calls(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[Any]:
    """The first argument of every call to `owner.name` from now on (the function
    still runs): how tests see that work is done once."""
    calls: list[Any] = []
    real = getattr(owner, name)

    def recording(first: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(first)
        return real(first, *args, **kwargs)

    monkeypatch.setattr(owner, name, recording)
    return calls


def mapped_kb(folder: Path) -> int:
    """Resident kilobytes of the mappings of files in `folder` (/proc/self/smaps)."""
    total, inside = 0, False
    with open("/proc/self/smaps") as smaps:
        for line in smaps:
            if line[0] in "0123456789abcdef" and "-" in line.split()[0]:
                inside = str(folder) in line
            elif inside and line.startswith("Rss:"):
                total += int(line.split()[1])
    return total


def spilled(schema: pa.Schema, chunks: Iterable[pa.Table], folder: Path) -> pa.Table:
    """A table mapped from an unlinked file in `folder`, as a run hands tables on."""
    from pipeline.handoff import Handoff

    with Handoff(folder) as handoff:
        return handoff.table_from(schema, chunks)

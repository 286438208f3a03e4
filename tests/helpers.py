"""Test helpers: where the sample pages and the hand-written fixtures live."""

from __future__ import annotations

from pathlib import Path

from pipeline.extract import FileResult, extract_file

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"


def extract(path: Path, rel: str | None = None) -> FileResult:
    """Extract one file as `bylines run` would, without a sources.toml."""
    return extract_file(path, rel or path.name, None)


def sample(prefix: str) -> Path:
    """A sample page in data/raw by the start of its name."""
    (path,) = sorted(RAW.glob(f"{prefix}*.txt"))
    return path

"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import RAW


@pytest.fixture
def raw_copy(tmp_path: Path) -> Path:
    """A private copy of data/raw to run the pipeline on."""
    dest = tmp_path / "raw"
    dest.mkdir()
    for path in RAW.iterdir():
        (dest / path.name).write_bytes(path.read_bytes())
    return dest

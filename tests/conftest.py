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


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One model cache for the test session: models for the shipped labels train once."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def sample_run(model_cache: Path) -> dict[str, list[dict]]:
    """Every table of one run on data/raw with the shipped labels, as row lists."""
    from pipeline.api import Options, build_tables

    result = build_tables(RAW, options=Options(cache_dir=model_cache))
    tables = {name: table.to_pylist() for name, table in result.tables.items()}
    tables["_manifest"] = [result.manifest]
    return tables

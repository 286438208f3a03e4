"""sources.toml: authoritative per-file facts, and clear errors when it is wrong."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from pipeline.sources_config import load_sources_config


def test_absent_file_declares_nothing(tmp_path: Path):
    assert load_sources_config(tmp_path) == {}


def test_reads_every_field(tmp_path: Path):
    (tmp_path / "sources.toml").write_text(
        '["a/page.txt"]\nowner_name = "Jane Doe"\nsite = "s"\nurl = "https://x"\n'
        "scraped_at = 2024-05-01\n"
    )
    info = load_sources_config(tmp_path)["a/page.txt"]
    assert info.owner_name == "Jane Doe" and info.scraped_at == dt.date(2024, 5, 1)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('["p.txt"]\nowner = "X"\n', "unknown keys ['owner']"),
        ('["p.txt"]\nscraped_at = "yesterday"\n', "scraped_at must be a date"),
        ('["p.txt"\n', "not valid TOML"),
        ('"p.txt" = 3\n', "expected a table"),
    ],
)
def test_errors_name_the_file_and_the_entry(tmp_path: Path, body: str, message: str):
    (tmp_path / "sources.toml").write_text(body)
    with pytest.raises(ConfigError) as err:
        load_sources_config(tmp_path)
    assert message in str(err.value) and "sources.toml" in str(err.value)


def test_a_folders_own_file_declares_its_files(tmp_path: Path):
    """A site's pages in a folder of their own, with what is known of them beside."""
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sources.toml").write_text('["page.txt"]\nowner_name = "Jane Doe"\n')
    (tmp_path / "sources.toml").write_text('["top.txt"]\nowner_name = "Ada Park"\n')
    config = load_sources_config(tmp_path)
    assert config["site/page.txt"].owner_name == "Jane Doe"
    assert config["top.txt"].owner_name == "Ada Park"


def test_a_file_declared_twice_is_an_error_naming_both(tmp_path: Path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sources.toml").write_text('["page.txt"]\nowner_name = "Jane Doe"\n')
    (tmp_path / "sources.toml").write_text('["site/page.txt"]\nowner_name = "Ada Park"\n')
    with pytest.raises(ConfigError) as err:
        load_sources_config(tmp_path)
    assert "'site/page.txt'" in str(err.value) and str(tmp_path / "site" / "sources.toml") in str(
        err.value
    )

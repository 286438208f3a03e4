"""The extract cache: what goes in comes out the same, and a damaged entry is never used."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipeline.extract import FileResult
from pipeline.extract_cache import ExtractCache


def result() -> FileResult:
    return FileResult(
        source={"source_id": "s1", "path": "a.txt", "scraped_at": dt.date(2024, 5, 1)},
        entries=[
            {
                "entry_id": "e1",
                "title": 'A "quoted" title\nover two lines',
                "authors": ["Ada Lovelace", "Grace Hopper"],
                "date": dt.date(2023, 2, 3),
                "abstract": None,
                "extra": {"nested": [1, 2.5, True]},
            }
        ],
        quarantine=[{"line": 4, "reason": "no title"}],
        issues=[],
    )


def test_a_stored_result_comes_back_equal_with_its_dates(tmp_path: Path):
    cache = ExtractCache(tmp_path)
    cache.put("ab" + "0" * 62, result())
    again = ExtractCache(tmp_path).get("ab" + "0" * 62)
    assert again == result()
    assert isinstance(again.entries[0]["date"], dt.date)


def test_entries_read_back_share_their_field_names_and_page_id(tmp_path: Path):
    """A nightly run reads every page from the cache: a million entries each with
    their own copies of the same names cost it a quarter of a gigabyte."""
    cache = ExtractCache(tmp_path)
    one, two = result(), result()
    for r in (one, two):
        r.entries[0]["source_id"] = "s_" + "1" * 12
    two.entries.append({**two.entries[0], "entry_id": "e2"})
    cache.put("ab" + "0" * 62, one)
    cache.put("cd" + "0" * 62, two)
    first = cache.get("ab" + "0" * 62).entries[0]
    second, third = cache.get("cd" + "0" * 62).entries
    assert first == one.entries[0]
    assert all(a is b for a, b in zip(first, second, strict=True))
    assert first["source_id"] is second["source_id"] is third["source_id"]


@pytest.mark.parametrize("damage", ["flip a payload byte", "cut short", "no header"])
def test_a_damaged_entry_is_discarded_and_counted_as_a_miss(tmp_path: Path, damage: str, caplog):
    cache = ExtractCache(tmp_path)
    key = "cd" + "1" * 62
    cache.put(key, result())
    (path,) = tmp_path.rglob("*.json")
    data = path.read_bytes()
    if damage == "flip a payload byte":
        i = data.index(b"Ada")
        data = data[:i] + b"Eda" + data[i + 3 :]
    elif damage == "cut short":
        data = data[:-10]
    else:
        data = data.partition(b"\n")[2]
    path.write_bytes(data)
    assert cache.get(key) is None
    assert cache.misses == 1 and not path.exists()
    assert "discarding corrupted extract cache entry" in caplog.text


def test_an_unknown_key_is_a_miss(tmp_path: Path):
    cache = ExtractCache(tmp_path)
    assert cache.get("ef" + "2" * 62) is None
    assert (cache.hits, cache.misses) == (0, 1)

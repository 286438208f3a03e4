"""Exports written from generated papers read back as the papers they were written from."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bench import pages
from bench.extract_speed import make_papers
from pipeline.extract import extract_file

WRITERS = {
    "xml_records": lambda ps: pages.atom_feed(ps),
    "xml_records ": lambda ps: pages.dblp_person("Ada Lovelace", ps),
    "table_json": lambda ps: pages.csl_json(ps),
    "citation_list": lambda ps: pages.markdown_list("Ada Lovelace", ps),
}


@pytest.mark.parametrize("fmt", WRITERS, ids=str.strip)
def test_every_generated_paper_reads_back(tmp_path: Path, fmt: str):
    papers = make_papers(40, random.Random(3))
    path = tmp_path / "export"
    path.write_text(WRITERS[fmt](papers), encoding="utf-8")
    result = extract_file(path, "export", None)
    assert result.source["format"] == fmt.strip() and not result.quarantine
    assert [e["title"] for e in result.entries] == [p["title"] for p in papers]
    assert [e["authors"] for e in result.entries] == [p["authors"] for p in papers]
    assert [e["arxiv_id"] for e in result.entries] == [p["arxiv_id"] for p in papers]
    years = [str(p["date"].year) for p in papers]
    assert all(y in (e["published_raw"] or "") for y, e in zip(years, result.entries, strict=True))

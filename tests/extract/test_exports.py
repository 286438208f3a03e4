"""Exports written from generated papers read back as the papers they were written from."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bench import pages
from bench.extract_speed import make_papers
from pipeline.extract import extract_file

WRITERS = {
    "atom": ("xml_records", pages.atom_feed),
    "dblp": ("xml_records", lambda ps: pages.dblp_person("Ada Lovelace", ps)),
    "csl": ("table_json", pages.csl_json),
    "markdown": ("citation_list", lambda ps: pages.markdown_list("Ada Lovelace", ps)),
}
"""Each export: the format bylines should detect, and its writer."""


@pytest.mark.parametrize("export", WRITERS)
def test_every_generated_paper_reads_back(tmp_path: Path, export: str):
    fmt, write = WRITERS[export]
    papers = make_papers(40, random.Random(3))
    path = tmp_path / "export"
    path.write_text(write(papers), encoding="utf-8")
    result = extract_file(path, "export", None)
    assert result.source["format"] == fmt and not result.quarantine
    assert [e["title"] for e in result.entries] == [p["title"] for p in papers]
    assert [e["authors"] for e in result.entries] == [p["authors"] for p in papers]
    assert [e["arxiv_id"] for e in result.entries] == [p["arxiv_id"] for p in papers]
    years = [str(p["date"].year) for p in papers]
    assert all(y in (e["published_raw"] or "") for y, e in zip(years, result.entries, strict=True))

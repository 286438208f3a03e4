from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.extract import pipe_table
from tests.helpers import extract_page

README = """# Publications of Jonas Weber

## 2023

| Paper | Authors | Venue |
|:------|---------|------:|
| [Robust OPF](https://arxiv.org/abs/2301.01234) | **Jonas Weber**, Lina Park | *IEEE TPS* |
| Grid \\| market coupling | Lina Park, Jonas Weber<br>Omar Haddad | |

## Workshop papers

| Year | Title | Authors |
|------|-------|---------|
| 2021 | Battery scheduling with reinforcement learning | Jonas Weber, Mei Lin |
| 2020 | | Jonas Weber |

Last updated: March 2024
"""


def _read(tmp_path: Path, text: str):
    return extract_page(tmp_path, text, "pipe_table", "publications.md")


def test_rows_of_a_readme_table_are_entries(tmp_path: Path):
    result = _read(tmp_path, README)
    assert result.source["owner_name"] == "Jonas Weber"
    first, second, third = result.entries
    assert first["title"] == "Robust OPF"  # the link's text
    assert first["arxiv_id"] == "2301.01234"  # the link's address
    assert first["authors"] == ["Jonas Weber", "Lina Park"]  # emphasis is no part of a name
    assert first["venue"] == "IEEE TPS" and first["line_start"] == 7
    assert second["title"] == "Grid | market coupling"  # an escaped pipe is text
    assert second["authors"] == ["Lina Park", "Jonas Weber", "Omar Haddad"]
    assert second["venue"] is None
    assert (first["published_raw"], second["published_raw"]) == ("2023", "2023")  # heading
    assert (third["published_raw"], third["line_start"]) == ("2021", 14)  # its own column


def test_rows_and_text_that_are_no_entries_are_quarantined(tmp_path: Path):
    result = _read(tmp_path, README)
    empty, note = result.quarantine
    assert empty["line_start"] == 15 and "no title and no abstract" in empty["reason"]
    assert note["line_start"] == 17 and "outside the page's tables" in note["reason"]
    assert "## Workshop papers" in result.source["header_text"]


def test_a_year_heading_dates_only_the_rows_under_it():
    parsed = pipe_table.parse(README.replace("## Workshop papers", "## 2019"))
    dates = [c.entry.published_raw for c in parsed.chunks if c.entry is not None]
    assert dates == ["2023", "2023", "2021"]  # the second table has a year column
    parsed = pipe_table.parse(README.replace("| Year | Title", "| Note | Title"))
    dates = [c.entry.published_raw for c in parsed.chunks if c.entry is not None]
    assert dates == ["2023", "2023", None]


def test_a_table_that_names_no_bibliographic_column_is_no_publication_table():
    assert pipe_table.detect("| Name | Role |\n|---|---|\n| Jonas Weber | PI |\n") == 0.0
    assert pipe_table.detect("| Title | Authors |\n| A title | A. Smith |\n") == 0.0  # no rule


def test_a_list_with_a_small_table_beside_it_is_read_as_a_list():
    listed = "\n".join(f"- A. Smith, B. Jones. Paper {i}. NeurIPS 2020." for i in range(4))
    assert pipe_table.detect(f"| Title | Year |\n|---|---|\n| Paper | 2020 |\n\n{listed}\n") == 0.0


@pytest.mark.parametrize("outer", ["|", ""], ids=["piped", "bare"])
def test_a_table_on_the_first_line_is_markdown_not_a_csv(tmp_path: Path, outer: str):
    rows = ["Title | Authors | Year", "--- | --- | ---", "Sparse attention | Anna Chen | 2022"]
    text = "\n".join(f"{outer} {row} {outer}".strip() for row in rows) + "\n"
    (entry,) = _read(tmp_path, text).entries  # the rule line is no row
    assert (entry["title"], entry["authors"]) == ("Sparse attention", ["Anna Chen"])

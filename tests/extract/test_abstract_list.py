"""Shape 4: one "Abstract:" line per entry, LaTeX remnants cleaned."""

from __future__ import annotations

from tests.helpers import PAGES, extract, sample


def test_sample_abstract_list():
    result = extract(sample("003"))
    assert result.source["format"] == "abstract_list"
    assert len(result.entries) == 10 and not result.quarantine
    assert all(e["title"] is None and e["authors"] == [] for e in result.entries)
    assert all(not e["abstract"].startswith("Abstract") for e in result.entries)
    histone = next(e for e in result.entries if e["abstract"].startswith("Histone"))
    assert "\\footnote" not in histone["abstract"] and "\\parfillskip" not in histone["abstract"]
    assert "github.com/ssss1029/gene_expression_294" in histone["abstract"]


def test_written_abstract_list_latex_and_markup():
    result = extract(PAGES / "a1.txt")
    abstracts = [e["abstract"] for e in result.entries]
    assert abstracts == [
        "We prove that α-stable processes converge (https://example.org/proof).",
        "Neural nets generalize with O(n) samples, as 95% of runs show.",
        "A third abstract with an & entity and markup kept as text.",
    ]
    assert [e["line_start"] for e in result.entries] == [1, 2, 3]

"""BibTeX exports: one entry per block, LaTeX to text, broken blocks quarantined."""

from __future__ import annotations

from pathlib import Path

from pipeline.extract.bibtex import bibtex_names, published
from tests.helpers import extract

BIB = r"""% exported from a reference manager
@string{neurips = "Advances in Neural Information Processing Systems"}

@article{bai2022constitutional,
  title   = {Constitutional {AI}: Harmlessness from {AI} Feedback},
  author  = {Bai, Yuntao and Kadavath, Saurav and Lukoši{\={u}}t{\.{e}}, Kamil{\.{e}} and others},
  journal = {arXiv preprint arXiv:2212.08073},
  year    = {2022},
  month   = dec,
}

@inproceedings{scholkopf1998,
  title = "Nonlinear Component Analysis as a Kernel Eigenvalue Problem",
  author = "Sch{\"o}lkopf, Bernhard and Alexander J. Smola and M{\"u}ller, Klaus-Robert",
  booktitle = neurips,
  year = 1998,
  month = {7},
  abstract = {A new method for performing a nonlinear form of principal component analysis.}
}

@article{broken2020,
  title = {An entry whose brace never closes,
  author = {Nobody, Known},

@misc{eprint2021,
  title = {Tracking the Grid},
  author = {Tom Brown and Jonas H{\"o}rsch},
  eprint = {2105.01234v2},
  archivePrefix = {arXiv},
  primaryClass = {physics.soc-ph},
  year = {2021}
}

@misc{bai2022constitutional,
  title = {A second block with a key already used},
  year = {2022}
}
"""


def test_bibtex_export(tmp_path: Path):
    path = tmp_path / "export.txt"  # the name says nothing: content decides
    path.write_text(BIB, encoding="utf-8")
    result = extract(path)
    assert result.source["format"] == "bibtex"
    first, second, third = result.entries
    assert "exported from a reference manager" in result.source["header_text"]
    assert first["record_key"] == "export.txt:bai2022constitutional"
    assert first["title"] == "Constitutional AI: Harmlessness from AI Feedback"
    assert first["authors"] == ["Yuntao Bai", "Saurav Kadavath", "Kamilė Lukošiūtė"]
    assert first["authors_truncated"] is True
    assert first["arxiv_id"] == "2212.08073" and first["published_raw"] == "Dec 2022"
    assert (first["line_start"], first["line_end"]) == (4, 11)
    assert second["authors"] == ["Bernhard Schölkopf", "Alexander J. Smola", "Klaus-Robert Müller"]
    assert second["venue"] == "Advances in Neural Information Processing Systems"
    assert second["published_raw"] == "Jul 1998" and second["abstract"].startswith("A new method")
    assert third["arxiv_id"] == "2105.01234" and third["category"] == "physics.soc-ph"
    assert third["authors"] == ["Tom Brown", "Jonas Hörsch"]
    broken, duplicate = result.quarantine
    assert broken["line_start"] == 21 and "does not parse" in broken["reason"]
    assert "Nobody" in broken["raw_text"]
    assert "already used by the entry on line 4" in duplicate["reason"]
    positions = sorted(r["position"] for r in result.entries + result.quarantine)
    assert positions == list(range(5))


def test_bibtex_names_and_dates():
    assert bibtex_names("de la Cruz, Maria and van Dyk, Jr., Jan") == (
        ["Maria de la Cruz", "Jan van Dyk Jr."],
        False,
    )
    assert bibtex_names("Ada Lovelace and others") == (["Ada Lovelace"], True)
    assert bibtex_names("") == ([], False)
    assert published({"year": "2020", "month": "February"}) == "Feb 2020"
    assert published({"year": "2020", "month": "13"}) == "2020"
    assert published({}) is None


BIBLATEX = """@article{park2021,
  author = {Park, Ada and Okoye, Jon},
  title = {Learning to Grasp},
  journaltitle = {Journal of Robot Learning},
  date = {2021-03-15},
}
"""


def test_biblatex_date_and_journaltitle(tmp_path: Path):
    path = tmp_path / "refs.bib"
    path.write_text(BIBLATEX, encoding="utf-8")
    (entry,) = extract(path).entries
    assert (entry["published_raw"], entry["venue"]) == ("2021-03-15", "Journal of Robot Learning")
    assert published({"year": "2021", "date": "2020-01-01"}) == "2021"  # year first, as before


def test_string_macros_joined_with_hash_are_one_value(tmp_path: Path):
    """`ral # " (RA-L)"` is the venue BibTeX prints; a `#` in a title is kept."""
    page = tmp_path / "refs.bib"
    page.write_text(
        "@string{ral = {IEEE Robotics and Automation Letters}}\n\n"
        "@article{park2022,\n"
        "  author = {Park, Ada and Okoye, Jon},\n"
        "  title = {Programming grippers in C# and Rust},\n"
        '  journal = ral # " (RA-L)",\n'
        "  year = 2022,\n"
        "}\n"
    )
    (entry,) = extract(page).entries
    assert entry["venue"] == "IEEE Robotics and Automation Letters (RA-L)"
    assert entry["title"] == "Programming grippers in C# and Rust"

"""Structured bibliographic tables: CSV, TSV, Parquet and JSON exports as sources."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from pipeline.extract.structured import _yaml_document
from tests.helpers import extract, extract_page

ROWS = [
    {
        "id": "r1",
        "Title": "Sparse Mixtures of Experts at Scale",
        "Authors": "Maria de la Cruz; Jean-Luc Picard; Øyvind Hansen",
        "Year": 2021,
        "Venue": "NeurIPS",
        "Abstract": "We study sparse mixtures of experts at $10^{9}$ parameters.",
        "arXiv": "arXiv:2103.00001v3",
    },
    {
        "id": "r2",
        "Title": "Robust Control of Quadrotors",
        "Authors": "Kwame Mensah and Priya Raman",
        "Year": None,
        "Venue": "",
        "Abstract": "",
        "arXiv": "",
    },
    {
        "id": "r3",
        "Title": "",
        "Authors": "Nobody Known",
        "Year": 2020,
        "Venue": "",
        "Abstract": "",
        "arXiv": "",
    },
]


def _check(result, fmt: str) -> None:
    assert result.source["format"] == fmt
    first, second = result.entries
    assert first["record_key"].endswith(":r1")
    assert first["title"] == "Sparse Mixtures of Experts at Scale"
    assert first["authors"] == ["Maria de la Cruz", "Jean-Luc Picard", "Øyvind Hansen"]
    assert first["published_raw"] == "2021" and first["venue"] == "NeurIPS"
    assert first["arxiv_id"] == "2103.00001" and "$" not in first["abstract"]
    assert second["authors"] == ["Kwame Mensah", "Priya Raman"]
    assert second["abstract"] is None and second["published_raw"] is None
    (q,) = result.quarantine
    assert q["position"] == 2 and "neither a title nor an abstract" in q["reason"]
    assert "Nobody Known" in json.dumps(json.loads(q["raw_text"])["Authors"])


def test_csv_export(tmp_path: Path):
    path = tmp_path / "export.dat"  # the name says nothing: content decides
    header = list(ROWS[0])
    lines = [",".join(header)]
    for row in ROWS:
        cells = ["" if row[h] is None else str(row[h]) for h in header]
        lines.append(",".join(f'"{c}"' for c in cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _check(extract(path), "table_csv")


def test_a_row_with_more_cells_than_its_header_is_quarantined(tmp_path: Path):
    path = tmp_path / "papers.csv"
    path.write_text(
        "Title;Authors;Year;Journal\n"
        "Learning to Grasp;Park, Ada; Okoye, Jon;2021;Robot Learning\n"  # ";" unquoted
        'Dexterous Hands;"Park, Ada; Okoye, Jon";2022;ICRA;\n',  # an empty cell after: kept
        encoding="utf-8",
    )
    result = extract(path)
    (entry,) = result.entries
    assert entry["title"] == "Dexterous Hands" and entry["published_raw"] == "2022"
    (bad,) = result.quarantine
    assert bad["reason"].startswith("row 0: 5 cells under a header of 4, the last 1 beyond")
    assert "Robot Learning" in bad["raw_text"]  # nothing lost


def test_tsv_export(tmp_path: Path):
    path = tmp_path / "export.txt"
    header = list(ROWS[0])
    lines = ["\t".join(header)]
    lines += ["\t".join("" if r[h] is None else str(r[h]) for h in header) for r in ROWS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _check(extract(path), "table_csv")


def test_parquet_export_with_list_authors(tmp_path: Path):
    rows = [dict(r) for r in ROWS]
    rows[0]["Authors"] = ["Maria de la Cruz", "Jean-Luc Picard", "Øyvind Hansen"]
    rows[1]["Authors"] = ["Kwame Mensah", "Priya Raman"]
    rows[2]["Authors"] = ["Nobody Known"]
    path = tmp_path / "export.bin"
    pq.write_table(pa.Table.from_pylist(rows), path)
    _check(extract(path), "table_parquet")


def test_json_lines_export(tmp_path: Path):
    path = tmp_path / "export"
    path.write_text("\n".join(json.dumps(r) for r in ROWS) + "\n", encoding="utf-8")
    _check(extract(path), "table_json")


def test_broken_parquet_is_quarantined_with_its_error(tmp_path: Path):
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1" + b"\x00garbage" * 10 + b"PAR1")
    result = extract(path)
    (q,) = result.quarantine
    assert q["path"] == "broken.parquet" and "unreadable parquet table" in q["reason"]
    assert not result.entries


def test_duplicate_ids_are_quarantined_not_published_twice(tmp_path: Path):
    path = tmp_path / "dupes.csv"
    path.write_text("id,title\nx1,First Title\nx2,Second Title\nx1,Another Title\n")
    result = extract(path)
    assert [e["record_key"] for e in result.entries] == ["dupes.csv:x1", "dupes.csv:x2"]
    (q,) = result.quarantine
    assert q["reason"] == "row 2: id 'x1' already used by row 0" and q["position"] == 2


CSL = [
    {
        "type": "article",
        "title": "Sparse Mixtures of Experts at Scale",
        "author": [
            {"family": "de la Cruz", "given": "Maria"},
            {"literal": "Jean-Luc Picard"},
            {"name": "Hansen, Øyvind"},
        ],
        "issued": {"date-parts": [[2021, 3, 4]]},
        "container-title": "NeurIPS",
        "DOI": "10.48550/arXiv.2103.00001",
    },
    {
        "type": "article",
        "title": "Robust Control of Quadrotors",
        "author": [{"given": "Kwame", "family": "Mensah"}],
        "issued": {"date-parts": [[2020, 7]]},
    },
]


def test_csl_json_names_dates_and_arxiv_dois(tmp_path: Path):
    path = tmp_path / "library"
    path.write_text(json.dumps(CSL), encoding="utf-8")
    first, second = extract(path).entries
    assert first["authors"] == ["Maria de la Cruz", "Jean-Luc Picard", "Øyvind Hansen"]
    assert first["published_raw"] == "2021-03-04" and first["venue"] == "NeurIPS"
    assert first["arxiv_id"] == "2103.00001"
    assert second["authors"] == ["Kwame Mensah"] and second["published_raw"] == "Jul 2020"


def test_an_api_response_wrapping_its_records(tmp_path: Path):
    """Crossref's shape: records a few levels down, list-valued titles, and a date under
    whichever of several names each record has."""
    items = [
        {"title": ["First Paper"], "author": [{"given": "A", "family": "B"}], "issued": None,
         "published-print": {"date-parts": [[2019]]}},
        {"title": ["Second Paper"], "issued": {"date-parts": [[2018, 2, 3]]}},
    ]  # fmt: skip
    path = tmp_path / "works.json"
    path.write_text(json.dumps({"status": "ok", "message": {"total": 2, "items": items}}))
    first, second = extract(path).entries
    assert (first["title"], first["authors"], first["published_raw"]) == (
        "First Paper",
        ["A B"],
        "2019",
    )
    assert (second["title"], second["published_raw"]) == ("Second Paper", "2018-02-03")


def test_date_cells_in_the_shapes_exports_write_them():
    from pipeline.extract.structured import date_text

    assert date_text("2021-05-04T18:59:59Z") == "2021-05-04"
    assert date_text("2021-05-04 00:00:00") == "2021-05-04"
    assert date_text("2021/5/4") == "2021-05-04"
    assert date_text("2021-05") == "May 2021"
    assert date_text("2021-13") == "2021-13"  # no month 13: left for normalize to judge
    assert date_text(2021.0) == "2021" and date_text([2021, 5]) == "May 2021"
    assert date_text({"raw": "Dec 15, 2022"}) == "Dec 15, 2022"
    assert date_text(None) is None and date_text({"date-parts": [[]]}) is None
    no_month = {"year": {"value": "2020"}, "month": None, "day": {"value": "5"}}
    assert date_text(no_month) == "2020"  # a day without its month is no date
    assert date_text({"year": "2019", "month": "Sep", "day": "04"}) == "Sep 4, 2019"
    assert date_text({"year": "2019", "month": "13"}) == "2019"
    assert date_text("Mon, 04 Jan 2021 00:00:00 GMT") == "2021-01-04"


def test_scholarly_api_responses(tmp_path: Path):
    """Semantic Scholar's camelCase fields and id object; OpenAlex's authorships and
    inverted-index abstracts."""
    s2 = {
        "total": 1,
        "data": [
            {
                "paperId": "abc",
                "externalIds": {"DBLP": "x/y", "ArXiv": "2301.01234"},
                "title": "Sparse Experts",
                "publicationDate": "2023-01-03",
                "authors": [{"authorId": "1", "name": "John Smith"}],
            }
        ],
    }
    openalex = {
        "meta": {"count": 1},
        "results": [
            {
                "title": "Sparse Experts",
                "publication_date": "2023-01-03",
                "authorships": [{"author_position": "first", "author": {"display_name": "J. S"}}],
                "abstract_inverted_index": {"sparse": [2], "We": [0], "study": [1, 3]},
                "primary_location": {"is_oa": True, "source": {"display_name": "ICML"}},
            }
        ],
    }
    (tmp_path / "s2").write_text(json.dumps(s2))
    (tmp_path / "oa").write_text(json.dumps(openalex))
    (paper,) = extract(tmp_path / "s2").entries
    assert paper["published_raw"] == "2023-01-03" and paper["arxiv_id"] == "2301.01234"
    assert paper["authors"] == ["John Smith"]
    (paper,) = extract(tmp_path / "oa").entries
    assert paper["authors"] == ["J. S"] and paper["abstract"] == "We study sparse study"
    assert paper["venue"] == "ICML"  # its primary location's source


def test_excel_workbook_with_a_note_above_its_header(tmp_path: Path):
    import datetime as dt
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Exported from the lab's catalogue"])
    sheet.append(["Title", "Authors", "Publication Date", "arXiv"])
    authors = "Maria de la Cruz; Jean-Luc Picard"
    sheet.append(["Sparse Experts", authors, dt.datetime(2021, 3, 4), "2103.00001"])
    sheet.append([None, None, None, None])
    sheet.append(["Robust Control", "Kwame Mensah", 2020, None])
    sheet.append([None, "Nobody Known", 2019, None])
    path = tmp_path / "catalogue"  # no extension: the bytes say it is a workbook
    book.save(path)
    result = extract(path)
    assert result.source["format"] == "table_xlsx"
    first, second = result.entries
    assert first["authors"] == ["Maria de la Cruz", "Jean-Luc Picard"]
    assert (first["published_raw"], first["arxiv_id"]) == ("2021-03-04", "2103.00001")
    assert (second["title"], second["published_raw"]) == ("Robust Control", "2020")
    (q,) = result.quarantine
    assert "neither a title nor an abstract" in q["reason"] and "Nobody Known" in q["raw_text"]

    bare = tmp_path / "bare.xlsx"
    Workbook().save(bare)
    (q,) = extract(bare).quarantine
    assert "unreadable xlsx table" in q["reason"] and "no sheet has a header row" in q["reason"]
    other = tmp_path / "notes.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert extract(other).source["format"] != "table_xlsx"


WORKBOOKS = Path(__file__).resolve().parents[1] / "fixtures" / "workbooks"
"""An .xls written by xlwt (a note above the header, a blank row, date cells) and an
.ods by pandas with odfpy (numbers stored as floats): older Excel and LibreOffice."""


@pytest.mark.parametrize("name", ["papers.xls", "papers.ods"])
def test_older_excel_and_opendocument_workbooks(tmp_path: Path, name: str):
    path = tmp_path / "catalogue"  # no extension: the bytes say which workbook it is
    path.write_bytes((WORKBOOKS / name).read_bytes())
    result = extract(path)
    assert result.source["format"] == f"table_{name.rsplit('.', 1)[1]}"
    first, second = result.entries
    assert first["authors"] == ["Ada Park", "Jon Okoye", "Lina Moss"]
    assert (first["published_raw"], first["venue"]) == ("2023-03-14", "Transactions of the ACL")
    assert second["title"] == "Curriculum sampling for retrieval"
    assert '"Year": 2022,' in second["raw_text"]  # a whole number, not 2022.0
    assert not result.quarantine


def test_an_ole2_file_that_is_no_workbook_is_quarantined_with_its_reason(tmp_path: Path):
    path = tmp_path / "notes.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    (q,) = extract(path).quarantine
    assert q["reason"].startswith("unreadable xls table")


def test_orcid_works_and_objects_beside_the_records(tmp_path: Path):
    """ORCID's works: summaries inside groups, text wrapped in `{"value": ..}` objects,
    year/month/day objects, typed external ids. A response's `meta` object reads like
    a record but sits beside the lists: it is none."""
    summary = {
        "title": {"title": {"value": "Few-Shot Learners"}, "subtitle": None},
        "external-ids": {
            "external-id": [{"external-id-type": "arxiv", "external-id-value": "2005.14165"}]
        },
        "publication-date": {"year": {"value": "2020"}, "month": {"value": "05"}, "day": None},
        "journal-title": {"value": "arXiv"},
    }
    works = {
        "meta": {"title": "Works of Tom Brown"},
        "group": [{"external-ids": {"external-id": []}, "work-summary": [summary]}],
    }
    path = tmp_path / "works.json"
    path.write_text(json.dumps(works))
    (entry,) = extract(path).entries
    assert (entry["title"], entry["venue"]) == ("Few-Shot Learners", "arXiv")
    assert (entry["published_raw"], entry["arxiv_id"]) == ("May 2020", "2005.14165")


PUBLICATIONS_YML = """# _data/publications.yml
- title: "Constitutional AI: Harmlessness from AI Feedback"
  authors: "Yuntao Bai, Saurav Kadavath, Sandipan Kundu"
  year: 2022
  venue: arXiv
  arxiv: "2212.08073"
- title: Scaling Laws for Neural Language Models
  authors:
    - Jared Kaplan
    - Sam McCandlish
  date: 2020-01-23
  abstract: >
    We study empirical scaling laws for language model
    performance on the cross-entropy loss.
- note: a list item that is no paper
"""


def test_a_yaml_publications_list(tmp_path: Path):
    path = tmp_path / "publications.yml"
    path.write_text(PUBLICATIONS_YML, encoding="utf-8")
    result = extract(path)
    assert result.source["format"] == "table_yaml"
    first, second = result.entries
    assert first["authors"] == ["Yuntao Bai", "Saurav Kadavath", "Sandipan Kundu"]
    assert first["arxiv_id"] == "2212.08073" and first["published_raw"] == "2022"
    assert second["authors"] == ["Jared Kaplan", "Sam McCandlish"]
    assert second["published_raw"] == "2020-01-23"  # a YAML date, as ISO
    assert second["abstract"].endswith("on the cross-entropy loss.")
    (note,) = result.quarantine  # nothing lost: the list item that is no paper
    assert "no paper" in note["raw_text"] and "neither a title" in note["reason"]


def test_a_static_sites_page_of_one_paper(tmp_path: Path):
    """Front matter holds the paper's fields (a venue in Markdown italics); the text
    below is its abstract."""
    page = (
        '---\ntitle: "Weak lensing with learned priors"\nauthors:\n- Mei Lin\n- Sheer Okafor\n'
        'date: "2021-05-01"\npublication: "*The Astrophysical Journal*"\n---\n\n'
        "We infer mass maps with priors learned from simulations.\n"
    )
    result = extract_page(tmp_path, page, "table_yaml", "index.md")
    (entry,) = result.entries
    assert entry["authors"] == ["Mei Lin", "Sheer Okafor"]
    assert entry["venue"] == "The Astrophysical Journal"
    assert entry["abstract"] == "We infer mass maps with priors learned from simulations."


def test_front_matter_of_no_paper_leaves_the_list_below_it_a_page(tmp_path: Path):
    """A site's publications page has front matter too ("title: Publications"), but
    no authors: its papers are the list below it."""
    page = (
        "---\nlayout: page\ntitle: Publications\n---\n\n"
        "- **Dense retrieval at scale**. Mei Lin, Hiroshi Tanaka. *TACL*, 2022.\n"
        "- **Sparse attention for long documents**. Hiroshi Tanaka, Mei Lin. *EMNLP*, 2021.\n"
    )
    result = extract_page(tmp_path, page, "citation_list", "publications.md")
    assert [e["venue"] for e in result.entries] == ["TACL", "EMNLP"]
    assert "title: Publications" in result.source["header_text"]


def test_pandoc_references_between_front_matter_marks_are_a_table(tmp_path: Path):
    """A bibliography in pandoc's CSL YAML is one document between "---" and "...":
    front matter of no paper, read as the table it is, not left no known shape."""
    page = (
        "---\nreferences:\n"
        "- id: lin2022\n  type: article-journal\n  title: Dense retrieval at scale\n"
        "  author:\n  - family: Lin\n    given: Mei\n  - family: Tanaka\n    given: Hiroshi\n"
        "  container-title: TACL\n  issued:\n    date-parts:\n    - - 2022\n      - 5\n"
        "- id: tanaka2021\n  title: Sparse attention for long documents\n"
        "  author:\n  - family: Tanaka\n    given: Hiroshi\n"
        "  issued:\n    date-parts:\n    - - 2021\n...\n"
    )
    result = extract_page(tmp_path, page, "table_yaml", "references.yaml")
    assert [(e["title"], e["authors"], e["published_raw"]) for e in result.entries] == [
        ("Dense retrieval at scale", ["Mei Lin", "Hiroshi Tanaka"], "May 2022"),
        ("Sparse attention for long documents", ["Hiroshi Tanaka"], "2021"),
    ]


def test_a_citation_file_gives_its_preferred_citation_and_references(tmp_path: Path):
    path = tmp_path / "CITATION.cff"
    path.write_text(
        "cff-version: 1.2.0\n"
        'title: "some-software"\n'
        "authors:\n  - family-names: Doe\n    given-names: Jane Q.\n"
        "preferred-citation:\n  type: article\n"
        '  title: "Sparse Attention for Long Documents"\n'
        "  authors:\n    - family-names: Doe\n      given-names: Jane Q.\n"
        "    - family-names: Alvarez\n      given-names: Miguel\n"
        "  year: 2023\n"
        "references:\n  - title: Attention Is All You Need\n"
        "    authors:\n      - name: Ashish Vaswani\n",
        encoding="utf-8",
    )
    result = extract(path)
    assert result.source["format"] == "table_yaml"
    first, second = result.entries  # the software itself is no paper
    assert first["title"] == "Sparse Attention for Long Documents"
    assert first["authors"] == ["Jane Q. Doe", "Miguel Alvarez"]
    assert second["authors"] == ["Ashish Vaswani"]


def test_json_ld_scholarly_articles(tmp_path: Path):
    graph = [
        {
            "@type": "ScholarlyArticle",
            "name": "Constitutional AI: Harmlessness from AI Feedback",
            "author": [
                {"@type": "Person", "name": "Yuntao Bai"},
                {"@type": "Person", "givenName": "Saurav", "familyName": "Kadavath"},
            ],
            "datePublished": "2022-12-15",
            "sameAs": "https://arxiv.org/abs/2212.08073",
        },
        {
            "@type": "ScholarlyArticle",
            "headline": "Scaling Laws for Neural Language Models",
            "author": {"@type": "Person", "name": "Jared Kaplan"},
            "description": "We study empirical scaling laws.",
        },
        {"@type": "Person", "name": "Dario Amodei", "author": "nobody"},
    ]
    path = tmp_path / "works.jsonld"
    path.write_text(json.dumps({"@context": "https://schema.org", "@graph": graph}))
    result = extract(path)
    first, second = result.entries
    assert first["title"] == "Constitutional AI: Harmlessness from AI Feedback"
    assert first["authors"] == ["Yuntao Bai", "Saurav Kadavath"]
    assert first["arxiv_id"] == "2212.08073" and first["published_raw"] == "2022-12-15"
    assert second["authors"] == ["Jared Kaplan"]  # one author, an object
    assert second["abstract"] == "We study empirical scaling laws."
    (person,) = result.quarantine  # a person's name is no title
    assert "Dario Amodei" in person["raw_text"]


def test_text_with_a_colon_in_a_list_item_is_no_yaml(tmp_path: Path):
    path = tmp_path / "page.md"
    path.write_text(
        "- **Sparse Attention.** Jane Q. Doe, Miguel Alvarez. *ICLR*, 2023.\n"
        "- **Calibrated Retrieval.** Priya Raman, Jane Q. Doe. *TACL*, 2022.\n"
        "- Contact: jane@example.org\n",
        encoding="utf-8",
    )
    assert extract(path).source["format"] == "citation_list"


def test_yaml_with_aliases_is_never_expanded(tmp_path: Path):
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    lines += ["papers:", "  - title: A paper", "    authors: [*a9]"]
    data = ("\n".join(lines) + "\n").encode()
    with pytest.raises(yaml.YAMLError, match="line 1"):  # refused before it is walked
        _yaml_document(data)
    path = tmp_path / "laughs.yml"
    path.write_bytes(data)
    result = extract(path)  # read as text, which it is not either: nothing published
    assert result.source["format"] != "table_yaml" and not result.entries


def test_the_owner_a_table_names(tmp_path: Path):
    rows = [
        {"Profile Owner": "Anna Chen", "Title": f"Paper {i}", "Authors": "A. B"} for i in (1, 2)
    ]
    path = tmp_path / "export.csv"
    pq.write_table(pa.Table.from_pylist(rows), path)
    assert extract(path).source["owner_name"] == "Anna Chen"
    assert extract(path).source["owner_origin"] == "header"
    rows[1]["Profile Owner"] = "Tom Brown"  # a dump of several profiles names none
    pq.write_table(pa.Table.from_pylist(rows), path)
    assert extract(path).source["owner_name"] is None


@pytest.mark.parametrize(
    "beside, owner",
    [
        ({"profile": {"name": "Anna Chen", "paper_count": 2}}, "Anna Chen"),
        ({"authorId": "1", "name": "Tom Brown"}, "Tom Brown"),  # Semantic Scholar's author
        (
            {
                "person": {
                    "name": {
                        "given-names": {"value": "Josiah"},
                        "family-name": {"value": "Carberry"},
                    }
                }
            },
            "Josiah Carberry",  # ORCID's record
        ),
        ({"name": "Search results"}, None),  # no person's name
        ({"meta": {"name": "Anna Chen"}}, None),  # not under an owner key
    ],
)
def test_the_owner_a_json_document_names_beside_its_records(tmp_path: Path, beside, owner):
    papers = [{"title": "Paper one", "authors": ["Anna Chen"]}, {"title": "Paper two"}]
    path = tmp_path / "profile.json"
    path.write_text(json.dumps({**beside, "papers": papers}))
    result = extract(path)
    assert len(result.entries) == 2 and result.source["owner_name"] == owner


def test_a_table_with_column_names_in_another_language(tmp_path: Path):
    path = tmp_path / "publikationen.csv"
    path.write_text(
        "Titel;Autoren;Datum;Zeitschrift\n"
        "Robuste Regelung;Kwame Mensah, Priya Raman;15.12.2022;at - Automatisierungstechnik\n"
        "Verteilte Optimierung;Priya Raman;03.04.2021;Regelungstechnik\n",
        encoding="utf-8",
    )
    first, second = extract(path).entries
    assert (first["title"], first["authors"]) == (
        "Robuste Regelung",
        ["Kwame Mensah", "Priya Raman"],
    )
    assert (first["venue"], first["published_raw"]) == (
        "at - Automatisierungstechnik",
        "15.12.2022",
    )
    assert second["published_raw"] == "03.04.2021"


ZOTERO = (
    '"Key","Item Type","Publication Year","Author","Title","Publication Title","DOI",'
    '"Abstract Note","Date Added"\n'
    '"AB12","journalArticle","2022","Bai, Yuntao; Kadavath, Saurav; Chen, Anna",'
    '"Constitutional AI","arXiv","10.48550/arXiv.2212.08073","We train a harmless assistant.",'
    '"2023-01-05 10:00:00"\n'
)
SCOPUS = (
    "Authors,Author full names,Title,Year,Source title,Abstract\n"
    'Bai Y.; Chen A.,"Bai, Yuntao (57190000000); Chen, Anna (57200000001)",'
    "Constitutional AI,2022,arXiv,We train a harmless assistant.\n"
)
WOS = (
    "PT\tAU\tAF\tTI\tSO\tPY\tAB\tUT\n"
    "J\tBai, Y; Chen, A\tBai, Yuntao; Chen, Anna\tConstitutional AI\tARXIV\t2022\t"
    "We train a harmless assistant.\tWOS:000123\n"
)


@pytest.mark.parametrize("text", [ZOTERO, SCOPUS, WOS], ids=["zotero", "scopus", "wos"])
def test_reference_managers_and_indexes_exports(tmp_path: Path, text: str):
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    (entry,) = extract(path).entries
    assert entry["title"] == "Constitutional AI" and entry["published_raw"] == "2022"
    assert entry["authors"][0] == "Yuntao Bai"  # full names, turned round, ids dropped
    assert entry["abstract"] == "We train a harmless assistant."
    assert entry["venue"].lower() == "arxiv"


def test_names_written_surname_first_in_a_string_are_turned_round():
    from pipeline.extract.structured import split_authors

    assert split_authors("Bai, Yuntao and Kadavath, S.; et al.") == (
        ["Yuntao Bai", "S. Kadavath"],
        True,
    )
    assert split_authors("Bai, Yuntao; Saurav Kadavath") == (
        ["Bai, Yuntao", "Saurav Kadavath"],  # not every part: read as written
        False,
    )


def test_a_scholar_export_gives_the_arxiv_id_its_venue_names(tmp_path: Path):
    path = tmp_path / "citations.csv"
    path.write_text(
        "Authors,Title,Publication,Volume,Number,Pages,Year,Publisher\n"
        '"Y Bai, A Chen...",Constitutional AI,arXiv preprint arXiv:2212.08073,,,,2022,\n'
        '"SR Bowman, A Chen",Scalable oversight,NeurIPS 2022,,,,2022,\n',
        encoding="utf-8",
    )
    first, second = extract(path).entries
    assert (first["arxiv_id"], first["authors_truncated"]) == ("2212.08073", True)
    assert first["venue"] == "arXiv preprint"  # its id read, as a citation's is
    assert second["arxiv_id"] is None  # "2022" in a venue is no id
    assert second["venue"] == "NeurIPS"  # the year is the paper's date


def test_records_keyed_by_their_ids(tmp_path: Path):
    papers = {
        "p1": {"title": "Sparse Experts", "authors": ["Ada Park"], "year": 2021},
        "p2": {"title": "Dense Experts", "authors": ["Ada Park", "Jon Okoye"], "year": 2022},
    }
    path = tmp_path / "papers.json"
    path.write_text(json.dumps({"meta": {"title": "Works of a profile"}, "papers": papers}))
    result = extract(path)
    assert [(e["title"], e["published_raw"]) for e in result.entries] == [
        ("Sparse Experts", "2021"),
        ("Dense Experts", "2022"),
    ]


CITED = [
    "A. Park, J. Okoye. Learning to grasp with touch. CoRL 2021.",
    "A. Park, M. Lin. Transfer for dexterous hands. ICRA 2022.",
]


def test_citations_written_out_in_a_column_or_a_list(tmp_path: Path):
    """A table of citation strings, a JSON list of them, or one under a profile's key:
    each is read as a reference list reads a citation; a list of interests is none."""
    as_csv = "Citation,Year\n" + "".join(f'"{c}",{c[-5:-1]}\n' for c in CITED)
    documents = {
        "papers.csv": as_csv,
        "papers.json": json.dumps(CITED),
        "profile.json": json.dumps(
            {"name": "Ada Park", "papers": CITED, "tags": ["robots", "hands"]}
        ),
    }
    for name, text in documents.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        result = extract(path)
        read = [(e["title"], e["authors"], e["published_raw"], e["venue"]) for e in result.entries]
        assert read == [
            ("Learning to grasp with touch", ["A. Park", "J. Okoye"], "2021", "CoRL"),
            ("Transfer for dexterous hands", ["A. Park", "M. Lin"], "2022", "ICRA"),
        ], name
        assert not result.quarantine, name


def test_records_whose_fields_sit_in_an_object_of_their_own(tmp_path: Path):
    """DBLP's search API (`info`, names as `text`, namesake numbers, titles closed by a
    period) and OpenReview's (`content`, each field wrapped as `{"value": ...}`)."""
    dblp = {"result": {"hits": {"hit": [
        {"@id": "1", "info": {"title": "Learning to Grasp.", "year": "2021", "venue": "CoRL",
                              "authors": {"author": [{"@pid": "1", "text": "Ada Park"},
                                                     {"@pid": "2", "text": "Jon Okoye 0001"}]}}},
        {"@id": "2", "info": {"title": "Transfer for Hands.", "year": "2022", "venue": "ICRA",
                              "authors": {"author": {"@pid": "1", "text": "Ada Park"}}}},
    ]}}}  # fmt: skip
    openreview = {"notes": [
        {"id": "a", "content": {"title": {"value": "Learning to Grasp"},
                                "authors": {"value": ["Ada Park", "Jon Okoye"]},
                                "abstract": {"value": "We learn to grasp."}}},
        {"id": "b", "content": {"title": {"value": "Transfer for Hands"},
                                "authors": {"value": ["Ada Park"]}}},
    ]}  # fmt: skip
    (tmp_path / "dblp.json").write_text(json.dumps(dblp))
    (tmp_path / "openreview.json").write_text(json.dumps(openreview))
    first, second = extract(tmp_path / "dblp.json").entries
    assert (first["title"], first["authors"]) == ("Learning to Grasp", ["Ada Park", "Jon Okoye"])
    assert (second["authors"], second["venue"]) == (["Ada Park"], "ICRA")
    first, second = extract(tmp_path / "openreview.json").entries
    assert (first["authors"], first["abstract"]) == (
        ["Ada Park", "Jon Okoye"],
        "We learn to grasp.",
    )
    assert second["title"] == "Transfer for Hands"


def test_physics_indexes_api_answers(tmp_path: Path):
    """INSPIRE (`metadata` holding lists of objects: `titles`, `abstracts`,
    `arxiv_eprints`, `publication_info`) and NASA ADS (`pub`, `pubdate` with zeros
    for what it does not know, arXiv ids among `identifier`s, `bibcode`)."""
    inspire = {"hits": {"hits": [{"id": "1", "metadata": {
        "titles": [{"title": "Learning to Grasp"}],
        "authors": [{"full_name": "Park, Ada"}, {"full_name": "Okoye, Jon"}],
        "publication_info": [{"journal_title": "Phys. Rev. D", "year": 2021}],
        "arxiv_eprints": [{"value": "2101.00001"}],
        "abstracts": [{"value": "We grasp."}],
        "preprint_date": "2021-03-15",
    }}]}}  # fmt: skip
    ads = {"response": {"docs": [{
        "bibcode": "2021PhRvD.103a1234P", "title": ["Learning to Grasp"],
        "author": ["Park, Ada", "Okoye, Jon"], "pub": "Physical Review D",
        "pubdate": "2021-03-00", "identifier": ["arXiv:2101.00001"],
    }]}}  # fmt: skip
    (tmp_path / "inspire.json").write_text(json.dumps(inspire))
    (tmp_path / "ads.json").write_text(json.dumps(ads))
    (paper,) = extract(tmp_path / "inspire.json").entries
    assert (paper["title"], paper["venue"], paper["arxiv_id"]) == (
        "Learning to Grasp",
        "Phys. Rev. D",
        "2101.00001",
    )
    assert paper["authors"] == ["Ada Park", "Jon Okoye"] and paper["abstract"] == "We grasp."
    assert paper["published_raw"] == "2021-03-15"
    (paper,) = extract(tmp_path / "ads.json").entries
    assert (paper["venue"], paper["published_raw"], paper["arxiv_id"]) == (
        "Physical Review D",
        "Mar 2021",
        "2101.00001",
    )
    assert paper["record_key"] == "ads.json:2021PhRvD.103a1234P"


def test_a_profiles_person_beside_its_works_and_records_keyed_beside_their_ids(tmp_path):
    """A scholar search API names the profile's person as `author` beside its
    `articles`: no record of its own. PubMed's summaries are keyed by id beside the
    list of ids, their names written "Park A"."""
    serp = {"author": {"name": "Ada Park"}, "articles": [
        {"title": "Learning to Grasp", "authors": "A Park, J Okoye", "year": "2021"},
        {"title": "Transfer for Hands", "authors": "A Park", "year": "2022"},
    ]}  # fmt: skip
    names = [{"name": "Park A"}, {"name": "Okoye JR"}]
    esummary = {"result": {"uids": ["1", "2"],
        "1": {"uid": "1", "title": "Learning to Grasp.", "authors": names, "pubdate": "2021"},
        "2": {"uid": "2", "title": "Transfer for Hands.", "authors": names[:1], "pubdate": "2022"},
    }}  # fmt: skip
    (tmp_path / "serp.json").write_text(json.dumps(serp))
    (tmp_path / "esummary.json").write_text(json.dumps(esummary))
    result = extract(tmp_path / "serp.json")
    assert [e["title"] for e in result.entries] == ["Learning to Grasp", "Transfer for Hands"]
    assert result.source["owner_name"] == "Ada Park"
    first, second = extract(tmp_path / "esummary.json").entries
    assert (first["title"], first["authors"]) == ("Learning to Grasp", ["A. Park", "J. R. Okoye"])
    assert second["published_raw"] == "2022"


def test_a_venue_column_loses_the_date_volume_and_pages_written_in_it(tmp_path: Path):
    articles = [
        {"title": "Learning to grasp", "authors": "A Park, J Okoye", "year": "2021",
         "publication": "Conference on Robot Learning, 1012-1020, 2021"},
        {"title": "Sim-to-real transfer", "authors": "J Okoye, A Park", "year": "2022",
         "publication": "IEEE Robotics and Automation Letters 7 (2), 1012-1019, 2022"},
        {"title": "Planning in clutter", "authors": "A Park", "year": "2023",
         "publication": "IEEE Robotics Autom. Lett."},
    ]  # fmt: skip
    page = json.dumps({"author": {"name": "Ada Park"}, "articles": articles})
    result = extract_page(tmp_path, page, "table_json", name="scholar.json")
    assert [e["venue"] for e in result.entries] == [
        "Conference on Robot Learning",
        "IEEE Robotics and Automation Letters",
        "IEEE Robotics Autom. Lett.",  # a name as it stands, its period kept
    ]


YEARS_OF_CITATIONS = """\
name: Ada Park
publications:
  2024:
    - "Mei Lin, Ada Park. Contact-rich manipulation with diffusion policies. ICRA, 2024."
  2022:
    - "Jonas Okoye, Ada Park. Sim-to-real transfer for legged locomotion. RA-L, 2022."
    - "Ada Park, Rui Santos. Scaling laws for imitation learning. Robotics: Science and Systems."
"""


def test_a_yaml_mapping_of_citations_by_year_is_a_table_its_name_the_owner(tmp_path: Path):
    result = extract_page(tmp_path, YEARS_OF_CITATIONS, "table_yaml", name="papers.yml")
    assert result.source["owner_name"] == "Ada Park"
    assert [(e["title"].split()[0], e["published_raw"]) for e in result.entries] == [
        ("Contact-rich", "2024"),
        ("Sim-to-real", "2022"),
        ("Scaling", "2022"),  # no year of its own: its key's
    ]
    top = YEARS_OF_CITATIONS.replace("publications:\n", "").replace("\n  ", "\n")
    flat = extract_page(tmp_path, top, "table_yaml", name="flat.yml")  # years at the top
    assert [e["published_raw"] for e in flat.entries] == ["2024", "2022", "2022"]
    # one heading over one list parses as YAML too, and stays the page of text it is
    page = "Publications:\n" + "".join(
        line.replace("    -", "  -") for line in YEARS_OF_CITATIONS.splitlines(True) if "- " in line
    )
    assert extract_page(tmp_path, page, "citation_list", name="page.txt").entries


DIMENSIONS = """\
"About the data: Exported on Dec 4, 2026. Criteria: Researcher is Ada Park.","(c) 2026"
Rank,Publication ID,DOI,Title,Abstract,Source title,Publication Date,PubYear,Authors
1,pub.1,10.1/x,Learning to grasp transparent objects,We grasp.,Robotics Letters,2022-03-01,2022,"Park, Ada; Lin, Mei"
2,pub.2,,Sim-to-real transfer for legged locomotion,We transfer.,CoRL,2021-08-01,2021,"Okoye, Jonas; Park, Ada"
"""  # noqa: E501


def test_an_exports_preamble_above_its_header_is_passed_over(tmp_path: Path):
    """Dimensions writes a line about the data above the header; IEEE Xplore names the
    title column "Document Title"."""
    result = extract_page(tmp_path, DIMENSIONS, "table_csv", "dimensions.csv")
    first, second = result.entries
    assert (first["title"], first["authors"], first["venue"]) == (
        "Learning to grasp transparent objects",
        ["Ada Park", "Mei Lin"],
        "Robotics Letters",
    )
    assert second["published_raw"] == "2021-08-01"
    ieee = '"Document Title","Authors","Publication Title","Publication Year"\n'
    ieee += '"Learning to grasp","A. Park; M. Lin","Robotics Letters","2022"\n'
    (entry,) = extract_page(tmp_path, ieee, "table_csv", "ieee.csv").entries
    assert (entry["title"], entry["authors"]) == ("Learning to grasp", ["A. Park", "M. Lin"])
    lens = "Lens ID,Title,Publication Year,Author/s\n1,Learning to grasp,2022,Ada Park; Mei Lin\n"
    (entry,) = extract_page(tmp_path, lens, "table_csv", "lens.csv").entries
    assert entry["authors"] == ["Ada Park", "Mei Lin"]  # Lens.org's "Author/s"


def test_text_whose_second_line_reads_like_a_header_stays_text(tmp_path: Path):
    """A line of prose above a header-like line is no preamble: it has as many cells."""
    text = "Ada Park, Mei Lin, Jonas Okoye and others wrote these, in order, from 2019 on\n"
    text += "Title, Authors, Year\nLearning to grasp, A. Park, 2021\nSim-to-real, A. Park, 2022\n"
    path = tmp_path / "notes.txt"
    path.write_text(text, encoding="utf-8")
    assert extract(path).source["format"] != "table_csv"
    # a list's first item is no header: a blank line is no preamble, "- Title" no column
    for text in (
        "Publications\n\n- Title, Authors, Year\n- Learning to grasp, A. Park, 2021\n",
        "Notes\n- Title, Venue, Year\n- Learning to grasp, CoRL, 2021\n- Sim, ICRA, 2022\n",
    ):
        path.write_text(text, encoding="utf-8")
        assert extract(path).source["format"] != "table_csv", text

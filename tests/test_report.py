"""The curators' report, read in a real browser (headless Chromium from Debian)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from pipeline import api
from tests.helpers import RAW

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SECTIONS = ["summary", "flags", "persons", "papers", "quarantine", "validation", "pages"]

HOSTILE_PAGE = """\
Eve <img src=x onerror=alert(1)> Hacker

CL
2papers

2 Papers

CLMar 3, 2021
<script>alert('title')</script> Attacks on Reports

Eve Hacker, Mallory Doe et al. · <b onmouseover=alert(2)>evil labs</b>

Abstract with <iframe src="http://198.51.100.7/x"></iframe>, <style>p{}</style> inside.

CLApr 4, 2022
Second Paper About "Quotes" & <Angles>

Eve Hacker, Trudy Smith

An abstract with a javascript:alert(3) link and an <a href="http://198.51.100.7/">anchor</a>.
"""


def open_report(path: Path, screenshot: Path):
    """Load a report from disk; return (page text, console errors, requests, dialogs, counts)."""
    assert CHROMIUM, "chromium is installed by `make test` (Debian package)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 1600})
        errors, requests, dialogs = [], [], []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(path.resolve().as_uri())
        page.wait_for_load_state("load")
        counts = {
            "script": page.locator("script").count(),
            "iframe": page.locator("iframe").count(),
            "img": page.locator("img").count(),
            "sections": {s: page.locator(f"section#{s}").count() for s in SECTIONS},
            "flags": page.locator("section#flags .card").count(),
            "svg": page.locator("svg").count(),
        }
        text = page.inner_text("body")
        page.screenshot(path=str(screenshot), full_page=True)
        browser.close()
    return text, errors, requests, dialogs, counts


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory, model_cache):
    out = tmp_path_factory.mktemp("run") / "out"
    api.run(RAW, out, options=api.Options(cache_dir=model_cache), argv=[])
    return out


def test_sample_report_in_chromium(sample_report: Path, tmp_path: Path):
    shot = tmp_path / "report.png"
    text, errors, requests, dialogs, counts = open_report(
        sample_report / "report" / "index.html", shot
    )
    assert errors == [] and dialogs == []
    assert requests == [(sample_report / "report" / "index.html").resolve().as_uri()]
    assert all(n == 1 for n in counts["sections"].values()), counts["sections"]
    assert counts["script"] == 0 and counts["svg"] >= 4
    assert counts["flags"] >= 4
    assert "Managing the Mismatch" in text and "likely misattributed" in text
    assert "Zac Hatfield Dodds · Zac Hatfield-Dodds" in text  # a merge, every spelling
    assert "Validation passed" in text and "expect_column_values_to_be_unique" in text
    assert "first published run" in text
    assert shot.stat().st_size > 50_000
    assert (sample_report / "docs" / "index.html").exists()


def test_second_run_reports_what_changed(tmp_path: Path, model_cache: Path):
    folder = tmp_path / "in"
    shutil.copytree(RAW, folder)
    out = tmp_path / "out"
    options = api.Options(cache_dir=model_cache)
    api.run(folder, out, options=options, argv=[])
    (folder / "more.txt").write_text(
        "Abstract:We measure the thermal conductivity of frozen lake ice over many winters.\n"
    )
    api.run(folder, out, options=options, argv=[])
    html = (out / "report" / "index.html").read_text()
    assert "1 new paper(s)" in html and "0 paper(s) gone" in html


def test_hostile_page_renders_as_text(tmp_path: Path, model_cache: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "evil<script>.txt").write_text(HOSTILE_PAGE, encoding="utf-8")
    (folder / "sources.toml").write_text('["evil<script>.txt"]\nowner_name = "Eve Hacker"\n')
    out = tmp_path / "out"
    api.run(folder, out, options=api.Options(cache_dir=model_cache), argv=[])
    text, errors, requests, dialogs, counts = open_report(
        out / "report" / "index.html", tmp_path / "hostile.png"
    )
    assert dialogs == [] and errors == []
    assert len(requests) == 1  # the report itself: nothing from the page's markup loads
    assert counts["script"] == 0 and counts["iframe"] == 0 and counts["img"] == 0
    assert "<script>alert('title')</script> Attacks on Reports" in text
    assert "evil<script>.txt" in text
    assert 'Second Paper About "Quotes" & <Angles>' in text
    html = (out / "report" / "index.html").read_text()
    for tag in ("<script", "<iframe", "<img", "<b onmouseover"):
        assert tag not in html


def test_coauthor_chart_sets_a_flag_against_the_owners_papers_on_the_page(sample_run):
    """The chart compares what attribution compared: the flagged paper's coauthors
    against those of the page's papers judged the owner's, the owner's name on neither."""
    from pipeline.report import flagged

    paths = {s["source_id"]: s["path"] for s in sample_run["sources"]}
    flags = [
        f
        for f in flagged(sample_run, paths)
        if f["attribution"]["status"] == "likely_misattributed"
        and f["paper"]["title"] == "Dual theory of transmission line outages"
    ]
    assert len(flags) == 1
    chart = str(flags[0]["chart"])
    assert "Ronellenfitsch" in chart  # the paper's side
    assert "Amanda Askell" in chart  # the owner's side: the language-model papers' coauthors
    assert chart.count("Tom Brown") == 1  # only as the owner at the centre


def test_pages_are_listed_most_in_need_of_a_curator_first_and_capped():
    from pipeline.report import pages_first

    sources = [
        {"source_id": s, "path": f"{s}.txt", "quarantined_count": q}
        for s, q in (("a", 0), ("b", 0), ("c", 2), ("d", 0), ("e", None))
    ]
    attributions = [
        {"source_id": "d", "status": "likely_misattributed"},
        {"source_id": "b", "status": "needs_review"},
        {"source_id": "b", "status": "needs_review"},
        {"source_id": "a", "status": "consistent"},
    ]
    tables = {"sources": sources, "attributions": attributions}
    assert [s["source_id"] for s in pages_first(tables, None)] == ["c", "d", "b", "a", "e"]
    assert [s["source_id"] for s in pages_first(tables, 2)] == ["c", "d"]


def test_a_report_of_more_pages_than_it_lists_says_how_many_it_left_out(tmp_path, monkeypatch):
    from pipeline import report

    folder = tmp_path / "raw"
    shutil.copytree(RAW, folder)
    result = api.build_tables(folder, options=api.Options(cache_dir=tmp_path / "cache"))
    context = report.build_context(result.tables, result.manifest, None, None, None)
    pages = result.tables["sources"].num_rows
    assert len(context["sources"]) == pages and context["sources_left_out"] == 0
    monkeypatch.setattr(report, "MAX_ROWS", 2)
    context = report.build_context(result.tables, result.manifest, None, None, None)
    assert len(context["sources"]) == 2 and context["sources_left_out"] == pages - 2
    assert set(context["entries_by_source"]) <= {s["source_id"] for s in context["sources"]}
    html = report.render(context)
    assert f"{pages - 2} more files not listed" in html
    assert f"{pages} file(s)" in html


RENDER = """
import json, sys
from pathlib import Path
import pyarrow.parquet as pq
from pipeline import report
out = Path(sys.argv[1])
tables = {p.stem: pq.read_table(p) for p in sorted(out.glob("*.parquet"))}
manifest = json.loads((out / "run.json").read_text())
sys.stdout.write(report.render(report.build_context(tables, manifest, None, None, None)))
"""


def test_the_same_tables_give_the_same_report_whatever_the_hash_seed(sample_report: Path):
    """Sets iterate in an order that changes with each process's hash seed; nothing the
    report shows may follow it (the coauthor chart's ties did)."""
    import subprocess
    import sys

    def render(seed: str) -> str:
        env = {"PATH": "/usr/bin:/bin", "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", RENDER, str(sample_report)],
            capture_output=True, text=True, env=env, check=True, cwd=Path(__file__).parents[1],
        )  # fmt: skip
        return done.stdout

    first = render("1")
    assert "<svg" in first
    assert all(render(seed) == first for seed in ("2", "3", "4"))


def test_duplicate_papers_are_ranked_by_how_many_fields_their_entries_disagree_on():
    import pyarrow as pa

    from pipeline.report import cluster_ranking, duplicate_clusters

    entries = pa.table(
        {
            "entry_id": ["e1", "e2", "e3", "e4", "e5", "e6", "e7"],
            "source_id": ["s1", "s2", "s1", "s2", "s3", "s1", "s2"],
            "position": [0, 0, 1, 1, 0, 2, 2],
            "record_key": ["k1", "k2", "k3", "k4", "k5", "k6", "k7"],
            "title": ["A", "A", "B", "B", "B", "C", ""],
            "abstract": pa.array([None] * 7, pa.string()),
            "authors": [["x", "y"], ["x", "y"], ["x"], ["x", "z"], None, ["q"], ["q"]],
            "authors_truncated": [False, False, False, True, None, False, False],
            "published_raw": ["2020", "2021", "2020", "2020", None, "2019", None],
            "arxiv_id": [None, None, "2001.1", "2001.1", "2001.2", None, None],
        }
    )
    paper_entries = pa.table(
        {
            "paper_id": ["pA", "pA", "pB", "pB", "pB", "pC", "pC"],
            "entry_id": ["e1", "e2", "e3", "e4", "e5", "e6", "e7"],
        }
    )
    papers = pa.table(
        {
            "paper_id": ["pC", "pA", "pB", "pD"],
            "title": ["C", "A", "B", "D"],
            "author_names": [["q"], ["x", "y"], ["x"], ["w"]],
            "authors_complete": [True, True, True, True],
        }
    )
    ranked = cluster_ranking(entries, paper_entries, papers)
    # pB: arXiv id and byline ("1", "2 et al.") differ; pA: the date; pC: nothing (blank
    # title and missing date are no disagreement) and pD has a single entry
    assert ranked["paper_id"].to_pylist() == ["pB", "pA", "pC"]
    assert ranked["disagree"].to_pylist() == [2, 1, 0]
    tables = {"entries": entries, "paper_entries": paper_entries, "papers": papers}
    clusters = duplicate_clusters(tables, {"s1": "one.txt"}, limit=2)
    assert [c["paper"]["paper_id"] for c in clusters] == ["pB", "pA"]
    assert clusters[0]["disagree"] == ["arXiv id", "byline"]
    assert [e["entry_id"] for e in clusters[0]["entries"]] == ["e3", "e4", "e5"]
    assert clusters[0]["entries"][0]["page"] == "one.txt"


def test_flags_drawn_from_their_own_pages_are_those_drawn_from_every_table(sample_run):
    """`flag_scope` hands `flagged` only the pages of the flags shown; each flag, its
    paper and its coauthor chart must come out as from the whole run."""
    import pyarrow as pa

    from pipeline.report import FLAGGED, flag_scope, flagged
    from pipeline.schema import PUBLISHED

    tables = {n: pa.Table.from_pylist(sample_run[n], schema=PUBLISHED[n]) for n in PUBLISHED}
    paths = {s["source_id"]: s["path"] for s in sample_run["sources"]}
    flags = [a for a in sample_run["attributions"] if a["status"] in FLAGGED]
    assert len({a["source_id"] for a in flags}) > 1  # so a small limit leaves pages out

    def shown(found):
        return [(f["attribution"]["entry_id"], f["paper"]["paper_id"], f["chart"]) for f in found]

    for limit in (1, 2, 5, None):
        scoped = flag_scope(tables, flags, sample_run["profiles"], limit)
        everything = flagged(sample_run, paths, limit)
        assert shown(flagged(scoped, paths, limit)) == shown(everything)
        pages = {a["source_id"] for a in scoped["attributions"]}
        assert limit != 1 or len(pages) < len({a["source_id"] for a in sample_run["attributions"]})


def test_changes_since_the_previous_run_are_counted_from_the_tables():
    import pyarrow as pa

    from pipeline.report import changes

    def run(papers, links, flags):
        return {
            "papers": pa.table({"paper_id": list(papers), "title": list(papers.values())}),
            "paper_entries": pa.table({"entry_id": list(links), "paper_id": list(links.values())}),
            "attributions": pa.table(
                {
                    "entry_id": list(links),
                    "status": [
                        "likely_misattributed" if e in flags else "consistent" for e in links
                    ],
                }
            ),
        }

    before = run(
        {"p1": "One", "p2": "Two", "p3": "Three", "p4": "Four", "p9": ""},
        {"e1": "p1", "e2": "p2", "e3": "p3", "e4": "p3", "e5": "p4", "e9": "p9"},
        {"e1", "e2"},
    )
    now = run(
        # p1 and p2 merged into p1; p3 split into p3 and p5; p4 and p9 gone; p6 new
        {"p1": "One", "p3": "Three", "p5": "Three b", "p6": None, "p7": "Seven"},
        {"e1": "p1", "e2": "p1", "e3": "p3", "e4": "p5", "e6": "p6", "e7": "p7"},
        {"e2", "e7"},
    )
    assert changes(now, None) == {"first_run": True}
    assert changes(now, before) == {
        "first_run": False,
        "new_papers": ["(abstract only)", "Seven", "Three b"],
        "removed_papers": ["(abstract only)", "Four", "Two"],
        "merges": ["One"],
        "splits": ["Three"],
        "new_flags": 1,
        "cleared_flags": 1,
    }
    assert changes(now, {})["merges"] == []  # a previous run without tables


def test_attribution_scores_are_charted_by_status_in_order_of_appearance():
    import pyarrow as pa

    from pipeline.report import scores_by_status

    attributions = pa.table(
        {
            "status": ["needs_review", "consistent", "needs_review", "consistent", "unknown"],
            "score": [0.4, 0.9, None, 0.8, None],
        }
    )
    assert scores_by_status(attributions) == {"needs_review": [0.4], "consistent": [0.9, 0.8]}


def test_rows_of_a_spilled_table_read_only_the_columns_the_report_shows(tmp_path):
    import pyarrow as pa
    import pyarrow.compute as pc

    from pipeline import report
    from tests.helpers import mapped_kb, spilled

    n = 20_000
    entries = pa.table(
        {
            "entry_id": [f"e_{i:05d}" for i in range(n)],
            "raw_text": [f"{'t' * 1000}{i}" for i in range(n)],  # not a column it shows
        }
    )
    assert "raw_text" not in report.COLUMNS["entries"]
    folder = tmp_path / "spill"
    tables = {"entries": spilled(entries.schema, entries.to_batches(), folder)}
    shown = [f"e_{i:05d}" for i in range(0, n, 5)]  # rows spread over the whole file
    wanted = pc.is_in(tables["entries"]["entry_id"], pa.array(shown))
    rows = report._rows(tables, "entries", wanted)
    assert rows == [{"entry_id": e} for e in shown]
    assert mapped_kb(folder) < 2_000  # the ids, not the 20 MB of text


def test_codes_count_as_many_distinct_values_as_the_text_across_chunks():
    import pyarrow as pa

    from pipeline.report import _codes

    text = pa.chunked_array([["a", "b", None, "a"], ["c", "b", None], ["a"]])
    codes = _codes(text)
    assert codes.type == pa.int32()
    assert codes.null_count == text.null_count
    pairs = set(zip(text.to_pylist(), codes.to_pylist(), strict=True))
    assert len({t for t, _ in pairs}) == len(pairs) == len({c for _, c in pairs})


def test_scores_by_status_read_two_columns_of_a_spilled_table(tmp_path):
    import pyarrow as pa

    from pipeline import report
    from tests.helpers import mapped_kb, spilled

    n = 20_000
    attributions = pa.table(
        {
            "status": ["consistent", "needs_review"] * (n // 2),
            "score": [i / n if i % 3 else None for i in range(n)],
            "reasons": [[f"{'r' * 1000}{i}"] for i in range(n)],
        }
    )
    folder = tmp_path / "spill"
    spill = spilled(attributions.schema, attributions.to_batches(), folder)
    scores = report.scores_by_status(spill)
    assert scores["consistent"] == [i / n for i in range(0, n, 2) if i % 3]
    assert len(scores["needs_review"]) == len([i for i in range(1, n, 2) if i % 3])
    assert mapped_kb(folder) < 2_000  # the scores and statuses, not the 20 MB of reasons

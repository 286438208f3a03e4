"""Stage 9, report: the curators' page, `report/index.html`.

One self-contained HTML file: inline CSS and SVG, no script, no network
request. Every value is escaped by Jinja2's autoescaping, since scraped text
is untrusted (a title carrying `<script>` shows as text). `build_context` is a
pure function of the tables; `render` turns it into HTML.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import jellyfish
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from pipeline import charts
from pipeline.attribute import (
    bylines,
    names_on,
    owner_matcher,
    owner_spellings,
    page_coauthors,
)
from pipeline.normalize import fold
from pipeline.validate import Validation

TEMPLATES = Path(__file__).resolve().parent / "templates"
MAX_ROWS = 200
"""Rows a section lists before it says how many it left out."""

Rows = list[dict[str, Any]]

CHANGES_READ: dict[str, tuple[str, ...]] = {
    "papers": ("paper_id", "title"),
    "paper_entries": ("entry_id", "paper_id"),
    "attributions": ("entry_id", "status"),
}
"""What `changes` reads of the previous published run."""


COLUMNS = {
    "entries": (
        "entry_id", "source_id", "position", "record_key", "title", "abstract", "authors",
        "authors_truncated", "published_raw", "arxiv_id",
    ),
    "papers": ("paper_id", "title", "author_names", "authors_complete"),
    "paper_entries": ("paper_id", "entry_id", "confidence"),
    "authorships": ("paper_id", "person_id", "name_as_written"),
}  # fmt: skip
"""What the report reads of the big tables: page text, matching keys and abstracts
stay out of memory (at a million entries every column as Python objects took
gigabytes). An entry's abstract is read as its first `SHOWN_ABSTRACT` characters."""
SHOWN_ABSTRACT = 120
UNUSED = frozenset({"mentions"})
FLAGGED = ("likely_misattributed", "needs_review")
"""Attribution statuses the report's flags section lists."""


def _rows(
    tables: dict[str, pa.Table],
    name: str,
    where: pa.ChunkedArray | None = None,
    limit: int | None = None,
) -> Rows:
    """Table `name` as rows (those `where` is true, the first `limit`), the columns the
    report reads. The columns are chosen before the rows: filtering the entries
    whole read every page of their text (1.3 GB at a million) to keep a few hundred."""
    if name not in tables or name in UNUSED:
        return []
    table = tables[name]
    if name in COLUMNS:
        table = table.select([c for c in COLUMNS[name] if c in table.column_names])
    if where is not None:
        table = table.filter(where)
    if limit is not None:
        table = table.slice(0, limit)
    if "abstract" in table.column_names:
        short = pc.utf8_slice_codeunits(table["abstract"], 0, SHOWN_ABSTRACT)
        table = table.set_column(table.column_names.index("abstract"), "abstract", short)
    return table.to_pylist()


def _in(table: pa.Table, column: str, values: Iterable[str]) -> pa.ChunkedArray:
    """Where `table[column]` is one of `values`."""
    return pc.is_in(
        table[column], pa.array(sorted({v for v in values if v is not None}), pa.string())
    )


def _empty(tables: dict[str, pa.Table] | None, name: str, columns: tuple[str, ...]) -> pa.Table:
    """Table `name`, or an empty one with string `columns` when the run lacks it."""
    if tables and name in tables:
        return tables[name]
    return pa.table({c: pa.array([], pa.string()) for c in columns})


def pages_first(tables: dict[str, Rows], limit: int | None = MAX_ROWS) -> Rows:
    """The pages the report lists, those most in need of a curator first: most
    quarantined chunks, then most flags, then most entries to review; at most `limit`
    (a catalogue of 90k pages is in `sources.parquet`, not in one HTML page)."""
    flags: Counter[str] = Counter()
    reviews: Counter[str] = Counter()
    for a in tables["attributions"]:
        if a["status"] == "likely_misattributed":
            flags[a["source_id"]] += 1
        elif a["status"] == "needs_review":
            reviews[a["source_id"]] += 1
    ranked = sorted(
        tables["sources"],
        key=lambda s: (
            -(s["quarantined_count"] or 0),
            -flags[s["source_id"]],
            -reviews[s["source_id"]],
            s["path"],
        ),
    )
    return ranked[:limit]


def changes(
    current: dict[str, pa.Table], previous: Mapping[str, pa.Table] | None
) -> dict[str, Any]:
    """What changed since the previous published run: papers, merges, splits, flags.

    Counted in Arrow: a nightly run at a million entries compares two runs' papers,
    entries and attributions, millions of rows either side."""
    if previous is None:
        return {"first_run": True}
    papers, old_papers = (_read_for_changes(t, "papers") for t in (current, previous))
    titles = _titles(papers)
    old_titles = _titles(old_papers)
    new = papers.filter(pc.invert(pc.is_in(papers["paper_id"], old_papers["paper_id"])))
    gone = old_papers.filter(pc.invert(pc.is_in(old_papers["paper_id"], papers["paper_id"])))
    now, before = (_read_for_changes(t, "paper_entries") for t in (current, previous))
    both = now.join(before.rename_columns(["entry_id", "old_id"]), "entry_id", join_type="inner")
    merged = both.group_by("paper_id").aggregate([("old_id", "count_distinct")])
    split = both.group_by("old_id").aggregate([("paper_id", "count_distinct")])
    merged_into = merged.filter(pc.greater(merged["old_id_count_distinct"], 1))["paper_id"]
    split_from = split.filter(pc.greater(split["paper_id_count_distinct"], 1))["old_id"]
    flags, old_flags = (_flagged_entries(t) for t in (current, previous))
    return {
        "first_run": False,
        "new_papers": sorted(titles[p] for p in new["paper_id"].to_pylist()),
        "removed_papers": sorted(old_titles[p] for p in gone["paper_id"].to_pylist()),
        "merges": sorted(titles[p] for p in merged_into.to_pylist()),
        "splits": sorted(old_titles.get(p, p) for p in split_from.to_pylist()),
        "new_flags": len(flags - old_flags),
        "cleared_flags": len(old_flags - flags),
    }


def _read_for_changes(tables: Mapping[str, pa.Table] | None, name: str) -> pa.Table:
    """Table `name`'s `CHANGES_READ` columns (empty when the run lacks the table)."""
    columns = list(CHANGES_READ[name])
    return _empty(tables, name, CHANGES_READ[name]).select(columns)


def _titles(papers: pa.Table) -> dict[str, str]:
    shown = pc.fill_null(_blank_as_null(papers["title"]), "(abstract only)")
    return dict(zip(papers["paper_id"].to_pylist(), shown.to_pylist(), strict=True))


def _flagged_entries(tables: dict[str, pa.Table]) -> set[str]:
    attributions = _read_for_changes(tables, "attributions")
    flags = attributions.filter(pc.equal(attributions["status"], "likely_misattributed"))
    return set(flags["entry_id"].to_pylist())


def near_misses(persons: Rows) -> list[dict[str, Any]]:
    """Pairs of persons kept apart whose names are close: namesakes or look-alikes."""
    by_surname: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for p in persons:
        folded = fold(p["name"])
        by_surname[folded.split(" ")[-1]].append((folded, p))
    out = []
    for group in by_surname.values():
        if len(group) > 50:
            continue
        for i, (name_a, a) in enumerate(group):
            for name_b, b in group[i + 1 :]:
                sim = jellyfish.jaro_winkler_similarity(name_a, name_b)
                if sim >= 0.8:
                    out.append({"a": a, "b": b, "similarity": round(sim, 3)})
    return sorted(out, key=lambda m: (-m["similarity"], m["a"]["name"]))


CLUSTER_FIELDS = {
    "title": "title",
    "date": "published_raw",
    "arXiv id": "arxiv_id",
    "byline": "byline",
}
"""Fields on which a paper's entries may disagree (shown name: column); `byline` is
the byline's length and whether it is cut short."""


def _blank_as_null(values: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.if_else(pc.equal(values, ""), pa.scalar(None, values.type), values)


def _codes(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """Each value as its number among the distinct values (null stays null): the same
    distinct counts as the text, joined and grouped as integers (the text columns
    made the ranking's join and counts 0.6 GB at a million entries)."""
    encoded = pc.dictionary_encode(values)  # one dictionary across the chunks
    return pa.chunked_array([chunk.indices for chunk in encoded.chunks], pa.int32())


def cluster_ranking(entries: pa.Table, paper_entries: pa.Table, papers: pa.Table) -> pa.Table:
    """Papers seen on several entries: `paper_id`, `entries`, how many distinct values
    their entries give each of `CLUSTER_FIELDS` (`COLUMN_count_distinct`), and
    `disagree` (how many fields have more than one), worst first, ties in the papers
    table's order. Counted in Arrow: at a million entries, the rows of every entry as
    Python dicts took a minute."""
    length = pc.list_value_length(entries["authors"])
    truncated = pc.cast(pc.fill_null(entries["authors_truncated"], False), pa.int32())
    byline = pc.if_else(pc.greater(length, 0), pc.add(pc.multiply(length, 2), truncated), None)
    columns = {
        c: _codes(_blank_as_null(entries[c])) for c in CLUSTER_FIELDS.values() if c != "byline"
    }
    facts = pa.table({"entry_id": entries["entry_id"], **columns, "byline": byline})
    members = paper_entries.select(["paper_id", "entry_id"]).join(facts, "entry_id")
    counted = members.group_by("paper_id").aggregate(
        [("entry_id", "count")] + [(c, "count_distinct") for c in CLUSTER_FIELDS.values()]
    )
    distinct = {
        f"{c}_count_distinct": counted[f"{c}_count_distinct"] for c in CLUSTER_FIELDS.values()
    }
    disagree = pa.array(np.zeros(counted.num_rows, np.int64))
    for values in distinct.values():
        disagree = pc.add(disagree, pc.cast(pc.greater(values, 1), pa.int64()))
    order = pa.table(
        {"paper_id": papers["paper_id"], "order": pa.array(range(papers.num_rows), pa.int64())}
    )
    ranked = pa.table(
        {
            "paper_id": counted["paper_id"],
            "entries": counted["entry_id_count"],
            **distinct,
            "disagree": disagree,
        }
    ).join(order, "paper_id")
    ranked = ranked.filter(pc.greater_equal(ranked["entries"], 2))
    return ranked.sort_by(
        [("disagree", "descending"), ("entries", "descending"), ("order", "ascending")]
    )


def duplicate_clusters(
    tables: dict[str, pa.Table], paths: dict[str, str], limit: int | None = None
) -> Rows:
    """Papers seen on several entries (the first `limit` by `cluster_ranking`), with the
    fields on which the entries disagree."""
    if any(name not in tables for name in ("entries", "paper_entries", "papers")):
        return []
    ranked = cluster_ranking(tables["entries"], tables["paper_entries"], tables["papers"])
    shown = ranked.slice(0, limit).to_pylist()
    if not shown:
        return []
    ids = pa.array([r["paper_id"] for r in shown], pa.string())
    papers = {
        p["paper_id"]: p
        for p in _rows(tables, "papers", pc.is_in(tables["papers"]["paper_id"], ids))
    }
    links = tables["paper_entries"].filter(pc.is_in(tables["paper_entries"]["paper_id"], ids))
    paper_of = dict(zip(links["entry_id"].to_pylist(), links["paper_id"].to_pylist(), strict=True))
    members: dict[str, Rows] = defaultdict(list)
    where = pc.is_in(tables["entries"]["entry_id"], links["entry_id"])
    for e in _rows(tables, "entries", where):
        members[paper_of[e["entry_id"]]].append(e)
    return [
        {
            "paper": papers[r["paper_id"]],
            "entries": [
                {**e, "page": paths.get(e["source_id"], "")}
                for e in sorted(members[r["paper_id"]], key=lambda e: e["record_key"])
            ],
            "disagree": [
                shown_as
                for shown_as, column in CLUSTER_FIELDS.items()
                if r[f"{column}_count_distinct"] > 1
            ],
        }
        for r in shown
    ]


def flagged(tables: dict[str, Rows], paths: dict[str, str], limit: int | None = None) -> Rows:
    """Flags worst first (the first `limit`), with the evidence and a coauthor chart each:
    the flagged paper's coauthors against those of the page's papers judged the
    owner's, as attribution compares them."""
    entries = {e["entry_id"]: e for e in tables["entries"]}
    papers = {p["paper_id"]: p for p in tables["papers"]}
    persons = {p["person_id"]: p for p in tables["persons"]}
    profiles = {p["source_id"]: p for p in tables["profiles"]}
    on_paper = bylines(tables["authorships"])
    owners_papers: dict[str, set[str]] = defaultdict(set)
    for a in tables["attributions"]:
        if a["status"] == "consistent":
            owners_papers[a["source_id"]].add(a["paper_id"])
    out = []
    rows = [
        a
        for a in tables["attributions"]
        if a["status"] in FLAGGED and profiles[a["source_id"]]["owner_origin"] != "unknown"
    ]
    rows.sort(key=flag_order)
    for a in rows[:limit]:
        profile, paper = profiles[a["source_id"]], papers[a["paper_id"]]
        owners = owners_papers[a["source_id"]] - {paper["paper_id"]}
        shown = {*owners, paper["paper_id"]}
        is_owner = owner_matcher(profile["owner_name"] or "")
        spellings = owner_spellings(is_owner, names_on(shown, on_paper, papers))
        coauthors = page_coauthors(shown, spellings, on_paper)
        network: Counter[str] = Counter()
        for pid in sorted(owners):
            network.update(persons[p]["name"] for p in coauthors[pid])
        paper_side = sorted(persons[p]["name"] for p in coauthors[paper["paper_id"]])
        chart = ""
        if a["status"] == "likely_misattributed":
            chart = charts.coauthor_network(
                profile["owner_name"] or "?",
                paper["title"] or "(abstract only)",
                [n for n, _ in sorted(network.items(), key=lambda nc: (-nc[1], nc[0]))[:20]],
                paper_side,
            )
        out.append(
            {
                "attribution": a,
                "entry": entries[a["entry_id"]],
                "paper": paper,
                "profile": profile,
                "page": paths.get(a["source_id"], ""),
                "chart": Markup(chart),
            }
        )
    return out


def _entries_of(tables: dict[str, pa.Table], pages: set[str], ids: Iterable[str]) -> Rows:
    """The entries the report shows: those of the pages it lists (`pages`) and those
    of the flags it shows (`ids`); a million entries as Python rows would take
    minutes and gigabytes."""
    if "entries" not in tables:
        return []
    entries = tables["entries"]
    return _rows(
        tables, "entries", pc.or_(_in(entries, "source_id", pages), _in(entries, "entry_id", ids))
    )


def flag_scope(
    tables: dict[str, pa.Table], flags: Rows, profiles: Rows, limit: int | None
) -> dict[str, Rows]:
    """The rows `flagged` reads for the first `limit` of `flags` (attributions): their
    entries, the pages they are on, those pages' attributions, papers, their
    authorships and persons, and every page's `profiles`. `flagged` on these shows
    what it would on every table, without a million entries' papers and authorships
    as Python rows."""
    known = {p["source_id"] for p in profiles if p["owner_origin"] != "unknown"}
    ranked = sorted((a for a in flags if a["source_id"] in known), key=flag_order)
    pages = {a["source_id"] for a in ranked[:limit]}
    attributions = _matching(tables, "attributions", "source_id", pages)
    papers = {a["paper_id"] for a in attributions}
    authorships = _matching(tables, "authorships", "paper_id", papers)
    return {
        "attributions": attributions,
        "entries": _entries_of(tables, set(), (a["entry_id"] for a in ranked[:limit])),
        "papers": _matching(tables, "papers", "paper_id", papers),
        "persons": _matching(tables, "persons", "person_id", {a["person_id"] for a in authorships}),
        "profiles": profiles,
        "authorships": authorships,
    }


def _matching(tables: dict[str, pa.Table], name: str, column: str, values: set[Any]) -> Rows:
    """The rows of table `name` whose `column` is one of `values`."""
    if name not in tables:
        return []
    return _rows(tables, name, _in(tables[name], column, values))


def flag_order(attribution: dict[str, Any]) -> tuple[bool, float, str]:
    """Flags worst first: likely misattributed before needs review, highest score first."""
    return (
        attribution["status"] != "likely_misattributed",
        -(attribution["score"] or 0),
        attribution["entry_id"],
    )


def scores_by_status(attributions: pa.Table) -> dict[str, list[float]]:
    """Every scored attribution's score, by status (statuses in order of appearance).
    Two columns are filtered, not the table: its reasons were 0.4 GB at a million."""
    scored = attributions.select(["status", "score"])
    scored = scored.filter(pc.is_valid(scored["score"]))
    return {
        status: scored.filter(pc.equal(scored["status"], status))["score"].to_pylist()
        for status in pc.unique(scored["status"]).to_pylist()
    }


def _safe(section: str, compute: Any, default: Any, problems: list[str]) -> Any:
    """A section computed from possibly broken tables (a failed run's report must
    still render): on error, the section is left empty and the problem shown."""
    try:
        return compute()
    except Exception as exc:  # the report of a broken run must not break too
        problems.append(f"{section}: {type(exc).__name__}: {exc}")
        return default


def build_context(
    tables: dict[str, pa.Table],
    manifest: dict[str, Any],
    validation: Validation | None,
    previous: Mapping[str, pa.Table] | None,
    docs_link: str | None,
    failed: bool = False,
) -> dict[str, Any]:
    """Everything the template shows, from the run's tables. Each section takes from
    Arrow the rows it shows: a million entries' tables as Python rows took 40 s and
    gigabytes for a page of a few hundred rows."""
    sources = _rows(tables, "sources")
    paths = {s["source_id"]: s["path"] for s in sources}
    attributions = _empty(tables, "attributions", ("entry_id", "source_id", "status", "score"))
    ranked = ["entry_id", "source_id", "status", "score"]  # what ranks pages and flags
    flags = attributions.filter(_in(attributions, "status", FLAGGED)).select(ranked).to_pylist()
    listed = pages_first({"sources": sources, "attributions": flags}, MAX_ROWS)
    shown = {s["source_id"] for s in listed}
    entries = _entries_of(tables, shown, ())  # the listed pages' own
    on_shown = attributions.filter(_in(attributions, "source_id", shown))
    status = dict(
        zip(on_shown["entry_id"].to_pylist(), on_shown["status"].to_pylist(), strict=True)
    )
    entries_by_source: dict[str, Rows] = defaultdict(list)
    for e in sorted(entries, key=lambda e: (e["source_id"], e["position"])):
        e["status"] = status.get(e["entry_id"], "")  # in place: no second copy
        entries_by_source[e["source_id"]].append(e)
    persons = _rows(tables, "persons")
    profiles = _rows(tables, "profiles")
    issues = _empty(tables, "quality_issues", ("table_name",))
    per_source = [
        (s["path"], float(s["entry_count"] or 0), float(s["quarantined_count"] or 0))
        for s in listed
    ]
    problems: list[str] = []
    return {
        "problems": problems,
        "failed": failed,
        "manifest": manifest,
        "manifest_json": json.dumps(manifest, indent=2, sort_keys=True, default=str),
        "tables": {"id_changes": _rows(tables, "id_changes")},
        "counts": {name: table.num_rows for name, table in tables.items()},
        "changes": _safe(
            "changes", lambda: changes(tables, previous or None), {"first_run": True}, problems
        ),
        "flags": _safe(
            "flags",
            lambda: flagged(flag_scope(tables, flags, profiles, MAX_ROWS), paths, MAX_ROWS),
            [],
            problems,
        ),
        "merges": sorted((p for p in persons if len(p["variants"]) > 1), key=lambda p: p["name"])[
            :MAX_ROWS
        ],
        "near_misses": _safe("near misses", lambda: near_misses(persons)[:MAX_ROWS], [], problems),
        "clusters": _safe(
            "duplicate papers",
            lambda: duplicate_clusters(tables, paths, MAX_ROWS),
            [],
            problems,
        ),
        "paper_issues": _rows(
            tables, "quality_issues", pc.equal(issues["table_name"], "papers"), MAX_ROWS
        ),
        "issues": _rows(tables, "quality_issues", limit=MAX_ROWS),
        "quarantine": _rows(tables, "quarantine", limit=MAX_ROWS),
        "validation": validation,
        "docs_link": docs_link,
        "paths": paths,
        "sources": listed,
        "sources_left_out": len(sources) - len(listed),
        "profiles": {p["source_id"]: p for p in profiles},
        "entries_by_source": entries_by_source,
        "max_rows": MAX_ROWS,
        "chart_sources": Markup(
            charts.bars(per_source, title="entries (blue) and quarantined (red) per file")
        ),
        "chart_scores": Markup(
            charts.histogram(
                scores_by_status(attributions) if "score" in attributions.column_names else {},
                {
                    "consistent": charts.OK,
                    "needs_review": charts.WARN,
                    "likely_misattributed": charts.BAD,
                },
                title="attribution scores by status",
            )
        ),
        "chart_confidence": Markup(
            charts.histogram(
                {"paper_entries": _column(tables, "paper_entries", "confidence")},
                {"paper_entries": charts.BAR},
                title="match confidence of entries",
            )
        ),
    }


def _column(tables: dict[str, pa.Table], name: str, column: str) -> list[Any]:
    return tables[name][column].to_pylist() if name in tables else []


def render(context: dict[str, Any]) -> str:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("report.html.j2").render(**context)


def write_report(folder: Path, context: dict[str, Any]) -> Path:
    """Write `folder/index.html`; the only side effect of this stage."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "index.html"
    path.write_text(render(context), encoding="utf-8")
    return path

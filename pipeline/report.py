"""Stage 9, report: the curators' page, `report/index.html`.

One self-contained HTML file: inline CSS and SVG, no script, no network
request. Every value is escaped by Jinja2's autoescaping, since scraped text
is untrusted (a title carrying `<script>` shows as text). `build_context` is a
pure function of the tables; `render` turns it into HTML.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import jellyfish
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from pipeline import charts
from pipeline.attribute import names_on, owner_matcher, owner_spellings, page_coauthors
from pipeline.normalize import fold
from pipeline.validate import Validation

TEMPLATES = Path(__file__).resolve().parent / "templates"
MAX_ROWS = 200
"""Rows a section lists before it says how many it left out."""

Rows = list[dict[str, Any]]


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


def _rows(tables: dict[str, pa.Table], name: str, where: pa.ChunkedArray | None = None) -> Rows:
    """Table `name` as rows (those `where` is true), the columns the report reads."""
    if name not in tables or name in UNUSED:
        return []
    table = tables[name] if where is None else tables[name].filter(where)
    if name in COLUMNS:
        table = table.select([c for c in COLUMNS[name] if c in table.column_names])
    if "abstract" in table.column_names:
        short = pc.utf8_slice_codeunits(table["abstract"], 0, SHOWN_ABSTRACT)
        table = table.set_column(table.column_names.index("abstract"), "abstract", short)
    return table.to_pylist()


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


def changes(current: dict[str, Rows], previous: dict[str, Rows] | None) -> dict[str, Any]:
    """What changed since the previous published run: papers, merges, splits, flags."""
    if previous is None:
        return {"first_run": True}
    titles = {p["paper_id"]: p["title"] or "(abstract only)" for p in current["papers"]}
    old_titles = {
        p["paper_id"]: p["title"] or "(abstract only)" for p in previous.get("papers", [])
    }
    now = {r["entry_id"]: r["paper_id"] for r in current["paper_entries"]}
    before = {r["entry_id"]: r["paper_id"] for r in previous.get("paper_entries", [])}
    merged_from: dict[str, set[str]] = defaultdict(set)
    split_into: dict[str, set[str]] = defaultdict(set)
    for entry, paper in now.items():
        if entry in before:
            merged_from[paper].add(before[entry])
            split_into[before[entry]].add(paper)
    flags = {
        a["entry_id"] for a in current["attributions"] if a["status"] == "likely_misattributed"
    }
    old_flags = {
        a["entry_id"]
        for a in previous.get("attributions", [])
        if a["status"] == "likely_misattributed"
    }
    return {
        "first_run": False,
        "new_papers": sorted(titles[p] for p in set(titles) - set(old_titles)),
        "removed_papers": sorted(old_titles[p] for p in set(old_titles) - set(titles)),
        "merges": sorted(titles[p] for p, olds in merged_from.items() if len(olds) > 1),
        "splits": sorted(old_titles.get(p, p) for p, news in split_into.items() if len(news) > 1),
        "new_flags": len(flags - old_flags),
        "cleared_flags": len(old_flags - flags),
    }


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


def cluster_ranking(entries: pa.Table, paper_entries: pa.Table, papers: pa.Table) -> pa.Table:
    """Papers seen on several entries: `paper_id`, `entries`, how many distinct values
    their entries give each of `CLUSTER_FIELDS` (`COLUMN_count_distinct`), and
    `disagree` (how many fields have more than one), worst first, ties in the papers
    table's order. Counted in Arrow: at a million entries, the rows of every entry as
    Python dicts took a minute."""
    length = pc.list_value_length(entries["authors"])
    truncated = pc.cast(pc.fill_null(entries["authors_truncated"], False), pa.int32())
    byline = pc.if_else(pc.greater(length, 0), pc.add(pc.multiply(length, 2), truncated), None)
    columns = {c: _blank_as_null(entries[c]) for c in CLUSTER_FIELDS.values() if c != "byline"}
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
    on_paper: dict[str, set[str]] = defaultdict(set)
    written: dict[tuple[str, str], str] = {}
    for a in tables["authorships"]:
        on_paper[a["paper_id"]].add(a["person_id"])
        written[(a["paper_id"], a["person_id"])] = a["name_as_written"]
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
    rows.sort(
        key=lambda a: (a["status"] != "likely_misattributed", -(a["score"] or 0), a["entry_id"])
    )
    for a in rows[:limit]:
        profile, paper = profiles[a["source_id"]], papers[a["paper_id"]]
        owners = owners_papers[a["source_id"]] - {paper["paper_id"]}
        shown = {*owners, paper["paper_id"]}
        is_owner = owner_matcher(profile["owner_name"] or "")
        spellings = owner_spellings(is_owner, names_on(shown, on_paper, written, papers))
        coauthors = page_coauthors(shown, spellings, on_paper, written)
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


def _listed_and_flagged_entries(
    tables: dict[str, pa.Table], t: dict[str, Rows], listed: set[str]
) -> Rows:
    """The entries the report shows: those of the pages it lists and the flagged ones
    (a million entries as Python rows would take minutes and gigabytes)."""
    if "entries" not in tables:
        return []
    flagged_ids = [a["entry_id"] for a in t.get("attributions", []) if a["status"] in FLAGGED]
    entries = tables["entries"]
    where = pc.or_(
        pc.is_in(entries["source_id"], pa.array(sorted(listed), pa.string())),
        pc.is_in(entries["entry_id"], pa.array(flagged_ids, pa.string())),
    )
    return _rows(tables, "entries", where)


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
    previous: dict[str, pa.Table] | None,
    docs_link: str | None,
    failed: bool = False,
) -> dict[str, Any]:
    """Everything the template shows, from the run's tables."""
    t = {name: _rows(tables, name) for name in tables if name != "entries"}
    for name in (
        "papers",
        "paper_entries",
        "persons",
        "authorships",
        "profiles",
        "attributions",
        "id_changes",
    ):
        t.setdefault(name, [])
    paths = {s["source_id"]: s["path"] for s in t["sources"]}
    prev = (
        {name: _rows(previous, name) for name in ("papers", "paper_entries", "attributions")}
        if previous
        else None
    )
    listed = pages_first(t, MAX_ROWS)
    t["entries"] = _listed_and_flagged_entries(tables, t, {s["source_id"] for s in listed})
    per_source = [
        (s["path"], float(s["entry_count"] or 0), float(s["quarantined_count"] or 0))
        for s in listed
    ]
    scores: dict[str, list[float]] = defaultdict(list)
    for a in t["attributions"]:
        if a["score"] is not None:
            scores[a["status"]].append(a["score"])
    entries_by_source: dict[str, Rows] = defaultdict(list)
    shown = {s["source_id"] for s in listed}
    status = {a["entry_id"]: a["status"] for a in t["attributions"] if a["source_id"] in shown}
    for e in sorted(t["entries"], key=lambda e: (e["source_id"], e["position"])):
        if e["source_id"] in shown:
            e["status"] = status.get(e["entry_id"], "")  # in place: no second copy
            entries_by_source[e["source_id"]].append(e)
    problems: list[str] = []
    return {
        "problems": problems,
        "failed": failed,
        "manifest": manifest,
        "manifest_json": json.dumps(manifest, indent=2, sort_keys=True, default=str),
        "tables": t,
        "counts": {name: table.num_rows for name, table in tables.items()},
        "changes": _safe("changes", lambda: changes(t, prev), {"first_run": True}, problems),
        "flags": _safe("flags", lambda: flagged(t, paths, MAX_ROWS), [], problems),
        "merges": sorted(
            (p for p in t["persons"] if len(p["variants"]) > 1), key=lambda p: p["name"]
        )[:MAX_ROWS],
        "near_misses": _safe(
            "near misses", lambda: near_misses(t["persons"])[:MAX_ROWS], [], problems
        ),
        "clusters": _safe(
            "duplicate papers",
            lambda: duplicate_clusters(tables, paths, MAX_ROWS),
            [],
            problems,
        ),
        "paper_issues": [i for i in t["quality_issues"] if i["table_name"] == "papers"][:MAX_ROWS],
        "issues": t["quality_issues"][:MAX_ROWS],
        "quarantine": t["quarantine"][:MAX_ROWS],
        "validation": validation,
        "docs_link": docs_link,
        "paths": paths,
        "sources": listed,
        "sources_left_out": len(t["sources"]) - len(listed),
        "profiles": {p["source_id"]: p for p in t["profiles"]},
        "entries_by_source": entries_by_source,
        "max_rows": MAX_ROWS,
        "chart_sources": Markup(
            charts.bars(per_source, title="entries (blue) and quarantined (red) per file")
        ),
        "chart_scores": Markup(
            charts.histogram(
                dict(scores),
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
                {"paper_entries": [r["confidence"] for r in t["paper_entries"]]},
                {"paper_entries": charts.BAR},
                title="match confidence of entries",
            )
        ),
    }


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

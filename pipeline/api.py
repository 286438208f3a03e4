"""The public entry points: run the stages in order on an input folder.

The CLI is a thin shell over these functions; tests and scripts call them
directly. Each stage is a function of tables; this module only chains them
into phases that each run in a process of their own (`handoff`), times them,
loads labels and models, and hands the result to `publish`.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import hashlib
import logging
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import pyarrow as pa

from pipeline import __version__, normalize, report, stable_ids
from pipeline.attribute import (
    ListedPages,
    attribute_pages,
    catalogue,
    in_path_order,
    listed_pages,
    read_decisions,
)
from pipeline.collector import (
    drained,
    forget_spilled_pages,
    give_back_freed_memory,
    young_generations_only,
)
from pipeline.comparisons import Model
from pipeline.errors import ConfigError, PublishBlocked
from pipeline.extract import MAX_PAGE_BYTES, Extracted, extract_folder, input_files
from pipeline.extract_cache import ExtractCache
from pipeline.handoff import Handoff
from pipeline.linkage import warm_up
from pipeline.match_papers import ENTRY_FIELDS_READ as MATCH_FIELDS_READ
from pipeline.match_papers import MODEL as PAPER_MODEL
from pipeline.match_papers import match_papers, paper_records
from pipeline.matching import (
    Labels,
    ModelCache,
    Record,
    Trained,
    read_labels,
    refresh_labels,
    without_exclusive,
)
from pipeline.matching import trained_model as load_or_train
from pipeline.merge_papers import ENTRY_FIELDS_READ as MERGE_FIELDS_READ
from pipeline.merge_papers import merge_papers
from pipeline.publish import (
    check_output_folder,
    failed_dir,
    output_lock,
    publish,
    published_counts,
    read_published,
)
from pipeline.resolve_authors import (
    EXCLUSIVE_FIELD,
    Listing,
    mention_records,
    page_listings,
    resolve_authors,
)
from pipeline.resolve_authors import MODEL as PERSON_MODEL
from pipeline.schema import (
    PUBLISHED,
    in_published_order,
    table_chunks,
    to_table,
    to_table_by_index,
)
from pipeline.sources_config import load_sources_config
from pipeline.validate import Validation, validate

log = logging.getLogger(__name__)

PROJECT = Path(__file__).resolve().parents[1]
TRACKED_PACKAGES = ("dedupe", "jellyfish", "pandas", "pyarrow", "great-expectations", "nicknames")
LABEL_FILES = {"papers": "papers.json", "authors": "authors.json"}
TABLE_ORDER = (
    "sources", "entries", "quarantine", "mentions", "papers", "paper_entries", "persons",
    "authorships", "profiles", "attributions", "id_changes", "quality_issues",
)  # fmt: skip
"""The published tables, in the order run.json counts them."""

Progress = Callable[[Iterator[Any], int], Iterator[Any]]


@dataclass(frozen=True)
class Options:
    """Where labels and models live, and limits; the defaults suit `make run`."""

    labels_dir: Path = PROJECT / "training_labels"
    cache_dir: Path = PROJECT / ".cache"
    """Trained models (`models/`) and extraction results (`extract/`)."""
    max_page_bytes: int = MAX_PAGE_BYTES
    num_cores: int = 1
    incremental: bool = True
    """Reuse the extraction of files whose content did not change."""

    wait: bool = False
    """Wait for another run holding the output folder instead of exiting."""

    @property
    def extract_cache_dir(self) -> Path:
        return self.cache_dir / "extract"

    @property
    def spill_dir(self) -> Path:
        """The files a run hands its phases' results on in (`handoff.Handoff`)."""
        return self.cache_dir / "spill"

    @property
    def model_cache_dir(self) -> Path:
        return self.cache_dir / "models"

    def labels_path(self, kind: str) -> Path:
        return self.labels_dir / LABEL_FILES[kind]

    @property
    def decisions_path(self) -> Path:
        return self.labels_dir / "attributions.csv"


class StageClock(dict[str, float]):
    """Seconds per stage, and `peak_mb`: the run's peak memory when each stage ended
    (the phase's process or a worker it forked, whichever is larger), so a run log shows
    which stage raised it."""

    def __init__(self) -> None:
        super().__init__()
        self.peak_mb: dict[str, int] = {}


@dataclass
class RunResult:
    tables: dict[str, pa.Table]
    manifest: dict[str, Any]
    stage_seconds: StageClock = field(default_factory=StageClock)

    @property
    def quarantined(self) -> int:
        return self.tables["quarantine"].num_rows


def _peak_mb() -> int:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024)  # kilobytes on Linux


@contextmanager
def _timed(seconds: dict[str, float], stage: str) -> Iterator[None]:
    start = time.perf_counter()
    log.info("stage %s: started", stage)
    yield
    forget_spilled_pages()  # what the stage read of spilled tables is not held after it
    took = time.perf_counter() - start
    seconds[stage] = round(seconds.get(stage, 0.0) + took, 4)  # a stage may come in parts
    if isinstance(seconds, StageClock):
        seconds.peak_mb[stage] = _peak_mb()
    log.info("stage %s: done in %.2fs, peak %d MB", stage, took, _peak_mb())


def _versions() -> dict[str, str]:
    versions = {"bylines": __version__, "python": platform.python_version()}
    for name in TRACKED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def read_inputs(
    input_dir: Path, options: Options, progress: Progress | None, seconds: dict[str, float]
) -> tuple[Extracted, list[dict[str, Any]]]:
    """Extract and normalize: the entries of every file under `input_dir`."""
    if not input_dir.is_dir():
        raise ConfigError(f"--input {input_dir}: no such folder")
    config = load_sources_config(input_dir)
    if not input_files(input_dir):
        # a scraper that left nothing must not publish an empty catalogue over the last
        raise ConfigError(
            f"--input {input_dir}: no files to read (hidden files and sources.toml aside); "
            "nothing published"
        )
    cache = ExtractCache(options.extract_cache_dir) if options.incremental else None
    with _timed(seconds, "extract"):
        extracted = extract_folder(
            input_dir, config, progress, options.max_page_bytes, cache, options.num_cores
        )
    if cache is not None:
        log.info("extract: %d file(s) unchanged (cached), %d parsed", cache.hits, cache.misses)
        cache.prune()
    with _timed(seconds, "normalize"):
        scraped = {s["source_id"]: s["scraped_at"] for s in extracted.sources}
        entries = normalize.normalize_entries(extracted.entries, scraped)
    extracted.entries = []  # the rows as extracted: not read again, a gigabyte at 1M
    return extracted, entries


def current_labels(model: Model, records: dict[str, Record], options: Options) -> Labels:
    """The label file of `model`, refreshed against the current records."""
    kind = "papers" if model is PAPER_MODEL else "authors"
    labels = refresh_labels(read_labels(options.labels_path(kind)), records, model)
    return without_exclusive(labels, EXCLUSIVE_FIELD if model is PERSON_MODEL else None)


def _matcher(
    model: Model, records: dict[str, Record], options: Options
) -> tuple[Trained | None, Labels]:
    labels = current_labels(model, records, options)
    if not records:
        return None, labels
    cache = ModelCache(options.model_cache_dir)
    return load_or_train(model, records, labels, cache, options.num_cores), labels


INHERITED_FROM: dict[str, tuple[str, str]] = {
    "paper_entries": ("paper_id", "entry_id"),
    "authorships": ("person_id", "mention_key"),
}
"""The published tables ids are inherited from: (cluster id, member) columns."""

PREVIOUS_READ: dict[str, tuple[str, ...]] = {
    name: tuple(dict.fromkeys(report.CHANGES_READ.get(name, ()) + INHERITED_FROM.get(name, ())))
    for name in {**report.CHANGES_READ, **INHERITED_FROM}
}
"""What a run reads of the last published output: ids, and the report's changes."""


def _inherited(
    rows: list[dict[str, Any]], previous: Mapping[str, pa.Table], table: str, entity: str
) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """Stable ids for this run's clusters in `table`, from the last published run's."""
    id_field, member_field = INHERITED_FROM[table]
    before = previous.get(table)
    return stable_ids.inherit(
        stable_ids.members_by_id((r[id_field], r[member_field]) for r in rows),
        stable_ids.members_by_id(
            zip(before[id_field].to_pylist(), before[member_field].to_pylist(), strict=True)
            if before is not None
            else ()
        ),
        entity,
    )


def papers_of(
    entries: list[dict[str, Any]],
    paths: dict[str, str],
    options: Options,
    seconds: dict[str, float],
    previous: Mapping[str, pa.Table] | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """match_papers + merge_papers: (paper_entries, papers, quality issues, matcher info).

    Paper ids are inherited from `previous` published tables where clusters overlap.
    """
    previous = previous or {}
    with _timed(seconds, "train_papers"):
        trained, labels = _matcher(PAPER_MODEL, paper_records(entries), options)
    with _timed(seconds, "match_papers"):
        paper_entries, stats = (
            match_papers(entries, trained, labels) if trained else ([], {"candidate_pairs": 0})
        )
        ids, stats["id_changes"] = _inherited(paper_entries, previous, "paper_entries", "paper")
        paper_entries = stable_ids.rename(paper_entries, "paper_id", ids)
    with _timed(seconds, "merge_papers"):
        papers, issues = merge_papers(entries, paper_entries, paths)
    info = {**stats, **(trained.quality if trained else {})}
    issues += _conflict_issues("paper_entries", stats)
    return paper_entries, papers, issues, info


def persons_of(
    papers: list[dict[str, Any]],
    listings: list[Listing],
    options: Options,
    seconds: dict[str, float],
    previous: Mapping[str, pa.Table] | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """resolve_authors: (persons, authorships, quality issues, matcher info).

    `listings` are the pages that list the papers (`page_listings`). Person ids are
    inherited from `previous` published tables where clusters overlap.
    """
    previous = previous or {}
    with _timed(seconds, "train_persons"):
        records = mention_records(papers)
        trained, labels = _matcher(PERSON_MODEL, records, options)
    if trained is None:
        return [], [], [], {"candidate_pairs": 0, "id_changes": []}
    with _timed(seconds, "resolve_authors"):
        persons, authorships, stats = resolve_authors(records, trained, labels, listings)
        ids, stats["id_changes"] = _inherited(authorships, previous, "authorships", "person")
        persons = stable_ids.rename(persons, "person_id", ids)
        authorships = stable_ids.rename(authorships, "person_id", ids)
    return persons, authorships, _conflict_issues("persons", stats), {**stats, **trained.quality}


def _conflict_issues(table: str, stats: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "table_name": table,
            "key": "training_labels",
            "check": "label_conflict",
            "severity": "warning",
            "message": message,
        }
        for message in stats.pop("label_conflicts", [])
    ]


def share_malloc_with_arrow() -> None:
    """Let Arrow allocate from the C library's malloc, as Python's larger objects do,
    unless ARROW_DEFAULT_MEMORY_POOL says otherwise. The stages hold rows as Python
    dicts, then build Arrow tables as those lists are let go: with Arrow's own
    allocator (jemalloc) the tables took fresh memory beside what the dicts had
    freed, and the run's peak rose by the size of the tables (408 MB at 100k
    entries; 163 MB with the shared allocator)."""
    if not os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        pa.set_memory_pool(pa.system_memory_pool())


def build_tables(
    input_dir: Path,
    progress: Progress | None = None,
    options: Options | None = None,
    previous: Mapping[str, pa.Table] | None = None,
) -> RunResult:
    """Run every stage up to publishing on `input_dir`; the tables a run would publish.

    The stages run in four phases, each in a process of its own that hands its
    results on through files (`handoff`): papers (extraction to merging), persons,
    the catalogue attribution reads (and the rows' tables), then attribution and
    the last tables, which come back mapped from a file. What a
    phase allocates goes back to the system whole when it ends. `previous` (the
    last published tables) lets clusters keep their ids.
    """
    options = options or Options()
    share_malloc_with_arrow()
    seconds = StageClock()
    before = previous or {}
    phases = (
        (functools.partial(_papers_phase, input_dir, progress, options, before), "papers"),
        (functools.partial(_persons_phase, options, before), "persons"),
        (functools.partial(_catalogue_phase, options), "catalogue"),
        (functools.partial(_attribution_phase, options), "attribution"),
    )
    with Handoff(options.spill_dir) as handoff:
        for phase, what in phases:
            clock = handoff.apart(phase, f"{what} phase")
            for stage, took in clock.items():  # a stage may run in parts, in two phases
                seconds[stage] = seconds.get(stage, 0.0) + took
            seconds.peak_mb.update(clock.peak_mb)
        with _timed(seconds, "take_tables"):
            tables, manifest = handoff.get("tables"), handoff.get("manifest")
    return RunResult(tables, manifest, seconds)


def _papers_phase(
    input_dir: Path,
    progress: Progress | None,
    options: Options,
    previous: Mapping[str, pa.Table],
    handoff: Handoff,
) -> StageClock:
    """Extract and normalize; set the entries aside (their table, and the fields matching
    and merging read); match and merge papers."""
    seconds = StageClock()
    warm_up()  # matching's clustering loops, compiled beside extraction
    # see `collector`: 100k spent 24 s of 154 s in such scans, and extraction at 1M
    # 11 s of 110 s (21 scans) gathering its million entries; the few cycles parsing
    # leaves (2,600 objects at 10k entries with exports) go in one scan after it
    with young_generations_only():
        extracted, entries = read_inputs(input_dir, options, progress, seconds)
        gc.collect()
        paths = {s["source_id"]: s["path"] for s in extracted.sources}
        with _timed(seconds, "entries_table"):
            entries_table, entries = set_entries_aside(
                entries, handoff.table_from, ENTRY_FIELDS_READ_BY_PAPERS
            )
        paper_entries, papers, paper_issues, paper_info = papers_of(
            entries, paths, options, seconds, previous
        )
        cut_to(entries, ENTRY_FIELDS_READ_LATER)
        listings = page_listings(extracted.sources, entries, paper_entries)
        with _timed(seconds, "hand_on_papers"):
            handoff.put(papers=papers, listings=listings)
            handoff.put(sources=extracted.sources, quarantine=extracted.quarantine)
            handoff.put(extract_issues=extracted.issues)
            handoff.put(entries=entries, entries_table=entries_table)
            handoff.put(paper_entries=paper_entries, paper_issues=paper_issues)
            handoff.put(paper_info=paper_info)
    return seconds


def _persons_phase(
    options: Options, previous: Mapping[str, pa.Table], handoff: Handoff
) -> StageClock:
    """Resolve the papers' authors into persons."""
    seconds = StageClock()
    warm_up()  # the collaborator cut's loops, compiled beside training
    with young_generations_only():
        with _timed(seconds, "take_papers"):
            papers, listings = handoff.get("papers"), handoff.get("listings")
        persons, authorships, person_issues, person_info = persons_of(
            papers, listings, options, seconds, previous
        )
        del papers, listings
        with _timed(seconds, "hand_on_persons"):
            handoff.put(persons=persons, authorships=authorships)
            handoff.put(person_issues=person_issues, person_info=person_info)
    return seconds


def _catalogue_phase(options: Options, handoff: Handoff) -> StageClock:
    """What attribution reads of the rows (its catalogue and the pages' listings),
    and the rows' own tables. Attribution then runs in a fresh process of its own,
    its catalogue read back into a compact heap: here the freed rows leave holes
    that a forked worker's allocations fill, copying each page they land in. At
    100k entries attribution with its worker peaked at 957 MB in this process and
    at 824 MB in its own."""
    seconds = StageClock()
    with young_generations_only():
        with _timed(seconds, "take_persons"):
            sources, entries = handoff.get("sources"), handoff.get("entries")
            paper_entries, papers = handoff.get("paper_entries"), handoff.get("papers")
            persons, authorships = handoff.get("persons"), handoff.get("authorships")
        with _timed(seconds, "attribute"):
            decisions = read_decisions(options.decisions_path)
            cat = catalogue(papers, persons, authorships, decisions)
            pages = listed_pages(sources, entries, paper_entries, cat)
            del sources
        with _timed(seconds, "tables"):
            rows = {
                "papers": papers,
                "paper_entries": paper_entries,
                "persons": persons,
                "authorships": authorships,
            }
            del papers, paper_entries, persons, authorships
            tables = {"mentions": _handed_on(handoff, _mentions_table(entries))}
            del entries
            tables |= {name: _rows_handed_on(handoff, name, rows.pop(name)) for name in list(rows)}
        with _timed(seconds, "hand_on_catalogue"):
            handoff.put(catalogue=cat, page_entries=pages.entries, row_tables=tables)
    return seconds


def _attribution_phase(options: Options, handoff: Handoff) -> StageClock:
    """Flag misattributed papers and build the rest of the published tables."""
    seconds = StageClock()
    with young_generations_only():
        with _timed(seconds, "take_catalogue"):
            cat, sources = handoff.get("catalogue"), handoff.get("sources")
            pages = ListedPages(in_path_order(sources), handoff.get("page_entries"))
        with _timed(seconds, "attribute"):
            profiles, attributions, thresholds = attribute_pages(pages, cat, options.num_cores)
            del cat, pages
        paper_info, person_info = handoff.get("paper_info"), handoff.get("person_info")
        id_changes = paper_info.pop("id_changes", []) + person_info.pop("id_changes", [])
        inputs = [
            {
                "path": s["path"],
                "sha256": s["sha256"],
                "size_bytes": s["size_bytes"],
                "format": s["format"],
            }
            for s in sources
        ]
        listing = "".join(
            f"{i['path']}\0{i['sha256']}\n" for i in sorted(inputs, key=lambda i: i["path"])
        )
        rows: dict[str, Any] = {
            "sources": sources,
            "entries": handoff.get("entries_table"),
            "quarantine": handoff.get("quarantine"),
            "profiles": profiles,
            "attributions": attributions,
            "id_changes": id_changes,
            "quality_issues": handoff.get("extract_issues")
            + handoff.get("paper_issues")
            + handoff.get("person_issues"),
        }
        del profiles, attributions
        tables = handoff.get("row_tables")
        with _timed(seconds, "tables"):
            for name in list(rows):
                value = rows.pop(name)
                tables[name] = (
                    value if isinstance(value, pa.Table) else _rows_handed_on(handoff, name, value)
                )
                del value
            tables = {name: tables[name] for name in TABLE_ORDER}
        manifest = {
            "inputs": inputs,
            "inputs_sha256": hashlib.sha256(listing.encode()).hexdigest(),
            "row_counts": {name: t.num_rows for name, t in tables.items()},
            "versions": _versions(),
            "matcher_quality": {"papers": paper_info, "persons": person_info},
            "attribution_thresholds": thresholds,
        }
        with _timed(seconds, "hand_on_tables"):
            handoff.put(tables=tables, manifest=manifest)
    return seconds


def _handed_on(handoff: Handoff, table: pa.Table) -> pa.Table:
    """`table` written into the handoff at once and mapped back: while the phase goes
    on its pages are the file's, not the phase's own memory (nor in what its forked
    workers count), and handing the tables on at its end writes nothing again."""
    return handoff.table_from(table.schema, table.to_batches())


def _rows_handed_on(handoff: Handoff, name: str, rows: list[dict[str, Any]]) -> pa.Table:
    """Table `name` of `rows`, handed on (`_handed_on`). The list is emptied as the
    table is built (`drained`), so a million entries are never held as dicts and
    as Arrow at once, and what the rows held goes back to the system."""
    table = _handed_on(handoff, to_table(name, drained(rows)))
    give_back_freed_memory()
    return table


ENTRY_FIELDS_READ_LATER = ("entry_id", "source_id", "position", "record_key", "title", "authors")
"""What the stages after merging papers read of an entry: page listings and
attribution (the page, its order, the name curators' decisions use) and the
mentions table (the bylines)."""

ENTRY_FIELDS_READ_BY_PAPERS = tuple(
    dict.fromkeys((*MATCH_FIELDS_READ, *MERGE_FIELDS_READ, *ENTRY_FIELDS_READ_LATER))
)
"""What matching and merging papers read of an entry, and what the later stages do."""


def set_entries_aside(
    entries: list[dict[str, Any]],
    sink: Callable[[pa.Schema, Iterable[pa.Table]], pa.Table],
    kept: tuple[str, ...],
) -> tuple[pa.Table, list[dict[str, Any]]]:
    """The entries' published table, built before papers are matched and mapped from
    the file `sink` writes it to (the run's `Handoff.table_from`, so it is written
    once), and the entries cut to the fields `kept`. Whole entries (raw text,
    affiliations, comments, raw dates) held through paper matching were its peak at
    a million, and what the forked scoring worker copied as it read the records
    (see bench/HISTORY.md). The table is written a chunk at a time, in
    published order, each chunk's rows let go as it is written, so it never sits in
    memory beside them; `entries` is left empty."""
    rows = [{k: e[k] for k in kept if k in e} for e in entries]
    ordered = in_published_order("entries", entries)
    entries.clear()
    table = sink(PUBLISHED["entries"], table_chunks("entries", drained(ordered)))
    give_back_freed_memory()
    return table, rows


def cut_to(entries: list[dict[str, Any]], fields: tuple[str, ...]) -> None:
    """Each entry's other fields deleted, in place: a million slimmer copies made
    beside the entries would be a new peak, and what is left is what the entries
    handed on pickle."""
    wanted = set(fields)
    for entry in entries:
        for name in [name for name in entry if name not in wanted]:
            del entry[name]


def _mentions_table(entries: list[dict[str, Any]]) -> pa.Table:
    """Every name on every byline with its parts (`normalize.mention_columns`)."""
    return to_table_by_index("mentions", *normalize.mention_columns(entries))


def _write_extras(
    folder: Path,
    result: RunResult,
    validation: Validation,
    previous: Mapping[str, pa.Table] | None,
    docs: Path,
    failed: bool = False,
    fresh: bool = False,
) -> None:
    """Data Docs and the curators' report, into `folder` (the staging or failed folder)."""
    if fresh and folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if docs.exists():
        shutil.copytree(docs, folder / "docs", dirs_exist_ok=True)
    with _timed(result.stage_seconds, "report"):
        context = report.build_context(
            result.tables,
            result.manifest,
            validation,
            previous,
            "../docs/index.html" if docs.exists() else None,
            failed=failed,
        )
        report.write_report(folder / "report", context)


SHRINK = 0.5
"""Share of the last published run's entries under which a run's catalogue has shrunk
enough for a curator to look: a scrape that fetched a few of its pages."""
SHRINK_FLOOR = 20
"""Entries a last run must have held for its share to mean anything."""


def shrink_issues(before: Mapping[str, int], after: Mapping[str, int]) -> list[dict[str, Any]]:
    """A warning when this run holds fewer than `SHRINK` of the entries the last
    published run held. It is published as asked (a curator may have pruned the
    input); the warning says to look, in the report and in `quality_issues`."""
    had, has = before.get("entries", 0), after.get("entries", 0)
    if had < SHRINK_FLOOR or has >= SHRINK * had:
        return []
    return [
        {
            "table_name": "entries",
            "key": None,
            "check": "catalogue_shrank",
            "severity": "warning",
            "message": f"{has:,} entries against {had:,} in the last published run: was the "
            "input scraped whole?",
        }
    ]


def run(
    input_dir: Path,
    out_dir: Path,
    *,
    strict: bool = False,
    progress: Progress | None = None,
    argv: list[str] | None = None,
    options: Options | None = None,
) -> RunResult:
    """Build every table from `input_dir` and publish to `out_dir`.

    Every table is validated first. Raises `PublishBlocked` (nothing published,
    previous output kept, this run's report written beside it to `OUT.failed/`)
    when an `error` expectation fails, or `strict` and any chunk was quarantined;
    `ConfigError` on bad arguments.
    """
    options = options or Options()
    out_dir = out_dir.absolute()
    check_output_folder(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with output_lock(out_dir, wait=options.wait):
        return _run_locked(input_dir, out_dir, strict, progress, argv, options)


def _run_locked(
    input_dir: Path,
    out_dir: Path,
    strict: bool,
    progress: Progress | None,
    argv: list[str] | None,
    options: Options,
) -> RunResult:
    started = dt.datetime.now(dt.UTC)
    previous = read_published(out_dir, PREVIOUS_READ)
    result = build_tables(input_dir, progress, options, previous)
    if shrunk := shrink_issues(published_counts(out_dir), result.manifest["row_counts"]):
        log.warning("%s: %s", out_dir, shrunk[0]["message"])
        issues = result.tables["quality_issues"].to_pylist() + shrunk
        result.tables["quality_issues"] = to_table("quality_issues", issues)
        result.manifest["row_counts"]["quality_issues"] = len(issues)
    result.manifest.update(
        {
            "run_id": f"{started:%Y%m%dT%H%M%SZ}-{result.manifest['inputs_sha256'][:8]}",
            "started_at": started.isoformat(timespec="seconds"),
            "input_dir": str(input_dir),
            "argv": argv if argv is not None else sys.argv[1:],
            "strict": strict,
            "stage_seconds": result.stage_seconds,
            "stage_peak_mb": result.stage_seconds.peak_mb,
            "quarantined_chunks": result.quarantined,
        }
    )
    with tempfile.TemporaryDirectory(prefix=".bylines-docs-", dir=out_dir.parent) as tmp:
        docs = Path(tmp) / "docs"
        with _timed(result.stage_seconds, "validate"):
            validation = validate(result.tables, docs_dir=docs)
        result.manifest["validation"] = validation.summary()
        blocked = None
        if not validation.success:
            names = ", ".join(o.label for o in validation.errors)
            blocked = f"validation failed ({names})"
        elif strict and result.quarantined:
            blocked = f"--strict: {result.quarantined} chunk(s) quarantined"
        if blocked:
            where = failed_dir(out_dir)
            _write_extras(where, result, validation, previous, docs, failed=True, fresh=True)
            raise PublishBlocked(
                f"{blocked}; nothing published (previous output in {out_dir} kept); "
                f"the report of this run is in {where / 'report' / 'index.html'}"
            )
        shutil.rmtree(failed_dir(out_dir), ignore_errors=True)
        with _timed(result.stage_seconds, "publish"):
            result.manifest["finished_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            publish(
                result.tables,
                result.manifest,
                out_dir,
                extras=lambda stage: _write_extras(stage, result, validation, previous, docs),
                writers=options.num_cores,
            )
    log.info(
        "published %s: %s",
        out_dir,
        ", ".join(f"{k} {v}" for k, v in result.manifest["row_counts"].items()),
    )
    return result


# ---- labeling and evaluation -------------------------------------------------------


def _paper_display(entry: dict[str, Any], paths: dict[str, str]) -> dict[str, str]:
    authors = ", ".join(entry.get("authors") or [])
    if entry.get("authors_truncated"):
        authors += " et al."
    abstract = entry.get("abstract") or ""
    return {
        "title": entry.get("title") or "",
        "authors": authors,
        "date": entry.get("published_raw") or "",
        "arxiv": entry.get("arxiv_id") or "",
        "category": entry.get("category") or "",
        "abstract": abstract[:400] + ("..." if len(abstract) > 400 else ""),
        "page": f"{paths.get(entry['source_id'], '')} #{entry['position']}",
    }


def _mention_display(record: Record, paper: dict[str, Any]) -> dict[str, str]:
    others = [n for i, n in enumerate(paper["author_names"]) if i != record["position"]]
    abstract = paper.get("abstract") or ""
    return {
        "name": record["name_as_written"],
        "paper": paper.get("title") or "(abstract only)",
        "coauthors": ", ".join(others[:12]) + (" ..." if len(others) > 12 else ""),
        "year": str(paper.get("published_year") or ""),
        "category": paper.get("category") or "",
        "abstract": abstract[:240] + ("..." if len(abstract) > 240 else ""),
    }


def label_target(kind: str, input_dir: Path, options: Options) -> Any:
    """The records a `bylines label KIND` session works on, with their display forms."""
    from pipeline.label_session import Target

    seconds: dict[str, float] = {}
    extracted, entries = read_inputs(input_dir, options, None, seconds)
    paths = {s["source_id"]: s["path"] for s in extracted.sources}
    if kind == "papers":
        records = paper_records(entries)
        display = {e["record_key"]: _paper_display(e, paths) for e in entries}
        model = PAPER_MODEL
    elif kind == "authors":
        _, papers, _, _ = papers_of(entries, paths, options, seconds)
        by_id = {p["paper_id"]: p for p in papers}
        records = mention_records(papers)
        display = {k: _mention_display(r, by_id[r["paper_id"]]) for k, r in records.items()}
        model = PERSON_MODEL
    else:
        raise ConfigError(f"unknown label kind {kind!r}: use papers or authors")
    if len(records) < 2:
        raise ConfigError(f"{input_dir}: fewer than two {kind} records to compare")
    labels = current_labels(model, records, options)
    exclusive_field = EXCLUSIVE_FIELD if kind == "authors" else None
    return Target(kind, model, records, display, options.labels_path(kind), labels, exclusive_field)


def evaluate_labels(input_dir: Path, options: Options) -> dict[str, Any]:
    """Cross-validated quality of both matchers on their labels (no answer key needed)."""
    from pipeline.evaluate import clusters_from_pairs, score_clusters
    from pipeline.matching import choose_threshold, cross_validated_scores, train

    seconds: dict[str, float] = {}
    extracted, entries = read_inputs(input_dir, options, None, seconds)
    paths = {s["source_id"]: s["path"] for s in extracted.sources}
    report: dict[str, Any] = {}
    _, papers, _, _ = papers_of(entries, paths, options, seconds)
    for kind, model, records in (
        ("papers", PAPER_MODEL, paper_records(entries)),
        ("persons", PERSON_MODEL, mention_records(papers)),
    ):
        labels = current_labels(model, records, options)
        trained = train(model, records, labels)
        probs, y = cross_validated_scores(trained.matcher, labels, model)
        threshold, quality = choose_threshold(probs, y)
        pairs = labels.match + labels.distinct
        keys = {r["key"] for pair in pairs for r in pair}
        truth = clusters_from_pairs(keys, [(a["key"], b["key"]) for a, b in labels.match])
        predicted_pairs = [
            (a["key"], b["key"]) for (a, b), p in zip(pairs, probs, strict=True) if p >= threshold
        ]
        predicted = clusters_from_pairs(keys, predicted_pairs)
        report[kind] = {
            "labels": {"match": len(labels.match), "distinct": len(labels.distinct)},
            "threshold": round(threshold, 4),
            "pairwise_on_labeled_pairs": quality,
            "clusters_of_labeled_records": score_clusters(predicted, truth),
        }
    return report


def evaluate_output(out_dir: Path, answer_key: Path) -> dict[str, Any]:
    """Score a published run's paper clusters against an answer key of record_key pairs."""
    import pyarrow.parquet as pq

    from pipeline.evaluate import clusters_from_pairs, read_answer_key, score_clusters

    try:
        entries = pq.read_table(out_dir / "entries.parquet", columns=["entry_id", "record_key"])
        links = pq.read_table(out_dir / "paper_entries.parquet", columns=["paper_id", "entry_id"])
    except (FileNotFoundError, OSError) as exc:
        raise ConfigError(f"{out_dir}: not a published bylines output ({exc})") from exc
    key_of = dict(
        zip(entries["entry_id"].to_pylist(), entries["record_key"].to_pylist(), strict=True)
    )
    groups: dict[str, set[str]] = {}
    for paper_id, entry_id in zip(
        links["paper_id"].to_pylist(), links["entry_id"].to_pylist(), strict=True
    ):
        groups.setdefault(paper_id, set()).add(key_of[entry_id])
    predicted = [frozenset(g) for g in groups.values()]
    pairs = read_answer_key(answer_key)
    known = set(key_of.values())
    unknown = sorted({k for pair in pairs for k in pair} - known)
    truth = clusters_from_pairs(known, [p for p in pairs if p[0] in known and p[1] in known])
    result = {"papers": score_clusters(predicted, truth), "entries": len(known)}
    if unknown:
        result["answer_key_keys_not_in_output"] = len(unknown)
    return result


def review_items(input_dir: Path, options: Options) -> list[Any]:
    """Entries flagged or doubtful on pages with an owner, worst first, undecided only."""
    from pipeline.label_session import ReviewItem

    result = build_tables(input_dir, options=options)
    t = {name: table.to_pylist() for name, table in result.tables.items()}
    entries = {e["entry_id"]: e for e in t["entries"]}
    papers = {p["paper_id"]: p for p in t["papers"]}
    profiles = {p["source_id"]: p for p in t["profiles"]}
    rows = [
        a
        for a in t["attributions"]
        if a["status"] != "consistent"
        and a["decided_by"] == "model"
        and profiles[a["source_id"]]["owner_origin"] != "unknown"
    ]
    rows.sort(
        key=lambda a: (-(a["score"] or 0.0), a["source_id"], entries[a["entry_id"]]["position"])
    )
    items = []
    for a in rows:
        entry, paper, profile = (
            entries[a["entry_id"]],
            papers[a["paper_id"]],
            profiles[a["source_id"]],
        )
        authors = ", ".join(paper["author_names"]) or "(not shown on any page)"
        if paper["author_names"] and not paper["authors_complete"]:
            authors += " et al."
        items.append(
            ReviewItem(
                page=profile["path"],
                record_key=entry["record_key"],
                owner=f"{profile['owner_name']} ({profile['owner_origin']})",
                title=paper["title"] or (paper["abstract"] or "")[:120],
                authors=authors,
                evidence=list(a["reasons"]),
            )
        )
    return items


def validate_published(out_dir: Path) -> Validation:
    """Re-check a published folder with the current suites (it is left as it is)."""
    tables = read_published(out_dir)
    if tables is None:
        raise ConfigError(f"{out_dir}: not a published bylines output (no run.json)")
    return validate(tables)

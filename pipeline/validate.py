"""Stage 7, validate: the Great Expectations suites in `expectations/` on every table.

Each published table has one suite, a JSON file reviewed like code. Every
expectation carries `meta.severity`: `error` blocks publishing, `warning` is
reported. Checks that span tables (no date after the page's scrape, declared
against parsed counts) run on views of the tables with the needed columns
joined in, and on run parameters (`$PARAMETER` in a suite): today's date,
next year.

A foreign key is declared in its expectation's `meta.references` (column,
table, key); the view holds `<column>_unknown`, the values that name no row
of the referenced table, and the expectation wants it null. The ids are not
passed as a `$PARAMETER` set: Great Expectations copies an expectation's
arguments many times per run, and a million ids made validation the slowest
stage.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.errors import ConfigError

log = logging.getLogger(__name__)

SUITES = Path(__file__).resolve().parents[1] / "expectations"
SEVERITIES = ("error", "warning")


@dataclass
class Outcome:
    """One expectation's result on one table, in a curator's terms."""

    table: str
    expectation: str
    target: str
    severity: str
    why: str
    success: bool
    unexpected: int = 0
    sample: list[str] = field(default_factory=list)
    problem: str | None = None

    @property
    def label(self) -> str:
        return f"{self.table}: {self.expectation}({self.target})"


@dataclass
class Validation:
    outcomes: list[Outcome]
    docs_index: Path | None = None

    @property
    def errors(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.success and o.severity == "error"]

    @property
    def warnings(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.success and o.severity == "warning"]

    @property
    def success(self) -> bool:
        return not self.errors

    def summary(self) -> dict[str, Any]:
        return {
            "success": self.success,
            "expectations": len(self.outcomes),
            "failed_errors": [o.label for o in self.errors],
            "failed_warnings": [o.label for o in self.warnings],
        }


def load_suites(folder: Path = SUITES) -> dict[str, dict[str, Any]]:
    """Every suite file, checked for a name and a severity on each expectation."""
    suites: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.json")):
        try:
            suite = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path}: not valid JSON: {exc}") from exc
        for i, expectation in enumerate(suite.get("expectations", [])):
            severity = expectation.get("meta", {}).get("severity")
            if severity not in SEVERITIES:
                raise ConfigError(
                    f"{path}: expectation {i} ({expectation.get('type')}) needs meta.severity "
                    f"in {SEVERITIES}, has {severity!r}"
                )
        suites[suite.get("name", path.stem)] = suite
    return suites


def _frame(table: pa.Table) -> pd.DataFrame:
    """A table as pandas, nested values as tuples (hashable, so set and uniqueness
    expectations can read them)."""
    frame = table.to_pandas(date_as_object=False)
    for f in table.schema:
        if pa.types.is_nested(f.type):
            frame[f.name] = frame[f.name].map(_hashable)
    return frame


def comparable_dtypes(frame: pd.DataFrame) -> pd.DataFrame:
    """Numbers as 64-bit and dates in nanoseconds where every value fits (1677 to 2262).

    Great Expectations compares int64, float64 and datetime64[ns] columns with their
    bounds at once, and other widths and units (Arrow's int16 positions, dates as
    seconds or milliseconds) one value at a time in Python: a seventh of validating
    100k entries. A date column with a value outside that range keeps its unit, and
    its check still runs, slowly; pandas' own types (text, nullable) are left."""
    for name in frame.columns:
        dtype = frame[name].dtype
        if not isinstance(dtype, np.dtype):
            continue
        if dtype.kind in "iu" and dtype.itemsize < 8:
            frame[name] = frame[name].astype("int64")
        elif dtype.kind == "f" and dtype != np.float64:
            frame[name] = frame[name].astype("float64")
        elif dtype.kind == "M" and dtype != np.dtype("datetime64[ns]"):
            low, high = frame[name].min(), frame[name].max()
            if pd.isna(low) or (pd.Timestamp.min <= low and high <= pd.Timestamp.max):
                frame[name] = frame[name].astype("datetime64[ns]")
    return frame


def _hashable(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple((k, _hashable(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        return tuple(_hashable(v) for v in value)
    return value


@dataclass(frozen=True)
class ForeignKey:
    table: str
    column: str
    references: str
    key: str

    @property
    def derived(self) -> str:
        return f"{self.column}_unknown"


def foreign_keys(suites: dict[str, dict[str, Any]]) -> list[ForeignKey]:
    """The foreign keys the suites declare in `meta.references`."""
    found = []
    for table, suite in sorted(suites.items()):
        for expectation in suite.get("expectations", []):
            ref = expectation.get("meta", {}).get("references")
            if ref:
                found.append(ForeignKey(table, ref["column"], ref["table"], ref["key"]))
    return found


COLUMN_ARGUMENTS = ("column", "column_A", "column_B")
DERIVED_FROM = {
    "entries": ("source_id",),  # scraped_at
    "sources": ("entry_count", "quarantined_count"),  # quarantined shares
}
"""Columns a view reads to derive the checked ones, beyond the checked columns."""


def checked_columns(suite: dict[str, Any]) -> set[str] | None:
    """The columns a suite's expectations name; None when one looks at the whole table
    (then the view keeps every column)."""
    columns: set[str] = set()
    for expectation in suite.get("expectations", []):
        named = _named_columns(expectation)
        if not named:
            return None
        columns.update(named)
    return columns


def _named_columns(expectation: dict[str, Any]) -> list[str]:
    kwargs = expectation.get("kwargs", {})
    return [kwargs[k] for k in COLUMN_ARGUMENTS if k in kwargs] + list(
        kwargs.get("column_list") or []
    )


NULL_CHECK = "expect_column_values_to_not_be_null"
SHORTENED_CHARS = 40
"""Characters kept of a text column that is only checked for nulls."""


def only_null_checked(suite: dict[str, Any]) -> set[str]:
    """Columns whose every expectation is `NULL_CHECK`: a view keeps whether each
    value is there and the first `SHORTENED_CHARS` characters (all a failure's
    sample could show of a missing value), not the text. The entries' page text
    was 0.8 GB of Python strings at a million, converted to be counted."""
    kinds: dict[str, set[str]] = defaultdict(set)
    for expectation in suite.get("expectations", []):
        for column in _named_columns(expectation):
            kinds[column].add(expectation.get("type", ""))
    return {column for column, types in kinds.items() if types == {NULL_CHECK}}


def _derived_in_arrow(name: str, table: pa.Table) -> pa.Table:
    """Checked columns computed from text and nested columns without leaving Arrow."""
    extra: dict[str, pa.Array] = {}
    if name in ("entries", "papers"):
        extra["has_text"] = pc.or_(pc.is_valid(table["title"]), pc.is_valid(table["abstract"]))
    if name == "persons":
        extra["variant_count"] = pc.list_value_length(table["variants"])
    if name == "attributions":
        extra["reason_count"] = pc.fill_null(pc.list_value_length(table["reasons"]), 0)
    for column, values in extra.items():
        table = table.append_column(column, values)
    return table


def view(
    name: str,
    tables: dict[str, pa.Table],
    keys: list[ForeignKey] | None = None,
    checked: set[str] | None = None,
    shortened: set[str] | None = None,
) -> pd.DataFrame:
    """Table `name` as its suite sees it, with derived columns for cross-table checks.

    With `checked`, only those columns (and what derived ones are made of) become
    pandas: at a million entries, page text, abstracts and nested author lists
    nobody checks cost a minute to convert and for Great Expectations to fingerprint.
    Text columns in `shortened` keep their first `SHORTENED_CHARS` characters
    (`only_null_checked`). One table at a time: every table as pandas at once held
    gigabytes."""
    keys = [fk for fk in keys or [] if fk.table == name]
    table = _derived_in_arrow(name, tables[name])
    if checked is not None:
        wanted = checked | {fk.column for fk in keys} | set(DERIVED_FROM.get(name, ()))
        table = table.select([c for c in table.column_names if c in wanted])
    shortened = shortened or set()
    for i, f in enumerate(table.schema):
        if f.name in shortened and pa.types.is_string(f.type):
            short = pc.utf8_slice_codeunits(table[f.name], 0, SHORTENED_CHARS)
            table = table.set_column(i, f, short)
    for fk in keys:
        table = table.append_column(fk.derived, _dangling(table[fk.column], fk, tables))
    frame = _frame(table)
    if name == "sources":
        chunks = frame["entry_count"].fillna(0) + frame["quarantined_count"].fillna(0)
        frame["quarantined_share"] = (
            frame["quarantined_count"].fillna(0) / chunks.where(chunks > 0)
        ).astype("float64")
        total = float(chunks.sum())
        frame["run_quarantined_share"] = (
            float(frame["quarantined_count"].fillna(0).sum()) / total if total else 0.0
        )
    if name == "entries" and "sources" in tables:
        sources = tables["sources"]
        page = pc.index_in(table["source_id"], value_set=_whole(sources["source_id"]))
        scraped = sources["scraped_at"].take(page).to_pylist()
        frame["scraped_at"] = pd.to_datetime(pd.Series(scraped, index=frame.index, dtype=object))
    return comparable_dtypes(frame)


def _dangling(values: pa.ChunkedArray, fk: ForeignKey, tables: dict[str, pa.Table]) -> pa.Array:
    """`values` where they name no row of the referenced table, else null: matched in
    Arrow, a million keys against a million (Python's loop over them took seconds
    a key column)."""
    known = tables[fk.references][fk.key] if fk.references in tables else pa.array([], values.type)
    missing = pc.and_(pc.is_valid(values), pc.invert(pc.is_in(values, value_set=_whole(known))))
    return pc.if_else(missing, values, pa.scalar(None, values.type))


def _whole(values: pa.ChunkedArray | pa.Array) -> pa.Array:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def parameters(today: dt.date | None = None) -> dict[str, Any]:
    """Run parameters the suites refer to with `$PARAMETER`."""
    today = today or dt.date.today()
    return {
        "today": pd.Timestamp(today),
        "min_date": pd.Timestamp(1900, 1, 1),
        "next_year": today.year + 1,
    }


def _context(docs_dir: Path | None) -> Any:
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    # in-memory stores and no default docs site (which would leave a temporary
    # folder behind on every run); the run's own site is added below
    config = DataContextConfig(store_backend_defaults=InMemoryStoreBackendDefaults())
    context = gx.get_context(mode="ephemeral", project_config=config)
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    if docs_dir is not None:
        context.add_data_docs_site(
            site_name="bylines",
            site_config={
                "class_name": "SiteBuilder",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(docs_dir),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
    return context


def _plain(value: Any) -> Any:
    """A value as curators read it: `(32.0, 31)`, not `(np.float64(32.0), np.int64(31))`."""
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    return value.item() if isinstance(value, np.generic) else value


@contextlib.contextmanager
def without_batch_fingerprints() -> Iterator[None]:
    """Great Expectations leaves out its batch fingerprint (an MD5 over pandas' hash
    of every cell, shown among Data Docs' batch markers) only for frames of a
    gigabyte or more; below that it costs a fifth of validating 100k entries.
    What a run read is fingerprinted already: run.json's `inputs_sha256`."""
    from great_expectations.execution_engine import pandas_execution_engine as engine

    saved = engine.HASH_THRESHOLD
    engine.HASH_THRESHOLD = 0
    try:
        yield
    finally:
        engine.HASH_THRESHOLD = saved


def _outcome(table: str, result: Any) -> Outcome:
    config = result.expectation_config
    kwargs = dict(config.kwargs)
    target = kwargs.get("column") or ", ".join(
        str(kwargs[k]) for k in ("column_A", "column_B", "column_list") if k in kwargs
    )
    meta = config.meta or {}
    info = result.exception_info or {}
    problem = info.get("exception_message") if info.get("raised_exception") else None
    details = result.result or {}
    sample = [str(_plain(v)) for v in (details.get("partial_unexpected_list") or [])[:5]]
    return Outcome(
        table=table,
        expectation=config.type,
        target=str(target),
        severity=meta.get("severity", "error"),
        why=meta.get("why", ""),
        success=bool(result.success) and problem is None,
        unexpected=int(details.get("unexpected_count") or 0),
        sample=sample,
        problem=problem,
    )


def validate(
    tables: dict[str, pa.Table],
    suites_dir: Path = SUITES,
    docs_dir: Path | None = None,
    today: dt.date | None = None,
) -> Validation:
    """Run every table's suite; build Data Docs into `docs_dir` when given."""
    import great_expectations as gx

    for name in [n for n in logging.root.manager.loggerDict if n.startswith("great_expectations")]:
        logging.getLogger(name).setLevel(logging.WARNING)  # GX is chatty at INFO
    suites = load_suites(suites_dir)
    missing = sorted(set(tables) - set(suites))
    if missing:
        raise ConfigError(f"{suites_dir}: no expectation suite for table(s) {missing}")
    keys = foreign_keys(suites)
    params = parameters(today)
    context = _context(docs_dir)
    source = context.data_sources.add_pandas("bylines")
    outcomes: list[Outcome] = []
    with without_batch_fingerprints():
        for name in tables:
            suite = context.suites.add(gx.ExpectationSuite(**suites[name]))
            batch = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("run")
            definition = context.validation_definitions.add(
                gx.ValidationDefinition(name=name, data=batch, suite=suite)
            )
            result = definition.run(  # the view inline: one table's frame alive at a time
                batch_parameters={
                    "dataframe": view(
                        name,
                        tables,
                        keys,
                        checked_columns(suites[name]),
                        only_null_checked(suites[name]),
                    )
                },
                expectation_parameters=params,
            )
            outcomes.extend(_outcome(name, r) for r in result.results)
    docs_index = None
    if docs_dir is not None:
        context.build_data_docs()
        docs_index = docs_dir / "index.html"
    validation = Validation(outcomes, docs_index)
    for o in validation.errors + validation.warnings:
        log.log(
            logging.ERROR if o.severity == "error" else logging.WARNING,
            "validation %s failed: %s (%d unexpected, e.g. %s)%s",
            o.label,
            o.why,
            o.unexpected,
            ", ".join(o.sample[:3]) or "-",
            f"; {o.problem}" if o.problem else "",
        )
    return validation

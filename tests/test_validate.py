"""The validation gate: suites as data, corrupted tables blocked, output kept."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline import api
from pipeline.errors import PublishBlocked
from pipeline.schema import PUBLISHED
from pipeline.validate import SUITES, load_suites, validate

BYLINES = Path(sys.executable).parent / "bylines"


def test_every_published_table_has_a_suite_with_severities():
    suites = load_suites()
    assert set(suites) == set(PUBLISHED)
    for path in SUITES.glob("*.json"):
        for e in json.loads(path.read_text())["expectations"]:
            assert e["meta"]["severity"] in {"error", "warning"}, (path.name, e["type"])
            assert e["meta"]["why"], (path.name, e["type"])


@pytest.fixture(scope="module")
def good_tables(model_cache):
    from tests.helpers import RAW

    return api.build_tables(RAW, options=api.Options(cache_dir=model_cache)).tables


def _set(table: pa.Table, column: str, index: int, value: object) -> pa.Table:
    values = table.column(column).to_pylist()
    values[index] = value
    i = table.schema.get_field_index(column)
    return table.set_column(i, column, pa.array(values, type=table.schema.field(column).type))


def corrupt(tables: dict[str, pa.Table], kind: str) -> dict[str, pa.Table]:
    bad = dict(tables)
    if kind == "duplicate key":
        bad["entries"] = pa.concat_tables([tables["entries"], tables["entries"].slice(0, 1)])
    elif kind == "dangling foreign key":
        bad["paper_entries"] = _set(tables["paper_entries"], "entry_id", 0, "e_nowhere")
    elif kind == "malformed arXiv id":
        bad["entries"] = _set(tables["entries"], "arxiv_id", 0, "arXiv 23.1")
    return bad


EXPECTED = {
    "duplicate key": "entries: expect_column_values_to_be_unique(entry_id)",
    "dangling foreign key": "paper_entries: expect_column_values_to_be_null(entry_id_unknown)",
    "malformed arXiv id": "entries: expect_column_values_to_match_regex(arxiv_id)",
}


def test_clean_tables_pass(good_tables):
    result = validate(good_tables)
    assert result.success, [o.label for o in result.errors]
    assert len(result.outcomes) >= 50


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_corruption_is_an_error(good_tables, kind):
    result = validate(corrupt(good_tables, kind))
    assert not result.success
    assert EXPECTED[kind] in [o.label for o in result.errors]


def test_a_date_after_the_scrape_is_an_error(good_tables):
    import datetime as dt

    sources = _set(good_tables["sources"], "scraped_at", 0, dt.date(2000, 1, 1))
    result = validate({**good_tables, "sources": sources})
    labels = [o.label for o in result.errors]
    assert (
        "entries: expect_column_pair_values_a_to_be_greater_than_b(scraped_at, published)" in labels
    )


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_gate_blocks_publishing_and_keeps_previous_output(
    tmp_path: Path, model_cache: Path, monkeypatch: pytest.MonkeyPatch, kind: str
):
    from tests.helpers import RAW

    out = tmp_path / "out"
    options = api.Options(cache_dir=model_cache)
    api.run(RAW, out, options=options, argv=[])
    before = _snapshot(out)
    real = api.build_tables

    def corrupted(*args, **kwargs):
        result = real(*args, **kwargs)
        result.tables = corrupt(result.tables, kind)
        return result

    monkeypatch.setattr(api, "build_tables", corrupted)
    with pytest.raises(PublishBlocked) as blocked:
        api.run(RAW, out, options=options, argv=[])
    assert blocked.value.exit_code == 1 and EXPECTED[kind] in str(blocked.value)
    assert _snapshot(out) == before
    failed = (tmp_path / "out.failed" / "report" / "index.html").read_text()
    assert (
        "nothing was published" in failed and EXPECTED[kind].split(": ")[1].split("(")[0] in failed
    )
    assert (tmp_path / "out.failed" / "docs" / "index.html").exists()


def test_validate_command_rechecks_a_published_folder(tmp_path: Path):
    out = tmp_path / "out"
    assert (
        subprocess.run([str(BYLINES), "run", "--out", str(out)], capture_output=True).returncode
        == 0
    )
    ok = subprocess.run([str(BYLINES), "validate", str(out)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    entries = pq.read_table(copy / "entries.parquet")
    pq.write_table(pa.concat_tables([entries, entries.slice(0, 1)]), copy / "entries.parquet")
    bad = subprocess.run([str(BYLINES), "validate", str(copy)], capture_output=True, text=True)
    assert bad.returncode == 1
    assert "ERROR   entries: expect_column_values_to_be_unique(entry_id)" in bad.stdout
    assert (out / "run.json").exists() and (out / "report" / "index.html").exists()
    assert (out / "docs" / "index.html").exists()


def test_foreign_keys_are_declared_in_the_suites_and_nulls_name_nothing():
    from pipeline.validate import ForeignKey, foreign_keys, load_suites, view

    keys = foreign_keys(load_suites())
    assert ForeignKey("paper_entries", "entry_id", "entries", "entry_id") in keys
    assert ForeignKey("profiles", "owner_person_id", "persons", "person_id") in keys
    tables = {
        "persons": pa.table({"person_id": ["n_1", "n_2"], "variants": [["A"], ["B"]]}),
        "profiles": pa.table({"owner_person_id": ["n_1", None, "n_9"]}),
    }
    fk = ForeignKey("profiles", "owner_person_id", "persons", "person_id")
    derived = view("profiles", tables, [fk])[fk.derived]
    assert derived.isna().tolist() == [True, True, False] and derived[2] == "n_9"


def test_a_suite_sees_the_columns_it_checks_with_the_same_values(good_tables):
    from pipeline.validate import checked_columns, foreign_keys, view

    suites = load_suites()
    keys = foreign_keys(suites)
    for name in good_tables:
        checked = checked_columns(suites[name])
        assert checked, name
        narrow = view(name, good_tables, keys, checked)
        whole = view(name, good_tables, keys)
        assert checked <= set(narrow.columns), (name, checked - set(narrow.columns))
        for column in checked:
            assert narrow[column].equals(whole[column]), (name, column)
    assert "authors" not in view("entries", good_tables, keys, checked_columns(suites["entries"]))


def test_a_table_level_expectation_keeps_every_column():
    from pipeline.validate import checked_columns

    suite = {
        "expectations": [
            {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "a"}},
            {"type": "expect_compound_columns_to_be_unique", "kwargs": {"column_list": ["b"]}},
        ]
    }
    assert checked_columns(suite) == {"a", "b"}
    suite["expectations"].append(
        {"type": "expect_table_columns_to_match_set", "kwargs": {"column_set": ["a", "b"]}}
    )
    assert checked_columns(suite) is None


def test_a_dangling_key_is_shown_in_its_derived_column_and_pages_give_entries_their_date():
    import datetime as dt

    import pandas as pd

    from pipeline.validate import ForeignKey, view

    pages = [
        pa.record_batch({"source_id": ["s1"], "scraped_at": [dt.date(2024, 1, 2)]}),
        pa.record_batch({"source_id": ["s2"], "scraped_at": [dt.date(2024, 3, 4)]}),
    ]  # two chunks, as a table read from Parquet may be
    tables = {
        "entries": pa.table(
            {
                "entry_id": ["e1", "e2", "e3"],
                "source_id": ["s2", None, "s9"],
                "title": ["T", "T", "T"],
                "abstract": pa.array([None] * 3, pa.string()),
            }
        ),
        "sources": pa.Table.from_batches(pages),
    }
    keys = [ForeignKey("entries", "source_id", "sources", "source_id")]
    frame = view("entries", tables, keys)
    assert frame["source_id_unknown"].isna().tolist() == [True, True, False]
    assert frame["source_id_unknown"].tolist()[2] == "s9"
    assert frame["scraped_at"].tolist()[0] == pd.Timestamp(2024, 3, 4)
    assert frame["scraped_at"].isna().tolist() == [False, True, True]


def test_numbers_and_dates_reach_great_expectations_in_the_types_it_compares_at_once():
    import datetime as dt

    import pandas as pd

    from pipeline.validate import comparable_dtypes

    frame = pd.DataFrame(
        {
            "position": pd.Series([0, 3], dtype="int16"),
            "score": pd.Series([0.5, 1.0], dtype="float32"),
            "published": pd.Series([dt.datetime(2020, 1, 1), None], dtype="datetime64[s]"),
            "ancient": pd.Series([dt.datetime(1500, 1, 1), None], dtype="datetime64[s]"),
            "none": pd.Series([None, None], dtype="datetime64[ms]"),
            "name": ["a", "b"],
        }
    )
    out = comparable_dtypes(frame.copy())
    assert str(out["position"].dtype) == "int64"
    assert str(out["score"].dtype) == "float64"
    assert str(out["published"].dtype) == "datetime64[ns]"
    assert str(out["none"].dtype) == "datetime64[ns]"
    assert str(out["ancient"].dtype) == "datetime64[s]"  # nanoseconds start in 1677
    assert out["name"].tolist() == ["a", "b"]
    for column in frame.columns:
        assert out[column].tolist() == frame[column].tolist(), column


def test_a_date_before_nanoseconds_reach_is_still_an_error(good_tables):
    import datetime as dt

    entries = _set(good_tables["entries"], "published", 0, dt.date(1500, 1, 1))
    result = validate({**good_tables, "entries": entries})
    by_label = {o.label: o for o in result.errors}
    failed = by_label["entries: expect_column_values_to_be_between(published)"]
    assert failed.unexpected == 1
    assert [o.problem for o in result.outcomes if o.problem] == []


def test_no_batch_is_fingerprinted_and_samples_read_as_plain_values(good_tables, monkeypatch):
    from great_expectations.execution_engine import pandas_execution_engine as engine

    hashed = []
    monkeypatch.setattr(engine, "hash_pandas_dataframe", lambda df: hashed.append(len(df)))
    threshold = engine.HASH_THRESHOLD
    sources = good_tables["sources"]
    declared = sources["entry_count"][0].as_py() + 1
    sources = _set(sources, "declared_paper_count", 0, declared)
    result = validate({**good_tables, "sources": sources})
    assert hashed == []
    assert threshold == engine.HASH_THRESHOLD
    (mismatch,) = [o for o in result.warnings if o.target.startswith("declared_paper_count")]
    assert mismatch.sample == [f"({float(declared)}, {declared - 1})"]


def test_a_view_hands_over_its_numbers_and_dates_in_those_types(good_tables):
    from pipeline.validate import checked_columns, foreign_keys, view

    suites = load_suites()
    frame = view("entries", good_tables, foreign_keys(suites), checked_columns(suites["entries"]))
    assert str(frame["position"].dtype) == "int64"
    assert str(frame["published"].dtype) == "datetime64[ns]"
    assert str(frame["scraped_at"].dtype) == "datetime64[ns]"


def test_text_checked_only_for_nulls_is_seen_shortened_with_its_nulls(good_tables):
    from pipeline.validate import (
        SHORTENED_CHARS,
        checked_columns,
        foreign_keys,
        only_null_checked,
        view,
    )

    suites = load_suites()
    shortened = only_null_checked(suites["entries"])
    assert "raw_text" in shortened
    assert not {"entry_id", "record_key", "arxiv_id"} & shortened  # other checks see it all
    entries = _set(good_tables["entries"], "raw_text", 1, None)
    tables = {**good_tables, "entries": entries}
    checked = checked_columns(suites["entries"])
    frame = view("entries", tables, foreign_keys(suites), checked, shortened)
    texts = entries["raw_text"].to_pylist()
    assert max(len(t) for t in texts if t) > SHORTENED_CHARS
    assert frame["raw_text"].isna().tolist() == [t is None for t in texts]
    assert frame["raw_text"].dropna().tolist() == [t[:SHORTENED_CHARS] for t in texts if t]
    result = validate(tables)
    failed = [o.label for o in result.errors + result.warnings]
    assert "entries: expect_column_values_to_not_be_null(raw_text)" in failed

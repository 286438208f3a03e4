"""The `bylines` command end to end, as a user runs it: real processes, real Parquet."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pexpect
import pyarrow.parquet as pq
import pytest

from pipeline.schema import PUBLISHED

BYLINES = Path(sys.executable).parent / "bylines"


def bylines(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BYLINES), *map(str, args)], capture_output=True, text=True, timeout=300
    )


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_run_on_sample_pages_publishes_every_table(raw_copy: Path, tmp_path: Path):
    out = tmp_path / "fresh" / "out"
    proc = bylines("run", "--input", raw_copy, "--out", out)
    assert proc.returncode == 0, proc.stderr
    for name, schema in PUBLISHED.items():
        table = pq.read_table(out / f"{name}.parquet")
        assert table.schema.equals(schema, check_metadata=False), name
    entries = pq.read_table(out / "entries.parquet").to_pylist()
    sources = pq.read_table(out / "sources.parquet").to_pylist()
    assert len(sources) == 5 and len(entries) == 55
    assert pq.read_table(out / "quarantine.parquet").num_rows == 0
    declared = {s["path"]: s for s in sources}
    owners = {s["owner_origin"] for s in sources if s["owner_name"]}
    assert owners == {"declared"}  # data/raw ships a sources.toml
    assert sum(s["entry_count"] for s in declared.values()) == len(entries)
    keys = [e["record_key"] for e in entries]
    assert len(set(keys)) == len(keys) and len({e["entry_id"] for e in entries}) == len(entries)
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["row_counts"]["entries"] == 55
    assert {"extract", "normalize"} <= set(manifest["stage_seconds"])
    peaks = manifest["stage_peak_mb"]
    assert set(manifest["stage_seconds"]) - {"validate", "publish"} <= set(peaks)
    assert 0 < peaks["extract"] <= peaks["attribute"] <= peaks["report"]  # a running peak
    assert len(manifest["inputs"]) == 5 and all(len(i["sha256"]) == 64 for i in manifest["inputs"])
    assert "extract: 5/5 files" in proc.stderr  # plain log lines off a terminal
    assert "\r" not in proc.stderr


def test_same_input_identical_parquet(raw_copy: Path, tmp_path: Path):
    for name in ("a", "b"):
        assert bylines("run", "--input", raw_copy, "--out", tmp_path / name).returncode == 0
    a, b = _snapshot(tmp_path / "a"), _snapshot(tmp_path / "b")
    for name in PUBLISHED:
        assert a[f"{name}.parquet"] == b[f"{name}.parquet"], name


def test_bad_files_are_quarantined_and_the_run_goes_on(raw_copy: Path, tmp_path: Path):
    (raw_copy / "empty.txt").write_bytes(b"")
    (raw_copy / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    out = tmp_path / "out"
    proc = bylines("run", "--input", raw_copy, "--out", out)
    assert proc.returncode == 0, proc.stderr
    quarantine = pq.read_table(out / "quarantine.parquet").to_pylist()
    assert {q["path"]: q["reason"].split(":")[0] for q in quarantine} == {
        "empty.txt": "empty file",
        "image.png": "binary file",
    }
    assert "empty.txt:byte 0: quarantined: empty file" in proc.stderr
    assert pq.read_table(out / "entries.parquet").num_rows == 55


def test_strict_blocks_publishing_and_keeps_previous_output(raw_copy: Path, tmp_path: Path):
    out = tmp_path / "out"
    assert bylines("run", "--input", raw_copy, "--out", out).returncode == 0
    before = _snapshot(out)
    (raw_copy / "notes.txt").write_text("Nothing here looks like a page.\n")
    proc = bylines("run", "--strict", "--input", raw_copy, "--out", out)
    assert proc.returncode == 1
    assert "--strict: 1 chunk(s) quarantined; nothing published" in proc.stderr
    assert _snapshot(out) == before


def test_a_catalogue_shrunk_to_under_half_is_published_with_a_warning(
    raw_copy: Path, tmp_path: Path
):
    out = tmp_path / "out"
    assert bylines("run", "--input", raw_copy, "--out", out).returncode == 0
    pages = sorted(p for p in raw_copy.iterdir() if p.suffix == ".txt")
    for page in pages[1:]:
        page.unlink()  # tonight's scrape fetched one page of five
    proc = bylines("run", "--input", raw_copy, "--out", out)
    assert proc.returncode == 0, proc.stderr
    issues = pq.read_table(out / "quality_issues.parquet").to_pylist()
    (shrank,) = [i for i in issues if i["check"] == "catalogue_shrank"]
    assert (
        shrank["severity"] == "warning"
        and "against 55 in the last published run" in (shrank["message"])
    )
    assert "was the input scraped whole?" in proc.stderr
    assert json.loads((out / "run.json").read_text())["row_counts"]["quality_issues"] == len(issues)


def test_an_emptied_input_folder_keeps_the_previous_output(raw_copy: Path, tmp_path: Path):
    out = tmp_path / "out"
    assert bylines("run", "--input", raw_copy, "--out", out).returncode == 0
    before = _snapshot(out)
    for page in raw_copy.iterdir():
        if page.name != "sources.toml":
            page.unlink()  # the scraper left nothing tonight
    proc = bylines("run", "--input", raw_copy, "--out", out)
    assert proc.returncode == 2
    assert "no files to read" in proc.stderr and "nothing published" in proc.stderr
    assert _snapshot(out) == before


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        (None, ["--input", "{tmp}/missing"], "no such folder"),
        (None, ["--input", "{tmp}/in"], "no files to read"),
        ("bad_toml", ["--input", "{tmp}/in"], "not valid TOML"),
        ("foreign_out", ["--input", "{tmp}/in", "--out", "{tmp}/home"], "holds no run.json"),
        (None, ["--input", "{tmp}/in", "--max-page-mb", "0"], "must be positive"),
    ],
)
def test_usage_and_configuration_errors_exit_2(tmp_path: Path, setup, args, message):
    (tmp_path / "in").mkdir()
    if setup == "bad_toml":
        (tmp_path / "in" / "sources.toml").write_text("[oops\n")
    if setup == "foreign_out":
        (tmp_path / "home").mkdir()
        (tmp_path / "home" / "notes.md").write_text("mine")
    args = [a.format(tmp=tmp_path) for a in args]
    if "--out" not in args:
        args += ["--out", str(tmp_path / "out")]
    proc = bylines("run", *args)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("command", [[], ["run"], ["inspect"]])
def test_help_on_every_command(command: list[str]):
    proc = bylines(*command, "--help")
    assert proc.returncode == 0 and "usage: bylines" in proc.stdout


def test_inspect_shows_shape_and_entries(tmp_path: Path):
    page = tmp_path / "page"
    page.write_text("Abstract:One abstract.\nAbstract:Another one.\n")
    proc = bylines("inspect", page)
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert lines[0]["format"] == "abstract_list" and lines[0]["scores"]["abstract_list"] == 0.9
    assert [ln["entry"]["abstract"] for ln in lines[1:]] == ["One abstract.", "Another one."]


def test_inspect_scores_an_html_page_as_its_text(tmp_path: Path):
    page = tmp_path / "page"
    page.write_text(
        "<!DOCTYPE html><html><body><p>Abstract:One abstract.</p>"
        "<p>Abstract:Another one.</p></body></html>"
    )
    proc = bylines("inspect", page)
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert lines[0]["format"] == "html_abstract_list"
    assert lines[0]["scores"]["abstract_list"] == 0.9
    assert [ln["entry"]["line_start"] for ln in lines[1:]] == [1, 1]


def test_progress_bar_on_a_terminal(raw_copy: Path, tmp_path: Path):
    child = pexpect.spawn(
        str(BYLINES),
        ["run", "--input", str(raw_copy), "--out", str(tmp_path / "out")],
        encoding="utf-8",
        timeout=120,
    )
    child.expect(r"extract: 100%\|.*\| 5/5")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_training_is_reproducible_across_processes(tmp_path: Path):
    """Same labels and data, two fresh model caches: the same model, the same clusters."""
    for name in ("a", "b"):
        proc = bylines(
            "run", "--out", tmp_path / name / "out", "--cache", tmp_path / name / "cache"
        )
        assert proc.returncode == 0, proc.stderr
    a, b = _snapshot(tmp_path / "a" / "out"), _snapshot(tmp_path / "b" / "out")
    for name in ("paper_entries", "papers", "persons", "authorships"):
        assert a[f"{name}.parquet"] == b[f"{name}.parquet"], name


def test_evaluate_against_an_answer_key(tmp_path: Path):
    out = tmp_path / "out"
    assert bylines("run", "--out", out).returncode == 0
    key = Path(__file__).parent / "fixtures" / "sample_truth" / "papers_pairs.csv"
    proc = bylines("evaluate", "--answer-key", key, out)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["papers"]["pairwise"]["f1"] == 1.0 and report["papers"]["bcubed"]["f1"] == 1.0


def test_evaluate_cross_validates_on_the_labels():
    proc = bylines("--log-level", "WARNING", "evaluate")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    for kind in ("papers", "persons"):
        assert report[kind]["labels"]["match"] >= 4
        assert 0 < report[kind]["threshold"] < 1
        assert report[kind]["pairwise_on_labeled_pairs"]["f1"] > 0.8
        assert "bcubed" in report[kind]["clusters_of_labeled_records"]

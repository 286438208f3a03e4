"""Nightly runs: incremental extraction, locking, crash safety, history, JSON logs."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.publish import output_lock
from tests.helpers import RAW

BYLINES = Path(sys.executable).parent / "bylines"


def bylines(*args, **kw) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BYLINES), *map(str, args)], capture_output=True, text=True, timeout=300, **kw
    )


def tables(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.parquet"))}


def everything(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture
def work(tmp_path: Path) -> Path:
    shutil.copytree(RAW, tmp_path / "in")
    return tmp_path


def test_incremental_run_equals_a_full_run(work: Path):
    cache = work / "cache"
    common = ["--input", work / "in", "--cache", cache]
    assert bylines("run", *common, "--out", work / "inc").returncode == 0
    shutil.copytree(work / "inc", work / "full")  # both start from the same published run
    (work / "in" / "more.txt").write_text("Abstract:A new abstract about lake ice in winter.\n")
    (work / "in" / "003_d80bbbd0b4cc316b.txt").unlink()  # a page removed
    second = bylines("run", *common, "--out", work / "inc")
    assert second.returncode == 0, second.stderr
    assert "4 file(s) unchanged (cached), 1 parsed" in second.stderr
    full = bylines("run", *common, "--full", "--out", work / "full")
    assert full.returncode == 0
    assert tables(work / "inc") == tables(work / "full")
    paths = pq.read_table(work / "inc" / "sources.parquet").column("path").to_pylist()
    assert "003_d80bbbd0b4cc316b.txt" not in paths and "more.txt" in paths


def test_corrupted_cache_entry_is_discarded_and_rebuilt(work: Path):
    cache = work / "cache"
    common = ["--input", work / "in", "--cache", cache, "--out", work / "out"]
    assert bylines("run", *common).returncode == 0
    before = tables(work / "out")
    entry = sorted((cache / "extract").rglob("*.json"))[0]
    entry.write_text(entry.read_text()[:-40] + "garbage}")
    again = bylines("run", *common)
    assert again.returncode == 0
    assert "discarding corrupted extract cache entry" in again.stderr
    assert tables(work / "out") == before


def test_a_second_run_on_the_same_output_exits_3_or_waits(work: Path):
    out = work / "out"
    with output_lock(out.absolute()):
        busy = bylines("run", "--input", work / "in", "--out", out)
        assert busy.returncode == 3
        assert "is being written by pid" in busy.stderr and "--wait" in busy.stderr
        waiting = subprocess.Popen(
            [str(BYLINES), "run", "--wait", "--input", str(work / "in"), "--out", str(out)],
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(2)
        assert waiting.poll() is None  # still waiting for the lock
    assert waiting.wait(timeout=300) == 0
    assert (out / "run.json").exists()


def test_sigkill_at_any_stage_never_damages_the_published_output(work: Path):
    out = work / "out"
    args = [str(BYLINES), "run", "--full", "--input", str(work / "in"), "--out", str(out)]
    assert subprocess.run(args, capture_output=True).returncode == 0
    before = everything(out)
    for delay in (0.2, 0.8, 1.5, 2.5, 4.0):
        proc = subprocess.Popen(args, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        now = everything(out)
        same = now == before
        newer = (
            json.loads((out / "run.json").read_text())["run_id"]
            != json.loads(before["run.json"])["run_id"]
        )
        assert same or newer, f"killed after {delay}s: output changed but is not a new run"
        for name in now:
            if name.endswith(".parquet") and "/" not in name:
                pq.read_table(out / name)  # every published table reads back
        before = now
    final = subprocess.run(args, capture_output=True, text=True)
    assert final.returncode == 0, final.stderr
    assert not list(work.glob(".out.staging*"))


def test_run_history_and_json_logs(work: Path):
    out = work / "out"
    for _ in range(2):
        proc = bylines("--log-format", "json", "run", "--input", work / "in", "--out", out)
        assert proc.returncode == 0
        for line in proc.stderr.splitlines():
            record = json.loads(line)
            assert {"time", "level", "logger", "message"} <= set(record)
        time.sleep(1.1)  # run ids carry the start second
    assert len(list((out / "runs").glob("*.json"))) == 2


def test_unwritable_output_is_a_clear_error(work: Path):
    blocker = work / "a-file"
    blocker.write_text("not a folder")
    proc = bylines("run", "--input", work / "in", "--out", blocker / "out")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "nothing published" in proc.stderr


def test_cache_entries_unused_for_a_month_are_pruned(tmp_path: Path):
    from pipeline.extract_cache import ExtractCache

    cache = ExtractCache(tmp_path)
    old = tmp_path / "ab" / "ab-old.json"
    new = tmp_path / "cd" / "cd-new.json"
    for path in (old, new):
        path.parent.mkdir(parents=True)
        path.write_text("{}")
    month_ago = time.time() - 31 * 86400
    os.utime(old, (month_ago, month_ago))
    assert cache.prune() == 1
    assert not old.exists() and new.exists()


def test_out_of_memory_exits_4_and_keeps_the_published_output(
    work: Path, monkeypatch: pytest.MonkeyPatch
):
    from pipeline import api, cli

    out = work / "out"
    assert bylines("run", "--input", work / "in", "--out", out).returncode == 0
    before = tables(out)

    def no_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setenv("PYTHONHASHSEED", "0")  # no re-exec: the run stays in this process
    monkeypatch.setattr(api, "attribute_pages", no_memory)
    assert cli.main(["run", "--input", str(work / "in"), "--out", str(out)]) == 4
    assert tables(out) == before


def test_a_killed_worker_exits_4_and_keeps_the_published_output(
    work: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    from pipeline import attribute, cli

    out = work / "out"
    assert bylines("run", "--input", work / "in", "--out", out).returncode == 0
    before = tables(out)
    run, real = os.getpid(), attribute.read_page

    def killed(*args, **kwargs):
        if os.getppid() != run:  # a worker forked by the attribution phase, reading pages
            os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's OOM killer would
        return real(*args, **kwargs)

    monkeypatch.setenv("PYTHONHASHSEED", "0")  # no re-exec: the run stays in this process
    monkeypatch.setattr(attribute, "read_page", killed)
    argv = ["run", "--input", str(work / "in"), "--out", str(out), "--jobs", "2"]
    assert cli.main(argv) == 4
    assert "process of the run was killed" in capsys.readouterr().err
    assert tables(out) == before


@pytest.mark.parametrize(
    "stage", ["match_papers", "resolve_authors", "catalogue", "attribute_pages"]
)
def test_a_killed_phase_exits_4_and_keeps_the_published_output(
    work: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], stage: str
):
    from pipeline import api, cli

    out = work / "out"
    assert bylines("run", "--input", work / "in", "--out", out).returncode == 0
    before = tables(out)

    def killed(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)  # the phase's process, as the OOM killer would

    monkeypatch.setenv("PYTHONHASHSEED", "0")  # no re-exec: the run stays in this process
    monkeypatch.setattr(api, stage, killed)
    assert cli.main(["run", "--input", str(work / "in"), "--out", str(out)]) == 4
    assert "phase process was killed by signal 9" in capsys.readouterr().err
    assert tables(out) == before

"""Publishing: atomic replacement, identical bytes for identical input, crash safety."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline import publish as publish_mod
from pipeline.errors import ConfigError
from pipeline.publish import previous_dir, publish, recover, staging_dir


def _tables(n: int) -> dict[str, pa.Table]:
    return {
        "alpha": pa.table({"x": list(range(n))}),
        "beta": pa.table({"y": [str(i) for i in range(n)]}),
    }


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_publish_writes_readable_tables_and_manifest(tmp_path: Path):
    out = tmp_path / "out"
    publish(_tables(3), {"run_id": "r1"}, out)
    assert pq.read_table(out / "alpha.parquet").column("x").to_pylist() == [0, 1, 2]
    assert (out / "run.json").read_text().strip().startswith("{")
    assert not staging_dir(out.absolute()).exists()


def test_same_tables_same_bytes_however_many_write_at_once(tmp_path: Path):
    tables = {**_tables(5), "gamma": pa.table({"z": [1.5] * 1000}), "delta": pa.table({"w": []})}
    publish(tables, {}, tmp_path / "a")
    publish(tables, {}, tmp_path / "b", writers=3)
    assert _snapshot(tmp_path / "a") == _snapshot(tmp_path / "b")
    assert sorted(p.stem for p in (tmp_path / "b").glob("*.parquet")) == sorted(tables)


def test_republish_replaces_everything(tmp_path: Path):
    out = tmp_path / "out"
    publish(_tables(3), {"run_id": "r1"}, out)
    publish({"alpha": pa.table({"x": [9]})}, {"run_id": "r2"}, out)
    assert sorted(p.name for p in out.iterdir()) == ["alpha.parquet", "run.json", "runs"]
    assert sorted(p.name for p in (out / "runs").iterdir()) == ["r1.json", "r2.json"]
    assert pq.read_table(out / "alpha.parquet").num_rows == 1


@pytest.mark.parametrize("writers", [1, 2])
def test_failure_mid_write_keeps_previous_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writers: int
):
    out = tmp_path / "out"
    publish(_tables(3), {"run_id": "r1"}, out)
    before = _snapshot(out)
    calls = {"n": 0}
    real = publish_mod.write_table

    def failing(table: pa.Table, path: Path) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device")
        real(table, path)

    monkeypatch.setattr(publish_mod, "write_table", failing)
    with pytest.raises(OSError, match="No space left"):
        publish(_tables(7), {"run_id": "r2"}, out, writers=writers)
    assert _snapshot(out) == before
    assert not staging_dir(out.absolute()).exists()


def test_sigkill_during_publish_keeps_previous_output(tmp_path: Path):
    out = tmp_path / "out"
    publish(_tables(3), {"run_id": "r1"}, out)
    before = _snapshot(out)
    script = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        import pyarrow as pa
        from pipeline import publish as p
        real = p.write_table
        def slow(table, path):
            real(table, path)
            Path({str(tmp_path / "started")!r}).touch()
            time.sleep(60)
        p.write_table = slow
        p.publish({{"alpha": pa.table({{"x": [1]}})}}, {{}}, Path({str(out)!r}))
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=Path(__file__).parents[1])
    deadline = time.monotonic() + 60
    while not (tmp_path / "started").exists():
        assert proc.poll() is None, "publisher exited early"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _snapshot(out) == before
    assert staging_dir(out).exists()  # the killed run's leftovers...
    publish(_tables(4), {"run_id": "r3"}, out)  # ...are cleaned by the next run
    assert not staging_dir(out).exists()
    assert pq.read_table(out / "alpha.parquet").num_rows == 4


def test_recover_restores_output_lost_between_two_renames(tmp_path: Path):
    out = tmp_path / "out"
    publish(_tables(3), {"run_id": "r1"}, out)
    before = _snapshot(out)
    os.rename(out, previous_dir(out))  # as if killed between the fallback renames
    recover(out)
    assert _snapshot(out) == before


def test_refuses_to_replace_a_folder_it_did_not_write(tmp_path: Path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "thesis.tex").write_text("precious")
    with pytest.raises(ConfigError, match=r"holds no run\.json"):
        publish(_tables(1), {}, home)
    assert (home / "thesis.tex").read_text() == "precious"


def test_a_spilled_table_is_written_without_its_whole_file_mapped_in(tmp_path: Path, monkeypatch):
    from tests.helpers import mapped_kb, spilled

    monkeypatch.setattr(publish_mod, "ROW_GROUP_ROWS", 5_000)
    folder = tmp_path / "spill"
    table = pa.table({"text": [f"{'z' * 1000}{i}" for i in range(20_000)], "n": range(20_000)})
    copy = spilled(table.schema, table.to_batches(max_chunksize=5_000), folder)
    most: list[int] = []
    real = publish_mod.forget_spilled_pages

    def forget() -> None:
        most.append(mapped_kb(folder))  # what the writer has mapped in by now
        real()

    monkeypatch.setattr(publish_mod, "forget_spilled_pages", forget)
    publish_mod.write_table(copy, tmp_path / "t.parquet")
    assert len(most) == 4 and max(most) < 8_000  # a row group's pages, not the 20 MB
    assert mapped_kb(folder) < 1_000
    written = pq.ParquetFile(tmp_path / "t.parquet")
    assert written.metadata.num_row_groups == 4
    assert written.read().equals(table)


def test_read_published_reads_only_the_columns_asked_for(tmp_path: Path):
    out = tmp_path / "out"
    assert publish_mod.read_published(out, {"alpha": ("x",)}) is None  # nothing published
    tables = {
        "alpha": pa.table({"x": [1, 2], "text": ["long", "longer"]}),
        "beta": pa.table({"y": ["a", "b"]}),
        "gamma": pa.table({"z": [3, 4]}),
    }
    publish(tables, {"run_id": "r"}, out)
    read = publish_mod.read_published(
        out, {"alpha": ("x",), "beta": ("y", "gone"), "delta": ("w",)}
    )
    assert read is not None and set(read) == {"alpha"}  # beta lacks a column, delta is absent
    assert read["alpha"].column_names == ["x"] and read["alpha"]["x"].to_pylist() == [1, 2]
    whole = publish_mod.read_published(out)
    assert whole is not None and set(whole) == {"alpha", "beta", "gamma"}


def test_published_columns_are_read_when_asked_for_by_the_process_that_asks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    out = tmp_path / "out"
    publish({"alpha": pa.table({"x": [1]}), "beta": pa.table({"y": [2]})}, {"run_id": "r"}, out)
    reads: list[str] = []
    real = publish_mod.pq.read_table

    def read_table(path: Path, **kwargs: object) -> pa.Table:
        reads.append(Path(path).stem)
        return real(path, **kwargs)

    monkeypatch.setattr(publish_mod.pq, "read_table", read_table)
    read = publish_mod.read_published(out, {"alpha": ("x",), "beta": ("y",)})
    assert read is not None and len(read) == 2 and not reads  # the run forks its phases first
    assert read["beta"]["y"].to_pylist() == [2] and read["beta"] is read["beta"]
    assert reads == ["beta"]

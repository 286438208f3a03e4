import pyarrow as pa
import pytest

from pipeline import schema
from pipeline.schema import PUBLISHED, to_table


def _row(i: int) -> dict:
    return {"source_id": f"s{i % 3}", "path": f"p{i % 3}.txt", "position": 10 - i, "reason": "x"}


def test_rows_from_a_generator_in_chunks_make_the_same_sorted_table(monkeypatch):
    whole = to_table("quarantine", [_row(i) for i in range(7)])
    monkeypatch.setattr(schema, "CHUNK_ROWS", 2)
    chunked = to_table("quarantine", (_row(i) for i in range(7)))
    assert chunked.schema == PUBLISHED["quarantine"]
    assert chunked.to_pylist() == whole.to_pylist()
    assert [(r["path"], r["position"]) for r in chunked.to_pylist()] == sorted(
        (r["path"], r["position"]) for r in whole.to_pylist()
    )


def test_an_unknown_column_is_named_with_its_row_across_chunks(monkeypatch):
    monkeypatch.setattr(schema, "CHUNK_ROWS", 2)
    rows = [_row(i) for i in range(5)]
    rows[3]["reasn"] = "typo"
    with pytest.raises(ValueError, match=r"quarantine row 3: columns not in schema: \['reasn'\]"):
        to_table("quarantine", iter(rows))


def test_no_rows_give_an_empty_table_with_the_schema():
    table = to_table("quarantine", iter([]))
    assert table.num_rows == 0 and table.schema == PUBLISHED["quarantine"]
    assert isinstance(table, pa.Table)

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


def test_a_table_by_index_repeats_shared_rows_and_refuses_unknown_columns():
    from pipeline.schema import to_table_by_index

    shared = [{"name_as_written": "Wei Wang"}, {"name_as_written": "Ana Ruiz"}]
    table = to_table_by_index(
        "mentions", {"entry_id": ["e2", "e1", "e1"], "position": [0, 1, 0]}, shared, [0, 1, 0]
    )
    assert [(r["entry_id"], r["position"], r["name_as_written"]) for r in table.to_pylist()] == [
        ("e1", 0, "Wei Wang"),
        ("e1", 1, "Ana Ruiz"),
        ("e2", 0, "Wei Wang"),
    ]
    with pytest.raises(ValueError, match=r"mentions: columns not in schema: \['entry'\]"):
        to_table_by_index("mentions", {"entry": ["e1"]}, shared, [0])
    with pytest.raises(ValueError, match=r"mentions row 1: columns not in schema: \['nmae'\]"):
        to_table_by_index("mentions", {"entry_id": ["e1"]}, [*shared[:1], {"nmae": "x"}], [0])


def test_sorting_a_column_at_a_time_keeps_rows_whole_in_arrows_stable_order(monkeypatch):
    """Ties keep their first-seen order and nulls sort last, as `Table.sort_by` does, and
    every column moves with its row (a column sorted on its own would not)."""
    import random

    rng = random.Random(3)
    rows = [
        {
            "path": rng.choice(["b", "a", None, "c"]),
            "position": rng.choice([2, 1, None]),
            "source_id": f"s{i}",
            "reason": str(i),
        }
        for i in range(300)
    ]
    monkeypatch.setattr(schema, "CHUNK_ROWS", 64)  # several chunks to take from
    table = to_table("quarantine", rows)
    expected = pa.Table.from_pylist(rows, schema=PUBLISHED["quarantine"]).sort_by(
        [(k, "ascending") for k in schema.SORT_KEYS["quarantine"]]
    )
    assert table.to_pylist() == expected.to_pylist()


def test_rows_in_published_order_are_the_order_arrow_sorts_the_table_in():
    rows = [
        {"path": p, "position": n, "line_start": line, "reason": str(i)}
        for i, (p, n, line) in enumerate(
            [
                ("b.txt", 2, 1),
                ("Z.txt", None, 3),
                ("a.txt", 1, None),
                ("é.txt", 0, 2),
                ("a.txt", 1, 0),
                ("ä.txt", 5, 1),
                ("a.txt", None, 9),
                ("b.txt", 2, 1),  # a tie keeps its place
                ("a.txt", 1, None),
            ]
        )
    ]
    by_arrow = to_table("quarantine", rows)
    ordered = schema.in_published_order("quarantine", rows)
    assert [r["reason"] for r in ordered] == by_arrow["reason"].to_pylist()
    chunks = list(schema.table_chunks("quarantine", ordered))
    assert pa.concat_tables(chunks).equals(by_arrow)

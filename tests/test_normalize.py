"""Normalization: name parts and keys, title keys, dates; display forms untouched."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from anyascii import anyascii
from hypothesis import given
from hypothesis import strategies as st

from pipeline.normalize import (
    abstract_key,
    fold,
    given_keys,
    given_names_agree,
    mention_columns,
    name_parts,
    normalize_entries,
    parse_name,
    rejoined_name_parts,
    resolve_date,
    title_key,
)
from pipeline.schema import to_table, to_table_by_index


@pytest.mark.parametrize(
    ("written", "given", "initials", "surname"),
    [
        ("Samuel R. Bowman", "Samuel", "R", "Bowman"),
        ("Sheer El Showk", "Sheer", "", "El Showk"),
        ("Maria de la Cruz", "Maria", "", "de la Cruz"),
        ("Bowman, Samuel R.", "Samuel", "R", "Bowman"),
        ("J.R.R. Tolkien", "J.", "RR", "Tolkien"),
        ("Hanchen David Wang", "Hanchen", "D", "Wang"),
        ("Martin Luther King Jr.", "Martin", "L", "King"),
        ("Plato", None, "", "Plato"),
        ("\u5f20\u4f1f", "\u4f1f", "", "\u5f20"),  # CJK: the surname first, together
        ("\u7530\u4e2d \u5b8f", "\u5b8f", "", "\u7530\u4e2d"),  # or apart
        ("\u6b27\u9633\u5a1c\u5a1c", "\u5a1c\u5a1c", "", "\u6b27\u9633"),
        ("Иванов Иван Иванович", "Иван", "I", "Иванов"),  # surname, given, patronymic
        ("Иван Иванович Иванов", "Иван", "I", "Иванов"),
        ("Петрова Анна Сергеевна", "Анна", "S", "Петрова"),
    ],
)
def test_parse_name(written, given, initials, surname):
    parts = parse_name(written)
    assert (parts.given, parts.middle_initials, parts.surname) == (given, initials, surname)


def test_a_middle_name_may_be_the_first_half_of_a_hyphenated_surname():
    assert parse_name("Zac Hatfield Dodds").joined_surname == "Hatfield-Dodds"
    assert parse_name("Dodds, Zac Hatfield").joined_surname == "Hatfield-Dodds"
    assert parse_name("Samuel R. Bowman").joined_surname == ""  # an initial
    assert parse_name("Sam Bowman").joined_surname == ""
    rejoined = rejoined_name_parts("Zac H. Hatfield Dodds")
    assert rejoined is not None
    assert (rejoined["surname_key"], rejoined["middle_initials"]) == ("hatfielddodds", "H")
    assert rejoined["name_key"] == "zac hatfielddodds"
    assert rejoined_name_parts("Samuel R. Bowman") is None


def test_given_names_agree_forgive_one_slip_in_a_long_name_only():
    assert given_names_agree("tomas", "thomas")
    assert given_names_agree("dmitri", "dmitry")
    assert given_names_agree("jean", "jeanluc")  # "Jean Luc" and "Jean-Luc"
    assert not given_names_agree("hanchen", "huayan")
    assert not given_names_agree("wei", "wen")  # short names: a letter is another name
    assert not given_names_agree("min", "ming")


def mention_row(entry_id: str, position: int, name: str) -> dict:
    """One mention's row of the mentions table, as `mention_columns` gives it."""
    _, names, which = mention_columns([{"entry_id": entry_id, "authors": [name]}])
    return {"entry_id": entry_id, "position": position, **names[which[0]]}


def test_variant_spellings_share_keys():
    def row(name: str) -> dict:
        return mention_row("e", 0, name)

    assert row("Sheer El-Showk")["name_key"] == row("Sheer El Showk")["name_key"]
    assert row("Zac Hatfield-Dodds")["compact_key"] == row("Zac Hatfield Dodds")["compact_key"]
    a, b = row("Kamilė Lukošiūtė"), row("Kamile Lukosuite")
    assert a["given_keys"] == b["given_keys"] == ["kamile"]
    assert a["surname_metaphone"] == b["surname_metaphone"]  # misspelt, sounds the same
    assert a["name_as_written"] == "Kamilė Lukošiūtė"  # display form kept


def test_nickname_aware_given_keys():
    for nick, full in [
        ("Sam", "Samuel"),
        ("Chris", "Christopher"),
        ("Tom", "Thomas"),
        ("Josh", "Joshua"),
    ]:
        assert set(given_keys(nick)) & set(given_keys(full)), (nick, full)
    assert not set(given_keys("Anna")) & set(given_keys("Carol"))
    assert given_keys("J.") == ("j",)


def test_title_and_abstract_keys_fold_case_accents_punctuation():
    assert title_key("Language Models (Mostly) Know—What They Know!") == (
        "language models mostly know what they know"
    )
    assert title_key("Über Äquivalenz") == "uber aquivalenz"
    assert title_key(None) is None
    long = "word " * 500
    key = abstract_key(long)
    assert key is not None and len(key) <= 600 and key.endswith("word")


@given(st.text(alphabet=st.characters(max_codepoint=0x1FAFF), max_size=40))
def test_fold_is_ascii_lower_case_with_one_space_for_each_run_of_the_rest(text):
    expected = re.sub(r"[^a-z0-9]+", " ", anyascii(text).lower()).strip()
    assert fold(text) == expected


def test_fold_keeps_letters_and_digits_and_nothing_else():
    assert fold("  Ôver--the\ttop: 2 × “ß”!_ ") == "over the top 2 ss"
    assert fold("ABC_def") == "abc def"
    assert fold("") == "" and fold(None) == ""


def test_dates_keep_unknown_years_unknown():
    assert resolve_date("Apr 1", None).published is None
    assert resolve_date("Apr 1", None).year is None
    assert resolve_date("Apr 1", None).month == 4
    assert resolve_date("Dec 15, 2022", None).published == dt.date(2022, 12, 15)
    assert resolve_date("2021", None).year == 2021
    assert resolve_date("not a date", None).published is None


def test_scraped_at_gives_the_year_of_the_latest_such_date():
    scraped = dt.date(2024, 3, 10)
    assert resolve_date("Apr 1", scraped).published == dt.date(2023, 4, 1)
    assert resolve_date("Mar 1", scraped).published == dt.date(2024, 3, 1)
    assert resolve_date("Mar 10", scraped).published == dt.date(2024, 3, 10)


def test_normalize_entries_adds_keys_and_keeps_display_forms():
    rows = [
        {
            "entry_id": "e1",
            "source_id": "s1",
            "title": "A Title",
            "abstract": "Some abstract.",
            "published_raw": "May 3",
            "authors": ["Sam Bowman", "Chris Olah"],
        }
    ]
    out = normalize_entries(rows, {"s1": dt.date(2024, 6, 1)})
    assert out[0]["title"] == "A Title" and out[0]["title_key"] == "a title"
    assert out[0]["published"] == dt.date(2024, 5, 3)
    assert rows[0].get("published") is None  # inputs are not mutated
    ms = to_table_by_index("mentions", *mention_columns(out)).to_pylist()
    assert [(m["position"], m["name_as_written"]) for m in ms] == [
        (0, "Sam Bowman"),
        (1, "Chris Olah"),
    ]


@pytest.mark.parametrize(
    ("a", "b", "agree"),
    [
        ("lukosiute", "lukosuite", True),  # long: one slip forgiven
        ("conceicao", "conceiaco", True),
        ("zhang", "zahng", True),  # short: two neighbours swapped
        ("patel", "ptael", True),
        ("li", "lu", False),  # short: another letter is another name
        ("chen", "chan", False),
        ("wang", "wagn", True),
        ("chen", "chne", True),
        ("wong", "wang", False),
        ("hsu", "shu", False),  # too short for any slip
        ("smith", "smiht", True),
        ("smith", "smyth", False),
    ],
)
def test_surnames_agree(a, b, agree):
    from pipeline.normalize import surnames_agree

    assert surnames_agree(a, b) is agree


def test_a_name_worked_out_once_gives_each_mention_its_own_row():
    first, again = (
        mention_row("e1", 0, "Patricia E. White"),
        mention_row("e2", 3, "Patricia E. White"),
    )
    assert (first["entry_id"], first["position"]) == ("e1", 0)
    assert (again["entry_id"], again["position"]) == ("e2", 3)
    assert {k: v for k, v in first.items() if k not in ("entry_id", "position")} == {
        k: v for k, v in again.items() if k not in ("entry_id", "position")
    }
    first["given_keys"].append("changed")  # rows are the caller's to change...
    assert (
        "changed" not in mention_row("e3", 0, "Patricia E. White")["given_keys"]
    )  # ...not the cache's
    assert first["surname_key"] == "white" and first["middle_initials"] == "E"


def test_mention_columns_parse_each_distinct_name_once_into_the_same_table(monkeypatch):
    from pipeline import normalize
    from tests.helpers import record_calls

    parsed = record_calls(monkeypatch, normalize, "parse_name")
    names = ["Wei Wang", "Ana Ruiz-Lopez", "Wei Wang", "A. Ruiz Lopez"]
    entries = [{"entry_id": f"e{i:02d}", "authors": names[: 1 + i % 4]} for i in range(30)]
    table = to_table_by_index("mentions", *normalize.mention_columns(entries))
    assert sorted(parsed) == sorted(set(names))
    by_row = to_table(
        "mentions",
        [mention_row(e["entry_id"], i, n) for e in entries for i, n in enumerate(e["authors"])],
    )
    assert table.equals(by_row) and table.num_rows == sum(1 + i % 4 for i in range(30))


def test_a_chinese_name_keys_as_the_same_name_romanised():
    assert name_parts("\u5f20\u4f1f")["name_key"] == name_parts("Wei Zhang")["name_key"]


@pytest.mark.parametrize(
    ("together", "apart"),
    [
        ("佐藤あゆみ", "佐藤 あゆみ"),  # Han, then a given name in kana: a Japanese surname
        ("佐々木健一", "佐々木 健一"),  # 々 repeats a surname's first character
        ("山田太郎", "山田 太郎"),  # two of four
    ],
)
def test_a_japanese_name_written_together_keys_as_written_apart(together: str, apart: str):
    assert name_parts(together)["surname_key"] == name_parts(apart)["surname_key"]
    assert name_parts(together)["name_key"] == name_parts(apart)["name_key"]


def test_a_katakana_name_with_a_long_vowel_mark_is_read_surname_first():
    assert name_parts("ヤマダ タロー")["surname_key"] == "yamada"  # ー is kana, not Latin

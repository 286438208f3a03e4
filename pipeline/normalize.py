"""Stage 2, normalize: keys for matching, beside the display forms, never over them.

- Dates: the raw date parsed; a date without a year gets one only from the
  source's `scraped_at` (the latest such date not after the scrape).
- Titles and abstracts: folded keys (ASCII, lower case, punctuation to spaces).
- Names: every author of every entry becomes a `mentions` row with its parts
  (given, middle initials, surname with particles) and keys for blocking: a
  folded name key that ignores case, diacritics, hyphens and spaces (and a
  compact key of the whole name, for surnames whose hyphen was dropped and so
  parse as a middle name: "Ana Lopez Garcia" for "Ana Lopez-Garcia"); phonetic
  codes of the surname (jellyfish Metaphone and NYSIIS); and the set of given
  names a given name may stand for (Sam -> Samuel, Samantha, ...), from the
  `nicknames` package's curated list.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jellyfish
from anyascii import anyascii

from pipeline.extract.fields import CJK_SCRIPT, HAN, KANA, PARTICLES, SUFFIXES, parse_date

ABSTRACT_KEY_CHARS = 600
"""Abstracts are keyed on their opening: enough to identify, cheap to compare."""


_KEPT = frozenset((string.ascii_lowercase + string.digits).encode())
_SPACE_FOR_NON_ALNUM = bytes(b if b in _KEPT else ord(" ") for b in range(256))
_SPACES = re.compile(rb"  +")


def fold(text: str | None) -> str:
    """ASCII, lower case, every run of non-alphanumerics one space.

    Done on bytes (a byte table, then only the runs of two or more spaces to one):
    a regular expression replacing every run of punctuation or space took 26 us an
    abstract, over half of normalizing a million entries; this takes 4."""
    if not text:
        return ""
    folded = anyascii(text).lower().encode("ascii").translate(_SPACE_FOR_NON_ALNUM)
    return _SPACES.sub(b" ", folded).strip().decode("ascii")


def title_key(title: str | None) -> str | None:
    return fold(title) or None


def abstract_key(abstract: str | None) -> str | None:
    key = fold(abstract)[:ABSTRACT_KEY_CHARS]
    return key.rsplit(" ", 1)[0] if len(key) == ABSTRACT_KEY_CHARS else key or None


@dataclass(frozen=True)
class ResolvedDate:
    published: dt.date | None
    year: int | None
    month: int | None
    day: int | None


def resolve_date(raw: str | None, scraped_at: dt.date | None) -> ResolvedDate:
    """Parse `raw`; a yearless date takes its year from `scraped_at`, or stays unknown."""
    parsed = parse_date(raw)
    if parsed is None:
        return ResolvedDate(None, None, None, None)
    year = parsed.year
    if year is None and scraped_at is not None and parsed.month is not None:
        year = scraped_at.year
        if (parsed.month, parsed.day or 1) > (scraped_at.month, scraped_at.day):
            year -= 1
    published = None
    if year is not None and parsed.month is not None and parsed.day is not None:
        try:
            published = dt.date(year, parsed.month, parsed.day)
        except ValueError:  # Feb 29 carried into a non-leap scrape year
            published = None
    return ResolvedDate(published, year, parsed.month, parsed.day)


@dataclass(frozen=True)
class NameParts:
    given: str | None
    middle_initials: str
    surname: str
    suffix: str | None
    joined_surname: str = ""
    """The surname if the space before it stood for a dropped hyphen: the last middle
    name written in full and the surname ("Ana Lopez Garcia": "Lopez-Garcia");
    empty when that word is an initial or there is none."""


def _is_suffix(token: str) -> bool:
    return token.lower() in SUFFIXES or token.lower().rstrip(".") in SUFFIXES


def parse_name(written: str) -> NameParts:
    """Split a name as written into given name, middle initials, surname, suffix.

    Handles "Surname, Given" order, particles that belong to the surname
    ("Maria de la Cruz", "Omar El Sayed") and initials glued together ("J.R.").
    """
    s = re.sub(r"\s+", " ", written).strip()
    if _CJK_NAME.fullmatch(s):
        return _cjk_name(s)
    if s.count(",") == 1:
        last, first = (p.strip() for p in s.split(","))
        if first and last and not _is_suffix(first):
            s = f"{first} {last}"
    tokens = s.replace(",", " ").split()
    if len(tokens) == 3 and _PATRONYMIC.search(tokens[2]):  # "Иванов Иван Иванович"
        tokens = [tokens[1], tokens[2], tokens[0]]
    suffix = None
    if len(tokens) > 2 and _is_suffix(tokens[-1]):
        suffix = tokens.pop()
    if not tokens:
        return NameParts(None, "", "", suffix)
    if len(tokens) == 1:
        return NameParts(None, "", tokens[0], suffix)
    start = len(tokens) - 1
    while start > 1 and tokens[start - 1].lower() in PARTICLES:
        start -= 1
    given, middle = tokens[0], tokens[1:start]
    glued = re.fullmatch(r"((?:[^\W\d_]\.){2,})", given)
    initials = ""
    if glued:
        letters = [p for p in given.split(".") if p]
        given, initials = letters[0] + ".", "".join(letters[1:])
    initials += "".join(fold(m)[:1] for m in middle)
    surname = " ".join(tokens[start:])
    joined = f"{middle[-1]}-{surname}" if middle and len(fold(middle[-1])) > 1 else ""
    return NameParts(given, initials.upper(), surname, suffix, joined)


_PATRONYMIC = re.compile(
    "[\u0430-\u044f](?:\u043e\u0432\u0438\u0447|\u0435\u0432\u0438\u0447|\u0438\u0447"
    "|\u043e\u0432\u043d\u0430|\u0435\u0432\u043d\u0430|\u0438\u0447\u043d\u0430)$"
)
"""A Russian patronymic in Cyrillic (-ович, -евич, -ич, -овна, -евна, -ична): a name of
three words that ends in one is written surname first, "Иванов Иван Иванович"."""
_CJK_NAME = re.compile(rf"{CJK_SCRIPT}+(?: {CJK_SCRIPT}+)?")


def _cjk_name(name: str) -> NameParts:
    """A name in Chinese, Japanese or Korean script, surname first: apart ("\u7530\u4e2d
    \u5b8f") as Japanese pages write it, or together, where the surname is the first
    character (Chinese and Korean: "\u5f20\u4f1f"), two of four, the Han characters
    before a given name in kana (Japanese), three where the second repeats the first.
    Its keys are those of the name romanised ("Wei Zhang" for "\u5f20\u4f1f")."""
    if " " in name:
        surname, given = name.split(" ")
    elif (han := _HAN_THEN_KANA.match(name)) is not None:
        surname, given = han[1], name[han.end(1) :]  # "佐藤あゆみ": a Japanese given name in kana
    else:
        cut = 2 if len(name) == 4 else 1
        if len(name) > 3 and name[1] == "\u3005":
            cut = 3  # "佐々木健一": a surname repeating its first character, then one more
        surname, given = name[:cut], name[cut:]
    return NameParts(given or None, "", surname, None)


_HAN_THEN_KANA = re.compile(rf"([{HAN}]+)[{KANA}]")
"""A name whose Han characters give way to kana: the Han ones are its surname."""


@lru_cache(maxsize=1)
def _nicknamer():
    from nicknames import NickNamer

    return NickNamer()


@lru_cache(maxsize=65536)
def given_keys(given: str | None) -> tuple[str, ...]:
    """Every given name `given` may stand for, itself included (folded)."""
    key = fold(given).replace(" ", "")
    if not key:
        return ()
    if len(key) == 1:
        return (key,)
    canon = {fold(c).replace(" ", "") for c in _nicknamer().canonicals_of(key)}
    return tuple(sorted({key} | canon))


def surnames_agree(a: str, b: str) -> bool:
    """Whether two folded, compacted surnames can be one name: equal, a typo of a
    long one (a letter dropped, added, changed or two swapped: "Conceiaco" for
    "Conceicao"), or two neighbouring letters swapped in a shorter one ("Zahng").
    Short surnames are too crowded for other typos to be forgiven: "Li" and "Lu",
    "Chen" and "Chan" are different names."""
    if a == b:
        return True
    if min(len(a), len(b)) >= 6:
        return jellyfish.damerau_levenshtein_distance(a, b) <= 1
    return len(a) == len(b) >= 4 and _one_swap(a, b)


def given_names_agree(a: str, b: str) -> bool:
    """Whether two written-out, folded given names can be one person's: equal, or,
    when both have four letters or more, one the start of the other (a compound
    cut short: "Jean" of "Jean-Luc") or one slip apart ("Tomas" and "Thomas",
    "Dmitri" and "Dmitry"). Nicknames are the caller's (`given_keys`). Short
    names are too crowded: "Wei" and "Wen", "Min" and "Ming" are different names,
    as are "Annika" and "Anneli"."""
    if a == b:
        return True
    if min(len(a), len(b)) < 4:
        return False
    return a.startswith(b) or b.startswith(a) or jellyfish.damerau_levenshtein_distance(a, b) <= 1


def _one_swap(a: str, b: str) -> bool:
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and a[diff[0]] == b[diff[1]]
        and a[diff[1]] == b[diff[0]]
    )


@lru_cache(maxsize=1 << 16)
def name_parts(written: str) -> dict[str, Any]:
    """A written name's parts and matching keys, worked out once per spelling: a
    catalogue repeats the same names on millions of bylines (131k mentions at 100k
    entries, a fraction of them distinct). Read-only: callers copy what they keep."""
    return _keyed(written, parse_name(written))


@lru_cache(maxsize=1 << 16)
def rejoined_name_parts(written: str) -> dict[str, Any] | None:
    """`name_parts` as if the space before the surname were a dropped hyphen ("Ana
    Lopez Garcia" read as Ana Lopez-Garcia), None when the name has no full
    middle name to join. Whether to read it so is the caller's call (person
    resolution does where the hyphenated surname is on other bylines)."""
    parts = parse_name(written)
    if not parts.joined_surname:
        return None
    joined = NameParts(parts.given, parts.middle_initials[:-1], parts.joined_surname, parts.suffix)
    return _keyed(written, joined)


def _keyed(written: str, parts: NameParts) -> dict[str, Any]:
    surname_key = fold(parts.surname).replace(" ", "")
    given = fold(parts.given).replace(" ", "")
    return {
        "name_as_written": written,
        "given": parts.given,
        "middle_initials": parts.middle_initials,
        "surname": parts.surname,
        "suffix": parts.suffix,
        "name_key": f"{given} {surname_key}".strip(),
        "compact_key": fold(written).replace(" ", ""),
        "surname_key": surname_key,
        "surname_metaphone": jellyfish.metaphone(surname_key) if surname_key else "",
        "surname_nysiis": jellyfish.nysiis(surname_key) if surname_key else "",
        "given_initial": given[:1],
        "given_keys": given_keys(parts.given),
    }


def normalize_entries(
    entries: list[dict[str, Any]], scraped_at: dict[str, dt.date | None]
) -> list[dict[str, Any]]:
    """Entries with parsed dates and title/abstract keys; `scraped_at` by source_id."""
    out = []
    for row in entries:
        date = resolve_date(row.get("published_raw"), scraped_at.get(row["source_id"]))
        out.append(
            {
                **row,
                "published": date.published,
                "published_year": date.year,
                "published_month": date.month,
                "published_day": date.day,
                "title_key": title_key(row.get("title")),
                "abstract_key": abstract_key(row.get("abstract")),
            }
        )
    return out


def mention_columns(
    entries: list[dict[str, Any]],
) -> tuple[dict[str, list[Any]], list[dict[str, Any]], list[int]]:
    """The mentions table as (each mention's entry_id and position, each distinct
    name's parts, each mention's name among them): see `schema.to_table_by_index`.
    Each distinct name is parsed once without a cache of them all: a million
    entries carry some 300k, more than `name_parts` keeps."""
    entry_ids: list[str] = []
    positions: list[int] = []
    which: list[int] = []
    index: dict[str, int] = {}
    for row in entries:
        for i, name in enumerate(row.get("authors") or []):
            entry_ids.append(row["entry_id"])
            positions.append(i)
            which.append(index.setdefault(name, len(index)))
    names = [_name_columns(name_parts.__wrapped__(n)) for n in index]
    return {"entry_id": entry_ids, "position": positions}, names, which


def _name_columns(parts: dict[str, Any]) -> dict[str, Any]:
    return {**parts, "given_keys": list(parts["given_keys"])}

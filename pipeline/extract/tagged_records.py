"""Labelled fields: `Title: ...` listings; RIS, MEDLINE, Refer, RefWorks, Web of Science.

The most common text a site or a reference manager produces besides the known
page shapes labels each field: an arXiv author listing ("Title:", "Authors:",
"Abstract:", "Comments:", "Subjects:"), a copied "Published: 2021-03-04"
list, RIS (`TI  - ...`, `AU  - ...`, `ER  -`), PubMed's MEDLINE (`PMID- ...`,
`FAU - Last, First`, `DP  - 2021 Jul 15`), EndNote's Refer (`%T ...`, `%A
...`), RefWorks' tagged format (`RT Journal Article`, `A1 Park, Ada`, `T1 ...`) or
Web of Science's plain text (`PT J`, `AU Park, A`, `TI ...`, `ER`).
arXiv's author listings and search results open each record with an id
line ("[1] arXiv:2212.08073 [pdf, other]"), the search's title unlabelled under
it. One parser reads them all:
a line opening with a known label starts a field, an unlabelled line continues
the field above it (abstracts wrap), and a record ends where a label it already
has comes again (or at RIS's `ER`). Labels are matched without regard to case.
A line with an unknown label continues the field above it like any unlabelled
line: prose often holds "words: more words", so guessing a new field there
would cut abstracts apart. An unknown tag of an export (RIS's `VL  - 33`,
Refer's `%P 1-10`) is no prose, and opens a field nobody reads. Nothing is
dropped either way.

It is a fallback shape: tried only when no page shape recognises the text
(`pipeline.extract.FALLBACK_FORMATS`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.extract.fields import (
    ARXIV_NEW,
    ARXIV_OLD,
    arxiv_id_in,
    clean_markup,
    display_name,
    looks_like_name,
)
from pipeline.extract.header import parse_header
from pipeline.extract.lines import Line, head_chunks, split_lines
from pipeline.extract.model import Chunk, PageParse, ParsedEntry
from pipeline.extract.structured import split_authors

NAME = "tagged_records"

LABELS: dict[str, str] = {
    **dict.fromkeys(["title", "paper title", "ti", "t1"], "title"),
    **dict.fromkeys(["authors", "author", "by", "creators"], "authors"),
    **dict.fromkeys(["au", "a1", "a2"], "author"),  # RIS: one name a line
    "fau": "full_author",  # MEDLINE: "Last, First" beside AU's "Last FM"
    **dict.fromkeys(
        ["date", "published", "publication date", "submitted", "year", "py", "y1", "da", "dp"],
        "published",
    ),
    **dict.fromkeys(["abstract", "summary", "ab", "n2"], "abstract"),
    **dict.fromkeys(
        ["journal", "venue", "booktitle", "conference", "jo", "jf", "jt", "t2", "bt", "source"],
        "venue",
    ),
    **dict.fromkeys(
        ["arxiv", "arxiv id", "eprint", "doi", "do", "url", "ur", "link", "lid", "aid"], "link"
    ),
    **dict.fromkeys(["subjects", "subject", "category", "categories", "primary category"], "cat"),
    **dict.fromkeys(["comments", "comment", "note", "notes", "n1", "kw", "keywords"], "comments"),
    **dict.fromkeys(["id", "key", "record id", "an", "id number", "pmid"], "id"),
    "ty": "start",
    "er": "end",
}
_RIS = re.compile(r"^(?=[A-Z][A-Z0-9 ]{3}- ?)(?P<label>[A-Z][A-Z0-9]{1,3}) *- ?(?P<value>.*)$")
"""An RIS or MEDLINE tag, padded to four characters: "TI  - ", "FAU - ", "PMID- "."""
_REFER = re.compile(r"^%(?P<label>[0-9A-Z@+^])(?:\s+(?P<value>.*))?$")
REFER_LABELS = {
    "0": "start",
    "T": "title",
    "A": "author",
    "D": "published",
    "J": "venue",
    "B": "venue",
    "X": "abstract",
    "U": "link",
    "R": "link",
    "K": "comments",
    "F": "id",
}
"""EndNote's Refer tags (`%T title`); the others (`%V`, `%P`, `%E`) are read by nobody."""
_TWO_LETTER = re.compile(r"^(?P<label>[A-Z][A-Z0-9])(?: (?P<value>.*))?$")
"""A tag of two characters and a space: RefWorks' and Web of Science's exports."""
REFWORKS_LABELS: dict[str, str | None] = {
    "RT": "start",
    "A1": "author",
    "T1": "title",
    "T2": "venue",
    "JF": "venue",
    "JO": "venue",
    "YR": "published",
    "AB": "abstract",
    "UL": "link",
    "DO": "link",
    "LK": "link",
    "K1": "comments",
    "NO": "comments",
    "ID": "id",
}
"""RefWorks' tagged format (`RT Journal Article`, `A1 Park, Ada`, `T1 title`), read
only in a file that opens with `RT` (prose opens lines with "AI " too). Its secondary
authors (`A2`, editors) and its free-form dates (`FD Mar 15`, no year) are read by
nobody."""
WOS_LABELS: dict[str, str | None] = {
    "PT": "start",
    "AU": "author",
    "AF": "full_author",
    "TI": "title",
    "SO": "venue",
    "AB": "abstract",
    "PY": "published",
    "DI": "link",
    "UT": "id",
    "DE": "comments",
    "ER": "end",
    "FN": None,
    "VR": None,
    "EF": None,
}
"""Web of Science's plain-text export (`savedrecs.txt`: `FN Clarivate ...`, then `PT
J`, `AU Park, A`, `TI ...`, `ER` a record), read only in a file that opens with `FN`
or `PT`. A field goes on over lines indented by three spaces, an author list a name a
line; `FN`, `VR` and `EF` frame the file. Its `ID` is Keywords Plus, not an id."""
_LABELLED = re.compile(r"^(?P<label>[A-Za-z][A-Za-z ]{0,24}?)\s*:\s*(?P<value>.*)$")
_CATEGORY_CODE = re.compile(r"\((?P<code>[a-z\-]+\.[A-Za-z\-]+|[a-z\-]+)\)")
_REPEATABLE = {"author", "full_author", "comments", "link", "cat", "other"}
_ID_LINE = re.compile(
    rf"^(?:\[\d+\]\s*)?(?P<id>arXiv\s*:\s*(?:{ARXIV_NEW}|{ARXIV_OLD}))(?:\s+\[[^\]]*\])?"
    r"(?P<rest>(?:\s+[a-z\-]+\.[A-Za-z\-]+)*)\s*$",
    re.IGNORECASE,
)
"""An arXiv search or author listing's first line of a record: "[1] arXiv:2212.08073
[pdf, other]", maybe with its categories ("cs.CL cs.AI")."""
_RULE = re.compile(r"^\s*([-=_*~#\u2014\u2013\u2500\u2550])\1{2,}\s*$")
"""A line drawn across the page between records: "-----", "=====", "\u2500\u2500\u2500"."""
_VENUE_YEAR = re.compile(r"(?<![\d/.-])(?:19|20)\d{2}(?![\d/.-])")
"""A venue's year ("CoRL 2021"), a record's date when no field gives one."""
_SUBMITTED = re.compile(r"^Submitted\s+(?P<value>\d.*)$", re.IGNORECASE)
"""arXiv search's "Submitted 15 December, 2022; originally announced ...", no colon."""


def _labelled(text: str, tags: dict[str, str | None] | None = None) -> tuple[str, str] | None:
    """The field a line opens and its value, or None for an unlabelled line; tags of
    two characters only in a file of them (`two_letter_tags`)."""
    if tags is not None and (m := _TWO_LETTER.match(text)):
        kind = tags.get(m.group("label"), "other")
        return None if kind is None else (kind, (m.group("value") or "").strip())
    if m := _ID_LINE.match(text):  # arXiv's listings open each record with its id
        return "opener", m.group("id")
    if m := _SUBMITTED.match(text):
        return "published", m.group("value")
    m = _RIS.match(text)
    if m:
        return LABELS.get(m.group("label").lower(), "other"), m.group("value").strip()
    if m := _REFER.match(text):
        return REFER_LABELS.get(m.group("label"), "other"), (m.group("value") or "").strip()
    m = _LABELLED.match(text)
    if m:
        label = re.sub(r"\s+", " ", m.group("label").strip().lower())
        if label in LABELS and LABELS[label] not in {"start", "end"}:
            return LABELS[label], m.group("value").strip()
    return None


def two_letter_tags(lines: list[Line]) -> dict[str, str | None] | None:
    """The tags of a RefWorks export (its first line of text opens a record with
    `RT`) or of a Web of Science one (`FN` or `PT`); None for any other file."""
    first = next((ln.text for ln in lines if ln.text), "")
    if _TWO_LETTER.match(first) is None:
        return None
    return {"RT": REFWORKS_LABELS, "FN": WOS_LABELS, "PT": WOS_LABELS}.get(first[:2])


def detect(text: str) -> float:
    """Labelled records when most content lines are labelled and titles or abstracts recur."""
    lines = [ln for ln in split_lines(text) if ln.text]
    if not lines:
        return 0.0
    tags = two_letter_tags(lines)
    fields = [f for ln in lines if (f := _labelled(ln.text, tags))]
    kinds = [k for k, _ in fields]
    records = max(kinds.count("title"), kinds.count("abstract"), kinds.count("start"))
    if records < 1 or len(fields) < 2:
        return 0.0
    return min(0.9, 0.3 + len(fields) / len(lines))


@dataclass
class _Record:
    lines: list[Line] = field(default_factory=list)
    fields: list[tuple[str, list[str]]] = field(default_factory=list)
    by_id: bool = False
    """Opened by an arXiv id line, whose next unlabelled line may be the title."""

    def has(self, kind: str) -> bool:
        return any(k == kind for k, _ in self.fields)


def _records(lines: list[Line]) -> tuple[list[Line], list[_Record]]:
    """Lines above the first record, and the records."""
    head: list[Line] = []
    records: list[_Record] = []
    current: _Record | None = None
    tags = two_letter_tags(lines)
    for line in lines:
        opened = _labelled(line.text, tags) if line.text else None
        if opened is not None and opened[0] == "opener":
            current = _opened_by_id(line)
            records.append(current)
        elif opened is not None:
            kind, value = opened
            starts = current is None or kind == "start" or current.has("end")
            if current is not None and current.fields and not starts:
                # an export's record (RIS's TY ... ER) ends only where the next opens:
                # its tags may say one thing twice (PY and DA, T2 and JO)
                opener = current.fields[0][0]
                again = current.has(kind) and kind not in _REPEATABLE and opener != "start"
                starts = again or (kind == opener and opener != "start")
            if starts:
                current = _Record()
                records.append(current)
            if kind not in {"start", "end"}:
                current.fields.append((kind, [value]))
            else:
                current.fields.append((kind, []))
            current.lines.append(line)
        elif current is None:
            head.append(line)
        else:
            if current.by_id and line.text and not current.has("title"):
                current.fields.append(("title", [line.text]))  # arXiv search: unlabelled
            elif (
                line.text
                and current.fields
                and not current.has("end")
                and not _RULE.match(line.text)  # a rule between records is no field's text
            ):
                current.fields[-1][1].append(line.text)
            current.lines.append(line)
    return head, records


def _opened_by_id(line: Line) -> _Record:
    """A record an arXiv listing opens with its id line, and the line's first category."""
    m = _ID_LINE.match(line.text)
    assert m is not None
    record = _Record([line], [("link", [m.group("id")])], by_id=True)
    record.fields += [("cat", [code]) for code in m.group("rest").split()[:1]]
    return record


def _authors(values: dict[str, list[list[str]]]) -> tuple[list[str], bool]:
    """A line listing them all ("A, B and C et al."), or one name a line (RIS, Refer;
    MEDLINE's full names where it gives them beside the short ones)."""
    listed = " ".join(" ".join(p) for p in values.get("authors", []))
    names, truncated = split_authors(listed)
    one_a_line = values.get("full_author") or values.get("author", [])
    # a name a line, the field's own and those under it (Web of Science's AU, AF)
    names += [display_name(line) for p in one_a_line for line in p if line.strip()]
    return names, truncated


def _date(value: str) -> str:
    """RIS dates are `2022/12/15/` or `2022///`, MEDLINE's `2021 Jul 15` or `2021 Aug`;
    listings say "Submitted 15 Dec 2022; ..."."""
    ris = re.fullmatch(r"(\d{4})/(\d{0,2})/(\d{0,2})/?.*", value)
    if ris:
        y, m, d = ris.groups()
        return f"{y}-{int(m):02d}-{int(d):02d}" if m and d else y
    medline = re.fullmatch(r"(\d{4}) ([A-Z][a-z]{2})(?: (\d{1,2}))?", value.strip())
    if medline:
        y, mon, d = medline.groups()
        return f"{mon} {int(d)}, {y}" if d else f"{mon} {y}"
    return re.split(r"[;(]", value)[0].strip().rstrip(".,")


def _fullest_date(given: list[list[str]]) -> str | None:
    """The record's date: of the dates an export gives (RIS's PY "2022" and DA
    "2022/03/01"), the fullest."""
    dates = [_date(" ".join(parts).strip()) for parts in given]
    return max(dates, key=len, default="") or None


def _year_in(venue: str | None) -> str | None:
    years = _VENUE_YEAR.findall(venue or "")
    return years[-1] if years else None


def entry_of(record: _Record) -> ParsedEntry:
    values: dict[str, list[list[str]]] = {}
    for kind, parts in record.fields:
        values.setdefault(kind, []).append(parts)

    def joined(kind: str) -> str | None:
        """A field's text; of a field given twice (RIS's T2 and JO), the first."""
        given = values.get(kind, [])
        text = " ".join(" ".join(p) for p in given[: 1 if kind not in _REPEATABLE else None])
        return text.strip() or None

    authors, truncated = _authors(values)
    category = None
    for parts in values.get("cat", []):
        m = _CATEGORY_CODE.search(" ".join(parts))
        category = category or (m.group("code") if m else " ".join(parts).split(";")[0].strip())
    abstract = joined("abstract")
    title = joined("title")
    return ParsedEntry(
        title=clean_markup(title).rstrip(".") if title else None,
        authors=authors,
        authors_truncated=truncated,
        category=category or None,
        published_raw=_fullest_date(values.get("published", [])) or _year_in(joined("venue")),
        arxiv_id=arxiv_id_in(joined("link") or "", bare=True),
        abstract=clean_markup(abstract) if abstract else None,
        comments=[" ".join(p) for p in values.get("comments", []) if " ".join(p).strip()],
        venue=joined("venue"),
        external_id=joined("id"),
    )


def parse(text: str) -> PageParse:
    lines = split_lines(text)
    head, records = _records(lines)
    chunks = head_chunks(head)
    header = parse_header(head)
    for record in records:
        start, end = record.lines[0].start, record.lines[-1].end
        kinds = {k for k, _ in record.fields} - {"start", "end"}
        if not kinds:
            chunks.append(Chunk("quarantine", start, end, reason="a record with no fields"))
            continue
        entry = entry_of(record)
        if entry.authors and not any(map(looks_like_name, entry.authors)):
            reason = f"an authors field that names nobody: {'; '.join(entry.authors)[:200]}"
            chunks.append(Chunk("quarantine", start, end, reason=reason))
            continue
        chunks.append(Chunk("entry", start, end, entry=entry))
    return PageParse(NAME, chunks, header=header)

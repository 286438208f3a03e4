"""Field recognisers shared by the page parsers: names, bylines, dates, ids.

These are shape-agnostic: they know what a byline, a date or an arXiv id looks
like in any scraped page, not where a particular site puts them.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}
MONTH_PATTERN = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
"""An English month, whole or cut short ("Sept.", "December")."""
_FOREIGN_MONTHS = (
    {
        name: number
        for number, names in enumerate(
            (
                "janvier janv enero ene janeiro jan gennaio genn",
                "février févr febrero feb fevereiro fev febbraio",
                "mars marzo março mar",
                "avril avr abril abr aprile",
                "mai mayo maio maggio",
                "juin junio jun junho giugno giu",
                "juillet juil julio jul julho luglio lug",
                "août agosto",
                "septembre sept septiembre setiembre setembro settembre",
                "octobre octubre outubro ottobre ott",
                "novembre noviembre novembro",
                "décembre déc diciembre dic dezembro dez dicembre",
            ),
            start=1,
        )
        for name in names.split()
    }
    | {
        name: number
        for number, name in enumerate(
            "Januar Februar März April Mai Juni Juli August September Oktober November Dezember".split(),  # noqa: E501
            start=1,
        )
    }
    | {"Jän": 1, "Mär": 3, "Okt": 10, "Dez": 12}
)
"""Months as French, Spanish, Portuguese and Italian write them (lower case, as they
do: a capital "Mars 2020" is a planet's mission) and German (capitalised); not the
abbreviations that are words ("set", "out", "ago")."""
_FOREIGN_MONTH = "|".join(sorted(_FOREIGN_MONTHS, key=len, reverse=True))


def _foreign_date(group: str) -> str:
    """The pattern of such a date, its day, month and year each in `group`: "(" to
    capture them, "(?:" where another pattern holds it."""
    return (
        rf"(?-i:(?:{group}\d{{1,2}})\.?\s+(?:de\s+)?)?{group}{_FOREIGN_MONTH})\.?\s+"
        rf"(?:de\s+|del\s+)?{group}\d{{4}}))"
    )


_FOREIGN_DATE = re.compile(_foreign_date("("))
"""A date in those languages, with its year: "15 d\u00e9c. 2022", "14. M\u00e4rz 2023",
"3 de diciembre de 2022", "marzo 2021"."""
_MONTH_STOP = re.compile(
    rf"(?<![^\W\d_])(?-i:({_FOREIGN_MONTH}|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec))"
    r"\.(?=\s+\d)"
)


def undotted_months(text: str) -> str:
    """Text without the period after an abbreviated month ("15 d\u00e9c. 2022" is "15 d\u00e9c
    2022", "Nov. 2022" "Nov 2022"): no period that ends a part of a citation."""
    return _MONTH_STOP.sub(r"\1", text) if "." in text else text


_YEAR_SIGN, _MONTH_SIGN, _DAY_SIGN = "[\u5e74\ub144]", "[\u6708\uc6d4]", "[\u65e5\uc77c]"
_CJK_DATE = re.compile(
    rf"(\d{{4}})\s*{_YEAR_SIGN}(?:\s*(\d{{1,2}})\s*{_MONTH_SIGN}(?:\s*(\d{{1,2}})\s*{_DAY_SIGN})?)?"
)
"""Year, month and day marked by their signs, as Chinese, Japanese and Korean pages
write them: 2022\u5e7412\u670815\u65e5, 2022\ub144 12\uc6d4."""
DATE_PATTERN = (
    rf"(?:{MONTH_PATTERN}\s+\d{{1,2}}(?!\d)(?:,?\s+\d{{4}})?"  # Dec 15, 2022; not Jan 20(23)
    rf"|\d{{4}}\s+{MONTH_PATTERN}(?:\s+\d{{1,2}}(?!\d))?"  # 2022 Dec 15, as PubMed writes it
    rf"|(?<!\d)\d{{1,2}}\s+{MONTH_PATTERN}(?:,?\s+\d{{4}})?"  # 15 Dec 2022
    rf"|{MONTH_PATTERN}\s+\d{{4}}"  # December 2022
    r"|\d{4}-\d{2}-\d{2}"  # 2022-12-15
    rf"|{_foreign_date('(?:')}"  # 15 d\u00e9c. 2022, 3 de diciembre de 2022
    rf"|\d{{4}}\s*{_YEAR_SIGN}(?:\s*\d{{1,2}}\s*{_MONTH_SIGN}(?:\s*\d{{1,2}}\s*{_DAY_SIGN})?)?)"
)
DATE_LINE = re.compile(rf"^{DATE_PATTERN}$", re.IGNORECASE)

NAMESAKE_NUMBER = re.compile(r"\s+0\d{3}$")
"""The number DBLP writes after a name to tell it from a namesake's ("Wei Wang 0001")."""
CATEGORY_DATE_LINE = re.compile(
    rf"^(?P<score>\d+(?:\.\d+)?)?"
    rf"(?P<category>(?:[a-z]+(?:-[a-z]+)?\.)?[A-Z][A-Z0-9]*(?:[-.][A-Z0-9]+)*)"
    rf"\s?(?P<date>{DATE_PATTERN})$"
)
"""A category glued to a date, maybe after a score: "CLDec 15, 2022", "60.1SOC-PHApr 1"."""

ARXIV_NEW = r"\d{4}\.\d{4,5}(?:v\d+)?"
ARXIV_OLD = r"[a-z]+(?:-[a-z]+)?(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?"
ARXIV_ID = re.compile(rf"(?<![\w/.])(?:{ARXIV_NEW}|{ARXIV_OLD})(?![\w])")
ARXIV_TAG = re.compile(rf"(?:arXiv|e-?print)\s*:\s*(?P<id>{ARXIV_NEW}|{ARXIV_OLD})", re.IGNORECASE)
"""An arXiv id after its tag: "arXiv:2212.08073", INSPIRE's "e-Print: 1203.6064"."""
MARKDOWN_LINK = re.compile(r"!?\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
"""A Markdown link or image, `[text](url "title")`: its text is what a reader sees."""
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/|\b10\.48550/arxiv\.|\bCoRR\s+abs/", re.I)
"""An arXiv link, DOI ("10.48550/arXiv.2212.08073") or DBLP's "CoRR abs/2212.08073",
read as an "arXiv:" tag."""


def arxiv_id_in(text: str, *, bare: bool = False) -> str | None:
    """The arXiv id a field gives ("arXiv:2212.08073v2", an arxiv.org link; with
    `bare`, a lone "2212.08073" too), without its version."""
    text = _ARXIV_URL.sub("arXiv:", text)
    tagged = ARXIV_TAG.search(text)
    found = tagged.group("id") if tagged else None
    if found is None and bare and (m := ARXIV_ID.search(text)):
        found = m.group()
    return re.sub(r"v\d+$", "", found) if found else None


@dataclass(frozen=True)
class PartialDate:
    """A date as far as the page states it: the year may be unknown."""

    year: int | None
    month: int | None
    day: int | None


@lru_cache(maxsize=1 << 16)
def parse_date(raw: str | None) -> PartialDate | None:
    """Parse the date formats pages use; a missing year stays None, never guessed.

    Each written date once: a million generated entries carry 10,603, and five
    regular expressions tried on every entry were a third of normalizing them."""
    if not raw:
        return None
    s = raw.strip()
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", s)
    if iso:
        y, m, d = (int(g) for g in iso.groups())
        return _checked(y, m, d)
    md = re.fullmatch(rf"({MONTH_PATTERN})\s+(\d{{1,2}})(?:,?\s+(\d{{4}}))?", s, re.IGNORECASE)
    if md:
        return _checked(_int(md.group(3)), _month(md.group(1)), int(md.group(2)))
    dm = re.fullmatch(rf"(\d{{1,2}})\s+({MONTH_PATTERN})(?:,?\s+(\d{{4}}))?", s, re.IGNORECASE)
    if dm:
        return _checked(_int(dm.group(3)), _month(dm.group(2)), int(dm.group(1)))
    my = re.fullmatch(rf"({MONTH_PATTERN})\s+(\d{{4}})", s, re.IGNORECASE)
    if my:
        return _checked(int(my.group(2)), _month(my.group(1)), None)
    ymd = re.fullmatch(rf"(\d{{4}})\s+({MONTH_PATTERN})(?:\s+(\d{{1,2}}))?", s, re.IGNORECASE)
    if ymd:
        return _checked(int(ymd.group(1)), _month(ymd.group(2)), _int(ymd.group(3)))
    if foreign := _FOREIGN_DATE.fullmatch(s):
        return _checked(int(foreign[3]), _FOREIGN_MONTHS[foreign[2]], _int(foreign[1]))
    cjk = _CJK_DATE.fullmatch(s)
    if cjk:
        return _checked(int(cjk[1]), _int(cjk[2]), _int(cjk[3]))
    year = re.fullmatch(r"(\d{4})", s)
    if year:
        return _checked(int(year.group(1)), None, None)
    return _numeric(s) or _loose(s)


_ORDINAL = re.compile(r"(?<=\d)(?:st|nd|rd|th)\b", re.IGNORECASE)
_TIME = re.compile(r"[T\s]\d{1,2}:\d{2}.*$")
_WEEKDAY = re.compile(r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+", re.IGNORECASE)
_YEAR_IN = re.compile(r"(?<!\d)(?:1[89]|20)\d{2}(?!\d)")


def _loose(s: str) -> PartialDate | None:
    """A date in a form the patterns above do not take: ordinals ("December 15th,
    2022"), a time or weekday around it ("Thu, 15 Dec 2022 10:00:00 GMT",
    "2022-12-15T10:00:00Z"), dashes between words ("15-Dec-2022"); failing all, the one
    year it names ("Winter 2022"), never a guessed one."""
    plain = _WEEKDAY.sub("", _TIME.sub("", _ORDINAL.sub("", s))).strip()
    plain = re.sub(r"(?<=[A-Za-z.])-|-(?=[A-Za-z])", " ", plain)
    if plain != s and (parsed := parse_date(plain)):
        return parsed
    if re.fullmatch(r"[\d./-]+", s):
        return None  # a date in numbers that is none ("31.02.2021"): its year is no surer
    years = _YEAR_IN.findall(s)
    return _checked(int(years[0]), None, None) if len(set(years)) == 1 else None


def _numeric(s: str) -> PartialDate | None:
    """A date in numbers: the year first ("2022/12/15", "2022-12", "2022.12"), the year
    last after its month ("12/2022"), "15.12.2022" (European, the day first), or slashed, where
    the order is known only when a day past 12 shows it ("25/12/2022", "12/25/2022")
    or both are one ("05/05/2022"); otherwise the year alone is sure ("03/04/2021")."""
    if ymd := re.fullmatch(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})", s):
        y, m, d = (int(g) for g in ymd.groups())
        return _checked(y, m, d)
    if ym := re.fullmatch(r"(\d{4})[-/.](\d{1,2})", s):
        return _checked(int(ym.group(1)), int(ym.group(2)), None)
    if my := re.fullmatch(r"(\d{1,2})[/.](\d{4})", s):
        return _checked(int(my.group(2)), int(my.group(1)), None)
    if dotted := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", s):
        d, m, y = (int(g) for g in dotted.groups())
        return _checked(y, m, d)
    if slashed := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", s):
        a, b, y = (int(g) for g in slashed.groups())
        if a > 12:
            return _checked(y, b, a)
        if b > 12 or a == b:
            return _checked(y, a, b)
        return _checked(y, None, None)
    return None


def _int(s: str | None) -> int | None:
    return int(s) if s else None


def _month(s: str) -> int:
    return MONTHS[s[:3].lower()]


def _checked(y: int | None, m: int | None, d: int | None) -> PartialDate | None:
    import calendar

    if m is not None and not 1 <= m <= 12:
        return None
    if d is not None:
        limit = calendar.monthrange(y if y else 2000, m or 1)[1]
        if not 1 <= d <= limit:
            return None
    if y is not None and not 1000 <= y <= 9999:
        return None
    return PartialDate(y, m, d)


# ---- names and bylines -------------------------------------------------------

PARTICLES = frozenset(
    "van von der den de del della di da dos das du la le bin ibn al el ter ten zu y".split()
)
"""Lower-case words that belong to the surname that follows them."""
SUFFIXES = frozenset(("jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "phd"))
_ETAL = re.compile(
    r"(?:,?\s*(?:\bet\s*al\.?|\band\s+(?:\d+\s+)?others?|\(?\+\s?\d+\s+(?:more|others?)\)?"
    r"|\u2026|\.\.\.))\s*$",
    re.IGNORECASE,
)
"""A byline's cut end: "et al.", "and others", "and 5 others", "+3 more", "(+12 more)", "..."."""
_ELIDED = re.compile(
    r"[,\u00b7]?\s*(?:\+\s?\d+\s+(?:more\s+)?authors?\b|\[\s*(?:\.\.\.|\u2026)\s*\]|\u2026|\.\.\.(?!\.))"
    r"\s*[,\u00b7]?\s*",
    re.IGNORECASE,
)
"""Authors left out between the first and the last: "A, B, +28 authors Z" (Semantic
Scholar), "A, B, ..., Z", "A \u00b7 B \u00b7 [...] \u00b7 Z" (ResearchGate)."""


def is_elision(text: str) -> bool:
    """A line or item standing for authors left out: "+28 authors"."""
    return _ELIDED.fullmatch(text.strip()) is not None


_SUPERSCRIPTS = "\u00b9\u00b2\u00b3\u2070-\u2079"
_SYMBOLS = "*\u2020\u2021\u00a7\u00b6"
"""Marks after a name: footnotes' symbols, affiliations' numbers."""
_SYMBOLS_AND_SUPERSCRIPTS = _SYMBOLS + _SUPERSCRIPTS
_AFFIL_SEP = re.compile(r"\s+[\u00b7\u2022|]\s+")
_INSTITUTION_WORDS = frozenset(
    """university universität université universidad universidade università institute
    institut instituto college school laboratory laboratories lab labs hospital inc ltd
    llc gmbh corporation""".split()
)
NOT_NAME_WORDS = (
    frozenset(
        """university universität institute institut department dept laboratory laboratories
    lab labs research researcher scientist professor student engineer lecturer postdoc
    fellow director faculty college school academy centre center foundation corporation
    corp inc ltd llc gmbh company group team publications papers articles preprints works
    paper selected curriculum vitae resume biography profile homepage conference proceedings
    journal workshop symposium transactions letters review reviews magazine annals bulletin
    quarterly advances trends frontiers veröffentlichungen publikationen schriften
    publicaciones artículos publicações artigos pubblicazioni articoli travaux""".split()
    )
    | _INSTITUTION_WORDS
)
"""Words of affiliations, job titles, venues and page headings (in English and the
languages of European CVs), never a person's name: a line of them ("Research Scientist, Example
Labs") is no byline, and a heading ("Selected Publications", "Ver\u00f6ffentlichungen
von Ada Park") no owner."""


def is_affiliation(text: str) -> bool:
    """A line of institutions ("University of Porto and Nova School of Business"), as a
    record prints under its authors: no venue."""
    return any(w in _INSTITUTION_WORDS for w in re.findall(r"[^\W\d_]+", text.lower()))


_NUMBERED = re.compile(rf"\s*[{_SUPERSCRIPTS}]+\s*")
_NUMBERED_INLINE = re.compile(r"(?:^|[,;]?\s+)\d{1,2}\s*(?=[^\W\d_])")


def affiliations_in(text: str) -> list[str]:
    """A line of institutions, one each: a paper's line numbered in superscripts
    ("\u00b9Example University \u00b2Sample Institute"), or in digits from its start
    ("1 Example University, 2 Sample Institute"), is several."""
    numbered = _NUMBERED_INLINE if "0" <= text[:1] <= "9" else _NUMBERED
    return [p.strip(" ,;") for p in numbered.split(text) if p.strip(" ,;")]


FOOTNOTE_LEGEND = re.compile(
    rf"^[{_SYMBOLS_AND_SUPERSCRIPTS}]\s*(?:equal(?:ly)?\s+(?:contribut|advis|supervis)"
    r"|corresponding\s+author|work\s+(?:done|performed)|these\s+authors|joint\s+first)"
    r"|^(?:equal\s+contributions?|corresponding\s+authors?)\.?$",
    re.IGNORECASE,
)
"""A byline's legend of its marks ("*Equal contribution \u2020Corresponding author"),
or the note alone, its mark taken for a list's bullet: no venue."""


UPPER = "A-Z" + "".join(
    c for c in map(chr, [*range(0xC0, 0x250), *range(0x370, 0x530)]) if c.isupper()
)
"""Capital letters of the Latin, Greek and Cyrillic alphabets, as a regex class's body:
an initial is one of them ("Ł. Kaiser", "É. Moulines", "Šimić, Š.")."""
HAN = r"\u3400-\u4dbf\u4e00-\u9fff\u3005"
"""Han characters, with the mark repeating one (々), as a character class's ranges."""
KANA = r"\u3041-\u3096\u30a1-\u30fa\u30fc"
"""Hiragana and katakana, with the long vowel mark (ー)."""
CJK_SCRIPT = rf"[{HAN}\uac00-\ud7a3{KANA}]"
"""Han characters, Hangul syllables and kana: the scripts names are written in without
capitals."""
_CJK_NAME_PART = re.compile(rf"{CJK_SCRIPT}{{1,4}}")
"""A name written in Chinese, Japanese or Korean script: a few characters (a title runs
longer), surname and given name apart ("\u7530\u4e2d \u5b8f") or together."""


def is_cjk_name(text: str) -> bool:
    """A name in CJK script of two to four characters, written together ("\u5f20\u4f1f")."""
    return len(text) >= 2 and _CJK_NAME_PART.fullmatch(text) is not None


def _is_name_part(part: str) -> bool:
    """A capitalised word (DasSarma, McCandlish), an upper-case surname (LIU) or a
    name in CJK script."""
    if part and part[0] >= "\u3041" and _CJK_NAME_PART.fullmatch(part):
        return True
    if not part or not part.isalpha() or not part[0].isupper():
        return False
    if len(part) == 1 or part.isupper():
        return True
    for a, b in itertools.pairwise(part):
        if a.isupper() and b.isupper():
            return False
    return any(c.islower() for c in part)


_INITIALS = re.compile(r"(?:[^\W\d_]\.-?){1,3}|[^\W\d_]")
_NAME_JOINS = re.compile(r"[-'\u2019]")


def _is_initials(token: str) -> bool:
    return _INITIALS.fullmatch(token) is not None and token[0].isupper()


_ROMANISED_GIVEN = re.compile(r"[A-Z][a-z]{1,4}-[a-z]{2,5}")
"""A Korean or Chinese given name in two syllables, the second lower-case: "Sung-min",
"Jae-hyun", "Xiao-li"."""
_PREFIXES = frozenset(
    "multi self semi non pre post anti co re sub meta cross inter auto bi".split()
)
"""First halves of hyphened title words ("Multi-task", "Self-play"), never given names."""


@lru_cache(maxsize=1 << 16)
def is_name_token(token: str) -> bool:
    """A given name, surname or initial as it appears in a byline (cached: the same
    names recur on page after page)."""
    if _is_initials(token):
        return True
    if _ROMANISED_GIVEN.fullmatch(token) and token.split("-")[0].lower() not in _PREFIXES:
        return True
    return all(_is_name_part(p) for p in _NAME_JOINS.split(token))


@lru_cache(maxsize=1 << 16)
def looks_like_name(item: str) -> bool:
    """Whether one byline item is a personal name (1 to 6 name-shaped tokens)."""
    tokens = item.split()
    if not 1 <= len(tokens) <= 6:
        return False
    if tokens[-1].lower().rstrip(".") in {s.rstrip(".") for s in SUFFIXES} and len(tokens) > 2:
        tokens = tokens[:-1]
    if tokens[-1].endswith(","):
        return False
    first, last = tokens[0], tokens[-1]
    if first.lower() in PARTICLES and not first[0].isupper():
        return False
    if len(tokens) > 1 and _is_initials(last):
        return False
    for tok in tokens:
        if tok.lower() in PARTICLES:
            continue
        if not is_name_token(tok) or tok.lower() in NOT_NAME_WORDS:
            return False
    return is_name_token(last)


def display_name(name: str) -> str:
    """A reference manager's "Last, First" (or "von Last, Jr, First") as written on
    pages: "First Last"."""
    pieces = [p.strip() for p in name.split(",")]
    if len(pieces) == 2 and all(pieces):
        return f"{pieces[1]} {pieces[0]}"
    if len(pieces) == 3 and pieces[0] and pieces[2]:
        return f"{pieces[2]} {pieces[0]} {pieces[1]}"
    return name.strip()


@dataclass(frozen=True)
class Byline:
    """A parsed byline; tuples, so the cached parsers below can share it."""

    authors: tuple[str, ...]
    truncated: bool
    affiliations: tuple[str, ...]


BYLINE_CACHE = 1 << 10
"""Lines remembered by the byline parsers: a page's shape is decided by parsing its
first twenty entries' bylines, and then each is parsed again to read it (a tenth
of extracting 10k entries, profiled). A page's lines, not a catalogue's."""


_AND = re.compile(r",?\s+(?:and|&)\s+|\s+(?:und|y|et)\s+(?=[^,;\s]+\s[^,;]*$|[^,;\s]+\s[^,;]*[,;])")
"""The word before the last name: "and", "&", or as German, Spanish and French bylines
write it, where a name of two words follows ("Ada Park y Jon Okoye"; "Ortega y Gasset"
is one surname)."""


def _split_names(s: str) -> list[str]:
    s = _AND.sub(", ", s)
    sep = ";" if ";" in s else ","
    return [p.strip() for p in s.split(sep) if p.strip()]


@lru_cache(maxsize=BYLINE_CACHE)
def parse_byline(text: str, *, min_tokens: int = 1) -> Byline | None:
    """Parse "A, B, C et al. · aff1, aff2"; None when it is not a byline.

    `min_tokens` is the number of tokens the first name must have: a lone
    one-word "name" is too easily a word from a title.
    """
    s = text.strip()
    if "\u3001" in s or "\uff0c" in s:  # the ideographic and full-width commas
        s = s.replace("\u3001", ", ").replace("\uff0c", ", ")
    if _DECORATED.search(s):
        s = _undecorated(s)
    if ";" in s:
        s = _turned(s)
    if _INITIALS_AFTER.search(s):
        s = _vancouver(s)
    head = _ETAL.sub("", _AND.split(re.split(r"[,;\u00b7]", s, maxsplit=1)[0], maxsplit=1)[0])
    if not looks_like_name(head.strip()) and not _is_surname(head):  # "van der Berg, A."
        return None  # cheap rejection of titles and prose before splitting it all
    affiliations: list[str] = []
    if _dotted_names(s):
        s = _AFFIL_SEP.sub(", ", s)
    parts = _AFFIL_SEP.split(s, maxsplit=1)
    if len(parts) == 2:
        s, affil = parts
        affiliations = [a.strip() for a in affil.split(",") if a.strip()]
    truncated = False
    m = _ETAL.search(s)
    if m:
        truncated = True
        s = s[: m.start()]
    s, elided = _ELIDED.subn(", ", s)
    truncated = truncated or elided > 0
    names = _split_names(s)
    if len(names) >= 2 and len(names) % 2 == 0 and _surnames_then_initials(names):
        names = [
            f"{i.rstrip('.')}. {surname}"
            for surname, i in zip(names[::2], names[1::2], strict=True)
        ]
    if not names or not all(looks_like_name(n) for n in names):
        return None
    if len(names) >= 2 and " " not in names[0] and not _CJK_NAME_PART.fullmatch(names[0]):
        names = _uninverted(names)  # "Park, Ada"; a CJK name is whole without a space
    if len(names[0].split()) < min_tokens:
        return None
    lone = len(names) == 1 and not truncated and not affiliations
    if lone and not 2 <= len(names[0].split()) <= 4:
        return None  # a lone one-word or long "name" is more likely a title
    return Byline(tuple(names), truncated, tuple(affiliations))


_BEFORE_NEXT = r"(?=\s*(?:[,;\u00b7]|$|\band\b))"
"""Where a name ends: before the separator to the next, or at the end."""
_MARKS = re.compile(
    rf"(?<=[^\W\d_.{_SUPERSCRIPTS}])(?:[{_SYMBOLS}{_SUPERSCRIPTS}]+(?:,[{_SUPERSCRIPTS}]+[{_SYMBOLS}]*)*"
    rf"|\d{{1,2}}(?:,\d{{1,2}})*[{_SYMBOLS}]*{_BEFORE_NEXT})"
)
"""Marks after a name: equal contribution ("Ada Park*", "Jon Okoye\u2020") or an
affiliation's number, as a paper's byline copies ("Ada Park1", "Lina Moss1,2*",
"Ada Park\u00b9\u2020")."""
HONORIFIC = r"(?:Dr|Prof|Professor)\b\.?"
"""A title before a name ("Dr.", "Prof."): no part of it."""
_HONORIFIC = re.compile(rf"(^|[,;]\s*|\band\s+){HONORIFIC}\s+(?=[A-Z])")
_ASIDE = re.compile(rf"\s*\((?!\+)[^()]*\){_BEFORE_NEXT}")
"""A name's aside in brackets: an affiliation ("Ada Park (Example Labs)"), the name in
its own script ("Hiroshi Tanaka (\u7530\u4e2d \u5b8f)")."""
_SUFFIX_APART = re.compile(rf",\s*(Jr\.?|Sr\.?|II|III|IV){_BEFORE_NEXT}")
_DECORATED = re.compile(
    rf"[{_SYMBOLS}{_SUPERSCRIPTS}(]|[^\W\d_]\d|\b{HONORIFIC}|,\s*(?:Jr|Sr|II|III|IV)\b"
)
"""Anything `_undecorated` takes away, found at a glance (most bylines have none)."""


_CAPITAL = f"[{UPPER}]"
"""What an initial is (`UPPER`)."""
_INITIALS_AFTER = re.compile(rf"\s(?:{_CAPITAL}{{1,3}}|(?:{_CAPITAL}\.-?){{1,3}})(?:[,;]|$)")
VANCOUVER_NAME = re.compile(
    r"^(?P<surname>[^\W\d_][\w'\u2019-]*(?:\s[^\W\d_][\w'\u2019-]*)*)"
    rf"\s(?P<initials>{_CAPITAL}{{1,3}}|(?:{_CAPITAL}\.-?){{1,3}})$"
)
"""A name written surname first with its initials after, bare ("Park JA", PubMed) or
dotted ("Park J.A.", Scopus; "\u0418\u0432\u0430\u043d\u043e\u0432 \u0418.\u0418.",
as Russian lists write)."""


_NAME_LIST = re.compile(r"\s*;\s*|\s+and\s+")


def inverted_names(text: str) -> list[str] | None:
    """Names written surname first, parted by semicolons or "and" ("Park, Ada;
    Okoye, J", as indexes write them, BibTeX's "Park, A. and Okoye, J."), turned
    round; None when any part is not one "Surname, Given"."""
    parts = [p for p in _NAME_LIST.split(text.strip()) if p]
    if len(parts) < 2 or not all(p.count(",") == 1 for p in parts):
        return None
    return [display_name(p) for p in parts]


def _turned(byline: str) -> str:
    """A byline of names written surname first (`inverted_names`) turned round; any
    other byline as it is."""
    cut = _ETAL.search(byline)
    names = inverted_names(byline[: cut.start()] if cut else byline)
    if names is None:
        return byline
    return ", ".join(names) + (byline[cut.start() :] if cut else "")


def _vancouver(byline: str) -> str:
    """A byline of names written surname first with bare initials, as PubMed and
    Vancouver-style references write them ("Park A, Okoye JR, et al."), with each
    turned round ("A. Park, J. R. Okoye, et al."); any other byline as it is."""
    cut = _ETAL.search(byline)
    names = byline[: cut.start()] if cut else byline
    parts = [p.strip() for p in re.split(r"[,;]", names)]
    found = [VANCOUVER_NAME.match(p) for p in parts]
    if not all(found) or (len(parts) < 2 and not _lone_vancouver(found[0])):
        return byline
    if not any("." in m["initials"] or len(m["initials"]) == 1 for m in found if m):
        return byline  # "Wei WU, Li MA": surnames in capitals, not initials
    turned = [
        " ".join(f"{c}." for c in re.sub(r"[.-]", "", m["initials"])) + " " + m["surname"]
        for m in found
        if m
    ]
    return ", ".join(turned) + (byline[cut.start() :] if cut else "")


def _lone_vancouver(name: re.Match[str] | None) -> bool:
    """One name written so ("Okoye JR"): one surname and initials that are no roman
    numeral ("Part II")."""
    return (
        name is not None
        and " " not in name["surname"]
        and len(name["initials"]) <= 2
        and not re.fullmatch(r"[IVX]+", name["initials"])
    )


def _undecorated(byline: str) -> str:
    """A byline without what decorates its names: marks, honorifics ("Dr. Ada Park"),
    asides in brackets, and a suffix set apart by a comma ("Sebastian Thrun, Jr.")."""
    byline = _MARKS.sub("", byline)
    byline = _HONORIFIC.sub(r"\1", byline)
    byline = _ASIDE.sub("", byline)
    return _SUFFIX_APART.sub(r" \1", byline)


_GIVEN = re.compile(rf"^[^\W\d_][^\W\d_'\-]+(?:\s[{UPPER}]\.)*$")
"""A given name, with any middle initials: "Sofia", "Sofia M."."""


def _surnames_then_initials(parts: list[str]) -> bool:
    """A byline of surnames, each followed by its initials, all parted by commas
    ("Park, A., Okoye, J. R.", as Scopus and APA write them; "García Márquez, G.",
    "van der Berg, A.")."""
    return all(
        _is_surname(surname) and _is_initials(i.replace(" ", ""))
        for surname, i in zip(parts[::2], parts[1::2], strict=True)
    )


def _is_surname(text: str) -> bool:
    """A surname alone: one to three name-shaped words, with the particles before them
    ("Park", "García Márquez", "van der Berg"); no initials."""
    words = text.split()
    named = [w for w in words if w.lower() not in PARTICLES]
    return (
        1 <= len(named) <= 3
        and words[-1] is named[-1]
        and all(is_name_token(w) and not _is_initials(w) for w in named)
    )


def _uninverted(names: list[str]) -> list[str]:
    """A first author written surname first, as Chicago and MLA write it ("Rossi, Sofia,
    Daniel Kim, and Amara Nwosu"), put in the order of the others: a one-word surname
    and a given name, then full names only (or none: "Rossi, Sofia")."""
    surname, given, rest = names[0], names[1], names[2:]
    if not _GIVEN.match(given) or not all(" " in n for n in rest):
        return names
    return [f"{given} {surname}", *rest]


def _dotted_names(text: str) -> bool:
    """Names parted by dots ("A Smith · B Jones", as ResearchGate writes them),
    not a byline with its affiliations after the dot ("A Smith, B Jones · mit"):
    every part one full name of two words at least."""
    parts = [p for p in _AFFIL_SEP.split(text) if not is_elision(p)]
    return len(parts) >= 2 and all(
        "," not in p and len(p.split()) >= 2 and looks_like_name(p) for p in parts
    )


def _camel_cased(token: str) -> bool:
    """A capital after a lowercase letter: "DasSarma", or a title word glued to a name."""
    return any(a.islower() and b.isupper() for a, b in itertools.pairwise(token))


@lru_cache(maxsize=BYLINE_CACHE)
def split_title_byline(line: str) -> tuple[str, Byline] | None:
    """Split a title glued to its byline ("...Repeated DataDanny Hernandez, ...").

    The byline starts at a capital letter that directly follows a non-space
    character. Every such point whose remainder parses as a byline is a
    candidate; the best is the one whose first name looks most like a name
    (fewest camel-cased or all-capital tokens, two or three tokens), then the
    earliest.
    """
    best: tuple[tuple[int, int, int], str, Byline] | None = None
    for i in range(1, len(line)):
        ch, prev = line[i], line[i - 1]
        if not ch.isupper() or prev.isspace() or prev == "-":
            continue
        title = line[:i].rstrip()
        if not title:
            continue
        byline = parse_byline(line[i:], min_tokens=2)
        if byline is None:
            continue
        first = byline.authors[0].split()
        odd = sum(1 for tok in first if _camel_cased(tok) or (len(tok) > 1 and tok.isupper()))
        rank = (odd, 0 if 2 <= len(first) <= 3 else 1, i)
        if best is None or rank < best[0]:
            best = (rank, title, byline)
    if best is None:
        return None
    return best[1], best[2]


PUBLICATION_TYPES = frozenset(
    (
        "article",
        "journal article",
        "conference paper",
        "conference proceedings",
        "proceedings paper",
        "preprint",
        "chapter",
        "book chapter",
        "book",
        "thesis",
        "dissertation",
        "poster",
        "presentation",
        "technical report",
        "working paper",
        "patent",
        "dataset",
        "software",
        "review",
        "editorial",
        "letter",
        "research article",
        "review article",
        "short paper",
        "full paper",
        "extended abstract",
        "conference abstract",
    )
)
"""The kinds of work profile sites print on a line of their own or beside a date
("Article", "2023-03-14 | Preprint"): never a paper's title or venue."""


def is_publication_type(text: str) -> bool:
    return re.sub(r"[-_\s]+", " ", text.strip(" .:")).lower() in PUBLICATION_TYPES


# ---- abstracts and comments ----------------------------------------------------

_MATH = re.compile(r"\$\$?(?P<body>[^$]{1,400})\$\$?")
_WRAPPING_COMMANDS = re.compile(
    r"\\(?:emph|textbf|textit|textrm|texttt|textsc|mathrm|mathbf|mathit|mbox|text|url|href\{[^}]*\})"
    r"\{(?P<body>[^{}]*)\}"
)
_FOOTNOTE = re.compile(r"\\footnote\{(?P<body>[^{}]*)\}")
_DROPPED_COMMANDS = re.compile(
    r"~?\\(?:cite[pt]?|ref|label|eqref)\{[^{}]*\}|\\[a-zA-Z]+\s*=\s*-?\d+(?:\.\d+)?(?:pt|em|ex)?"
    r"|\\(?:noindent|newline|linebreak|par|medskip|smallskip|bigskip)\b"
)
_HTML_TAG = re.compile(
    r"</?(?:b|i|em|strong|sub|sup|p|br|span|div|a|inline-formula|tex-math)\b[^>]*>", re.I
)


def _math_to_text(body: str) -> str:
    from pylatexenc.latex2text import LatexNodes2Text

    try:
        return LatexNodes2Text(math_mode="text").latex_to_text(body).strip()
    except Exception:  # pylatexenc rejects some malformed math; keep it as written
        return body


_LATEX_ACCENT = re.compile(
    r"(?P<open>\{\s*)?"  # "{\"o}", "{\v S}": the group that holds an accented letter
    r"(?:\\(?:[`'^~=.\"]|[uvHrcdkb](?:\s*(?=\{)|\s+))"
    r"(?:\{\s*\\?[A-Za-z]\s*\}|\\[ij](?![A-Za-z])"
    r"|(?<=[^\x22])[A-Za-z]|(?<=\x22)[AEIOUYaeiouy])"  # \"t: a JSON string's quote
    r"|\\(?:ss|aa|AA|ae|AE|oe|OE|o|O|l|L)(?![A-Za-z])(?:\{\}|\s)?)"
    r"(?(open)\s*\})"
)
"""An accented letter as LaTeX writes it: "\\'{a}", "\\'a", "{\\v S}", "\\'{\\i}";
or a letter of its own ("\\o", "\\ss{}")."""


def latex_accents(text: str) -> str:
    """LaTeX's accented letters as the letters ("Gonz\\'{a}lez" -> González,
    "{\\v S}imi\\'c" -> Šimić), so a name is the same however it was typed. The
    letters are pylatexenc's; only they are read, so the rest of a citation's LaTeX
    (`\\textbf`, `\\emph`) stays for the reader that marks it up."""
    if "\\" not in text:
        return text
    return _LATEX_ACCENT.sub(lambda m: latex_reader().latex_to_text(m.group()), text)


@cache
def latex_reader() -> Any:
    """pylatexenc's LaTeX-to-text reader, made once: spaces kept as LaTeX keeps them."""
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(strict_latex_spaces=True)


_MARKUP = frozenset("<&$\\~")
"""Characters every markup pattern above needs: prose without them skips to spacing."""
_TILDE = re.compile(r"(?<=[\w.])~(?=\w)")
_PAREN_PUNCT = re.compile(r"\)\s+([.,;:])")


def clean_markup(text: str) -> str:
    """Strip LaTeX and HTML remnants from scraped prose; keep URLs and wording."""
    if _MARKUP.isdisjoint(text):  # most prose: a million entries' worth of regexes saved
        return _spaced(text)
    return _strip_markup(text)


def _spaced(text: str) -> str:
    """No space before punctuation after a parenthesis; every run of white space one
    space. `str.split` splits on what `\\s` matches (every code point checked), five
    times as fast as the regex on a million abstracts."""
    if ")" in text:
        text = _PAREN_PUNCT.sub(r")\1", text)
    return " ".join(text.split())


def _strip_markup(text: str) -> str:
    import html

    s = html.unescape(_HTML_TAG.sub("", text))
    s = _MATH.sub(lambda m: _math_to_text(m.group("body")), s)
    for _ in range(3):
        s = _FOOTNOTE.sub(lambda m: f" ({m.group('body').strip()})", s)
        s = _WRAPPING_COMMANDS.sub(lambda m: m.group("body"), s)
    s = _DROPPED_COMMANDS.sub("", latex_accents(s))
    s = _TILDE.sub(" ", s)
    s = s.replace("\\%", "%").replace("\\&", "&").replace("\\_", "_")
    return _spaced(s)

"""Page headers: the owner a page names and the stats it shows.

A header is whatever precedes the first entry. Owners come from "Picture for
NAME" badges or a leading name line; stats are number+label pairs in either
order ("14papers", "13,274citations", "Novelty51%", "AI Score34").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from typing import NamedTuple

from anyascii import anyascii

from pipeline.extract.fields import (
    HONORIFIC,
    NAMESAKE_NUMBER,
    NOT_NAME_WORDS,
    display_name,
    is_cjk_name,
    latex_accents,
    looks_like_name,
    parse_byline,
)
from pipeline.extract.lines import Line
from pipeline.extract.model import PageHeader

_PICTURE = re.compile(r"^Picture\s+for\s+(?P<name>.+)$", re.IGNORECASE)
_NUM = r"\d[\d,]*(?:\.\d+)?%?"
_VALUE_LABEL = re.compile(rf"^(?P<value>{_NUM})\s*(?P<label>[A-Za-z][A-Za-z ]*)$")
_LABEL_VALUE = re.compile(rf"^(?P<label>[A-Za-z][A-Za-z ]*?)\s*(?P<value>{_NUM})$")
_LABEL_COUNT = re.compile(
    rf"^(?P<label>[A-Za-z][A-Za-z ]*?)\s*\((?:\d+\s+of\s+)?(?P<value>{_NUM})\)$"
)
"""A count in brackets after its label: "Works (12)", "Works (3 of 12)", "Research items (40)"."""
_CATEGORY = re.compile(r"^(?:[a-z]+\.)?[A-Z]{2,}(?:[-.][A-Z]{2,})?$")
_NAME_THEN_TITLE = re.compile(r"^(?P<name>[^|:\u2013\u2014]+?)\s+[-|:\u2013\u2014]\s+\S")
"""A name heading its page's title: "Lena Fischer - Curriculum Vitae", "A Smith | Home"."""
_NAME_THEN_ROLE = re.compile(
    r"^(?P<name>[^,\u2022\u00b7|]+?)\s*(?:,|\s[\u2022\u00b7])\s+(?P<role>\S.*)$"
)
"""A name before its degree, post or institution: "Ada Park, PhD", "Dr. Ada Park,
Associate Professor", "Ada Park \u00b7 Example University"."""
_DEGREES = frozenset("phd dphil md msc mba frs".split())
_LABELLED_NAME = re.compile(
    r"^[^:|\u2013\u2014]*?\b(?:author|profile|home|homepage|home\s+page)\b"
    r"(?:\s+page)?\s*(?:[-:|\u2013\u2014]|\s+of)\s*"
    rf"(?:{HONORIFIC}\s+)?(?P<name>\S.*?)\s*$",
    re.IGNORECASE,
)
"""A name after the label of whose page it is: "SSRN Author Page: Ada Park",
"Researcher profile | Ada Park", "Profile of Ada Park"."""
_SEARCHED = re.compile(
    r"^(?=.*\bau(?:thor)?\b)(?:search\s+)?results\s+for\s+(?:author\s*:\s*)?(?P<name>\S.*?)\s*$",
    re.IGNORECASE,
)
"""A search for one author's papers: "Search results for author: Park A", "Search
results for Park A[Author]" (a search for a topic names no one)."""
_LIST_WORDS = (
    r"(?:publications|papers|articles|ver\u00f6ffentlichungen|publikationen|publicaciones"
    r"|publica\u00e7\u00f5es|pubblicazioni|travaux)"
)
"""What a list of one's papers is called, in English and the languages of European CVs."""
_OWNER_HEADING = re.compile(
    rf"^#*\s*(?:[\w\s\-\u2013\u2014]*?\s)?{_LIST_WORDS}"
    r"\s+(?:of|by|von|de|di|da|du|des|[-:|\u2013\u2014])\s*"
    rf"(?:{HONORIFIC}\s+)?(?P<name>.+?)\s*:?$",
    re.IGNORECASE,
)
"""A list's heading naming whose it is: "Publications of Jonas Weber", "## Papers by
A. Smith", "Publications \u2014 Dr. Priya Raman", "Selected Retrieval Papers by A. Smith",
"CVPR 2023 open access - papers by A. Smith"."""
_MARKED_HEADING = re.compile(
    r"^(?:(?P<hashes>#{1,6})\s+(?P<md>\S.*?)(?:\s+#+)?|(?P<equals>={1,6})\s*(?P<wiki>[^\s=].*?)\s*=*)\s*$"
)
"""A heading marked by its level's hashes (Markdown, "## 2023 ##") or equals signs
(AsciiDoc's "== 2023", a wiki's "==2023==")."""
_LATEX_HEADING = re.compile(
    r"^\\(?P<command>(?:sub)*section|chapter|title|author|name)\*?"
    r"\{(?P<text>[^{}]+)\}(?:\{(?P<more>[^{}]+)\})?\s*$"
)
"""A LaTeX CV's heading or name: "\\section*{Publications}", moderncv's "\\name{Ada}{Park}"."""
_ORG_KEYWORD = re.compile(r"^#\+(?:title|author|subtitle):\s*(?P<text>\S.*?)\s*$", re.IGNORECASE)
"""An Org file's title or author line: "#+TITLE: Publications of Ada Park"."""


_ORG_HEADLINE = re.compile(r"^(?P<stars>\*{2,}) +(?P<text>\S.*?)\s*$")
"""An Org headline below the first level ("** 2024"): a Markdown bullet has one star."""

_HEADING_OPENERS = frozenset("#=\\*")


class Heading(NamedTuple):
    """A heading line's level (1 for "#", "=", "\\section") and its text."""

    level: int
    text: str


def heading_of(line: str) -> Heading | None:
    """The level and text of a line that is a heading in one of the markups pages are
    written in (Markdown, AsciiDoc, wikis, LaTeX, Org), or None."""
    if line[:1] not in _HEADING_OPENERS:  # most lines, at a glance
        return None
    if marked := _MARKED_HEADING.match(line):
        marks = marked["hashes"] or marked["equals"]
        return Heading(len(marks), marked["md"] or marked["wiki"])
    if latex := _LATEX_HEADING.match(latex_accents(line)):  # \name{Ana}{Gonz\'{a}lez}
        level = latex["command"].count("sub") + 1
        return Heading(level, " ".join(t for t in (latex["text"], latex["more"]) if t))
    if org := _ORG_KEYWORD.match(line):
        return Heading(1, org["text"])
    if org := _ORG_HEADLINE.match(line):
        return Heading(len(org["stars"]), org["text"])
    return None


YEAR_LINE = re.compile(r"^(?:19|20)\d{2}$")
_BULLET = re.compile(r"^[-*+\u2022]\s+")
_NAME_THEN_LIST = re.compile(
    rf"^(?P<name>[^:]+?):\s+(?:[\w\s]*?\s)?{_LIST_WORDS}\s*$", re.IGNORECASE
)
"""A name before a colon and what its list is: "Ada Park: Publications", "Ada Park:
Selected Papers"."""
_POSSESSIVE = re.compile(
    r"^(?:welcome\s+to\s+)?(?P<name>[^'\u2019]+?)['\u2019]s\s+(?:[\w-]+\s+){0,2}?"
    r"(?:articles|papers|publications|works|homepage|home\s+page|website|page)\b",
    re.IGNORECASE,
)
"""A name owning the page or its list: "Ada Park's articles on arXiv", "Ada Park's
research works" (ResearchGate), "Welcome to Ada Park's homepage"."""
_ABOUT = re.compile(r"^(?:about|meet)\s+(?P<name>\S.*?)\s*$", re.IGNORECASE)
"""A page about its owner: "About Ada Park"."""
PAPER_COUNT_LABELS = frozenset(
    {"papers", "paper", "publications", "works", "articles", "research_items"}
)


def _stat_label(label: str) -> str:
    return re.sub(r"\s+", "_", label.strip().lower())


def parse_header(lines: list[Line], headings: bool = False) -> PageHeader:
    """Read the owner's candidates and the stats from the lines above the first entry:
    every line that reads as a name, in order, and with `headings`, after them, a
    heading naming whose list it is ("Publications of A. Smith"; a list's pages have
    such headings, a site's pages do not). The owner is the first candidate, until
    the page's bylines choose among them (`owner_on_bylines`)."""
    header = PageHeader()
    names = header.owner_names
    for line in lines:
        text = unheaded(line.text)
        if not text:
            continue
        picture = _PICTURE.match(text)
        if picture and looks_like_name(picture.group("name").strip()):
            names.append(picture.group("name").strip())
            continue
        stat = _VALUE_LABEL.match(text) or _LABEL_VALUE.match(text) or _LABEL_COUNT.match(text)
        if stat and not (NAMESAKE_NUMBER.search(text) and _owner_in(text)):  # "Ada Park 0001"
            label = _stat_label(stat.group("label"))
            value = stat.group("value")
            header.stats.setdefault(label, value)
            if label in PAPER_COUNT_LABELS and header.declared_paper_count is None:
                header.declared_paper_count = int(float(value.replace(",", "").rstrip("%")))
            continue
        if _CATEGORY.match(text):
            header.stats.setdefault("category", text)
            continue
        if name := _owner_in(text):
            names.append(name)
        elif (turned := _TURNED.match(text)) and looks_like_name(
            name := f"{turned['given']} {turned['surname']}"
        ):
            names.append(name)
            header.unsure_names.add(name)
    if headings:
        named = (m["name"] for ln in lines if (m := _OWNER_HEADING.match(unheaded(ln.text))))
        turned = (display_name(n) if n.count(",") == 1 else n for n in named)  # "PARK, ADA"
        cased = (_cased(n) if n.isupper() else n for n in turned)
        names.extend(n for n in cased if looks_like_name(n))
    header.owner_name = next((n for n in names if n not in header.unsure_names), None)
    return header


def owner_on_bylines(
    names: list[str], bylines: Iterable[list[str]], unsure: AbstractSet[str] = frozenset()
) -> str | None:
    """The first of a header's `names` whose surname is on one of the page's
    bylines, else the first not `unsure`: a line of two capitalised words ("Robot
    Learning") reads like a name, and the bylines tell it from the owner's. With
    none on them (every byline cut short before the owner), the header is all
    there is, except for names only the bylines can confirm ("Stockholm, Sweden")."""
    written = {word for byline in bylines for name in byline for word in _words(name)}
    surnamed = (n for n in names if (words := _words(n)) and words[-1] in written)
    return next(surnamed, next((n for n in names if n not in unsure), None))


def _words(name: str) -> list[str]:
    """A name's words, folded to ASCII lower case: "Núñez" is on "Nunez"'s byline."""
    return re.findall(r"[a-z0-9]+", anyascii(name).lower())


def is_structure(text: str) -> bool:
    """A line that only structures the page: a heading in any markup, or a LaTeX
    environment's begin or end ("\\end{itemize}"). No list item goes on past one."""
    return heading_of(text) is not None or (
        text.startswith("\\") and _LATEX_ENVIRONMENT.match(text) is not None
    )


_LATEX_ENVIRONMENT = re.compile(r"^\\(?:begin|end)\{[^}]*\}\s*$")
"""A LaTeX environment's begin or end: "\\begin{itemize}", no text of the page's."""


def unheaded(text: str) -> str:
    """A line without the marks of a heading ("## 2023", "== 2023", "\\section{2023}"
    are "2023")."""
    heading = heading_of(text)
    return heading.text if heading else text


def heading_year(text: str) -> str | None:
    """The year a line is, as a heading of its own or not ("2023", "### 2023")."""
    plain = _BULLET.sub("", unheaded(text.strip()))  # or an Org file's "* 2023"
    return plain if YEAR_LINE.match(plain) else None


def group_year(text: str, year: str | None) -> str | None:
    """The year heading what follows `text` (a page's header, or text between its
    entries): its last line, when that is a year, as DBLP, the ACL Anthology and
    Markdown lists group papers; `year` still when `text` is blank; else none."""
    lines = (t for t in reversed(text.splitlines()) if t.strip())
    last = next((t for t in lines if not _LATEX_ENVIRONMENT.match(t.strip())), None)
    return year if last is None else heading_year(last)


_ASIDE = re.compile(r"\s*\([^()]*\)\s*$")
_UNTITLED = re.compile(rf"^(?:{HONORIFIC}\s+)+(?=[A-Z])")


def _owner_in(text: str) -> str | None:
    """The name a header line is, or opens before a dash or bar, or owns ("Ada Park's
    articles on arXiv"), or follows a page's label ("Author Page: Ada Park"), without
    an honorific ("Dr."); None if it names nobody. A CJK name of one word (a lone
    "\u8bba\u6587", papers, might be one) must be so marked."""
    titled = [
        m["name"]
        for r in (_NAME_THEN_TITLE, _NAME_THEN_LIST, _POSSESSIVE, _LABELLED_NAME, _SEARCHED, _ABOUT)
        if (m := r.match(text))
    ]
    if (role := _NAME_THEN_ROLE.match(text)) and _is_role(role["role"]):
        titled.append(role["name"])
    labelled = [display_name(n) if n.count(",") == 1 else n for n in titled]  # "Okafor, S."
    searched = (parse_byline(_SEARCH_FIELD.sub("", n)) for n in labelled)  # "Okoye JR[Author]"
    labelled += [b.authors[0] for b in searched if b and len(b.authors) == 1]
    bare = NAMESAKE_NUMBER.sub("", _ASIDE.sub("", text))  # "\u7530\u4e2d \u5b8f (Hiroshi Tanaka)"
    for name in (_UNTITLED.sub("", n) for n in (*labelled, text, bare)):
        if len(name.split()) >= 2 and looks_like_name(name):
            return _cased(name) if name.isupper() else name
    # a CJK name written together is one word: only one a label or title marks
    return next((n for n in labelled if is_cjk_name(n)), None)


_TURNED = re.compile(
    r"^(?P<surname>[^\W\d_][^,\d]*),\s*(?P<given>[^\W\d_][^,\d]*?)(?:,\s*\d{4}-(?:\d{4})?)?$"
)
"""A name alone on its line, surname first: "Park, Ada", or a library's "Park, Ada,
1975-". A place is written so too ("Stockholm, Sweden"): the bylines must carry it."""
_SEARCH_FIELD = re.compile(r"\[(?:author|au)\]$", re.IGNORECASE)
"""The field a medical index's search names: "Okoye JR[Author]"."""


def _is_role(text: str) -> bool:
    """A degree, a post or an institution ("PhD", "Associate Professor", "Example
    University"), not more names or a list of topics ("Robotics, Vision")."""
    words = re.findall(r"[^\W\d_]+", text.lower().replace(".", ""))
    return bool(words) and (words[0] in _DEGREES or any(w in NOT_NAME_WORDS for w in words))


def _cased(name: str) -> str:
    """A name set in capitals, as a CV's heading sets it, in the case bylines write
    it: "ADA PARK" is "Ada Park", "O'BRIEN" "O'Brien", "ABU-BAKR" "Abu-Bakr"."""
    return re.sub(r"[^\W\d_]+", lambda m: m.group().capitalize(), name)

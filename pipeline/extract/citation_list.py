"""Reference lists: a publications page written as citations, one paper an item.

Personal pages, Markdown READMEs and CVs list papers as citations rather than in
any site's layout: `- **Title**. A. Smith, B. Jones. *NeurIPS*, 2023.`,
`[3] A. Smith and B. Jones. Title. In Venue, 2021. arXiv:2101.00001`, or (a
scholar profile's table, as text) a title line, an author line and a venue line.
Items are found in that order of preference (the first way that finds two):

- Markdown sections, a paper a heading (`## Title`, its byline and abstract under
  it), when most sections hold one paper;
- list items: lines opening with `-`, `*`, `1.`, `[1]`, DBLP's `[j2]` or LaTeX's
  `\\item` and `\\bibitem{key}`, with the lines that continue them (one citation
  wrapped, or a field a line where a line after the first is a whole byline);
- record blocks: paragraphs that hold a paper's fields a line each (a profile
  site's works as text: title, venue, date, "Contributors: ..."), when most
  from the first such block on do; each then needs its authors;
- title-and-byline groups: a line of authors with its title on the line above
  (and the venue, year and counts that follow, up to the next title);
- paragraphs, when most read as citations (an APA citation may wrap);
- single lines, when a line reads as a citation with authors (a web page's
  `<li>` items, as text); a line after it that names no authors is quarantined;
- any paragraphs: text between blank lines.

In an item, the authors are the part that reads as a byline (`parse_byline`,
after a label such as "Contributors:"; a lone name opening the item, where the
page's citations open with their authors), the title is the emphasised or
quoted part, else the first other part that is not a kind of work ("Article"),
and the venue the next part that is no labelled field ("DOI: ..."); the date is
the one labelled "Published" or the like, else the last "Month Year" or year in
the item (else the year heading its group: "2023" above DBLP's or the ACL
Anthology's papers), and a long line under the citation (where parts are set a
line each, a sentence of prose) is its abstract. It is a fallback shape, tried
only when no page shape recognises the text.
"""

from __future__ import annotations

import html
import itertools
import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache

from pipeline.extract import bibtex
from pipeline.extract.fields import (
    ARXIV_TAG,
    BYLINE_CACHE,
    CJK_SCRIPT,
    DATE_PATTERN,
    FOOTNOTE_LEGEND,
    MARKDOWN_LINK,
    MONTH_PATTERN,
    UPPER,
    Byline,
    affiliations_in,
    arxiv_id_in,
    clean_markup,
    is_affiliation,
    is_elision,
    is_publication_type,
    latex_accents,
    parse_byline,
    undotted_months,
)
from pipeline.extract.header import (
    YEAR_LINE,
    group_year,
    heading_of,
    heading_year,
    is_structure,
    parse_header,
    unheaded,
)
from pipeline.extract.lines import Line, head_chunks, is_decoration, split_lines
from pipeline.extract.model import Chunk, PageParse, ParsedEntry

NAME = "citation_list"
MAX_ITEM_CHARS = 5000
"""A citation with its abstract runs to a few thousand characters; a longer item is
prose, and is not read as a citation (reading a 16 MB paragraph took 14 s)."""
ABSTRACT_CHARS = 200
"""A line this long under a citation's first line is its abstract."""

_MARKER = re.compile(
    r"^(?:[-*+\u2022]|\d{1,4}[.)]|\[[a-zA-Z]{0,3}\d{1,4}\]|\\item(?:\[[^\]]*\])?"
    r"|\\bibitem(?:\[[^\]]*\])?\{[^}]*\}|(?:MLA|APA|Chicago|Harvard|Vancouver|IEEE|AMA|Recommended\s+citation|Cite\s+as)\s*:)"
    r"(?:\s+|$)"
)
"""A list item's opening: "-", "1.", "[1]", DBLP's "[j2]" / "[c14]" on a line of its own,
a CV's "[J2]", a LaTeX CV's "\\item", a LaTeX bibliography's "\\bibitem{key}", or the
style a citation is written in ("MLA:", "APA:", as a citation box labels them), or a
site theme's "Recommended citation:" below each paper's title and abstract."""
_LATEX_BOLD = re.compile(r"\\textbf\{(?P<t>(?:[^{}]|\{[^{}]*\})+)\}")
_LATEX_GROUP_STYLE = re.compile(r"\{\\(?P<s>em|it|sl|bf)\s+(?P<t>(?:[^{}]|\{[^{}]*\})+)\}")
"""Old-style font groups of a bibliography: "{\\em Findings of {ACL}}", "{\\bf 33}"."""
_LATEX_ITALIC = re.compile(r"\\(?:emph|textit|textsl)\{(?P<t>(?:[^{}]|\{[^{}]*\})+)\}")
_ORG_ITALIC = re.compile(r"(?<![\w/:.])/(?P<t>[^/\s][^/]*[^/\s])/(?![\w/])")
"""Org's italics: "/Learning to Grasp/" (two words, or a capitalised one,
`_org_italic`; no path or "and/or")."""
_EMPHASIS = re.compile(
    r"\*\*(?P<b>.+?)\*\*|__(?P<u>.+?)__"  # Markdown bold
    r"|[\"\u201c](?P<q>[^\"\u201d]{8,}?)[,.]?[\"\u201d]"  # a quoted title, IEEE style
    r"|(?<![\w'])['\u2018](?P<s>(?:[^'\u2019]|\b['\u2019]\b){8,}?)"
    r"(?:[,.]['\u2019]|['\u2019](?=[,.]|\s*$))"
)
"""A title marked as such: in bold, or in quotes (IEEE's "Title," and Harvard's 'Title',
an apostrophe within it: 'Learning what's next'; quoted words within a title,
"Learning 'what matters' in grasping", are no title)."""
_WHOLE_QUOTED = re.compile(r'^"(?P<text>[^"]{20,})",?$')
"""A line quoted whole, as a data file lists strings ("- \"A. Park. Title. 2021.\""):
the quotes are the file's, not a title's."""
_YEAR = r"(?:19|20)\d{2}[a-z]?"
"""A year as citations write it, lettered where one author has two that year: "2021b"."""
_LEADING_YEAR = re.compile(
    r"^(?:\((?P<year>(?:19|20)\d{2})[a-z]?\)\s*[.:]?|(?P<bare>(?:19|20)\d{2})(?=\s+[A-Z\u201c\"]))\s+"
)
"""A year opening a citation, before its byline or its title: in brackets, "(2021)",
or bare in a CV's date column, "2021 Title" (a capital after it)."""
_ITALIC = re.compile(r"(?<![*\w])[*_](?P<i>[^*_]+?)[*_](?![*\w])")
_DATE = re.compile(
    rf"(?=[JFMASONDEGL\d])(?:{DATE_PATTERN}|(?<![\d.])(?<!\d[-\u2013])(?:19|20)\d{{2}}(?!\.?\d))",
    re.IGNORECASE,
)
"""A date or a year, but not the last page of a range ("1877-1901"); the look-ahead
skips, at a glance, the places no date starts at (a third of the time)."""
_SENTENCE = re.compile(rf"(?<!\b[{UPPER}])(?<!,\s\.\.)(?<!,\.\.)\.\s+|\s+(?:[\u2014\u2013]|//)\s+")
"""A period that ends a part ("Title. Venue"), not one after an initial ("J. Smith") or
of names left out of a byline ("A. Park, ... B. Jones")."""
_VANCOUVER_NAME = rf"[^\W\d_][\w'\u2019-]*(?:\s[^\W\d_][\w'\u2019-]*)*\s[{UPPER}]{{1,3}}"
_INITIALED_NAME = rf"[^\W\d_][\w'\u2019-]*,\s(?:[{UPPER}]\.[\s-]?){{1,3}}"
"""A surname, then its initials: "Park, A.", "Okoye, J. R.", "Park, J.-P."."""
_DOTTED_NAME = r"[^\W\d_][\w'\u2019-]*\s(?:[^\W\d_]\.){1,3}"
"""A surname and its dotted initials, unspaced: "Park A.A.", as GOST, the Russian
standard, writes names in any script."""
_VANCOUVER_BYLINE = re.compile(
    rf"^(?P<names>(?:{_VANCOUVER_NAME},\s)+{_VANCOUVER_NAME}(?:,?\s+et\s+al)?)"
    rf"(?:\.\s+|\s+\({_YEAR}\)\.?\s+)"
    rf"|^(?P<initialed>(?:{_INITIALED_NAME}(?:,?\s|;\s)(?:&\s|and\s)?)*{_INITIALED_NAME})"
    rf"\s*(?=[{UPPER}])"
    rf"|^(?P<dotted>(?:{_DOTTED_NAME},\s)+{_DOTTED_NAME})\s+(?=[^\W\d_])"
)
"""Names written surname first with their initials, closed by a period or a year
(Vancouver: "Park A, Okoye JB. Title.", Springer: "Park A, Okoye J (2023) Title.",
Nature: "Park, A., Okoye, J. & Moss, L. Title.", ACS: "Park, A.; Okoye, J. Title.",
GOST: "Park A.A., Okoye J.J. Title //
Venue"): the period ends the byline though it follows an initial. GOST's names are two
at least: "Ines B. Varga" opens with the same shape as "Varga I.B."."""
_VENUE_ASIDE = re.compile(r"\s*\((?P<venue>[^()]*?[^\W\d_][^()]*?)\s+(?:19|20)\d{2}\)\s*$")
"""A venue and year in brackets closing a line of names: "A. Park, B. Jones (TACL 2023)"."""
_SPACED_HYPHEN = re.compile(r"\s+-\s+")
_FIELD_SEP = re.compile(r"\s+[|\u2022\u00b7]\s+|\s*\t\s*")
"""Fields a site sets on one line: "2023-03-14 | Preprint", "ACL 2021 \u2022 A. Smith",
a table's cells copied as text ("Venue\t25000\t2020")."""
_END_STOP = re.compile(r"(?<!\.)(?<!\.[^\W\d_])\.$")
"""A sentence's closing period, not the last dot of an ellipsis ("A. Smith, ...") or
of initials run together ("Lin M.M.")."""
_AUTHOR_LABEL = re.compile(r"^(?:(?:authors?|contributors?|creators?)\s*:|by\s)\s*", re.I)
_DATE_LABEL = re.compile(
    r"\b(?:published|publication\s+date|date|posted|submitted|issued)\s*(?:on|:)?\s*"
    rf"(?P<date>{DATE_PATTERN}|(?:19|20)\d{{2}}(?![\d.]))",
    re.IGNORECASE,
)
_FIELD_LABEL = re.compile(
    r"^(?:doi|source|published|readers?|url|links?|pdf|citations?|cited\s+by|last\s+modified|e-?print"
    r"|date|posted|submitted|part\s+of\s+issn|issn|isbn|keywords?|show\s+more\s+detail"
    r"|number\s+of\s+pages|pages|downloads?|views?|last\s+revised|fields?\s+of\s+study)\b",
    re.IGNORECASE,
)
"""The fields of a record block that are neither its title nor its venue."""
_DISCIPLINES = frozenset(
    (
        "computer science",
        "medicine",
        "chemistry",
        "biology",
        "materials science",
        "physics",
        "geology",
        "psychology",
        "art",
        "history",
        "geography",
        "sociology",
        "business",
        "political science",
        "economics",
        "philosophy",
        "mathematics",
        "engineering",
        "environmental science",
        "agricultural and food sciences",
        "education",
        "law",
        "linguistics",
    )
)
"""The fields of study an index tags a paper with, on a line of their own ("Computer
Science, Linguistics", as Semantic Scholar lists them): never its venue."""


def _disciplines(part: str) -> bool:
    return all(p.strip().lower() in _DISCIPLINES for p in part.split(","))


PROSE_WORDS = 10
"""Words from which a sentence in a record block is its abstract, not a field."""
_NUMBERS = re.compile(r"[\d\s,.;:()/\-\u2013]*")
"""Pages, volumes, citation counts: nothing a title or venue is made of."""
_INDEXED = re.compile(
    r"\b(?:cited(?:\s+by)?|citations?|downloads?|reads?|upvotes?)\s*:?\s*[\d,]+"
    r"|\b\d{4}[A-Za-z&][\w.&]{4}[\w.]{4}[\w.][\d.]{4}[A-Z.](?!\w)",
    re.IGNORECASE,
)
"""What an index prints beside a paper: a count ("cited: 14", "Upvote 12"), an
astrophysics index's id ("2021ApJ...912...45L"). A part of nothing else is no title."""
_ABSTRACT_HEADING = re.compile(r"^(?:abstract|summary|r\u00e9sum\u00e9|zusammenfassung)$", re.I)
"""The heading over a paper's abstract, on a line of its own: no venue."""
_ABSTRACT_LABEL = re.compile(
    r"^(?:abstract|summary|tl;?dr|r\u00e9sum\u00e9|zusammenfassung)\s*:\s*", re.I
)
"""The label opening an abstract ("Abstract: We ...", "TLDR: ..."): no part of it."""
_PREPRINT_ID = re.compile(r"\b(?P<date>(?:19|20)\d{2}\.\d{2}\.\d{2})\.\d{6}\b")
"""A life-sciences preprint's id, dated ("2023.03.14.532123", as bioRxiv and medRxiv
number them): its date, where the citation gives no other."""
_LINKED = re.compile(r"[;,]?\s*(?:doi\s*:?\s*)?(?:https?://\S+|\b10\.\d{4,}/\S+)", re.IGNORECASE)
"""A link or DOI written after a venue: no part of its name."""
_AUTHORS_HEADING = re.compile(r"^(?:other\s+|co-?)?authors?:?$", re.IGNORECASE)
"""A label over a list of names a line ("Other authors", as LinkedIn heads them)."""
_VENUE_LABEL = re.compile(r"^(?:published\s+in|journal|venue)\s*:\s*(?P<venue>\S.*)$", re.I)
_MONTH_WORD = re.compile(rf"\b{MONTH_PATTERN}(?!\w)", re.IGNORECASE)
"""A month's name, whole ("Sept", "December") or cut to three letters; "Mars" is none."""
_ARXIV_LINK = re.compile(r"https?://(?:www\.)?arxiv\.org/\S+", re.IGNORECASE)
_APA_JOIN = r"(?:,\s|,?\s&\s|,?\sand\s)"
_INITIALED_NAMES = re.compile(rf"^(?:{_INITIALED_NAME}{_APA_JOIN}?)+$")
_AUTHOR_YEAR = re.compile(rf"^(?:{_INITIALED_NAME}{_APA_JOIN})*{_INITIALED_NAME}\s*\({_YEAR}\)")
"""A citation's opening names, "Surname, I." each, and its year in brackets (APA, Harvard)."""
_IEEE_NAME = rf"[{UPPER}]\.(?:[\s-]?[{UPPER}]\.)*\s[^\W\d_][\w'\u2019-]+"
_IEEE_OPENING = re.compile(
    rf"^{_IEEE_NAME}(?:(?:,\s(?:and\s)?|\sand\s){_IEEE_NAME})*(?:,?\s+et\s+al\.?)?,\s[\"\u201c]"
)
"""IEEE's opening: initials and surnames, then the quoted title ('A. Park and J. Okoye,
"Title,"')."""
_APA_OPENING = re.compile(
    rf"^(?P<names>(?:{_INITIALED_NAME}{_APA_JOIN})*{_INITIALED_NAME}),\s+(?=\S)(?!&|and\s|{_INITIALED_NAME})"
)
"""Names written "Surname, I." opening a line, its date and venue after a comma
("Park, A., Okoye, J. & Lin, M., 15 Mar 2021, In: Journal of ...", as research
portals list a university's output)."""
_ABBREVIATION = re.compile(r"(?:^|[\s(])(?:[A-Z][a-z]{1,4}|vol|no|pp|eds?)$")
"""A part ending in a word a venue abbreviates ("Proc", "Trans", "Inf", "pp")."""
_LOOSE_PUNCT = re.compile(r"\s+([,:;)])|,\s*(?=,)|\s*\(\s*\)")
"""A space or a comma left before punctuation where a date was taken out ("SIGIR 2023:
11", "ICML, 2022, pp"), or brackets emptied ("Trans. ACL 10 (2022)")."""
_VOLUME_PAGES = re.compile(
    r"[\s,;:]*(?:(?:vol\.?\s*)?\d+(?:\s*\(\s*(?:\d+(?:[-\u2013]\d+)?)?\s*\))?[\s,;:]+)?"
    r"(?:\b(?:pp?\.?|pages?)\s*)?\d+\s*[-\u2013]\s*\d+$"
    r"|(?:(?:,\s*|\s+(?=\d{1,4},)|\s*\bvol(?:ume)?\.?\s*|,\s*(?:no|issue)\.?\s*)\d{1,4}"
    r"(?:\s*\(\s*\d+(?:[-\u2013]\d+)?\s*\))?)+$"
    r"|,?\s*(?:article\s+(?:no\.?\s*)?\d+|\d+\s+pages)$",
    re.IGNORECASE,
)
"""A venue's closing volume, issue and page range ("Nature 11(3):45-67", "Journal 29
45-52", "Journal 10 (): 5-9" once its year is taken out), or its volume after a comma
or labelled ("JMLR, 21", "Transactions, Volume 11", "vol. 45, no. 3"), a volume and
issue parted by a comma ("Syst. 41, 2"), an article's number and its length ("Article
45, 24 pages"): a range, a comma or a label says they are numbers of the issue, not
of the venue's name ("Neural Computation 9" keeps its number)."""
_PAGES_TAIL = re.compile(r"[\s,;(]*\b(?:pp|vol|no|issue)\.?$", re.IGNORECASE)
"""The label of the pages (or volume) that close a venue, their numbers cut off."""
_BUTTON_WORDS = (
    "pdf bib bibtex abs cite html code video slides poster paper project website arxiv blog"
    " talk data doi url link"
).split()
"""Words a site sets as a link's button beside a paper."""
_BUTTONS = re.compile(rf"^(?:(?:{'|'.join(_BUTTON_WORDS)})(?:\s+|$))+")
"""A site's buttons before a title, rendered on its line ("pdf bib abs Title", the ACL
Anthology): lower case, as no title opens."""
_LINK_BUTTON = re.compile(rf"\s*\[(?:{'|'.join(_BUTTON_WORDS)})\]", re.IGNORECASE)
"""A link set as a button in brackets ("[paper]", "[code]"), anywhere in a line."""
_BRACKETED_YEAR = re.compile(rf"\s*\({_YEAR}\)\s*$")
"""A year in brackets closing a part: "Title (2023)"."""
_YEAR_SUFFIX = re.compile(rf"\s*(?:\({_YEAR}\)|,\s*{_YEAR})\s*$")
"""A year closing a byline: APA's "(2020)", Harvard's ", 2020"."""


@dataclass
class Item:
    lines: list[Line]
    single: bool = False
    """A line taken for one citation: it must name authors to be one."""
    block: bool = False
    """A paragraph of fields, a line each: it must name authors to be one."""
    wrapped: bool = False
    """Its lines are one text wrapped (a list item, a paragraph), not one part each
    (a title line, an author line)."""

    @property
    def text(self) -> str:
        return " ".join(ln.text for ln in self.lines if ln.text)


def detect(text: str) -> float:
    """Citations when most items hold a title and a byline (prose has titles and
    years enough, never bylines); a list's section headings ("* Publications", "*
    Talks" in an Org file) are not counted as items."""
    _head, items = split_items(split_lines(text))
    sample = [it for it in items[:40] if not (_section_heading(it) or _buttons_only(it))]
    if not sample:
        return 0.0
    layout = _layout(sample)  # where a page of papers of one author each holds the name
    share = sum(_cites(item, layout) for item in sample) / len(sample)
    return 0.0 if share < 0.6 else round(0.4 + 0.4 * share, 3)


def split_items(lines: list[Line]) -> tuple[list[Line], list[Item]]:
    """Lines above the first item, and the items: the first way that finds two of list
    items, record blocks, title-byline groups, paragraphs that read as citations,
    single lines that do (each item then needs its authors), a page of one paper,
    or any paragraphs. A list of one marked citation is that citation, where the other
    ways would take its heading ("Publications by Ada Park") or a footer for one too."""
    ways = (
        _heading_sections,
        _list_items,
        _author_year_items,
        _record_blocks,
        _byline_groups,
        _citing_paragraphs,
        _single_lines,
        _one_paper,
        _paragraphs,
    )
    lone: tuple[list[Line], list[Item]] | None = None
    for way in ways:
        head, items = way(lines)
        if lone and (way is _paragraphs or (len(items) >= 2 and not _most_cite(items))):
            return lone
        if len(items) >= 2 or (way in (_one_paper, _paragraphs) and items):
            return head, items
        if way is _list_items and len(items) == 1 and _cites(items[0]):
            lone = head, items
    return lone or (lines, [])


def _most_cite(items: list[Item]) -> bool:
    """Whether most items (of the first 40) read as citations, as `detect` asks."""
    sample = items[:40]
    return sum(_cites(item) for item in sample) >= 0.6 * len(sample)


def _one_paper(lines: list[Line]) -> tuple[list[Line], list[Item]]:
    """A page of one paper (its landing page, as text): its title on a line of its own,
    its byline on the next, then what a paper's first page shows (institutions, notes,
    its abstract). The title is among the page's first lines: a page that opens with
    more is no paper's own."""
    content = [i for i, ln in enumerate(lines) if ln.text]
    for above, at in itertools.pairwise(content[:4]):
        title, names = lines[above].text, lines[at].text
        if _could_be_title(title) and not _byline(title, lone=True) and _byline(names, lone=True):
            return lines[:above], [Item(lines[above:], block=True)]
    return lines, []


def _fielded(item: Item) -> bool:
    """A list item set a field a line (a homepage's "- **Title**", then its authors,
    then "*Venue*"), not one citation wrapped: a line after the first is a whole
    byline, neither continued from the line above nor into the line below."""
    texts = [_MARKER.sub("", _as_markdown(ln.text)) for ln in item.lines]
    return any(
        not texts[i - 1].endswith(_CONTINUED)
        and not texts[i].endswith(_CONTINUED)
        and _byline(texts[i], lone=True) is not None
        for i in range(1, len(texts))
    )


_CONTINUED = (",", ";", " and", "&")
"""How a line ends when its byline goes on in the next."""


def _heading_sections(lines: list[Line]) -> tuple[list[Line], list[Item]]:
    """A Markdown page with a heading a paper ("## Title", then its byline, date and
    abstract below): sections from each heading of the level that repeats most to the
    next, when most (of the first 40) hold one paper each (a "## 2023" heading over a
    list of citations holds several, and the list is read as one)."""
    levels = Counter(h.level for ln in lines if (h := heading_of(ln.text)))
    if not levels:
        return lines, []
    level = levels.most_common(1)[0][0]
    starts = [i for i, ln in enumerate(lines) if (h := heading_of(ln.text)) and h.level == level]
    head, items = _cut(lines, starts, stop_at_blank=False)
    items = [Item(_trimmed(item.lines), block=True) for item in items]
    sample = items[:40]
    if sum(_titled(b) and _cites(b) and _one_byline(b) for b in sample) < 0.6 * len(sample):
        return lines, []
    return head, items


def _titled(section: Item) -> bool:
    """A section whose heading reads as a paper's title: three words at least, and no
    date ("## 2023") or kind of list ("## Journal articles")."""
    heading = unheaded(section.lines[0].text)
    return len(heading.split()) >= 3 and not _DATE.search(heading) and not _byline(heading)


def _trimmed(lines: list[Line]) -> list[Line]:
    """Lines without the blank lines that close them."""
    end = len(lines)
    while end > 1 and not lines[end - 1].text:
        end -= 1
    return lines[:end]


def _list_items(lines: list[Line]) -> tuple[list[Line], list[Item]]:
    """Items from each marker on; where a year heads the first (DBLP's "2023" above
    "[j12]"), a year closing an item is the next group's heading, not the item's date."""
    marked = [i for i, ln in enumerate(lines) if _MARKER.match(ln.text)]
    outer = min((lines[i].indent for i in marked), default=0)
    starts = [i for i in marked if lines[i].indent == outer]  # sub-items are the item's
    head, items = _cut(lines, starts, stop_at_blank=True)
    items = [replace(item, wrapped=False) if _fielded(item) else item for item in items]
    if head and YEAR_LINE.match(head[-1].text):
        items = [
            replace(item, lines=item.lines[:-1])
            if len(item.lines) > 1 and YEAR_LINE.match(item.lines[-1].text)
            else item
            for item in items
        ]
    return head, items


def _author_year_items(lines: list[Line]) -> tuple[list[Line], list[Item]]:
    """Citations that open with their names and year ("Park, A., & Okoye, J. (2021).
    Title.") or their names and a quoted title (IEEE's 'A. Park and J. Okoye, "Title,"'),
    each from such a line to the next, wrapped over lines with no blank line between
    (copied from a CV, its hanging indent lost)."""
    starts = [
        i
        for i, ln in enumerate(lines)
        if _AUTHOR_YEAR.match(ln.text) or _IEEE_OPENING.match(ln.text)
    ]
    opened = set(starts)
    wrapped = any(i + 1 < len(lines) and lines[i + 1].text and i + 1 not in opened for i in starts)
    if len(starts) < 2 or not wrapped:
        return lines, []  # a line each is read as single lines or paragraphs
    return _cut(lines, starts, stop_at_blank=True)


def _record_blocks(lines: list[Line]) -> tuple[list[Line], list[Item]]:
    """Paragraphs of a line per field, when most from the first that reads as a record
    with authors on do, and better than as wrapped citations; what precedes that one
    is the page's header. A paragraph with two lines of authors holds two papers, and
    is no record block."""
    _head, paragraphs = _paragraphs(lines)
    blocks = _headed([Item(p.lines, block=True) for p in paragraphs])
    first = next((i for i, b in enumerate(blocks[:40]) if _cites(b)), None)
    if first is None:
        return lines, []
    sample = blocks[first : first + 40]
    if not any(len(b.lines) > 1 for b in sample) or not all(map(_one_byline, sample)):
        return lines, []
    as_records = sum(map(_cites, sample))
    as_citations = sum(_cites(Item(b.lines, wrapped=True)) for b in sample)
    if as_records < 0.6 * len(sample) or as_citations >= as_records:
        return lines, []  # citations wrapped over lines read better as one text each
    start = blocks[first].lines[0].index
    return lines[:start], blocks[first:]


def _headed(blocks: list[Item]) -> list[Item]:
    """The blocks, each joined to the line above it, when most records (of the first 40)
    stand under their title set apart (an HTML heading, as text) rather than hold it."""
    joined: list[Item] = []
    was_joined: list[bool] = []
    k = 0
    while k < len(blocks):
        block, after = blocks[k], blocks[k + 1] if k + 1 < len(blocks) else None
        if (
            len(block.lines) == 1
            and after is not None
            and len(after.lines) > 1
            and not heading_year(block.text)
        ):
            both = Item(block.lines + after.lines, block=True)
            if not _cites(block) and _cites(both):
                joined.append(both)
                was_joined.append(True)
                k += 2
                continue
        joined.append(block)
        was_joined.append(False)
        k += 1
    joins = sum(was_joined[:40])
    if not joins:
        return blocks
    return joined if joins >= 0.6 * sum(map(_cites, joined[:40])) else blocks


def _one_byline(block: Item) -> bool:
    """At most one line of the block names two authors or more: one paper's block."""
    return sum(1 for ln in block.lines if _byline(ln.text)) <= 1


def _byline_groups(lines: list[Line]) -> tuple[list[Line], list[Item]]:
    """A title line over a byline opens each item, which runs to the next, blank lines
    and all; a year set apart on its line between two ("2023", a CV's groups) is a
    group's heading, an item of its own, not the date of the item above it."""
    content = [i for i, ln in enumerate(lines) if ln.text]
    starts = []
    for above, at in itertools.pairwise(content):
        title = lines[above].text
        if _byline(lines[at].text) and not _byline(title) and _could_be_title(title):
            starts.append(above)
    if len(starts) >= 2:
        starts = sorted(
            {*starts}
            | {
                i
                for i in content
                if i > 0 and not lines[i - 1].text and heading_year(lines[i].text)
            }
        )
    return _cut(lines, starts, stop_at_blank=False)


_CJK_RUN = re.compile(rf"{CJK_SCRIPT}{{5}}")
"""Five characters of CJK script: words written without spaces, a title's length."""


def _names_then_venue(line: str) -> str | None:
    """The names opening a line whose venue follows a semicolon ("A. Park, B. Jones;
    Proceedings of ..., 2023, pp. 1-9", as the CVF's pages write them)."""
    names, semicolon, _venue = line.partition(";")
    return names if semicolon and "," in names and _byline(names) else None


def _could_be_title(text: str) -> bool:
    words = len(text.split()) >= 2 or _CJK_RUN.search(text) is not None
    return words and not _DATE.fullmatch(text)


def _citing_paragraphs(lines: list[Line]) -> tuple[list[Line], list[Item]]:
    """Paragraphs, when most read as citations: blank lines part citations more surely
    than line ends do (an APA citation may wrap)."""
    head, items = _paragraphs(lines)
    return (head, items) if items and _most_cite(items) else (lines, [])


def _single_lines(lines: list[Line]) -> tuple[list[Line], list[Item]]:
    """One citation a line (a web page's `<li>` items, as text), from the first line
    that reads as a citation with authors; the lines after it that do not are
    quarantined (`parse`)."""
    first = next((i for i, ln in enumerate(lines) if ln.text and _cites(Item([ln]))), None)
    if first is None:
        return lines, []
    layout = _layout([Item([ln], single=True) for ln in lines[first:] if ln.text])
    above = [i for i in range(first) if lines[i].text]
    while above and _cites(Item([lines[above[-1]]]), layout, dated=True):  # one author's
        first = above.pop()
    items = [Item([ln], single=True) for ln in lines[first:] if ln.text]
    return lines[:first], items


def _cites(item: Item, layout: Layout | None = None, dated: bool = False) -> bool:
    """An item that reads as a citation with its authors (where the page's `layout`
    puts them, when known), and its date, if `dated` ("Ada Park - Publications" above
    a list reads as a paper of one author, with no date)."""
    if len(item.text) > MAX_ITEM_CHARS:
        return False
    entry = _cited_entry(item, layout or Layout())  # a BibTeX record would fill any reading
    return is_citation(entry) and bool(entry.authors) and bool(entry.published_raw or not dated)


def _paragraphs(lines: list[Line]) -> tuple[list[Line], list[Item]]:
    starts = [i for i, ln in enumerate(lines) if ln.text and (i == 0 or not lines[i - 1].text)]
    return _cut(lines, starts, stop_at_blank=True)


def _cut(
    lines: list[Line], starts: list[int], stop_at_blank: bool
) -> tuple[list[Line], list[Item]]:
    """Items from each start to the next (to a blank line, when `stop_at_blank`: what
    follows it is layout until the next start)."""
    if not starts:
        return lines, []
    items = []
    for start, end in zip(starts, [*starts[1:], len(lines)], strict=True):
        item = Item(lines[start:end], wrapped=stop_at_blank)
        items.append(_to_break(item) if stop_at_blank else item)
    return lines[: starts[0]], items


def _lone_author(text: str) -> bool:
    byline = parse_byline(text.strip())
    return byline is not None and len(byline.authors) == 1


def _byline(text: str, lone: bool = False) -> Byline | None:
    """A line or part of authors: a byline of two names at least (one, if `lone`), or
    APA's "Smith, J., & Jones, B." (with a year after it, perhaps), after its label."""
    text = _AUTHOR_LABEL.sub("", _YEAR_SUFFIX.sub("", _END_STOP.sub("", text.strip())))
    byline = parse_byline(text)
    if _INITIALED_NAMES.match(text + " "):
        return byline  # one name so written is a byline: "Smith, J." is no title
    if byline is None or (len(byline.authors) < 2 and not byline.truncated and not lone):
        return None
    return byline


def _as_markdown(text: str) -> str:
    """A LaTeX CV's, an Org file's or a reStructuredText list's citation as Markdown:
    bold and italics marked so, links as links, ties ("A.~Park") and groups ("{AI}")
    undone, LaTeX's quotes (``Title,'') as quotes; a Markdown list's inline HTML as its
    text; other text as it is."""
    if "/" in text:
        text = _ORG_ITALIC.sub(_org_italic, text)
    if "<" in text:
        text = _RST_LINK.sub(r"[\g<text>](\g<url>)", text)
        if _INLINE_TAG.search(text):
            text = _inline_html_as_markdown(text)
    if "``" in text:  # LaTeX's quotes round a title: ``Title,''
        text = _LATEX_QUOTED.sub("\u201c\\g<t>\u201d", text)
    if "\\" not in text and "~" not in text:
        return text
    if cv := _CV_COMMAND.match(text):  # moderncv: \cventry{2021}{Title}{Venue}{}{}{Names}
        fields = (f.strip().rstrip(".") for f in _BRACED.findall(cv["args"]))
        text = ". ".join(f for f in fields if f) + "."
    text = _LATEX_BOLD.sub(r"**\g<t>**", latex_accents(text))
    text = _LATEX_ITALIC.sub(r"*\g<t>*", text)
    text = _LATEX_GROUP_STYLE.sub(_styled, text)
    text = text.replace("\\newblock", "")
    return re.sub(r"(?<!\\)[{}]", "", text.replace("~", " ").replace("\\&", "&"))


_LATEX_QUOTED = re.compile(r"``(?P<t>.+?)''")
_CV_COMMAND = re.compile(
    r"^\\cv(?:entry|item|listitem|itemwithcomment|listdoubleitem)\s*"
    r"(?P<args>(?:\{(?:[^{}]|\{[^{}]*\})*\}\s*)+)$"
)
"""A moderncv CV's line: "\\cventry{2021}{Title}{Venue}{}{}{A.~Park}", "\\cvitem{2021}{...}"."""
_BRACED = re.compile(r"\{((?:[^{}]|\{[^{}]*\})*)\}")
_HTML_BREAK = re.compile(r"[.,;]?\s*<br\s*/?>\s*", re.I)
"""A line break inside a Markdown list's item ("<b>Title</b><br>A. Park, M. Lin"): the
end of a part, as a period is."""
_RST_LINK = re.compile(r"`(?P<text>[^`<]+?)\s*<(?P<url>[^>`\s]+)>`__?")
"""A reStructuredText link: "`Title <https://arxiv.org/abs/2203.01234>`_"."""
_INLINE_TAG = re.compile(r"</?(?:a|b|strong|em|i|u|span|sup|sub|small|font|br)\b[^>]*>", re.I)
"""The inline HTML a Markdown list writes among its text ("<b>A. Park</b>")."""


def _inline_html_as_markdown(text: str) -> str:
    """Inline HTML read as its text: a line break the end of a part, the tags
    dropped (the parts are told apart by their punctuation, as in plain text), the
    entities read ("M&uuml;ller")."""
    return html.unescape(_INLINE_TAG.sub("", _HTML_BREAK.sub(". ", text)))


def _org_italic(mark: re.Match[str]) -> str:
    """Org's italics as Markdown's, when they mark words ("/Learning to Grasp/") or a
    capitalised one ("/ICRA/"); a path's or a date's slashes stay."""
    words = " " in mark["t"] or _CAPITALISED_WORD.fullmatch(mark["t"])
    return f"*{mark['t']}*" if words else mark.group()


_CAPITALISED_WORD = re.compile(r"[A-Z][A-Za-z-]+")


def _styled(group: re.Match[str]) -> str:
    """An old-style font group as Markdown: "{\\bf ...}" bold, the others italics."""
    mark = "**" if group["s"] == "bf" else "*"
    return f"{mark}{group['t']}{mark}"


def _split_abstract(item: Item) -> tuple[list[str], list[str]]:
    """An item's lines of citation, and of the abstract under it: from the first long
    line after the first one (a title, however long, comes first); in a record block,
    from the first sentence of prose, up to its closing links."""
    texts = [ln.text for ln in item.lines if ln.text and not is_decoration(ln)]
    at = next(
        (i for i, t in enumerate(texts[1:], 1) if len(t) >= ABSTRACT_CHARS or _prose(item, t)),
        len(texts),
    )
    end = len(texts)
    while item.block and end > at + 1 and _site_links(texts[end - 1]):
        end -= 1
    return texts[:at] + texts[end:], texts[at:end]


def _site_links(text: str) -> bool:
    """A block's closing line of links or buttons ("Paper  Add Code", "PDF Cite")."""
    return len(text.split()) <= 4 and not text.rstrip().endswith((".", "!", "?"))


def _prose(item: Item, text: str) -> bool:
    """A sentence under a citation set a part a line (a record block, a title over its
    byline): its abstract, however short. A wrapped citation's lines are all citation."""
    return (
        not item.wrapped
        and len(text.split()) >= PROSE_WORDS
        and text.rstrip().endswith(".")
        and _byline(text) is None
        and not _APA_OPENING.match(text)  # names, then their paper's date and venue
        and not _CITED_NUMBERS.search(text)
    )


_CITED_NUMBERS = re.compile(r"\b\d+\(\d+[-\u2013]?\d*\):\s?[A-Za-z]?\d+|\bdoi:\s*10\.\d", re.I)
"""What a venue's line writes and prose does not: a volume, issue and first page,
"23(4):1-20", or a DOI, "doi: 10.1162/..." (PubMed's summary line, long as a sentence)."""


def _parts(item: Item) -> tuple[list[str], str | None, str | None]:
    """An item's text cut into parts (its lines unless wrapped, then its sentences), with the
    emphasised title and the italic venue where Markdown or quotes mark them."""
    cited, _abstract = _split_abstract(item)
    raw = [
        _BUTTONS.sub("", MARKDOWN_LINK.sub(r"\g<text>", _as_markdown(_MARKER.sub("", unheaded(t)))))
        for t in cited
    ]
    raw = [_LINK_BUTTON.sub("", t) if "[" in t else t for t in raw]
    raw = [_WHOLE_QUOTED.sub(r"\g<text>", t) if t[:1] == '"' else t for t in raw]
    if item.wrapped:  # one text, but "Authors:" closing a line (DBLP) still ends a part
        raw = [" ".join(re.sub(r":$", ".", t) for t in raw)]
    title = venue = None
    parts: list[str] = []
    for line in raw:
        if not parts and (lead := _LEADING_YEAR.match(line)):
            parts.append(lead["year"] or lead["bare"])  # a CV's "(2021) Park A. Title."
            line = line[lead.end() :]
        if labelled := _VENUE_LABEL.match(line):
            venue = venue or labelled["venue"]
            continue
        marks = (m for m in _EMPHASIS.finditer(line) if not _marked_name(m))
        marked = [next(g for g in m.groups() if g) for m in marks]
        title = title or next(iter(marked), None)
        if (m := _ITALIC.search(line)) and not _byline(m.group("i"), lone=True):
            venue = venue or m.group("i")  # italic authors are no venue
        plain = _EMPHASIS.sub(_emphasised, line)
        plain = _ITALIC.sub(r"\g<i>", plain)
        aside = _VENUE_ASIDE.search(plain) if not item.wrapped else None
        if aside and _byline(plain[: aside.start()], lone=True):
            parts += [plain[: aside.start()].strip(" ,;"), aside["venue"]]
            continue
        if not item.wrapped and _byline(plain, lone=True):
            parts.append(_END_STOP.sub("", plain.strip(" ,;")))  # names, however parted
            continue
        if vancouver := _VANCOUVER_BYLINE.match(plain):
            parts.append(next(n for n in vancouver.groups() if n).strip())
            plain = plain[vancouver.end() :]
        elif not item.wrapped and (names := _names_then_venue(plain)):
            parts.append(names)
            plain = plain[len(names) + 1 :]
        elif not item.wrapped and (opening := _APA_OPENING.match(plain)):
            parts.append(opening["names"].strip())
            plain = plain[opening.end() :]
        plain = _GLUED_NAMES.sub(". ", undotted_months(plain))
        parts += _sentences(plain, marked, item.wrapped)
    return [p for p in parts if p and not is_publication_type(p)], title, venue


def _sentences(plain: str, marked: list[str], wrapped: bool) -> list[str]:
    """A line's parts: its sentences, and within them what commas, dashes and a site's
    separators part. A marked (quoted or bold) title is one part however it is
    punctuated: "\u201cDeep Nets \u2013 a Survey.\u201d Journal" has no venue "Deep Nets"."""
    whole = [f". {text}. " for text in marked if f". {text}. " in plain]
    if whole:
        pieces = re.split("(" + "|".join(map(re.escape, whole)) + ")", plain)
        return [
            q
            for k, piece in enumerate(pieces)
            for q in ([piece.strip(" ,;.")] if k % 2 else _sentences(piece, [], wrapped))
        ]
    parts = []
    for x in _SENTENCE.split(plain):
        for sentence in (n for d in _dashed(x) for n in _named_apart(d)):
            fields = _FIELD_SEP.split(sentence) if not wrapped else [sentence]
            parts += [p.strip(" ,;.") for p in fields]
    return parts


@lru_cache(maxsize=BYLINE_CACHE)
def _named_apart(sentence: str) -> tuple[str, ...]:
    """A sentence cut where a byline meets a title with no period between: "Title, by
    A. Park and J. Okoye", or DBLP's "A. Park, J. Okoye: Title" on one line (names
    before the colon: two, or one with an initial; "Deep Learning: A Survey" is a
    title)."""
    if (by := _BY.search(sentence)) and _byline(sentence[by.end() :], lone=True):
        return sentence[: by.start()], sentence[by.end() :]
    head, colon, rest = sentence.partition(": ")
    if colon and rest and (_byline(head) or (_byline(head, lone=True) and _INITIAL.search(head))):
        return head, rest
    return _comma_parted(sentence)


def _comma_parted(sentence: str) -> tuple[str, ...]:
    """A sentence of names, then the rest, all parted by commas ("A. Park and J. Okoye,
    Title, Venue, 2021", as some CVs write): the names, then each piece after them."""
    pieces = sentence.split(", ")
    if len(pieces) < 3 or not _byline(pieces[0], lone=True) or _byline(sentence):
        return (sentence,)
    names = (_byline(re.sub(r"^(?:and|&)\s+", "", p), lone=True) for p in pieces)
    named = next((k for k, name in enumerate(names) if not name), len(pieces))
    if named < 1 or not _byline(", ".join(pieces[:named]), lone=named == 1):
        return (sentence,)
    return (", ".join(pieces[:named]), *pieces[named:])


_BY = re.compile(r",?\s+by\s+(?=[^\W\d_])")
"""Where a title gives its authors: "Title, by A. Park"."""
_INITIAL = re.compile(rf"\b[{UPPER}]\.")
_INITIAL_APART = re.compile(rf"\b[{UPPER}]\.(?:\s|$)")
"""An initial: what makes one name before a colon a byline ("A. Park: Title")."""


def _dashed(sentence: str) -> list[str]:
    """A sentence cut at the spaced hyphen that parts a title from the byline after it
    ("Title (2023) - A. Park, B. Jones"; the title's own hyphens stay), or at each
    after a byline that opens it ("A. Park, B. Jones - Title - Venue")."""
    pieces = _SPACED_HYPHEN.split(sentence)
    if len(pieces) < 2:
        return [sentence]
    if _byline(pieces[-1]):
        return [" - ".join(pieces[:-1]), pieces[-1]]
    if _byline(pieces[0]):
        return pieces  # authors, title, venue
    if _YEAR_PIECE.fullmatch(pieces[1]) and _byline(pieces[0], lone=True):
        return [p for p in pieces if p.lower() != "forthcoming"]  # "Ada Park - 2021 - Venue"
    return [sentence]


_YEAR_PIECE = re.compile(rf"{_YEAR}|forthcoming", re.IGNORECASE)
_GLUED_NAMES = re.compile(
    r"(?<=[^\W\d_?!)])\.(?=[^\W\d_][^.]*?\s-\s(?:(?:19|20)\d{2}|forthcoming)\b)"
)
"""A title's closing period with the names after it unspaced, before " - year - ",
as PhilPapers lists papers ("Ethics of Machines.Ada Park - 2021 - Mind 12:1-9")."""


def _emphasised(mark: re.Match[str]) -> str:
    """A marked title as a part of its own; a marked name (a CV's owner in bold, "**A.
    Park**, B. Jones") in its place on the byline."""
    text = next(g for g in mark.groups() if g)
    return text if _marked_name(mark) else f". {text}. "


def _marked_name(mark: re.Match[str]) -> bool:
    """A name marked on a byline: one that other names stand beside ("**A. Park**, B.
    Jones", "B. Jones and **A. Park**") or that is written with an initial; a marked
    title that reads as a name ("**Deep Learning.** Ada Lovelace") stays a title."""
    text = next(g for g in mark.groups() if g)
    if not _byline(text, lone=True):
        return False
    before, after = mark.string[: mark.start()].rstrip(), mark.string[mark.end() :].lstrip()
    beside = after.startswith((",", ";", "&", "and ")) or before.endswith((",", ";", "&", " and"))
    return beside or _INITIAL_APART.search(text) is not None


@dataclass(frozen=True)
class Layout:
    """Where a page's citations put their authors, as most of its first 40 do."""

    authors_first: bool = False
    """They open with their byline: a lone name opening one is its author."""
    byline_at: int | None = None
    """The part after the title they hold their byline at: a lone name there is the
    author (a paper of one author, among papers of several)."""


def entry_of(item: Item, *, layout: Layout = Layout()) -> ParsedEntry:
    """An item's fields, its authors found where the page's `layout` puts them; a
    BibTeX record it carries (a site's "bibtex" box, shown as text) gives what its
    citation leaves out."""
    if "@" in item.text and (cut := _bibtex_cut(item)):
        rest, record = cut
        return _filled(_cited_entry(rest, layout), record)
    return _cited_entry(item, layout)


_BIBTEX_RECORD = re.compile(r"@[A-Za-z]+\s*\{")


def _bibtex_cut(item: Item) -> tuple[Item, str] | None:
    """The item without its BibTeX record, and the record: from "@type{" to the brace
    that closes it, over as many lines as it takes."""
    lines = enumerate(item.lines)
    found = next(((i, m) for i, ln in lines if (m := _BIBTEX_RECORD.search(ln.text))), None)
    if found is None or found[0] == 0:  # a record with no citation above it is no item's
        return None
    at, start = found
    record, depth, end = "", 0, at
    for end in range(at, len(item.lines)):
        text = item.lines[end].text[start.start() :] if end == at else item.lines[end].text
        record += text + "\n"
        depth += text.count("{") - text.count("}")
        if depth <= 0:
            break
    return replace(item, lines=item.lines[:at] + item.lines[end + 1 :]), record


def _filled(entry: ParsedEntry, record: str) -> ParsedEntry:
    """The entry with what its BibTeX record gives and its citation did not."""
    import bibtexparser
    from bibtexparser.model import Entry

    found = [b for b in bibtexparser.parse_string(record).blocks if isinstance(b, Entry)]
    if not found:
        return entry
    fields = {f.key.lower(): str(f.value) for f in found[0].fields}
    recorded = bibtex.entry_of(fields, found[0].key)
    for name in ("title", "published_raw", "venue", "arxiv_id"):
        if not getattr(entry, name):
            setattr(entry, name, getattr(recorded, name))
    if not entry.authors:
        entry.authors, entry.authors_truncated = recorded.authors, recorded.authors_truncated
    return entry


def _cited_entry(item: Item, layout: Layout) -> ParsedEntry:
    """An item's fields as its citation gives them."""
    entry = ParsedEntry()
    cited_lines, abstract = _split_abstract(item)
    entry.abstract = clean_markup(_ABSTRACT_LABEL.sub("", " ".join(abstract))) if abstract else None
    entry.arxiv_id = arxiv_id_in(item.text)
    cited = MARKDOWN_LINK.sub(r"\g<text>", " ".join(cited_lines))
    labelled = _DATE_LABEL.search(cited)
    dates = [m.group() for m in _DATE.finditer(cited)]
    entry.published_raw = labelled.group("date") if labelled else dates[-1] if dates else None
    if entry.published_raw is None and (preprint := _PREPRINT_ID.search(cited)):
        entry.published_raw = preprint["date"].replace(".", "-")
    parts, title, venue = _parts(item)
    parts, labelled = _unlabelled(parts)
    at, per_line = _byline_start(parts, title, layout, wrapped=item.wrapped, labelled=labelled)
    authors: set[int] = set()
    lone = True  # the first part found; a part after it goes on a byline wrapped over lines
    while at is not None and at < len(parts):
        if per_line and is_elision(parts[at]):
            entry.authors_truncated = True
        elif not _disciplines(parts[at]) and (byline := _byline(parts[at], lone or per_line)):
            entry.authors += byline.authors
            entry.authors_truncated = byline.truncated or (per_line and entry.authors_truncated)
        else:
            break
        authors.add(at)
        lone = False
        at += 1
    under = at is not None and at < len(parts) and authors and min(authors) > 0
    if under and is_affiliation(parts[at]):  # under a byline that follows its title
        entry.affiliations = affiliations_in(parts[at])
        authors.add(at)
    badge = _badge(parts, authors, item.wrapped)
    rest = [
        _bare(_BRACKETED_YEAR.sub("", p))
        for i, p in enumerate(parts)
        if i not in authors and not (badge and i == 0)
    ]
    rest = [
        p
        for p in rest
        if not _NUMBERS.fullmatch(_MONTH_WORD.sub("", _DATE.sub("", _INDEXED.sub("", p))))
    ]
    rest = [
        p
        for p in rest
        if not _disciplines(p) and not FOOTNOTE_LEGEND.match(p) and not _ABSTRACT_HEADING.match(p)
    ]
    if title is None and rest:
        title = _title_among([p for p in rest if not _FIELD_LABEL.match(p)], entry.published_raw)
    if title is not None:
        entry.title = clean_markup(title).strip(" .,") or None
        after = [p for p in rest if _bare(p) != _bare(title) and not _FIELD_LABEL.match(p)]
        if venue is not None and _bare(venue) == _bare(title):
            venue = None  # the title in italics (a LaTeX CV's \emph), where no other is marked
        shown = _ITALIC.sub(r"\g<i>", cited)  # "In _Proc. ICRA_": a period parts "Proc", "ICRA"
        venue = venue or (_abbreviated(after, undotted_months(shown)) if after else None)
    if venue:
        entry.venue = bare_venue(venue, entry.published_raw)
    return entry


def bare_venue(venue: str, date: str | None) -> str | None:
    """A venue as a citation (or a table's column, Scholar's "Publication") writes it,
    without its date, volume, issue and pages, preprint id, links and "In"."""
    if date:  # as written, or as its parts were cut ("Nov 2022" of "Nov. 2022")
        venue = venue.replace(date, "").replace(undotted_months(date), "").rstrip(" ,;.")
    venue = " ".join(_PREPRINT_ID.sub("", _LINKED.sub("", venue)).split())
    venue = _without_numbers(venue)
    venue = re.sub(r"^In:?\s+", "", _bare(venue), flags=re.I)  # "In Proceedings of ..."
    venue = _bare(_LOOSE_PUNCT.sub(r"\1", venue))
    if venue.count("(") > venue.count(")"):  # its closing bracket taken with the date
        venue += ")"
    return venue or None


def _badge(parts: list[str], authors: set[int], wrapped: bool) -> bool:
    """Whether the first part is a venue's badge set above the title ("TACL", "arXiv",
    as academic site themes put one beside each paper): one short word on a line of
    its own, then a title of three words or more that is no byline."""
    return (
        not wrapped
        and len(parts) > 2
        and not authors & {0, 1}
        and _BADGE.fullmatch(parts[0]) is not None
        and len(parts[1].split()) >= 3
    )


_BADGE = re.compile(r"[A-Za-z][\w&'.-]{1,11}")


def _title_among(parts: list[str], date: str | None) -> str | None:
    """The first part, unless it is a short one holding the date ("CoRL 2021 | Title |
    Names", as a site sets its fields) and a longer part without it follows: the venue."""
    if len(parts) > 1 and date and date in parts[0] and len(parts[0].split()) <= 4:
        undated = [p for p in parts[1:] if date not in p]
        if undated and len(undated[0]) > len(parts[0]):
            return undated[0]
    return parts[0] if parts else None


def _without_numbers(venue: str) -> str:
    """A venue without the volume, issue and pages after it, labelled or not ("JMLR,
    21, pp" once its pages' numbers are a part of their own), however many follow."""
    venue = _LOOSE_PUNCT.sub(r"\1", venue)  # and the brackets its date was taken from
    for _ in range(4):
        bare = _PAGES_TAIL.sub("", _VOLUME_PAGES.sub("", _PAGES_TAIL.sub("", venue)))
        if bare == venue:
            break
        venue = bare
    return venue


def _unlabelled(parts: list[str]) -> tuple[list[str], int | None]:
    """The parts without a label over names a line ("Other authors"), and where the
    names under it start."""
    label = next((i for i, p in enumerate(parts) if _AUTHORS_HEADING.match(p)), None)
    return (parts, None) if label is None else (parts[:label] + parts[label + 1 :], label)


def _byline_start(
    parts: list[str], title: str | None, layout: Layout, *, wrapped: bool, labelled: int | None
) -> tuple[int | None, bool]:
    """The part an item's authors start at, and whether they are a name a part (a web
    page's author items, as text; those under a label, at `labelled`)."""
    if labelled is not None and labelled < len(parts) and _byline(parts[labelled], lone=True):
        return labelled, True
    at = next((i for i, p in enumerate(parts) if _byline(p)), None)
    if at == 0 and not layout.authors_first and title is None:  # a title of "X and Y"
        at = next((i for i, p in enumerate(parts[1:], 1) if _byline(p, lone=True)), 0)
    if at is None and layout.byline_at is not None and layout.byline_at < len(parts):
        at = layout.byline_at if _lone_author(parts[layout.byline_at]) else None
    if at is None and title is not None:  # the title is marked, so a lone name is no title
        at = next(
            (i for i, p in enumerate(parts) if _bare(p) != _bare(title) and _lone_author(p)),
            None,
        )
    if at is None and layout.authors_first and len(parts) > 1 and _lone_author(parts[0]):
        at = 0
    if at is None and not wrapped and (at := _name_lines(parts)) is not None:
        return at, True
    return at, False


def _abbreviated(parts: list[str], text: str) -> str:
    """The first part, with the parts after it that its abbreviations were cut from
    ("Proc", "ICML"; "IEEE Trans", "Pattern Anal", "Mach", "Intell"): parts are cut at
    periods, and a venue abbreviates. Only parts a period parts in `text` are joined:
    a venue's line ending in a short word ("Smart Grid") and the line below are two."""
    venue = parts[0]
    for part in parts[1:]:
        if _DATE.match(part):
            break  # "J Med Res", then "2022 Jan;24(1)": its date and numbers, no venue
        joined = f"{venue}. {part}"
        if not _ABBREVIATION.search(venue) or joined not in text:
            break
        venue = joined
    return venue


def _name_lines(parts: list[str]) -> int | None:
    """Where a list of authors a name a line begins (a web page's author items, as text):
    two lines of a name each, or a name and "+28 authors", after the title."""
    for i in range(1, len(parts) - 1):
        if _lone_author(parts[i]) and (_lone_author(parts[i + 1]) or is_elision(parts[i + 1])):
            return i
    return None


def is_citation(entry: ParsedEntry) -> bool:
    """A title with something a citation has besides (a heading has only a title)."""
    besides = entry.authors or entry.published_raw or entry.arxiv_id or entry.venue
    return bool(entry.title and (besides or entry.abstract))


def _bare(part: str) -> str:
    """A part without its arXiv tag or link and the punctuation around it."""
    return ARXIV_TAG.sub("", _ARXIV_LINK.sub("", part)).strip(" ,.;:()")


def _layout(items: list[Item]) -> Layout:
    """Where most of the page's citations (of its first 40) hold their byline."""
    found = [_authors_at(parts, title) for parts, title, _v in map(_parts, items[:40])]
    most = len(found) / 2
    after_title = Counter(at for at in found if at).most_common(1)
    return Layout(
        authors_first=found.count(0) > most,
        byline_at=after_title[0][0] if after_title and after_title[0][1] > most else None,
    )


def _authors_at(parts: list[str], title: str | None) -> int | None:
    """The part a citation's byline is, or where it has none of two names, the part
    that is one name: the author of a paper of one."""
    at = next((i for i, part in enumerate(parts) if _byline(part)), None)
    if at is None:
        at = next((i for i, p in enumerate(parts) if p != title and _lone_author(p)), None)
        after = parts[at + 1] if at is not None and at + 1 < len(parts) else ""
        if _lone_author(after) or is_elision(after):
            return None  # a name a part: a site's list of several (`_name_lines`)
    return at


def _between(text: str, start: int, end: int) -> Chunk:
    """Text between items: blank lines are layout; a subheading ("## 2023") is kept
    with the page's header text."""
    return Chunk("layout" if not text[start:end].strip() else "header", start, end)


def _gap(text: str, lines: list[Line], start: int, end: int) -> list[Chunk]:
    """Text between items or after the last: layout, header text (a subheading), or
    citations set another way than the list's (a CV's numbered list, then papers a
    block each under "Other papers"), which are read; the rest is header text. A
    shape learnt over a page (record blocks, titles as headings) is not tried here."""
    inside = [ln for ln in lines if ln.start >= start and ln.end <= end]
    if sum(1 for ln in inside if ln.text) < 2:  # blank, or a lone subheading
        return [_between(text, start, end)]
    cited: list[tuple[Item, ParsedEntry]] = []
    for way in (_list_items, _byline_groups, _citing_paragraphs, _single_lines, _paragraphs):
        _head, items = way(inside)
        items = [_to_break(it) for it in items]  # the text after one is no part of it
        cited = [(it, e) for it in items if (e := entry_of(it)).authors and is_citation(e)]
        if cited:  # the first way that finds one: the page's own ways need two
            break
    chunks, at = [], start
    for item, entry in cited:
        if item.lines[0].start > at:
            chunks.append(_between(text, at, item.lines[0].start))
        chunks.append(Chunk("entry", item.lines[0].start, item.lines[-1].end, entry=entry))
        at = item.lines[-1].end
    return [*chunks, _between(text, at, end)] if at < end else chunks


def _to_break(item: Item) -> Item:
    """An item up to its first blank line or line of structure (a list item's "## 2021"
    below it heads the next group; "\\end{itemize}" closes the list)."""
    lines = item.lines
    blank = next((i for i in range(1, len(lines)) if _breaks(lines[i].text)), len(lines))
    return replace(item, lines=lines[:blank]) if blank < len(lines) else item


def _breaks(text: str) -> bool:
    """A line no list item goes on past: a blank one, or one of structure."""
    return not text or is_structure(text)


def parse(text: str) -> PageParse:
    lines = split_lines(text)
    head, items = split_items(lines)
    chunks = head_chunks(head)
    cursor = head[-1].end if head else 0
    heading = list(head)
    layout = _layout([it for it in items if not _buttons_only(it)])
    year = group_year(text[:cursor], None)
    for item in items:
        start, end = item.lines[0].start, item.lines[-1].end
        if _buttons_after_entry(item, chunks, text):  # the paper's own buttons, and their
            chunks[-1].end = cursor = end  # links (an arXiv id) are the paper's
            continue
        if start > cursor:
            chunks += _gap(text, lines, cursor, start)
            year = group_year(text[cursor:start], year)
        if group := heading_year(item.text):  # a year heading a group, as a paragraph
            chunks.append(Chunk("header", start, end))
            year, cursor = group, end
            continue
        entry = entry_of(item, layout=layout)
        if is_citation(entry) and (entry.authors or not (item.single or item.block)):
            entry.published_raw = entry.published_raw or year  # the group's, not its own
            chunks.append(Chunk("entry", start, end, entry=entry))
        elif not any(c.kind == "entry" for c in chunks):  # a heading above the list
            chunks.append(Chunk("header", start, end))
            heading += item.lines
        elif _section_heading(item) or _structure_line(item):  # "Working Papers",
            chunks.append(Chunk("header", start, end))  # "\end{document}" after the list
        else:
            chunks.append(Chunk("quarantine", start, end, reason=_not_cited(item)))
        cursor = end
    if cursor < len(text):
        chunks += _gap(text, lines, cursor, len(text))
    return PageParse(NAME, chunks, header=parse_header(heading, headings=True))


_SECTION_WORDS = frozenset(
    """papers publications articles preprints chapters books talks presentations proceedings
    reports theses dissertations patents manuscripts journal journals conference conferences
    workshop workshops refereed peer-reviewed selected working submitted preparation invited
    posters abstracts""".split()
)
"""Words that name a group of a publications list ("Refereed Journal Articles")."""


def _section_heading(item: Item) -> bool:
    """A line heading a group of the list: a few words, one naming a kind of list, and
    nothing a citation has (no digits, no sentence)."""
    text = unheaded(item.text).strip(" :")
    words = text.lower().replace("(", " ").replace(")", " ").split()
    return (
        len(item.lines) == 1
        and 1 <= len(words) <= 6
        and any(w in _SECTION_WORDS for w in words)
        and not re.search(r"\d|[.;,]\s", text)
    )


def _buttons_only(item: Item) -> bool:
    """A line of a paper's link buttons set apart from its citation ("PDF Cite arXiv",
    as site themes render them): no item of the list."""
    words = re.sub(r"[\[\]()|]", " ", item.text).lower().split()
    return len(item.lines) == 1 and bool(words) and all(w in _BUTTON_WORDS for w in words)


def _buttons_after_entry(item: Item, chunks: list[Chunk], text: str) -> bool:
    """A line of buttons (`_buttons_only`) right under an entry: part of that entry."""
    return (
        _buttons_only(item)
        and bool(chunks)
        and chunks[-1].kind == "entry"
        and not text[chunks[-1].end : item.lines[0].start].strip()
    )


def _structure_line(item: Item) -> bool:
    """A line that only structures the page (`is_structure`): a LaTeX environment's
    end after the list, a heading between its groups."""
    return len(item.lines) == 1 and is_structure(item.lines[0].text)


def _not_cited(item: Item) -> str:
    if item.block:
        return "not a record: a block with no authors among records that have them"
    if item.single:
        return "not a citation: a line with no authors among citations that have them"
    return "not a citation: a title with no authors, date, venue or arXiv id"

"""XML exports as sources: an arXiv API (Atom) feed, a DBLP person page, RSS, PubMed.

Sites and catalogues hand over listings as XML about as often as they show them
as pages, each with its own element names. No schema is assumed: the record
element is found from the data. A record is an element holding one title (or
an abstract) and authors, an abstract or a link; of the element names that
qualify, the one found most often wins (an Atom `<feed>` holds many titles, so
its `<entry>` wins). Fields are read from a record's descendants by local
name, whatever the namespace: `author` (its `name`, its given and family parts,
or its text), `creator`, `summary` or `abstract`, `published` or a
`year`/`month`/`day` group, `journal` or `booktitle`, and arXiv ids from `id`,
`ee`, `link` and `url`. Zotero's RDF export reads the same way (`<bib:authors>`
of `<foaf:Person>`, its records of every type).

Parsed with the standard library's expat, because it reports where each element
starts and ends, so each entry keeps its own XML and line numbers. Entity
declarations are refused (an entity expanding to gigabytes is the classic XML
attack) and nothing external is fetched; the HTML named entities a DTD would
define (`&uuml;`) are read as the characters they name. A file that breaks off
keeps the records closed before the break; the rest is quarantined with the
parser's line and column.
"""

from __future__ import annotations

import html.entities
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from xml.parsers import expat

from pipeline.extract.fields import arxiv_id_in, clean_markup
from pipeline.extract.model import Chunk, PageHeader, PageParse, ParsedEntry
from pipeline.extract.structured import author_name, date_text

NAME = "xml_records"

_PROLOG = re.compile(
    r"\ufeff?\s*(?:<\?xml[^>]*\?>\s*)?"  # the declaration
    r"(?:<!--.*?-->\s*|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>\s*|<\?.*?\?>\s*)*"  # comments, DTD
    r"<(?P<root>[A-Za-z_][\w.:-]*)",
    re.S,
)
_TAGS = re.compile(r"<[^>]*>")
_HTML_ROOTS = frozenset(
    """html head body div table thead tbody tr td th ul ol li dl dt dd p span a section
    article main header footer nav aside figure h1 h2 h3 h4 h5 h6 b i em strong small
    br hr img blockquote pre code font center meta link title style script form""".split()
)
"""Elements a saved fragment of a web page opens with: it is HTML, not an XML export."""

TITLE = frozenset({"title", "articletitle", "papertitle"})
CITED = frozenset({"reflist", "ref", "references", "reference", "citation", "bibliography"})
"""Where a record lists the works it cites: their titles and names are not its own."""
AUTHOR = frozenset({"author", "creator"})
ABSTRACT = frozenset({"abstract", "summary", "description"})
DATE = (
    "published",
    "pubdate",
    "publicationdate",
    "date",
    "issued",
    "dateissued",
    "year",
    "created",
    "updated",
)
"""Date elements, the likeliest publication date first (Atom's `updated` is a revision)."""
VENUE = frozenset(
    {
        "journal",
        "booktitle",
        "venue",
        "containertitle",
        "source",
        "relateditem",
        "journaltitle",
        "fulltitle",
        "proceedingstitle",
        "secondarytitle",
    }
)
"""Where a record names what it appeared in (MODS: `<relatedItem type="host">`, ORCID's
`<journal-title>`, Crossref's `<full_title>` and `<proceedings_title>`, EndNote's
`<secondary-title>`). One that holds
authors is a wrapper round the record (Crossref's `<journal>`), not its venue."""
LINK = frozenset(
    {
        "id",
        "ee",
        "link",
        "url",
        "doi",
        "guid",
        "eprint",
        "arxivid",
        "identifier",
        "articleid",
        "externalid",
    }
)
CATEGORY = ("primarycategory", "category")
_GIVEN = ("given", "givenname", "givennames", "forename", "firstname")
_FAMILY = ("family", "familyname", "surname", "lastname")


@dataclass
class Element:
    """An XML element with where it sits in the text (character offsets, 1-based lines)."""

    name: str
    """Local name, lower case, without '-' or '_': `arxiv:primary_category` -> `primarycategory`."""
    attrs: dict[str, str]
    start: int
    line: int
    parent: Element | None = None
    children: list[Element] = field(default_factory=list)
    content: list[str | Element] = field(default_factory=list)
    """Character data and children in document order."""
    end: int | None = None
    """None while open (a file cut short leaves its outer elements open)."""
    holds_authors: bool | None = field(default=None, repr=False, compare=False)
    """Whether an author is among its descendants, once asked (`_holds_authors`)."""

    def all_text(self) -> str:
        """The element's text with its children's, as written (`H<sub>2</sub>O` is H2O),
        white space collapsed."""
        return " ".join(self._raw_text().split())

    def _raw_text(self) -> str:
        """Depth first, without recursion: markup may nest thousands deep."""
        out: list[str] = []
        stack: list[str | Element] = list(reversed(self.content))
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                out.append(item)
            else:
                stack.extend(reversed(item.content))
        return "".join(out)

    def descendants(self) -> list[Element]:
        if not self.children:
            return []
        found: list[Element] = []
        stack = list(reversed(self.children))
        while stack:
            node = stack.pop()
            found.append(node)
            stack.extend(reversed(node.children))
        return found


@lru_cache(maxsize=4096)
def _local(name: str) -> str:
    return re.sub(r"[-_]", "", name.rsplit(":", 1)[-1].rsplit("}", 1)[-1]).lower()


def looks_like_xml(text: str) -> bool:
    """An XML document whose root is not `<html>` (XHTML is read as HTML); without an
    XML declaration, one whose root is no HTML element (a saved `<div>` is HTML)."""
    m = _PROLOG.match(text[:65536])
    if m is None or m.group("root").lower() == "html":
        return False
    declared = text.lstrip("\ufeff \t\r\n").startswith("<?xml")
    return declared or m.group("root").lower() not in _HTML_ROOTS


def detect(text: str) -> float:
    return 0.95 if looks_like_xml(text) else 0.0


class XmlError(Exception):
    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.line, self.column = line, column


def read_tree(text: str) -> tuple[Element | None, XmlError | None]:
    """The document's elements; on malformed XML, the elements read so far and the error."""
    data = text.encode("utf-8", errors="surrogateescape")  # an invalid byte: expat says where
    ascii_only = len(data) == len(text)
    seen = [0, 0]
    """The last byte index turned into a character offset, and that offset: events come
    in document order, so each is decoded from the last, not from the start."""
    parser = expat.ParserCreate(encoding="UTF-8", namespace_separator="}")
    parser.buffer_text = True
    parser.UseForeignDTD(True)
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    root: Element | None = None
    stack: list[Element] = []

    def at() -> int:
        index = parser.CurrentByteIndex
        if ascii_only:
            return index
        step = data[seen[0] : index].decode("utf-8", errors="surrogateescape")
        seen[:] = [index, seen[1] + len(step)]
        return seen[1]

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal root
        parent = stack[-1] if stack else None
        local_attrs = {_local(k): v for k, v in attrs.items()}
        node = Element(_local(name), local_attrs, at(), parser.CurrentLineNumber, parent)
        if parent is not None:
            parent.children.append(node)
            parent.content.append(node)
        elif root is None:
            root = node
        stack.append(node)

    def end(_name: str) -> None:
        node = stack.pop()
        node.end = text.index(">", at()) + 1

    def chars(data_: str) -> None:
        if stack:
            stack[-1].content.append(data_)

    def refuse(name: str, *_args: object) -> None:
        message = f"it declares the entity {name!r}, and entity declarations are refused"
        line, column = parser.CurrentLineNumber, parser.CurrentColumnNumber + 1
        raise XmlError(message, line, column)

    def skipped(name: str, is_parameter: int) -> None:
        if not is_parameter and name in html.entities.name2codepoint:
            chars(chr(html.entities.name2codepoint[name]))

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.EntityDeclHandler = refuse
    parser.SkippedEntityHandler = skipped
    parser.ExternalEntityRefHandler = lambda *_: 1  # nothing outside the file is read
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        message = expat.errors.messages[exc.code]
        return root, XmlError(message, exc.lineno, exc.offset + 1)
    except XmlError as exc:
        return root, exc
    return root, None


def _titles(node: Element) -> list[Element]:
    """Title elements of a record, not those of its venue (`<journal><title>`), of the
    works it cites (a JATS article's `<ref-list>`) or inside another title."""
    return [
        d
        for d in node.descendants()
        if d.name in TITLE and not any(_apart_from_record(a) for a in _ancestors(d, node))
    ]


def _apart_from_record(node: Element) -> bool:
    """A venue's or a reference list's element, whose titles are not the record's, or
    a title round a title (ORCID's `<work:title><common:title>`): one title, not two."""
    return (
        node.name in CITED
        or node.name in TITLE
        or (node.name in VENUE and not _holds_authors(node))
    )


def _holds_authors(node: Element) -> bool:
    """Asked of a venue element for each title below it: worked out once."""
    if node.holds_authors is None:
        node.holds_authors = any(map(_is_author, node.descendants()))
    return node.holds_authors


def _ancestors(node: Element, stop: Element | None) -> list[Element]:
    """`node`'s ancestors below `stop` (all of them, root included, with None)."""
    found = []
    parent = node.parent
    while parent is not None and parent is not stop:
        found.append(parent)
        parent = parent.parent
    return found


def _qualifies(node: Element) -> bool:
    """One title (or none, with an abstract) and something a listing has besides a title:
    authors, an abstract or a link. A feed or a catalogue holds many titles."""
    if not node.children:
        return False
    names = {d.name for d in node.descendants()}
    titles = len(_titles(node))
    if titles > 1 or not (titles or names & ABSTRACT):
        return False
    if titles and names & VENUE and not names.isdisjoint(DATE):
        return True  # a dated work in a venue: a profile's own works name no authors (ORCID)
    return bool(names & (AUTHOR | ABSTRACT | LINK)) or any(map(_is_author, node.descendants()))


def record_elements(root: Element) -> list[Element]:
    """The records: every closed element, outermost only, of the name that qualifies most
    often (one lacking a title is still a record: it is quarantined, not dropped). Ties
    go to the name whose records hold their title closest (`<article>` over DBLP's `<r>`).
    Beside them, their siblings of other names that qualify and name authors: a
    Zotero RDF export names each record by its type (`<bib:Article>`, `<bib:Book>`,
    `<rdf:Description>`), and lists its attachments and journals apart, authorless."""
    closed = [n for n in [root, *root.descendants()] if n.end is not None]
    qualifying = [n for n in closed if _qualifies(n)]
    if not qualifying:
        return []
    counts = Counter(n.name for n in qualifying)
    depth: dict[str, int] = {}
    for n in qualifying:
        closest = min((len(_ancestors(t, n)) for t in _titles(n)), default=99)
        depth[n.name] = min(depth.get(n.name, 99), closest)
    name = min(counts, key=lambda k: (-counts[k], depth[k]))
    chosen = [
        n for n in closed if n.name == name and not any(a.name == name for a in _ancestors(n, None))
    ]
    parents = {id(n.parent) for n in chosen}
    kin = [
        n
        for n in qualifying
        if n.name != name
        and id(n.parent) in parents
        and any(map(_is_author, n.descendants()))
        and not any(d.name == name for d in n.descendants())  # records round records
    ]
    return sorted(chosen + kin, key=lambda n: n.start) if kin else chosen


def _first(node: Element, names: tuple[str, ...]) -> Element | None:
    """The first descendant with the first of `names` that occurs."""
    parts = node.descendants()
    return next((d for name in names for d in parts if d.name == name), None)


def _person(node: Element) -> str:
    """A name as `name`, given and family parts, or the element's text; without a
    catalogue's namesake number."""
    named = _first(node, ("name", "creditname"))
    given, family = _first(node, _GIVEN), _first(node, _FAMILY)
    parts = {c.attrs.get("type", ""): c.all_text() for c in node.children if c.name == "namepart"}
    if named is not None and not named.children:
        name = named.all_text()
    elif family is not None:
        name = " ".join(p.all_text() for p in (given, family) if p is not None)
    elif parts:  # MODS: <namePart type="given">, <namePart type="family">
        name = " ".join(parts.pop(k, "") for k in ("given", "family", *list(parts)))
    else:
        name = node.all_text()
    return author_name(" ".join(name.split())) or ""  # without a namesake number


def _is_author(node: Element) -> bool:
    """An `author` or `creator`, JATS's `<contrib>` unless its type is not author, a
    `<person>` in a list of `<authors>` (Zotero's RDF; not its `<editors>`), or MODS's
    `<name>` of parts whose role, if given, is author."""
    if node.name in AUTHOR:
        return True
    if node.name == "contrib":
        return node.attrs.get("contribtype", "author").lower() == "author"
    if node.name == "personname":  # Crossref
        return node.attrs.get("contributorrole", "author").lower() == "author"
    if node.name == "contributor":  # ORCID: a credit name, its role maybe given
        roles = [d.all_text().lower() for d in node.descendants() if d.name == "contributorrole"]
        return any(d.name == "creditname" for d in node.children) and (
            not roles or "author" in roles
        )
    if node.name == "person":  # Zotero's RDF: <bib:authors><rdf:Seq><rdf:li><foaf:Person>
        up = node.parent
        while up is not None and up.name in ("li", "seq"):
            up = up.parent
        return up is not None and up.name == "authors"
    if node.name != "name" or not any(c.name == "namepart" for c in node.children):
        return False
    roles = [d.all_text().lower() for d in node.descendants() if d.name == "roleterm"]
    return not roles or "author" in roles or "aut" in roles


def _date(node: Element) -> str | None:
    """A date element's text, or its `Year`/`Month`/`Day` children (`date_text`)."""
    parts = {c.name: c.all_text() for c in node.children}
    return date_text(parts if "year" in parts else node.all_text() or node.attrs.get("when"))


def record_entry(record: Element) -> ParsedEntry:
    """A record's fields, each from the first descendant that carries it."""
    entry = ParsedEntry()
    parts = record.descendants()
    titles = _titles(record)
    title = titles[0].all_text() if titles else ""
    entry.title = (
        title[:-1] if title.endswith(".") and not title.endswith("..") else title
    ) or None
    authors = [
        d
        for d in parts
        if _is_author(d)
        and not any(_is_author(a) or a.name in CITED for a in _ancestors(d, record))
    ]
    entry.authors = [name for name in map(_person, authors) if name]
    abstract = next((d.all_text() for d in parts if d.name in ABSTRACT and d.all_text()), None)
    entry.abstract = clean_markup(abstract) if abstract else None
    dates = [d for name in DATE for d in parts if d.name == name]
    entry.published_raw = next(filter(None, map(_date, dates)), None)
    venue = next((d for d in parts if d.name in VENUE and not _holds_authors(d)), None)
    if venue is not None:
        named = next((d for d in venue.descendants() if d.name in TITLE), None)
        entry.venue = (named or venue).all_text() or None
    for d in parts:
        if d.name in LINK or "href" in d.attrs:
            kinds = [v for k, v in d.attrs.items() if k.endswith("type")]  # pub-id-type=
            kinds += [c.all_text() for c in d.children if c.name.endswith("type")]  # ORCID
            typed = "arxiv" in " ".join([d.name, *kinds]).lower()  # a bare id
            # each child's text apart: "<type>arxiv</type><value>2101.00001</value>"
            text = " ".join([*(c.all_text() for c in d.children), d.all_text()])
            found = arxiv_id_in(f"{text} {d.attrs.get('href', '')}", bare=typed)
            if found:
                entry.arxiv_id = found
                break
    category = _first(record, CATEGORY)
    if category is not None:
        entry.category = category.attrs.get("term") or category.all_text() or None
    return entry


def _owner(root: Element) -> str | None:
    """The person a whole export is about, where its root names one (`<dblpperson
    name=...>`) or holds one's name (an ORCID record's `<person><name>`)."""
    if "person" in root.name:
        return root.attrs.get("name")
    person = next((c for c in root.children if c.name == "person"), None)
    named = next((c for c in person.children if c.name == "name"), None) if person else None
    return (_person(named) or None) if named is not None else None


def markup_only(text: str) -> bool:
    """Whether `text` is tags and white space only, with no character data."""
    return not _TAGS.sub("", text).strip()


def _between(text: str, start: int, end: int) -> Chunk:
    """The XML between records: layout when it is markup only (closing tags, a DBLP
    `<r>`), else header text (a feed's title, a person's details), never dropped."""
    return Chunk("layout" if markup_only(text[start:end]) else "header", start, end)


def parse(text: str) -> PageParse:
    root, error = read_tree(text)
    records = record_elements(root) if root is not None else []
    chunks: list[Chunk] = []
    cursor = 0
    for record in records:
        assert record.end is not None
        chunks.append(_between(text, cursor, record.start))
        chunks.append(Chunk("entry", record.start, record.end, entry=record_entry(record)))
        cursor = record.end
    if error is not None:
        reason = f"unreadable XML at line {error.line}, column {error.column}: {error}"
        if records:
            reason += f"; the {len(records)} records closed before it are read"
        chunks.append(Chunk("quarantine", cursor, len(text), reason=reason))
    elif not records:
        reason = (
            "XML with no bibliographic records (no element holds one title with authors, "
            "an abstract or a link)"
        )
        chunks.append(Chunk("quarantine", 0, len(text), reason=reason))
    else:
        chunks.append(_between(text, cursor, len(text)))
    header = PageHeader(owner_name=_owner(root) if root is not None else None)
    kept = [c for c in chunks if c.end > c.start or c.kind == "quarantine"]
    return PageParse(NAME, kept, header, self_delimited=True)

"""HTML pages to the text a browser shows, so the page shapes read them too.

A site may hand over a page's HTML instead of its text. The known shapes are
shapes of the visible text (what a reader copies off the page), so HTML is
rendered the way a browser's `innerText` is: block elements start new lines,
paragraphs and headings are set off by a blank line, `<br>` breaks a line,
whitespace inside a line collapses, and what is never shown (`<head>`,
`<script>`, `<style>`, `<template>`, comments) is dropped, and so are a
site's navigation and footer (`<nav>`, `<footer>`), never part of a listing. Each rendered line
remembers the line of the HTML it came from, so quarantine and entries point
into the file the curator has. The standard library's parser is enough: it is
lenient with broken markup and reports the source position of every piece.

A `<table>` whose first row names bibliographic columns (Title, Authors, Year,
...) is an export, not a page: `table_rows` hands its rows to the structured
reader, as a CSV with that header would be. A page whose text shows no papers
may still describe them for search engines in schema.org's JSON-LD or microdata
(`linked_data`): the structured reader reads that as a JSON document.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from pipeline.extract.decode import plain_spaces
from pipeline.extract.fields import arxiv_id_in

_HIDDEN = {"head", "script", "style", "template", "noscript", "svg", "title", "nav", "footer"}
_PARAGRAPH = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figure", "pre", "hr"}
_BLOCK = {
    "div", "li", "ul", "ol", "dl", "dt", "dd", "tr", "td", "th", "table", "section",
    "article", "header", "footer", "nav", "main", "aside", "form", "fieldset", "address",
    "figcaption", "caption", "tbody", "thead", "tfoot", "details", "summary", "body", "html",
}  # fmt: skip
_LISTS = {"ul": "li", "ol": "li", "dl": "dt", "table": "tr"}
"""Lists and the element that opens each of their items (a `<dl>`'s item is a term
and its descriptions)."""
_HTML_START = re.compile(
    r"\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.I | re.S
)
_TAG = re.compile(
    r"</?(?:div|p|span|a|li|ul|ol|dl|dt|dd|br|table|td|th|tr|h[1-6]|section|article|body)\b",
    re.I,
)


def looks_like_html(text: str) -> bool:
    """An HTML document, or a fragment dense with tags (a scraper's saved element)."""
    if _HTML_START.match(text[:4096]):
        return True
    head = text[:65536]
    tags = len(_TAG.findall(head))
    return tags >= 5 and tags * 40 >= len(head.split("\n"))


class _Renderer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.sources: list[int] = []
        self.current: list[str] = []
        self.current_source: int | None = None
        self.pending = 0
        self.hidden = 0
        self.pre = 0
        self.links: list[tuple[int, str]] = []
        """The arXiv ids links point to, with their HTML lines: the text keeps a link's
        words, not its target (`fill_linked_arxiv_ids`)."""
        self.open_lists: list[_List] = []
        self.lists: list[_List] = []

    def _break(self, count: int) -> None:
        if self.current or self.lines:  # no blank lines before the first text
            self.pending = max(self.pending, count)

    def _flush(self) -> None:
        text = "".join(self.current)
        if not self.pre:
            text = re.sub(r"[ \t\r\n\f]+", " ", text).strip()
        if text:
            self.lines.append(text)
            self.sources.append(self.current_source or self.getpos()[0])
        self.current, self.current_source = [], None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href") if tag == "a" else None
        if href and (arxiv_id := arxiv_id_in(href)):
            self.links.append((self.getpos()[0], arxiv_id))
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag == "br":
            self._newline(1, force=True)
        elif tag in _PARAGRAPH:
            self._newline(2)
        elif tag in _BLOCK:
            self._newline(1)
        if tag == "pre":
            self.pre += 1
        if self.hidden:
            return
        if tag in _LISTS:
            self.open_lists.append(_List(_LISTS[tag]))
        elif self.open_lists and tag == self.open_lists[-1].item_tag:
            self.open_lists[-1].starts.append(len(self.lines))

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _PARAGRAPH:
            self._newline(2)
        elif tag in _BLOCK:
            self._newline(1)
        if tag == "pre":
            self.pre = max(0, self.pre - 1)
        if tag in _LISTS and self.open_lists and self.open_lists[-1].item_tag == _LISTS[tag]:
            self.close_list()

    def close_list(self) -> None:
        closed = self.open_lists.pop()
        closed.end = len(self.lines)
        self.lists.append(closed)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._newline(1, force=True)
        elif tag == "hr":
            self._newline(2)

    def _newline(self, count: int, force: bool = False) -> None:
        had_text = bool("".join(self.current).strip())
        self._flush()
        if force and not had_text and self.lines:
            self.lines.append("")  # <br><br>: the second break shows as a blank line
            self.sources.append(self.getpos()[0])
            return
        self._break(count)

    def handle_data(self, data: str) -> None:
        if self.hidden or not data:
            return
        if not self.pre and not data.strip() and not self.current:
            return
        if self.pending:
            for _ in range(self.pending - 1):
                self.lines.append("")
                self.sources.append(self.getpos()[0])
            self.pending = 0
        if self.current_source is None:
            self.current_source = self.getpos()[0] + data[: len(data) - len(data.lstrip())].count(
                "\n"
            )
        if self.pre:
            for i, part in enumerate(data.split("\n")):
                if i:
                    self._flush()
                    self.current_source = self.getpos()[0] + i
                self.current.append(part)
        else:
            self.current.append(data)


@dataclass
class _List:
    """A list's items, by the rendered line each starts at."""

    item_tag: str
    starts: list[int] = field(default_factory=list)
    end: int = 0


def _items_set_apart(lines: list[str], sources: list[int], lists: list[_List]) -> None:
    """Lines where most items of a list take several lines (a title, its byline, its
    venue): each item as one paragraph, a blank line before it and none inside it,
    as the eye groups them on the page. A list of one line an item is left as it is."""
    before: set[int] = set()
    inside: set[int] = set()
    for listed in lists:
        bounds = list(itertools.pairwise([*listed.starts, listed.end]))
        spans = [[i for i in range(a, b) if lines[i]] for a, b in bounds]
        if len(spans) < 2 or sum(len(lit) > 1 for lit in spans) * 2 < len(spans):
            continue
        for (_, b), lit in zip(bounds, spans, strict=True):
            if lit:
                before.add(lit[0])
                inside.update(i for i in range(lit[0], b) if not lines[i])
    if not before:
        return
    kept: list[tuple[str, int]] = []
    for i, (line, source) in enumerate(zip(lines, sources, strict=True)):
        if i in before and kept and kept[-1][0]:
            kept.append(("", source))
        if i not in inside:
            kept.append((line, source))
    lines[:], sources[:] = [t for t, _ in kept], [n for _, n in kept]


@dataclass
class Rendered:
    text: str
    lines: list[int]
    """For each line of `text`, the HTML line it came from."""
    links: list[tuple[int, str]]
    """The arXiv ids the page's links point to, with their HTML lines."""


def render(html: str) -> Rendered:
    """The page's visible text, the HTML line of each of its lines, and its arXiv links."""
    renderer = _Renderer()
    renderer.feed(html)
    renderer.close()
    renderer._flush()
    while renderer.open_lists:  # a list the page never closes ends with it
        renderer.close_list()
    lines, sources = renderer.lines, renderer.sources
    _items_set_apart(lines, sources, renderer.lists)
    while lines and not lines[-1]:
        lines.pop()
        sources.pop()
    text = plain_spaces("\n".join(lines) + ("\n" if lines else ""))
    return Rendered(text, sources, renderer.links)


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self.depth = 0
        self.hidden = 0
        self.cell: list[str] | None = None
        self.parted: list[list[bool]] = []
        """Per table row, whether each cell holds several blocks of text."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag == "table":
            self.depth += 1
            if self.depth == 1:
                self.tables.append([])
        elif tag == "tr" and self.depth == 1:
            self.tables[-1].append([])
            self.parted.append([])
        elif tag in {"td", "th"} and self.depth == 1 and self.tables[-1]:
            self._close_cell()
            self.cell = []
        elif tag == "br" and self.cell is not None:
            self.cell.append(" ")
        elif tag in _BLOCK and self.cell is not None:
            self.cell.append(_PART)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in {"td", "th", "tr"} and self.depth == 1:
            self._close_cell()
        elif tag == "table":
            self._close_cell()
            self.depth = max(0, self.depth - 1)

    def handle_data(self, data: str) -> None:
        if self.cell is not None and not self.hidden:
            self.cell.append(data)

    def _close_cell(self) -> None:
        if self.cell is not None and self.tables and self.tables[-1]:
            parts = [p for p in "".join(self.cell).split(_PART) if p.strip()]
            self.tables[-1][-1].append(re.sub(r"\s+", " ", plain_spaces(" ".join(parts))).strip())
            self.parted[-1].append(len(parts) > 1)
        self.cell = None


_PART = "\x00"
"""Where a block element (a `<div>`, a `<p>`) opens inside a table cell."""


def _laid_out(table: list[list[str]], parted: list[list[bool]]) -> bool:
    """A table that lays out a page (a profile's list, its title cell holding the title,
    authors and venue in blocks of their own) rather than one value a cell: the page's
    text reads it."""
    from pipeline.extract.structured import canonical_column

    header = next((r for r in table if any(r)), [])
    at = next((i for i, c in enumerate(header) if canonical_column(c) == "title"), None)
    if at is None:
        return False
    cells = [p[at] for r, p in zip(table, parted, strict=True) if r is not header and len(p) > at]
    return bool(cells) and sum(cells) * 2 > len(cells)


def table_rows(html: str) -> list[dict[str, str]] | None:
    """The rows of the first table whose header names bibliographic columns, keyed by
    that header; None when the page has no such table."""
    from pipeline.extract.structured import is_table_header

    parser = _Tables()
    parser.feed(html)
    parser.close()
    parted = iter(parser.parted)
    for table in parser.tables:
        table_parted = [next(parted) for _ in table]
        rows = [r for r in table if any(r)]
        if rows and is_table_header(rows[0]) and not _laid_out(table, table_parted):
            header = [c or f"column_{i}" for i, c in enumerate(rows[0])]
            return [
                dict(zip(header, r + [""] * (len(header) - len(r)), strict=False)) for r in rows[1:]
            ]
    return None


def fill_linked_arxiv_ids(rows: list[dict[str, Any]], links: list[tuple[int, str]]) -> None:
    """Give an entry without an arXiv id the one its HTML lines link to, when it links to
    one id only, every link to that id is on its lines, no other entry's lines overlap
    its own, and no other entry has the id: a minified page (one line) gets nothing."""
    spans = [(r["line_start"], r["line_end"]) for r in rows]
    taken = {r["arxiv_id"] for r in rows if r["arxiv_id"]}
    for i, row in enumerate(rows):
        first, last = spans[i]
        if row["arxiv_id"] or first is None or last is None:
            continue
        if any(a <= last and first <= b for j, (a, b) in enumerate(spans) if j != i and a and b):
            continue
        ids = {found for line, found in links if first <= line <= last}
        if len(ids) != 1 or (arxiv_id := ids.pop()) in taken:
            continue
        if all(first <= line <= last for line, found in links if found == arxiv_id):
            row["arxiv_id"] = arxiv_id
            taken.add(arxiv_id)


_LINKED_DATA = re.compile(
    r"<script\b[^>]*\btype\s*=\s*[\"']application/ld\+json[\"'][^>]*>(?P<json>.*?)</script>",
    re.IGNORECASE | re.DOTALL,
)


def linked_data(html: str) -> tuple[bytes, str] | None:
    """The page's linked data as one JSON document, and what it was written as
    ("json_ld", else "microdata"): a JSON-LD script's own document, or several
    (scripts, microdata's items, `microdata`) in a `@graph`; None when it has none."""
    documents: list[Any] = []
    for m in _LINKED_DATA.finditer(html):
        try:
            documents.append(json.loads(m.group("json")))
        except json.JSONDecodeError:
            continue
    kind = "json_ld" if documents else "microdata"
    documents += microdata(html)
    if not documents:
        return None
    document = documents[0] if len(documents) == 1 else {"@graph": documents}
    return json.dumps(document).encode("utf-8"), kind


_ITEM_VALUE_ATTR = {
    "meta": "content",
    "time": "datetime",
    "a": "href",
    "link": "href",
    "area": "href",
    "img": "src",
    "data": "value",
}
"""Where a microdata property's value is, by element (its text elsewhere)."""


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    children: list[_Node | str] = field(default_factory=list)


class _Tree(HTMLParser):
    """A page as a tree of elements; an end tag closes the elements opened since its
    own. Only which elements lie within which item matters to microdata."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {})
        self._open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {k: v or "" for k, v in attrs})
        self._open[-1].children.append(node)
        self._open.append(node)  # a void element (<meta>) holds what follows: no matter here

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._open) - 1, 0, -1):
            if self._open[depth].tag == tag:
                del self._open[depth:]
                return

    def handle_data(self, data: str) -> None:
        self._open[-1].children.append(data)


def microdata(html: str) -> list[dict[str, Any]]:
    """The page's schema.org microdata (`itemscope`, `itemprop`) as JSON-LD would say
    it: each top-level item a dict of its properties, `@type` from its `itemtype`, a
    nested item a dict, a property given twice a list."""
    if "itemscope" not in html:
        return []
    tree = _Tree()
    tree.feed(html)
    tree.close()
    return list(_top_items(tree.root))


def _top_items(node: _Node) -> Iterator[dict[str, Any]]:
    for child in node.children:
        if isinstance(child, _Node):
            if "itemscope" in child.attrs:
                yield _item(child)
            else:
                yield from _top_items(child)


def _item(node: _Node) -> dict[str, Any]:
    found: dict[str, list[Any]] = {}
    _properties(node, found)
    item: dict[str, Any] = {k: v[0] if len(v) == 1 else v for k, v in found.items()}
    kinds = [t.rstrip("/").rsplit("/", 1)[-1] for t in node.attrs.get("itemtype", "").split()]
    if kinds:
        item["@type"] = kinds[0] if len(kinds) == 1 else kinds
    return item


def _properties(node: _Node, found: dict[str, list[Any]]) -> None:
    """An item's properties: those of its descendants, not of the items nested in it."""
    for child in node.children:
        if not isinstance(child, _Node):
            continue
        names = child.attrs.get("itemprop", "").split()
        if names:
            value = _item(child) if "itemscope" in child.attrs else _property_value(child)
            for name in names:
                found.setdefault(name, []).append(value)
        if "itemscope" not in child.attrs:
            _properties(child, found)


def _property_value(node: _Node) -> str:
    attr = _ITEM_VALUE_ATTR.get(node.tag)
    if attr and attr in node.attrs:
        return node.attrs[attr].strip()
    return " ".join("".join(_texts(node)).split())


def _texts(node: _Node) -> Iterator[str]:
    for child in node.children:
        if isinstance(child, str):
            yield child
        elif child.tag not in ("script", "style", "template"):
            yield from _texts(child)

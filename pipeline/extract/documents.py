"""Documents (PDF, Word's .docx, OpenDocument's .odt, RTF) read as the text a reader sees.

A CV or a publications list is often a document, not a web page. Its text is laid
out the way the page shapes expect: a line for each visual line of a PDF (a blank
line where a gap wider than half a line sets blocks apart, page numbers dropped), a
line for each paragraph of a Word or OpenDocument file (headings marked as in
Markdown, "## 2021", list items numbered or bulleted as they are shown) or of an RTF
file (a table's cells a line each, a blank line after its rows). The page
parsers then read it as any text page, so its lines are the lines of this text.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree import ElementTree

from pipeline.extract.decode import OLE2, ZIP, Decoded, zip_names

logging.getLogger("pdfminer").setLevel(logging.ERROR)  # a font's quirks are not the user's

PDF_HEAD = 1024
"""Bytes a PDF's "%PDF-" marker may sit behind (readers accept junk before it; a text
page that quotes the marker has no "startxref" trailer at its end)."""

MAX_DOCUMENT_XML = 256 * 1024 * 1024
"""Uncompressed bytes of a document's text part: past it the zip is a bomb, not a CV."""

PDF_GAP = 0.5
"""Space between two lines of a PDF, as a share of a line's height, past which they
are two blocks: a list's items with a half-line between them are set apart, a
wrapped line is not."""

PDF_CHAR_MARGIN = 3.0
"""pdfminer's `char_margin`: characters further apart than this many widths are two
lines. Its default, 2, cut a justified line at its widest spaces and read the
pieces out of order; two columns a gutter of three characters apart stay apart."""

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_T = "{" + _TEXT_NS + "}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODT_MIMETYPE = b"mimetypeapplication/vnd.oasis.opendocument.text"
"""An OpenDocument text's first zip member, stored uncompressed, as its spreadsheets'."""
_PAGE_NUMBER = re.compile(
    r"(?i)^(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?$|^[-–—]\s*\d{1,4}\s*[-–—]$"
)
"""A page number alone on a page's first or last line: "7", "Page 2 of 5", "- 3 -"."""
_HEADING_STYLE = re.compile(r"(?i)^(?:(?:heading|berschrift|titre|t[ií]tulo|titolo)\s*(\d)|title)$")
"""Word's heading styles by id ("Heading2", German "berschrift2"), and its title."""


def kind_of(data: bytes) -> str | None:
    """The kind of document bylines reads as text ("pdf", "docx", "odt", "rtf"; "doc",
    Word's binary format before 2007, it names and refuses), else None."""
    if data[:64].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        return "rtf"
    if data.startswith(b"%PDF-") or (b"%PDF-" in data[:PDF_HEAD] and b"startxref" in data[-2048:]):
        return "pdf"
    if data.startswith(OLE2) and "WordDocument".encode("utf-16-le") in data:
        return "doc"
    if "word/document.xml" in zip_names(data):
        return "docx"
    if data.startswith(ZIP) and _ODT_MIMETYPE in data[:100]:
        return "odt"
    return None


def read_document(data: bytes, kind: str, max_text_bytes: int) -> Decoded:
    """The document's text, or why it cannot be read (never raises on bad content)."""
    if kind == "doc":
        return Decoded(
            None,
            "a Word 97-2003 document (.doc): bylines reads .docx, .odt and PDF; "
            "save it as one of those",
        )
    try:
        if kind == "pdf":
            lines = _pdf_lines(data)
        elif kind == "rtf":
            lines = _rtf_lines(data)
        else:
            lines = _package_lines(data, kind)
    except Exception as exc:  # a broken document must not stop the run
        return Decoded(None, f"unreadable {kind.upper()} document: {type(exc).__name__}: {exc}")
    text = "\n".join(lines).strip("\n")
    if not text.strip():
        if kind == "pdf":
            return Decoded(None, "a PDF with no text to read (scanned pages need OCR first)")
        article = "an" if kind in ("odt", "rtf") else "a"
        return Decoded(None, f"{article} {kind.upper()} document with no text")
    if len(text.encode("utf-8")) > max_text_bytes:
        return Decoded(
            None,
            f"{kind.upper()} document whose text is over the {max_text_bytes / 1e6:.1f} MB "
            "limit for one page (raise it with --max-page-mb)",
        )
    return Decoded(text + "\n")


def _pdf_lines(data: bytes) -> list[str]:
    """A PDF's text lines in pdfminer's reading order (a column read whole before the
    next), lines the width wrapped joined again, a blank line between blocks; page
    furniture (numbers, a running header or footer) dropped."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTTextContainer, LTTextLine

    pages: list[list[_Line]] = []
    for page in extract_pages(io.BytesIO(data), laparams=LAParams(char_margin=PDF_CHAR_MARGIN)):
        lines = []
        for box in page:
            if not isinstance(box, LTTextContainer):
                continue
            for line in box:
                text = _plain(line.get_text()) if isinstance(line, LTTextLine) else ""
                if text:
                    chars = [c for c in line if isinstance(c, LTChar)]
                    fonts = (_font(chars[0]), _font(chars[-1])) if chars else ("", "")
                    lines.append(_Line(line.x0, line.x1, line.y0, line.y1, text, *fonts))
        pages.append(lines)
    running = _running_lines(pages)
    out: list[str] = []
    for lines in pages:
        kept = [line for n, line in enumerate(lines) if not _furniture(n, lines, running)]
        out.extend(_unwrapped(kept))
    return out


@dataclass(frozen=True)
class _Line:
    """A PDF text line: its box in points (y upwards), its text, and the fonts of its
    first and last characters."""

    x0: float
    x1: float
    y0: float
    y1: float
    text: str
    first_font: str
    last_font: str


def _font(char: object) -> str:
    return f"{getattr(char, 'fontname', '')}/{round(getattr(char, 'size', 0))}"


EDGE_LINES = 2
"""Lines at a page's top and bottom where running headers, footers and numbers sit."""


def _running_lines(pages: list[list[_Line]]) -> set[str]:
    """Texts (digits aside) at the top or bottom of two or more pages: a running header
    or footer ("CV of Ada Park", "Page 3 of 5", a print date), not the document's."""
    seen: dict[str, int] = {}
    for lines in pages:
        edges = {_digitless(line.text) for line in lines[:EDGE_LINES] + lines[-EDGE_LINES:]}
        for text in edges:
            seen[text] = seen.get(text, 0) + 1
    return {text for text, n in seen.items() if n >= 2}


def _digitless(text: str) -> str:
    return re.sub(r"\d+", "0", text)


def _furniture(n: int, lines: list[_Line], running: set[str]) -> bool:
    """Whether line `n` of a page is page furniture: a page number or a running line
    at the page's top or bottom."""
    at_edge = n < EDGE_LINES or n >= len(lines) - EDGE_LINES
    text = lines[n].text
    return at_edge and (bool(_PAGE_NUMBER.match(text)) or _digitless(text) in running)


FULL_LINE = 0.6
"""Share of its column's width a line fills at least if the width wrapped it."""

_ITEM_MARK = re.compile(r"^(?:\[\d{1,4}\]|\(?\d{1,4}[.)]|[•●▪◦‣∙·*–-])\s")
"""A list item's number or bullet opening a line: a new item, never a wrapped line."""


def _unwrapped(lines: list[_Line]) -> Iterator[str]:
    """Lines of one page as written: a line the width wrapped joined to the next, a
    blank line before a line set apart by a gap. A PDF breaks lines where the width
    ran out, not where a title or a byline ends (`_wrapped` tells which)."""
    held, joiner = "", " "
    for i, line in enumerate(lines):
        held = f"{held}{joiner}{line.text}" if held else line.text
        after = lines[i + 1] if i + 1 < len(lines) else None
        if after is not None and not _apart(line, after) and _wrapped(line, after, lines):
            # a break after a hyphen keeps it and joins the halves: "sim-\nto-real" is
            # as common as a hyphenated "imita-\ntion", and a kept hyphen loses nothing
            hyphenated = re.search(r"\w-$", held) and after.text[:1].islower()
            joiner = "" if hyphenated else " "
            continue
        yield held
        held, joiner = "", " "
        if after is not None and _apart(line, after):
            yield ""


def _apart(line: _Line, after: _Line) -> bool:
    """Whether a gap wider than `PDF_GAP` of a line parts two lines."""
    return line.y0 - after.y1 > PDF_GAP * (after.y1 - after.y0)


def _wrapped(line: _Line, after: _Line, lines: list[_Line]) -> bool:
    """Whether `line` ran out of width and `after` goes on with its text: the next
    line's first word (and a space), at this line's width per character and a
    character to spare, would pass the right edge of the lines beside it; in the same
    font, not opening a list item and not set out to the left of it (a hanging
    indent's next item).

    A line that stops short of the edge was ended on purpose (a title on its line);
    a change of font is a change of field (a bold title, then its byline)."""
    if _ITEM_MARK.match(after.text) or line.last_font != after.first_font:
        return False
    per_char = (line.x1 - line.x0) / max(1, len(line.text))
    if after.x0 < line.x0 - per_char:
        return False
    beside = [o for o in lines if o.x0 < line.x1 and o.x1 > line.x0]
    left, edge = min(o.x0 for o in beside), max(o.x1 for o in beside)
    if line.x1 - left < FULL_LINE * (edge - left):
        return False  # a short line is no wrapped one, whatever the next holds
    first_word = after.text.split(" ", 1)[0]
    # widths are guessed from the line's average character: a character's slack
    return line.x1 + per_char * (len(first_word) + 2) > edge


def _plain(text: str) -> str:
    """A line's text with ligatures ("ﬁ") spelled out, runs of spaces (justified
    text) one, its ends trimmed."""
    text = _LIGATURE.sub(lambda m: unicodedata.normalize("NFKC", m[0]), text)
    return re.sub(r"\s+", " ", text).strip()


_LIGATURE = re.compile("[\ufb00-\ufb06]")


def _rtf_lines(data: bytes) -> list[str]:
    """An RTF file's lines, read by striprtf: a line per paragraph or line break, its
    escapes ("\\'e8", "\\u269?") in the code page it names (`\\ansicpg`, a font's
    charset). RTF is 7-bit text; a writer that puts 8-bit bytes in it wrote them in
    UTF-8 or in Windows' Western code page. A table row, which striprtf writes as cells
    ended by "|", becomes a line per cell between blank lines, as a Word table does."""
    from striprtf.striprtf import rtf_to_text

    try:
        source = data.decode("utf-8")
    except UnicodeDecodeError:
        source = data.decode("cp1252", errors="replace")
    text = rtf_to_text(source, errors="replace")
    lines: list[str] = []
    row = False
    for line in text.splitlines():
        if (row or line.endswith("|")) and lines and lines[-1]:
            lines.append("")  # a row is set apart from the rows and paragraphs around it
        row = line.endswith("|")
        if row:
            lines.extend(cell.strip() for cell in line[:-1].split("|") if cell.strip())
        else:
            lines.append(line.rstrip())
    return lines


def _package_lines(data: bytes, kind: str) -> list[str]:
    """A Word or OpenDocument file's lines, from its main XML part."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = _part(archive, "word/document.xml" if kind == "docx" else "content.xml")
        if kind == "odt":
            return list(_odt_lines(root))
        formats = {}
        if "word/numbering.xml" in archive.namelist():
            formats = _number_formats(_part(archive, "word/numbering.xml"))
        return list(_docx_lines(root, formats))


def _part(archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    """A package's XML part, parsed; refused past `MAX_DOCUMENT_XML` or with entity
    declarations (a few lines of them expand past any memory), which Office never
    writes."""
    if archive.getinfo(name).file_size > MAX_DOCUMENT_XML:
        raise ValueError(f"{name} expands past {MAX_DOCUMENT_XML:,} bytes")
    xml = archive.read(name)
    if b"<!ENTITY" in xml:
        raise ValueError(f"{name} declares entities, which are not read")
    return ElementTree.fromstring(xml)


def _docx_lines(root: ElementTree.Element, formats: dict[tuple[str, str], str]) -> Iterator[str]:
    """A line per paragraph of the body and its tables (a blank line before a table
    and after each row; text boxes are not read); headings as "# ", list items
    numbered ("3. ") or bulleted ("- ") as Word shows them, indented by their level."""
    counters: dict[tuple[str, str], int] = {}
    for paragraph in _paragraphs(root):
        if paragraph is None:
            yield ""  # a table starts, or a row ends: a record's cells end
            continue
        text = "".join(_docx_text(paragraph)).strip()
        style = paragraph.find(f"{_W}pPr/{_W}pStyle")
        heading = _HEADING_STYLE.match(style.get(f"{_W}val", "")) if style is not None else None
        number = paragraph.find(f"{_W}pPr/{_W}numPr")
        prefix = ""
        if heading and text:
            prefix = "#" * int(heading[1] or 1) + " "
        elif number is not None and text:
            num_id = _val(number.find(f"{_W}numId"), "0")
            level = _val(number.find(f"{_W}ilvl"), "0")
            counters[(num_id, level)] = counters.get((num_id, level), 0) + 1
            for deeper in [k for k in counters if k[0] == num_id and int(k[1]) > int(level)]:
                del counters[deeper]  # a new item restarts the list below it
            shown = formats.get((num_id, level), "bullet")
            mark = f"{counters[(num_id, level)]}." if shown == "decimal" else "-"
            prefix = "  " * int(level) + mark + " "
        first, *rest = text.split("\n")
        yield prefix + first.strip()
        yield from (line.strip() for line in rest)


def _paragraphs(node: ElementTree.Element) -> Iterator[ElementTree.Element | None]:
    """Word paragraphs in document order, not those inside another's text box; None
    where a table starts and where its rows end (a row is a record, its cells its
    fields)."""
    for child in node:
        if child.tag == f"{_W}p":
            yield child
        else:
            if child.tag == f"{_W}tbl":
                yield None  # a table is set apart from the paragraph before it
            yield from _paragraphs(child)
            if child.tag == f"{_W}tr":
                yield None


def _docx_text(node: ElementTree.Element) -> Iterator[str]:
    """A paragraph's text as shown: runs' text, tabs as spaces, breaks as new lines,
    non-breaking hyphens; deleted revisions (`w:delText`), field codes
    (`w:instrText`) and text boxes left out."""
    for child in node:
        tag = child.tag
        if tag == f"{_W}t":
            yield child.text or ""
        elif tag == f"{_W}tab":
            yield " "
        elif tag in (f"{_W}br", f"{_W}cr"):
            yield "\n"
        elif tag == f"{_W}noBreakHyphen":
            yield "-"
        elif tag not in (f"{_W}txbxContent", f"{_W}pPr", f"{_W}rPr"):
            yield from _docx_text(child)


def _number_formats(numbering: ElementTree.Element) -> dict[tuple[str, str], str]:
    """(list id, level) -> how its items are marked ("decimal", "bullet", ...)."""
    abstract = {
        a.get(f"{_W}abstractNumId"): {
            lvl.get(f"{_W}ilvl", "0"): _val(lvl.find(f"{_W}numFmt"), "bullet")
            for lvl in a.findall(f"{_W}lvl")
        }
        for a in numbering.findall(f"{_W}abstractNum")
    }
    out: dict[tuple[str, str], str] = {}
    for num in numbering.findall(f"{_W}num"):
        levels = abstract.get(_val(num.find(f"{_W}abstractNumId"), ""), {})
        for level, shown in levels.items():
            out[(num.get(f"{_W}numId", ""), level)] = shown
    return out


def _val(node: ElementTree.Element | None, default: str) -> str:
    return node.get(f"{_W}val", default) if node is not None else default


def _odt_lines(root: ElementTree.Element) -> Iterator[str]:
    """A line per paragraph or heading of an OpenDocument text, headings as "# ",
    list items as "- ", indented by their depth; tables as Word's (`_docx_lines`)."""

    def walk(node: ElementTree.Element, depth: int) -> Iterator[str]:
        for child in node:
            if child.tag in (f"{_T}p", f"{_T}h"):
                text = "".join(_odt_text(child)).strip()
                prefix = ""
                if child.tag == f"{_T}h" and text:
                    prefix = "#" * int(child.get(f"{_T}outline-level", "1") or 1) + " "
                elif depth and text:
                    prefix = "  " * (depth - 1) + "- "
                first, *rest = text.split("\n")
                yield prefix + first.strip()
                yield from (line.strip() for line in rest)
            elif child.tag == f"{_T}list":
                yield from walk(child, depth + 1)
            elif child.tag == f"{_TABLE}table":
                yield ""  # a table is set apart from the paragraph before it
                yield from walk(child, depth)
            else:
                yield from walk(child, depth)
                if child.tag == f"{_TABLE}table-row":
                    yield ""  # a row is a record, its cells its fields

    yield from walk(root, 0)


def _odt_text(node: ElementTree.Element) -> Iterator[str]:
    """A paragraph's text: spans and links, `text:s` spaces, tabs, line breaks; notes left out."""
    if node.text:
        yield node.text
    for child in node:
        if child.tag == f"{_T}s":
            yield " " * int(child.get(f"{_T}c", "1") or 1)
        elif child.tag == f"{_T}tab":
            yield " "
        elif child.tag == f"{_T}line-break":
            yield "\n"
        elif child.tag != f"{_T}note":
            yield from _odt_text(child)
        if child.tail:
            yield child.tail

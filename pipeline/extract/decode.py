"""Turn a file's bytes into page text, or say precisely why it is not text.

Pages are UTF-8 (an XML file may declare another encoding). A page none of whose
bytes past ASCII forms a UTF-8 character was saved in a legacy 8-bit encoding, and is
read as Windows-1252 (as browsers read such pages), with a note saying so. Invalid
bytes in a UTF-8 page are kept (as surrogate escapes) so the parser still sees the
page's layout; the chunks that contain them are then quarantined with the byte value
and line, and the rest of the page goes on.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
import zlib
from dataclasses import dataclass

_BAD_BYTE = re.compile("[\udc80-\udcff]")
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")
_XML_ENCODING = re.compile(
    rb"(?:\xef\xbb\xbf)?\s*<\?xml\s[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']"
)


@dataclass(frozen=True)
class Decoded:
    text: str | None
    """The page text; None when the whole file cannot be read as a page."""
    problem: str | None = None
    """Why the whole file was refused (binary, empty)."""
    note: str | None = None
    """How the page was read, where not as UTF-8."""


GZIP_LIMIT = 1_000_000_000
"""Bytes a gzip file may expand to (a bomb expands a thousandfold)."""


def gunzip(data: bytes) -> tuple[bytes, str | None]:
    """A gzip file's content (a page or an export saved compressed; members joined,
    as `cat a.gz b.gz` joins them), or its own bytes and why they cannot be read; any
    other file as it is. `GZIP_LIMIT` bounds all members together."""
    if not data.startswith(b"\x1f\x8b"):
        return data, None
    out: list[bytes] = []
    size, rest = 0, data
    while rest.startswith(b"\x1f\x8b"):
        if size >= GZIP_LIMIT:  # a limit of 0 would mean none to zlib
            return data, f"gzip file expands past {GZIP_LIMIT:,} bytes"
        unzip = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            member = unzip.decompress(rest, GZIP_LIMIT - size)
        except zlib.error as exc:
            return data, f"unreadable gzip file: {exc}"
        if unzip.unconsumed_tail:
            return data, f"gzip file expands past {GZIP_LIMIT:,} bytes"
        if not unzip.eof:
            return data, "gzip file cut short: its compressed stream does not end"
        out.append(member)
        size, rest = size + len(member), unzip.unused_data
    return b"".join(out), None


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""The start of an OLE2 compound file: Office's before 2007 (an .xls workbook, a .doc)."""

ZIP = b"PK\x03\x04"
"""The start of a zip archive: Office's since 2007, OpenDocument's."""


def zip_names(data: bytes) -> frozenset[str]:
    """The member names of a zip archive (a workbook's "xl/workbook.xml", a Word
    document's "word/document.xml"); none where the bytes are no zip or a damaged one:
    cut short or corrupt, `zipfile` raises `BadZipFile`, `EOFError` or `ValueError`, and
    `NotImplementedError` for a version byte it does not know."""
    if not data.startswith(ZIP):
        return frozenset()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return frozenset(archive.namelist())
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, OSError):
        return frozenset()


def utf8_bytes(data: bytes) -> tuple[bytes, str | None, str | None]:
    """A file in UTF-16 or UTF-32 (Windows' "Unicode" text, Excel's "Unicode Text"
    export) as UTF-8 bytes, so every reader after this one reads UTF-8; any other
    file as it is. Told by its byte order mark, or, without one, by the NUL byte
    beside every character of Latin text. Returns the bytes, why they cannot be read
    (a cut or damaged file), and how they were read where it was a guess."""
    codec, note = _wide_codec(data)
    if codec is None:
        return data, None, None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        name = codec.upper().replace("-LE", "").replace("-BE", "")
        return data, f"{name} text that does not decode: {exc.reason} at byte {exc.start}", None
    return text.encode("utf-8"), None, note  # the codec took its mark off


def _wide_codec(data: bytes) -> tuple[str | None, str | None]:
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32", None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16", None
    head = data[:4096]
    if len(head) < 8 or len(head) % 2:
        return None, None
    for codec, zeros, chars in (
        ("utf-16-le", head[1::2], head[::2]),
        ("utf-16-be", head[::2], head[1::2]),
    ):
        if zeros.count(0) >= 0.9 * len(zeros) and 0 not in chars:
            order = "little" if codec.endswith("le") else "big"
            return codec, f"UTF-16 without a byte order mark: read as UTF-16 ({order}-endian)"
    return None, None


def decode_page(data: bytes) -> Decoded:
    """Decode page bytes as UTF-8 (a BOM is allowed), refusing binary; a file in
    UTF-16 was made UTF-8 before (`utf8_bytes`)."""
    if data.startswith(ZIP):
        return Decoded(
            None,
            "a zip archive bylines cannot read: not a Word, OpenDocument or Excel file, "
            "or one damaged or cut short",
        )
    head = data[:65536]
    nul = head.find(b"\x00")
    if nul >= 0:
        return Decoded(None, f"binary file: NUL byte at byte offset {nul}")
    if head and len(_CONTROL.findall(head)) > 0.05 * len(head):
        return Decoded(None, "binary file: more than 5% control bytes")
    encoding, note = _encoding(data), None
    if encoding == "utf-8" and _legacy(data):
        encoding, note = (
            "cp1252",
            "not UTF-8: read as Windows-1252 (no byte of it forms a UTF-8 character)",
        )
    text = data.decode(encoding, errors="surrogateescape").removeprefix("\ufeff")
    if not text.strip():
        return Decoded(None, "empty file" if not data else "file holds only white space")
    if "\r" in text and "\n" not in text:  # classic Mac OS line ends: the shapes read "\n"
        text = text.replace("\r", "\n")
    return Decoded(plain_spaces(text), note=note)


_SPACES = {c: " " for c in "\u00a0\u2002\u2003\u2007\u2009\u200a\u202f"}
_INVISIBLE = {c: None for c in "\u00ad\u200b\u2060\ufeff"}
_PLAIN = str.maketrans({**_SPACES, **_INVISIBLE})
_UNPLAIN = (*_SPACES, *_INVISIBLE)


def plain_spaces(text: str) -> str:
    """Text with the spaces a browser copies (no-break, thin) as plain spaces, and
    without the invisible characters (soft hyphens, zero-width spaces) that split a
    word for the eye only: "equi\u00advariant" is "equivariant", as a reader sees."""
    if text.isascii() or not any(c in text for c in _UNPLAIN):  # most pages: scans in C
        return text
    return text.translate(_PLAIN)


_UTF8_CHARACTER = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _legacy(data: bytes) -> bool:
    """Bytes past ASCII, none forming a UTF-8 character, and all of them Windows-1252
    characters: a page saved in a legacy encoding, not a UTF-8 page with a few bad bytes."""
    if data.isascii() or _UTF8_CHARACTER.search(data):
        return False
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def _encoding(data: bytes) -> str:
    """UTF-8, unless the file is XML whose declaration names another encoding Python
    knows (`<?xml version="1.0" encoding="ISO-8859-1"?>`) and its bytes are not UTF-8:
    a declaration that says Latin-1 over UTF-8 bytes is a common mislabel."""
    m = _XML_ENCODING.match(data[:1024])
    if m is None:
        return "utf-8"
    try:
        declared = codecs.lookup(m.group(1).decode("ascii")).name
        data.decode("utf-8")
    except LookupError:
        return "utf-8"
    except UnicodeDecodeError:
        return declared
    return "utf-8"


def bad_bytes(text: str) -> str | None:
    """Describe the first invalid UTF-8 byte in `text`, or None if it has none."""
    m = _BAD_BYTE.search(text)
    if m is None:
        return None
    value = ord(m.group()) - 0xDC00
    count = len(_BAD_BYTE.findall(text))
    return f"invalid UTF-8: byte 0x{value:02X} ({count} undecodable byte(s) in this chunk)"


def printable(text: str) -> str:
    """Replace escaped invalid bytes with U+FFFD so the text can be stored."""
    return _BAD_BYTE.sub("\ufffd", text)

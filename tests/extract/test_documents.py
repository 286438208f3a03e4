"""PDF, Word and OpenDocument files read as the text a reader sees.

The documents are built here, byte by byte, so each test sets the layout it checks:
where a PDF's lines stop, their fonts and gaps; a Word file's styles and numbering.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from pipeline.extract.documents import _plain, kind_of, read_document
from tests.helpers import extract

Text = tuple[float, float, str, str]
"""A PDF line: x and y of its baseline in points, its font ("R" regular, "B" bold,
"I" italic, "J" regular set justified: 6 points more between words) and its text, at
10 points."""

# Helvetica's average width is about half the size: a 10-point line of 90
# characters reaches 470 points, the right edge of a page whose text starts at 72
EDGE = 540.0


def _pdf(pages: list[list[Text]]) -> bytes:
    """A PDF of standard fonts, each line placed where it is given."""
    fonts = {"R": "Helvetica", "B": "Helvetica-Bold", "I": "Helvetica-Oblique", "J": "Helvetica"}
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    font_refs = []
    for name, base in fonts.items():
        objects.append(
            f"<< /Type /Font /Subtype /Type1 /BaseFont /{base} "
            f"/Encoding /WinAnsiEncoding >>".encode()
        )
        font_refs.append(f"/{name} {len(objects)} 0 R")
    kids = []
    for lines in pages:
        stream = b"".join(
            b"BT /%s 10 Tf %d Tw %.1f %.1f Td (%s) Tj ET\n"
            % (
                font.encode(),
                6 if font == "J" else 0,
                x,
                y,
                text.encode("cp1252")
                .replace(b"\\", b"\\\\")
                .replace(b"(", b"\\(")
                .replace(b")", b"\\)"),
            )
            for x, y, font, text in lines
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        content = len(objects)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content} 0 R "
            f"/Resources << /Font << {' '.join(font_refs)} >> >> >>".encode()
        )
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _text(data: bytes) -> str:
    kind = kind_of(data)
    assert kind is not None
    decoded = read_document(data, kind, 1_000_000)
    assert decoded.problem is None, decoded.problem
    assert decoded.text is not None
    return decoded.text


def _wide(words: str, width: int = 92) -> str:
    """`words` padded with filler words to about `width` characters: a line that
    reaches the right edge, as a wrapped line does."""
    filler = " with tactile sensing for robust grasping of deformable objects in clutter"
    while len(words) < width:
        words += filler
    return words[:width].rsplit(" ", 1)[0]


def test_a_pdf_line_the_width_wrapped_is_joined_a_line_ended_on_purpose_is_not():
    first, second = _wide("1. Ada Park, Jonas Okoye. Learning to grasp"), _wide("and to place", 96)
    apa, wrapped = _wide("Park, A., & Lin, M. (2023). Planning"), _wide("in clutter", 96)
    page = [
        (72, 700, "R", first),
        (72, 688, "R", second),  # wrapped: "and" would not have fitted above
        (72, 676, "R", "2. Mei Lin, Ada Park. A short title. ICRA, 2022."),  # a new item
        (72, 664, "R", apa),
        (86, 652, "R", wrapped),  # a hanging indent's second line, wrapped again
        (72, 640, "R", "Okoye, J. (2020). Another paper. RSS."),  # out to the left: a new one
    ]
    assert _text(_pdf([page])).splitlines() == [
        f"{first} {second}",
        "2. Mei Lin, Ada Park. A short title. ICRA, 2022.",
        f"{apa} {wrapped}",
        "Okoye, J. (2020). Another paper. RSS.",
    ]


def test_a_justified_pdf_line_stays_one_line_in_order():
    line = "Park, A. (2021). A title of a paper. In Proceedings of the conference."
    page = [(72, 700, "J", line), (72, 688, "I", "Robotics Letters")]
    assert _text(_pdf([page])).splitlines() == [line, "Robotics Letters"]


def test_a_pdf_title_line_in_another_font_than_its_byline_stays_a_line_of_its_own():
    title = _wide("Learning to grasp transparent objects")
    page = [
        (72, 700, "B", title),
        (72, 688, "R", "Ada Park, Jonas Okoye"),
        (72, 676, "I", "Conference on Robot Learning, 2021"),
    ]
    assert _text(_pdf([page])).splitlines() == [
        title,
        "Ada Park, Jonas Okoye",
        "Conference on Robot Learning, 2021",
    ]


def test_a_gap_wider_than_half_a_line_sets_pdf_blocks_apart():
    page = [
        (72, 700, "R", "Ada Park"),
        (72, 688, "R", "Professor of Robotics"),
        (72, 660, "R", "Publications"),  # 18 points below: a gap
    ]
    assert _text(_pdf([page])) == "Ada Park\nProfessor of Robotics\n\nPublications\n"


def test_page_numbers_and_running_headers_are_dropped_a_hyphen_at_a_break_is_kept():
    def page(n: int, body: list[Text]) -> list[Text]:
        return [(72, 760, "R", "CV of Ada Park, 2026"), *body, (300, 40, "R", f"Page {n} of 2")]

    wrapped = _wide("1. Ada Park. Learning sim-to-real transfer", 86) + " for sim-"
    pages = [
        page(1, [(72, 700, "R", wrapped), (86, 688, "R", "to-real robots. CoRL, 2021.")]),
        page(2, [(72, 700, "R", "2. Ada Park. Planning. ICRA, 2022.")]),
    ]
    text = _text(_pdf(pages))
    assert "CV of Ada Park" not in text and "Page" not in text
    assert f"{wrapped}to-real robots. CoRL, 2021." in text.splitlines()


def test_a_pdf_cv_is_read_as_a_citation_list(tmp_path: Path):
    page = [
        (72, 740, "B", "Ada Park"),
        (72, 700, "B", "Publications"),
        (72, 676, "R", "1. Ada Park, Jonas Okoye, Mei Lin. Learning to grasp transparent objects."),
        (86, 664, "I", "Conference on Robot Learning, 2021."),
        (72, 652, "R", "2. Jonas Okoye, Ada Park. Sim-to-real transfer for legged locomotion."),
        (86, 640, "I", "IEEE Robotics and Automation Letters, 2022."),
    ]
    path = tmp_path / "cv.pdf"
    path.write_bytes(_pdf([page]))
    result = extract(path)
    assert result.source["format"] == "pdf_citation_list"
    assert result.source["owner_name"] == "Ada Park"
    first, second = result.entries
    assert first["title"] == "Learning to grasp transparent objects"
    assert first["authors"] == ["Ada Park", "Jonas Okoye", "Mei Lin"]
    assert first["published_raw"] == "2021" and second["published_raw"] == "2022"
    assert first["venue"] == "Conference on Robot Learning"
    assert (first["line_start"], first["line_end"]) == (5, 6)  # lines of the document's text


def test_a_broken_or_textless_pdf_is_quarantined_with_its_reason(tmp_path: Path):
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R")
    (q,) = extract(cut).quarantine
    assert q["reason"].startswith("unreadable PDF document: ") and q["path"] == "cut.pdf"
    blank = tmp_path / "scan.pdf"
    blank.write_bytes(_pdf([[]]))
    (q,) = extract(blank).quarantine
    assert "no text to read" in q["reason"]


def test_a_text_page_quoting_the_pdf_marker_is_no_pdf():
    page = b"Notes on the %PDF-1.7 header, and why readers accept junk before it.\n"
    assert kind_of(page) is None
    assert kind_of(b"\r\n" + _pdf([[(72, 700, "R", "x")]])) == "pdf"


# ---- Word and OpenDocument ---------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(text: str, style: str | None = None, number: tuple[int, int] | None = None) -> str:
    """A Word paragraph: its style, its list (id, level), a run of `text` (tabs and
    breaks as Word writes them)."""
    props = f'<w:pStyle w:val="{style}"/>' if style else ""
    if number:
        props += f'<w:numPr><w:ilvl w:val="{number[1]}"/><w:numId w:val="{number[0]}"/></w:numPr>'
    runs = "<w:br/>".join(
        "<w:tab/>".join(f"<w:t xml:space='preserve'>{escape(t)}</w:t>" for t in part.split("\t"))
        for part in text.split("\n")
    )
    return f"<w:p><w:pPr>{props}</w:pPr><w:r><w:rPr><w:b/></w:rPr>{runs}</w:r></w:p>"


NUMBERING = f"""<w:numbering xmlns:w="{W}">
<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/></w:lvl>
<w:lvl w:ilvl="1"><w:numFmt w:val="decimal"/></w:lvl></w:abstractNum>
<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
</w:numbering>"""


def _docx(body: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(
            "word/document.xml", f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
        )
        z.writestr("word/numbering.xml", NUMBERING)
    return buffer.getvalue()


def test_a_word_document_reads_as_lines_headings_and_numbered_items():
    deleted = (
        "<w:p><w:r><w:t>Kept</w:t></w:r><w:del><w:r><w:delText>gone</w:delText></w:r></w:del></w:p>"
    )

    def row(*cells: str) -> str:
        return "<w:tr>" + "".join(f"<w:tc>{_w(c)}</w:tc>" for c in cells) + "</w:tr>"

    table = "<w:tbl>" + row("2021", "A paper in a table") + row("2020", "Another") + "</w:tbl>"
    hyphen = "<w:p><w:r><w:t>Sim</w:t><w:noBreakHyphen/><w:t>to</w:t></w:r></w:p>"
    body = "".join(
        [
            _w("Ada Park", "Title"),
            _w("Publications", "Heading1"),
            _w("2021", "Heading2"),
            _w("First paper", number=(1, 0)),
            _w("its first part", number=(1, 1)),
            _w("its second part", number=(1, 1)),
            _w("Second paper\non two lines", number=(1, 0)),
            _w("its one part", number=(1, 1)),
            _w("A bullet", number=(2, 0)),
            _w("Tab\tseparated"),
            deleted,
            table,
            hyphen,
        ]
    )
    assert _text(_docx(body)).splitlines() == [
        "# Ada Park",
        "# Publications",
        "## 2021",
        "1. First paper",
        "  1. its first part",
        "  2. its second part",
        "2. Second paper",
        "on two lines",
        "  1. its one part",
        "- A bullet",
        "Tab separated",
        "Kept",
        "",
        "2021",
        "A paper in a table",
        "",
        "2020",
        "Another",
        "",
        "Sim-to",
    ]


def test_a_word_cv_is_read_as_a_citation_list(tmp_path: Path):
    body = "".join(
        [
            _w("Ada Park", "Title"),
            _w("Selected publications", "Heading1"),
            _w(
                "Ada Park, Jonas Okoye. Learning to grasp transparent objects. CoRL, 2021.",
                number=(1, 0),
            ),
            _w(
                "Mei Lin, Ada Park. Contact-rich manipulation with diffusion policies. ICRA, 2024.",
                number=(1, 0),
            ),
        ]
    )
    path = tmp_path / "cv.docx"
    path.write_bytes(_docx(body))
    result = extract(path)
    assert result.source["format"] == "docx_citation_list"
    assert result.source["owner_name"] == "Ada Park"
    assert [e["title"] for e in result.entries] == [
        "Learning to grasp transparent objects",
        "Contact-rich manipulation with diffusion policies",
    ]
    assert result.entries[1]["authors"] == ["Mei Lin", "Ada Park"]


ODT_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
ODT_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"


def _odt(body: str, mimetype: str = "application/vnd.oasis.opendocument.text") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("mimetype", mimetype)
        z.writestr(
            "content.xml",
            "<office:document-content "
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            f'xmlns:text="{ODT_TEXT}" xmlns:table="{ODT_TABLE}">'
            f"<office:body><office:text>{body}</office:text></office:body>"
            "</office:document-content>",
        )
    return buffer.getvalue()


def test_an_opendocument_text_reads_as_lines_headings_list_items_and_tables():
    body = (
        '<text:h text:outline-level="1">Ada Park</text:h>'
        '<text:h text:outline-level="2">2021</text:h>'
        "<text:list><text:list-item><text:p>Park, A.<text:s text:c='2'/>(2021). "
        "<text:span>Title</text:span>.<text:note><text:p>a footnote</text:p></text:note></text:p>"
        "</text:list-item><text:list-item><text:p>Second<text:line-break/>line</text:p>"
        "<text:list><text:list-item><text:p>nested</text:p></text:list-item></text:list>"
        "</text:list-item></text:list><text:p>After<text:tab/>the list</text:p>"
        "<table:table><table:table-row><table:table-cell><text:p>2021</text:p></table:table-cell>"
        "<table:table-cell><text:p>A paper in a table</text:p></table:table-cell>"
        "</table:table-row><table:table-row><table:table-cell><text:p>2020</text:p>"
        "</table:table-cell></table:table-row></table:table>"
    )
    assert _text(_odt(body)).splitlines() == [
        "# Ada Park",
        "## 2021",
        "- Park, A.  (2021). Title.",
        "- Second",
        "line",
        "  - nested",
        "After the list",
        "",
        "2021",
        "A paper in a table",
        "",
        "2020",
    ]
    assert kind_of(_odt(body, "application/vnd.oasis.opendocument.presentation")) is None


def test_a_zip_that_is_no_document_and_a_broken_document_say_so(tmp_path: Path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("notes.txt", "not a document")
    assert kind_of(buffer.getvalue()) is None
    bad = io.BytesIO()
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("word/document.xml", "<w:document><unclosed>")
    path = tmp_path / "bad.docx"
    path.write_bytes(bad.getvalue())
    (q,) = extract(path).quarantine
    assert q["reason"].startswith("unreadable DOCX document: ParseError")


def test_a_damaged_or_cut_zip_is_quarantined_as_one_not_read_as_binary_text(tmp_path: Path):
    data = _docx(_w("Ada Park", "Title"))
    cut = tmp_path / "cut.docx"
    cut.write_bytes(data[: len(data) // 2])  # its directory, at the end, is gone
    (q,) = extract(cut).quarantine
    assert q["reason"].startswith("a zip archive bylines cannot read")
    directory = data.index(b"PK\x01\x02")
    future = data[: directory + 6] + b"\xea\x00" + data[directory + 8 :]  # "version 23.4"
    odd = tmp_path / "odd.xlsx"
    odd.write_bytes(future)
    (q,) = extract(odd).quarantine
    assert q["reason"].startswith("a zip archive bylines cannot read")


def test_an_old_word_document_is_named_and_refused_not_read_as_a_workbook(tmp_path: Path):
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    path = tmp_path / "cv.doc"
    path.write_bytes(header + "WordDocument".encode("utf-16-le") + bytes(100))
    (q,) = extract(path).quarantine
    assert q["reason"].startswith("a Word 97-2003 document (.doc)")


def test_a_document_declaring_entities_is_refused(tmp_path: Path):
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;">]>'
        f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body>'
        "</w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("word/document.xml", laughs)
    path = tmp_path / "laughs.docx"
    path.write_bytes(buffer.getvalue())
    (q,) = extract(path).quarantine
    assert q["reason"] == (
        "unreadable DOCX document: ValueError: word/document.xml declares entities, "
        "which are not read"
    )


def test_a_lone_page_number_goes_and_ligatures_are_spelled_out():
    page = [(72, 700, "B", "Ada Park"), (72, 688, "R", "Publications"), (300, 40, "R", "- 1 -")]
    assert _text(_pdf([page])) == "Ada Park\nPublications\n"  # one page: no running footer
    assert _plain(" E\ufb03cient  \ufb01ne-tuning ") == "Efficient fine-tuning"


RTF_CV = r"""{\rtf1\ansi\ansicpg1250\deff0{\fonttbl{\f0\fswiss Arial;}}
{\*\generator Msftedit 5.41;}{\info{\author Ana}{\title CV}}
{\*\listtable{\list\listtemplateid1{\listlevel\levelnfc0{\leveltext\'02\'00.;}}\listid1}}
\pard\b\fs32 Ana Kova\u269?i\u263?\b0\fs22\par
\pard Publications\par
{\listtext 1.\tab}\pard\ls1 Ana Kova\'e8i\'e6, Ben Lee. \ldblquote Sparse attention for long
 documents \endash  a survey.\rdblquote  {\i Journal of Language Models}, 2020.\par
{\listtext 2.\tab}\pard\ls1 Ben Lee, Ana Kova\u269?i\u263?.\line Robust retrieval with noisy
 queries. NeurIPS, 2021.\par
\trowd\cellx2000\cellx8000 2019\cell Cruz Diaz, Ana Kovacic. Ranking under distribution
 shift. ICML.\cell\row
\trowd\cellx2000\cellx8000 2018\cell Dee Wu, Ana Kovacic. Agents in the wild. AAAI.\cell\row
\pard Updated in 2024.\par
}"""


def test_an_rtf_cv_reads_its_code_page_unicode_list_items_and_table_rows(tmp_path: Path):
    data = RTF_CV.encode("ascii")
    assert kind_of(data) == "rtf" and kind_of(b"\xef\xbb\xbf  " + data) == "rtf"
    lines = read_document(data, "rtf", 10**6).text.splitlines()
    assert lines[0] == "Ana Kovačić"  # \u269? and \u263?
    assert lines[2].startswith("1.\tAna Kovačić, Ben Lee.")  # \'e8 \'e6 in code page 1250
    assert lines[-9:] == [  # each row's cells, between blank lines
        "Robust retrieval with noisy queries. NeurIPS, 2021.",
        "",
        "2019",
        "Cruz Diaz, Ana Kovacic. Ranking under distribution shift. ICML.",
        "",
        "2018",
        "Dee Wu, Ana Kovacic. Agents in the wild. AAAI.",
        "",
        "Updated in 2024.",
    ]
    path = tmp_path / "cv.rtf"
    path.write_bytes(data)
    result = extract(path)
    assert result.source["format"] == "rtf_citation_list"
    assert result.source["owner_name"] == "Ana Kovačić"
    assert [(e["title"], e["venue"], e["published_raw"]) for e in result.entries] == [
        ("Sparse attention for long documents – a survey", "Journal of Language Models", "2020"),
        ("Robust retrieval with noisy queries", "NeurIPS", "2021"),
        ("Ranking under distribution shift", "ICML", "2019"),
        ("Agents in the wild", "AAAI", "2018"),
    ]
    assert result.entries[1]["authors"] == ["Ben Lee", "Ana Kovačić"]
    for raw in ("Dupré".encode(), "Dupré".encode("cp1252")):  # 8-bit bytes some writers put
        text = read_document(rb"{\rtf1\ansi " + raw + rb"\par}", "rtf", 10**6).text
        assert text == "Dupré\n"


def test_an_rtf_file_with_no_text_is_quarantined_with_its_reason(tmp_path: Path):
    path = tmp_path / "empty.rtf"
    path.write_bytes(rb"{\rtf1\ansi{\fonttbl{\f0 Arial;}}\pard\par}")
    (q,) = extract(path).quarantine
    assert q["reason"] == "an RTF document with no text"

"""The extract stage as a whole: detection from content, bad input, accounting."""

from __future__ import annotations

import gzip
import itertools
import shutil
from pathlib import Path

import pytest

from pipeline.extract import (
    MAX_PAGE_BYTES,
    PAGE_FORMATS,
    decode,
    extract_file,
    parse_page,
    xml_records,
)
from pipeline.extract.lines import is_decoration, split_lines
from pipeline.extract.model import PageParse
from pipeline.extract.xml_records import markup_only
from tests.helpers import PAGES, RAW, extract, sample

FIXTURES = sorted(RAW.glob("*.txt")) + sorted(PAGES.glob("*.txt"))


def assert_accounted(text: str, parsed: PageParse) -> None:
    """Chunks tile the text exactly; layout chunks hold only blanks and decoration."""
    chunks = sorted(parsed.chunks, key=lambda c: c.start)
    assert chunks, "a non-empty page yields chunks"
    assert chunks[0].start == 0 and chunks[-1].end == len(text)
    for a, b in itertools.pairwise(chunks):
        assert a.end == b.start, f"gap or overlap between {a} and {b}"
    for chunk in chunks:
        if chunk.kind == "layout" and parsed.format == xml_records.NAME:
            assert markup_only(text[chunk.start : chunk.end]), "text in XML layout"
        elif chunk.kind == "layout":
            for line in split_lines(text[chunk.start : chunk.end]):
                assert line.blank or is_decoration(line), f"content in a layout chunk: {line}"
        if chunk.kind == "quarantine":
            assert chunk.reason


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_every_fixture_is_fully_accounted_for(path: Path):
    text = path.read_text(encoding="utf-8")
    parsed = parse_page(text)
    assert_accounted(text, parsed)
    result = extract(path)
    counted = sum(1 for c in parsed.chunks if c.kind in {"entry", "quarantine"})
    assert len(result.entries) + len(result.quarantine) == counted
    positions = sorted(r["position"] for r in result.entries + result.quarantine)
    assert positions == list(range(counted))


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_format_comes_from_content_not_name(path: Path, tmp_path: Path):
    renamed = tmp_path / "download (3).csv"
    shutil.copy(path, renamed)
    assert extract(renamed).source["format"] == extract(path).source["format"]


def test_every_known_shape_is_detected_on_its_sample():
    formats = {extract(p).source["format"] for p in RAW.glob("*.txt")}
    own_tests = {"bibtex", "xml_records", "pipe_table"}
    assert formats == {fmt.NAME for fmt in PAGE_FORMATS} - own_tests


def test_empty_file(tmp_path: Path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    result = extract(path)
    (q,) = result.quarantine
    assert q["reason"] == "empty file" and q["path"] == "empty.txt" and q["position"] == 0
    assert result.source["entry_count"] == 0 and result.source["quarantined_count"] == 1


def test_binary_file(tmp_path: Path):
    path = tmp_path / "picture.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (q,) = extract(path).quarantine
    assert q["reason"].startswith("binary file: NUL byte at byte offset 8")


def test_utf16_and_utf32_files_read_as_their_utf8_would(tmp_path: Path):
    """Windows' "Unicode" text and Excel's "Unicode Text" export are UTF-16."""
    sample = RAW / sorted(p.name for p in RAW.glob("*.txt"))[0]
    text = sample.read_text(encoding="utf-8")
    as_utf8 = extract(sample)
    for codec in ("utf-16", "utf-16-be", "utf-32"):
        path = tmp_path / f"{codec}.txt"
        bom = "\ufeff" if codec == "utf-16-be" else ""  # "utf-16" and "utf-32" write one
        path.write_bytes((bom + text).encode(codec))
        result = extract(path)
        assert [e["title"] for e in result.entries] == [e["title"] for e in as_utf8.entries]
        assert [e["authors"] for e in result.entries] == [e["authors"] for e in as_utf8.entries]
        assert all(i["check"] != "encoding" for i in result.issues)  # no guess: its mark says
    bare = tmp_path / "no_bom.txt"  # UTF-16 without its mark: read, and said so
    bare.write_bytes(text.encode("utf-16-le"))
    result = extract(bare)
    assert [e["title"] for e in result.entries] == [e["title"] for e in as_utf8.entries]
    (issue,) = [i for i in result.issues if i["check"] == "encoding"]
    assert "UTF-16 without a byte order mark" in issue["message"]
    cut = tmp_path / "cut.txt"  # a lone surrogate: a damaged file, quarantined whole
    cut.write_bytes("\ufeffTitle".encode("utf-16-le") + b"\x00\xd8A\x00")
    (q,) = extract(cut).quarantine
    assert q["reason"].startswith("UTF-16 text that does not decode")


def test_invalid_utf8_quarantines_only_the_entries_it_touches(tmp_path: Path):
    source = next(p for p in RAW.glob("*.txt") if extract(p).source["format"] == "compact_list")
    text = source.read_text(encoding="utf-8")
    assert "ö" in text
    data = text.encode("utf-8").replace("ö".encode(), "ö".encode("latin-1"))
    path = tmp_path / "latin1.txt"
    path.write_bytes(data)
    clean, broken = extract(source), extract(path)
    assert broken.quarantine and all(
        "invalid UTF-8: byte 0xF6" in q["reason"] for q in broken.quarantine
    )
    assert all("\ufffd" in q["raw_text"] for q in broken.quarantine)
    assert len(broken.entries) + len(broken.quarantine) == len(clean.entries)
    assert len(broken.entries) >= len(clean.entries) - 3
    for q in broken.quarantine:
        assert q["line_start"] >= 1


def test_a_page_in_a_legacy_encoding_is_read_as_windows_1252_and_said_so(tmp_path: Path):
    text = "Publications\n\n- J. Müller, K. Okafor. Café robots. ICRA 2021.\n"
    text += "- K. Okafor, J. Müller. Naïve planners’ regret. IROS 2020.\n"
    path = tmp_path / "legacy.txt"
    path.write_bytes(text.encode("cp1252"))
    result = extract(path)
    first, second = result.entries
    assert (first["authors"], first["title"]) == (["J. Müller", "K. Okafor"], "Café robots")
    assert second["title"] == "Naïve planners’ regret"  # 0x92, a closing quote
    (issue,) = result.issues
    assert issue["check"] == "encoding" and "legacy.txt: not UTF-8" in issue["message"]
    path.write_bytes(text.encode("utf-8"))
    assert not extract(path).issues  # UTF-8: nothing to say
    path.write_bytes(text.encode("cp1252").replace(b"\xe9", b"\x81"))  # no cp1252 byte
    broken = extract(path)
    assert not broken.issues and not broken.entries  # read as UTF-8, and refused


@pytest.mark.parametrize("html", [False, True])
def test_spaces_a_browser_copies_are_plain_and_invisible_characters_gone(tmp_path, html):
    """No-break and thin spaces read as spaces; soft hyphens and zero-width spaces,
    which split a word for the eye only, are dropped, in text as in HTML."""
    text = "Publications\n\n- J.\u00a0M\u00fcller, K.\u202fOkafor. "
    text += "Consti\u00adtutional ro\u200bbots. ICRA 2021.\n"
    text += "- K. Okafor, J. M\u00fcller. Planners\u00a0and regret. IROS 2020.\n"
    if html:
        text = "<html><body>" + "".join(
            f"<p>{line}</p>" for line in text.replace("\u00a0", "&nbsp;").splitlines() if line
        )
    path = tmp_path / ("page.html" if html else "page.txt")
    path.write_text(text, encoding="utf-8")
    first, second = extract(path).entries
    assert first["authors"] == ["J. M\u00fcller", "K. Okafor"]
    assert first["title"] == "Constitutional robots"
    assert second["title"] == "Planners and regret"


def test_a_gzip_file_is_read_as_what_it_holds_and_a_broken_one_is_quarantined(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    record = "Title: Sparse attention for retrieval\nAuthors: Maria Gonzalez, Peter Novak\n\n"
    path = tmp_path / "page.txt.gz"
    packed = gzip.compress(record.encode()) * 2  # two members, as `cat a.gz b.gz` joins them
    path.write_bytes(packed)
    result = extract(path)
    assert result.source["format"] == "tagged_records" and len(result.entries) == 2
    assert result.entries[1]["line_start"] == 4  # lines of the text it holds
    assert result.source["size_bytes"] == len(packed)
    path.write_bytes(packed[:30])
    (q,) = extract(path).quarantine
    assert q["reason"] == "gzip file cut short: its compressed stream does not end"
    path.write_bytes(b"\x1f\x8b" + b"not gzip at all")
    (q,) = extract(path).quarantine
    assert q["reason"].startswith("unreadable gzip file")
    monkeypatch.setattr(decode, "GZIP_LIMIT", 40)  # a bomb, in small
    path.write_bytes(packed)
    (q,) = extract(path).quarantine
    assert q["reason"] == "gzip file expands past 40 bytes"
    monkeypatch.setattr(decode, "GZIP_LIMIT", len(record) + 10)  # one member fits, not two
    (q,) = extract(path).quarantine
    assert q["reason"].startswith("gzip file expands past")


@pytest.mark.parametrize("ending", ["\r\n", "\r"])
def test_a_page_with_other_line_ends_reads_the_same(tmp_path: Path, ending: str):
    for page in sorted(RAW.glob("*.txt")):
        path = tmp_path / page.name
        path.write_bytes(page.read_bytes().replace(b"\n", ending.encode()))
        ours, theirs = extract(page), extract(path)
        assert [e["title"] for e in theirs.entries] == [e["title"] for e in ours.entries]
        assert [e["abstract"] for e in theirs.entries] == [e["abstract"] for e in ours.entries]
        assert [e["line_start"] for e in theirs.entries] == [e["line_start"] for e in ours.entries]


def test_text_in_no_known_shape(tmp_path: Path):
    path = tmp_path / "notes.txt"
    path.write_text("Meeting notes\n\nWe talked about the weather.\nNothing else.\n")
    (q,) = extract(path).quarantine
    assert q["reason"].startswith("no known page shape recognised")
    assert q["raw_text"].startswith("Meeting notes") and q["line_start"] == 1


def test_truncated_catalogue_page(tmp_path: Path):
    source = next(p for p in RAW.glob("*.txt") if extract(p).source["format"] == "catalogue_page")
    text = source.read_text(encoding="utf-8")
    last_abstract = text.rindex("We apply")
    cut = text[: last_abstract + 200]  # the page ends inside the last abstract
    path = tmp_path / "cut.txt"
    path.write_text(cut, encoding="utf-8")
    whole, part = extract(source), extract(path)
    assert len(part.entries) == len(whole.entries) - 1
    (q,) = part.quarantine
    assert q["reason"].startswith("truncated last entry") and q["position"] == len(part.entries)


def test_oversized_page_is_quarantined_and_the_run_goes_on(tmp_path: Path):
    path = tmp_path / "dump.txt"
    path.write_bytes(b"lorem ipsum dolor sit amet " * (MAX_PAGE_BYTES // 27 + 1000))
    result = extract(path)
    (q,) = result.quarantine
    assert "over the 16.8 MB limit" in q["reason"] and "--max-page-mb" in q["reason"]
    assert len(q["raw_text"]) == 65536
    small = extract_file(path, "dump.txt", None, max_page_bytes=len(path.read_bytes()) + 1)
    assert small.quarantine[0]["reason"].startswith("no known page shape")


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "secret.txt"
    path.write_text("x")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    result = extract(path)
    (q,) = result.quarantine
    assert q["reason"] == "cannot read the file: Permission denied"


def test_two_processes_extract_exactly_what_one_does(tmp_path: Path):
    from pipeline.extract import extract_folder

    for path in PAGES.iterdir():
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "broken.txt").write_bytes(b"\x00\x01binary")
    one = extract_folder(tmp_path, {}, jobs=1)
    two = extract_folder(tmp_path, {}, jobs=2)
    assert one.entries == two.entries
    assert one.sources == two.sources
    assert one.quarantine == two.quarantine and one.quarantine


def test_input_nested_past_any_parser_is_read_or_quarantined_never_raised(tmp_path: Path):
    """Nesting thousands deep: a JSON parser gives up (quarantined with its error), and
    XML markup is followed without recursion (the record is read)."""
    deep_json = tmp_path / "deep.json"
    deep_json.write_text('[{"title": ' + '{"value": ' * 3000 + '"x"' + "}" * 3000 + "}]")
    (q,) = extract(deep_json).quarantine
    assert q["reason"].startswith("unreadable json table: RecursionError")
    deep_xml = tmp_path / "deep.xml"
    title = "<i>" * 3000 + "Deep" + "</i>" * 3000
    deep_xml.write_text(
        f'<?xml version="1.0"?>\n<feed><entry><title>{title}</title><author>A B</author>'
        "</entry><entry><title>Flat</title><author>C D</author></entry></feed>\n"
    )
    assert [e["title"] for e in extract(deep_xml).entries] == ["Deep", "Flat"]


def test_a_folders_own_sources_toml_is_read_as_its_declarations_not_as_a_page(tmp_path: Path):
    from pipeline.extract import extract_folder
    from pipeline.sources_config import load_sources_config

    site = tmp_path / "site"
    site.mkdir()
    (site / "page.txt").write_text(sample("000").read_text(encoding="utf-8"), encoding="utf-8")
    (site / "sources.toml").write_text('["page.txt"]\nowner_name = "Ada Park"\n')
    out = extract_folder(tmp_path, load_sources_config(tmp_path), jobs=1)
    assert [s["path"] for s in out.sources] == ["site/page.txt"]
    assert out.sources[0]["owner_name"] == "Ada Park" and not out.issues


def test_an_arxiv_tag_inside_prose_cites_another_paper(tmp_path: Path):
    """Only a tag that opens or closes an abstract or a comment is the entry's own id: one arXiv id
    is one paper to the matcher."""
    page = tmp_path / "abstracts.txt"
    page.write_text(
        "Abstract:We extend the scaling analysis of earlier work (arXiv:2001.08361) to "
        "vision transformers and find the same power laws across four orders of magnitude.\n"
        "Abstract:Robots that grasp by touch learn faster when pretrained on simulated "
        "contact, across three hands and forty objects. arXiv:2101.00001v2 [cs.RO].\n"
        "Abstract:arXiv:2102.00002 Tactile sensing in the wild, measured over a year of "
        "deployments in four warehouses.\n"
        "Abstract:Soft grippers for fruit picking, tested over two harvests in orchards "
        "of three kinds of apple.\n"
        "Extended version of arXiv:1905.00001, accepted at ICRA\n"
        "Abstract:Touch and sight fused for sorting recyclable waste on a moving belt "
        "at industrial speed.\n"
        "12 pages, arXiv:2103.00003\n"
    )
    result = extract(page)
    assert [e["arxiv_id"] for e in result.entries] == [
        None,
        "2101.00001",
        "2102.00002",
        None,  # its comment names the paper it extends
        "2103.00003",
    ]

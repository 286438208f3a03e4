"""Property-based: extractors never crash and never lose text, whatever the input."""

from __future__ import annotations

from xml.sax.saxutils import escape

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline.extract import FALLBACK_FORMATS, PAGE_FORMATS, extract_file, parse_page, xml_records
from pipeline.extract.fields import clean_markup, parse_byline, parse_date, split_title_byline
from pipeline.extract.model import PageParse
from tests.extract.test_extract import assert_accounted

# Lines that look like pieces of the known shapes, mixed with arbitrary text, so
# the generated pages exercise every parser's branches, not only its rejection.
PIECES = [
    "CLDec 15, 2022",
    "60.1SOC-PHApr 1",
    "LGMay 3",
    "Jul 16, 2022",
    "A Title About Things",
    "Some Title About DataAlice Smith, Bob Jones et al. · mit",
    "Alice Smith, Bob Jones et al. · mit, eth",
    "Alice Smith, Bob Jones",
    "Abstract:We study things with $x^2$ and \\footnote{\\url{a.b/c}}.",
    "arXiv:2101.00001",
    "arXiv:2101.00002Glued abstract text follows the id.",
    "* 12 pages",
    "Figure 1 for A Title",
    "Viaarxiv icon",
    "Alert button",
    "Picture for Alice Smith",
    "14papers",
    "",
    "   ",
]
line = st.one_of(st.sampled_from(PIECES), st.text(max_size=60))
pages = st.lists(line, max_size=40).map("\n".join)
separators = st.sampled_from(["\n", "\r\n", "\n\n"])


def _page_text(lines: list[str], sep: str) -> str:
    return sep.join(lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(line, min_size=1, max_size=40), separators)
def test_detected_parse_accounts_for_every_character(lines: list[str], sep: str):
    text = _page_text(lines, sep)
    if not text:
        return
    assert_accounted(text, parse_page(text))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pages.filter(bool))
def test_each_shape_parser_accounts_for_every_character(text: str):
    for fmt in PAGE_FORMATS + FALLBACK_FORMATS:
        parsed: PageParse = fmt.parse(text)
        assert_accounted(text, parsed)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000))
def test_extract_file_never_raises_on_arbitrary_bytes(tmp_path_factory, data: bytes):
    path = tmp_path_factory.mktemp("bytes") / "page"
    path.write_bytes(data)
    result = extract_file(path, "page", None)
    assert result.source["entry_count"] == len(result.entries)
    for row in result.entries + result.quarantine:
        row["raw_text"].encode("utf-8")  # storable: no lone surrogates
    if data.strip():
        assert result.entries or result.quarantine


@given(st.text(max_size=200))
def test_field_recognisers_never_raise(text: str):
    parse_byline(text)
    split_title_byline(text)
    parse_date(text)
    assert isinstance(clean_markup(text), str)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab )(.,;:\t\n\u00a0%_{}-é")), max_size=60))
def test_prose_without_markup_is_cleaned_as_the_full_path_would(text: str):
    from pipeline.extract.fields import _strip_markup

    assert clean_markup(text) == _strip_markup(text)


TAGS = ["feed", "entry", "title", "author", "name", "summary", "id", "r", "article", "x:year"]
xml_text = st.text(max_size=20).map(lambda s: escape(s.replace("\x00", "")))
RECORDS = [
    "<entry><title>A Title</title><author><name>Ann Lee</name></author></entry>",
    "<r><article><title>T.</title><author>B C 0001</author></article></r>",
    "<entry><summary>Only an abstract &amp; more</summary></entry>",
    "<entry><id>http://arxiv.org/abs/2101.00001v1</id><title>Linked</title></entry>",
]
xml_tree = st.recursive(
    st.one_of(xml_text, st.sampled_from(RECORDS)),
    lambda inner: st.builds(
        lambda tag, parts: f"<{tag}>{''.join(parts)}</{tag}>",
        st.sampled_from(TAGS),
        st.lists(inner, max_size=4),
    ),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(xml_tree, st.integers(min_value=0), st.booleans())
@example("<feed>" + "".join(RECORDS) + "</feed>", 0, True)  # entries, layout, header
@example("<feed>" + "".join(RECORDS) + "</feed>", 150, False)  # and a cut
def test_xml_parser_accounts_for_every_character_even_when_cut(tree: str, cut: int, whole: bool):
    text = f'<?xml version="1.0"?>\n<x:records xmlns:x="u">{tree}</x:records>\n'
    if not whole:
        text = text[: cut % (len(text) + 1)] or "<"
    parsed = xml_records.parse(text)
    assert_accounted(text, parsed)
    for chunk in parsed.chunks:
        if chunk.kind == "entry":
            assert text[chunk.start] == "<" and text[chunk.end - 1] == ">"

"""HTML pages: rendered as a browser shows them, then read by the page shapes."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from pipeline.extract.html_text import looks_like_html, microdata, render, table_rows
from tests.helpers import RAW, extract, extract_page

HEAD = (
    "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>\n"
    "<title>Publications</title>\n<style>.row { margin: 0 }</style>\n"
    "<script>window.track = function () { return '<div>not text</div>'; };</script>\n"
    "</head>\n<body>\n<!-- navigation -->\n<nav><a href='/'>Home</a></nav>\n"
)


def as_divs(text: str) -> str:
    """One <div> per line, a <br> for each blank line, inline spans and entities."""
    out = [HEAD, "<main>"]
    for line in text.splitlines():
        if line.strip():
            words = html.escape(line).split(" ")
            middle = len(words) // 2
            out.append(
                f"  <div class='row'><span>{' '.join(words[:middle])}</span> "
                f"<a href='#'>{' '.join(words[middle:])}</a></div>"
            )
        else:
            out.append("  <br>")
    out.append("</main></body></html>")
    return "\n".join(out)


def as_paragraphs(text: str) -> str:
    """Blank-line separated blocks as <p>, their lines joined by <br/>, wrapped oddly."""
    out = [HEAD]
    for block in text.split("\n\n"):
        lines = [html.escape(x) for x in block.splitlines() if x.strip()]
        if lines:
            out.append("<p>\n    " + "<br/>\n    ".join(lines) + "\n</p>")
    out.append("</body></html>")
    return "\n".join(out)


def as_list_items(text: str) -> str:
    """Blank-line separated blocks as the items of one list, a line a block element: a
    page of multi-line items, as sites list works (a title, its byline, its venue)."""
    out = [HEAD, "<ul>"]
    for block in text.split("\n\n"):
        lines = [html.escape(x) for x in block.splitlines() if x.strip()]
        if lines:
            out.append("<li>" + "".join(f"<div>{x}</div>" for x in lines) + "</li>")
    out.append("</ul></body></html>")
    return "\n".join(out)


def _entries(path: Path) -> list[tuple]:
    return [
        (e["title"], tuple(e["authors"]), e["published_raw"], e["abstract"], e["arxiv_id"])
        for e in extract(path).entries
    ]


@pytest.mark.parametrize(
    "style", [as_divs, as_paragraphs, as_list_items], ids=["divs", "paragraphs", "list"]
)
@pytest.mark.parametrize("page", sorted(RAW.glob("*.txt")), ids=lambda p: p.name[:3])
def test_an_html_page_reads_as_its_text(page: Path, style, tmp_path: Path):
    text = page.read_text(encoding="utf-8")
    copy = tmp_path / "page.html"
    copy.write_text(style(text), encoding="utf-8")
    as_text, as_html = extract(page), extract(copy)
    assert as_html.source["format"] == f"html_{as_text.source['format']}"
    assert as_html.source["owner_name"] == as_text.source["owner_name"]
    assert _entries(copy) == _entries(page)
    assert len(as_html.quarantine) == len(as_text.quarantine)


def test_lines_point_into_the_html_file(tmp_path: Path):
    page = sorted(RAW.glob("*.txt"))[1]
    source = as_divs(page.read_text(encoding="utf-8"))
    copy = tmp_path / "page.html"
    copy.write_text(source, encoding="utf-8")
    html_lines = source.splitlines()
    for entry in extract(copy).entries:
        first = html_lines[entry["line_start"] - 1]
        assert html.escape(entry["title"].split(" ")[0]) in first


def test_render_hides_what_a_browser_hides():
    rendered = render(
        "<html><head><title>T</title><script>var x = '<p>no</p>';</script></head>"
        "<body><p>One &amp; two</p><div>three<br>four</div><pre>a  b\n c</pre>"
        "<!-- gone --><template><p>hidden</p></template></body></html>"
    )
    text, lines = rendered.text, rendered.lines
    assert text == "One & two\n\nthree\nfour\n\na  b\n c\n"
    assert lines == [1, 1, 1, 1, 1, 1, 2]  # " c" sits on the second line of the HTML


def test_what_is_html():
    assert looks_like_html("<!doctype html><p>x</p>")
    assert looks_like_html("\n<!-- saved -->\n<html><body>x</body></html>")
    assert looks_like_html("<div><a>x</a></div>\n" * 10)
    assert not looks_like_html("A title with <b>bold</b> words\nNames, Names\n" * 20)
    assert not looks_like_html("Plain page\n\nTom Brown, Anna Chen\n")


def test_html_in_no_known_shape_is_quarantined_with_its_line(tmp_path: Path):
    path = tmp_path / "notes.html"
    path.write_text("<html><body>\n<p>Meeting notes</p>\n<p>Nothing else.</p>\n</body></html>\n")
    result = extract(path)
    (q,) = result.quarantine
    assert q["reason"].startswith("no known page shape recognised")
    assert q["line_start"] == 2 and q["raw_text"].startswith("Meeting notes")
    assert result.source["format"] == "html_unknown"


def test_html_with_nothing_visible_is_quarantined_whole(tmp_path: Path):
    path = tmp_path / "blank.html"
    path.write_text("<!DOCTYPE html><html><head><title>Loading</title></head><body></body></html>")
    (q,) = extract(path).quarantine
    assert q["reason"] == "an HTML page with no visible text"
    assert q["raw_text"].startswith("<!DOCTYPE html>")


def as_articles(entries: list[dict], owner: str) -> str:
    """A site's own markup: site chrome, an <article> per paper, linked names."""
    out = [
        HEAD.replace("<nav>", "<header><nav>").replace("</nav>", "</nav></header>"),
        f"<div class='profile'><img alt='Picture for {owner}' src='p.png'><h1>{owner}</h1></div>",
        "<section>",
    ]
    for e in entries:
        names = ", ".join(f"<a href='#'>{html.escape(a)}</a>" for a in e["authors"])
        out += [
            "<article>",
            f"  <h3><a href='#'>{html.escape(e['title'])}</a></h3>",
            f"  <div class='date'>{html.escape(e['published_raw'])}</div>",
            f"  <div class='authors'>{names}</div>",
            f"  <p class='abstract'>{html.escape(e['abstract'])}</p>",
            "  <div class='links'><span>Via</span><span>arxiv icon</span></div>",
            "</article>",
        ]
    out.append("</section><footer><p>© 2024 Example profiles</p></footer></body></html>")
    return "\n".join(out)


def test_a_page_of_articles_reads_as_its_text(tmp_path: Path):
    page = next(p for p in RAW.glob("*.txt") if extract(p).source["format"] == "catalogue_page")
    text = extract(page)
    copy = tmp_path / "articles.html"
    copy.write_text(as_articles(text.entries, text.source["owner_name"]), encoding="utf-8")
    result = extract(copy)
    assert result.source["format"] == "html_catalogue_page" and not result.quarantine
    assert result.source["owner_name"] == text.source["owner_name"]
    fields = ("title", "authors", "published_raw", "abstract")
    assert [[e[f] for f in fields] for e in result.entries] == [
        [e[f] for f in fields] for e in text.entries
    ]


def test_an_html_table_with_a_bibliographic_header_is_read_as_a_table(tmp_path: Path):
    path = tmp_path / "export.html"
    path.write_text(
        "<!DOCTYPE html><html><body><h1>Exported records</h1>\n"
        "<table class='layout'><tr><td>Menu</td><td>Search</td></tr></table>\n"
        "<table>\n<thead><tr><th>Title</th><th>Authors</th><th>Year</th><th>arXiv</th></tr>"
        "</thead>\n<tbody>\n"
        "<tr><td><a href='#'>Sparse Mixtures &amp; Experts</a></td>"
        "<td>Maria de la Cruz; Øyvind Hansen</td><td>2021</td><td>arXiv:2103.00001v3</td></tr>\n"
        "<tr><td>Robust Control<br>of Quadrotors</td><td>Kwame Mensah and Priya Raman</td>"
        "<td></td><td></td></tr>\n"
        "<tr><td></td><td>Nobody Known</td><td>2020</td><td></td></tr>\n"
        "</tbody></table></body></html>\n",
        encoding="utf-8",
    )
    result = extract(path)
    assert result.source["format"] == "table_html"
    first, second = result.entries
    assert first["title"] == "Sparse Mixtures & Experts" and first["arxiv_id"] == "2103.00001"
    assert first["authors"] == ["Maria de la Cruz", "Øyvind Hansen"]
    assert first["published_raw"] == "2021"
    assert second["title"] == "Robust Control of Quadrotors"
    (q,) = result.quarantine
    assert "neither a title nor an abstract" in q["reason"] and "Nobody Known" in q["raw_text"]


def test_a_layout_table_is_not_an_export():
    assert table_rows("<table><tr><td>Tom Brown</td><td>Papers</td></tr></table>") is None


def test_an_entry_takes_the_arxiv_id_its_own_link_points_to(tmp_path: Path):
    items = [
        "T. Brown, B. Mann. <b>Few-shot learners</b>. NeurIPS, 2020. "
        "<a href='https://arxiv.org/abs/2005.14165v4'>[pdf]</a>",
        "J. Kaplan, S. McCandlish. <b>Scaling laws</b>. 2020. "
        "<a href='https://arxiv.org/pdf/2001.08361'>arXiv</a>",
        "Y. Bai, S. Kadavath. <b>Constitutional AI</b>. 2022. "
        "<a href='https://arxiv.org/abs/2005.14165'>cited</a>",  # the first entry's id
        "A. Lee, B. Kim. <b>Quiet results</b>. 2021. <a href='https://example.org'>web</a>",
        "C. Wu, D. Ng. <b>Two links</b>. 2019. <a href='https://arxiv.org/abs/1901.00001'>a</a> "
        "<a href='https://arxiv.org/abs/1901.00002'>b</a>",
    ]
    page = tmp_path / "pubs.html"
    page.write_text("<html><body><ul>\n" + "\n".join(f"<li>{i}</li>" for i in items) + "\n</ul>")
    first, second, third, fourth, fifth = extract(page).entries
    assert (second["title"], second["arxiv_id"]) == ("Scaling laws", "2001.08361")
    assert first["arxiv_id"] is None and third["arxiv_id"] is None  # one id, two entries' links
    assert fourth["arxiv_id"] is None  # a link elsewhere is no arXiv id
    assert fifth["arxiv_id"] is None  # two ids: which is its own?
    minified = tmp_path / "minified.html"
    two = [items[3], items[1]]  # on one line: the link may be either entry's
    minified.write_text("<html><body><ul>" + "".join(f"<li>{i}</li>" for i in two) + "</ul>")
    assert [e["arxiv_id"] for e in extract(minified).entries] == [None, None]


def test_a_profile_table_whose_title_cells_hold_the_citation_is_read_as_the_page(tmp_path):
    row = (
        "<tr><td><a href='#'>{title}</a><div class='gs_gray'>{authors}</div>"
        "<div class='gs_gray'>{venue}</div></td><td>{cites}</td><td>{year}</td></tr>"
    )
    path = tmp_path / "scholar.html"
    path.write_text(
        "<html><body><div>Tom Brown</div><div>Anthropic</div><table>"
        "<tr><th>Title</th><th>Cited by</th><th>Year</th></tr>"
        + row.format(
            title="Language models are few-shot learners",
            authors="T Brown, B Mann, N Ryder, ...",
            venue="Advances in neural information processing systems 33",
            cites=25000,
            year=2020,
        )
        + row.format(
            title="Scaling laws for neural language models",
            authors="J Kaplan, S McCandlish, TB Brown",
            venue="arXiv preprint arXiv:2001.08361",
            cites=3000,
            year=2020,
        )
        + "</table></body></html>",
        encoding="utf-8",
    )
    result = extract(path)
    assert result.source["format"] == "html_citation_list"
    assert result.source["owner_name"] == "Tom Brown"
    first, second = result.entries
    assert first["title"] == "Language models are few-shot learners"
    assert first["authors"] == ["T Brown", "B Mann", "N Ryder"] and first["authors_truncated"]
    assert second["arxiv_id"] == "2001.08361" and second["published_raw"] == "2020"


def test_works_under_headings_with_an_author_a_list_item(tmp_path: Path):
    work = (
        "<div class='row'><h2>{title}</h2><ul>{authors}</ul>"
        "<span>{venue}</span> <span>{date}</span></div>"
    )
    items = "".join
    path = tmp_path / "author.html"
    path.write_text(
        "<html><body><h1>Tom B. Brown</h1><p>Anthropic</p>"
        + work.format(
            title="Language Models are Few-Shot Learners",
            authors=items(
                f"<li>{n}</li>"
                for n in ("Tom B. Brown", "Benjamin Mann", "+28 authors", "Dario Amodei")
            ),
            venue="NeurIPS",
            date="28 May 2020",
        )
        + work.format(
            title="Scaling Laws for Neural Language Models",
            authors=items(f"<li>{n}</li>" for n in ("Jared Kaplan", "Sam McCandlish")),
            venue="ArXiv",
            date="23 January 2020",
        )
        + "</body></html>",
        encoding="utf-8",
    )
    result = extract(path)
    assert result.source["format"] == "html_citation_list"
    assert result.source["owner_name"] == "Tom B. Brown"
    first, second = result.entries
    assert first["title"] == "Language Models are Few-Shot Learners"
    assert first["authors"] == ["Tom B. Brown", "Benjamin Mann", "Dario Amodei"]
    assert first["authors_truncated"] is True and first["published_raw"] == "28 May 2020"
    assert second["authors"] == ["Jared Kaplan", "Sam McCandlish"]
    assert second["authors_truncated"] is False


ARXIV_AUTHOR = """<html><body><h1>Anna Chen's articles on arXiv</h1><dl>
<dt>[1] <span><a href="/abs/2212.08073">arXiv:2212.08073</a> [<a>pdf</a>, <a>other</a>]</span></dt>
<dd><div class="list-title"><span>Title:</span> Constitutional AI</div>
<div class="list-authors"><span>Authors:</span> <a>Yuntao Bai</a>, <a>Anna Chen</a></div>
<div><span>Subjects:</span> Computation and Language (cs.CL)</div></dd>
<dt>[2] <span><a href="/abs/2211.03540">arXiv:2211.03540</a> [<a>pdf</a>]</span></dt>
<dd><div class="list-title"><span>Title:</span> Measuring Progress on Scalable Oversight</div>
<div class="list-authors"><span>Authors:</span> <a>Samuel R. Bowman</a>, <a>Anna Chen</a></div></dd>
</dl></body></html>
"""


def test_an_arxiv_authors_page_names_its_owner(tmp_path: Path):
    path = tmp_path / "articles.html"
    path.write_text(ARXIV_AUTHOR, encoding="utf-8")
    result = extract(path)
    assert result.source["format"] == "html_tagged_records"
    assert result.source["owner_name"] == "Anna Chen"  # whose articles the heading says
    first, second = result.entries
    assert (first["title"], first["arxiv_id"], first["category"]) == (
        "Constitutional AI",
        "2212.08073",
        "cs.CL",
    )
    assert second["authors"] == ["Samuel R. Bowman", "Anna Chen"]


LINKED_DATA_PAGE = """<html><head><script type="application/ld+json">
{"@context": "https://schema.org", "@type": "Person", "name": "Mei Lin", "workExample": [
 {"@type": "ScholarlyArticle", "name": "Dense retrieval at scale",
  "author": [{"@type": "Person", "name": "Mei Lin"}, {"@type": "Person", "name": "Hiroshi Tanaka"}],
  "datePublished": "2022-06-01",
  "isPartOf": {"@type": "Periodical", "name": "Transactions of the ACL"}},
 {"@type": "ScholarlyArticle", "name": "Sparse attention for long documents",
  "author": [{"@type": "Person", "name": "Hiroshi Tanaka"}], "datePublished": "2021-11-01"}
]}
</script></head><body><h1>Mei Lin</h1><p>Welcome to my homepage.</p></body></html>
"""


def test_papers_described_only_in_linked_data(tmp_path: Path):
    """The page shows no papers, but tells search engines of them in JSON-LD."""
    result = extract_page(tmp_path, LINKED_DATA_PAGE, "html_json_ld", "home.html")
    assert result.source["owner_name"] == "Mei Lin"
    first, second = result.entries
    assert first["title"] == "Dense retrieval at scale"
    assert first["authors"] == ["Mei Lin", "Hiroshi Tanaka"]
    assert first["venue"] == "Transactions of the ACL"
    assert second["published_raw"] == "2021-11-01"


MICRODATA_PAGE = """<html><body><h1>Mei Lin</h1><h2>Publications</h2>
<div itemscope itemtype="https://schema.org/ScholarlyArticle">
  <h3 itemprop="name">Dense retrieval at scale</h3>
  <span itemprop="author" itemscope itemtype="https://schema.org/Person">
    <span itemprop="name">Mei Lin</span></span>
  <span itemprop="author" itemscope itemtype="https://schema.org/Person">
    <span itemprop="name">Hiroshi Tanaka</span></span>
  <span itemprop="isPartOf">Transactions of the ACL</span>
  <time itemprop="datePublished" datetime="2022-06-01">2022</time>
  <a itemprop="url" href="https://arxiv.org/abs/2206.01234">paper</a>
</div>
<div itemscope itemtype="https://schema.org/ScholarlyArticle">
  <h3 itemprop="name">Sparse attention for long documents</h3>
  <meta itemprop="author" content="Hiroshi Tanaka"><img src="x.png" alt="">
  <meta itemprop="datePublished" content="2021-11-01">
</div>
</body></html>
"""


def test_papers_described_only_in_microdata(tmp_path: Path):
    """The page shows its papers in a way no shape reads (bylines run into venues),
    and marks them up with schema.org microdata; its heading names the owner."""
    result = extract_page(tmp_path, MICRODATA_PAGE, "html_microdata", "home.html")
    assert result.source["owner_name"] == "Mei Lin"
    first, second = result.entries
    assert (first["title"], first["authors"]) == (
        "Dense retrieval at scale",
        ["Mei Lin", "Hiroshi Tanaka"],
    )
    assert (first["venue"], first["published_raw"]) == ("Transactions of the ACL", "2022-06-01")
    assert first["arxiv_id"] == "2206.01234"
    assert (second["authors"], second["published_raw"]) == (["Hiroshi Tanaka"], "2021-11-01")


def test_microdata_items_hold_their_own_properties_not_their_nested_items():
    page = (
        '<div itemscope itemtype="https://schema.org/Person"><h1 itemprop="name">Mei Lin</h1>'
        '<p itemprop="workExample" itemscope itemtype="https://schema.org/ScholarlyArticle">'
        '<b itemprop="name">Dense retrieval</b><meta itemprop="author" content="Mei Lin">'
        '<meta itemprop="author" content="Rui Costa"></p></div>'
        '<p itemscope itemtype="http://schema.org/WebSite"><a itemprop="url" href="/">home</a>'
    )
    assert microdata(page) == [
        {
            "name": "Mei Lin",
            "workExample": {
                "name": "Dense retrieval",
                "author": ["Mei Lin", "Rui Costa"],
                "@type": "ScholarlyArticle",
            },
            "@type": "Person",
        },
        {"url": "/", "@type": "WebSite"},
    ]


def _themed_paper(badge: str, title: str, authors: str, venue: str) -> str:
    return (
        f'<li><div class="row"><div class="abbr"><abbr class="badge">{badge}</abbr></div>'
        f'<div class="col"><div class="title">{title}</div><div class="author">{authors}</div>'
        f'<div class="periodical"><em>{venue}</em></div>'
        '<div class="links"><a class="btn">Abs</a> <a class="btn" href="x.pdf">PDF</a></div>'
        "</div></div></li>"
    )


def test_an_academic_themes_venue_badge_is_no_title(tmp_path: Path):
    """Academic site themes set a venue's badge ("TACL") on a line above each title."""
    page = '<html><body><h1>publications</h1><ol class="bibliography">'
    page += _themed_paper(
        "TACL",
        "Dense retrieval at scale",
        "Mei Lin, and Hiroshi Tanaka",
        "Transactions of the ACL, 2022",
    )
    page += _themed_paper(
        "arXiv",
        "Sparse attention for long documents",
        "<em>Hiroshi Tanaka</em>, Mei Lin",
        "arXiv preprint, 2021",
    )
    page += "</ol></body></html>"
    result = extract_page(tmp_path, page, "html_citation_list", "papers.html")
    assert [(e["title"], e["venue"]) for e in result.entries] == [
        ("Dense retrieval at scale", "Transactions of the ACL"),
        ("Sparse attention for long documents", "arXiv preprint"),
    ]
    assert result.entries[1]["authors"] == ["Hiroshi Tanaka", "Mei Lin"]


def _recommended(title: str, venue: str, citation: str) -> str:
    return (
        '<article class="archive__item" itemscope itemtype="https://schema.org/CreativeWork">'
        f'<h2 itemprop="headline"><a href="/publication/x">{title}</a></h2>'
        f"<p>Published in <i>{venue}</i></p>"
        f'<p itemprop="description">An abstract of {title.lower()}.</p>'
        f"<p>Recommended citation: {citation}</p></article>"
    )


def test_a_themes_recommended_citation_gives_the_papers_authors(tmp_path: Path):
    """A site theme's list gives each paper's authors only in its recommended citation."""
    page = "<html><body><h1>Publications</h1>"
    page += _recommended(
        "Dense retrieval at scale",
        "Transactions of the ACL, 2022",
        'Lin, M. and Tanaka, H. (2022). "Dense retrieval at scale." <i>TACL</i>.',
    )
    page += _recommended(
        "Sparse attention",
        "ICLR, 2021",
        'Tanaka, H. (2021). "Sparse attention." <i>ICLR</i>.',
    )
    page += "</body></html>"
    result = extract_page(tmp_path, page, "html_citation_list", "publications.html")
    assert [(e["title"], e["authors"], e["published_raw"]) for e in result.entries] == [
        ("Dense retrieval at scale", ["M. Lin", "H. Tanaka"], "2022"),
        ("Sparse attention", ["H. Tanaka"], "2021"),
    ]


def test_a_page_that_shows_its_papers_is_read_as_shown(tmp_path: Path):
    """Linked data describing the page's one article does not hide the list it shows."""
    shown = (
        '<html><head><script type="application/ld+json">'
        '{"@type": "ScholarlyArticle", "name": "Only this one", "author": "Ada Park"}'
        "</script></head><body><h1>Ada Park</h1>"
        "<p>Sparse Gaussian Processes for Robotics<br>Ada Park, Tomas Berg<br>CoRL 2023</p>"
        "<p>Active Learning for Grasping<br>Tomas Berg, Ada Park<br>ICRA 2023</p></body></html>"
    )
    result = extract_page(tmp_path, shown, "html_citation_list", "list.html")
    assert [e["title"] for e in result.entries] == [
        "Sparse Gaussian Processes for Robotics",
        "Active Learning for Grasping",
    ]


def test_linked_data_of_no_paper_leaves_the_page_as_it_reads(tmp_path: Path):
    page = (
        '<html><head><script type="application/ld+json">'
        '{"@type": "WebSite", "name": "Ada Park", "url": "https://example.org"}'
        "</script></head><body><p>Welcome to my homepage.</p></body></html>"
    )
    result = extract_page(tmp_path, page, "html_unknown", "home.html")
    assert not result.entries
    (whole,) = result.quarantine
    assert "no known page shape" in whole["reason"]


WORKS = [
    ("Learning to Grasp with Touch", "Ada Park, Jon Okoye, Mei Lin", "CoRL", "2021"),
    ("Transfer for Dexterous Hands", "Ada Park, Jon Okoye", "ICRA", "2022"),
    ("Visual Servoing without Calibration", "Mei Lin, Ada Park, Rui Costa", "IROS", "2020"),
]
PORTAL_NAMES = {  # as research portals write bylines
    "Ada Park, Jon Okoye, Mei Lin": "Park, A., Okoye, J. & Lin, M.",
    "Ada Park, Jon Okoye": "Park, A. & Okoye, J.",
    "Mei Lin, Ada Park, Rui Costa": "Lin, M., Park, A. & Costa, R.",
}
MULTI_LINE_ITEMS = {
    "definition list": "<dl>{}</dl>".format(
        "".join(f"<dt>{t}</dt><dd>{a}. <em>{v}</em>, {y}.</dd>" for t, a, v, y in WORKS)
    ),
    "table of no header": "<table>{}</table>".format(
        "".join(
            f"<tr><td>{y}</td><td><b>{t}</b><br>{a}<br><i>{v}</i></td></tr>" for t, a, v, y in WORKS
        )
    ),
    "list of headed items": "<ul>{}</ul>".format(
        "".join(
            f"<li><h3>{t}</h3>{PORTAL_NAMES[a]}, {y}, In: {v}.<p>Research output: Article</p></li>"
            for t, a, v, y in WORKS
        )
    ),
}


@pytest.mark.parametrize("shape", sorted(MULTI_LINE_ITEMS))
def test_a_lists_items_of_several_lines_each_read_as_one_paper(tmp_path: Path, shape: str):
    """Each item is set apart as a paragraph, and no paragraph breaks inside one."""
    path = tmp_path / "works.html"
    body = MULTI_LINE_ITEMS[shape]
    path.write_text(f"<html><body><h1>Ada Park</h1><h2>Publications</h2>{body}</body></html>")
    result = extract(path)
    read = [(e["title"], e["venue"], e["published_raw"]) for e in result.entries]
    assert read == [(t, v, y) for t, _, v, y in WORKS] and not result.quarantine
    surnames = [[n.split()[-1] for n in e["authors"]] for e in result.entries]
    assert surnames == [[n.split()[-1] for n in a.split(", ")] for _, a, _, _ in WORKS]


def test_a_list_of_one_line_items_renders_a_line_an_item():
    assert render("<ul><li>A. Park. One. 2021.</li><li>B. Lin. Two. 2022.</li></ul>").text == (
        "A. Park. One. 2021.\nB. Lin. Two. 2022.\n"
    )
    two_lines = render("<ol><li><p>One</p><p>A. Park</p></li><li><p>Two</p><p>B. Lin</p></li></ol>")
    assert two_lines.text == "One\nA. Park\n\nTwo\nB. Lin\n"
    assert two_lines.lines == [1, 1, 1, 1, 1]


def test_a_saved_fragment_opening_with_a_heading_is_html_not_xml(tmp_path: Path):
    """Two sibling elements at the top are no XML document; a heading is no XML root."""
    path = tmp_path / "fragment.html"
    path.write_text(
        "<h1>Ada Park</h1>\n<h2>Publications</h2>\n" + MULTI_LINE_ITEMS["definition list"]
    )
    result = extract(path)
    assert result.source["format"] == "html_citation_list" and len(result.entries) == 3


def test_a_themes_rows_of_buttons_between_citations_belong_to_the_paper_above(tmp_path: Path):
    """A site theme renders each paper's links as a row of buttons under its citation."""
    item = (
        '<div class="pub-list-item"><span class="li-cite-author"><span>{names}</span></span>'
        ' ({year}). <a href="/publication/x/">{title}</a>. <em>{venue}</em>.\n'
        '<p><a class="btn" href="x.pdf">PDF</a> <a class="btn" href="#">Cite</a> '
        '<a class="btn" href="https://arxiv.org/abs/{arxiv}">arXiv</a></p></div>\n'
    )
    page = "<html><body><h1>Publications</h1>\n"
    page += item.format(
        names="Mei Lin, Hiroshi Tanaka",
        year=2022,
        title="Dense retrieval",
        venue="TACL",
        arxiv="2201.00001",
    )
    page += item.format(
        names="Hiroshi Tanaka",  # a paper of one author, whose name alone is no byline
        year=2021,
        title="Sparse attention",
        venue="ICLR",
        arxiv="2101.00002",
    )
    page += "</body></html>"
    result = extract_page(tmp_path, page, "html_citation_list", "pubs.html")
    assert not result.quarantine
    assert [(e["title"], e["authors"], e["arxiv_id"]) for e in result.entries] == [
        ("Dense retrieval", ["Mei Lin", "Hiroshi Tanaka"], "2201.00001"),
        ("Sparse attention", ["Hiroshi Tanaka"], "2101.00002"),
    ]

"""Writers for the five known page shapes and a few exports, for synthetic corpora.

Each writer takes paper records (dicts with title, authors, date, category,
abstract, arxiv_id, comments, affiliations) and renders a page the way the
real sites do, quirks included, so benchmarks exercise the real parsers.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

Paper = dict[str, Any]


def _date(d: dt.date, with_year: bool = True) -> str:
    return f"{d:%b} {d.day}, {d.year}" if with_year else f"{d:%b} {d.day}"


def _byline(authors: Sequence[str], shown: int | None, affiliations: Sequence[str]) -> str:
    names = list(authors) if shown is None or shown >= len(authors) else list(authors[:shown])
    text = ", ".join(names)
    if shown is not None and shown < len(authors):
        text += " et al."
    if affiliations:
        text += " · " + ", ".join(affiliations)
    return text


def profile_page(owner: str, papers: Sequence[Paper]) -> str:
    lines = [owner, "", papers[0]["category"] if papers else "CL", f"{len(papers)}papers"]
    lines += [f"{sum(len(p['title']) for p in papers):,}citations", "", f"{len(papers)} Papers", ""]
    for p in papers:
        lines += [f"{p['category']}{_date(p['date'])}", p["title"], ""]
        lines += [_byline(p["authors"], 3, p.get("affiliations", ())), "", p["abstract"], ""]
    return "\n".join(lines)


def catalogue_page(owner: str, papers: Sequence[Paper]) -> str:
    lines = ["Alert button", f"Picture for {owner}", "", owner, "", "Alert button", ""]
    for p in papers:
        lines += [p["title"], "", _date(p["date"]), _byline(p["authors"], None, ()), ""]
        lines += [f"Figure {i} for {p['title']}" for i in range(1, 3)]
        lines += ["", p["abstract"], ""]
        lines += [f"* {c} " for c in p.get("comments", ())]
        lines += ["Viaarxiv icon", ""]
    return "\n".join(lines)


def compact_list(papers: Sequence[Paper], yearless_every: int = 7) -> str:
    lines = []
    for i, p in enumerate(papers):
        yearless = yearless_every and i % yearless_every == yearless_every - 1
        score = f"{50 + i % 40}.{i % 10}" if yearless else ""
        lines.append(f"{score}{p['category']}{_date(p['date'], with_year=not yearless)}")
        lines.append(p["title"] + _byline(p["authors"], 3, p.get("affiliations", ())))
        lines.append(p["abstract"])
    return "\n".join(lines) + "\n"


def abstract_list(papers: Sequence[Paper]) -> str:
    return "\n".join(f"Abstract:{p['abstract']}" for p in papers) + "\n"


def arxiv_listing(papers: Sequence[Paper]) -> str:
    out = []
    for p in papers:
        out.append(p["abstract"] + "\n")
        out += [f"{c}\n" for c in p.get("comments", ())]
        out.append(f"arXiv:{p['arxiv_id']}")
    return "".join(out) + "\n"


# ---- exports: the formats sites hand over besides pages -----------------------------


def atom_feed(papers: Sequence[Paper]) -> str:
    """An arXiv API answer (Atom)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">']
    out.append("  <title>ArXiv Query</title>")
    for p in papers:
        out += ["  <entry>", f"    <id>http://arxiv.org/abs/{p['arxiv_id']}v1</id>"]
        out += [f"    <published>{p['date']:%Y-%m-%d}T00:00:00Z</published>"]
        out += [f"    <title>{escape(p['title'])}</title>"]
        out += [f"    <summary>{escape(p['abstract'])}</summary>"]
        out += [f"    <author><name>{escape(a)}</name></author>" for a in p["authors"]]
        out += ["  </entry>"]
    return "\n".join([*out, "</feed>"]) + "\n"


def dblp_person(owner: str, papers: Sequence[Paper]) -> str:
    """A DBLP person page (XML), its titles ending with DBLP's full stop."""
    out = [f'<?xml version="1.0"?>\n<dblpperson name="{escape(owner)}">']
    for i, p in enumerate(papers):
        authors = "".join(f"<author>{escape(a)}</author>" for a in p["authors"])
        out.append(
            f'<r><article key="k/{i}">{authors}<title>{escape(p["title"])}.</title>'
            f"<year>{p['date'].year}</year><journal>CoRR</journal>"
            f"<ee>https://arxiv.org/abs/{p['arxiv_id']}</ee></article></r>"
        )
    return "\n".join([*out, "</dblpperson>"]) + "\n"


def csl_json(papers: Sequence[Paper]) -> str:
    """A reference manager's CSL-JSON export."""
    items = [
        {
            "title": p["title"],
            "author": [
                {"given": " ".join(a.split()[:-1]), "family": a.split()[-1]} for a in p["authors"]
            ],
            "issued": {"date-parts": [[p["date"].year, p["date"].month, p["date"].day]]},
            "abstract": p["abstract"],
            "URL": f"https://arxiv.org/abs/{p['arxiv_id']}",
        }
        for p in papers
    ]
    return json.dumps(items, ensure_ascii=False, indent=1) + "\n"


def markdown_list(owner: str, papers: Sequence[Paper]) -> str:
    """A personal page's publication list in Markdown."""
    out = [f"## Publications by {owner}", ""]
    for i, p in enumerate(papers, 1):
        out.append(
            f"{i}. **{p['title']}**. {', '.join(p['authors'])}. *arXiv preprint* "
            f"arXiv:{p['arxiv_id']}, {p['date']:%B %Y}."
        )
    return "\n".join(out) + "\n"

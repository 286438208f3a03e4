"""Writers for the five known page shapes, for synthetic corpora.

Each writer takes paper records (dicts with title, authors, date, category,
abstract, arxiv_id, comments, affiliations) and renders a page the way the
real sites do, quirks included, so benchmarks exercise the real parsers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

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

"""Page headers: the owner a page names and the stats it shows.

A header is whatever precedes the first entry. Owners come from "Picture for
NAME" badges or a leading name line; stats are number+label pairs in either
order ("14papers", "13,274citations", "Novelty51%", "AI Score34").
"""

from __future__ import annotations

import re

from pipeline.extract.fields import looks_like_name
from pipeline.extract.lines import Line
from pipeline.extract.model import PageHeader

_PICTURE = re.compile(r"^Picture\s+for\s+(?P<name>.+)$", re.IGNORECASE)
_NUM = r"\d[\d,]*(?:\.\d+)?%?"
_VALUE_LABEL = re.compile(rf"^(?P<value>{_NUM})\s*(?P<label>[A-Za-z][A-Za-z ]*)$")
_LABEL_VALUE = re.compile(rf"^(?P<label>[A-Za-z][A-Za-z ]*?)\s*(?P<value>{_NUM})$")
_CATEGORY = re.compile(r"^(?:[a-z]+\.)?[A-Z]{2,}(?:[-.][A-Z]{2,})?$")
PAPER_COUNT_LABELS = frozenset({"papers", "paper", "publications", "works", "articles"})


def _stat_label(label: str) -> str:
    return re.sub(r"\s+", "_", label.strip().lower())


def parse_header(lines: list[Line]) -> PageHeader:
    """Read owner and stats from the lines above the first entry."""
    header = PageHeader()
    for line in lines:
        text = line.text
        if not text:
            continue
        picture = _PICTURE.match(text)
        if picture and looks_like_name(picture.group("name").strip()):
            header.owner_name = header.owner_name or picture.group("name").strip()
            continue
        stat = _VALUE_LABEL.match(text) or _LABEL_VALUE.match(text)
        if stat:
            label = _stat_label(stat.group("label"))
            value = stat.group("value")
            header.stats.setdefault(label, value)
            if label in PAPER_COUNT_LABELS and header.declared_paper_count is None:
                header.declared_paper_count = int(float(value.replace(",", "").rstrip("%")))
            continue
        if _CATEGORY.match(text):
            header.stats.setdefault("category", text)
            continue
        if header.owner_name is None and len(text.split()) >= 2 and looks_like_name(text):
            header.owner_name = text
    return header

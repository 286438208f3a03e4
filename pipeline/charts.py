"""Small inline SVG charts for the report: no script, no network, text escaped.

Each function returns SVG markup as a string; every label that comes from the
data goes through `html.escape`, since scraped text is untrusted.
"""

from __future__ import annotations

from html import escape

BAR = "#4a78b5"
WARN = "#d9822b"
BAD = "#c23030"
OK = "#3d8b3d"
MUTED = "#8a8a8a"


def bars(rows: list[tuple[str, float, float]], *, width: int = 640, title: str = "") -> str:
    """Horizontal stacked bars: (label, first value, second value) per row."""
    if not rows:
        return ""
    height = 24 * len(rows) + 30
    top = max((a + b for _, a, b in rows), default=1) or 1
    label_w = 230
    scale = (width - label_w - 60) / top
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{escape(title)}</title>'
    ]
    for i, (label, a, b) in enumerate(rows):
        y = 10 + 24 * i
        shown = label if len(label) <= 34 else label[:33] + "…"
        parts.append(f'<text x="0" y="{y + 14}" font-size="12">{escape(shown)}</text>')
        parts.append(
            f'<rect x="{label_w}" y="{y}" width="{a * scale:.1f}" height="16" fill="{BAR}"/>'
        )
        if b:
            parts.append(
                f'<rect x="{label_w + a * scale:.1f}" y="{y}" width="{b * scale:.1f}" '
                f'height="16" fill="{BAD}"/>'
            )
        parts.append(
            f'<text x="{label_w + (a + b) * scale + 4:.1f}" y="{y + 13}" font-size="11">'
            f"{a:g}{f' + {b:g}' if b else ''}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def histogram(
    values: dict[str, list[float]], colors: dict[str, str], *, bins: int = 10, title: str = ""
) -> str:
    """Stacked histogram over [0, 1] of several series (e.g. scores by status)."""
    counts = {k: [0] * bins for k in values}
    for k, vs in values.items():
        for v in vs:
            counts[k][min(bins - 1, max(0, int(v * bins)))] += 1
    top = max((sum(c[i] for c in counts.values()) for i in range(bins)), default=0) or 1
    width, height, base = 560, 180, 150
    col = (width - 40) / bins
    full = height + 20
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{full}" '
        f'viewBox="0 0 {width} {full}"><title>{escape(title)}</title>'
    ]
    for i in range(bins):
        y = base
        for k in values:
            h = counts[k][i] / top * 130
            if h:
                parts.append(
                    f'<rect x="{30 + i * col:.1f}" y="{y - h:.1f}" width="{col - 2:.1f}" '
                    f'height="{h:.1f}" fill="{colors.get(k, MUTED)}"><title>{escape(k)}: '
                    f"{counts[k][i]}</title></rect>"
                )
            y -= h
        parts.append(
            f'<text x="{30 + i * col:.1f}" y="{base + 14}" font-size="10">{i / bins:.1f}</text>'
        )
    legend_x = 30
    for k in values:
        parts.append(
            f'<rect x="{legend_x}" y="{height + 2}" width="10" height="10" '
            f'fill="{colors.get(k, MUTED)}"/><text x="{legend_x + 14}" y="{height + 11}" '
            f'font-size="11">{escape(k)} ({len(values[k])})</text>'
        )
        legend_x += 14 + 8 * (len(k) + 6)
    parts.append("</svg>")
    return "".join(parts)


def coauthor_network(owner: str, paper: str, owner_side: list[str], paper_side: list[str]) -> str:
    """The owner's coauthors (left) against a flagged paper's coauthors (right);
    names on both sides sit in the middle, linked to both."""
    shared = sorted(set(owner_side) & set(paper_side))
    left = [n for n in owner_side if n not in shared][:12]
    right = [n for n in paper_side if n not in shared][:12]
    rows = max(len(left), len(right), len(shared), 1)
    height = 60 + 20 * rows
    width = 720
    lx, ox, mx, px, rx = 190, 280, 360, 440, 530
    cy = 30 + (height - 30) / 2
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>coauthors of the owner and of the paper</title>'
    ]

    def ys(names: list[str]) -> list[float]:
        gap = (height - 40) / max(len(names), 1)
        return [30 + gap * (i + 0.5) for i in range(len(names))]

    def label(x: float, y: float, text: str, anchor: str, size: int = 11) -> None:
        parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}">'
            f"{escape(text)}</text>"
        )

    for name, y in zip(left, ys(left), strict=True):
        parts.append(f'<line x1="{ox}" y1="{cy:.1f}" x2="{lx}" y2="{y:.1f}" stroke="{MUTED}"/>')
        parts.append(f'<circle cx="{lx}" cy="{y:.1f}" r="3" fill="{MUTED}"/>')
        label(lx - 8, y + 4, name, "end")
    for name, y in zip(right, ys(right), strict=True):
        parts.append(f'<line x1="{px}" y1="{cy:.1f}" x2="{rx}" y2="{y:.1f}" stroke="{WARN}"/>')
        parts.append(f'<circle cx="{rx}" cy="{y:.1f}" r="3" fill="{WARN}"/>')
        label(rx + 8, y + 4, name, "start")
    for name, y in zip(shared, ys(shared), strict=True):
        parts.append(f'<line x1="{ox}" y1="{cy:.1f}" x2="{mx}" y2="{y:.1f}" stroke="{OK}"/>')
        parts.append(f'<line x1="{px}" y1="{cy:.1f}" x2="{mx}" y2="{y:.1f}" stroke="{OK}"/>')
        parts.append(f'<circle cx="{mx}" cy="{y:.1f}" r="3" fill="{OK}"/>')
        label(mx, y - 6, name, "middle")
    parts.append(f'<circle cx="{ox}" cy="{cy:.1f}" r="6" fill="{BAR}"/>')
    parts.append(f'<circle cx="{px}" cy="{cy:.1f}" r="6" fill="{BAD}"/>')
    label(ox, 14, f"owner: {owner}", "middle", 12)
    label(px, 28, f"paper: {paper[:50]}{'…' if len(paper) > 50 else ''}", "middle", 12)
    parts.append("</svg>")
    return "".join(parts)

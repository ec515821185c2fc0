"""Figures of the report that need no plotting library: repeat sizes against each locus's thresholds, and
the pedigree drawing (charcot.family.drawing). Both are SVG, sized for an A4 column (about 17 cm), with
a caption in words; the renderers embed them as data: URIs."""

from __future__ import annotations

import base64
from typing import Any
from xml.sax.saxutils import escape

from charcot.report.model import Plot, RepeatCall

WIDTH = 640
ROW = 56
LABEL_W = 150
COLOURS = {"normal": "#cfe8cf", "intermediate": "#ffe08a", "risk_allele": "#ffc46b",
           "reduced_penetrance": "#f59b5b", "pathogenic": "#e06666"}
WORDS = {"normal": "normal", "intermediate": "intermediate", "risk_allele": "risk",
         "reduced_penetrance": "reduced penetrance", "pathogenic": "pathogenic"}


def svg_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _default_ranges(locus: Any) -> list[Any]:
    chosen = next((s for s in locus.threshold_sets if s.id == locus.default_set), locus.threshold_sets[0])
    return list(chosen.ranges)


def repeat_figure(calls: list[RepeatCall], loci: list[Any]) -> Plot | None:
    """One row per called locus: the default threshold ranges as coloured bands, each allele as a mark."""
    by_gene = {loc.gene.upper(): loc for loc in loci}
    rows = [(c, by_gene[(c.gene or c.locus).upper()]) for c in calls if (c.gene or c.locus).upper() in by_gene]
    if not rows:
        return None
    height = 30 + ROW * len(rows)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
           f'viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="11">']
    used: set[str] = set()
    for i, (call, locus) in enumerate(rows):
        y = 10 + i * ROW
        ranges = _default_ranges(locus)
        # an allele the reads show only to be at least N long is drawn at N and labelled '≥N' (its count is no size)
        bounds = call.lower_bounds()
        sizes = [low if low is not None else a for a, low in zip(call.alleles, bounds, strict=False) if a is not None]
        lower = {low for low in bounds if low is not None}
        top_threshold = max((r.min or 0) for r in ranges)
        scale_max = max([top_threshold * 1.4, *(s * 1.15 for s in sizes), 10.0])
        span = WIDTH - LABEL_W - 20

        def x(v: float, span: float = span, scale_max: float = scale_max) -> float:
            return LABEL_W + span * min(v, scale_max) / scale_max

        out.append(f'<text x="4" y="{y + 18}" font-weight="bold">{escape(call.gene or call.locus)}</text>')
        out.append(f'<text x="4" y="{y + 32}" fill="#444">{escape(call.repeat_unit or "")} repeats</text>')
        last_label = -100.0
        for r in ranges:
            cat = str(r.category.value if hasattr(r.category, "value") else r.category)
            lo = r.min if r.min is not None else 0
            hi = r.max + 1 if r.max is not None else scale_max
            used.add(cat)
            out.append(f'<rect x="{x(lo):.1f}" y="{y + 8}" width="{max(x(hi) - x(lo), 1):.1f}" height="16" '
                       f'fill="{COLOURS.get(cat, "#ddd")}"/>')
            if r.min and x(r.min) - last_label >= 20:  # threshold numbers never overprint each other
                out.append(f'<text x="{x(r.min):.1f}" y="{y + 46}" text-anchor="middle" fill="#444">{r.min}</text>')
                last_label = x(r.min)
        groups: list[list[int]] = []
        for size in sorted(sizes):
            if groups and x(size) - x(groups[-1][-1]) < 18:
                groups[-1].append(size)
            else:
                groups.append([size])
        for group in groups:
            for size in group:
                out.append(f'<path d="M{x(size):.1f},{y + 26} l-5,9 h10 z" fill="black"/>')
            mid = sum(x(v) for v in group) / len(group)
            text = "/".join(f"{'≥' if v in lower else ''}{v}{'+' if v >= scale_max else ''}" for v in group)
            out.append(f'<text x="{mid:.1f}" y="{y + 5}" text-anchor="middle" font-weight="bold">{text}</text>')
    legend_y = height - 8
    lx = LABEL_W
    for cat in ("normal", "intermediate", "risk_allele", "reduced_penetrance", "pathogenic"):
        if cat in used:
            out.append(f'<rect x="{lx}" y="{legend_y - 10}" width="12" height="12" fill="{COLOURS[cat]}"/>')
            out.append(f'<text x="{lx + 16}" y="{legend_y}">{WORDS[cat]}</text>')
            lx += 30 + 7 * len(WORDS[cat])
    out.append("</svg>")
    parts = []
    for call, _ in rows:
        parts.append(f"{call.gene or call.locus} {call.sizes_text()} ({call.status_words()})")
    caption = ("Repeat sizes (black marks, repeat units) against each locus's default thresholds (coloured bands, "
               "numbers at the start of each range): " + "; ".join(parts) + ". Sizes from short reads are "
               "estimates; confirm intermediate or expanded sizes by a laboratory test.")
    return Plot(title="Repeat sizes against thresholds", data_uri=svg_uri("".join(out)),
                alt="Repeat sizes against thresholds: " + "; ".join(parts), caption=caption)


def pedigree_figure(pedigree: Any, result: Any, proband: str | None, gene: str | None) -> Plot:
    from charcot.family.drawing import pedigree_svg

    svg = pedigree_svg(pedigree, result, proband=proband)
    what = (f"each relative's probability of carrying the {gene} finding and risk of disease in the next years"
            if result is not None else "affection status only (no genotype-based risk was calculated)")
    caption = (f"Family tree: squares are men, circles women; filled symbols are affected; a slash marks a person "
               f"who has died; the arrow marks the patient; labels give {what}. Probabilities assume the penetrance model in the appendix.")
    return Plot(title="Pedigree", data_uri=svg_uri(svg), alt="Pedigree drawing", caption=caption)

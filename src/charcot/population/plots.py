"""QQ and forest plots (matplotlib, Agg backend, imported lazily)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from charcot.population.masks import MaskResult
from charcot.population.model import GroupResult


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _finite(p_values: Sequence[float]) -> Any:
    import numpy as np

    return np.sort(np.array([p for p in p_values if p is not None and math.isfinite(p) and p > 0]))


def qq_plot(p_values: Sequence[float], path: Path, extra: Sequence[float] = ()) -> None:
    """Observed vs expected -log10 p under the uniform null (Fisher per gene x class; ACAT-O per gene)."""
    import numpy as np

    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    top = 0.0
    for values, label in ((p_values, "Fisher, gene x class"), (extra, "ACAT-O, gene (masks)")):
        ps = _finite(values)
        if ps.size:
            expected = -np.log10((np.arange(1, ps.size + 1) - 0.5) / ps.size)
            observed = -np.log10(ps)
            top = max(top, float(expected.max()), float(observed.max()))
            ax.scatter(expected, observed, s=12, label=label)
    if top:
        ax.plot([0, top * 1.05], [0, top * 1.05], color="grey", linewidth=1)
        ax.legend(fontsize=7)
    ax.set_xlabel("expected -log10(p)")
    ax.set_ylabel("observed -log10(p)")
    ax.set_title("Gene x class burden tests")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def forest_plot(groups: Sequence[GroupResult], path: Path, limit: int = 40) -> None:
    """Firth odds ratios with Wald 95% CIs for the groups with carriers (most significant first)."""
    plt = _pyplot()
    shown = sorted((g for g in groups if math.isfinite(g.firth_log_or)), key=lambda g: g.firth_p)[:limit]
    fig, ax = plt.subplots(figsize=(6, max(2.0, 0.3 * len(shown) + 1)))
    for i, g in enumerate(reversed(shown)):
        ax.plot([math.exp(g.firth_ci_low), math.exp(g.firth_ci_high)], [i, i], color="black", linewidth=1)
        ax.plot([math.exp(g.firth_log_or)], [i], "s", color="tab:blue")
    ax.set_yticks(range(len(shown)))
    ax.set_yticklabels([f"{g.gene} {g.cls}" for g in reversed(shown)])
    ax.axvline(1.0, color="grey", linestyle="--", linewidth=1)
    ax.set_xscale("log")
    ax.set_xlabel("odds ratio (Firth, Wald 95% CI)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def manhattan_plot(masks: Sequence[MaskResult], path: Path) -> None:
    """Gene-level Manhattan-style plot: -log10 p of every mask test per gene (genes in name order),
    the gene's ACAT-O as a diamond, and the Bonferroni line for the number of genes."""
    plt = _pyplot()
    genes = sorted({m.gene for m in masks})
    where = {g: i for i, g in enumerate(genes)}
    fig, ax = plt.subplots(figsize=(max(5.0, 0.25 * len(genes) + 2), 3.8))
    xs, ys, ax_x, ax_y = [], [], [], []
    for m in masks:
        if m.mask == "ACAT-O":
            if math.isfinite(m.acato_p) and m.acato_p > 0:
                ax_x.append(where[m.gene])
                ax_y.append(-math.log10(m.acato_p))
            continue
        for p in (m.burden_p, m.skat_p, m.skato_p):
            if math.isfinite(p) and p > 0:
                xs.append(where[m.gene])
                ys.append(-math.log10(p))
    ax.scatter(xs, ys, s=8, color="tab:blue", alpha=0.5, label="burden / SKAT / SKAT-O per mask")
    ax.scatter(ax_x, ax_y, s=30, marker="D", color="tab:red", label="ACAT-O")
    if genes:
        ax.axhline(-math.log10(0.05 / len(genes)), color="grey", linestyle="--", linewidth=1)
    ax.set_xticks(range(len(genes)))
    ax.set_xticklabels(genes, rotation=90, fontsize=7)
    ax.set_ylabel("-log10(p)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)

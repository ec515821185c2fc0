"""QQ and forest plots (matplotlib, Agg backend, imported lazily)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from charcot.population.model import GroupResult


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def qq_plot(p_values: Sequence[float], path: Path) -> None:
    """Observed vs expected -log10 p under the uniform null."""
    import numpy as np

    plt = _pyplot()
    ps = np.sort(np.array([p for p in p_values if p is not None and math.isfinite(p) and p > 0]))
    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    if ps.size:
        expected = -np.log10((np.arange(1, ps.size + 1) - 0.5) / ps.size)
        observed = -np.log10(ps)
        top = max(float(expected.max()), float(observed.max())) * 1.05
        ax.plot([0, top], [0, top], color="grey", linewidth=1)
        ax.scatter(expected, observed, s=12)
    ax.set_xlabel("expected -log10(p)")
    ax.set_ylabel("observed -log10(p) (Fisher)")
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

"""Plot of the natural-history check (matplotlib Agg, imported lazily)."""

from __future__ import annotations

from pathlib import Path

from charcot.outputs import atomic_write_bytes
from charcot.therapy.model import NaturalHistoryResult


def natural_history_png(result: NaturalHistoryResult, path: str | Path, *, title: str | None = None) -> Path:
    """Histogram of simulated ALSFRS-R change over the claim's time frame, with the 'no decline'
    share and the claim's responder fraction marked. Written atomically."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # every simulated patient is drawn: the histogram comes from the counts over all n, not a sample
    counts = {int(k): v for k, v in result.change_histogram.items()}
    if not counts:  # a result made before counts were kept: draw the stored changes and say how many
        for c in result.changes:
            counts[c] = counts.get(c, 0) + 1
    drawn = sum(counts.values())
    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    xs = sorted(counts)
    ax.bar(xs, [counts[x] for x in xs], width=1.0, color="#7a9cc6", edgecolor="white")
    ax.axvline(-0.5, color="#b03a2e", linestyle="--", linewidth=1)
    text = plot_caption(result, drawn)
    ax.text(0.02, 0.97, text, transform=ax.transAxes, va="top", fontsize=9)
    ax.set_xlabel("ALSFRS-R change from baseline (points; right of dashed line = no decline)")
    ax.set_ylabel("simulated patients")
    ax.set_title(title or "What untreated ALS looks like in an uncontrolled series")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return atomic_write_bytes(path, buf.getvalue())


def plot_caption(result: NaturalHistoryResult, drawn: int) -> str:
    """The caption drawn on the plot: what was simulated, how many patients are drawn, and the claim."""
    text = (f"untreated, simulated: {result.share_no_decline:.0%} no decline, {result.share_improved:.0%} improved\n"
            f"over {result.months:g} months ({drawn:,} simulated patients drawn"
            f"{'' if drawn == result.n else f' of {result.n:,}'}, seed {result.seed}; placebo effect "
            f"{'0' if not (result.parameters.get('placebo_mean') or result.parameters.get('placebo_sd')) else 'simulated'})")
    if result.claim_responder_fraction is not None:
        text += f"\nclaim: {result.claim_responder_fraction:.0%} 'improved'"
        if result.series_probability_exact is not None:
            size = result.parameters.get("claim_series_size", "?")
            text += f"; chance for an untreated series of {size}: {result.series_probability_exact:.1%}"
    return text

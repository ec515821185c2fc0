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

    changes = result.changes
    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    lo, hi = min(changes), max(changes)
    ax.hist(changes, bins=range(lo, hi + 2), color="#7a9cc6", edgecolor="white", align="left")
    ax.axvline(-0.5, color="#b03a2e", linestyle="--", linewidth=1)
    text = (f"untreated, simulated: {result.share_no_decline:.0%} no decline, {result.share_improved:.0%} improved\n"
            f"over {result.months:g} months (n = {result.n}, seed {result.seed})")
    if result.claim_responder_fraction is not None:
        text += f"\nclaim: {result.claim_responder_fraction:.0%} 'improved'"
    ax.text(0.02, 0.97, text, transform=ax.transAxes, va="top", fontsize=9)
    ax.set_xlabel("ALSFRS-R change from baseline (points; right of dashed line = no decline)")
    ax.set_ylabel("simulated patients")
    ax.set_title(title or "What untreated ALS looks like in an uncontrolled series")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return atomic_write_bytes(path, buf.getvalue())

"""Plots for people: ALSFRS-R trajectory with the D50 fit, ENCALS survival curve with today marked.
PNG via matplotlib's Agg backend (imported here only), written atomically, without the
software-version metadata so the bytes do not change between matplotlib versions."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from charcot.clinical.d50 import d50_curve
from charcot.clinical.model import ClinicalCase
from charcot.clinical.prognosis import SPLINE_RANGE_MONTHS, EncalsResult
from charcot.outputs import atomic_write_bytes, make_folder

if TYPE_CHECKING:
    from charcot.clinical.api import ClinicalAssessment


def _figure() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 10, "svg.hashsalt": "charcot"})
    return plt


def _save(fig: Any, path: Path) -> Path:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    return atomic_write_bytes(path, buffer.getvalue())


def median_label(enc: EncalsResult) -> str:
    """The legend of the ENCALS median line: the model's own check on the median (outside the follow-up it was fitted
    on) travels with the number, as it does in the text."""
    median = enc.median_months_from_onset
    if median is None:
        return ""
    low, high = SPLINE_RANGE_MONTHS
    outside = median > high or median < low
    return f"median {median:.0f} months from onset" + (" (an extrapolation, not a prediction)" if outside else "")


def render(case: ClinicalCase, assessment: ClinicalAssessment, outdir: Path) -> dict[str, Path]:
    plt = _figure()
    out: dict[str, Path] = {}
    make_folder(outdir)  # a link to a folder not made yet is followed; an unwritten set leaves none
    if assessment.alsfrs_r:
        fig, ax = plt.subplots(figsize=(6.4, 4.0))
        xs = [s.months_since_onset for s in assessment.alsfrs_r]
        ys = [s.total for s in assessment.alsfrs_r]
        ax.plot(xs, ys, "o", color="#1f4e79", label="ALSFRS-R total")
        fit = assessment.d50
        if fit is not None:
            end = max(max(xs), fit.d50_months) * 1.3
            grid = [end * i / 200 for i in range(201)]
            ax.plot(grid, [d50_curve(t, fit.d50_months, fit.dx_months) for t in grid], "-", color="#c55a11",
                    label=f"D50 fit: D50 {fit.d50_months:.1f} mo, dx {fit.dx_months:.1f} mo")
            ax.axhline(24, color="grey", lw=0.5, ls=":")
        ax.axvline(assessment.months_since_onset_today, color="black", lw=0.8, ls="--",
                   label=f"today ({assessment.today.isoformat()})")
        ax.set_xlabel("months since symptom onset")
        ax.set_ylabel("ALSFRS-R total (0-48)")
        ax.set_ylim(0, 49)
        ax.set_xlim(left=0)
        ax.set_title(f"ALSFRS-R trajectory, case {case.id}")
        ax.legend(loc="lower left", fontsize=8)
        fig.tight_layout()
        out["alsfrs_trajectory"] = _save(fig, outdir / "alsfrs_trajectory.png")
        plt.close(fig)
    if assessment.encals.status == "assessed" and assessment.encals.curve:
        enc = assessment.encals
        fig, ax = plt.subplots(figsize=(6.4, 4.0))
        ax.plot([p.months_since_onset for p in enc.curve], [p.survival for p in enc.curve], color="#1f4e79",
                label="ENCALS predicted event-free survival S(t)")
        t0 = assessment.months_since_onset_today
        if enc.survival_today is not None:
            ax.plot([t0], [enc.survival_today], "o", color="black")
        ax.axvline(t0, color="black", lw=0.8, ls="--", label=f"today ({assessment.today.isoformat()})")
        if enc.median_months_from_onset is not None:
            ax.axhline(0.5, color="grey", lw=0.5, ls=":")
            ax.axvline(enc.median_months_from_onset, color="#c55a11", lw=0.8, ls=":",
                       label=median_label(enc))
        ax.set_xlabel("months since symptom onset")
        ax.set_ylabel("event-free survival S(t)")
        ax.set_ylim(0, 1.02)
        ax.set_xlim(left=0)
        ax.set_title("ENCALS: free of death, tracheostomy or NIV > 23 h/day (unverified coefficients)", fontsize=9)
        ax.legend(loc="upper right", fontsize=8)
        fig.tight_layout()
        out["survival_curve"] = _save(fig, outdir / "survival_curve.png")
        plt.close(fig)
    return out

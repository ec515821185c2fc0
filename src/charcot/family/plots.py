"""Plots: carrier probability and risk by age for one relative (matplotlib, imported lazily)."""

from __future__ import annotations

from pathlib import Path

from charcot.family.model import Observation, Status
from charcot.family.pedigree import Pedigree


def risk_by_age_series(pedigree: Pedigree, gene: str, individual: str, *, carrier: str | None = None,
                       observations: dict[str, Observation] | None = None, nonpenetrance: float | None = None,
                       horizon_years: float = 10, ages: range = range(20, 91, 2),
                       proband: str | None = None) -> tuple[float, list[float], list[float]]:
    """(x used, P(carrier), next-N-year risk) of ``individual`` conditioned on being *unaffected* at
    each age (everyone else as observed) — the same model as the risk table for an unaffected person."""
    from charcot.family.risk import relative_risks

    obs = dict(observations or {})
    base = obs.get(individual, Observation())
    pc: list[float] = []
    nx: list[float] = []
    x_used = 0.0
    for age in ages:
        obs[individual] = base.model_copy(update={"age": float(age), "status": Status.UNAFFECTED, "onset_age": None})
        res = relative_risks(pedigree, gene, carrier=carrier, observations=obs, nonpenetrance=nonpenetrance,
                             horizon_years=horizon_years, sensitivity=False, proband=proband)
        row = res.by_id(individual)
        pc.append(row.p_carrier)
        nx.append(row.risk_next_years or 0.0)
        x_used = res.assumptions.nonpenetrance
    return x_used, pc, nx


def risk_by_age_png(pedigree: Pedigree, gene: str, individual: str, path: Path, *, carrier: str | None = None,
                    observations: dict[str, Observation] | None = None, nonpenetrance: float | None = None,
                    horizon_years: float = 10, ages: range = range(20, 91, 2), proband: str | None = None) -> Path:
    """P(carrier) and next-N-year risk of ``individual`` if unaffected at each age (others fixed), for
    the chosen x and for x = 0, written atomically as PNG."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from charcot.outputs import atomic_write_bytes

    fig, ax = plt.subplots(figsize=(7, 4.2))
    for xv, style in ((nonpenetrance, "-"), (0.0, "--")):
        x_used, pc, nx = risk_by_age_series(pedigree, gene, individual, carrier=carrier, observations=observations,
                                            nonpenetrance=xv, horizon_years=horizon_years, ages=ages,
                                            proband=proband)
        label = f"x = {x_used:g}"
        ax.plot(list(ages), pc, style, color="tab:blue", label=f"P(carrier), {label}")
        ax.plot(list(ages), nx, style, color="tab:red", label=f"risk in next {horizon_years:g} y, {label}")
    ax.set_xlabel(f"age of {individual}, if unaffected at that age")
    ax.set_ylabel("probability")
    ax.set_ylim(0, 1)
    ax.set_title(f"{gene}: {individual}")
    ax.legend(fontsize=8)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return atomic_write_bytes(path, buf.getvalue())

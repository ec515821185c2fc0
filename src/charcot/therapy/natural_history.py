"""Natural-history check: what an uncontrolled series of untreated ALS patients shows by chance.

Model (per simulated patient; numpy, seeded, reproducible):
* true ALSFRS-R slope ~ Gamma(shape, mean 1.02 points/month). The mean is the PRO-ACT figure
  (Atassi 2014, S-Ata14). The gamma shape (0.45) and the visit noise (SD 1.5 points) are CALIBRATED so
  that 25% of patients show no decline over 6 months, the PRO-ACT figure of Bedlack 2016 (S-Bed16);
  they are not measured values. Bedlack's other figure (<1% ever improve >= 4 points for >= 12 months)
  is not used in calibration and is checked independently by the tests.
* baseline true score ~ Normal(38, 5) clipped to 12..48 (assumption: a typical trial-entry range);
  observed scores are the true score plus visit noise, rounded and bounded to 0..48.
* regression to the mean: with ``baseline_worst_of`` = k > 1 the baseline is the lowest of k
  same-day measurements (patients seek treatment on a bad day); later visits regress upwards.
* placebo / expectation response: a per-patient shift added to every post-baseline visit,
  Normal(placebo_mean, placebo_sd); 0 by default (an assumption when set, not a cited figure).

Claim comparison: a claim's "improved" is compared with *no decline* (final ALSFRS-R at or above
baseline). The chance that an untreated series of the claim's size reaches the claimed share is an
exact binomial tail, P(X >= k) with X ~ Binomial(size, p), k = the count nearest f * size (a claimed
percentage is a rounded count: 67% of 3 patients is 2), p = the simulated no-decline
share; because p itself is simulated, p and the tail are recomputed for ``SPREAD_SEEDS`` further seeds
and the range is reported (the seed-to-seed spread), so no single seed's number is over-read.
"""

from __future__ import annotations

from typing import Any

from charcot.errors import InputError
from charcot.therapy.model import NaturalHistoryResult

PROACT_MEAN_SLOPE = 1.02  # ALSFRS-R points/month, PRO-ACT (Atassi 2014) [S-Ata14]
CALIBRATED_GAMMA_SHAPE = 0.45  # calibrated to Bedlack 2016: 25% no decline over 6 months [S-Bed16]
CALIBRATED_NOISE_SD = 1.5  # visit-to-visit measurement noise, points; calibrated together with the shape
BASELINE_MEAN, BASELINE_SD = 38.0, 5.0  # assumption, see module docstring
BEDLACK_NO_DECLINE_6M = 0.25  # S-Bed16
BEDLACK_SUSTAINED_4PT_12M_MAX = 0.01  # S-Bed16: "<1% ever improve >= 4 points for >= 12 months"
DEFAULT_SERIES_SIZE = 20  # used when a claim gives no series size (an assumption, said so in the output)
EXACT_SUM_MAX = 1000  # above this the binomial coefficients overflow floats (comb(1030, 515) > 1.8e308): scipy
RESAMPLE_MAX = 4_000_000  # replicate series drawn patient by patient up to this many draws, else as binomial counts
SPREAD_SEEDS = 4  # further seeds over which the no-decline share and the binomial tail are recomputed
OUTCOME_DEFINITION = ("a claim's 'improved' is compared with 'no decline': final ALSFRS-R at or above baseline "
                      "after the claim's time frame (the most favourable reading of the claim)")


def binomial_tail(size: int, k: int, p: float) -> float:
    """Exact P(X >= k) for X ~ Binomial(size, p)."""
    from math import comb

    if k <= 0:
        return 1.0
    if k > size:
        return 0.0
    if size > EXACT_SUM_MAX:  # a series of millions: the sum overflows floats; scipy's survival function is exact
        from scipy.stats import binom

        return float(binom.sf(k - 1, size, p))
    return float(min(1.0, sum(comb(size, i) * p**i * (1 - p) ** (size - i) for i in range(k, size + 1))))


#: a series probability at or above this (at the low end of its seed-to-seed range) is "often" (a 1-in-20 chance)
OFTEN = 0.05


def series_meaning(low: float, high: float, size: int, k: int, *, assumed: bool) -> str:
    """What the chance that an untreated series reaches a claimed share shows, in words. A small chance is never told
    as proof: the simulation assumes a complete, unselected series measured as in a trial, which an uncontrolled
    series does not show (S-AANcls, S-NBT16); only a control group can tell selection from effect."""
    from charcot.clinical.prognosis import probability_text

    size_words = f"a series of {size} (a size the claim does not give: assumed)" if assumed else f"a series of {size}"
    if low >= OFTEN:
        return (f"untreated patients reach the claimed share often ({k} of {size} with 'no decline' in "
                f"{probability_text(low)} to {probability_text(high)} of untreated series): natural history alone "
                "produces this result without any treatment")
    return (f"untreated patients rarely reach the claimed share in {size_words}, but this does not show that the "
            "treatment works: the figure assumes every treated patient was counted and scored with ALSFRS-R as in a "
            "trial, while an uncontrolled series can reach such a share by selecting slowly progressing patients, "
            "leaving out those who worsened, died or stopped, or scoring subjectively; only a control group can tell "
            "these apart from a treatment effect")


def _observe(n: int, months: float, seed: int, *, mean_slope: float, gamma_shape: float, noise_sd: float,
             baseline_mean: float, baseline_sd: float, baseline_worst_of: int, placebo_mean: float,
             placebo_sd: float) -> Any:
    """Observed monthly ALSFRS-R scores (n x visits) of one simulated untreated cohort."""
    import numpy as np

    rng = np.random.default_rng(seed)
    steps = int(np.ceil(months))
    t = np.linspace(0.0, months, steps + 1)
    base = np.clip(rng.normal(baseline_mean, baseline_sd, n), 12, 48)
    slope = rng.gamma(gamma_shape, mean_slope / gamma_shape, n)
    true = base[:, None] - slope[:, None] * t[None, :]
    noise = rng.normal(0.0, noise_sd, (n, steps + 1))
    if baseline_worst_of > 1:
        extra = rng.normal(0.0, noise_sd, (n, baseline_worst_of - 1))
        noise[:, 0] = np.minimum(noise[:, 0], extra.min(axis=1))
    placebo = rng.normal(placebo_mean, placebo_sd, n) if placebo_sd > 0 or placebo_mean != 0 else np.zeros(n)
    shift = np.zeros((n, steps + 1))
    shift[:, 1:] = placebo[:, None]
    return np.rint(np.clip(true + noise + shift, 0, 48)), rng


def simulate_natural_history(
    n: int = 1000,
    months: float = 6,
    seed: int = 0,
    *,
    mean_slope: float = PROACT_MEAN_SLOPE,
    gamma_shape: float = CALIBRATED_GAMMA_SHAPE,
    noise_sd: float = CALIBRATED_NOISE_SD,
    baseline_mean: float = BASELINE_MEAN,
    baseline_sd: float = BASELINE_SD,
    baseline_worst_of: int = 1,
    placebo_mean: float = 0.0,
    placebo_sd: float = 0.0,
    claim_responder_fraction: float | None = None,
    claim_series_size: int | None = None,
    replicates: int = 2000,
) -> NaturalHistoryResult:
    """Simulate ``n`` untreated patients followed monthly for ``months`` months (rounded up)."""
    import numpy as np

    if n < 1 or n > 2_000_000:
        raise InputError(f"n must be between 1 and 2,000,000 (got {n})",
                         hint="the number of patients in the claimed series, e.g. 50")
    if not 0 < months <= 60:
        raise InputError(f"months must be in (0, 60] (got {months})",
                         hint="the follow-up of the claimed series in months, at most 60")
    if baseline_worst_of < 1:
        raise InputError("baseline_worst_of must be at least 1",
                         hint="1 takes each patient's baseline as measured; 2 or more the worst of that many visits")
    model = dict(mean_slope=mean_slope, gamma_shape=gamma_shape, noise_sd=noise_sd, baseline_mean=baseline_mean,
                 baseline_sd=baseline_sd, baseline_worst_of=baseline_worst_of, placebo_mean=placebo_mean,
                 placebo_sd=placebo_sd)
    obs, rng = _observe(n, months, seed, **model)  # type: ignore[arg-type]
    change = obs[:, -1] - obs[:, 0]

    sustained: float | None = None
    if months >= 12:
        above = obs[:, 1:] >= obs[:, [0]] + 4
        # a run of >= 13 consecutive monthly visits (12 months) at least 4 points above baseline
        win = 13
        if above.shape[1] >= win:
            csum = np.cumsum(np.pad(above.astype(int), ((0, 0), (1, 0))), axis=1)
            runs = csum[:, win:] - csum[:, :-win]
            sustained = float((runs == win).any(axis=1).mean())
        else:
            sustained = 0.0

    no_decline = change >= 0
    k = 0
    series_share: float | None = None
    series_exact: float | None = None
    spread: list[float] = []
    p_spread: list[float] = []
    size = claim_series_size or DEFAULT_SERIES_SIZE
    if claim_responder_fraction is not None:
        # a claimed share is a rounded count: "67%" of 3 patients is 2 of them (not ceil(2.01) = 3)
        k = max(1, int(np.floor(claim_responder_fraction * size + 0.5))) if claim_responder_fraction > 0 else 0
        p0 = float(no_decline.mean())
        if size * replicates <= RESAMPLE_MAX:  # replicate series drawn from the simulated patients
            draws = rng.integers(0, n, (replicates, size))
            series_share = float((no_decline[draws].sum(axis=1) >= k).mean())
        else:  # the same distribution (drawing with replacement) without a replicates x size array
            series_share = float((rng.binomial(size, p0, replicates) >= k).mean())
        series_exact = binomial_tail(size, k, p0)
        p_spread, spread = [p0], [series_exact]
        for other in range(seed + 1, seed + 1 + SPREAD_SEEDS):
            o_obs, _ = _observe(n, months, other, **model)  # type: ignore[arg-type]
            p_other = float((o_obs[:, -1] >= o_obs[:, 0]).mean())
            p_spread.append(p_other)
            spread.append(binomial_tail(size, k, p_other))
    q = np.quantile(change, [0.05, 0.25, 0.5, 0.75, 0.95])
    params: dict[str, Any] = {
        "mean_slope": mean_slope, "gamma_shape": gamma_shape, "noise_sd": noise_sd, "baseline_mean": baseline_mean,
        "baseline_sd": baseline_sd, "baseline_worst_of": baseline_worst_of, "placebo_mean": placebo_mean,
        "placebo_sd": placebo_sd,
    }
    if claim_responder_fraction is not None:
        params["claim_series_size"] = size
        params["claim_responder_count"] = k  # the count the claimed share stands for in a series of this size
    assumptions = [
        (f"series size {size} (the claim's)" if claim_series_size else
         f"series size {size} (assumed: the claim gives none)") if claim_responder_fraction is not None
        else f"{n} simulated patients",
        OUTCOME_DEFINITION,
        ("placebo/expectation effect set to 0" if not (placebo_mean or placebo_sd) else
         f"placebo/expectation shift N({placebo_mean:g}, {placebo_sd:g}) points (assumption)"),
        f"mean ALSFRS-R slope {mean_slope} points/month (PRO-ACT)",
        f"slope spread gamma shape {gamma_shape} and visit noise SD {noise_sd} calibrated to 25% no decline over 6 months",
        f"baseline ALSFRS-R ~ N({baseline_mean:g}, {baseline_sd:g}) (assumption)",
    ]
    interpretation = (series_meaning(min(spread), max(spread), size, k, assumed=claim_series_size is None)
                      if spread else None)
    if baseline_worst_of > 1:
        assumptions.append(f"baseline is the worst of {baseline_worst_of} measurements (enrolment on a bad day)")
    return NaturalHistoryResult(
        n=n, months=months, seed=seed, parameters=params,
        mean_decline=float(-change.mean()), mean_slope_per_month=float(-change.mean() / months),
        share_improved=float((change > 0).mean()), share_no_decline=float(no_decline.mean()),
        share_any_visit_above_baseline=float((obs[:, 1:] > obs[:, [0]]).any(axis=1).mean()),
        share_improved_4_points=float((change >= 4).mean()), share_improved_4_sustained_12m=sustained,
        claim_responder_fraction=claim_responder_fraction, share_series_reaching_claim=series_share,
        change_quantiles={k: float(v) for k, v in zip(("p05", "p25", "p50", "p75", "p95"), q, strict=True)},
        series_probability_exact=series_exact,
        series_probability_range=(min(spread), max(spread)) if spread else None,
        no_decline_range=(min(p_spread), max(p_spread)) if p_spread else None,
        seeds_checked=list(range(seed, seed + 1 + SPREAD_SEEDS)) if spread else [],
        outcome_definition=OUTCOME_DEFINITION, interpretation=interpretation,
        change_histogram={str(int(v)): int(c) for v, c in zip(*np.unique(change, return_counts=True), strict=True)},
        changes=[int(c) for c in change[:5000]], sources=["S-Ata14", "S-Bed16", "S-NBT16"], assumptions=assumptions)

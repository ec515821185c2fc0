"""The natural-history simulation against published PRO-ACT figures.

Tolerances: mean slope within 0.10 points/month of 1.02 (Atassi 2014; floor effects at 0 points pull
the simulated mean slightly down); share with no decline over 6 months within 0.03 of 25% (Bedlack 2016;
this figure was used to calibrate two parameters, so this test checks the calibration still holds);
share improving >= 4 points sustained for 12 months below 1% (Bedlack 2016; NOT used in calibration, an
independent check of the model). Monte-Carlo error at n = 40,000 is about 0.002 for a 25% share.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from charcot.errors import InputError
from charcot.therapy.natural_history import (
    BEDLACK_NO_DECLINE_6M,
    BEDLACK_SUSTAINED_4PT_12M_MAX,
    PROACT_MEAN_SLOPE,
    simulate_natural_history,
)


def test_matches_proact_mean_slope_and_bedlack_no_decline() -> None:
    r = simulate_natural_history(40000, 6, seed=7)
    assert abs(r.mean_slope_per_month - PROACT_MEAN_SLOPE) < 0.10
    assert abs(r.share_no_decline - BEDLACK_NO_DECLINE_6M) < 0.03


def test_sustained_large_improvement_is_rare_independent_check() -> None:
    r = simulate_natural_history(40000, 24, seed=3)
    assert r.share_improved_4_sustained_12m is not None
    assert r.share_improved_4_sustained_12m < BEDLACK_SUSTAINED_4PT_12M_MAX


def test_reproducible_and_seed_dependent() -> None:
    a = simulate_natural_history(2000, 6, seed=11)
    b = simulate_natural_history(2000, 6, seed=11)
    c = simulate_natural_history(2000, 6, seed=12)
    assert a.model_dump() == b.model_dump()
    assert a.changes != c.changes


def test_regression_to_the_mean_and_placebo_raise_apparent_improvement() -> None:
    base = simulate_natural_history(20000, 3, seed=1)
    rtm = simulate_natural_history(20000, 3, seed=1, baseline_worst_of=3)
    placebo = simulate_natural_history(20000, 3, seed=1, placebo_mean=1.0, placebo_sd=1.0)
    assert rtm.share_improved > base.share_improved + 0.05
    assert placebo.share_improved > base.share_improved + 0.05


def test_claim_series_probability_is_an_exact_binomial_with_its_seed_spread() -> None:
    # issue 15: the series chance was one seed's Monte-Carlo draw (1.5% at seed 0, 1.0-1.1% at others)
    from math import comb

    from charcot.therapy.natural_history import binomial_tail

    r = simulate_natural_history(20000, 6, seed=0, claim_responder_fraction=0.5, claim_series_size=20)
    assert r.series_probability_exact is not None and r.series_probability_range is not None
    p = r.share_no_decline
    brute = sum(comb(20, i) * p**i * (1 - p) ** (20 - i) for i in range(10, 21))
    assert abs(r.series_probability_exact - brute) < 1e-12
    low, high = r.series_probability_range
    assert low <= r.series_probability_exact <= high and r.seeds_checked == [0, 1, 2, 3, 4]
    assert r.no_decline_range is not None and r.no_decline_range[0] <= p <= r.no_decline_range[1]
    # the Monte-Carlo share of replicate series agrees with the exact tail within its own error
    assert r.share_series_reaching_claim is not None and abs(r.share_series_reaching_claim - brute) < 0.03
    assert binomial_tail(5, 0, 0.3) == 1.0 and binomial_tail(5, 6, 0.3) == 0.0
    assert abs(binomial_tail(5, 5, 0.3) - 0.3**5) < 1e-15


def test_assumptions_are_stated() -> None:
    r = simulate_natural_history(2000, 6, seed=0, claim_responder_fraction=0.6)
    text = " | ".join(r.assumptions)
    assert "series size 20 (assumed: the claim gives none)" in text
    assert "placebo/expectation effect set to 0" in text and "no decline" in (r.outcome_definition or "")
    given = simulate_natural_history(2000, 6, seed=0, claim_responder_fraction=0.6, claim_series_size=12)
    assert "series size 12 (the claim's)" in " | ".join(given.assumptions)


def test_plot_caption_counts_the_patients_it_draws() -> None:
    # issue 15: the plot said n = 20000 while drawing the first 5,000 changes
    from charcot.therapy.plots import plot_caption

    r = simulate_natural_history(20000, 6, seed=0, claim_responder_fraction=0.5, claim_series_size=20)
    drawn = sum(r.change_histogram.values())
    assert drawn == r.n == 20000
    caption = plot_caption(r, drawn)
    assert "20,000 simulated patients drawn" in caption and "placebo effect 0" in caption
    assert "of 20,000" in plot_caption(r, 5000)


def test_claim_series_probability() -> None:
    r = simulate_natural_history(20000, 3, seed=0, claim_responder_fraction=0.67, claim_series_size=20)
    assert r.share_series_reaching_claim is not None and 0 <= r.share_series_reaching_claim < 0.2
    low = simulate_natural_history(20000, 3, seed=0, claim_responder_fraction=0.3, claim_series_size=20)
    assert low.share_series_reaching_claim is not None and low.share_series_reaching_claim > 0.5


@pytest.mark.parametrize(("n", "months"), [(0, 6), (10, 0), (10, 100)])
def test_bad_arguments(n: int, months: float) -> None:
    with pytest.raises(InputError):
        simulate_natural_history(n, months, seed=0)


def test_plot_is_png(tmp_path: Path) -> None:
    from charcot.therapy.plots import natural_history_png

    r = simulate_natural_history(500, 3, seed=0, claim_responder_fraction=0.67)
    out = natural_history_png(r, tmp_path / "nh.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_claimed_percentage_is_read_as_the_nearest_count() -> None:
    # "67% improved" in a series of 3 is 2 of 3 patients; it was read as 3 of 3 (ceil(2.01)), giving a 7.5%
    # chance for an untreated series where the honest figure is P(X >= 2) ~ 38% (CLI model; 23% here)
    from charcot.therapy.natural_history import binomial_tail

    r = simulate_natural_history(20000, 3, seed=0, claim_responder_fraction=0.67, claim_series_size=3)
    p = r.share_no_decline
    assert r.series_probability_exact is not None
    assert abs(r.series_probability_exact - binomial_tail(3, 2, p)) < 1e-12 and r.series_probability_exact > 0.2
    assert r.share_series_reaching_claim is not None and abs(r.share_series_reaching_claim - binomial_tail(3, 2, p)) < 0.03
    assert r.parameters["claim_responder_count"] == 2
    # 50% of 20 stays 10 of 20
    half = simulate_natural_history(20000, 3, seed=0, claim_responder_fraction=0.5, claim_series_size=20)
    assert half.series_probability_exact is not None
    assert abs(half.series_probability_exact - binomial_tail(20, 10, half.share_no_decline)) < 1e-12

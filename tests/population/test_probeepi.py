"""Epidemiology on unseen tables (probeepi review, 2026-12-02): each defect test failed before its fix.

The population counts and rates below are made up for the test (rates of the order of the age-specific ALS
incidence, peak ~7-8 per 100,000 person-years at 72-77 y [S-Mar18]); every expected value is worked out here by hand,
independently of charcot's code.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from scipy.optimize import brentq
from scipy.stats import poisson

from charcot.population import epi

POP_HEADER = "age_band\tsex\tpersons\n"
RATE_HEADER = "age_band\tsex\trate\n"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- overlapping population strata: people counted twice ------------------------------------------------------


@pytest.mark.parametrize("rows", [
    "60-69\tall\t10000\n60-69\tM\t4800\n60-69\tF\t5200\n",  # the band's total next to its sex split
    "60-69\tM\t4800\n65-74\tM\t5000\n",                     # two bands sharing ages 65-69
    "all\tall\t100000\n60-69\tM\t4800\n",                   # an all-ages total next to a band
    "85+\tF\t900\n90+\tF\t300\n",                           # open-ended bands that overlap
])
def test_overlapping_population_strata_are_refused_and_nothing_is_written(
        tmp_path: Path, run_cli: Callable[..., Any], rows: str) -> None:
    pop = _write(tmp_path / "pop.tsv", POP_HEADER + rows)
    out = tmp_path / "expected.txt"
    r = run_cli("epi", "expected", str(pop), "--rates", "eurals-by-sex", "-o", str(out))
    assert r.code == 2, r.stdout
    assert "overlap" in r.stderr and "counted twice" in r.stderr and "Traceback" not in r.stderr
    assert "hint" in r.stderr.lower() and not out.exists()


# --- a rate table per person rather than per 100,000 ------------------------------------------------------------


def test_a_rate_table_per_person_without_a_unit_is_refused(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    pop = _write(tmp_path / "pop.tsv", POP_HEADER + "60-69\tall\t200000\n70-79\tall\t150000\n")
    rates = _write(tmp_path / "rates.tsv", RATE_HEADER + "60-69\tall\t0.00005\n70-79\tall\t0.00007\n")
    r = run_cli("epi", "expected", str(pop), "--rates", str(rates))
    assert r.code == 2, r.stdout  # before: 'Expected ALS cases: 0.00021', 100,000 times too few
    assert "per person" in r.stderr and "rate_per_person" in r.stderr


@pytest.mark.parametrize(("unit", "scale"), [("rate_per_person", 1e5), ("rate per 100,000", 1.0),
                                             ("rate_per_1000", 100.0), ("rate per million", 0.1)])
def test_a_rate_table_names_its_unit_in_the_header(tmp_path: Path, unit: str, scale: float) -> None:
    pop = _write(tmp_path / "pop.tsv", POP_HEADER + "60-69\tall\t200000\n70-79\tall\t150000\n")
    per_100k = {"60-69": 5.0, "70-79": 7.0}
    rows = "".join(f"{band}\tall\t{value / scale!r}\n" for band, value in per_100k.items())
    rates = _write(tmp_path / "rates.tsv", f"age_band\tsex\t{unit}\n" + rows)
    res = epi.expected_cases(epi.read_population(pop), epi.resolve_rates(str(rates)))
    assert res.expected == pytest.approx(200000 * 5.0 / 1e5 + 150000 * 7.0 / 1e5)  # 10 + 10.5


# --- age bands written differently, nested or split --------------------------------------------------------------


def test_age_band_notation_and_nested_bands_match(tmp_path: Path) -> None:
    # the population in 5-year bands, written with an en dash and '85 and over'; the rates in 10-year bands, '85+'
    pop = _write(tmp_path / "pop.tsv", POP_HEADER + "60\u201364\tM\t30000\n65 - 69\tM\t25000\n"
                 "85 and over\tF\t8000\n\u226590\tM\t1000\n")
    rates = _write(tmp_path / "rates.tsv", RATE_HEADER + "60-69\tM\t6\n85+\tF\t4\n85+\tM\t5\n")
    res = epi.expected_cases(epi.read_population(pop), epi.resolve_rates(str(rates)), years=2)
    assert res.expected == pytest.approx(2 * (30000 * 6 + 25000 * 6 + 8000 * 4 + 1000 * 5) / 1e5)


def test_a_population_band_that_spans_several_rate_bands_is_refused(tmp_path: Path,
                                                                     run_cli: Callable[..., Any]) -> None:
    pop = _write(tmp_path / "pop.tsv", POP_HEADER + "60-69\tall\t50000\n")
    rates = _write(tmp_path / "rates.tsv", RATE_HEADER + "60-64\tall\t5\n65-69\tall\t7\nall\tall\t2.16\n")
    r = run_cli("epi", "expected", str(pop), "--rates", str(rates))
    assert r.code == 2, r.stdout  # before: the crude all-ages rate 2.16 was used for ages 60-69, silently
    assert "60-64" in r.stderr and "65-69" in r.stderr and "hint" in r.stderr.lower()


def test_a_band_given_the_crude_rate_is_said(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    pop = _write(tmp_path / "pop.tsv", POP_HEADER + "70-79\tall\t40000\n90+\tall\t2000\n")
    rates = _write(tmp_path / "rates.tsv", RATE_HEADER + "70-79\tall\t7.5\nall\tall\t2.16\n")
    r = run_cli("epi", "expected", str(pop), "--rates", str(rates))
    assert r.code == 0, r.stderr
    assert f"{(40000 * 7.5 + 2000 * 2.16) / 1e5:.2f}" in r.stdout
    assert "90+" in r.stdout and "all-ages rate" in r.stdout  # before: nothing said the 90+ band got the crude rate


def test_a_missing_rate_names_the_bands_the_table_has(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    pop = _write(tmp_path / "pop.tsv", POP_HEADER + "40-49\tF\t1000\n")
    rates = _write(tmp_path / "rates.tsv", RATE_HEADER + "60-69\tF\t5\n70-79\tF\t7\n")
    r = run_cli("epi", "expected", str(pop), "--rates", str(rates))
    assert r.code == 2 and "40-49" in r.stderr and "60-69 F, 70-79 F" in r.stderr


# --- the SIR: Garwood limits worked out from the Poisson tails, and the wording ---------------------------------


def _garwood(observed: int, level: float) -> tuple[float, float]:
    """The exact limits from their definition: P(X >= O | low) = a/2 and P(X <= O | high) = a/2."""
    a = (1 - level) / 2
    low = 0.0 if observed == 0 else brentq(lambda m: poisson.sf(observed - 1, m) - a, 1e-12, 10 * observed + 50)
    high = brentq(lambda m: poisson.cdf(observed, m) - a, 1e-12, 10 * observed + 50)
    return low, high


@pytest.mark.parametrize(("observed", "expected", "level"), [(0, 2.4, 0.95), (1, 0.3, 0.95), (4, 1.9, 0.9),
                                                             (17, 9.2, 0.95), (60, 71.5, 0.99)])
def test_sir_limits_are_the_garwood_limits(observed: int, expected: float, level: float) -> None:
    s = epi.sir(observed, expected, level)
    low, high = _garwood(observed, level)
    assert s.low == pytest.approx(low / expected, rel=1e-6) and s.high == pytest.approx(high / expected, rel=1e-6)
    assert s.p_excess == pytest.approx(1.0 if observed == 0 else 1 - poisson.cdf(observed - 1, expected))


def test_a_small_count_says_so() -> None:
    text = epi.explain_sir(epi.sir(3, 1.4), "Valley")  # SIR 2.14, 95% CI 0.44-6.26
    assert "interval includes 1" in text and "excess" not in text.split("In plain words:")[1].split(".")[0]
    assert "3 cases" in text and "small" in text  # before: nothing said that three cases is a small count
    big = epi.explain_sir(epi.sir(250, 240.0), "Region")
    assert "small" not in big


def test_the_json_names_the_bands_given_the_crude_rate(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    import json

    pop = _write(tmp_path / "pop.tsv", POP_HEADER + "70-79\tall\t40000\n90+\tall\t2000\n")
    rates = _write(tmp_path / "rates.tsv", RATE_HEADER + "70-79\tall\t7.5\nall\tall\t2.16\n")
    r = run_cli("epi", "expected", str(pop), "--rates", str(rates), "--format", "json")
    assert r.code == 0, r.stderr
    data = json.loads(r.stdout)  # before: nothing in the JSON said the 90+ band got the all-ages rate
    assert data["crude_rate_for"] == ["90+ all"]
    assert [s["rate_band"] for s in data["strata"]] == ["70-79", "all"]


def test_a_header_naming_the_age_column_otherwise_is_read_as_a_header(tmp_path: Path) -> None:
    # a census export's 'Age group<TAB>Sex<TAB>Population': before, "line 1: persons 'Population' is not a number"
    pop = _write(tmp_path / "pop.tsv", "Age group\tSex\tPopulation\n60-69\tM\t4800\n70-79\tF\t3000\n")
    rates = _write(tmp_path / "rates.tsv", "Age (years)\tSex\tRate per 100,000\n60-69\tM\t6\n70-79\tF\t7\n")
    res = epi.expected_cases(epi.read_population(pop), epi.resolve_rates(str(rates)))
    assert res.expected == pytest.approx((4800 * 6 + 3000 * 7) / 1e5)

from __future__ import annotations

from pathlib import Path

import pytest

from charcot.population import epi


def test_expected_and_sir(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    pop = tmp_path / "pop.tsv"
    pop.write_text("age_band\tsex\tpersons\nall\tM\t500000\nall\tF\t500000\n", encoding="utf-8")
    res = epi.expected_cases(epi.read_population(pop), epi.resolve_rates("eurals-by-sex"), years=2)
    assert res.expected == pytest.approx(2 * (5 * 3.0 + 5 * 2.4))  # EURALS 3.0 men, 2.4 women per 100,000
    s = epi.sir(80, res.expected)
    assert s.sir == pytest.approx(80 / 54) and s.low > 1 and s.p_excess < 0.01
    out = run_cli("epi", "expected", pop, "--rates", "eurals-by-sex", "--years", "2", "--observed", "80")
    assert out.code == 0 and "S-Log10" in out.stdout and "SIR 1.48" in out.stdout


def test_prevalence_and_unverified_flag() -> None:
    assert epi.prevalence(2.16, 2.5) == pytest.approx(5.4)
    assert "confidence: unverified" in epi.explain_prevalence(2.16, 2.5)


def test_bad_population_file(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    pop = tmp_path / "pop.tsv"
    pop.write_text("age_band\tsex\tpersons\n60-69\tX\t100\n", encoding="utf-8")
    out = run_cli("epi", "expected", pop)
    assert out.code == 2 and "line 2" in out.stderr


def test_sir_wording_says_chance_could_explain_and_no_lower_tail_test() -> None:
    # issue 15: "chance explains it" overstated; with 0 observed cases the excess test is meaningless
    compatible = epi.explain_sir(epi.sir(3, 2.5), "Town")
    assert "chance could explain it" in compatible and "chance explains it" not in compatible
    none = epi.explain_sir(epi.sir(0, 2.5), "Town")
    assert "no lower-tail test" in none and "0 or more cases" not in none


def test_tiny_population_prints_the_expected_count_not_zero(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    # 12 persons aged 60-69 for one year: ~0.0003 cases expected; printed "expected 0.00; SIR 3858" before
    pop = tmp_path / "pop.tsv"
    pop.write_text("age_band\tsex\tpersons\n60-69\tall\t12\n")
    result = run_cli("epi", "expected", pop, "--observed", "1")
    assert result.code == 0, result.stderr
    assert "0.00 " not in result.stdout and "expected 0.00;" not in result.stdout
    assert "Expected ALS cases in the area: 0.00026" in result.stdout
    assert "each case adds 3,858 to the SIR" in result.stdout
    sir = epi.sir(3, 12.5)
    assert "expected 12.50;" in epi.explain_sir(sir, "X") and "each case adds" not in epi.explain_sir(sir, "X")


def test_prevalence_prints_sensible_significant_digits(run_cli) -> None:  # type: ignore[no-untyped-def]
    # issue 15 (round 2): 'charcot epi prevalence --incidence 2.1666666 --duration 2.33333333' printed
    # "2.16667 per 100,000 per year x 2.33333 years" (six digits echoed from the input)
    result = run_cli("epi", "prevalence", "--incidence", "2.1666666", "--duration", "2.33333333")
    assert result.code == 0, result.stderr
    assert "2.17 per 100,000 per year x 2.33 years = 5.06 per 100,000" in result.stdout
    assert "2.16667" not in result.stdout and "2.33333" not in result.stdout
    assert [epi.significant(v) for v in (2.16, 0.00026, 1234.6, 108.0, 5.4)] == ["2.16", "0.000260", "1,235",
                                                                                  "108", "5.40"]

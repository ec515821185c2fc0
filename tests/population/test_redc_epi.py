"""Epidemiology cases an independent checker (redc) built; each failed before its fix."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


@pytest.mark.parametrize("level", ["1.5", "0", "1", "-0.95"])
def test_epi_sir_refuses_a_confidence_level_outside_0_1(run_cli: Callable[..., Any], level: str) -> None:
    r = run_cli("epi", "sir", "--observed", "2", "--expected", "2", "--level", level)
    assert r.code == 2, r.stdout
    assert "confidence level must be between 0 and 1" in r.stderr and "nan" not in r.stdout


@pytest.mark.parametrize(("args", "option"), [
    (["epi", "prevalence", "--incidence", "nan", "--duration", "3"], "--incidence"),  # printed 'nan per 100,000'
    (["epi", "prevalence", "--incidence", "2", "--duration", "inf"], "--duration"),
    (["epi", "sir", "--observed", "2", "--expected", "inf"], "--expected"),           # printed 'SIR 0.00 (CI 0.00-0.00)'
])
def test_a_number_option_refuses_nan_and_infinity(run_cli: Callable[..., Any], args: list[str], option: str) -> None:
    r = run_cli(*args)
    assert r.code == 2, r.stdout
    assert f"Invalid value for '{option}'" in r.stderr and "is not a valid number" in r.stderr
    assert "nan" not in r.stdout and "inf" not in r.stdout

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

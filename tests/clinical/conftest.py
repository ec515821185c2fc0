"""Helpers for the clinical tests: build cases from small dicts."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from charcot.clinical.model import AlsfrsR, ClinicalCase

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "clinical" / "example_case.yaml"


def items(**overrides: int) -> AlsfrsR:
    """ALSFRS-R with every item 4 (q5a) unless overridden; q5b=... switches item 5 to 5b."""
    base: dict[str, int | None] = {f"q{i}": 4 for i in (1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12)}
    base["q5a"] = 4
    if "q5b" in overrides:
        base["q5a"] = None
    base.update(overrides)
    return AlsfrsR.model_validate(base)


@pytest.fixture
def example_raw() -> dict[str, Any]:
    return copy.deepcopy(yaml.safe_load(EXAMPLE.read_text()))


@pytest.fixture
def example_case(example_raw: dict[str, Any]) -> ClinicalCase:
    return ClinicalCase.model_validate(example_raw)

"""Reviewer probe (probe-clin): matching on a date before a therapy's approval.

Before the fix, tofersen matched on 2022-06-01 read "not approved for ALS in any region; development status:
approved" (the snapshot's status beside a date before any approval), and in the EU on 2023-06-01 it read
"cannot decide: charcot has no regulatory record for Tofersen in EU" although the EU approval (2024-05-31) is on
record. Through the real command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "therapy"


@pytest.mark.parametrize(("on", "verdict", "words"), [
    ("2022-06-01", "not_eligible", "not yet approved for ALS in any region on 2022-06-01 (first approval on record: "
                                   "United States (FDA), 2023-04-25)"),
    ("2023-06-01", "not_eligible", "European Union (EMA/European Commission): not yet approved on 2023-06-01"),
    ("2024-06-01", "eligible", "European Union (EMA/European Commission): exceptional circumstances on 2024-05-31"),
])
def test_tofersen_before_and_after_its_eu_approval(run_cli: Any, tmp_path: Path, on: str, verdict: str,
                                                   words: str) -> None:
    r = run_cli("therapies", DATA / "sod1_patient.yaml", "--as-of", on, "--format", "json")
    assert r.code == 0, r.stderr
    tofersen = next(t for t in json.loads(r.stdout)["therapies"] if t["id"] == "tofersen")
    assert tofersen["verdict"] == verdict
    reason = next(c["reason"] for c in tofersen["criteria"] if c["id"] == "approved_in_region")
    assert words in reason and "development status: approved" not in reason

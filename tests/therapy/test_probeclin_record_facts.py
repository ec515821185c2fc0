"""Reviewer probe (probe-clin): 'charcot therapies' reads a clinical record as the report does.

Before the fix the record's 'country' was dropped by 'charcot therapies CASE' (every therapy 'cannot decide:
missing country or region') while the report, reading the same record, used it; and the record's variant name was
dropped, so a criterion listing variants could not read it. Through the real command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

_CASE = """id: probe-facts
sex: female
onset: {date: 2025-01-10, region: lower_limb}
diagnosis: {date: 2025-06-01, el_escorial_at_diagnosis: probable}
country: us
genotype:
  findings:
    - {gene: SOD1, variant: p.Ala5Val, classification: Pathogenic}
visits:
  - date: 2025-06-01
    alsfrs_r: {q1: 4, q2: 4, q3: 4, q4: 4, q5a: 4, q6: 4, q7: 3, q8: 3, q9: 3, q10: 4, q11: 4, q12: 4}
    fvc_percent_predicted: 90
"""


def test_record_country_and_variant_are_read(run_cli: Any, tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(_CASE)
    r = run_cli("therapies", case, "--format", "json")
    assert r.code == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["region"] == "US"
    therapies = {t["id"]: t for t in data["therapies"]}
    assert therapies["riluzole"]["verdict"] == "eligible"
    tofersen = therapies["tofersen"]
    assert tofersen["verdict"] == "cannot_decide"  # no date of birth: age unknown, never assumed adult
    assert any("p.Ala5Val" in c["reason"] for c in tofersen["criteria"])

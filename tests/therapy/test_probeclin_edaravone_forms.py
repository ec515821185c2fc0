"""Reviewer probe (probeclin, 2026-12-01 evening): the two forms of edaravone are judged on the same evidence.

Unseen case: the demo's clinical record (tests/data/clinical/example_case.yaml: FVC 48% predicted, 21 months from
onset) matched in the US. Edaravone's benefit was shown only in the pivotal trial's early population (FVC at least 80%,
at most 2 years from onset: advisory criteria of the IV record); the oral suspension was approved on a pharmacokinetic
bridge to the IV form, with no efficacy trial of its own. Before the fix the oral record had no such criteria: page 1
read "Can receive now in US: Riluzole (Rilutek), Edaravone oral suspension (Radicava ORS)" while the IV form of the same
drug was "to be decided" because the patient lies outside the population where it was shown to work."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CASE = Path(__file__).resolve().parents[1] / "data" / "clinical" / "example_case.yaml"


def test_oral_and_iv_edaravone_read_alike(run_cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = run_cli("report", "--clinical", CASE, "--country", "US", "--no-pdf", "-q", "--outdir", out)
    assert r.code == 0, r.stderr
    report = json.loads((out / "report.json").read_text())
    forms = {t["name"]: t for t in report["therapies"]["items"] if "daravone" in t["name"]}
    assert len(forms) == 2
    assert {t["group"] for t in forms.values()} == {"check"}, {n: t["group"] for n, t in forms.items()}
    for t in forms.values():
        assert "FVC at least 80% predicted" in t["eligibility"], t["eligibility"]
    line = next(s["text"] for s in report["summary"] if s["topic"] == "Therapy")
    assert "Edaravone" not in line.split(";")[0], line


def test_an_early_patient_can_receive_either_form(run_cli: Any, tmp_path: Path) -> None:
    facts = tmp_path / "facts.yaml"
    facts.write_text("clinical: {affected: true, age: 55, region: US, fvc_percent: 92, disease_duration_months: 9}\n")
    r = run_cli("therapies", facts, "--format", "json")
    assert r.code == 0, r.stderr
    verdicts = {m["id"]: m["verdict"] for m in json.loads(r.stdout)["therapies"] if m["id"].startswith("edaravone")}
    assert verdicts == {"edaravone_iv": "eligible", "edaravone_oral": "eligible"}

"""Reviewer probe (probecase, 2026-12-02): a patient under 18 is not told 'Can receive now: Riluzole'.

Unseen case: juvenile FUS-ALS, born 2009-03-01, onset at 15 (2025-01), definite ALS, a laboratory's FUS p.Pro525Leu
(Pathogenic) in the record, last visit 2026-01-15 (16.9 years), US. Before the fix page 1 read "Can receive now in
US: Riluzole (Rilutek)": riluzole's only criterion was "clinically manifest ALS", while its EU summary of product
characteristics (S-RilSmPC, section 4.2) does not recommend it in the paediatric population (no data on safety and
efficacy in children or adolescents). Riluzole now carries that as an advisory criterion: a clinician decides."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from charcot.report.consistency import contradictions
from charcot.report.model import Report

CASE = """id: CASE-FUS
sex: female
date_of_birth: 2009-03-01
onset: {date: 2025-01-10, region: upper_limb}
diagnosis: {date: 2025-06-01, el_escorial_at_diagnosis: definite}
country: US
ftd: false
genotype:
  c9orf72_status: normal
  findings:
    - {gene: FUS, variant: "p.Pro525Leu", classification: Pathogenic}
visits:
  - date: 2025-06-01
    alsfrs_r: {q1: 4, q2: 4, q3: 4, q4: 3, q5a: 3, q6: 3, q7: 4, q8: 4, q9: 4, q10: 4, q11: 4, q12: 4}
    fvc_percent_predicted: 90
  - date: 2026-01-15
    alsfrs_r: {q1: 4, q2: 3, q3: 4, q4: 2, q5a: 2, q6: 2, q7: 3, q8: 3, q9: 3, q10: 3, q11: 4, q12: 4}
    fvc_percent_predicted: 78
"""


def _riluzole(run_cli: Any, tmp_path: Path, case: str) -> tuple[Report, Any]:
    (tmp_path / "case.yaml").write_text(case)
    out = tmp_path / "out"
    r = run_cli("report", "--clinical", tmp_path / "case.yaml", "--no-pdf", "-q", "--outdir", out)
    assert r.code == 0, r.stderr
    report = Report.model_validate_json((out / "report.json").read_text())
    return report, next(t for t in report.therapies.items if t.name.startswith("Riluzole"))


def test_riluzole_is_for_the_clinician_to_decide_under_18(run_cli: Any, tmp_path: Path) -> None:
    report, riluzole = _riluzole(run_cli, tmp_path, CASE)
    assert riluzole.group == "check", riluzole
    paediatric = [c for c in riluzole.criteria if c.state == "failed"]
    assert paediatric and not paediatric[0].blocking and "16" in paediatric[0].text, riluzole.criteria
    therapy = next(s.text for s in report.summary if s.topic == "Therapy")
    assert "Can receive now" not in therapy and "to be decided by the clinician" in therapy, therapy
    assert contradictions(report) == []

    # `charcot therapies` on the record says the same: before, its line read "eligible on every checked criterion"
    # above the failed advisory criterion (edaravone's FVC below the pivotal trial's 80% alike)
    r = run_cli("therapies", tmp_path / "case.yaml", "--as-of", "2026-01-20", "--format", "json")
    assert r.code == 0, r.stderr
    import json

    matches = {t["name"]: t for t in json.loads(r.stdout)["therapies"]}
    for name in ("Riluzole (Rilutek)", "Edaravone intravenous (Radicava, Radicut)"):
        summary = matches[name]["summary"]
        assert "every checked criterion" not in summary and "advisory criterion not met" in summary, (name, summary)
    r = run_cli("therapies", tmp_path / "case.yaml")
    block = r.stdout.split("* Riluzole (Rilutek)")[1].split("\n* ")[0]
    assert "advisory criterion not met" in block and "adult" in block.split("advisory criterion not met")[1], block


def test_riluzole_stays_available_to_an_adult(run_cli: Any, tmp_path: Path) -> None:
    _, riluzole = _riluzole(run_cli, tmp_path, CASE.replace("date_of_birth: 2009-03-01", "date_of_birth: 1989-03-01"))
    assert riluzole.group == "now", riluzole
    assert any(c.state == "met" and not c.blocking and "36" in c.text for c in riluzole.criteria), riluzole.criteria

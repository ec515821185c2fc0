"""Reviewer probe (probecase, 2026-12-02): the patient's cognitive and behavioural category reaches the report.

Unseen case: bulbar-onset ALS with frontotemporal dementia (`ftd: true`, Strong 2017 category ALS-FTD recorded,
apathy, disinhibition and loss of empathy with progressive deterioration), two visits, and the real ExpansionHunter
v5 file with its C9orf72 record an expansion. Before the fix the report said nothing of the cognition anywhere a
reader looks (page 1, the clinical table, the items): only report.json's analyses held it, although the ENCALS
number on page 1 was computed with FTD = yes and `charcot clinical` on the same record prints "Strong 2017 category:
ALS with frontotemporal dementia (ALS-FTD) (recorded)"; the ECAS references were listed without a sentence citing
them. Without any cognitive record page 1 already said "no cognitive/behavioural screen recorded"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from charcot.report.consistency import contradictions
from charcot.report.demo import demo_dir
from charcot.report.model import ItemState, Report

CASE = """id: CASE-C9FTD
sex: male
date_of_birth: 1958-05-10
onset: {date: 2025-01-15, region: bulbar}
diagnosis: {date: 2025-09-01, el_escorial_at_diagnosis: probable_laboratory_supported}
ftd: true
regions_involved: {bulbar: 2025-01-15, upper_limb: 2025-08-01}
cognition:
  strong_category: als_ftd
  findings:
    apathy: true
    rascovsky_features: [disinhibition, apathy, loss_of_empathy]
    progressive_deterioration: true
visits:
  - date: 2025-09-01
    alsfrs_r: {q1: 2, q2: 3, q3: 2, q4: 4, q5a: 4, q6: 4, q7: 4, q8: 4, q9: 4, q10: 4, q11: 4, q12: 4}
    fvc_percent_predicted: 88
  - date: 2025-12-01
    alsfrs_r: {q1: 2, q2: 2, q3: 1, q4: 3, q5a: 3, q6: 4, q7: 4, q8: 4, q9: 4, q10: 4, q11: 4, q12: 4}
    fvc_percent_predicted: 80
"""


def _features(tmp_path: Path) -> list[dict[str, Any]]:
    import json

    return list(json.loads((tmp_path / "out" / "phenopacket.json").read_text()).get("phenotypicFeatures", []))


def _report(run_cli: Any, tmp_path: Path, case: str) -> Report:
    (tmp_path / "case.yaml").write_text(case)
    out = tmp_path / "out"
    r = run_cli("report", "--clinical", tmp_path / "case.yaml", "--str", demo_dir() / "demo.str.vcf", "--str-sample",
                "hugelymodelbat_lanes_1_sorted_md", "--no-pdf", "-q", "--outdir", out)
    assert r.code == 0, r.stderr
    return Report.model_validate_json((out / "report.json").read_text())


def test_als_ftd_is_told_in_the_clinical_table_the_item_and_page_1(run_cli: Any, tmp_path: Path) -> None:
    report = _report(run_cli, tmp_path, CASE)
    measure = next(m for m in report.clinical.measures if m.name.startswith("Cognition and behaviour"))
    assert measure.value == "ALS with frontotemporal dementia (ALS-FTD)", measure
    assert "recorded" in (measure.detail or "") and "S-Str17" in measure.sources
    item = next(i for i in report.items if i.key == f"score:{measure.name}")
    assert item.status == ItemState.ASSESSED and item.result == measure.value
    stage = next(s.text for s in report.summary if s.topic == "Stage")
    assert "ALS-FTD" in stage, stage
    assert contradictions(report) == []
    # the exported phenopacket says it too: HPO's Frontotemporal dementia (id checked against the bundled ontology)
    assert {"type": {"id": "HP:0002145", "label": "Frontotemporal dementia"}} in _features(tmp_path)


def test_a_record_without_cognition_keeps_its_screening_alert(run_cli: Any, tmp_path: Path) -> None:
    plain = CASE.replace("ftd: true\n", "").split("cognition:")[0] + "visits:" + CASE.split("visits:")[1]
    report = _report(run_cli, tmp_path, plain)
    assert not any(m.name.startswith("Cognition and behaviour") for m in report.clinical.measures)
    assert any("no cognitive/behavioural screen recorded" in a for a in report.clinical.alerts)
    assert not any(f["type"]["id"] == "HP:0002145" for f in _features(tmp_path))

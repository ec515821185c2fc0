"""Reviewer probe (probe-case): a variant of uncertain significance in a therapy's target gene is not hidden.

Unseen case: a C9orf72 expansion carrier with a SOD1 VUS (p.Asp91Asn). Before the fix tofersen and every SOD1 trial
were left out of the default listing (and out of the report's therapy section) without a word, as for a patient with
no SOD1 variant at all; a clinician reading the report could not tell that tofersen had been considered. They are now
listed as not eligible with the failed criterion, and a per-gene note says that a reclassification would change this.
A benign SOD1 variant keeps them hidden."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

_CASE = """id: probe-vus
genotype:
  genetic_testing_done: true
  findings:
    - {{gene: SOD1, classification: {cls}, hgvs_p: p.Asp91Asn}}
  repeats: {{C9orf72: expanded}}
clinical: {{affected: true, age: 55, country: US}}
"""


@pytest.mark.parametrize(("cls", "shown"), [("Uncertain significance", True), ("Likely benign", False)])
def test_sod1_vus_lists_tofersen_as_not_eligible(run_cli: Any, tmp_path: Path, cls: str, shown: bool) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(_CASE.format(cls=cls))
    r = run_cli("therapies", case, "--format", "json")
    assert r.code == 0, r.stderr
    data = json.loads(r.stdout)
    tof = next(t for t in data["therapies"] if t["id"] == "tofersen")
    assert tof["relevant"] is shown
    assert tof["verdict"] == "not_eligible"
    assert "SOD1 p.Asp91Asn is classified" in tof["failed"][0]
    note = [n for n in data["gene_notes"] if n.startswith("SOD1:")]
    if shown:
        assert note and "uncertain significance" in note[0] and "reclassification would change this" in note[0]
        assert "tofersen" in {t["id"] for t in data["therapies"] if t["relevant"]}
        assert "Tofersen (Qalsody) -> NOT ELIGIBLE" in run_cli("therapies", case).stdout
    else:
        assert not note

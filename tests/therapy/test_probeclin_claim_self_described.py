"""Reviewer probe (probeclin, 2026-12-01 evening): a claim's own description of its study design is not evidence.

Unseen case: the stem-cell clinic claim of charcot seed 002 (tests/data/therapy/claim_gencell_stem_cell.yaml), as the
clinic could phrase it: "a randomised, double-blind, placebo-controlled study of 30 patients", with no trial
registration and no peer-reviewed publication. Before the fix `charcot claim check` read the stated design as
established: "AAN class I", "certainty: moderate to high", ALSUntangled "Trials A-C", verdict "testable evidence",
and dropped the advice not to pay for an unproven treatment, beside its own red flags (patient pays, no registration,
no peer-reviewed publication, claims to reverse ALS). AAN classes grade a study that can be read; a design nobody can
check (no registry entry, no publication) is the claimant's word: Class IV. Through the real command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

DATA = Path(__file__).resolve().parents[1] / "data" / "therapy"
_SELF_DESCRIBED_RCT = {"design": "rct", "control": "placebo", "randomised": True, "blinded_assessment": True,
                       "allocation_concealed": True, "primary_outcome_prespecified": True, "dropouts_reported": True,
                       "n": 30}


def _grade(run_cli: Any, tmp_path: Path, base: str, **changes: object) -> dict[str, Any]:
    claim = yaml.safe_load((DATA / f"{base}.yaml").read_text())
    claim.update(changes)
    path = tmp_path / "claim.yaml"
    path.write_text(yaml.safe_dump(claim))
    r = run_cli("claim", "check", path, "--format", "json")
    assert r.code == 0, r.stderr
    return json.loads(r.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize("peer_reviewed", [False, None])
def test_stem_cell_clinic_self_described_rct_is_not_supported(run_cli: Any, tmp_path: Path,
                                                              peer_reviewed: bool | None) -> None:
    g = _grade(run_cli, tmp_path, "claim_gencell_stem_cell", **_SELF_DESCRIBED_RCT, peer_reviewed=peer_reviewed)
    assert g["aan_class"] == "IV", g["aan_reason"]
    assert "registration" in g["aan_reason"] and "peer-reviewed" in g["aan_reason"], g["aan_reason"]
    assert g["certainty"] == "very low" and g["verdict"].startswith("unproven"), (g["certainty"], g["verdict"])
    assert "do not pay" in g["advice"]
    assert not g["alsuntangled_trials"].startswith("A")


@pytest.mark.parametrize("changes", [{}, {"registration": None}, {"peer_reviewed": None}])
def test_a_checkable_rct_keeps_its_class(run_cli: Any, tmp_path: Path, changes: dict[str, object]) -> None:
    # registered, or published in a peer-reviewed journal (an older, unregistered trial): the design can be read
    g = _grade(run_cli, tmp_path, "claim_class1_rct", **changes)
    assert g["aan_class"] == "I", g["aan_reason"]

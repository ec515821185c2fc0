"""Claim grading: AAN classes, ALSUntangled-style grades, red flags, controlled evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from charcot.errors import InputError
from charcot.knowledge import get_knowledge
from charcot.knowledge.schema.claims import Record as KnownClaim
from charcot.therapy.api import grade_claim, load_claim
from charcot.therapy.claims import red_flags

DATA = Path(__file__).resolve().parents[1] / "data" / "therapy"


def grade(name: str, **kw: object):  # type: ignore[no-untyped-def]
    return grade_claim(load_claim(DATA / f"{name}.yaml"), simulate=False, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(("fixture", "aan", "trials_grade", "ocebm"), [
    ("claim_class1_rct", "I", "A-C (reviewer)", "2"),
    ("claim_class2_rct", "II", "A-C (reviewer)", "2"),
    ("claim_class3_historical", "III", "D", "4"),
    ("claim_gencell_stem_cell", "IV", "U", "4"),
    ("claim_testimonial_cure", "IV", "U", "5"),
])
def test_each_grade(fixture: str, aan: str, trials_grade: str, ocebm: str) -> None:
    g = grade(fixture)
    assert g.aan_class == aan, g.aan_reason
    assert g.alsuntangled_trials == trials_grade
    assert g.ocebm_level == ocebm


def test_seed_stem_cell_claim_is_class_iv_with_stem_cell_phase3_evidence() -> None:
    g = grade("claim_gencell_stem_cell")
    assert g.alsuntangled_cases == "D"
    assert g.certainty == "very low" and g.verdict.startswith("unproven")
    ids = {e["id"] for e in g.controlled_evidence}
    assert {"nurown", "NCT03280056"} <= ids
    assert "gencell_stem_cell_67pct" in g.known_claims
    flags = {f.id for f in g.red_flags}
    assert {"no_control", "patient_pays", "not_registered", "subjective_outcome", "no_denominator", "reversal"} <= flags
    assert "cure" not in flags  # the page says "treatment", never "cure"


def test_every_red_flag_is_reachable() -> None:
    flags = {f.id for f in grade("claim_testimonial_cure").red_flags}
    expected = {"no_control", "patient_pays", "not_registered", "subjective_outcome", "no_denominator", "unblinded",
                "many_diseases", "testimonial", "cure", "guaranteed", "clinically_proven", "no_risk", "reversal"}
    assert expected <= flags
    assert "not_peer_reviewed" in {f.id for f in grade("claim_gencell_stem_cell").red_flags}
    for flag in grade("claim_testimonial_cure").red_flags:
        assert flag.sources


def test_clean_rct_has_no_red_flags() -> None:
    assert red_flags(load_claim(DATA / "claim_class1_rct.yaml")) == []


def test_flag_words_not_triggered_by_substrings() -> None:
    claim = load_claim(DATA / "claim_class1_rct.yaml").model_copy(update={"text": "Secure, accurate, procured data."})
    assert "cure" not in {f.id for f in red_flags(claim)}


def test_knowledge_claims_grade_as_their_assessment_says() -> None:
    kb = get_knowledge()
    known = {c.id: c for c in kb.typed("claims", KnownClaim)}
    assert grade_claim(known["gencell_stem_cell_67pct"].claim, simulate=False).aan_class == "IV"
    assert grade_claim(known["precision_stem_cell_reports"].claim, simulate=False).alsuntangled_trials == "U"
    # subgroup of a failed RCT: randomised but primary outcome not pre-specified for the subgroup
    assert grade_claim(known["nurown_early_subgroup"].claim, simulate=False).aan_class in ("II", "III")


def test_bad_claim_file() -> None:
    with pytest.raises(InputError) as err:
        load_claim(DATA / "bad_claim.yaml")
    assert "invalid claim" in err.value.message

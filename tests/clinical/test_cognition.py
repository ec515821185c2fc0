from __future__ import annotations

import pytest

from charcot.clinical.cognition import assess_cognition, interpret_ecas, strong_category
from charcot.clinical.model import Cognition, CognitiveFindings, Ecas, StrongCategory


@pytest.mark.parametrize(("score", "value", "result"), [
    ("total", 105, "abnormal"), ("total", 106, "borderline"), ("total", 110, "borderline"), ("total", 111, "normal"),
    ("als_specific", 77, "abnormal"), ("als_specific", 82, "borderline"), ("als_specific", 83, "normal"),
    ("als_nonspecific", 24, "abnormal"), ("als_nonspecific", 25, "normal"),
])
def test_ecas_cutoffs(score: str, value: int, result: str) -> None:
    (only,) = interpret_ecas(Ecas.model_validate({score: value}))
    assert only.result == result


@pytest.mark.parametrize(("findings", "category"), [
    ({}, StrongCategory.ALS_CN),
    ({"apathy": True}, StrongCategory.ALS_BI),
    ({"rascovsky_features": ["disinhibition", "hyperorality"]}, StrongCategory.ALS_BI),
    ({"rascovsky_features": ["disinhibition", "executive_profile"]}, StrongCategory.ALS_CN),
    ({"letter_fluency_impaired": True}, StrongCategory.ALS_CI),
    ({"executive_tests_impaired": 1}, StrongCategory.ALS_CN),
    ({"executive_tests_impaired": 2}, StrongCategory.ALS_CI),
    ({"language_tests_impaired": 2, "apathy": True}, StrongCategory.ALS_CBI),
    ({"progressive_deterioration": True, "rascovsky_features": ["apathy", "disinhibition", "perseveration"]},
     StrongCategory.ALS_FTD),
    ({"progressive_deterioration": True, "rascovsky_features": ["apathy", "disinhibition"]}, StrongCategory.ALS_BI),
    ({"progressive_deterioration": True, "rascovsky_features": ["apathy", "disinhibition"], "loss_of_insight": True},
     StrongCategory.ALS_FTD),
    ({"progressive_deterioration": True, "meets_ppa_criteria": True}, StrongCategory.ALS_FTD),
    ({"meets_ppa_criteria": True}, StrongCategory.ALS_CN),  # ALS-FTD requires progressive deterioration
])
def test_strong_2017_categories(findings: dict[str, object], category: StrongCategory) -> None:
    assert strong_category(CognitiveFindings.model_validate(findings))[0] is category


def test_recorded_category_wins_and_disagreement_is_flagged() -> None:
    cognition = Cognition.model_validate({"strong_category": "als_ftd", "findings": {}})
    result = assess_cognition(cognition, None)
    assert result is not None and result.ftd is True
    assert any("differs" in c for c in result.caveats)
    assert assess_cognition(None, None) is None
    explicit = assess_cognition(None, False)
    assert explicit is not None and explicit.ftd is False

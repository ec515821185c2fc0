"""Bayesian points (Tavtigian et al. 2018; 2020): Supporting 1, Moderate 2, Strong 4, Very Strong 8;
benign criteria count negative. Classes: P >= 10, LP 6..9, VUS 0..5, LB -1..-6, B <= -7.
BA1 is stand-alone benign."""

from __future__ import annotations

from collections.abc import Sequence

from charcot.model import AcmgClass, Evidence

STRENGTH_POINTS = {"Supporting": 1, "Moderate": 2, "Strong": 4, "VeryStrong": 8, "StandAlone": 8}
STRENGTHS = ("Supporting", "Moderate", "Strong", "VeryStrong")
BENIGN_CRITERIA = {"BA1", "BS1", "BS2", "BS3", "BS4", "BP1", "BP2", "BP3", "BP4", "BP5", "BP6", "BP7"}


def points_for(criterion: str, strength: str) -> float:
    value = float(STRENGTH_POINTS[strength])
    return -value if criterion in BENIGN_CRITERIA else value


def label(e: Evidence) -> str:
    """'PM2_Supporting', 'PVS1', 'BS1' ... (default strength omitted, as in the literature)."""
    default = {"PVS": "VeryStrong", "PS": "Strong", "PM": "Moderate", "PP": "Supporting", "BA": "StandAlone",
               "BS": "Strong", "BP": "Supporting"}
    if default.get(e.criterion.rstrip("0123456789")) == e.strength:
        return e.criterion
    return f"{e.criterion}_{e.strength}"


def total_points(evidence: Sequence[Evidence]) -> float:
    return float(sum(e.points for e in evidence if e.applied))


def classify(evidence: Sequence[Evidence]) -> tuple[float, AcmgClass]:
    applied = [e for e in evidence if e.applied]
    points = total_points(applied)
    if any(e.criterion == "BA1" for e in applied):
        return points, AcmgClass.BENIGN
    return points, class_for_points(points)


def class_for_points(points: float) -> AcmgClass:
    if points >= 10:
        return AcmgClass.PATHOGENIC
    if points >= 6:
        return AcmgClass.LIKELY_PATHOGENIC
    if points >= 0:
        return AcmgClass.VUS
    if points >= -6:
        return AcmgClass.LIKELY_BENIGN
    return AcmgClass.BENIGN

"""ALSFRS-R totals and domain sub-scores (Cedarbaum 1999, J Neurol Sci 169:13-21)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from charcot.clinical.model import AlsfrsR

# Four-domain convention: bulbar 1-3, fine motor 4-6, gross motor 7-9, respiratory 10-12 (0-12 each).
FOUR_DOMAINS: dict[str, tuple[int, ...]] = {
    "bulbar": (1, 2, 3), "fine_motor": (4, 5, 6), "gross_motor": (7, 8, 9), "respiratory": (10, 11, 12)}
# Three-domain convention: bulbar 1-3, motor 4-9, respiratory 10-12.
THREE_DOMAINS: dict[str, tuple[int, ...]] = {
    "bulbar": (1, 2, 3), "motor": (4, 5, 6, 7, 8, 9), "respiratory": (10, 11, 12)}
SOURCES = ["S-Ced99"]


class AlsfrsScore(BaseModel):
    date: date
    months_since_onset: float
    total: int
    item5: str  # "5a" (no gastrostomy) or "5b" (with gastrostomy)
    domains_four: dict[str, int]
    domains_three: dict[str, int]


def total(scores: AlsfrsR) -> int:
    """Sum of the 12 items, 0-48 (higher = better function)."""
    return sum(scores.items())


def domains(scores: AlsfrsR, convention: dict[str, tuple[int, ...]]) -> dict[str, int]:
    items = scores.items()
    return {name: sum(items[i - 1] for i in members) for name, members in convention.items()}


def score(scores: AlsfrsR, when: date, months_since_onset: float) -> AlsfrsScore:
    return AlsfrsScore(date=when, months_since_onset=round(months_since_onset, 4), total=total(scores),
                       item5="5b" if scores.uses_5b else "5a",
                       domains_four=domains(scores, FOUR_DOMAINS), domains_three=domains(scores, THREE_DOMAINS))

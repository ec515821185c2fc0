"""Phase of two heterozygous variants in a proband from parental genotypes (PM3 / BP2)."""

from __future__ import annotations

from charcot.family.denovo import Call


def origin(father: Call | None, mother: Call | None) -> str | None:
    """'father' / 'mother' when exactly one confidently genotyped parent carries the allele."""
    if father is None or mother is None or not (father.confident and mother.confident):
        return None
    f, m = father.gt in (1, 3), mother.gt in (1, 3)
    if f and not m:
        return "father"
    if m and not f:
        return "mother"
    return None


def phase(a: tuple[Call | None, Call | None], b: tuple[Call | None, Call | None]) -> str:
    """'trans', 'cis' or 'unknown' for two proband heterozygous variants given (father, mother) calls."""
    oa, ob = origin(*a), origin(*b)
    if oa is None or ob is None:
        return "unknown"
    return "trans" if oa != ob else "cis"

"""PM1: missense (or in-frame) change in a critical functional domain or mutational hotspot listed
in the gene's knowledge-base record (residue ranges on the MANE protein)."""

from __future__ import annotations

from charcot.acmg import sources as S
from charcot.acmg.context import INFRAME_TERMS, MISSENSE_TERMS, VariantContext
from charcot.acmg.points import points_for
from charcot.model import Evidence


def assess_pm1(ctx: VariantContext) -> list[Evidence]:
    rules = ctx.gene.acmg if ctx.gene is not None else None
    if rules is None or not ctx.has(MISSENSE_TERMS | {"inframe_insertion", "inframe_deletion"}):
        return []
    pos = ctx.protein_position
    if pos is None:
        return []
    for kind, ranges in (("hotspot", rules.hotspots), ("critical domain", rules.critical_domains)):
        for r in ranges:
            if r.start <= pos <= r.end:
                return [Evidence(criterion="PM1", strength="Moderate", points=points_for("PM1", "Moderate"),
                                 reason=f"residue {pos} lies in the {kind} {r.name} (residues {r.start}-{r.end}) of "
                                        f"{ctx.gene_symbol}", sources=[S.RICHARDS_2015, *r.sources])]
    return []


__all__ = ["INFRAME_TERMS", "assess_pm1"]

"""PM1: missense (or in-frame) change in a critical functional domain or mutational hotspot listed
in the gene's knowledge-base record or its gene specification (residue ranges on the MANE protein).

A gene rule may withhold PM1 for a class of variants (``gene_specs.yaml``); PM1 from a class rule (e.g. FUS
exon 14-15 truncations) is given by ``charcot.acmg.genespecs.assess_gene_rules``."""

from __future__ import annotations

from charcot.acmg import sources as S
from charcot.acmg.context import INFRAME_TERMS, MISSENSE_TERMS, VariantContext
from charcot.acmg.genespecs import hotspots, withheld
from charcot.acmg.points import points_for
from charcot.model import Evidence


def assess_pm1(ctx: VariantContext) -> list[Evidence]:
    rules = ctx.gene.acmg if ctx.gene is not None else None
    if not ctx.has(MISSENSE_TERMS | {"inframe_insertion", "inframe_deletion"}) or withheld(ctx, "PM1"):
        return []
    pos = ctx.protein_position
    if pos is None:
        return []
    spec_hotspots = hotspots(ctx.gene_symbol)
    gene_hotspots = list(rules.hotspots) if rules is not None else []
    domains = list(rules.critical_domains) if rules is not None else []
    for kind, ranges in (("hotspot", [*spec_hotspots, *gene_hotspots]), ("critical domain", domains)):
        for r in ranges:
            if r.start <= pos <= r.end:
                return [Evidence(criterion="PM1", strength="Moderate", points=points_for("PM1", "Moderate"),
                                 reason=f"residue {pos} lies in the {kind} {r.name} (residues {r.start}-{r.end}) of "
                                        f"{ctx.gene_symbol}", sources=[S.RICHARDS_2015, *r.sources])]
    return []


__all__ = ["INFRAME_TERMS", "assess_pm1"]

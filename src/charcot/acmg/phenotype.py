"""PP4 from the patient's HPO terms.

ALS is genetically heterogeneous, so the phenotype is not "highly specific for a single gene"; PP4 is
applied at Supporting only, and only when a given HPO term is one of the gene's recorded phenotypes
(or the ALS term HP:0007354 for a gene whose role is causal for ALS).
"""

from __future__ import annotations

from charcot.acmg import sources as S
from charcot.acmg.context import VariantContext
from charcot.acmg.points import points_for
from charcot.model import Evidence

ALS_TERM = "HP:0007354"  # Amyotrophic lateral sclerosis


def assess_pp4(ctx: VariantContext) -> list[Evidence]:
    if not ctx.hpo or ctx.gene is None:
        return []
    wanted = {t.strip().upper() for t in ctx.hpo}
    recorded = {p.strip().upper() for p in ctx.gene.phenotypes if p.upper().startswith("HP:")}
    if ctx.gene.role.value == "causal":
        recorded.add(ALS_TERM)
    hit = sorted(wanted & recorded)
    if not hit:
        return []
    return [Evidence(criterion="PP4", strength="Supporting", points=points_for("PP4", "Supporting"),
                     reason=f"patient phenotype {', '.join(hit)} matches the {ctx.gene_symbol} disease phenotype; "
                            "ALS is genetically heterogeneous, so Supporting only", sources=[S.RICHARDS_2015])]

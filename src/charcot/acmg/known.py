"""PS1 and PM5 from previously classified variants (knowledge base and the ClinVar resource).

PS1: same amino-acid change as an established pathogenic variant, by a different nucleotide change.
PM5: a different missense change at a residue where a pathogenic missense change is established.
ClinVar entries count only with at least 2 review stars (multiple submitters without conflict or
better); knowledge-base entries count when classified pathogenic or likely pathogenic. ClinVar's
assertion about the variant itself is displayed elsewhere and never counted here (no PP5).
"""

from __future__ import annotations

from charcot.acmg import sources as S
from charcot.acmg.context import KnownVariant, VariantContext
from charcot.acmg.points import points_for
from charcot.model import Evidence
from charcot.variants.annotation import parse_missense

MIN_CLINVAR_STARS = 2
# SpliceAI delta score from which a splice effect is considered (Walker et al. 2023)
SPLICE_IMPACT = 0.2


def _eligible(k: KnownVariant) -> bool:
    if not k.pathogenic:
        return False
    return not (k.source.startswith("ClinVar") and (k.stars or 0) < MIN_CLINVAR_STARS)


def assess_known(ctx: VariantContext) -> list[Evidence]:
    if not ctx.is_missense:
        return []
    mine = parse_missense(ctx.hgvs_p)
    if mine is None:
        return []
    ps1: list[KnownVariant] = []
    pm5: list[KnownVariant] = []
    for k in ctx.known:
        if k.key == ctx.key or not _eligible(k):
            continue
        theirs = parse_missense(k.hgvs_p)
        if theirs is None or theirs[1] != mine[1] or theirs[0] != mine[0]:
            continue
        if theirs[2] == mine[2]:
            ps1.append(k)
        else:
            pm5.append(k)
    out: list[Evidence] = []
    # PS1 rests on the protein change being the cause: not when the known variant is listed with a splice
    # consequence, nor when this one is predicted to affect splicing (Walker et al. 2023, ClinGen SVI splicing)
    spliceai = ctx.predictors.spliceai_max
    if ps1 and spliceai is not None and spliceai >= SPLICE_IMPACT:
        k = ps1[0]
        out.append(Evidence(criterion="PS1", strength="Strong", points=0.0, applied=False,
                            reason=f"same amino-acid change as {k.key} ({k.hgvs_p}), but this variant is predicted to "
                                   f"affect splicing (SpliceAI {spliceai:.2f} >= {SPLICE_IMPACT}): PS1 not applied",
                            sources=[S.RICHARDS_2015, S.WALKER_2023]))
        ps1 = []
    elif ps1 and all(k.splice for k in ps1):
        k = ps1[0]
        out.append(Evidence(criterion="PS1", strength="Strong", points=0.0, applied=False,
                            reason=f"same amino-acid change as {k.key} ({k.hgvs_p}), but ClinVar lists a splice "
                                   "consequence for it, so its pathogenicity may not be the protein change",
                            sources=[S.RICHARDS_2015, S.WALKER_2023]))
        ps1 = []
    ps1 = [k for k in ps1 if not k.splice]
    if ps1:
        k = ps1[0]
        out.append(Evidence(criterion="PS1", strength="Strong", points=points_for("PS1", "Strong"),
                            reason=f"same amino-acid change as {k.key} ({k.hgvs_p}), classified {k.classification} "
                                   f"in the {k.source}", sources=[S.RICHARDS_2015, *k.sources]))
    elif pm5:
        k = pm5[0]
        out.append(Evidence(criterion="PM5", strength="Moderate", points=points_for("PM5", "Moderate"),
                            reason=f"different missense change at residue {mine[1]} where {k.hgvs_p} ({k.key}) is "
                                   f"classified {k.classification} in the {k.source}",
                            sources=[S.RICHARDS_2015, *k.sources]))
    return out

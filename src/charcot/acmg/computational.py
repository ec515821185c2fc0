"""PP3/BP4 and BP7 from calibrated predictors.

REVEL and CADD intervals: Pejaver et al. 2022 (AJHG 109:2163, Table 2). SpliceAI: Walker et al. 2023
(>= 0.2 supports a splicing effect, <= 0.1 supports none). One missense predictor is used per variant
(REVEL first, then CADD) so that the same evidence is not counted twice; AlphaMissense is shown but
not counted (not calibrated in Pejaver 2022). PP3 together with PM1 is capped at Strong (4 points) by
the engine, as Pejaver 2022 recommends. BP4 from REVEL or CADD needs splicing ruled out: it is withheld when
SpliceAI predicts a possible effect, and, without a SpliceAI score, in the exonic splice region.
"""

from __future__ import annotations

from charcot.acmg import sources as S
from charcot.acmg.context import NONCODING_TERMS, SYNONYMOUS_TERMS, VariantContext
from charcot.acmg.points import points_for
from charcot.genome.panel import Region
from charcot.model import Evidence

# (lower bound inclusive, strength) for PP3; (upper bound inclusive, strength) for BP4
REVEL_PP3 = ((0.932, "Strong"), (0.773, "Moderate"), (0.644, "Supporting"))
REVEL_BP4 = ((0.003, "VeryStrong"), (0.016, "Strong"), (0.183, "Moderate"), (0.290, "Supporting"))
CADD_PP3 = ((28.1, "Moderate"), (25.3, "Supporting"))
CADD_BP4 = ((17.3, "Moderate"), (22.7, "Supporting"))
SPLICEAI_PP3 = 0.2
SPLICEAI_BP4 = 0.1
# Walker et al. 2023 (ClinGen SVI splicing): BP7 extends to intronic variants at or beyond these positions
BP7_DONOR_MIN = 7
BP7_ACCEPTOR_MIN = 21


def near_splice_site(intron_offset: int | None) -> bool:
    """An intronic position closer to the exon than BP7 reaches (Walker 2023: +7 and -21)."""
    return intron_offset is not None and -BP7_ACCEPTOR_MIN < intron_offset < BP7_DONOR_MIN


def _splicing_blocks_bp4(ctx: VariantContext, predictor: str) -> bool:
    """BP4 from a missense predictor says nothing about splicing (Pejaver 2022 asks that a splicing effect be ruled
    out first). Withheld when SpliceAI predicts a possible effect (> 0.1), and when there is no SpliceAI score for a
    change in the exonic splice region (the 3 bases next to an exon-intron boundary), where missense changes often
    act through splicing."""
    p = ctx.predictors
    if p.spliceai_max is not None:
        return p.spliceai_max > SPLICEAI_BP4
    if ctx.location.region == Region.SPLICE_REGION_EXONIC:
        ctx.notes.append(f"{predictor} is in the benign range, but there is no SpliceAI score for a change next to an "
                         "exon-intron boundary: a splicing effect is not ruled out, so BP4 is not applied")
        return True
    return False


def _missense(ctx: VariantContext) -> list[Evidence]:
    p = ctx.predictors
    src = [S.PEJAVER_2022]
    if p.revel is not None:
        for bound, strength in REVEL_PP3:
            if p.revel >= bound:
                return [Evidence(criterion="PP3", strength=strength, points=points_for("PP3", strength),
                                 reason=f"REVEL {p.revel:.3f} >= {bound} (calibrated {strength})", sources=src)]
        for bound, strength in REVEL_BP4:
            if p.revel <= bound:
                if _splicing_blocks_bp4(ctx, "REVEL"):
                    return []
                return [Evidence(criterion="BP4", strength=strength, points=points_for("BP4", strength),
                                 reason=f"REVEL {p.revel:.3f} <= {bound} (calibrated {strength})", sources=src)]
        return []
    if p.cadd_phred is not None:
        for bound, strength in CADD_PP3:
            if p.cadd_phred >= bound:
                return [Evidence(criterion="PP3", strength=strength, points=points_for("PP3", strength),
                                 reason=f"CADD {p.cadd_phred:.1f} >= {bound} (REVEL absent; calibrated {strength})",
                                 sources=src)]
        for bound, strength in CADD_BP4:
            if p.cadd_phred <= bound:
                if _splicing_blocks_bp4(ctx, "CADD"):
                    return []
                return [Evidence(criterion="BP4", strength=strength, points=points_for("BP4", strength),
                                 reason=f"CADD {p.cadd_phred:.1f} <= {bound} (REVEL absent; calibrated {strength})",
                                 sources=src)]
    return []


def assess_computational(ctx: VariantContext) -> list[Evidence]:
    p = ctx.predictors
    out: list[Evidence] = []
    if ctx.is_missense:
        out = _missense(ctx)
        if p.revel is None and p.cadd_phred is None:
            ctx.notes.append("no calibrated missense predictor (REVEL or CADD) in the annotation: PP3/BP4 not assessed")
    if ctx.is_lof:
        return out  # PP3 is not combined with PVS1 for the same null variant
    spliceai = p.spliceai_max
    if spliceai is not None and not any(e.criterion == "PP3" for e in out):
        if spliceai >= SPLICEAI_PP3:
            out = [e for e in out if e.criterion != "BP4"]
            out.append(Evidence(criterion="PP3", strength="Supporting", points=points_for("PP3", "Supporting"),
                                reason=f"SpliceAI max delta score {spliceai:.2f} >= {SPLICEAI_PP3} predicts a "
                                       "splicing effect", sources=[S.WALKER_2023]))
        elif spliceai <= SPLICEAI_BP4 and not ctx.is_missense and ctx.consequences is not None:
            offset = ctx.location.intron_offset
            if near_splice_site(offset) and not ctx.has(SYNONYMOUS_TERMS):
                # Walker 2023: BP7 reaches intronic variants only at or beyond +7 and -21; closer to the splice site
                # the low SpliceAI score is BP4 (computational evidence), not BP7
                out.append(Evidence(criterion="BP4", strength="Supporting", points=points_for("BP4", "Supporting"),
                                    reason=f"SpliceAI max delta score {spliceai:.2f} <= {SPLICEAI_BP4} at intronic "
                                           f"position {offset:+d} (BP7 applies only at or beyond "
                                           f"+{BP7_DONOR_MIN}/-{BP7_ACCEPTOR_MIN})", sources=[S.WALKER_2023]))
            elif ctx.has(SYNONYMOUS_TERMS | NONCODING_TERMS):
                out.append(Evidence(criterion="BP7", strength="Supporting", points=points_for("BP7", "Supporting"),
                                    reason=f"{'/'.join(ctx.consequences or [])} with SpliceAI max delta score "
                                           f"{spliceai:.2f} <= {SPLICEAI_BP4} (no predicted splicing effect)",
                                    sources=[S.WALKER_2023, S.RICHARDS_2015]))
            else:
                out.append(Evidence(criterion="BP4", strength="Supporting", points=points_for("BP4", "Supporting"),
                                    reason=f"SpliceAI max delta score {spliceai:.2f} <= {SPLICEAI_BP4}",
                                    sources=[S.WALKER_2023]))
    elif spliceai is None and ctx.has(SYNONYMOUS_TERMS):
        ctx.notes.append("no SpliceAI score: BP7 (silent variant without splicing effect) not assessed")
    return out

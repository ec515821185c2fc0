"""PVS1 by the ClinGen decision tree (Abou Tayoun et al. 2018), only where the knowledge base says
loss of function is the gene's disease mechanism, with the gene's recorded exceptions.

Simplifications, stated in each reason: the removed fraction of the protein is taken from the
annotated protein position and length when present (otherwise the NMD-escaping branch is scored
Moderate, the tree's lower outcome unless a critical region is hit); canonical splice-site variants
are scored by the frame of the exon they flank (exon skipping assumed, Abou Tayoun 2018 Fig. 2);
initiation-codon variants get Supporting (the tree's outcome when alternative starts cannot be
excluded).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from charcot.acmg import sources as S
from charcot.acmg.context import VariantContext, exception_applies_to, exception_matches
from charcot.acmg.genespecs import pvs1_applicability, pvs1_rule
from charcot.acmg.nmd import predict_nmd
from charcot.acmg.points import points_for
from charcot.genome.panel import Region
from charcot.model import Evidence

if TYPE_CHECKING:
    from charcot.knowledge.schema.genes import AcmgGeneRules

_STRENGTH_WORDS = {"very strong": "VeryStrong", "verystrong": "VeryStrong", "very_strong": "VeryStrong",
                   "strong": "Strong", "moderate": "Moderate", "supporting": "Supporting"}


def _ev(strength: str, reason: str, extra: list[str] | None = None) -> Evidence:
    return Evidence(criterion="PVS1", strength=strength, points=points_for("PVS1", strength), reason=reason,
                    sources=[S.ABOU_TAYOUN_2018, *(extra or [])])


def _not_applied(reason: str, extra: list[str] | None = None) -> Evidence:
    return Evidence(criterion="PVS1", strength="VeryStrong", points=0.0, applied=False, reason=reason,
                    sources=[S.ABOU_TAYOUN_2018, *(extra or [])])


def _exception_strength(effect: str) -> str | None:
    """Strength named in an exception's effect text; None when it says PVS1 does not apply."""
    text = effect.lower()
    if re.search(r"\b(not|no|never)\b.*\b(appl|use|count)", text) or "does not apply" in text:
        return None
    for word, strength in sorted(_STRENGTH_WORDS.items(), key=lambda kv: -len(kv[0])):
        if word in text:
            return strength
    return "VeryStrong"


def _truncating_context(ctx: VariantContext) -> tuple[bool, str]:
    """Whether the variant is a null variant and which kind."""
    if ctx.consequences is not None:
        terms = set(ctx.consequences)
        for term in ("stop_gained", "frameshift_variant", "splice_donor_variant", "splice_acceptor_variant",
                     "start_lost", "transcript_ablation"):
            if term in terms:
                return True, term
        return False, ""
    # Not annotated: canonical splice sites are known from the exon table alone (SNVs and small
    # indels that touch the +/-1,2 intronic bases).
    if ctx.location.region in (Region.SPLICE_DONOR, Region.SPLICE_ACCEPTOR):
        return True, ctx.location.region.value + "_variant"
    return False, ""


def assess_pvs1(ctx: VariantContext) -> list[Evidence]:
    is_null, kind = _truncating_context(ctx)
    if not is_null:
        return []
    if ctx.transcript_warning and ctx.consequences is not None:
        return [_not_applied(f"{kind.replace('_', ' ')} read on a transcript the annotator flags: "
                             f"{ctx.transcript_warning}; PVS1 not applied")]
    gene = ctx.gene
    rules = gene.acmg if gene is not None else None
    # The gene specification (knowledge/data/gene_specs.yaml) decides first: a rule for this variant class, then
    # the gene-level PVS1 decision. genes.yaml exceptions are used only for genes the specification leaves open.
    ruled = pvs1_rule(ctx)
    if ruled is not None:
        return [ruled]
    decided = pvs1_applicability(ctx.gene_symbol)
    if decided is not None and not decided[0]:
        return [_not_applied(f"{ctx.gene_symbol}: loss of function is not the established disease mechanism here: "
                             f"{decided[1]}; PVS1 not applied", decided[2])]
    if rules is not None and decided is None:
        for exc in rules.exceptions:
            if not exception_applies_to(exc, "PVS1") or not exception_matches(exc, ctx):
                continue
            strength = _exception_strength(exc.effect)
            where = ctx.panel_gene.describe(ctx.location) if ctx.panel_gene is not None else ctx.location.describe()
            if strength is None:
                out = [_not_applied(f"{kind.replace('_', ' ')} in {where}: gene exception '{exc.id}': {exc.effect}",
                                    list(exc.sources))]
                out += _exception_pm1(ctx, exc)
                return out
            return [_ev(strength, f"{kind.replace('_', ' ')} in {where}: gene exception '{exc.id}' "
                                  f"({exc.description}): {exc.effect}", list(exc.sources))]
    if decided is None:
        if gene is None or rules is None:
            return [_not_applied(f"{ctx.gene_symbol}: the knowledge base records no ACMG rules for this gene, so "
                                 "loss of function is not established as its mechanism; PVS1 not applied")]
        if not rules.lof_is_mechanism:
            return [_not_applied(f"{gene.symbol}: loss of function is not the established disease mechanism "
                                 f"({rules.lof_note}); PVS1 not applied", list(rules.sources))]
    out = _decision_tree(ctx, kind, rules, decided[2] if decided is not None else [])
    disease = decided[3] if decided is not None else ""
    if disease and "amyotrophic lateral sclerosis" not in disease.lower():
        # a mimic gene: say which disease the null variant is evidence for (never ALS)
        out = [e.model_copy(update={"reason": f"{e.reason}; classified for {disease}"}) for e in out]
    return out


def _decision_tree(ctx: VariantContext, kind: str, rules: AcmgGeneRules | None, spec_sources: list[str]) -> list[Evidence]:
    """The Abou Tayoun 2018 tree for a gene where loss of function causes the disease."""
    src = [*(rules.sources if rules is not None else []), *spec_sources]
    critical_domains = list(rules.critical_domains) if rules is not None else []
    loc = ctx.location
    if kind in ("stop_gained", "frameshift_variant"):
        nmd = predict_nmd(ctx, kind)
        extra = [S.LINDEBOOM_2016, S.LINDEBOOM_2019] if nmd.start_proximal else []
        proximal = f"; {nmd.start_proximal}" if nmd.start_proximal else ""
        if nmd.outcome == "nmd":
            return [_ev("VeryStrong", f"{kind.replace('_', ' ')} predicted to cause nonsense-mediated decay: "
                                      f"{nmd.reason}, in a gene where loss of function causes disease{proximal}",
                        src + extra)]
        if nmd.outcome == "escape":
            why = f"truncation predicted to escape NMD ({nmd.reason})"
        else:
            why = (f"NMD cannot be predicted ({nmd.reason}); the tree's NMD-escape branch is used, its conservative "
                   "outcome")
        # NMD escape (or not predictable): critical region or > 10 % of the protein removed -> Strong, else Moderate
        pos = ctx.protein_position
        for dom in critical_domains:
            if pos is not None and pos <= dom.end:
                return [_ev("Strong", f"{why}; the truncation removes the critical region {dom.name} (residues "
                                      f"{dom.start}-{dom.end}){proximal}", src + list(dom.sources) + extra)]
        if pos is not None and ctx.protein_length:
            removed = (ctx.protein_length - pos + 1) / ctx.protein_length
            if removed > 0.10:
                return [_ev("Strong", f"{why}; it removes or alters {removed:.0%} of the protein (> 10 %){proximal}",
                            src + extra)]
            return [_ev("Moderate", f"{why}; it removes or alters {removed:.0%} of the protein (<= 10 %){proximal}",
                        src + extra)]
        return [_ev("Moderate", f"{why}; the removed fraction of the protein is not known from the annotation, so the "
                                f"tree's lower outcome is used{proximal}", src + extra)]
    if kind in ("splice_donor_variant", "splice_acceptor_variant"):
        length = loc.skipped_exon_length
        number = loc.skipped_exon_number
        if length is None or number is None or loc.exon_count is None:
            return [_ev("Strong", "canonical splice-site variant; the flanking exon is not known from the exon "
                                  "table, so the frame effect is not assessed (Strong, pending review)", src)]
        first_or_last = number in (1, loc.exon_count)
        if first_or_last:
            return [_ev("Moderate", f"canonical splice-site variant next to exon {number} (a terminal exon, "
                                    "which contains untranslated sequence); frame effect not assessed", src)]
        if length % 3 != 0 and number == loc.exon_count - 1:
            # skipping the penultimate exon puts the new stop codon in the last exon: NMD is not expected
            # (Abou Tayoun 2018, Fig. 1: frameshift with the premature stop in the last exon -> "NMD escape" branch)
            return [_ev("Moderate", f"canonical splice-site variant; skipping the penultimate exon {number} ({length} "
                                    "nt) shifts the frame, but the premature stop falls in the last exon, so the "
                                    "transcript is predicted to escape NMD; whether the altered C-terminus is critical "
                                    "or more than 10 % of the protein is not known from the exon table, so the tree's "
                                    "lower outcome is used (PVS1_Moderate)", src)]
        if length % 3 != 0 and not loc.last_exon:
            return [_ev("VeryStrong", f"canonical splice-site variant; skipping exon {number} ({length} nt, not a "
                                      "multiple of 3) shifts the reading frame and is predicted to cause NMD", src)]
        return [_ev("Moderate", f"canonical splice-site variant; skipping exon {number} ({length} nt) keeps the "
                                "reading frame; the removed fraction and critical regions are not assessed", src)]
    if kind == "start_lost":
        return [_ev("Supporting", "initiation-codon variant; alternative in-frame start codons cannot be excluded "
                                  "from the annotation (tree outcome PVS1_Supporting)", src)]
    return [_ev("VeryStrong", f"{kind.replace('_', ' ')} in a gene where loss of function causes disease", src)]


def _exception_pm1(ctx: VariantContext, exc: object) -> list[Evidence]:
    """When an exception says a truncation acts through a known pathogenic mechanism at a critical region
    (its effect names PM1), PM1 is applied for a truncation that removes a listed domain or hotspot."""
    rules = ctx.gene.acmg if ctx.gene is not None else None
    if rules is None or "PM1" not in str(getattr(exc, "effect", "")):
        return []
    regions = [*rules.critical_domains, *rules.hotspots]
    pos = ctx.protein_position
    hit = [r for r in regions if pos is None or pos <= r.end]
    if not hit:
        return []
    r = hit[0]
    where = ctx.panel_gene.describe(ctx.location) if ctx.panel_gene is not None else ctx.location.describe()
    at = f"at residue {pos}" if pos is not None else f"in {where} (residue not annotated)"
    return [Evidence(criterion="PM1", strength="Moderate", points=points_for("PM1", "Moderate"),
                     reason=f"truncation {at} removes {r.name} (residues {r.start}-{r.end}); gene exception "
                            f"'{getattr(exc, 'id', '')}' treats such truncations as a known pathogenic mechanism",
                     sources=[S.RICHARDS_2015, *getattr(exc, "sources", []), *r.sources])]

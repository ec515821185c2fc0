"""The ALS gene specifications (knowledge section ``gene_specs``) applied to one variant.

* :func:`spec_for` - the gene's specification record, or None;
* :func:`variant_types` / :func:`matches` - which rule covers a variant (type, exon, residues, named change);
* :func:`pvs1_rule` - the first PVS1 rule covering the variant (withhold or fixed strength);
* :func:`assess_gene_rules` - evidence from non-PVS1 class rules (e.g. FUS exon 14-15 truncations: PM1_Strong);
* :func:`frequency_thresholds` - BA1/BS1/PM2 thresholds: the gene specification's, else genes.yaml's
  (``charcot.acmg.frequency`` reads this);
* :func:`hotspots` - PM1 regions of the specification;
* :func:`risk_allele` - the risk-allele category of a variant in a risk or modifier gene.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from charcot.acmg import sources as S
from charcot.acmg.context import VariantContext
from charcot.acmg.points import points_for
from charcot.genome.panel import Region
from charcot.knowledge import get_knowledge
from charcot.model import Confidence, Evidence

if TYPE_CHECKING:
    from charcot.knowledge.schema.gene_specs import GeneRule, Record, RiskClass, VariantMatch
    from charcot.knowledge.schema.genes import FrequencyThresholds, ResidueRange

_TYPE_TERMS = {
    "nonsense": {"stop_gained"},
    "frameshift": {"frameshift_variant"},
    "canonical_splice": {"splice_donor_variant", "splice_acceptor_variant"},
    "start_lost": {"start_lost"},
    "missense": {"missense_variant"},
    "inframe": {"inframe_insertion", "inframe_deletion"},
    "stop_lost": {"stop_lost"},
}
NULL_TYPES = {"nonsense", "frameshift", "canonical_splice", "start_lost"}


_SPECS: dict[int, tuple[Any, dict[str, Record]]] = {}
# the last snapshot's table and thresholds, checked by identity: spec_for runs several times per classified allele
_LAST: list[Any] = [None, {}, {}]


def _table() -> dict[str, Record]:
    knowledge = get_knowledge()
    if _LAST[0] is knowledge:
        table: dict[str, Record] = _LAST[1]
        return table
    cached = _SPECS.get(id(knowledge))
    if cached is None or cached[0] is not knowledge:
        from charcot.knowledge.schema.gene_specs import Record

        built: dict[str, Record] = {}
        for spec in knowledge.typed("gene_specs", Record):
            built.setdefault(spec.gene, spec)
        cached = _SPECS[id(knowledge)] = (knowledge, built)
    _LAST[:] = [knowledge, cached[1], {}]
    return cached[1]


def spec_for(symbol: str) -> Record | None:
    """The gene specification of ``symbol`` (the first one listed), from a per-snapshot table built once:
    it is asked for two or three times per classified allele (issue 20: thousands per genome)."""
    return _table().get(symbol)


def variant_types(ctx: VariantContext) -> set[str]:
    """The rule vocabulary's types of this variant (from the consequence, or canonical splice from the exon table)."""
    out: set[str] = set()
    terms = set(ctx.consequences or [])
    for name, wanted in _TYPE_TERMS.items():
        if terms & wanted:
            out.add(name)
    if ctx.consequences is None and ctx.location.region in (Region.SPLICE_DONOR, Region.SPLICE_ACCEPTOR):
        out.add("canonical_splice")
    return out


def _norm_p(text: str) -> str:
    return re.sub(r"[()\s]", "", text.split(":")[-1]).lower()


def matches(match: VariantMatch, ctx: VariantContext) -> bool:
    if not set(match.variant_types) & variant_types(ctx):
        return False
    if match.hgvs_p:
        mine = {_norm_p(p) for p in (ctx.hgvs_p, ctx.known_hgvs_p) if p}
        if not mine & {_norm_p(p) for p in match.hgvs_p}:
            return False
    if not match.exons and match.residues is None:
        return True
    inside: bool | None = None
    if match.exons:
        exons = {ctx.location.exon, ctx.location.skipped_exon_number} - {None}
        inside = bool(exons & set(match.exons)) if exons else None
    if match.residues is not None and ctx.protein_position is not None:
        in_res = match.residues[0] <= ctx.protein_position <= match.residues[1]
        inside = in_res if inside is None else (inside or in_res)
    if inside is None:
        return False  # where the variant lies is not known: a location rule cannot be applied either way
    return inside != match.outside


def _tag(rule: GeneRule | RiskClass) -> str:
    if getattr(rule, "confidence", Confidence.VERIFIED) == Confidence.UNVERIFIED:
        return f" (unverified: {rule.confidence_note})"  # type: ignore[union-attr]
    return ""


def pvs1_rule(ctx: VariantContext) -> Evidence | None:
    """PVS1 decided by a gene rule (withheld or at a fixed strength), or None when no rule covers the variant."""
    spec = spec_for(ctx.gene_symbol)
    if spec is None:
        return None
    for rule in spec.rules:
        if rule.criterion != "PVS1" or not matches(rule.match, ctx):
            continue
        reason = f"{' '.join(rule.reason.split())} [{ctx.gene_symbol} rule {rule.id}]{_tag(rule)}"
        if rule.not_applicable:
            return Evidence(criterion="PVS1", strength="VeryStrong", points=0.0, applied=False,
                            reason=f"not applied: {reason}", sources=[S.ABOU_TAYOUN_2018, *rule.sources])
        assert rule.strength is not None
        return Evidence(criterion="PVS1", strength=rule.strength, points=points_for("PVS1", rule.strength),
                        reason=reason, sources=[S.ABOU_TAYOUN_2018, *rule.sources])
    return None


def assess_gene_rules(ctx: VariantContext) -> list[Evidence]:
    """Evidence from the gene's non-PVS1 class rules (one per criterion, the first matching rule)."""
    spec = spec_for(ctx.gene_symbol)
    if spec is None:
        return []
    out: list[Evidence] = []
    done: set[str] = set()
    for rule in spec.rules:
        if rule.criterion == "PVS1" or rule.criterion in done or not matches(rule.match, ctx):
            continue
        done.add(rule.criterion)
        reason = f"{' '.join(rule.reason.split())} [{ctx.gene_symbol} rule {rule.id}]{_tag(rule)}"
        if rule.not_applicable:
            out.append(Evidence(criterion=rule.criterion, strength="Moderate", points=0.0, applied=False,
                                reason=f"not applied: {reason}", sources=[S.RICHARDS_2015, *rule.sources]))
        else:
            assert rule.strength is not None
            out.append(Evidence(criterion=rule.criterion, strength=rule.strength,
                                points=points_for(rule.criterion, rule.strength), reason=reason,
                                sources=[S.RICHARDS_2015, *rule.sources]))
    return out


def withheld(ctx: VariantContext, criterion: str) -> bool:
    """Whether a gene rule withholds ``criterion`` for this variant."""
    spec = spec_for(ctx.gene_symbol)
    return spec is not None and any(r.criterion == criterion and r.not_applicable and matches(r.match, ctx)
                                    for r in spec.rules)


def frequency_thresholds(ctx: VariantContext) -> FrequencyThresholds | None:
    """BA1/BS1/PM2_Supporting thresholds for the variant's gene: the gene specification's (with its Whiffin
    derivation), else the genes.yaml record's, else None."""
    spec = spec_for(ctx.gene_symbol)
    if spec is not None and spec.frequency is not None:
        made: dict[int, tuple[Any, FrequencyThresholds]] = _LAST[2]  # one per specification and snapshot
        hit = made.get(id(spec))
        if hit is None or hit[0] is not spec:
            hit = made[id(spec)] = (spec, spec.frequency.thresholds())
        return hit[1]
    rules = ctx.gene.acmg if ctx.gene is not None else None
    return rules.frequency if rules is not None else None


def hotspots(symbol: str) -> list[ResidueRange]:
    spec = spec_for(symbol)
    return list(spec.hotspots) if spec is not None else []


def pvs1_applicability(symbol: str) -> tuple[bool, str, list[str], str] | None:
    """(applicable, reason, sources, disease) from the gene specification, or None when it does not decide."""
    spec = spec_for(symbol)
    if spec is None or spec.pvs1 is None:
        return None
    p = spec.pvs1
    return p.applicable, f"{' '.join(p.reason.split())} (disease classified: {p.disease})", list(p.sources), p.disease


def risk_allele(ctx: VariantContext) -> tuple[str, str, list[str], bool] | None:
    """(category, reason, sources, from_a_class) for a variant in a gene with a risk scheme; None for other genes and
    for variants that change no protein (the default category is for protein-altering or splice-site variants).
    ``from_a_class`` is False for the scheme's default category (no class rule matched)."""
    spec = spec_for(ctx.gene_symbol)
    if spec is None or spec.risk_scheme is None:
        return None
    scheme = spec.risk_scheme
    for cls in scheme.classes:
        if matches(cls.match, ctx):
            # the reason in the curator's words only: the class's knowledge-base id is not for the reader
            return (cls.category.value, ' '.join(cls.reason.split()), [S.CLINGEN_LOW_PENETRANCE, *cls.sources], True)
    if not variant_types(ctx):
        return None  # intronic, synonymous or of unknown consequence: no risk-allele category (no evidence of one)
    return (scheme.default.value, ' '.join(scheme.summary.split()), [S.CLINGEN_LOW_PENETRANCE, *scheme.sources],
            False)

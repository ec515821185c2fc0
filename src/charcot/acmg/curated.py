"""Variant-level curated ACMG evidence from the knowledge base (a laboratory reusing its documented curation).

A knowledge-base known-variant record may carry ``curated_evidence`` (criterion, strength, reason, sources,
confidence). It is applied only when the finding's allele is exactly the record's allele in the input's build
(build, chromosome, position, REF, ALT): a different change at the same position gets none of it. The record's
classification and ClinVar assertion are never evidence (PP5/BP6 retired, Biesecker & Harrison 2018).

No double counting:
- a curated PM2 replaces the computed PM2 (the engine's own population-data PM2) for the variant; it is applied
  only when the recorded allele frequency is at or below the gene's PM2 maximum (computed here), and never when
  the population data consulted for this run gave BA1 or BS1;
- curated PS4/PP1/PS2/PM6/PS3/PM3/BS3/BS4 and evidence of the same kind supplied by the caller (family-derived
  ``extra`` evidence) are not summed: the stronger is kept (the caller's on a tie, as it is about this case)
  and the other is listed as considered and not applied, saying which was kept.
Unverified curated evidence is applied, with "(unverified)" in its reason and a note on the finding.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from charcot.acmg import sources as S
from charcot.acmg.context import VariantContext
from charcot.acmg.genespecs import frequency_thresholds
from charcot.acmg.points import label, points_for
from charcot.model import Confidence, Evidence

PREFIX = "curated in the charcot knowledge base:"
# Criteria that describe the same kind of observation: one of each group counts.
SAME_KIND = ({"PS2", "PM6"}, {"PP1"}, {"PS4"}, {"PS3"}, {"BS3"}, {"PM3"}, {"BS4"})
FREQUENCY_BENIGN = {"BA1", "BS1"}


def _group(criterion: str) -> frozenset[str]:
    for g in SAME_KIND:
        if criterion in g:
            return frozenset(g)
    return frozenset({criterion})


def _sources(item: Any, record_sources: Sequence[str], extra: Sequence[str] = ()) -> list[str]:
    out: list[str] = []
    for key in [*item.sources, *extra, *record_sources]:
        if key not in out:
            out.append(key)
    return out


def curated_evidence(ctx: VariantContext, computed: list[Evidence], extra: list[Evidence]) -> list[Evidence]:
    """Merge the knowledge base's curated evidence for the exact allele into ``computed`` + ``extra``.

    Returns the full evidence list (computed, extra, curated), with replaced or duplicated items kept as
    considered-and-not-applied entries (points 0) so the report shows what was not counted and why.
    """
    known = ctx.exact_known
    if known is None or not known.curated:
        return [*computed, *extra]
    record = known.record_id or known.key
    out_computed = list(computed)
    out_extra = list(extra)
    curated: list[Evidence] = []
    unverified: list[str] = []
    for item in known.curated:
        strength = str(item.strength)
        criterion = str(item.criterion)
        is_unverified = getattr(item, "confidence", Confidence.VERIFIED) == Confidence.UNVERIFIED
        tag = " (unverified" + (f": {item.confidence_note}" if getattr(item, "confidence_note", None) else "") + ")" \
            if is_unverified else ""
        base_reason = f"{PREFIX} {' '.join(str(item.reason).split())} [{record}]{tag}"
        if criterion == "PM2":
            ev = _curated_pm2(ctx, item, base_reason, out_computed, known.sources)
        else:
            ev = Evidence(criterion=criterion, strength=strength, points=points_for(criterion, strength),
                          reason=base_reason, sources=_sources(item, known.sources))
            ev = _dedupe_against_extra(ev, out_extra)
        if ev.applied and is_unverified:
            unverified.append(label(ev))
        curated.append(ev)
    if unverified:
        ctx.notes.append(f"curated knowledge-base evidence applied but unverified ({', '.join(unverified)}) for "
                         f"{record}: check the sources before relying on it")
    return [*out_computed, *out_extra, *curated]


def _curated_pm2(ctx: VariantContext, item: Any, reason: str, computed: list[Evidence],
                 record_sources: Sequence[str]) -> Evidence:
    thresholds = frequency_thresholds(ctx)
    af = item.allele_frequency
    where = getattr(item, "frequency_source", None) or "recorded"
    benign = [e for e in computed if e.applied and e.criterion in FREQUENCY_BENIGN]
    if benign:
        return Evidence(criterion="PM2", strength="Supporting", points=0.0, applied=False,
                        reason=f"{reason}; not applied: the population data consulted for this run gave "
                               f"{label(benign[0])}, which takes precedence over the recorded frequency",
                        sources=_sources(item, record_sources, [S.SVI_PM2_2020]))
    if thresholds is None or af is None or af > thresholds.pm2_max:
        why = (f"{ctx.gene_symbol} has no curated PM2 threshold" if thresholds is None or af is None
               else f"recorded AF {af:g} is above {ctx.gene_symbol}'s PM2 maximum {thresholds.pm2_max:g}")
        return Evidence(criterion="PM2", strength="Supporting", points=0.0, applied=False,
                        reason=f"{reason}; not applied: {why}",
                        sources=_sources(item, record_sources, [S.SVI_PM2_2020]))
    replaced = ""
    for i, note in enumerate(ctx.notes):
        if note.startswith("population frequency not assessed"):
            # this run consulted no population data: say that PM2 rests on the recorded frequency only
            ctx.notes[i] = ("population frequency not assessed in this run (no gnomAD data): BS1/BA1 not evaluated; "
                            "PM2 rests on the frequency recorded in the knowledge base")
    for i, e in enumerate(computed):
        if e.criterion == "PM2" and e.applied:
            computed[i] = e.model_copy(update={
                "applied": False, "points": 0.0,
                "reason": e.reason + "; not counted: replaced by the knowledge base's curated PM2 for this variant"})
            replaced = "; replaces the PM2 computed from this run's population data"
    return Evidence(criterion="PM2", strength="Supporting", points=points_for("PM2", "Supporting"),
                    reason=f"{reason}; recorded AF {af:g} ({where}) is at or below {ctx.gene_symbol}'s PM2 maximum "
                           f"{thresholds.pm2_max:g}{replaced}",
                    sources=_sources(item, record_sources, [S.SVI_PM2_2020, *thresholds.sources]))


def _dedupe_against_extra(ev: Evidence, extra: list[Evidence]) -> Evidence:
    """Keep the stronger of curated ``ev`` and caller-supplied evidence of the same kind (caller's on a tie)."""
    group = _group(ev.criterion)
    same = [(i, e) for i, e in enumerate(extra) if e.applied and e.criterion in group]
    if not same:
        return ev
    i, theirs = max(same, key=lambda pair: abs(pair[1].points))
    if abs(ev.points) > abs(theirs.points):
        extra[i] = theirs.model_copy(update={
            "applied": False, "points": 0.0,
            "reason": theirs.reason + f"; not counted: the knowledge base's curated {label(ev)} for this variant is "
                                      f"stronger and is counted instead (no double counting)"})
        return ev.model_copy(update={"reason": ev.reason + f"; counted instead of the supplied {label(theirs)}"})
    return ev.model_copy(update={
        "applied": False, "points": 0.0,
        "reason": ev.reason + f"; not counted: the supplied {label(theirs)} for this case is "
                              f"{'as strong' if abs(ev.points) == abs(theirs.points) else 'stronger'} and is "
                              "counted instead (no double counting)"})

"""PM4 (protein length change: in-frame indel outside a repeat, or stop-loss) and BP3.

Whether an in-frame indel lies in a repetitive region needs the reference sequence, which charcot
does not ship; PM4 is therefore applied to in-frame indels and stop-loss with that caveat in the
reason, and BP3 (in-frame indel in a repeat without known function) is never applied automatically.
An in-frame indel inside (or at the edge of) a repeat locus the knowledge base lists (the AR and ATXN2 CAG
repeats, from the ExpansionHunter catalog) is a change of the repeat's length: no PM4 (Richards 2015: PM4 is for
non-repeat regions), and the repeat is sized by a repeat caller, not by a small-variant call.
"""

from __future__ import annotations

from functools import lru_cache

from charcot.acmg import sources as S
from charcot.acmg.context import VariantContext
from charcot.acmg.points import points_for
from charcot.genome.normalise import Allele
from charcot.model import Build, Evidence


@lru_cache(maxsize=2)
def _repeat_loci(build: Build) -> tuple[tuple[str, int, int, str, str, str], ...]:
    """(chrom, start, end, locus id, gene, motif) of every knowledge-base repeat locus in ``build`` (1-based)."""
    from charcot.knowledge import get_knowledge
    from charcot.knowledge.schema.repeats import Record

    out = []
    for r in get_knowledge().typed("repeats", Record):
        c = r.coordinates.get(build)
        if c is not None:
            out.append((c.chrom, c.start, c.end, r.id, r.gene, r.display_motif))
    return tuple(out)


def repeat_locus_of(chrom: str, allele: Allele, build: Build) -> tuple[str, int, int, str, str, str] | None:
    """The knowledge-base repeat locus an indel changes: an insertion between the base before the repeat and its
    last base (a left-aligned caller anchors it on the base before), a deletion removing any base of it."""
    anchored = bool(allele.ref) and bool(allele.alt) and allele.ref[0] == allele.alt[0]
    first = allele.pos + 1 if anchored else allele.pos  # the first base changed (an insertion: after it)
    for locus in _repeat_loci(build):
        c, start, end = locus[0], locus[1], locus[2]
        if c != chrom:
            continue
        if len(allele.ref) < len(allele.alt) and len(allele.ref) == 1:
            if start - 1 <= allele.pos <= end:
                return locus
        elif first <= end and allele.end >= start:
            return locus
    return None


def assess_length_change(ctx: VariantContext) -> list[Evidence]:
    if ctx.consequences is None:
        return []
    terms = set(ctx.consequences)
    if "frameshift_variant" in terms or "stop_gained" in terms:
        return []
    if terms & {"inframe_insertion", "inframe_deletion", "stop_lost"}:
        what = "stop-loss" if "stop_lost" in terms else "in-frame indel"
        locus = repeat_locus_of(ctx.chrom, ctx.allele, ctx.panel_gene.build) \
            if ctx.panel_gene is not None and what == "in-frame indel" else None
        if locus is not None:
            chrom, start, end, locus_id, gene, motif = locus
            return [Evidence(criterion="PM4", strength="Moderate", points=0.0, applied=False,
                             reason=f"{what} in the {gene} {motif} repeat ({locus_id}, {chrom}:{start:,}-{end:,} in the "
                                    "knowledge base's ExpansionHunter catalog coordinates): a change of the repeat's "
                                    "length, not a length change in a non-repeat region; PM4 not applied. Size the "
                                    "repeat with a repeat caller (--str)", sources=[S.RICHARDS_2015])]
        if ctx.transcript_warning:
            return [Evidence(criterion="PM4", strength="Moderate", points=0.0, applied=False,
                             reason=f"{what} read on a transcript the annotator flags: {ctx.transcript_warning}; PM4 "
                                    "not applied", sources=[S.RICHARDS_2015])]
        return [Evidence(criterion="PM4", strength="Moderate", points=points_for("PM4", "Moderate"),
                         reason=f"{what} changes the protein length; whether it lies in a repeat region (BP3) was not "
                                "checked (no reference sequence)", sources=[S.RICHARDS_2015])]
    return []

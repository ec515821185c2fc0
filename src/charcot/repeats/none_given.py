"""The repeat result when no repeat-caller output was given (``charcot.repeats.api.not_assessed``).

Kept apart from ``charcot.repeats.api`` so that ``charcot interpret`` without --str, which only needs this
placeholder, does not import the repeat-caller readers and interpretation (issue 20)."""

from __future__ import annotations

from charcot.knowledge import get_knowledge
from charcot.knowledge.schema.repeats import Record as Locus
from charcot.model import AssessmentStatus, NotAssessed
from charcot.repeats.model import RepeatAssessment

NOT_ASSESSED_PHRASE = "C9orf72 (and the other repeat loci) not assessed"
HOW_TO_ASSESS = ("run a repeat caller (ExpansionHunter, TRGT, GangSTR, HipSTR or LongTR) on the reads and pass its "
                 "output with --str, or test C9orf72 by repeat-primed PCR (sizing by Southern blot or long reads)")


def not_assessed() -> RepeatAssessment:
    """The explicit result when no repeat-caller output was given."""
    loci = get_knowledge().typed("repeats", Locus)
    reason = "no repeat-caller output was given; a small-variant VCF cannot show repeat expansions"
    items = [NotAssessed(what=f"{locus.gene} {locus.display_motif} repeat", reason=reason, how_to_assess=HOW_TO_ASSESS)
             for locus in loci]
    return RepeatAssessment(status=AssessmentStatus.NOT_ASSESSED, not_assessed=items,
                            summary=f"{NOT_ASSESSED_PHRASE}: {reason}. To assess: {HOW_TO_ASSESS}.")

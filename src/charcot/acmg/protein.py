"""PM4 (protein length change: in-frame indel outside a repeat, or stop-loss) and BP3.

Whether an in-frame indel lies in a repetitive region needs the reference sequence, which charcot
does not ship; PM4 is therefore applied to in-frame indels and stop-loss with that caveat in the
reason, and BP3 (in-frame indel in a repeat without known function) is never applied automatically.
"""

from __future__ import annotations

from charcot.acmg import sources as S
from charcot.acmg.context import VariantContext
from charcot.acmg.points import points_for
from charcot.model import Evidence


def assess_length_change(ctx: VariantContext) -> list[Evidence]:
    if ctx.consequences is None:
        return []
    terms = set(ctx.consequences)
    if "frameshift_variant" in terms or "stop_gained" in terms:
        return []
    if terms & {"inframe_insertion", "inframe_deletion", "stop_lost"}:
        what = "stop-loss" if "stop_lost" in terms else "in-frame indel"
        if ctx.transcript_warning:
            return [Evidence(criterion="PM4", strength="Moderate", points=0.0, applied=False,
                             reason=f"{what} read on a transcript the annotator flags: {ctx.transcript_warning}; PM4 "
                                    "not applied", sources=[S.RICHARDS_2015])]
        return [Evidence(criterion="PM4", strength="Moderate", points=points_for("PM4", "Moderate"),
                         reason=f"{what} changes the protein length; whether it lies in a repeat region (BP3) was not "
                                "checked (no reference sequence)", sources=[S.RICHARDS_2015])]
    return []

"""BA1, BS1 and PM2_Supporting from the gene's thresholds in the knowledge base.

The compared frequency prefers gnomAD grpmax FAF95, then grpmax AF, then overall AF (ClinGen SVI).
Absence counts for PM2_Supporting only when a population source was actually consulted for the
variant (an annotation that declares gnomAD fields, or the --gnomad resource); "no data" is not
"absent". BA1 honours gene exceptions whose ``applies_to`` is BA1 (Ghosh et al. 2018).
"""

from __future__ import annotations

from charcot.acmg import sources as S
from charcot.acmg.context import VariantContext, exception_applies_to, exception_matches
from charcot.acmg.points import points_for
from charcot.model import Evidence

# Fallbacks when a gene has no curated thresholds: BA1 5 % (Richards 2015; Ghosh 2018),
# BS1 1.5 % is not used (it is disease-specific); PM2 needs a curated maximum, else absence only.
DEFAULT_BA1 = 0.05


def assess_frequency(ctx: VariantContext) -> list[Evidence]:
    freq = ctx.frequencies
    rules = ctx.gene.acmg if ctx.gene is not None else None
    value, which = freq.for_thresholds()
    out: list[Evidence] = []
    thresholds = rules.frequency if rules is not None else None
    t_sources = list(thresholds.sources) if thresholds is not None else []
    ba1 = thresholds.ba1 if thresholds is not None else DEFAULT_BA1
    if value is not None:
        ba1_exception = None
        bs1_exception = None
        if rules is not None:
            for exc in rules.exceptions:
                if not exception_matches(exc, ctx):
                    continue
                if exception_applies_to(exc, "BA1"):
                    ba1_exception = exc
                if exception_applies_to(exc, "BS1"):
                    bs1_exception = exc
        if value >= ba1:
            if ba1_exception is not None:
                out.append(Evidence(criterion="BA1", strength="StandAlone", points=0.0, applied=False,
                                    reason=f"{which} {value:.4g} >= BA1 {ba1:g}, but gene exception "
                                           f"'{ba1_exception.id}' withholds BA1: {ba1_exception.effect}",
                                    sources=[S.GHOSH_2018, *ba1_exception.sources]))
            else:
                out.append(Evidence(criterion="BA1", strength="StandAlone", points=points_for("BA1", "StandAlone"),
                                    reason=f"{which} {value:.4g} ({freq.source}) >= BA1 threshold {ba1:g} for "
                                           f"{ctx.gene_symbol}", sources=[S.GHOSH_2018, *t_sources]))
                return out
        if thresholds is not None and value >= thresholds.bs1 and bs1_exception is not None:
            out.append(Evidence(criterion="BS1", strength="Strong", points=0.0, applied=False,
                                reason=f"{which} {value:.4g} >= BS1 {thresholds.bs1:g}, but gene exception "
                                       f"'{bs1_exception.id}' withholds BS1: {bs1_exception.effect}",
                                sources=[S.RICHARDS_2015, *bs1_exception.sources]))
            return out
        if thresholds is not None and value >= thresholds.bs1:
            out.append(Evidence(criterion="BS1", strength="Strong", points=points_for("BS1", "Strong"),
                                reason=f"{which} {value:.4g} ({freq.source}) >= BS1 threshold {thresholds.bs1:g} "
                                       f"({thresholds.derivation})", sources=[S.RICHARDS_2015, *t_sources]))
            return out
        if thresholds is not None and value <= thresholds.pm2_max:
            out.append(Evidence(criterion="PM2", strength="Supporting", points=points_for("PM2", "Supporting"),
                                reason=f"{which} {value:.4g} ({freq.source}) is at or below the gene's PM2 maximum "
                                       f"{thresholds.pm2_max:g}", sources=[S.SVI_PM2_2020, *t_sources]))
        return out
    if freq.searched:
        out.append(Evidence(criterion="PM2", strength="Supporting", points=points_for("PM2", "Supporting"),
                            reason=f"absent from the population data consulted ({freq.source})",
                            sources=[S.SVI_PM2_2020, *t_sources]))
    else:
        ctx.notes.append("population frequency not assessed (no gnomAD data): PM2/BS1/BA1 not evaluated")
    return out

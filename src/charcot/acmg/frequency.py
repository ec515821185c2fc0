"""BA1, BS1 and PM2_Supporting from gnomAD frequencies and the gene's thresholds in the knowledge base.

* Benign criteria (BA1, BS1) compare gnomAD's **filtering allele frequency** (grpmax FAF95, joint exome+genome
  where available; Whiffin et al. 2017, ClinGen SVI): the highest true frequency compatible with the observed
  allele count, so one allele in a small group cannot make a variant look common. Without gnomAD's FAF it is
  computed from the allele count and number (Poisson, as gnomAD does); allele numbers below 2,000 do not count
  (Ghosh et al. 2018: a continental dataset of at least 2,000 observed alleles); BA1 may also use gnomAD's
  overall AF when no allele number is given (it pools every group).
  VEP's ``MAX_AF`` (1000 Genomes/ESP groups of a few hundred alleles included) is never read.
* PM2_Supporting compares the highest available estimate (grpmax AF, else overall AF) with the gene's PM2
  maximum, or applies to absence, and only where the consulted source covers the position: a contig or region a
  resource does not cover is "not assessed", never "absent" (SVI PM2 v1.0 asks to check coverage).
* A site that failed gnomAD's own QC (FILTER not PASS) gives no frequency evidence either way.
BA1 honours gene exceptions whose ``applies_to`` is BA1 (Ghosh et al. 2018).
"""

from __future__ import annotations

from charcot.acmg import sources as S
from charcot.acmg.context import VariantContext, exception_applies_to, exception_matches
from charcot.acmg.genespecs import frequency_thresholds
from charcot.acmg.points import points_for
from charcot.model import Evidence
from charcot.variants.model import Frequencies

# Fallbacks when a gene has no curated thresholds: BA1 5 % (Richards 2015; Ghosh 2018),
# BS1 1.5 % is not used (it is disease-specific); PM2 needs a curated maximum, else absence only.
DEFAULT_BA1 = 0.05
# Ghosh et al. 2018 (ClinGen SVI BA1): frequencies from a population with at least 2,000 observed alleles.
MIN_ALLELE_NUMBER = 2000


def filtering_af(ac: int, an: int) -> float:
    """FAF95 of ``ac`` alleles in ``an``: the highest frequency at which observing ``ac`` or more alleles still has
    a 5 % chance, i.e. the lower bound of the one-sided 95 % Poisson interval (Whiffin et al. 2017; gnomAD's
    faf95). A singleton in 2,500 alleles gives 2.1e-5, not its point estimate 4e-4."""
    from scipy.stats import chi2

    if ac <= 0 or an <= 0:
        return 0.0
    return float(chi2.ppf(0.05, 2 * ac)) / 2 / an


def benign_frequency(freq: Frequencies) -> tuple[float | None, str, str | None]:
    """(value, what it is, why no value) for BA1/BS1: gnomAD's FAF95, else one computed from allele count and
    number, never a bare point estimate of a group; allele numbers below 2,000 do not count."""
    if freq.grpmax_an is not None and freq.grpmax_an < MIN_ALLELE_NUMBER:
        return None, "", (f"gnomAD grpmax allele number {freq.grpmax_an} is below {MIN_ALLELE_NUMBER} "
                          "(Ghosh et al. 2018)")
    joint = " (joint exomes+genomes)" if freq.dataset == "joint" else ""
    if freq.faf95 is not None:
        return freq.faf95, "gnomAD grpmax FAF95" + joint, None
    if freq.grpmax_ac is not None and freq.grpmax_an is not None:
        return (filtering_af(freq.grpmax_ac, freq.grpmax_an),
                f"FAF95 computed from gnomAD grpmax AC {freq.grpmax_ac}/AN {freq.grpmax_an}{joint}", None)
    if freq.an is not None and freq.an >= MIN_ALLELE_NUMBER and (freq.ac is not None or freq.af is not None):
        ac = freq.ac if freq.ac is not None else round((freq.af or 0.0) * freq.an)
        return (filtering_af(ac, freq.an),
                f"FAF95 computed from gnomAD overall AC {ac}/AN {freq.an}{joint} (no group data)", None)
    return None, "", ("no gnomAD filtering allele frequency (FAF95), nor allele count and number to compute one "
                      f"(with AN >= {MIN_ALLELE_NUMBER})")


def assess_frequency(ctx: VariantContext) -> list[Evidence]:
    freq = ctx.frequencies
    rules = ctx.gene.acmg if ctx.gene is not None else None
    out: list[Evidence] = []
    thresholds = frequency_thresholds(ctx)  # gene specification (gene_specs.yaml) first, then genes.yaml
    t_sources = list(thresholds.sources) if thresholds is not None else []
    ba1 = thresholds.ba1 if thresholds is not None else DEFAULT_BA1
    if freq.not_covered is not None:
        ctx.notes.append(f"population frequency not assessed: {freq.not_covered}; PM2/BS1/BA1 not evaluated")
        return out
    if freq.filtered is not None:
        ctx.notes.append(f"the gnomAD site failed gnomAD's quality filters ({freq.filtered}): its frequency is not "
                         "used, PM2/BS1/BA1 not evaluated")
        return out
    if freq.present:
        value, which, why_not = benign_frequency(freq)
        # the pooled overall AF stands in for BA1 only when gnomAD gives no group data at all: when it does and the
        # non-bottlenecked groups are below the overall, the overall is carried by a bottlenecked group (an Ashkenazi
        # or Finnish founder allele), which gnomAD and ClinGen exclude from grpmax
        pooled_at_ba1 = value is None and freq.af is not None and freq.an is None and freq.af >= ba1
        overall_ba1 = pooled_at_ba1 and freq.grpmax_af is None
        if pooled_at_ba1 and not overall_ba1:
            ctx.notes.append(f"gnomAD overall AF {freq.af:.4g} is at or above BA1 {ba1:g}, but the highest "
                             f"non-bottlenecked group ({freq.grpmax_group or 'grpmax'}) has {freq.grpmax_af:.4g}: the "
                             "overall frequency comes from a bottlenecked group (Amish, Ashkenazi Jewish, Finnish, "
                             "Middle Eastern or 'remaining'), which gnomAD's grpmax excludes (Ghosh et al. 2018), so "
                             "BA1 is not applied")
        if overall_ba1:
            value, which = freq.af, "gnomAD overall AF (all groups pooled; allele number not given)"
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
        if value is not None and value >= ba1:
            if ba1_exception is not None:
                out.append(Evidence(criterion="BA1", strength="StandAlone", points=0.0, applied=False,
                                    reason=f"{which} {value:.4g} >= BA1 {ba1:g}, but gene exception "
                                           f"'{ba1_exception.id}' withholds BA1: {ba1_exception.effect}",
                                    sources=[S.GHOSH_2018, *ba1_exception.sources]))
            else:
                out.append(Evidence(criterion="BA1", strength="StandAlone", points=points_for("BA1", "StandAlone"),
                                    reason=f"{which} {value:.4g} ({freq.source}) >= BA1 threshold {ba1:g} for "
                                           f"{ctx.gene_symbol}", sources=[S.GHOSH_2018, S.WHIFFIN_2017, *t_sources]))
                return out
        if value is not None and not overall_ba1 and thresholds is not None and value >= thresholds.bs1:
            if bs1_exception is not None:
                out.append(Evidence(criterion="BS1", strength="Strong", points=0.0, applied=False,
                                    reason=f"{which} {value:.4g} >= BS1 {thresholds.bs1:g}, but gene exception "
                                           f"'{bs1_exception.id}' withholds BS1: {bs1_exception.effect}",
                                    sources=[S.RICHARDS_2015, *bs1_exception.sources]))
                return out
            out.append(Evidence(criterion="BS1", strength="Strong", points=points_for("BS1", "Strong"),
                                reason=f"{which} {value:.4g} ({freq.source}) >= BS1 threshold {thresholds.bs1:g} "
                                       f"({thresholds.derivation})",
                                sources=[S.RICHARDS_2015, S.WHIFFIN_2017, *t_sources]))
            return out
        if why_not is not None and thresholds is not None:
            ctx.notes.append(f"BS1/BA1 not evaluated: {why_not}")
        highest = max(v for v in (freq.grpmax_af, freq.af, freq.faf95) if v is not None)
        low_an = freq.an is not None and freq.an < MIN_ALLELE_NUMBER
        if thresholds is not None and highest <= thresholds.pm2_max and not low_an and \
                not _seen_elsewhere(ctx, thresholds.pm2_max):
            what = "gnomAD grpmax AF" if freq.grpmax_af is not None else "gnomAD AF"
            out.append(Evidence(criterion="PM2", strength="Supporting", points=points_for("PM2", "Supporting"),
                                reason=f"{what} {highest:.4g} ({freq.source}) is at or below the gene's PM2 maximum "
                                       f"{thresholds.pm2_max:g}", sources=[S.SVI_PM2_2020, *t_sources]))
        elif low_an:
            ctx.notes.append(f"PM2 not applied: gnomAD allele number {freq.an} at this site is below "
                             f"{MIN_ALLELE_NUMBER} (poorly covered)")
        return out
    if freq.searched:
        if _seen_elsewhere(ctx, thresholds.pm2_max if thresholds is not None else 0.0):
            return out
        checked = (freq.coverage if freq.coverage is not None else
                   "gnomAD's per-base coverage was not checked (no gnomAD coverage file given: --gnomad-coverage), so "
                   "a position gnomAD sequenced poorly cannot be told from one it covered")
        out.append(Evidence(criterion="PM2", strength="Supporting", points=points_for("PM2", "Supporting"),
                            reason=f"absent from the population data consulted ({freq.source}); {checked}",
                            sources=[S.SVI_PM2_2020, *t_sources]))
    else:
        ctx.notes.append("population frequency not assessed (no gnomAD data): PM2/BS1/BA1 not evaluated")
    return out


def _seen_elsewhere(ctx: VariantContext, pm2_max: float) -> bool:
    """True (with a note) when a non-gnomAD population source of the annotation (1000 Genomes, ESP, VEP MAX_AF)
    has the allele above the gene's PM2 maximum: such small groups never give benign evidence, but an allele seen
    in them is not "absent from controls" (SVI PM2 v1.0)."""
    freq = ctx.frequencies
    if freq.other_max_af is None or freq.other_max_af <= pm2_max:
        return False
    ctx.notes.append(f"PM2 not applied: {freq.other_source} reports the allele at {freq.other_max_af:.4g}, above the "
                     f"gene's PM2 maximum {pm2_max:g}, so it is not absent from population controls (SVI PM2 v1.0); "
                     "that source is never used for BS1/BA1, as its groups are small (1000 Genomes, ESP) or "
                     "bottlenecked")
    return True

"""Gene x mask tests in the SAIGE-GENE+ / REGENIE style: burden, SKAT, SKAT-O, combined by ACAT-O.

Masks (per gene): ``lof`` (predicted loss of function), ``missense`` (missense with REVEL >= the
``--revel-min`` cut-off), their union ``lof+missense``, and with ``--alphamissense`` (the official
AlphaMissense TSV, :mod:`charcot.population.alphamissense`) ``alphamissense`` (missense with
am_pathogenicity > 0.564, "likely pathogenic" in Cheng et al. 2023), ``lof+alphamissense`` and
``lof+missense+alphamissense``; each at three
frequency bins: ``singleton`` (allele count 1 among the analysed samples), ``af<=0.1%`` and
``af<=1%`` (the allele frequency used for rarity everywhere in charcot.population: the largest
population frequency annotated, else the cohort's own; see :mod:`charcot.population.qualifying`).
A mask with no variant is not tested (no row).

Per mask, with the covariates in every test (logistic null model of case status on intercept +
covariates, :func:`charcot.population.skat.logistic_null`):

* **burden**: carrier of at least one mask variant (0/1). Score test of the carrier indicator; where
  its p-value is below 0.05, the Firth-penalised likelihood-ratio test replaces it (the rule REGENIE
  uses, Mbatchou et al. 2021), which keeps unbalanced case-control designs calibrated (Firth 1993;
  Dey et al. 2017 on imbalance). ``burden_test`` says which was used. The odds ratio and 95% CI are
  the Firth estimate (Wald interval) where Firth ran, else the one-step score estimate
  ``exp(S/V)`` with ``exp(S/V +- 1.96/sqrt(V))``.
* **SKAT** and **SKAT-O** on the variants' dosages, Beta(MAF; 1, 25) weights
  (:mod:`charcot.population.skat`). A missing genotype counts as no copy and the MAF is taken over twice the
  analysed samples, in both backends and in the ``hl.skat`` cross-check; the SKAT package instead imputes a
  missing genotype as 2 x MAF with the MAF over the called genotypes, so the two differ only at sites with
  missing calls (checked equal on complete genotypes, tests/population/test_skat.py). Below 2,000 analysed samples both use the small-sample moment
  adjustment of Lee, Emond et al. (2012), where the SKAT package applies it by default for a binary
  trait (exact variance under Bernoulli residuals, kurtosis from 10,000 null phenotype resamples with
  the case count fixed, a fixed seed); ``skat_adjustment`` says which null was used and
  ``p_skat_unadjusted`` keeps the asymptotic SKAT p-value (the one Hail's ``hl.skat`` recomputes).
* **ACAT-O** per gene: Cauchy combination (Liu & Xie 2020) of every burden, SKAT and SKAT-O p-value
  of that gene's masks, equally weighted (as SAIGE-GENE+, Zhou et al. 2022).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

MASK_MAX_AF = 0.01
FREQ_BINS: tuple[tuple[str, float | None], ...] = (("singleton", None), ("af<=0.1%", 0.001), ("af<=1%", 0.01))
MASK_KINDS: tuple[tuple[str, frozenset[str]], ...] = (
    ("lof", frozenset({"lof"})), ("missense", frozenset({"missense"})),
    ("lof+missense", frozenset({"lof", "missense"})),
    # AlphaMissense (--alphamissense): missense with am_pathogenicity > --am-min (0.564), alone and in union
    # with the pLoF and REVEL masks; no variant qualifies (no row) when no AlphaMissense file is given
    ("alphamissense", frozenset({"am"})), ("lof+alphamissense", frozenset({"lof", "am"})),
    ("lof+missense+alphamissense", frozenset({"lof", "missense", "am"})))
FIRTH_BELOW = 0.05  # burden score p-values below this are replaced by Firth's


@dataclass
class MaskVariant:
    """One ALT allele eligible for a mask in one gene, with its carriers (analysed-sample order)."""

    gene: str
    kind: str  # lof, missense (REVEL) or am (AlphaMissense only); lof wins, then missense
    chrom: str
    pos: int
    ref: str
    alt: str
    af: float
    allele_count: int  # copies among the analysed samples
    index: npt.NDArray[np.int64]  # carrier positions in the analysed samples
    dosage: npt.NDArray[np.int8]  # copies carried (1 or 2)
    am: bool = False  # a missense allele with AlphaMissense am_pathogenicity above the cut-off

    @property
    def key(self) -> tuple[str, str, int, str, str]:
        return (self.gene, self.chrom, self.pos, self.ref, self.alt)

    def same(self, other: MaskVariant) -> bool:
        return (self.key == other.key and self.kind == other.kind and self.am == other.am
                and self.allele_count == other.allele_count
                and (self.af == other.af or abs(self.af - other.af) <= 1e-12)
                and np.array_equal(self.index, other.index) and np.array_equal(self.dosage, other.dosage))


@dataclass
class MaskResult:
    gene: str
    mask: str
    n_variants: int
    case_carriers: int
    n_cases: int
    control_carriers: int
    n_controls: int
    odds_ratio: float
    or_ci_low: float
    or_ci_high: float
    burden_p: float
    burden_test: str  # score | firth | "" (ACAT-O rows)
    skat_p: float
    skato_p: float
    skato_rho: float
    acato_p: float = math.nan  # only on the gene's ACAT-O row
    skat_p_hail: float = math.nan  # hl.skat's p-value for the same set (Hail backend only)
    note: str = ""
    skat_adjustment: str = ""  # "moment-adjusted" (small sample, binary trait) | "asymptotic" | "" (ACAT-O rows)
    skat_p_unadjusted: float = math.nan  # the asymptotic SKAT p-value (= skat_p when not adjusted)


def mask_name(kind: str, bin_name: str) -> str:
    return f"{kind}|{bin_name}"


def select(variants: list[MaskVariant], kinds: frozenset[str], bin_cut: float | None) -> list[MaskVariant]:
    chosen = [v for v in variants if v.kind in kinds or ("am" in kinds and v.am)]
    if bin_cut is None:
        return [v for v in chosen if v.allele_count == 1]
    return [v for v in chosen if v.af <= bin_cut]


def analyse_masks(
    variants: list[MaskVariant], design: npt.NDArray[np.float64], is_case: npt.NDArray[np.bool_],
    small_sample_adjustment: bool | None = None,
) -> tuple[list[MaskResult], list[str]]:
    """Every gene x mask test plus one ACAT-O row per gene; returns (rows, notes).

    ``small_sample_adjustment``: None = as the SKAT package (adjusted when fewer than 2,000 samples)."""
    from charcot.population.skat import (
        ADJUST_BELOW,
        ADJUST_RESAMPLES,
        SparseGenotypes,
        beta_weights,
        burden_score,
        logistic_null,
        moment_adjustment,
        score_and_kernel,
        skat_adjusted,
        skat_from,
        skato_adjusted,
        skato_from,
    )
    from charcot.population.stats import acat, firth_logistic

    n = int(is_case.size)
    n_cases, n_controls = int(is_case.sum()), int((~is_case).sum())
    notes: list[str] = []
    variants = [v for v in variants if v.allele_count > 0]  # an allele nobody analysed carries tests nothing
    if not variants or n_cases == 0 or n_controls == 0:
        return [], notes
    y = is_case.astype(np.float64)
    null = logistic_null(design, y)
    if not null.converged:
        notes.append("mask tests: the covariate-only logistic null model did not converge; SKAT/SKAT-O p-values "
                     "are unreliable")
    fraction = n_cases / n
    notes.append(f"mask tests: {n_cases} cases : {n_controls} controls (case fraction {fraction:.3f}); burden "
                 f"p-values from the score test, replaced by Firth's penalised likelihood-ratio test where the score "
                 f"p < {FIRTH_BELOW} (imbalance-robust); SKAT/SKAT-O from the logistic score (their null: next note)"
                 + (" — with this imbalance and few carriers they can be miscalibrated; read them with the Firth "
                    "burden p-values" if min(fraction, 1 - fraction) < 0.2 else ""))
    adjust = n < ADJUST_BELOW if small_sample_adjustment is None else small_sample_adjustment
    adjustment = moment_adjustment(null) if adjust else None
    if adjustment is not None:
        notes.append(f"mask tests: SKAT and SKAT-O with the small-sample moment adjustment (Lee, Emond et al. 2012; "
                     f"the SKAT package's default for a binary trait below {ADJUST_BELOW} samples; {n} analysed): "
                     f"exact variance, kurtosis from {ADJUST_RESAMPLES} null phenotype resamples with the case count "
                     f"fixed (fixed seed); p_skat_unadjusted has the asymptotic SKAT p-value")
    else:
        notes.append("mask tests: SKAT and SKAT-O against their asymptotic null (no small-sample adjustment"
                     + (f": {n} samples >= {ADJUST_BELOW})" if small_sample_adjustment is None else ": switched off)"))
    any_am = any(v.am for v in variants)
    by_gene: dict[str, list[MaskVariant]] = {}
    for v in variants:
        by_gene.setdefault(v.gene, []).append(v)
    rows: list[MaskResult] = []
    z = 1.959963984540054
    for gene in sorted(by_gene):
        gene_rows: list[MaskResult] = []
        done: dict[tuple[tuple[str, str, int, str, str], ...], MaskResult] = {}
        for kind, kinds in MASK_KINDS:
            if "am" in kinds and not any_am:  # no AlphaMissense scores given (or none above the cut-off)
                continue
            for bin_name, cut in FREQ_BINS:
                chosen = sorted(select(by_gene[gene], kinds, cut), key=lambda v: v.key)
                if not chosen:
                    continue
                same_set = tuple(v.key for v in chosen)
                if same_set in done:  # masks that select the same variants (e.g. all lof are singletons)
                    previous = done[same_set]
                    gene_rows.append(replace(previous, mask=mask_name(kind, bin_name)))
                    continue
                carriers = np.zeros(n, dtype=bool)
                for v in chosen:
                    carriers[v.index] = True
                a = int((carriers & is_case).sum())
                c = int((carriers & ~is_case).sum())
                log_or, se, p_burden = burden_score(null, carriers)
                test = "score"
                lo = hi = math.nan
                if math.isfinite(log_or):
                    lo, hi = log_or - z * se, log_or + z * se
                if math.isfinite(p_burden) and p_burden < FIRTH_BELOW:
                    x = np.column_stack([design[:, :1], carriers.astype(np.float64), design[:, 1:]])
                    fit = firth_logistic(x, y, test_index=1)
                    log_or, lo, hi, p_burden, test = fit.estimate, fit.ci_low, fit.ci_high, fit.p_value, "firth"
                geno = SparseGenotypes(n, tuple(v.index for v in chosen), tuple(v.dosage for v in chosen))
                weights = beta_weights(geno.maf())
                s, m = score_and_kernel(null, geno, weights)
                skat_plain = skat_from(s, m)
                if adjustment is not None:
                    skat = skat_adjusted(adjustment, s, m, geno, weights)
                    skato = skato_adjusted(adjustment, s, m, geno, weights)
                else:
                    skat, skato = skat_plain, skato_from(s, m)
                gene_rows.append(MaskResult(
                    gene=gene, mask=mask_name(kind, bin_name), n_variants=len(chosen), case_carriers=a,
                    n_cases=n_cases, control_carriers=c, n_controls=n_controls,
                    odds_ratio=math.exp(log_or) if math.isfinite(log_or) else math.nan,
                    or_ci_low=math.exp(lo) if math.isfinite(lo) else math.nan,
                    or_ci_high=math.exp(hi) if math.isfinite(hi) else math.nan,
                    burden_p=p_burden, burden_test=test, skat_p=skat.p_value, skato_p=skato.p_value,
                    skato_rho=skato.rho, skat_p_unadjusted=skat_plain.p_value,
                    skat_adjustment="moment-adjusted" if adjustment is not None else "asymptotic"))
                done[same_set] = gene_rows[-1]
        pvals = [p for r in gene_rows for p in (r.burden_p, r.skat_p, r.skato_p) if math.isfinite(p)]
        rows.extend(gene_rows)
        if pvals:
            anyone = np.zeros(n, dtype=bool)
            for v in by_gene[gene]:
                anyone[v.index] = True
            rows.append(MaskResult(gene=gene, mask="ACAT-O", n_variants=len(by_gene[gene]),
                                   case_carriers=int((anyone & is_case).sum()), n_cases=n_cases,
                                   control_carriers=int((anyone & ~is_case).sum()), n_controls=n_controls,
                                   odds_ratio=math.nan, or_ci_low=math.nan, or_ci_high=math.nan, burden_p=math.nan,
                                   burden_test="", skat_p=math.nan, skato_p=math.nan, skato_rho=math.nan,
                                   acato_p=acat(pvals),
                                   note=f"Cauchy combination of {len(pvals)} burden/SKAT/SKAT-O p-values"))
    return rows, notes

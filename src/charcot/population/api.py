"""Public API of cohort burden testing.

>>> results = run_burden("cohort.vcf.gz", "pheno.tsv", covariates=["sex"], backend="local")
>>> write_results(results, "results/")

``analyse`` turns a backend's :class:`~charcot.population.model.Collapse` into test results; both
backends share it. Per (gene, class): Fisher's exact test on carriers vs non-carriers; Firth
logistic regression of case status on carrier status (+ covariates), penalised LRT p-value, Wald
95% CI; ACAT-V over the group's per-variant Fisher p-values. Also carrier frequencies per gene (any
class) and oligogenic counts (number of genes with a qualifying allele per sample).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from charcot.errors import InputError
from charcot.population.model import BurdenResults, Collapse, GroupResult, QualifyingVariant
from charcot.population.phenotypes import Phenotypes, match_samples, read_phenotypes
from charcot.population.qualifying import Criteria

__all__ = ["analyse", "panel_genes", "run_burden", "write_results"]


def panel_genes() -> frozenset[str]:
    """Upper-case symbols (and aliases) of the knowledge base's ALS genes (empty if none loaded)."""
    from charcot.knowledge import get_knowledge

    names: set[str] = set()
    for gene in get_knowledge().genes:
        names.add(gene.symbol.upper())
        names.update(a.upper() for a in [*gene.aliases, *gene.previous_symbols])
    return frozenset(names)


def _design(pheno: Phenotypes, samples: list[str], covariates: list[str]) -> np.ndarray:
    columns = [np.ones(len(samples))]
    for name in covariates:
        values = pheno.covariates[name]
        columns.append(np.array([values[s] for s in samples], dtype=np.float64))
    return np.column_stack(columns)


def _check_design(cov: np.ndarray, covariates: list[str], path: str) -> None:
    """Refuse covariates the regressions cannot separate: a column constant over the analysed samples, or one
    that is a linear combination of the intercept and the covariates before it (a copy, a rescaled copy, sex
    coded twice), which leaves the null model's information matrix singular."""
    for j, name in enumerate(covariates, start=1):
        if np.ptp(cov[:, j]) == 0:
            raise InputError(f"covariate {name!r} has the same value for every analysed sample", path=path,
                             hint="drop it from --covariates")
        if np.linalg.matrix_rank(cov[:, : j + 1]) <= j:
            before = ", ".join(covariates[: j - 1]) or "none"
            raise InputError(f"covariate {name!r} is a linear combination of the intercept and the covariates "
                             f"before it ({before}) over the analysed samples, so its effect cannot be separated",
                             path=path, hint=f"drop {name!r} (or the column it repeats) from --covariates")


def _is_bcf(path: str) -> bool:
    import gzip

    try:
        with gzip.open(path, "rb") as handle:
            return handle.read(3) == b"BCF"
    except OSError:  # not gzip/BGZF: plain text (an uncompressed BCF starts with BCF itself)
        with open(path, "rb") as handle:
            return handle.read(3) == b"BCF"


def _requested_without_test(collapse: Collapse, genes: frozenset[str] | None, every_gene: bool) -> list[str]:
    """The requested genes (``--genes``, else the knowledge base's ALS genes) with no gene x class group and no
    mask variant: nothing of theirs was tested. Empty for ``--all-genes`` (nothing was requested by name)."""
    if every_gene:
        return []
    seen = {g.upper() for g, _ in collapse.groups} | {v.gene.upper() for v in collapse.mask_variants}
    if genes is not None:
        return sorted(g for g in genes if g.upper() not in seen)
    from charcot.knowledge import get_knowledge

    return sorted(gene.symbol for gene in get_knowledge().genes
                  if not {n.upper() for n in (gene.symbol, *gene.aliases, *gene.previous_symbols)} & seen)


def _one_blas_thread() -> contextlib.AbstractContextManager[object]:
    """One BLAS thread for the tests: their products are tall and skinny (samples x a few columns), where
    OpenBLAS's threads only contend (a Firth fit at 100,000 samples took 4x longer with two threads on a
    busy 2-core machine); the mask tests get the other core as a process of their own."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # optional (the cohort extra): without it BLAS keeps its default threads
        return contextlib.nullcontext()
    limits: contextlib.AbstractContextManager[object] = threadpool_limits(limits=1, user_api="blas")
    return limits


PARALLEL_MIN_CELLS = 20_000_000  # samples x mask alleles above which the mask tests run in a second process


def analyse(collapse: Collapse, pheno: Phenotypes, covariates: list[str], backend: str,
            workers: int = 2) -> BurdenResults:
    from charcot.population.masks import analyse_masks
    from charcot.population.stats import acat, firth_logistic, fisher_2x2

    is_case = collapse.is_case
    y_all = is_case.astype(np.float64)
    cov = _design(pheno, collapse.samples, covariates)
    _check_design(cov, covariates, pheno.path)
    mask_design = cov
    if collapse.mask_covariates:
        mask_design = np.column_stack([cov, *(v.astype(np.float64) for v in collapse.mask_covariates.values())])
    mask_variants = sorted(collapse.mask_variants, key=lambda v: v.key)
    # the gene x mask tests and the per-group Firth fits below are independent: on a large cohort the mask
    # tests run in a forked process meanwhile (same functions, same inputs: the same results)
    pool = None
    pending = None
    from charcot.outputs import fork_is_safe

    if workers > 1 and len(collapse.samples) * len(mask_variants) >= PARALLEL_MIN_CELLS and fork_is_safe():
        import multiprocessing

        pool = multiprocessing.get_context("fork").Pool(processes=1)
        pending = pool.apply_async(analyse_masks, (mask_variants, mask_design, is_case))
    try:
        by_group: dict[tuple[str, str], list[float]] = {}
        for v in collapse.variants:
            by_group.setdefault((v.gene, v.cls), []).append(
                fisher_2x2(v.case_carriers, int(is_case.sum()), v.control_carriers, int((~is_case).sum())).p_value)
        results: list[GroupResult] = []
        for key in sorted(collapse.groups):
            group = collapse.groups[key]
            tested = group.tested
            carriers = group.carriers & tested
            case_t = is_case & tested
            ctrl_t = ~is_case & tested
            a, n1 = int((carriers & case_t).sum()), int(case_t.sum())
            c, n0 = int((carriers & ctrl_t).sum()), int(ctrl_t.sum())
            fisher = fisher_2x2(a, n1, c, n0)
            note = ""
            if n1 == 0 or n0 == 0:
                firth_b = firth_se = lo = hi = fp = math.nan
                converged = False
                note = "not assessed: no tested cases or no tested controls"
            elif a + c == 0:
                firth_b = firth_se = lo = hi = fp = math.nan
                converged = False
                note = "no carriers"
            else:
                x = np.column_stack([cov[tested, :1], carriers[tested].astype(np.float64), cov[tested, 1:]])
                fit = firth_logistic(x, y_all[tested], test_index=1)
                firth_b, firth_se = fit.estimate, float(fit.se[1])
                lo, hi, fp, converged = fit.ci_low, fit.ci_high, fit.p_value, fit.converged
                if not converged:
                    note = "Firth fit did not converge"
            pvals = by_group.get(key, [])
            results.append(GroupResult(
                gene=group.gene, cls=group.cls, n_variants=group.n_variants, case_carriers=a, n_cases=n1,
                control_carriers=c, n_controls=n0, fisher_or=fisher.odds_ratio, fisher_p=fisher.p_value,
                firth_log_or=firth_b, firth_se=firth_se, firth_ci_low=lo, firth_ci_high=hi, firth_p=fp,
                firth_converged=converged, acat_v_p=acat(pvals) if pvals else math.nan, note=note))
        # carrier frequency per gene, any class; oligogenic = number of genes hit per sample
        genes = sorted({g for g, _ in collapse.groups})
        n = len(collapse.samples)
        hit = np.zeros((len(genes), n), dtype=bool)
        for i, gene in enumerate(genes):
            for (g, _), group in collapse.groups.items():
                if g == gene:
                    hit[i] |= group.carriers & group.tested
        carrier_freq: list[dict[str, object]] = []
        n_cases, n_controls = int(is_case.sum()), int((~is_case).sum())
        for i, gene in enumerate(genes):
            a = int((hit[i] & is_case).sum())
            c = int((hit[i] & ~is_case).sum())
            carrier_freq.append({"gene": gene, "case_carriers": a, "case_freq": a / n_cases,
                                 "control_carriers": c, "control_freq": c / n_controls})
        per_sample = hit.sum(axis=0) if genes else np.zeros(n, dtype=np.int64)
        oligo: list[dict[str, object]] = []
        for count in range(int(per_sample.max()) + 1 if n else 1):
            oligo.append({"genes_hit": count, "cases": int(((per_sample == count) & is_case).sum()),
                          "controls": int(((per_sample == count) & ~is_case).sum())})
        multi_a = int(((per_sample >= 2) & is_case).sum())
        multi_c = int(((per_sample >= 2) & ~is_case).sum())
        oligo.append({"genes_hit": ">=2", "cases": multi_a, "controls": multi_c,
                      "fisher_p": fisher_2x2(multi_a, n_cases, multi_c, n_controls).p_value})
        not_assessed = [{"what": f"{gene} missense", "reason": f"{count} rare missense allele(s) without a REVEL score"}
                        for gene, count in sorted(collapse.missense_without_revel.items())]
        if collapse.annotation is None:
            not_assessed.append({"what": "lof and missense classes",
                                 "reason": "the VCF has no CSQ/ANN/BCSQ consequence annotation"})
        not_assessed.extend(collapse.not_assessed)
    except BaseException:
        if pool is not None:
            pool.terminate()
        raise
    if pool is not None and pending is not None:
        try:
            mask_rows, mask_notes = pending.get()
        finally:
            pool.close()
            pool.join()
    else:
        mask_rows, mask_notes = analyse_masks(mask_variants, mask_design, is_case)
    return BurdenResults(backend=backend, n_samples=n, n_cases=n_cases, n_controls=n_controls,
                         covariates=covariates, groups=results, carrier_frequencies=carrier_freq,
                         oligogenic=oligo, variants=sorted(collapse.variants, key=lambda v: v.key),
                         notes=list(collapse.notes) + mask_notes, not_assessed=not_assessed, masks=mask_rows)


def genotype_qc_note(criteria: Criteria, include_filtered: bool, has_ft: bool, failed: int) -> str:
    """The one sentence saying which genotype QC the collapse applied and what it removed."""
    rules = []
    if criteria.min_gq is not None:
        rules.append(f"GQ >= {criteria.min_gq}")
    if criteria.min_dp is not None:
        rules.append(f"DP >= {criteria.min_dp}")
    if has_ft and not include_filtered:
        rules.append("the sample's own FORMAT/FT filter PASS")
    if not rules:
        return ("genotype QC: none applied (no --min-gq or --min-dp, and no FORMAT/FT used): every call counts as "
                "made, whatever its quality")
    return (f"genotype QC: {', '.join(rules)}; a call failing it counts as missing (not carrying), as a no-call "
            f"does: {failed} carrier genotype(s) of the reported alleles failed it")


# Differential missingness between cases and controls (PLINK's --test-missing: a Fisher test of missing vs called
# genotypes per site). A missing genotype counts as not carrying, so a site called less often in one group (another
# sequencing batch, capture kit or depth) makes or hides a burden signal. Sites below this p are named.
MISSINGNESS_P = 1e-5


def missingness_note(variants: Sequence[QualifyingVariant], n_cases: int, n_controls: int) -> str | None:
    """Set each qualifying allele's ``missingness_p`` and say, in one sentence, how many genotypes were missing at them
    in cases and in controls and which alleles differ (None when no allele was counted)."""
    from charcot.population.stats import fisher_2x2

    counted = [v for v in variants if v.case_missing is not None and v.control_missing is not None]
    if not counted:
        return None
    sites: dict[tuple[str, int, str, str], tuple[int, int]] = {}
    differ: dict[tuple[str, int, str, str], list[str]] = {}
    for v in counted:
        assert v.case_missing is not None and v.control_missing is not None
        v.missingness_p = fisher_2x2(v.case_missing, n_cases, v.control_missing, n_controls).p_value
        site = (v.chrom, v.pos, v.ref, v.alt)
        sites[site] = (v.case_missing, v.control_missing)
        if v.missingness_p < MISSINGNESS_P:
            differ.setdefault(site, []).append(v.gene)
    case_missing = sum(c for c, _ in sites.values())
    control_missing = sum(c for _, c in sites.values())

    def share(k: int, n: int) -> str:
        return f"{k} of {n * len(sites)} ({100 * k / (n * len(sites)):.1f}%)" if n else f"{k}"

    said = (f"missing genotypes at the {len(sites)} qualifying allele(s) (a no-call, or a call failing genotype QC; "
            f"counted as not carrying): cases {share(case_missing, n_cases)}, controls "
            f"{share(control_missing, n_controls)}; ")
    if not differ:
        return said + (f"no allele is missing at different rates in cases and controls (Fisher p < {MISSINGNESS_P:g}, "
                       "as PLINK --test-missing; variants.tsv gives each allele's counts and p)")
    named = [f"{'/'.join(sorted(set(genes)))} {chrom}:{pos} {ref}>{alt} (cases {sites[(chrom, pos, ref, alt)][0]}/"
             f"{n_cases}, controls {sites[(chrom, pos, ref, alt)][1]}/{n_controls})"
             for (chrom, pos, ref, alt), genes in sorted(differ.items())]
    shown = "; ".join(named[:10]) + (f"; and {len(named) - 10} more" if len(named) > 10 else "")
    return said + (f"{len(differ)} allele(s) are missing at different rates in cases and controls (Fisher p < "
                   f"{MISSINGNESS_P:g}, as PLINK --test-missing): {shown}. A batch, capture or depth difference "
                   "between the groups can make or hide a burden signal: check these sites (variants.tsv: "
                   "case_missing, control_missing, missingness_p) before reading their genes' tests")


def run_burden(
    vcf: str | Path,
    phenotypes: str | Path,
    covariates: list[str] | None = None,
    backend: str = "local",
    criteria: Criteria | None = None,
    genes: frozenset[str] | None = None,
    all_genes: bool = False,
    str_vcf: str | Path | None = None,
    repeat_loci: str | Path | None = None,
    workers: int = 2,
    include_filtered: bool = False,
    hail_config: dict[str, str] | None = None,
    build: str = "auto",
    str_build: str | None = None,
    repeat_covariate: bool = False,
) -> BurdenResults:
    """Collapse ``vcf`` with the chosen backend and run every test. Raises InputError on bad input.

    P/LP alleles come from ``criteria.plp_source`` (default ``charcot``: each panel allele classified
    once by charcot's ACMG engine, see :mod:`charcot.population.acmg_sites`; ``build`` places the
    panel, ``auto`` = from the header). Repeat expansions come from ``str_vcf`` at the knowledge
    base's repeat loci and thresholds, or at ``repeat_loci`` (TSV) when given; ``str_build`` is the
    STR file's build (None = detected by charcot.repeats). ``repeat_covariate`` adds the C9orf72 repeat
    expansion carrier status (from ``str_vcf``) as a covariate of the gene x mask tests.
    """
    from charcot.structured import file_not_found, require_regular_file

    covariates = covariates or []
    criteria = criteria or Criteria()
    vcf = str(vcf)
    if not Path(vcf).exists():
        raise file_not_found(vcf, "cohort VCF")
    require_regular_file(vcf, "cohort VCF", "its header is read, then its records, by several processes")
    if str_vcf is not None:
        require_regular_file(str_vcf, "STR VCF", "it is read once per question asked of it")
    pheno = read_phenotypes(phenotypes, covariates)
    hail_native = vcf.rstrip("/").endswith((".mt", ".vds"))
    if hail_native:
        if backend != "hail":
            raise InputError("a Hail MatrixTable / VDS is read only by the Hail backend", path=vcf,
                             hint="add --backend hail, or give the cohort as VCF/BCF")
        from charcot.population.burden_hail import native_header

        vcf_samples, raw_header = native_header(vcf, hail_config)
    else:
        from charcot.variants.reader import open_vcf

        # the reader's checks (not a VCF, damaged gzip, a sample named twice, ...): a clear error, never htslib's
        reader = open_vcf(Path(vcf))
        vcf_samples = list(reader.samples)
        raw_header = str(reader.raw_header)
        if backend == "hail" and _is_bcf(vcf):
            reader.close()
            raise InputError("the Hail backend reads VCF text, not BCF (Hail's import_vcf has no BCF reader)", path=vcf,
                             hint="convert it: bcftools view -Oz -o cohort.vcf.gz FILE && tabix -p vcf cohort.vcf.gz, "
                                  "or use --backend local")
        from charcot.variants.reader import UNVERIFIED_INDEX, check_index

        try:
            # a foreign or stale index would silently empty every region query
            if check_index(Path(vcf), reader) == UNVERIFIED_INDEX:
                raise InputError("the index is older than the data file and could not be checked against it",
                                 path=vcf, hint="rebuild it: bcftools index -f FILE")
        finally:
            reader.close()
    if not vcf_samples:
        raise InputError("the cohort VCF has no samples", path=vcf, hint="a burden test needs genotypes")
    indices = match_samples(pheno, vcf_samples, vcf)
    analysed = [vcf_samples[i] for i in indices]
    is_case = [pheno.status[s] for s in analysed]
    _check_design(_design(pheno, analysed, covariates), covariates, pheno.path)  # before reading any genotype
    gene_filter: frozenset[str] | None
    notes: list[str] = []
    if all_genes:
        gene_filter = None
    elif genes:
        gene_filter = frozenset(g.upper() for g in genes)
    else:
        gene_filter = panel_genes()
        if not gene_filter:
            raise InputError("the knowledge base lists no ALS genes to test",
                             hint="name genes with --genes SOD1,FUS,... or test every annotated gene with --all-genes")
    if backend not in ("local", "hail"):
        raise InputError(f"unknown backend {backend!r}", hint="use local or hail")
    from charcot.variants.reader import check_call_thresholds

    check_call_thresholds(raw_header, vcf, criteria.min_gq, criteria.min_dp,
                          "every genotype would count as missing and every gene read as free of carriers")
    not_assessed: list[dict[str, str]] = []
    if criteria.alphamissense:
        from charcot.population.alphamissense import read_columns

        read_columns(criteria.alphamissense)  # a clear error now, not deep inside a backend
        notes.append(f"AlphaMissense masks: missense with am_pathogenicity > {criteria.am_min:g} (0.564 = likely "
                     "pathogenic, Cheng et al. 2023) from the given AlphaMissense TSV; a missense allele the file "
                     "does not list does not enter them (no AlphaMissense rows when no allele is above the cut-off)")
    else:
        notes.append("AlphaMissense masks not run: no --alphamissense file")
    if criteria.plp_source == "charcot" and hail_native:
        not_assessed.append({"what": "plp class", "reason": "charcot's ACMG classification of panel alleles reads a "
                             "VCF/BCF; the input is a Hail MatrixTable/VDS (use --plp-source clinvar or sites)"})
    elif criteria.plp_source == "charcot":
        from dataclasses import replace

        from charcot.population.acmg_sites import classify_panel_sites, describe

        sites = classify_panel_sites(vcf, build=build)
        criteria = replace(criteria, plp_site_genes=sites.site_genes)
        notes.extend(describe(sites))
        if sites.not_assessed:
            not_assessed.append({"what": "plp class", "reason": sites.not_assessed})
    elif criteria.plp_source == "clinvar":
        if "##INFO=<ID=CLNSIG," not in raw_header:
            not_assessed.append({"what": "plp class", "reason": "--plp-source clinvar but the VCF has no INFO/CLNSIG"})
        else:
            notes.append("P/LP class: INFO/CLNSIG (ClinVar) labels of the VCF")
    else:
        notes.append(f"P/LP class: {len(criteria.plp_sites)} allele(s) of the --plp-sites list")
    import time

    began = time.perf_counter()
    startup = 0.0
    if backend == "local":
        from charcot.population.burden_local import collapse_local

        collapse = collapse_local(vcf, indices, is_case, criteria, gene_filter, workers=workers,
                                  include_filtered=include_filtered)
    elif backend == "hail":
        from charcot.population.burden_hail import TIMINGS, collapse_hail

        collapse = collapse_hail(vcf, analysed, is_case, criteria, gene_filter,
                                 include_filtered=include_filtered, config=hail_config, raw_header=raw_header)
        startup = TIMINGS.get("start", 0.0)
    collapsed = time.perf_counter()
    notes.append(genotype_qc_note(criteria, include_filtered, "##FORMAT=<ID=FT," in raw_header,
                                  collapse.carrier_genotypes_failed_qc))
    n_cases = sum(1 for c in is_case if c)
    said = missingness_note(collapse.variants, n_cases, len(is_case) - n_cases)
    if said is not None:
        notes.append(said)
    if collapse.records_unfiltered:
        notes.append(f"{collapse.records_unfiltered} of {collapse.records_read} record(s) read have FILTER '.': the "
                     "caller's filters were not applied to them (kept, as PASS records are; their calls were not "
                     "filtered by the caller)")
    if collapse.records_skipped_filter:
        notes.append(f"{collapse.records_skipped_filter} record(s) whose FILTER is not PASS were left out "
                     "(--include-filtered uses them)")
    if len(vcf_samples) > len(analysed):
        notes.append(f"{len(vcf_samples) - len(analysed)} VCF sample(s) have no phenotype and were not analysed")
    if str_vcf is not None:
        from charcot.population.str_cohort import knowledge_repeat_groups, read_repeat_loci, repeat_groups

        case_array = np.asarray(is_case, dtype=bool)
        if repeat_loci is not None:
            groups, variants, str_notes = repeat_groups(str(str_vcf), read_repeat_loci(repeat_loci), analysed,
                                                        case_array)
            str_notes.insert(0, "repeat class: loci and thresholds from --repeat-loci")
        else:
            sex_codes = pheno.covariates.get("sex")  # 0 = male, 1 = female (phenotypes._SEX); AR is X-linked
            sexes = ({s: ("female" if v else "male") for s, v in sex_codes.items()} if sex_codes else None)
            groups, variants, str_notes = knowledge_repeat_groups(str(str_vcf), analysed, case_array,
                                                                  build=str_build, sexes=sexes)
            str_notes.insert(0, "repeat class: knowledge-base repeat loci, expansion = pathogenic or expanded "
                                "under each locus's default threshold set (charcot.repeats)")
        collapse.groups.update(groups)
        collapse.variants.extend(variants)
        notes.extend(str_notes)
    else:
        notes.append("repeat class not assessed: no --str given")
    if repeat_covariate:
        c9 = next((g for (gene, cls), g in collapse.groups.items() if gene.upper() == "C9ORF72" and cls == "repeat"),
                  None)
        if c9 is None:
            not_assessed.append({"what": "C9orf72 repeat covariate",
                                 "reason": "no C9orf72 repeat call (give --str with the C9orf72 locus)"})
        elif not (c9.carriers & c9.tested).any() or (c9.carriers & c9.tested).all():
            notes.append("C9orf72 repeat covariate not used: the expansion status is the same for every sample")
        else:
            collapse.mask_covariates["C9orf72_expansion"] = c9.carriers & c9.tested
            untested = int((~c9.tested).sum())
            notes.append("gene x mask tests adjusted for C9orf72 repeat expansion carrier status"
                         + (f" ({untested} sample(s) without a C9orf72 call counted as non-carriers)" if untested else ""))
    nothing_tested = _requested_without_test(collapse, genes or None, all_genes)
    if nothing_tested:
        # a requested gene with nothing to test is named, never left out of the tables in silence
        not_assessed.append({"what": f"{len(nothing_tested)} requested gene(s)",
                             "reason": "no qualifying allele in the cohort VCF, so no test was run (no record is "
                                       "annotated to the gene, or none of its alleles qualifies): "
                                       + ", ".join(nothing_tested)})
    collapse.not_assessed.extend(not_assessed)
    collapse.notes = notes + collapse.notes
    with _one_blas_thread():
        results = analyse(collapse, pheno, covariates, backend, workers=workers)
    tested = time.perf_counter()
    results.timings = {"startup": round(startup, 3), "collapse": round(collapsed - began - startup, 3),
                       "tests": round(tested - collapsed, 3)}
    skat_check = ((hail_config or {}).get("skat_check") or os.environ.get("CHARCOT_HAIL_SKAT_CHECK", "1")) != "0"
    if backend == "hail" and results.masks and skat_check:
        from charcot.population.burden_hail import skat_in_hail

        design = _design(pheno, collapse.samples, covariates)
        if collapse.mask_covariates:  # the same design as the Python SKAT (e.g. --repeat-covariate)
            design = np.column_stack([design, *(v.astype(np.float64) for v in collapse.mask_covariates.values())])
        hail_p = skat_in_hail(vcf, collapse.mask_variants, results.masks, design, analysed, is_case,
                              criteria=criteria, include_filtered=include_filtered)
        for m in results.masks:
            m.skat_p_hail = hail_p.get((m.gene, m.mask), math.nan)
        results.timings["hail_skat"] = round(time.perf_counter() - tested, 3)
    return results


def _fmt(value: object) -> str:
    if value is None:
        return "NA"  # not counted (a repeat class's missingness), as R and PLINK read it
    if isinstance(value, float):
        if math.isnan(value):
            return "NA"
        return repr(value)
    return str(value)


def results_json(results: BurdenResults) -> dict[str, object]:
    from dataclasses import asdict

    def clean(obj: object) -> object:
        if isinstance(obj, float) and not math.isfinite(obj):
            return None if math.isnan(obj) else ("inf" if obj > 0 else "-inf")
        if isinstance(obj, dict):
            return {k: clean(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [clean(v) for v in obj]
        return obj

    data = asdict(results)
    for group, obj in zip(data["groups"], results.groups, strict=True):
        group["case_freq"], group["control_freq"] = obj.case_freq, obj.control_freq
    return clean(data)  # type: ignore[return-value]


# Every file write_results may put in its folder (an existing folder holding others is refused).
RESULT_NAMES = ("burden.tsv", "carriers.tsv", "oligogenic.tsv", "variants.tsv", "masks.tsv", "masks.parquet",
                "results.json", "qq.png", "forest.png", "manhattan.png")
MASK_COLUMNS = ("gene", "mask", "n_variants", "case_carriers", "n_cases", "control_carriers", "n_controls",
                "odds_ratio", "or_ci_low", "or_ci_high", "p_burden", "burden_test", "p_skat", "p_skato", "rho_skato",
                "p_acato", "p_skat_hail", "note", "skat_adjustment", "p_skat_unadjusted")


def mask_table(results: BurdenResults) -> list[tuple[object, ...]]:
    """Rows of masks.tsv / masks.parquet, in MASK_COLUMNS order."""
    return [(m.gene, m.mask, m.n_variants, m.case_carriers, m.n_cases, m.control_carriers, m.n_controls,
             m.odds_ratio, m.or_ci_low, m.or_ci_high, m.burden_p, m.burden_test, m.skat_p, m.skato_p, m.skato_rho,
             m.acato_p, m.skat_p_hail, m.note, m.skat_adjustment, m.skat_p_unadjusted) for m in results.masks]


def _have_matplotlib() -> bool:
    import importlib.util

    return importlib.util.find_spec("matplotlib") is not None


def write_parquet(results: BurdenResults, path: Path) -> bool:
    """masks.parquet (pyarrow); False when pyarrow is not installed (the TSV holds the same table)."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        return False
    rows = mask_table(results)
    columns = {name: [r[i] for r in rows] for i, name in enumerate(MASK_COLUMNS)}
    pq.write_table(pa.table(columns), str(path))
    return True


def write_results(results: BurdenResults, outdir: str | Path, plots: bool = True) -> list[Path]:
    """Write burden.tsv, carriers.tsv, oligogenic.tsv, variants.tsv, masks.tsv (+ masks.parquet when pyarrow
    is installed), results.json (+ qq/forest/manhattan PNGs)."""
    from charcot.outputs import atomic_directory

    if plots and results.groups and not _have_matplotlib():
        results.notes.append("plots not drawn: matplotlib is not installed in this environment "
                             "(pip install 'charcot[cohort]')")
        plots = False
    written: list[Path] = []
    cols = ["gene", "class", "n_variants", "case_carriers", "n_cases", "case_freq", "control_carriers",
            "n_controls", "control_freq", "fisher_or", "fisher_p", "firth_log_or", "firth_se", "firth_ci_low",
            "firth_ci_high", "firth_p", "acat_v_p", "note"]
    lines = ["\t".join(cols)]
    for g in results.groups:
        lines.append("\t".join(_fmt(v) for v in (
            g.gene, g.cls, g.n_variants, g.case_carriers, g.n_cases, g.case_freq, g.control_carriers, g.n_controls,
            g.control_freq, g.fisher_or, g.fisher_p, g.firth_log_or, g.firth_se, g.firth_ci_low, g.firth_ci_high,
            g.firth_p, g.acat_v_p, g.note)))
    with atomic_directory(outdir, names=RESULT_NAMES) as scratch:
        (scratch / "burden.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        carrier_lines = ["gene\tcase_carriers\tcase_freq\tcontrol_carriers\tcontrol_freq"]
        carrier_lines += ["\t".join(_fmt(r[k]) for k in ("gene", "case_carriers", "case_freq", "control_carriers",
                                                         "control_freq")) for r in results.carrier_frequencies]
        (scratch / "carriers.tsv").write_text("\n".join(carrier_lines) + "\n", encoding="utf-8")
        oligo_lines = ["genes_hit\tcases\tcontrols\tfisher_p"]
        oligo_lines += [f"{r['genes_hit']}\t{r['cases']}\t{r['controls']}\t{_fmt(r.get('fisher_p', ''))}"
                        for r in results.oligogenic]
        (scratch / "oligogenic.tsv").write_text("\n".join(oligo_lines) + "\n", encoding="utf-8")
        var_lines = ["chrom\tpos\tref\talt\tgene\tclass\taf\taf_source\tcase_carriers\tcontrol_carriers\t"
                     "case_missing\tcontrol_missing\tmissingness_p"]
        var_lines += ["\t".join(_fmt(x) for x in (v.chrom, v.pos, v.ref, v.alt, v.gene, v.cls, v.af, v.af_source,
                                                  v.case_carriers, v.control_carriers, v.case_missing,
                                                  v.control_missing, v.missingness_p)) for v in results.variants]
        (scratch / "variants.tsv").write_text("\n".join(var_lines) + "\n", encoding="utf-8")
        mask_lines = ["\t".join(MASK_COLUMNS)] + ["\t".join(_fmt(x) for x in row) for row in mask_table(results)]
        (scratch / "masks.tsv").write_text("\n".join(mask_lines) + "\n", encoding="utf-8")
        parquet = write_parquet(results, scratch / "masks.parquet")
        if not parquet:
            results.notes.append("masks.parquet not written: pyarrow is not installed (masks.tsv has the same table)")
        payload = results_json(results)
        from charcot.model import provenance

        payload["provenance"] = json.loads(provenance().model_dump_json())
        (scratch / "results.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        names = ["burden.tsv", "carriers.tsv", "oligogenic.tsv", "variants.tsv", "masks.tsv"]
        names += ["masks.parquet"] if parquet else []
        names += ["results.json"]
        if plots and results.groups:
            from charcot.population.plots import forest_plot, manhattan_plot, qq_plot

            qq_plot([g.fisher_p for g in results.groups], scratch / "qq.png",
                    extra=[m.acato_p for m in results.masks if m.mask == "ACAT-O"])
            forest_plot(results.groups, scratch / "forest.png")
            names += ["qq.png", "forest.png"]
            if results.masks:
                manhattan_plot(results.masks, scratch / "manhattan.png")
                names += ["manhattan.png"]
    written = [Path(outdir) / name for name in names]
    return written

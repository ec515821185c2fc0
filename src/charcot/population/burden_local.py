"""Local backend: stream a cohort VCF with cyvcf2 and collapse it into per-(gene, class) carriers.

Memory: one boolean carrier vector per (gene, class) seen (panel genes x 3 classes x samples bytes)
plus one small row per *qualifying* variant; genotypes are read one record at a time, so the whole
genotype matrix is never held. Two cores: when the VCF has a tabix/CSI index and ``workers > 1``,
each contig is cut into 1 Mb pieces dealt round-robin to worker processes
(records are assigned by POS so none is counted twice); partial results are OR-ed together.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from charcot.genome.callquality import FT_PASSING
from charcot.population.masks import MASK_MAX_AF, MaskVariant
from charcot.population.model import Collapse, GroupCarriers, QualifyingVariant
from charcot.population.qualifying import (
    POPULATION_AF_FIELDS,
    REVEL_FIELDS,
    AnnotationSpec,
    Criteria,
    annotation_spec,
    classify_allele,
    info_numbers,
)
from charcot.variants.annotation import NOT_THIS_ALT, value_for_alt

DEFAULT_CONTIG_LENGTH = 250_000_000  # longer than any human contig: used when the header has no length
# 1 Mb pieces dealt round-robin to the workers: panel genes cluster, so small pieces balance the load
PIECE = 1_000_000


@dataclass(frozen=True)
class Job:
    path: str
    sample_indices: tuple[int, ...]
    is_case: tuple[bool, ...]
    criteria: Criteria
    genes: frozenset[str] | None  # upper-case symbols to keep; None = every annotated gene
    regions: tuple[tuple[str, int, int], ...] | None  # (contig, start, end) 1-based inclusive, None = all
    include_filtered: bool


def has_index(path: str | Path) -> bool:
    p = str(path)
    return os.path.exists(p + ".tbi") or os.path.exists(p + ".csi")


def _info_float(value: Any, k: int, n_alts: int, number: str | None) -> float | None:
    """ALT ``k``'s value of an INFO field by its header ``number``, read as a patient's VCF is
    (``variants.annotation.value_for_alt``): a value given once for several ALTs is no one ALT's, so None (the
    allele's frequency then comes from the cohort); of several values for the ALT, the first."""
    picked = value_for_alt(value, k, n_alts, number)
    if picked is None or picked is NOT_THIS_ALT:
        return None
    if isinstance(picked, tuple | list):
        if not picked:
            return None
        picked = picked[0]
    try:
        number_value = float(picked)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(number_value) else number_value


def _records(vcf: Any, regions: Iterable[tuple[str, int, int]] | None) -> Iterable[Any]:
    if regions is None:
        yield from vcf
        return
    import warnings

    for contig, start, end in regions:
        with warnings.catch_warnings():  # cyvcf2 warns on an empty region; an empty range is normal here
            warnings.simplefilter("ignore")
            found = vcf(f"{contig}:{start}-{end}")
        for variant in found:
            if start <= variant.POS <= end:  # a region query also returns records overlapping from the left
                yield variant


def collapse_job(job: Job) -> Collapse:
    from cyvcf2 import VCF

    vcf = VCF(job.path, lazy=True, threads=1)
    idx = np.asarray(job.sample_indices, dtype=np.int64)
    is_case = np.asarray(job.is_case, dtype=bool)
    n = idx.size
    vcf_samples = list(vcf.samples)
    result = Collapse(samples=[vcf_samples[i] for i in idx], is_case=is_case)
    spec: AnnotationSpec | None = annotation_spec(vcf.raw_header)
    result.annotation = spec.tag if spec else None
    header_infos = set()
    header_formats = set()
    info_number = info_numbers(vcf.raw_header)  # INFO id -> Number
    for line in vcf.raw_header.splitlines():
        if line.startswith("##INFO=<ID="):
            header_infos.add(line[11:].split(",", 1)[0])
        elif line.startswith("##FORMAT=<ID="):
            header_formats.add(line[13:].split(",", 1)[0])
    min_gq, min_dp = job.criteria.min_gq, job.criteria.min_dp
    use_ft = not job.include_filtered and "FT" in header_formats
    use_qc = min_gq is not None or min_dp is not None or use_ft
    af_fields = [f for f in POPULATION_AF_FIELDS if f in header_infos]
    revel_fields = [f for f in REVEL_FIELDS if f in header_infos]
    has_clnsig = "CLNSIG" in header_infos and job.criteria.plp_source == "clinvar"
    plp_genes = job.criteria.plp_genes()  # empty unless plp_source is charcot
    # classify once with the widest rarity any output needs (the masks go to af <= 1%); the classes of
    # burden.tsv keep the stricter --max-af rule below
    from dataclasses import replace

    wide = replace(job.criteria, max_af=max(job.criteria.max_af, math.nextafter(MASK_MAX_AF, 1.0)))
    am_scores = None
    if job.criteria.alphamissense:
        from charcot.population.alphamissense import AlphaMissenseScores

        am_scores = AlphaMissenseScores(job.criteria.alphamissense)  # opened in this process (tabix handle)

    def am_genes_of(found: Any, site: tuple[str, int, str, str]) -> set[str]:
        """Genes where the allele is a rare missense with AlphaMissense above the cut-off."""
        if am_scores is None or not found.missense_genes:
            return set()
        score = am_scores.score(*site)
        return set(found.missense_genes) if score is not None and score > job.criteria.am_min else set()

    identity = bool(np.array_equal(idx, np.arange(len(vcf_samples))))
    for variant in _records(vcf, job.regions):
        result.records_read += 1
        filt = variant.FILTER
        if filt is None and not variant.FILTERS:  # FILTER '.' (cyvcf2's FILTER is None for PASS too)
            result.records_unfiltered += 1
        elif not job.include_filtered and filt not in (None, "PASS"):
            result.records_skipped_filter += 1
            continue
        alts = variant.ALT
        if not alts:
            continue
        # genotypes are decoded only for an allele that needs them (a qualifying allele, or one without a
        # population frequency whose rarity is judged on the cohort): most records of a cohort need none
        gt: np.ndarray | None = None
        raw_gt: np.ndarray | None = None  # the genotypes before QC, where QC set some missing
        missing: tuple[int, int] | None = None  # (cases, controls) whose genotype is missing, once per record
        n_called_alleles = 0
        annotation = variant.INFO.get(spec.tag) if spec else None
        clnsig = variant.INFO.get("CLNSIG") if has_clnsig else None
        clnsig_text = clnsig if isinstance(clnsig, str) else None
        chrom = variant.CHROM.removeprefix("chr")
        for k, alt in enumerate(alts, start=1):
            if alt in ("*", ".") or alt.startswith("<"):
                continue
            info_af = None
            for name in af_fields:
                value = _info_float(variant.INFO.get(name), k, len(alts), info_number.get(name))
                if value is not None:
                    info_af = value if info_af is None else max(info_af, value)
            info_revel = None
            for name in revel_fields:
                value = _info_float(variant.INFO.get(name), k, len(alts), info_number.get(name))
                if value is not None:
                    info_revel = value if info_revel is None else max(info_revel, value)
            key = (chrom, int(variant.POS), variant.REF, alt)
            cls = classify_allele(spec, annotation, info_af, info_revel, clnsig_text, key, alts, wide, plp_genes)
            hit_cells: np.ndarray | None = None
            af_source = "population"
            am_genes = am_genes_of(cls, key)
            if cls.af is None or cls.by_gene or am_genes:
                if gt is None:
                    array = variant.genotype.array()  # n x (ploidy + 1): the last column is the phased flag
                    gt = array[:, :-1] if identity else array[idx, :-1]  # -1 = missing allele
                    if use_qc:
                        failed = _failed_qc(variant, idx, identity, min_gq, min_dp, use_ft)
                        if failed.any():
                            raw_gt = gt.copy()
                            gt[failed] = -1  # a genotype failing QC is missing, as a no-call is
                    n_called_alleles = int(np.count_nonzero(gt >= 0))
                # flat positions of this allele's copies (sample = position // ploidy), in sample order
                hit_cells = np.flatnonzero(gt == k)
            if cls.af is None:
                # no population frequency: judge rarity by the cohort's own frequency
                assert hit_cells is not None
                cohort_af = hit_cells.size / n_called_alleles if n_called_alleles else 0.0
                af_source = "cohort"
                cls = classify_allele(spec, annotation, cohort_af, info_revel, clnsig_text, key, alts, wide,
                                      plp_genes)
                am_genes = am_genes_of(cls, key)
                af_used = float(cls.af if cls.af is not None else cohort_af)
            else:
                af_used = float(cls.af)
            rare = af_used < job.criteria.max_af
            if rare:
                for gene in cls.missense_without_revel:
                    if job.genes is None or gene.upper() in job.genes:
                        result.missense_without_revel[gene] = result.missense_without_revel.get(gene, 0) + 1
            if not cls.by_gene and not am_genes:
                continue
            assert hit_cells is not None and gt is not None
            index, dosage = np.unique(hit_cells // gt.shape[1], return_counts=True)  # carriers, copies carried
            n_case = int(np.count_nonzero(is_case[index]))
            n_ctrl = int(index.size - n_case)
            if missing is None:
                # samples whose genotype is missing here (a no-call allele, or QC set the call to missing); -2 is
                # htslib's padding of a shorter ploidy, not a missing allele
                absent = (gt == -1).any(axis=1)
                case_absent = int(np.count_nonzero(absent & is_case))
                missing = (case_absent, int(np.count_nonzero(absent)) - case_absent)
            emitted = False
            for gene in sorted(set(cls.by_gene) | am_genes):
                wide_classes = cls.by_gene.get(gene, set())
                if job.genes is not None and gene.upper() not in job.genes:
                    continue
                kinds = wide_classes & {"lof", "missense"}
                am = gene in am_genes
                if (kinds or am) and af_used <= MASK_MAX_AF:
                    kind = "lof" if "lof" in kinds else "missense" if kinds else "am"
                    result.mask_variants.append(MaskVariant(
                        gene, kind, chrom, int(variant.POS), variant.REF, alt, af_used, int(hit_cells.size),
                        index.astype(np.int64), dosage.astype(np.int8), am=am))
                    emitted = True
                classes = {c for c in wide_classes if rare or c not in ("lof", "missense")}
                for name in sorted(classes):
                    emitted = True
                    group_key = (gene, name)
                    group = result.groups.get(group_key)
                    if group is None:
                        group = GroupCarriers(gene, name, np.zeros(n, dtype=bool), np.ones(n, dtype=bool))
                        result.groups[group_key] = group
                    group.carriers[index] = True
                    group.n_variants += 1
                    result.variants.append(QualifyingVariant(
                        chrom, int(variant.POS), variant.REF, alt, gene, name, af_used, af_source, n_case, n_ctrl,
                        missing[0], missing[1]))
            if emitted and raw_gt is not None:
                # carriers of this allele whose genotype failed QC (counted once per reported allele)
                before = np.unique(np.flatnonzero(raw_gt == k) // raw_gt.shape[1])
                result.carrier_genotypes_failed_qc += int(before.size - index.size)
    vcf.close()
    if am_scores is not None:
        am_scores.close()
    return result


def _failed_qc(variant: Any, idx: np.ndarray, identity: bool, min_gq: int | None, min_dp: int | None,
               use_ft: bool) -> np.ndarray:
    """Analysed samples whose call fails genotype QC: GQ/DP below the threshold or absent (htslib's missing
    and end-of-vector values are below any threshold), or the sample's own FORMAT/FT set and not PASS."""
    n = idx.size
    failed = np.zeros(n, dtype=bool)
    for name, cut in (("GQ", min_gq), ("DP", min_dp)):
        if cut is None:
            continue
        values = variant.format(name)
        if values is None:  # the record carries no such field: no call can be held to the threshold
            failed[:] = True
            continue
        column = values[:, 0] if identity else values[idx, 0]
        failed |= column < cut
    if use_ft:
        ft = variant.format("FT")
        if ft is not None:
            column = ft if identity else ft[idx]
            failed |= ~np.isin(column, tuple(FT_PASSING))
    return failed


def plan_regions(path: str, workers: int) -> list[tuple[tuple[str, int, int], ...]] | None:
    """Split the indexed VCF's contigs into ``workers`` lists of regions (None = stream the file whole)."""
    if workers <= 1 or not has_index(path):
        return None
    import pysam
    from cyvcf2 import VCF

    # contigs of the index: for a tabix-indexed VCF those that have records (the header may list hundreds); a BCF's
    # CSI index lists every header contig (an empty one costs one quick region query). pysam.TabixFile cannot open
    # a BCF index, VariantFile reads both.
    with pysam.VariantFile(str(path)) as variants:
        names = [str(name) for name in variants.index] if variants.index is not None else []
    vcf = VCF(path, lazy=True)
    try:
        try:
            length_of = dict(zip(vcf.seqnames, vcf.seqlens, strict=True))
        except Exception:  # no ##contig lengths in the header
            length_of = {}
    finally:
        vcf.close()
    if not names:
        return None
    pieces: list[tuple[str, int, int]] = []
    for name in names:
        total = int(length_of.get(name) or DEFAULT_CONTIG_LENGTH)
        begin = 1
        while begin <= total:
            end = begin + PIECE - 1
            # the last piece is open-ended so a wrong header length can never drop records
            pieces.append((name, begin, end if end < total else DEFAULT_CONTIG_LENGTH * 4))
            begin = end + 1
    plans: list[list[tuple[str, int, int]]] = [[] for _ in range(workers)]
    for i, piece in enumerate(pieces):
        plans[i % workers].append(piece)
    return [tuple(p) for p in plans if p]


def collapse_local(
    path: str, sample_indices: list[int], is_case: list[bool], criteria: Criteria,
    genes: frozenset[str] | None, workers: int = 2, include_filtered: bool = False,
) -> Collapse:
    """Collapse ``path`` for the given (analysed) samples, using ``workers`` processes when indexed."""
    plans = plan_regions(path, workers)
    base = dict(path=path, sample_indices=tuple(sample_indices), is_case=tuple(is_case), criteria=criteria,
                genes=genes, include_filtered=include_filtered)
    from charcot.outputs import fork_is_safe

    if plans is not None and len(plans) > 1 and not fork_is_safe():
        # another thread is running: no fork (see fork_is_safe); the regions are read here, one plan after the other
        parts = [collapse_job(Job(regions=plan, **base)) for plan in plans]  # type: ignore[arg-type]
        return _merged(parts)
    if plans is None or len(plans) == 1:
        return collapse_job(Job(regions=plans[0] if plans else None, **base))  # type: ignore[arg-type]
    import multiprocessing

    jobs = [Job(regions=plan, **base) for plan in plans]  # type: ignore[arg-type]
    context = multiprocessing.get_context("fork")
    with context.Pool(processes=len(jobs)) as pool:
        parts = pool.map(collapse_job, jobs)
    return _merged(parts)


def _merged(parts: list[Collapse]) -> Collapse:
    """The plans' collapses as one, in the order of the variants' keys (the same whichever process read each)."""
    merged = parts[0]
    for part in parts[1:]:
        merged.merge(part)
    merged.variants.sort(key=lambda v: v.key)
    merged.mask_variants.sort(key=lambda v: v.key)
    return merged

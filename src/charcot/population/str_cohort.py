"""Repeat-expansion carriers from a multi-sample STR VCF (GangSTR, ExpansionHunter, HipSTR).

Allele sizes in repeat units are read from FORMAT ``REPCN`` (GangSTR, ExpansionHunter: two copy
numbers per sample) or, for HipSTR, from FORMAT ``GB`` (base-pair difference from the reference
allele) with INFO ``START``/``END``/``PERIOD`` (reference units = (END-START+1)/PERIOD). A sample
is an expansion carrier at a locus when its larger allele is >= the locus threshold. Samples with
no call at the locus are *not tested* for that locus (they are left out of that group's test).

By default the loci and thresholds are the knowledge base's ``repeats`` section, read through
:func:`charcot.repeats.api.read_repeat_cohort` (:func:`knowledge_repeat_groups`; any caller
charcot.repeats reads). ``--repeat-loci`` overrides them with a TSV: gene, chrom, start, end,
threshold (repeat units), with a header line, read by this module's own REPCN/GB parser; there a
record belongs to a locus when it is on the same contig and its POS lies in [start, end]. STR VCFs hold a handful of clinical loci, so both backends read them with this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from charcot.errors import InputError
from charcot.population.model import GroupCarriers, QualifyingVariant


@dataclass(frozen=True)
class RepeatLocus:
    gene: str
    chrom: str
    start: int
    end: int
    threshold: float


def read_repeat_loci(path: str | Path) -> list[RepeatLocus]:
    from charcot.structured import read_text

    p = Path(path)
    lines = read_text(p, "repeat-loci file").splitlines()  # missing, not UTF-8, gzipped: in words; a BOM dropped
    loci: list[RepeatLocus] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t")]
        if number == 1 and cells[0].lower() == "gene":
            continue
        try:
            gene, chrom, start, end, threshold = cells[:5]
            loci.append(RepeatLocus(gene, chrom.removeprefix("chr"), int(start), int(end), float(threshold)))
        except ValueError as exc:
            raise InputError("expected gene, chrom, start, end, threshold (tab-separated)", path=p, line=number,
                             hint="threshold is in repeat units, e.g. C9orf72 31") from exc
    if not loci:
        raise InputError("no repeat loci listed", path=p,
                         hint="one locus per line: gene, chrom, start, end, threshold (tab-separated)")
    return loci


def _sizes(variant: object, fmt: set[str]) -> np.ndarray:
    """Per-sample larger allele size in repeat units (nan = no call)."""
    if "REPCN" in fmt:
        raw = variant.format("REPCN")  # type: ignore[attr-defined]
        if raw is not None and raw.dtype.kind in "iu":
            arr = raw.astype(np.float64)
            arr[arr < 0] = np.nan
            return np.asarray(np.nanmax(np.where(np.isnan(arr), -np.inf, arr), axis=1), dtype=np.float64)
        out = np.full(len(raw), np.nan) if raw is not None else np.array([])
        for i, cell in enumerate(raw if raw is not None else []):
            text = cell.decode() if isinstance(cell, bytes) else str(cell)
            nums = [float(x) for x in text.replace("/", ",").split(",") if x.strip().lstrip("-").isdigit()]
            nums = [x for x in nums if x >= 0]
            if nums:
                out[i] = max(nums)
        return out
    if "GB" in fmt:
        info = variant.INFO  # type: ignore[attr-defined]
        start, end, period = info.get("START"), info.get("END"), info.get("PERIOD")
        if start is None or end is None or not period:
            return np.array([])
        ref_units = (int(end) - int(start) + 1) / int(period)
        raw = variant.format("GB")  # type: ignore[attr-defined]
        out = np.full(len(raw), np.nan)
        for i, cell in enumerate(raw):
            text = cell.decode() if isinstance(cell, bytes) else str(cell)
            try:
                diffs = [int(x) for x in text.replace("/", "|").split("|")]
            except ValueError:
                continue
            out[i] = ref_units + max(diffs) / int(period)
        return out
    return np.array([])


def repeat_groups(
    str_vcf: str, loci: list[RepeatLocus], analysed: list[str], is_case: np.ndarray,
) -> tuple[dict[tuple[str, str], GroupCarriers], list[QualifyingVariant], list[str]]:
    """Carriers of expansions per gene (class ``repeat``) over the analysed samples."""
    from cyvcf2 import VCF

    try:
        vcf = VCF(str_vcf, lazy=True)
    except (OSError, FileNotFoundError) as exc:
        raise InputError("cannot open the STR VCF", path=str_vcf,
                         hint="give the repeat caller's VCF (ExpansionHunter), complete and readable") from exc
    fmt = set()
    for line in vcf.raw_header.splitlines():
        if line.startswith("##FORMAT=<ID="):
            fmt.add(line[13:].split(",", 1)[0])
    if not ({"REPCN", "GB"} & fmt):
        raise InputError("STR VCF has neither FORMAT/REPCN nor FORMAT/GB", path=str_vcf,
                         hint="use GangSTR, ExpansionHunter or HipSTR output")
    str_samples = list(vcf.samples)
    position = {s: i for i, s in enumerate(str_samples)}
    present = np.array([s in position for s in analysed])
    take = np.array([position.get(s, 0) for s in analysed])
    notes: list[str] = []
    if not present.any():
        raise InputError("none of the analysed samples is in the STR VCF", path=str_vcf,
                         hint="sample ids must match the phenotype file")
    if not present.all():
        notes.append(f"{int((~present).sum())} analysed sample(s) are not in the STR VCF: not tested for repeats")
    n = len(analysed)
    groups: dict[tuple[str, str], GroupCarriers] = {}
    variants: list[QualifyingVariant] = []
    found: set[RepeatLocus] = set()
    for variant in vcf:
        chrom = variant.CHROM.removeprefix("chr")
        for locus in loci:
            if chrom != locus.chrom or not (locus.start <= variant.POS <= locus.end):
                continue
            sizes = _sizes(variant, fmt)
            if sizes.size == 0:
                continue
            found.add(locus)
            sizes_here = np.where(present, sizes[take], np.nan)
            called = ~np.isnan(sizes_here)
            carriers = called & (np.nan_to_num(sizes_here, nan=-1.0) >= locus.threshold)
            key = (locus.gene, "repeat")
            group = groups.get(key)
            if group is None:
                group = GroupCarriers(locus.gene, "repeat", np.zeros(n, dtype=bool), np.zeros(n, dtype=bool))
                groups[key] = group
            group.carriers |= carriers
            group.tested |= called
            group.n_variants += 1
            variants.append(QualifyingVariant(chrom, int(variant.POS), variant.REF, f">={locus.threshold:g}u",
                                              locus.gene, "repeat", float("nan"), "repeat-caller",
                                              int((carriers & is_case).sum()), int((carriers & ~is_case).sum())))
    vcf.close()
    for locus in loci:
        if locus not in found:
            notes.append(f"repeat locus {locus.gene} {locus.chrom}:{locus.start}-{locus.end} has no record in "
                         f"the STR VCF: not assessed")
    return groups, variants, notes


def knowledge_repeat_groups(
    str_vcf: str, analysed: list[str], is_case: np.ndarray, build: str | None = None,
    sexes: dict[str, str] | None = None,
) -> tuple[dict[tuple[str, str], GroupCarriers], list[QualifyingVariant], list[str]]:
    """Expansion carriers per knowledge-base repeat locus (class ``repeat``), the default without --repeat-loci.

    Loci, their coordinates in either build and the thresholds are those of the knowledge base's
    ``repeats`` section, applied by :func:`charcot.repeats.api.read_repeat_cohort` (the same
    interpretation as a single patient's report). A sample is a carrier when its call at the locus is
    pathogenic or expanded under the locus's default threshold set (``RepeatCohort.carriers``); a
    sample with no call at the locus is not tested for it. Intermediate / risk alleles (e.g. ATXN2
    27-33 CAG) are not counted as expansions here.
    """
    from charcot.knowledge import get_knowledge
    from charcot.knowledge.schema.repeats import Record as Locus
    from charcot.repeats.api import read_repeat_cohort

    cohort = read_repeat_cohort(Path(str_vcf), build=build, sexes=sexes)
    position = {s: i for i, s in enumerate(cohort.samples)}
    present = np.array([s in position for s in analysed], dtype=bool)
    notes: list[str] = []
    if not present.any():
        raise InputError("none of the analysed samples is in the STR VCF", path=str_vcf,
                         hint="sample ids must match the phenotype file")
    if not present.all():
        notes.append(f"{int((~present).sum())} analysed sample(s) are not in the STR VCF: not tested for repeats")
    if cohort.build is None:
        notes.append("repeat class not assessed: no record of the STR VCF matches a knowledge-base repeat locus "
                     "in either build (use --repeat-loci for other loci)")
        return {}, [], notes
    groups: dict[tuple[str, str], GroupCarriers] = {}
    variants: list[QualifyingVariant] = []
    for locus in get_knowledge().typed("repeats", Locus):
        calls = {s: a.call(locus.id) for s, a in cohort.assessments.items()}
        tested = np.array([calls.get(s) is not None for s in analysed], dtype=bool)
        if not tested.any():
            notes.append(f"repeat locus {locus.gene} ({locus.display_motif}) has no genotype in the STR VCF for "
                         f"the analysed samples: not assessed")
            continue
        expanded = set(cohort.carriers(locus.id))
        carriers = np.array([s in expanded for s in analysed], dtype=bool) & tested
        first = next(c for c in calls.values() if c is not None)
        groups[(locus.gene, "repeat")] = GroupCarriers(locus.gene, "repeat", carriers, tested, 1)
        variants.append(QualifyingVariant(first.chrom, first.start, locus.display_motif,
                                          f"expanded:{first.default_set}", locus.gene, "repeat", float("nan"),
                                          "repeat-caller", int((carriers & is_case).sum()),
                                          int((carriers & ~is_case).sum())))
        if not tested.all():
            notes.append(f"repeat locus {locus.gene}: {int((~tested).sum())} analysed sample(s) without a call "
                         "were left out of its test")
    return groups, variants, notes

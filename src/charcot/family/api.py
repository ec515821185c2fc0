"""Public API of charcot.family (other packages call only these)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from charcot.family.drawing import draw_pedigree, pedigree_svg
from charcot.family.model import Observation, RiskResult, TestResult
from charcot.family.pedigree import Pedigree, read_observations
from charcot.family.pedigree import read_pedigree as _read
from charcot.family.samplemap import (
    BY_MAP,
    BY_NAME,
    BY_SAMPLE,
    SampleJoin,
    SampleMap,
    join_samples,
    read_sample_map,
    read_sample_map_text,
    sample_map_from_pairs,
    unjoined_proband_error,
)

if TYPE_CHECKING:
    from charcot.model import Build, Evidence

__all__ = [
    "BY_MAP",
    "BY_NAME",
    "BY_SAMPLE",
    "Pedigree",
    "RiskResult",
    "SampleJoin",
    "SampleMap",
    "draw_pedigree",
    "family_evidence",
    "join_samples",
    "pedigree_svg",
    "proband_as_founder",
    "read_observations",
    "read_pedigree",
    "read_sample_map",
    "read_sample_map_text",
    "relative_risks",
    "sample_map_from_pairs",
    "unjoined_proband_error",
    "with_vcf_genotypes",
]


def read_pedigree(path: str | Path, *, repair: bool = False) -> Pedigree:
    """PED file or Phenopacket Family JSON, validated (InputError on problems)."""
    return _read(path, repair=repair)


def relative_risks(pedigree: Pedigree, gene: str, carrier: str | None = None,
                   ages: Mapping[str, float] | None = None, nonpenetrance: float | None = None,
                   horizon_years: float = 10, **options: object) -> RiskResult:
    """See charcot.family.risk.relative_risks (options: observations, curve, sex_specific,
    phenocopy, carrier_frequency, sensitivity)."""
    from charcot.family.risk import relative_risks as _risks

    return _risks(pedigree, gene, carrier, ages, nonpenetrance, horizon_years, **options)  # type: ignore[arg-type]


def family_evidence(vcf: Path, pedigree: Pedigree, proband: str, variant_keys: Sequence[str] | None = None,
                    build: Build | None = None, notes: list[str] | None = None,
                    genes: Mapping[str, str] | None = None,
                    genotypes: dict[str, dict[str, TestResult]] | None = None,
                    samples: Mapping[str, str] | None = None) -> dict[str, list[Evidence]]:
    """ACMG evidence from the family, keyed "CHROM-POS-REF-ALT" (chrom without 'chr'): PS2/PM6
    (de novo), PP1/BS4 (segregation Bayes factor), PM3/BP2 (phase in recessive genes). ``notes`` collects what was
    skipped or could not be used (records not PASS, pedigree members who are not VCF samples). ``genes`` names the gene
    of each key as the caller's findings do (the penetrance model of the co-segregation factor is that gene's).
    ``samples``: pedigree ID -> the VCF sample its genotypes are read from (``join_samples``; default: the same name)."""
    from charcot.family.segregation import family_evidence as _evidence

    return _evidence(vcf, pedigree, proband, variant_keys, build, notes=notes, genes=genes,
                     genotypes=genotypes, samples=samples)


def with_vcf_genotypes(observations: Mapping[str, Observation], genotypes: Mapping[str, Mapping[str, TestResult]],
                       keys: Sequence[str], gene: str, proband: str | None,
                       pedigree: Pedigree | None = None) -> tuple[dict[str, Observation], list[str], bool]:
    """The relatives' observations with the test results their VCF calls give for ``gene``'s one pathogenic variant
    (``keys``: the gene's reportable P/LP variant keys), so the relatives' risk and the family section's de novo /
    segregation lines read one carrier status per person. A result recorded in the ages file is kept, and a VCF call
    that contradicts it is named; with two or more such variants in the gene (which one a relative carries decides
    nothing alone) the VCF calls are not used, and that is said. The third value is True when the calls show the
    variant de novo in the proband (the proband a carrier, both parents in ``pedigree`` non-carriers): the risk
    model, which has no mutation, then needs the proband as a founder (``proband_as_founder``)."""
    out = dict(observations)
    notes: list[str] = []
    typed_keys = [k for k in keys if k in genotypes]
    if not typed_keys:
        return out, notes, False
    if len(typed_keys) > 1:
        notes.append(f"Relatives' risk for {gene}: the relatives' VCF calls were not used as test results, since the "
                     f"patient has {len(typed_keys)} reportable variants in {gene} ({', '.join(typed_keys)}).")
        return out, notes, False
    key = typed_keys[0]
    calls = genotypes[key]
    de_novo = False
    if pedigree is not None and proband is not None and proband in pedigree:
        ind = pedigree[proband]
        de_novo = (calls.get(proband) is TestResult.CARRIER and ind.father is not None and ind.mother is not None
                   and calls.get(ind.father) is TestResult.NONCARRIER
                   and calls.get(ind.mother) is TestResult.NONCARRIER)
    if de_novo:
        notes.append(f"Relatives' risk for {gene}: by the VCF calls {key} is de novo in {proband} (both parents "
                     "non-carriers), so the risk is computed with the variant arising in the patient: the parents and "
                     "siblings carry the population risk only (a parent's germline mosaicism, which gives siblings a "
                     "small recurrence risk, is not modelled).")
    used = []
    for iid, result in sorted(genotypes[key].items()):
        if iid == proband:
            continue
        known = out.get(iid)
        if known is not None and known.test is not TestResult.UNTESTED:
            if known.test is not result:
                notes.append(f"Relatives' risk for {gene}: {iid} is recorded as {known.test.value} in the ages file "
                             f"but the VCF calls {iid} a {result.value} of {key}; the ages file's result is used: check "
                             "the sample and the test.")
            continue
        out[iid] = (known or Observation()).model_copy(update={"test": result})
        used.append(f"{iid} {result.value}")
    if used:
        notes.append(f"Relatives' risk for {gene}: the relatives' confident VCF calls of {key} are their test results "
                     f"({', '.join(used)}).")
    return out, notes, de_novo


def proband_as_founder(pedigree: Pedigree, proband: str) -> Pedigree:
    """The pedigree with the proband's parent links cut, for a variant that arose in the proband: the risk model has
    no mutation, so a carrier child of two non-carrier parents is otherwise impossible."""
    individuals = {iid: (ind.model_copy(update={"father": None, "mother": None}) if iid == proband else ind)
                   for iid, ind in pedigree.individuals.items()}
    return Pedigree(individuals, source=pedigree.source, observations=dict(pedigree.observations),
                    proband=pedigree.proband, notes=list(pedigree.notes))

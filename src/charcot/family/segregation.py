"""Family evidence for variant classification from a multi-sample VCF plus pedigree.

* PP1 / BS4 — co-segregation as a full-likelihood Bayes factor (Thompson et al. 2003):
  FLB = P(genotypes, phenotypes | variant causal) / [P(genotypes)·P(phenotypes)], the denominator
  being the same model with the disease locus unlinked to the variant. All three terms come from
  the peeling engine with the gene's age-dependent penetrance when the knowledge base has one
  (otherwise affected status only: carriers 1 - x, non-carriers the population risk; unaffected
  relatives count as uninformative). Levels follow Jarvik & Browning 2016 for a single family:
  FLB ≥ 8 Supporting, ≥ 16 Moderate, ≥ 32 Strong. BS4 (Strong) when a confidently genotyped
  affected relative does not carry the variant and FLB ≤ 1/32.
* PS2 / PM6 — de novo (see denovo.py), parentage checked by Mendelian consistency over the VCF.
* PM3 / BP2 — phase of two heterozygous variants in one recessive gene (see phase.py).
Every criterion considered is returned, applied or not, with its reason.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from charcot.errors import InputError
from charcot.family import denovo as dn
from charcot.family.model import Observation, Status, TestResult
from charcot.family.pedigree import Pedigree
from charcot.family.phase import phase
from charcot.model import Build, Evidence

JB_SINGLE_FAMILY = ((32.0, "Strong"), (16.0, "Moderate"), (8.0, "Supporting"))
SEG_SOURCES = ["FAM-JB16", "FAM-Tho03"]
DENOVO_SOURCES = ["FAM-SVIdn"]
PHASE_SOURCES = ["FAM-SVIpm3"]
PARENTAGE_SITES = 5000
MAX_MENDEL_ERROR = 0.02


def _key(chrom: str, pos: int, ref: str, alt: str) -> str:
    return f"{chrom.removeprefix('chr')}-{pos}-{ref}-{alt}"


def _call(variant: Any, k: int) -> dn.Call:
    gq = float(variant.gt_quals[k]) if variant.gt_quals is not None else -1.0
    dp = int(variant.gt_depths[k]) if variant.gt_depths is not None else -1
    ref = int(variant.gt_ref_depths[k]) if variant.gt_ref_depths is not None else -1
    alt = int(variant.gt_alt_depths[k]) if variant.gt_alt_depths is not None else -1
    return dn.Call(int(variant.gt_types[k]), gq if gq >= 0 else 0.0, max(dp, 0), max(ref, 0), max(alt, 0))


def _gene_regions(build: Build | None) -> list[tuple[str, int, int, str, bool]]:
    """(chrom, start, end, symbol, recessive_only) for every panel gene with coordinates."""
    from charcot.knowledge import get_knowledge

    out: list[tuple[str, int, int, str, bool]] = []
    if build is None:
        return out
    for gene in get_knowledge().genes:
        coords = gene.coords(build)
        if coords is None:
            continue
        inh = {i.value for i in gene.inheritance}
        out.append((coords.span.chrom, coords.span.start, coords.span.end, gene.symbol,
                    "AR" in inh and "AD" not in inh))
    return out


def _parentage(vcf_path: Path, idx: tuple[int, int, int]) -> tuple[bool, str]:
    """Mendelian consistency of proband/father/mother over up to PARENTAGE_SITES confident sites."""
    from cyvcf2 import VCF

    allowed = {0: {0}, 1: {0, 1}, 3: {1}}  # alt alleles a parent can transmit, by gt_types code
    checked = errors = 0
    reader = VCF(str(vcf_path))
    try:
        for v in reader:
            calls = [_call(v, k) for k in idx]
            if not all(c.confident for c in calls):
                continue
            child, fa, mo = calls
            need = {0: 0, 1: 1, 3: 2}[child.gt]
            ok = any(a + b == need for a in allowed[fa.gt] for b in allowed[mo.gt])
            checked += 1
            errors += 0 if ok else 1
            if checked >= PARENTAGE_SITES:
                break
    finally:
        reader.close()
    if checked < 100:
        return False, f"parentage not confirmed: only {checked} confidently genotyped trio sites"
    rate = errors / checked
    if rate <= MAX_MENDEL_ERROR:
        return True, f"parentage consistent with trio genotypes ({errors}/{checked} Mendelian errors)"
    return False, f"parentage doubtful: {errors}/{checked} Mendelian errors ({rate:.1%})"


def segregation_bayes_factor(pedigree: Pedigree, gene: str | None, genotypes: dict[str, TestResult],
                             nonpenetrance: float | None = None) -> tuple[float, str]:
    """Full-likelihood Bayes factor for co-segregation (see module docstring) and the model used."""
    from charcot.family.penetrance import POPULATION_LIFETIME_RISK, PenetranceModel, penetrance_record
    from charcot.family.risk import DEFAULT_CARRIER_FREQUENCY, _likelihood, solve

    model: PenetranceModel | None = None
    cf = DEFAULT_CARRIER_FREQUENCY
    x = 0.2 if nonpenetrance is None else nonpenetrance
    label = "affected status only (no age curve for this gene); unaffected relatives uninformative"
    if gene:
        try:
            record = penetrance_record(gene)
        except InputError:
            record = None
        if record is not None:
            x = record.default_nonpenetrance if nonpenetrance is None else nonpenetrance
            model = PenetranceModel(record.curve(), x, POPULATION_LIFETIME_RISK)
            if record.population and record.population.carrier_frequency:
                cf = record.population.carrier_frequency
            label = f"{record.gene} age curve '{record.default_curve}', x = {x:g}"
    pheno = np.ones((len(pedigree), 3))
    geno = np.ones((len(pedigree), 3))
    for k, iid in enumerate(pedigree.ids):
        obs = pedigree.observations.get(iid, Observation())
        status = obs.status or pedigree[iid].status
        if model is not None:
            pheno[k] = _likelihood(model, status, obs.model_copy(update={"test": TestResult.UNTESTED}))
        elif status is Status.AFFECTED:
            pheno[k] = [POPULATION_LIFETIME_RISK, 1 - x, 1 - x]
        g = genotypes.get(iid, TestResult.UNTESTED)
        if g is TestResult.CARRIER:
            geno[k] = [0.0, 1.0, 1.0]
        elif g is TestResult.NONCARRIER:
            geno[k] = [1.0, 0.0, 0.0]
    full = solve(pedigree, pheno * geno, cf).log_likelihood
    only_g = solve(pedigree, geno, cf).log_likelihood
    only_p = solve(pedigree, pheno, cf).log_likelihood
    return math.exp(full - only_g - only_p), label


def _segregation_evidence(flb: float, label: str, affected_noncarrier: list[str], n_typed: int) -> list[Evidence]:
    text = f"co-segregation Bayes factor {flb:.3g} over {n_typed} genotyped relatives ({label})"
    out: list[Evidence] = []
    level = next((s for t, s in JB_SINGLE_FAMILY if flb >= t), None)
    if level:
        out.append(Evidence(criterion="PP1", strength=level, points=dn.TAVTIGIAN[level],
                            reason=f"{text}: ≥ Jarvik & Browning {level.lower()} threshold", sources=SEG_SOURCES))
    else:
        out.append(Evidence(criterion="PP1", strength="Supporting", points=0.0, applied=False,
                            reason=f"{text}: below the supporting threshold 8", sources=SEG_SOURCES))
    if affected_noncarrier and flb <= 1 / 32:
        out.append(Evidence(criterion="BS4", strength="Strong", points=-4.0,
                            reason=f"affected relative(s) {', '.join(affected_noncarrier)} do not carry the variant; "
                            f"{text}. ALS phenocopies are common: confirm the relatives' diagnoses",
                            sources=SEG_SOURCES))
    else:
        why = ("no confidently genotyped affected non-carrier" if not affected_noncarrier
               else f"Bayes factor {flb:.3g} above 1/32")
        out.append(Evidence(criterion="BS4", strength="Strong", points=0.0, applied=False,
                            reason=f"lack of segregation not shown: {why}", sources=SEG_SOURCES))
    return out


def family_evidence(vcf: Path, pedigree: Pedigree, proband: str, variant_keys: Sequence[str] | None = None,
                    build: Build | None = None, *, phenotype_specificity: str = "consistent") -> dict[str, list[Evidence]]:
    from cyvcf2 import VCF

    from charcot.genome.builds import detect_build

    vcf = Path(vcf)
    if not vcf.exists():
        raise InputError("VCF not found", path=vcf)
    if proband not in pedigree:
        raise InputError(f"proband {proband!r} is not in the pedigree", path=pedigree.source)
    if phenotype_specificity not in dn.SVI_POINTS:
        raise InputError(f"phenotype specificity must be one of {', '.join(dn.SVI_POINTS)}")
    try:
        reader = VCF(str(vcf))
    except OSError as exc:
        raise InputError(f"cannot read VCF: {exc}", path=vcf) from exc
    samples = list(reader.samples)
    sidx = {s: k for k, s in enumerate(samples)}
    if proband not in sidx:
        reader.close()
        raise InputError(f"proband {proband!r} is not a sample of the VCF", path=vcf,
                         hint=f"VCF samples: {', '.join(samples[:10])}")
    shared = [iid for iid in pedigree.ids if iid in sidx]
    if build is None:
        try:
            build = detect_build(dict(zip(reader.seqnames, reader.seqlens, strict=False)))
        except Exception:  # header without contig lengths: genes cannot be placed
            build = None
    regions = _gene_regions(build)
    wanted = set(variant_keys) if variant_keys is not None else None
    if wanted is None and not regions:
        reader.close()
        raise InputError("no panel gene coordinates for this VCF's build, and no variant keys given",
                         path=vcf, hint="pass variant keys (CHROM-POS-REF-ALT) or use a VCF with contig lengths")
    ind = pedigree[proband]
    trio = ind.father in sidx and ind.mother in sidx if ind.father and ind.mother else False
    parentage: tuple[bool, str] | None = None

    results: dict[str, list[Evidence]] = {}
    hets_by_gene: dict[str, list[tuple[str, Any]]] = {}
    try:
        for v in reader:
            chrom = v.CHROM.removeprefix("chr")
            gene_hit = next((r for r in regions if r[0] == chrom and r[1] <= v.POS <= r[2]), None)
            for a, alt in enumerate(v.ALT):
                key = _key(v.CHROM, v.POS, v.REF, alt)
                if wanted is not None and key not in wanted:
                    continue
                if wanted is None and gene_hit is None:
                    continue
                if a > 0:
                    results[key] = [Evidence(criterion="PP1", strength="Supporting", applied=False,
                                             reason="multi-allelic record: only the first ALT is assessed; "
                                             "normalise with bcftools norm -m-", sources=SEG_SOURCES)]
                    continue
                calls = {iid: _call(v, sidx[iid]) for iid in shared}
                pc = calls[proband]
                if pc.gt not in (1, 3) and wanted is None:
                    continue
                evidence: list[Evidence] = []
                # de novo
                if trio and ind.father and ind.mother:
                    is_dn, why = dn.de_novo_status(pc, calls[ind.father], calls[ind.mother])
                    if is_dn:
                        if parentage is None:
                            parentage = _parentage(vcf, (sidx[proband], sidx[ind.father], sidx[ind.mother]))
                        confirmed, pwhy = parentage
                        pts = dn.SVI_POINTS[phenotype_specificity][0 if confirmed else 1]
                        strength = dn.points_to_strength(pts)
                        crit = "PS2" if confirmed else "PM6"
                        evidence.append(Evidence(
                            criterion=crit, strength=strength or "Supporting",
                            points=dn.TAVTIGIAN[strength] if strength else 0.0, applied=strength is not None,
                            reason=f"de novo in the proband ({why}); {pwhy}; SVI {pts:g} point(s) for phenotype "
                            f"'{phenotype_specificity}' (SVI point table carried as unverified)",
                            sources=DENOVO_SOURCES))
                    else:
                        evidence.append(Evidence(criterion="PS2", strength="Strong", applied=False,
                                                 reason=f"not a de novo call: {why}", sources=DENOVO_SOURCES))
                else:
                    evidence.append(Evidence(criterion="PS2", strength="Strong", applied=False,
                                             reason="not assessed: both parents of the proband are not in the VCF",
                                             sources=DENOVO_SOURCES))
                # segregation
                typed = {iid: (TestResult.CARRIER if c.gt in (1, 3) else TestResult.NONCARRIER)
                         for iid, c in calls.items() if c.confident}
                aff_non = [iid for iid, t in typed.items()
                           if t is TestResult.NONCARRIER and pedigree[iid].status is Status.AFFECTED]
                informative = [iid for iid in typed if pedigree[iid].status is not Status.UNKNOWN]
                if len(informative) < 2:
                    evidence.append(Evidence(criterion="PP1", strength="Supporting", applied=False,
                                             reason=f"not assessed: {len(informative)} genotyped relative(s) with "
                                             "known affection status", sources=SEG_SOURCES))
                else:
                    try:
                        flb, label = segregation_bayes_factor(pedigree, gene_hit[3] if gene_hit else None, typed)
                        evidence.extend(_segregation_evidence(flb, label, aff_non, len(typed)))
                    except InputError as exc:
                        evidence.append(Evidence(criterion="PP1", strength="Supporting", applied=False,
                                                 reason=f"not assessed: {exc.message}", sources=SEG_SOURCES))
                results[key] = evidence
                if gene_hit is not None and gene_hit[4] and pc.gt == 1:
                    hets_by_gene.setdefault(gene_hit[3], []).append((key, calls))
    finally:
        reader.close()
    # phase of two hits in recessive genes
    for gene, hits in hets_by_gene.items():
        for i, (ka, ca) in enumerate(hits):
            for kb, cb in hits[i + 1:]:
                fa, mo = ind.father, ind.mother
                ph = phase((ca.get(fa) if fa else None, ca.get(mo) if mo else None),
                           (cb.get(fa) if fa else None, cb.get(mo) if mo else None))
                for key, other in ((ka, kb), (kb, ka)):
                    if ph == "trans":
                        results[key].append(Evidence(
                            criterion="PM3", strength="Supporting", points=1.0,
                            reason=f"in trans with {other} in recessive gene {gene} (parental genotypes); "
                            "SVI: Moderate if the other variant is Pathogenic, Supporting if Likely pathogenic — "
                            "given here at the lower strength until the partner is classified",
                            sources=PHASE_SOURCES))
                    elif ph == "cis":
                        results[key].append(Evidence(
                            criterion="BP2", strength="Supporting", points=0.0, applied=False,
                            reason=f"in cis with {other} in recessive gene {gene}: BP2 applies only if that "
                            "variant is pathogenic", sources=PHASE_SOURCES))
                    else:
                        results[key].append(Evidence(
                            criterion="PM3", strength="Supporting", applied=False,
                            reason=f"second variant {other} in {gene}, phase unknown (parents not both "
                            "confidently genotyped or both carry one)", sources=PHASE_SOURCES))
    return results

"""Family evidence for variant classification from a multi-sample VCF plus pedigree.

* PP1 / BS4 — co-segregation as a full-likelihood Bayes factor (Thompson et al. 2003):
  FLB = P(genotypes, phenotypes | variant causal) / [P(genotypes)·P(phenotypes)], the denominator
  being the same model with the disease locus unlinked to the variant. All three terms come from
  the peeling engine with the gene's age-dependent penetrance when the knowledge base has one
  (otherwise affected status only: carriers 1 - x, non-carriers the population risk; unaffected
  relatives count as uninformative). Levels follow Jarvik & Browning 2016 for a single family:
  FLB ≥ 8 Supporting, ≥ 16 Moderate, ≥ 32 Strong. The factor is conditioned on the proband
  (ascertainment: the proband's own genotype–phenotype match is why the family was studied), and PP1
  needs at least one affected carrier besides the proband (an informative meiosis in Jarvik &
  Browning's counting). Unaffected carriers lower the factor through 1 - (1 - x)·F(age) when the gene
  has an age curve and the relative an age. BS4 (Strong) when a confidently genotyped
  affected relative does not carry the variant and FLB ≤ 1/32. Only the proband's own family counts (people
  linked to the proband by parent-child lines; another family of the PED is named in a note); the model is
  dominant, so a recessive-only gene gets no factor, and neither does a carrier of two non-carrier parents (a de
  novo event the model cannot represent). A variant on X outside the PARs in a gene the knowledge base records as
  X-linked (UBQLN2) is assessed with X-linked transmission (hemizygous men, a father's X to his daughters only, a
  son's X from his mother: a son carrying what his mother does not is named); on Y, MT or X in another gene PP1 is
  not assessed.
* PS2 / PM6 — de novo (see denovo.py), parentage checked by Mendelian consistency over the VCF; a son's variant on
  X outside the PARs is decided on his mother's call, maternity checked on mother-son genotypes.
* PM3 / BP2 — phase of two heterozygous variants in one recessive gene (see phase.py), never applied by the phase
  alone (PM3 needs the partner pathogenic or likely pathogenic).
Genotypes are read from the alleles (a half-call '0/.' is no call), the depth from FORMAT/DP.
Every criterion considered is returned, applied or not, with its reason.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from charcot.errors import InputError
from charcot.family import denovo as dn
from charcot.family.model import Observation, Sex, Status, TestResult
from charcot.family.pedigree import Pedigree
from charcot.family.phase import phase
from charcot.genome.callquality import FT_PASSING
from charcot.model import Build, Evidence, first_names

JB_SINGLE_FAMILY = ((32.0, "Strong"), (16.0, "Moderate"), (8.0, "Supporting"))
SEG_SOURCES = ["FAM-JB16", "FAM-Tho03"]
DENOVO_SOURCES = ["FAM-SVIdn"]
PHASE_SOURCES = ["FAM-SVIpm3"]
PARENTAGE_SITES = 5000
MAX_MENDEL_ERROR = 0.02
# a mother-child duo shows only opposite homozygotes (about half the errors a trio would show for the same
# genotyping error rate): the threshold is halved
MAX_DUO_ERROR = 0.01


def _key(chrom: str, pos: int, ref: str, alt: str) -> str:
    return f"{chrom.removeprefix('chr')}-{pos}-{ref}-{alt}"


def _format_field(variant: Any, tag: str) -> Any:
    """A record's FORMAT field as cyvcf2 gives it (one row per sample), or None when the header or the record lacks
    it. Missing values are negative (htslib's int32 missing)."""
    try:
        return variant.format(tag)
    except KeyError:
        return None


def _call(variant: Any, k: int, allele: int = 1, genotypes: Sequence[Sequence[Any]] | None = None,
          ad: Any = None, depth: Any = None, ft: Any = None) -> dn.Call:
    """Sample ``k``'s call of ALT number ``allele``. On a multi-allelic record cyvcf2's genotype code and alt
    depth speak of any ALT ('0/2' is 'het'): there the code counts copies of this ALT in the genotype (``genotypes``:
    the record's ``v.genotypes``) and the alt depth is this ALT's AD entry (``ad``: ``v.format('AD')``).
    The depth is the sample's FORMAT/DP (``depth``: ``v.format('DP')``): cyvcf2's ``gt_depths`` is the sum of the
    allele depths, -1 for a VCF without AD even where DP is recorded; it is used only when DP is missing."""
    gq = float(variant.gt_quals[k]) if variant.gt_quals is not None else -1.0
    dp = int(variant.gt_depths[k]) if variant.gt_depths is not None else -1
    if depth is not None and int(depth[k][0]) >= 0:
        dp = int(depth[k][0])
    ref = int(variant.gt_ref_depths[k]) if variant.gt_ref_depths is not None else -1
    alt = int(variant.gt_alt_depths[k]) if variant.gt_alt_depths is not None else -1
    gt = int(variant.gt_types[k])
    partial = False
    if genotypes is not None:
        # the genotype from its alleles: cyvcf2's code reads a half-call '0/.' as homozygous reference
        called = list(genotypes[k][:-1])  # the last entry is the phased flag
        copies = sum(1 for a in called if a == allele)
        partial = bool(called) and any(a < 0 for a in called) and not all(a < 0 for a in called)
        gt = 2 if not called or any(a < 0 for a in called) else 0 if copies == 0 else 3 if copies == len(called) else 1
    if ad is not None:  # a multi-allelic record: this ALT's own AD entry
        alt = int(ad[k][allele]) if allele < len(ad[k]) and int(ad[k][allele]) >= 0 else -1
    # the sample's FORMAT/FT (``ft``: ``v.format('FT')``), as FILTER for this person: PASS or '.' is no filter
    sample_filter = str(ft[k]) if ft is not None and str(ft[k]) not in FT_PASSING else None
    # a field the VCF does not carry stays negative: it reads 'not recorded', never as a measured 0
    return dn.Call(gt, gq if gq >= 0 else -1.0, max(dp, -1), max(ref, -1), max(alt, -1), partial, sample_filter)


def _chrom_class(chrom: str, pos: int, build: Build | None) -> str:
    """'autosome' (or a pseudoautosomal X position), 'x' (X outside the PARs), 'y' or 'mt'. Without a known build
    an X position is 'x' unless it lies in a PAR of both builds (the PARs differ between GRCh37 and GRCh38)."""
    from charcot.variants.reader import PAR_X

    if chrom in ("MT", "M"):
        return "mt"
    if chrom == "Y":
        return "y"
    if chrom != "X":
        return "autosome"
    builds = [build] if build is not None else list(PAR_X)
    in_par = all(any(s <= pos <= e for s, e in PAR_X[b]) for b in builds)
    return "autosome" if in_par else "x"


def _suffixed(longer: str, name: str) -> bool:
    """'HG002_1' / 'HG002-blood' / 'HG002.bam' for 'HG002' (case-insensitive): a name plus a separated suffix."""
    a, b = longer.lower(), name.lower()
    return len(a) > len(b) and a.startswith(b) and a[len(b)] in "_-. "


def _absent_note(pedigree: Pedigree, samples: list[str], joined: Mapping[str, str] | None = None) -> str | None:
    """Pedigree members read from no VCF sample (``joined``: pedigree ID -> sample; by default the same name): their
    genotypes are unknown (never 'non-carrier'). A name that matches a sample but for case or a suffix is named, since
    it is most likely the same person; VCF samples no member is read from are named with the option that maps them."""
    from charcot.family.samplemap import OPTION

    joined = joined if joined is not None else {iid: iid for iid in pedigree.ids if iid in set(samples)}
    absent = [iid for iid in pedigree.ids if iid not in joined]
    if not absent:
        return None
    used = set(joined.values())
    free = [s for s in samples if s not in used]
    lower = {s.lower(): s for s in free}
    hints = []
    for iid in absent:
        near = lower.get(iid.lower()) or next((s for s in free if _suffixed(s, iid) or _suffixed(iid, s)), None)
        if near is not None:
            hints.append(f"{iid} (the VCF has {near})")
    shown = first_names(absent)
    text = (f"{len(absent)} pedigree member(s) are not samples of the VCF and count as untested, never as "
            f"non-carriers: {shown}")
    if hints:
        text += (f"; sample names must match the PED exactly, and these look like the same person under another "
                 f"name: {', '.join(hints[:12])} (map them with {OPTION} PEDIGREE_ID=VCF_SAMPLE, or rename the PED "
                 "individual or the VCF sample)")
    elif free:
        text += (f"; VCF sample(s) read for no pedigree member: {first_names(free)} (if one is a relative's, map it with "
                 f"{OPTION} PEDIGREE_ID=VCF_SAMPLE)")
    return text


def _blood_and_marriage(pedigree: Pedigree, proband: str) -> Pedigree:
    """The proband's own family: everyone linked to the proband through parent-child lines of the pedigree
    (relatives by blood and those who married in). Another family of the PED, or a person the PED links to no one,
    is not part of the proband's segregation: an unrelated affected person who shares the variant is evidence of
    another kind (case observations, PS4), never a meiosis of this family."""
    links: dict[str, set[str]] = {iid: set() for iid in pedigree.ids}
    for ind in pedigree:
        for parent in (ind.father, ind.mother):
            if parent is not None and parent in links:
                links[ind.id].add(parent)
                links[parent].add(ind.id)
    seen = {proband}
    todo = [proband]
    while todo:
        for other in links[todo.pop()]:
            if other not in seen:
                seen.add(other)
                todo.append(other)
    if len(seen) == len(pedigree):
        return pedigree
    return Pedigree({iid: ind for iid, ind in pedigree.individuals.items() if iid in seen}, source=pedigree.source,
                    observations={k: v for k, v in pedigree.observations.items() if k in seen}, proband=proband,
                    notes=list(pedigree.notes))


def _recessive_only(gene: Any) -> bool:
    """Whether a knowledge-base gene's ALS inheritance is autosomal recessive only (no dominant form recorded)."""
    inh = {i.value for i in gene.inheritance}
    return "AR" in inh and "AD" not in inh


def _recessive_only_genes() -> set[str]:
    """Panel genes whose ALS inheritance is autosomal recessive only."""
    from charcot.knowledge import get_knowledge

    return {gene.symbol for gene in get_knowledge().genes if _recessive_only(gene)}


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
        out.append((coords.span.chrom, coords.span.start, coords.span.end, gene.symbol, _recessive_only(gene)))
    return out


def _records(reader: Any, path: Path, unreadable: Any) -> Any:
    """The reader's records; a record htslib cannot parse (or a damaged block) is an error naming the line,
    never the end of the file."""
    n = 0
    iterator = iter(reader)
    while True:
        try:
            v = next(iterator)
        except StopIteration:
            return
        except Exception as exc:  # cyvcf2 raises a bare Exception for an htslib read error
            raise unreadable(path, n, exc) from None
        n += 1
        yield v


def _parentage(vcf_path: Path, idx: tuple[int, ...]) -> tuple[bool, str]:
    """Mendelian consistency over up to PARENTAGE_SITES confident autosomal sites: ``idx`` is (proband, father,
    mother), or (proband, mother) for maternity alone (a son's X), where the only error a duo shows is opposite
    homozygotes (the other parent may have given either allele)."""
    from charcot.variants.reader import open_vcf, unreadable_record

    allowed = {0: {0}, 1: {0, 1}, 3: {1}}  # alt alleles a parent can transmit, by gt_types code
    duo = len(idx) == 2
    checked = errors = 0
    reader = open_vcf(vcf_path)
    try:
        for v in _records(reader, vcf_path, unreadable_record):
            if _chrom_class(v.CHROM.removeprefix("chr"), v.POS, None) != "autosome":
                continue  # X/Y/MT follow other transmission rules: a son's X is not his father's
            depth = _format_field(v, "DP")
            ft = _format_field(v, "FT")
            gts = v.genotypes
            calls = [_call(v, k, genotypes=gts, depth=depth, ft=ft) for k in idx]
            if not all(c.confident for c in calls):
                continue
            need = {0: 0, 1: 1, 3: 2}[calls[0].gt]
            other = {0, 1} if duo else allowed[calls[2].gt]
            ok = any(a + b == need for a in allowed[calls[1].gt] for b in other)
            checked += 1
            errors += 0 if ok else 1
            if checked >= PARENTAGE_SITES:
                break
    finally:
        reader.close()
    what, kind = (("maternity", "mother-son") if duo else ("parentage", "trio"))
    if checked < 100:
        return False, f"{what} not confirmed: only {checked} confidently genotyped {kind} sites"
    rate = errors / checked
    errs = "opposite homozygous genotypes" if duo else "Mendelian errors"
    if rate <= (MAX_DUO_ERROR if duo else MAX_MENDEL_ERROR):
        return True, f"{what} consistent with {kind} genotypes ({errors}/{checked} {errs})"
    return False, f"{what} doubtful: {errors}/{checked} {errs} ({rate:.1%})"


def segregation_bayes_factor(pedigree: Pedigree, gene: str | None, genotypes: dict[str, TestResult],
                             nonpenetrance: float | None = None, proband: str | None = None,
                             x_linked: bool = False) -> tuple[float, str]:
    """Full-likelihood Bayes factor for co-segregation (see module docstring) and the model used.

    With ``proband`` the factor is conditioned on the proband (ascertainment): the proband's own
    genotype and phenotype are why the family was studied, so their association is divided out,
    FLB = [P(G, P | causal) / (P(G)·P(P))] / [the same for the proband's data alone]. A trio whose
    only affected member is the proband then carries no co-segregation evidence.

    ``x_linked``: a variant on X outside the PARs in an X-linked gene. Transmission is X-linked (a father passes his
    X to every daughter and to no son; males are hemizygous), founders' priors are Hardy-Weinberg for women and the
    allele frequency for men, and heterozygous women take the gene's own female non-penetrance when the knowledge
    base records one. Every family member's sex must be known (InputError otherwise)."""
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
            curve = record.curve()
            model = PenetranceModel(curve, x, POPULATION_LIFETIME_RISK)
            if record.population and record.population.carrier_frequency:
                cf = record.population.carrier_frequency
            label = f"{record.gene} age curve: {curve.title or 'the default curve'}, x = {x:g}"
    female_model = model
    founder_prior = None
    if x_linked:
        unknown = [iid for iid in pedigree.ids if pedigree[iid].sex is Sex.UNKNOWN]
        if unknown:
            raise InputError(f"the variant is on chromosome X in an X-linked gene, and the X-linked co-segregation "
                             f"model needs every family member's sex: unknown for {', '.join(unknown[:10])}",
                             path=pedigree.source, hint="record sex in column 5 of the PED file (1 male, 2 female)")
        female = np.array([pedigree[iid].sex is Sex.FEMALE for iid in pedigree.ids])
        q = cf  # the allele frequency: a man's carrier frequency (as charcot.family.risk)
        founder_prior = np.where(female[:, None], np.array([(1 - q) ** 2, 2 * q * (1 - q), q * q]),
                                 np.array([1 - q, q, 0.0]))
        if gene and model is not None:
            record = penetrance_record(gene)
            if record.female_nonpenetrance is not None:
                female_model = PenetranceModel(model.curve, record.female_nonpenetrance, POPULATION_LIFETIME_RISK)
                label += f", heterozygous women x = {record.female_nonpenetrance:g}"
        label += "; X-linked transmission (hemizygous men; a father's X goes to his daughters only)"
    pheno = np.ones((len(pedigree), 3))
    geno = np.ones((len(pedigree), 3))
    for k, iid in enumerate(pedigree.ids):
        obs = pedigree.observations.get(iid, Observation())
        status = pedigree.status_of(iid)
        if model is not None:
            own = female_model if pedigree[iid].sex is Sex.FEMALE and female_model is not None else model
            pheno[k] = _likelihood(own, status, obs.model_copy(update={"test": TestResult.UNTESTED}))
        elif status is Status.AFFECTED:
            pheno[k] = [POPULATION_LIFETIME_RISK, 1 - x, 1 - x]
        g = genotypes.get(iid, TestResult.UNTESTED)
        if g is TestResult.CARRIER:
            geno[k] = [0.0, 1.0, 1.0]
        elif g is TestResult.NONCARRIER:
            geno[k] = [1.0, 0.0, 0.0]
    from charcot.family.risk import pedigree_graph

    graph = pedigree_graph(pedigree, x_linked=x_linked)

    def log_factor(ph: np.ndarray, ge: np.ndarray) -> float:
        full = solve(pedigree, ph * ge, cf, graph=graph, founder_prior=founder_prior).log_likelihood
        only_g = solve(pedigree, ge, cf, graph=graph, founder_prior=founder_prior).log_likelihood
        only_p = solve(pedigree, ph, cf, graph=graph, founder_prior=founder_prior).log_likelihood
        return full - only_g - only_p

    value = log_factor(pheno, geno)
    if proband is not None and proband in pedigree:
        k = pedigree.ids.index(proband)
        # Thompson et al. 2003: the relatives' genotypes given the proband's genotype and everyone's phenotypes,
        # P(G | Ph, causal) / P(G | neutral), divided by the same for the proband's genotype alone *with every
        # phenotype* (dividing by the proband's own phenotype only left in how much the relatives' phenotypes
        # raise P(proband carries): an affected mother-child pair sharing a variant gave 55 instead of ~2)
        ge1 = np.ones_like(geno)
        ge1[k] = geno[k]
        value -= log_factor(pheno, ge1)
        label += "; conditioned on the proband (ascertainment)"
    return math.exp(value), label


def _segregation_evidence(flb: float, label: str, affected_noncarrier: list[str], n_typed: int,
                          affected_carriers: list[str] | None = None) -> list[Evidence]:
    carriers = affected_carriers if affected_carriers is not None else []
    text = (f"co-segregation Bayes factor {flb:.3g} over {n_typed} genotyped family members, the proband included "
            f"({label}); affected "
            f"carriers besides the proband: {', '.join(carriers) or 'none'}")
    out: list[Evidence] = []
    level = next((s for t, s in JB_SINGLE_FAMILY if flb >= t), None)
    if level and affected_carriers is not None and not carriers:
        # Jarvik & Browning count meioses between affected carriers: with no affected carrier besides
        # the proband there is no informative meiosis, whatever the likelihood model says.
        out.append(Evidence(criterion="PP1", strength="Supporting", points=0.0, applied=False,
                            reason=f"{text}: no informative meiosis (no affected relative carries the variant)",
                            sources=SEG_SOURCES))
    elif level:
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


def _carrier_of_noncarriers(pedigree: Pedigree, typed: dict[str, TestResult],
                            x_linked: bool = False) -> tuple[str, str] | None:
    """(child, the clause naming the parents) for the first confidently typed carrier whose transmitting parents are confidently
    typed non-carriers: both parents (autosomal, or a daughter's X), or the mother alone for a son's X, whose father
    passes him no X. None when every carrier can have the variant from a parent."""
    for iid, t in typed.items():
        ind = pedigree[iid]
        if t is not TestResult.CARRIER or ind.mother is None:
            continue
        if x_linked and ind.sex is Sex.MALE:
            if typed.get(ind.mother) is TestResult.NONCARRIER:
                return iid, f"his mother {ind.mother} (a son has his X from his mother alone) does not"
        elif ind.father is not None and typed.get(ind.father) is TestResult.NONCARRIER \
                and typed.get(ind.mother) is TestResult.NONCARRIER:
            return iid, f"neither parent ({ind.father}, {ind.mother}) does"
    return None


def _x_linked_genes() -> set[str]:
    """Panel genes whose ALS inheritance the knowledge base records as X-linked."""
    from charcot.knowledge import get_knowledge

    return {gene.symbol for gene in get_knowledge().genes if any(i.value.startswith("XL") for i in gene.inheritance)}


def _hemizygous_de_novo(vcf: Path, proband: str, mother: str | None, calls: dict[str, dn.Call],
                        sidx: dict[str, int], parentage: dict[tuple[int, ...], tuple[bool, str]],
                        phenotype_specificity: str) -> Evidence:
    """PS2/PM6 for a son's variant on X outside the PARs, from his mother's call alone (see
    denovo.hemizygous_de_novo_status); maternity, not paternity, is what confirms it."""
    if mother is None or mother not in sidx:
        who = "the mother is not in the pedigree" if mother is None else f"the mother ({mother}) is not a sample of the VCF"
        return Evidence(criterion="PS2", strength="Strong", applied=False, sources=DENOVO_SOURCES,
                        reason=f"not assessed: a son's X comes from his mother, so de novo on X needs her genotyped; "
                        f"{who}")
    is_dn, why = dn.hemizygous_de_novo_status(calls[proband], calls[mother])
    if not is_dn:
        return Evidence(criterion="PS2", strength="Strong", applied=False, reason=why, sources=DENOVO_SOURCES)
    return _de_novo_evidence(
        vcf, (sidx[proband], sidx[mother]), parentage, phenotype_specificity,
        f"de novo in the proband on chromosome X, absent from his mother, from whom alone a son has his X ({why})",
        " (the father does not bear on a son's X)")


def _de_novo_evidence(vcf: Path, idx: tuple[int, ...], parentage: dict[tuple[int, ...], tuple[bool, str]],
                      phenotype_specificity: str, call: str, check_note: str = "") -> Evidence:
    """PS2 (parentage confirmed) or PM6 for a de novo call of the proband: the parentage (trio) or maternity (a son's
    X) check of the samples ``idx``, done once per set in ``parentage``, and the SVI points for the phenotype.
    ``call`` words the de novo call; ``check_note`` follows the check's result."""
    if idx not in parentage:
        parentage[idx] = _parentage(vcf, idx)
    confirmed, pwhy = parentage[idx]
    pts = dn.SVI_POINTS[phenotype_specificity][0 if confirmed else 1]
    strength = dn.points_to_strength(pts)
    return Evidence(criterion="PS2" if confirmed else "PM6", strength=strength or "Supporting",
                    points=dn.TAVTIGIAN[strength] if strength else 0.0, applied=strength is not None,
                    reason=f"{call}; {pwhy}{check_note}; SVI {pts:g} point(s) for phenotype '{phenotype_specificity}' (SVI point "
                    "table carried as unverified)", sources=DENOVO_SOURCES)


def family_evidence(vcf: Path, pedigree: Pedigree, proband: str, variant_keys: Sequence[str] | None = None,
                    build: Build | None = None, *, phenotype_specificity: str = "consistent",
                    notes: list[str] | None = None, genes: Mapping[str, str] | None = None,
                    genotypes: dict[str, dict[str, TestResult]] | None = None,
                    samples: Mapping[str, str] | None = None) -> dict[str, list[Evidence]]:
    """Evidence per variant key. Records whose FILTER is not PASS are skipped as ``interpret`` skips
    them (a requested key gets a "not assessed" entry); ``notes`` collects what was skipped. ``genotypes`` receives,
    per key, the confident carrier / non-carrier calls of the proband's family. ``samples`` says which VCF sample each
    pedigree member is read from (``samplemap.join_samples``; by default the sample of the same name); a member with
    none is not genotyped."""
    from charcot.genome.builds import detect_build
    from charcot.variants.reader import open_vcf, quiet_htslib, unreadable_record

    quiet_htslib()
    notes = notes if notes is not None else []

    vcf = Path(vcf)
    if not vcf.exists():
        raise InputError("VCF not found", path=vcf, hint="check the path (and the current folder for a relative path)")
    if proband not in pedigree:
        raise InputError(f"proband {proband!r} is not in the pedigree", path=pedigree.source,
                         hint="name an individual ID of the PED file (its second column)")
    if phenotype_specificity not in dn.SVI_POINTS:
        raise InputError(f"phenotype specificity must be one of {', '.join(dn.SVI_POINTS)}",
                         hint=f"use one of: {', '.join(dn.SVI_POINTS)}")
    # the interpret reader's checks: a damaged or cut (b)gzip, a BOM, a file that is not a VCF
    reader = open_vcf(vcf)
    samples_in_vcf = list(reader.samples)
    vidx = {s: k for k, s in enumerate(samples_in_vcf)}
    joined = ({iid: s for iid, s in samples.items() if iid in pedigree and s in vidx} if samples is not None
              else {iid: iid for iid in pedigree.ids if iid in vidx})
    # pedigree ID -> the column of the VCF sample its genotypes are read from
    sidx = {iid: vidx[s] for iid, s in joined.items()}
    if proband not in sidx:
        reader.close()
        from charcot.family.samplemap import unjoined_proband_error

        raise unjoined_proband_error(proband, pedigree.ids, samples_in_vcf, vcf)
    shared = [iid for iid in pedigree.ids if iid in sidx]
    absent = _absent_note(pedigree, samples_in_vcf, joined)
    family = _blood_and_marriage(pedigree, proband)
    outside = [iid for iid in shared if iid not in family]
    if outside:
        shown = first_names(outside)
        notes.append(f"{len(outside)} genotyped individual(s) of the PED are not linked to the proband {proband} by "
                     f"the pedigree (another family, or no parent-child line to the proband's family): {shown}; "
                     "they are not counted in the proband's co-segregation (an unrelated person who shares the variant "
                     "is not a meiosis of this family); assess each family with its own proband")
    if absent is not None:
        notes.append(absent)
    try:
        detected = detect_build(dict(zip(reader.seqnames, reader.seqlens, strict=False)))
    except Exception:  # header without contig lengths (or a test mini-reference): genes cannot be placed
        detected = None
    if build is not None and detected is not None and build != detected:
        reader.close()
        raise InputError(f"--build {build.value} contradicts the VCF header, whose contig lengths are those of "
                         f"{detected.value}", path=vcf, hint=f"drop --build or pass --build {detected.value}")
    build = build or detected
    regions = _gene_regions(build)
    recessive = _recessive_only_genes()
    x_linked_genes = _x_linked_genes()
    # keys are compared without a 'chr' prefix (results are keyed so): 'chr1-…' and '1-…' are one variant
    wanted = {k.strip().removeprefix("chr") for k in variant_keys} if variant_keys is not None else None
    if wanted is None and not regions:
        reader.close()
        raise InputError("no panel gene coordinates for this VCF's build, and no variant keys given",
                         path=vcf, hint="pass variant keys (CHROM-POS-REF-ALT) or use a VCF with contig lengths")
    ind = pedigree[proband]
    trio = ind.father in sidx and ind.mother in sidx if ind.father and ind.mother else False
    missing_parents = "; ".join(
        f"the {role} is not in the pedigree" if pid is None else f"the {role} ({pid}) is not a sample of the VCF"
        for role, pid in (("father", ind.father), ("mother", ind.mother)) if pid is None or pid not in sidx)
    parentage: dict[tuple[int, ...], tuple[bool, str]] = {}  # parentage checks done, by sample indexes

    results: dict[str, list[Evidence]] = {}
    hets_by_gene: dict[str, list[tuple[str, Any]]] = {}
    filtered = 0
    records = in_genes = 0
    chroms_seen: set[str] = set()
    try:
        for v in _records(reader, vcf, unreadable_record):
            chrom = v.CHROM.removeprefix("chr")
            gene_hit = next((r for r in regions if r[0] == chrom and r[1] <= v.POS <= r[2]), None)
            records += 1
            in_genes += gene_hit is not None
            chroms_seen.add(chrom)
            filt = v.FILTER
            failed = None if filt in (None, "PASS", ".") else str(filt)
            for a, alt in enumerate(v.ALT):
                key = _key(v.CHROM, v.POS, v.REF, alt)
                if wanted is not None and key not in wanted:
                    continue
                if wanted is None and gene_hit is None:
                    continue
                if failed is not None:
                    filtered += 1
                    if wanted is not None:
                        results[key] = [Evidence(criterion="PP1", strength="Supporting", applied=False,
                                                 reason=f"not assessed: the record's FILTER is {failed}, not PASS "
                                                 "(records that failed the caller's filters are skipped, as in "
                                                 "interpret)", sources=SEG_SOURCES)]
                    continue
                depth = _format_field(v, "DP")
                gts = v.genotypes
                ad = _format_field(v, "AD") if len(v.ALT) > 1 else None
                ft = _format_field(v, "FT")
                calls = {iid: _call(v, sidx[iid], a + 1, gts, ad, depth, ft) for iid in shared}
                pc = calls[proband]
                if pc.gt not in (1, 3) and wanted is None:
                    continue
                evidence: list[Evidence] = []
                cls = _chrom_class(chrom, v.POS, build)
                sex_linked = cls in ("x", "y", "mt")
                # de novo
                if cls == "x" and ind.sex is Sex.MALE and pc.gt != 1:
                    # a son's X outside the PARs comes from his mother alone: de novo is decided on her call, and
                    # the father (whether genotyped or not) does not bear on it
                    evidence.append(_hemizygous_de_novo(vcf, proband, ind.mother, calls, sidx, parentage,
                                                        phenotype_specificity))
                elif sex_linked and (cls != "x" or ind.sex is not Sex.FEMALE):
                    # a son's X comes from his mother alone, Y from the father, MT from the mother: the trio rule
                    # (absent from both parents) does not apply, and a heterozygous X call in a man is itself doubtful
                    where = {"x": "chromosome X outside the pseudoautosomal regions", "y": "chromosome Y",
                             "mt": "the mitochondrial genome"}[cls]
                    who = "a male proband" if ind.sex is Sex.MALE else "a proband of unknown sex"
                    het_male = (" (a heterozygous call in a man, who has one X there: check for mosaicism, "
                                "contamination or a sample swap)" if cls == "x" and pc.gt == 1 else "")
                    evidence.append(Evidence(criterion="PS2", strength="Strong", applied=False,
                                             reason=f"not assessed: de novo calls on {where} in {who} are not "
                                             f"made by charcot{het_male}; review the parents' reads by hand",
                                             sources=DENOVO_SOURCES))
                elif trio and ind.father and ind.mother:
                    is_dn, why = dn.de_novo_status(pc, calls[ind.father], calls[ind.mother])
                    if is_dn:
                        evidence.append(_de_novo_evidence(
                            vcf, (sidx[proband], sidx[ind.father], sidx[ind.mother]), parentage,
                            phenotype_specificity, f"de novo in the proband ({why})"))
                    else:
                        evidence.append(Evidence(criterion="PS2", strength="Strong", applied=False,
                                                 reason=why, sources=DENOVO_SOURCES))
                else:
                    evidence.append(Evidence(criterion="PS2", strength="Strong", applied=False,
                                             reason=f"not assessed: de novo needs both parents genotyped; "
                                             f"{missing_parents}", sources=DENOVO_SOURCES))
                # segregation. The gene: the one the caller's finding names (its window may reach past the
                # knowledge base's span), else the panel gene whose span holds the record: one model per variant
                gene = (genes or {}).get(key) or (gene_hit[3] if gene_hit else None)
                typed = {iid: (TestResult.CARRIER if c.gt in (1, 3) else TestResult.NONCARRIER)
                         for iid, c in calls.items() if c.confident and iid in family}
                if genotypes is not None:
                    genotypes[key] = dict(typed)  # the confident calls of the proband's family, for relatives' risk
                aff_non = [iid for iid, t in typed.items()
                           if t is TestResult.NONCARRIER and pedigree.status_of(iid) is Status.AFFECTED]
                aff_car = [iid for iid, t in typed.items() if iid != proband
                           and t is TestResult.CARRIER and pedigree.status_of(iid) is Status.AFFECTED]
                informative = [iid for iid in typed if pedigree.status_of(iid) is not Status.UNKNOWN]
                # X outside the PARs in a gene the knowledge base records as X-linked: the X-linked model
                x_model = cls == "x" and gene in x_linked_genes
                if sex_linked and not x_model:
                    where = {"x": "chromosome X outside the pseudoautosomal regions", "y": "chromosome Y",
                             "mt": "the mitochondrial genome"}[cls]
                    rule = {"x": "a father passes no X to his sons", "y": "it passes from father to son only",
                            "mt": "it passes from the mother only"}[cls]
                    evidence.append(Evidence(criterion="PP1", strength="Supporting", applied=False,
                                             reason=f"not assessed: the co-segregation model is autosomal (X-linked "
                                             f"only for a gene the knowledge base records as X-linked) and this "
                                             f"variant is on {where}, where {rule}"
                                             + (f"; {gene} is not recorded as X-linked" if cls == "x" and gene
                                                else ""), sources=SEG_SOURCES))
                elif typed.get(proband) is TestResult.NONCARRIER:
                    # the factor is conditioned on the proband carrying the variant (ascertainment): for a variant
                    # the proband does not carry it would count relatives' carriers as co-segregation
                    evidence.append(Evidence(criterion="PP1", strength="Supporting", applied=False,
                                             reason="not assessed: the proband does not carry this variant "
                                             "(confident homozygous-reference call), so it cannot co-segregate with "
                                             "the proband's disease", sources=SEG_SOURCES))
                elif unexplained := _carrier_of_noncarriers(family, typed, x_linked=x_model):
                    # the peeling model has no mutation: it would call these genotypes 'impossible' and say nothing
                    # of why; a variant that has not passed through the family cannot co-segregate with its disease
                    who, parents = unexplained
                    what = ("a de novo variant in the proband (see PS2/PM6)" if who == proband
                            else f"a de novo variant in {who}")
                    evidence.append(Evidence(criterion="PP1", strength="Supporting", applied=False,
                                             reason=f"not assessed: {who} carries the variant and {parents}, "
                                             f"as confidently genotyped: {what}, or a "
                                             "genotyping or sample error; a variant that did not pass from parent to "
                                             "child there cannot co-segregate through it", sources=SEG_SOURCES))
                elif gene in recessive:
                    # the factor's model is dominant (one copy puts a person at risk): under recessive inheritance
                    # the parents and some unaffected sibs carry one copy, and an affected relative with one copy
                    # counts against, not for, the variant; the model would read both the wrong way
                    evidence.append(Evidence(criterion="PP1", strength="Supporting", applied=False,
                                             reason=f"not assessed: {gene} causes ALS through recessive inheritance "
                                             "only (two variants), and the co-segregation model is dominant (one "
                                             "copy puts a person at risk): heterozygous parents and sibs and an "
                                             "affected relative with one copy would be read the wrong way; review "
                                             "segregation of both variants (see PM3) by hand", sources=SEG_SOURCES))
                elif len(informative) < 2:
                    evidence.append(Evidence(criterion="PP1", strength="Supporting", applied=False,
                                             reason=f"not assessed: {len(informative)} confidently genotyped family "
                                             "member(s) with known affection status, the proband included; "
                                             "needs at least 2", sources=SEG_SOURCES))
                else:
                    try:
                        flb, label = segregation_bayes_factor(family, gene, typed, proband=proband,
                                                              x_linked=x_model)
                        evidence.extend(_segregation_evidence(flb, label, aff_non, len(typed), aff_car))
                    except InputError as exc:
                        evidence.append(Evidence(criterion="PP1", strength="Supporting", applied=False,
                                                 reason=f"not assessed: {exc.message}", sources=SEG_SOURCES))
                results[key] = evidence
                if gene_hit is not None and gene_hit[4] and pc.gt == 1:
                    hets_by_gene.setdefault(gene_hit[3], []).append((key, calls))
    finally:
        reader.close()
    for key in sorted((wanted or set()) - set(results)):
        # a requested variant with no record: no genotype of anyone is known, never 'not de novo' or 'non-carrier'
        results[key] = [Evidence(criterion=c, strength=st, applied=False, sources=src,
                                 reason="not assessed: the VCF has no record of this variant (check the key "
                                 "CHROM-POS-REF-ALT and the build)")
                        for c, st, src in (("PS2", "Strong", DENOVO_SOURCES), ("PP1", "Supporting", SEG_SOURCES))]
    if filtered:
        notes.append(f"{filtered} variant(s) skipped because their FILTER is not PASS (as interpret does)")
    if wanted is None:
        notes.append(f"{records} record(s) read, {in_genes} of them in ALS panel genes")
        missing = sorted({r[3] for r in regions if r[0] not in chroms_seen})
        if missing:
            shown = first_names(missing)
            notes.append(f"not assessed: {len(missing)} panel gene(s) on chromosomes with no record in the VCF "
                         f"({shown}): no variant there cannot be told apart from a region the file does not cover")
    # phase of two hits in recessive genes
    for gene, hits in hets_by_gene.items():
        for i, (ka, ca) in enumerate(hits):
            for kb, cb in hits[i + 1:]:
                fa, mo = ind.father, ind.mother
                ph = phase((ca.get(fa) if fa else None, ca.get(mo) if mo else None),
                           (cb.get(fa) if fa else None, cb.get(mo) if mo else None))
                for key, other in ((ka, kb), (kb, ka)):
                    results[key].append(phase_evidence(ph, other, gene))
    return results


def phase_evidence(ph: str, other: str, gene: str) -> Evidence:
    """PM3 / BP2 for a variant found with ``other`` in recessive ``gene`` in phase ``ph`` ('trans', 'cis',
    'unknown'). PM3 needs the other variant to be pathogenic or likely pathogenic (ACMG; SVI: 1.0 point in trans with
    a Pathogenic, 0.5 with a Likely pathogenic variant), and a variant in trans with a benign or uncertain one is no
    evidence: the phase alone is never applied, whatever the partner turns out to be."""
    if ph == "trans":
        return Evidence(criterion="PM3", strength="Supporting", points=0.0, applied=False, sources=PHASE_SOURCES,
                        reason=f"in trans with {other} in recessive gene {gene} (parental genotypes); PM3 applies "
                        "only if that variant is pathogenic (Moderate) or likely pathogenic (Supporting) (SVI), which "
                        "the phase does not show: apply it once that variant's class is known")
    if ph == "cis":
        return Evidence(criterion="BP2", strength="Supporting", points=0.0, applied=False, sources=PHASE_SOURCES,
                        reason=f"in cis with {other} in recessive gene {gene}: BP2 applies only if that variant is "
                        "pathogenic")
    return Evidence(criterion="PM3", strength="Supporting", applied=False, sources=PHASE_SOURCES,
                    reason=f"second variant {other} in {gene}, phase unknown (parents not both confidently genotyped "
                    "or both carry one)")

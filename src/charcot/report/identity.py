"""Identity and sex checks a laboratory runs before signing a report.

* sample names across the small-variant VCF, the repeat-caller file, the PED proband and the
  clinical record / phenopacket;
* sex from the VCF's X and Y genotypes (peddy/somalier-style: heterozygous fraction of confident
  non-reference calls on X outside the pseudo-autosomal regions, confident non-reference calls on Y); haploid X
  calls there (GT '1', as a caller run with a male ploidy, or bcftools +fixploidy, writes them) say the calling
  treated the sample as having one X;
* sex from the repeat caller's ploidy at X-linked loci (AR: one allele = run as male; two different
  alleles = two X chromosomes);
* stated sex (clinical record, phenopacket, --sex) against the PED, and against each other.

Why not peddy or somalier: peddy's sex check needs a genome- or exome-wide VCF and pulls in pandas and
scikit-learn; somalier is a compiled binary with its own sites file and is not on PyPI. The check they
run on X heterozygosity and Y calls is a few lines on the genotypes charcot already reads, and this
version says "not assessed" when a panel VCF has too few X/Y calls instead of guessing.

A mismatch is a red banner on page 1 and in the JSON; ``charcot report --strict`` and the web app refuse a
final report with one. Nothing here logs sample names or genotypes.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from charcot.model import Build
from charcot.report.model import IdentityCheck, IdentitySection

# Y-chromosome pseudo-autosomal regions (1-based inclusive), GRC assembly reports for GRCh37 and GRCh38;
# the X regions are charcot.variants.reader.PAR_X.
PAR_Y: dict[Build, tuple[tuple[int, int], ...]] = {
    Build.GRCh37: ((10001, 2649520), (59034050, 59363566)),
    Build.GRCh38: ((10001, 2781479), (56887903, 57217415)),
}
MIN_GQ = 20  # a call counts only above this genotype quality (when the VCF has GQ)
MIN_X_CALLS = 10  # confident non-reference X calls needed to read heterozygosity
MALE_MAX_HET = 0.10  # heterozygous fraction at or below: one X
FEMALE_MIN_HET = 0.25  # at or above: two X
MIN_Y_CALLS = 3  # confident non-reference Y calls that show a Y chromosome
MIN_Y_SITES_FOR_ABSENCE = 5  # Y records in the file with no confident call of the sample: no Y
HAPLOID_SHARE = 0.90  # haploid among the confident non-reference X calls, at or above: called as one X
# Streaming a whole unindexed file for the sex check is refused above this size.
MAX_STREAM_BYTES = 64 << 20

PASS, MISMATCH, NOT_ASSESSED, INFO = "pass", "mismatch", "not_assessed", "info"


@dataclass
class VcfSex:
    """What the VCF's sex-chromosome genotypes say about one sample."""

    inferred: str | None  # male | female | None
    x_calls: int  # confident non-reference diploid X calls outside the PARs
    x_het: int
    y_sites: int
    y_calls: int
    reason: str
    x_haploid: int = 0  # confident non-reference haploid X calls outside the PARs


def _outside(pos: int, regions: tuple[tuple[int, int], ...]) -> bool:
    return not any(s <= pos <= e for s, e in regions)


def vcf_sex(vcf: Path, sample: str, build: Build) -> VcfSex:
    """Sex from X heterozygosity and Y calls of ``sample`` (GQ >= MIN_GQ when the VCF has GQ)."""
    from cyvcf2 import VCF

    from charcot.genome.builds import normalise_contig
    from charcot.variants.reader import PAR_X

    handle = VCF(str(vcf), samples=[sample], lazy=True)
    try:
        has_gq = "GQ" in {h.info().get("ID") for h in handle.header_iter() if h.info().get("HeaderType") == "FORMAT"}
        contigs = {normalise_contig(c): c for c in handle.seqnames}

        indexed = any(Path(str(vcf) + ext).is_file() for ext in (".tbi", ".csi"))
        if indexed:
            from charcot.variants.reader import UNVERIFIED_INDEX, check_index

            # this check runs before the variant reader: an index that does not match the file is refused here in
            # the reader's words, and one the reader would not use (an older BCF index it cannot check) is not
            # queried either (the file is streamed, as the reader does)
            if check_index(Path(vcf), handle) == UNVERIFIED_INDEX:
                indexed = False
                handle.close()  # the check's queries moved the reader: stream from the start
                handle = VCF(str(vcf), samples=[sample], lazy=True)
        if not indexed and Path(vcf).stat().st_size > MAX_STREAM_BYTES:
            raise _TooLarge

        def records() -> Any:
            if indexed:
                for chrom in ("X", "Y"):
                    name = contigs.get(chrom)
                    if name is not None:
                        with warnings.catch_warnings():
                            warnings.simplefilter("ignore")  # cyvcf2 warns for a contig without records
                            try:
                                yield from handle(name)
                            except Exception as exc:  # a damaged block in the region: in words
                                from charcot.variants.reader import unreadable_record

                                raise unreadable_record(Path(vcf), None, exc) from None
                return
            n = 0
            it = iter(handle)
            while True:
                try:
                    v = next(it)
                except StopIteration:
                    return
                except Exception as exc:  # htslib aborted: the damaged block or line, in words
                    from charcot.variants.reader import unreadable_record

                    raise unreadable_record(Path(vcf), n, exc) from None
                n += 1
                if normalise_contig(v.CHROM) in ("X", "Y"):
                    yield v

        x_calls = x_het = x_haploid = y_sites = y_calls = 0
        for v in records():
            chrom = normalise_contig(v.CHROM)
            alts = [a for a in v.ALT if not a.startswith("<")]
            if not alts:
                continue
            gt = v.genotypes[0]
            written = gt[:-1]  # the allele numbers as written: one for a haploid call, a missing one as -1
            alleles = [a for a in written if a is not None and a >= 0]
            gq = int(v.gt_quals[0]) if has_gq else MIN_GQ
            confident = gq >= MIN_GQ and len(alleles) >= 1
            nonref = confident and any(a > 0 for a in alleles)
            if chrom == "X" and _outside(v.POS, PAR_X[build]):
                if nonref and len(alleles) == 2:
                    x_calls += 1
                    x_het += alleles[0] != alleles[1]
                elif nonref and len(written) == 1:  # '1', not a half-call '1/.' (one allele not called)
                    x_haploid += 1
            elif chrom == "Y" and _outside(v.POS, PAR_Y[build]):
                y_sites += 1
                y_calls += nonref
    except _TooLarge:
        return VcfSex(None, 0, 0, 0, 0, "the VCF is not indexed and too large to stream for the sex check")
    finally:
        handle.close()
    x_says, x_text = _x_says(x_calls, x_het, x_haploid)
    y_says = "male" if y_calls >= MIN_Y_CALLS else (
        "female" if y_calls == 0 and y_sites >= MIN_Y_SITES_FOR_ABSENCE else None)
    y_text = f"{y_calls} confident non-reference Y calls at {y_sites} Y sites"
    if x_says and y_says and x_says != y_says:
        return VcfSex(None, x_calls, x_het, y_sites, y_calls,
                      f"X and Y disagree ({x_text}; {y_text}): sex chromosome aneuploidy or contamination?", x_haploid)
    inferred = x_says or y_says
    if inferred is None:
        return VcfSex(None, x_calls, x_het, y_sites, y_calls,
                      f"too few sex-chromosome calls to tell ({x_text}; {y_text})", x_haploid)
    return VcfSex(inferred, x_calls, x_het, y_sites, y_calls, f"{x_text}; {y_text}", x_haploid)


def _x_says(x_calls: int, x_het: int, x_haploid: int) -> tuple[str | None, str]:
    """What the X calls outside the PARs say (male, female or None) and the words for it. Haploid calls are the
    caller's ploidy (it was run for one X), not a measurement: they say male only when nearly all the calls are
    haploid; a few among diploid calls leave the diploid calls' heterozygosity to decide; a mix tells nothing (a
    ploidy given per region, or files merged)."""
    where = "outside the pseudo-autosomal regions"
    total = x_haploid + x_calls
    if x_haploid and (total < MIN_X_CALLS or x_haploid / total >= HAPLOID_SHARE or x_calls / total < HAPLOID_SHARE):
        text = (f"{x_haploid} of {total} confident X calls {where} haploid (the variant caller was run for one X "
                "chromosome)" + (f", {x_het} of the {x_calls} diploid ones heterozygous" if x_calls else ""))
        if total < MIN_X_CALLS:
            return None, text
        if x_haploid / total >= HAPLOID_SHARE:
            return "male", text
        return None, text + ": haploid and diploid calls mixed, which does not tell the sex"
    if not x_calls:
        return None, f"no confident non-reference X calls {where}"
    text = f"{x_het} of {x_calls} confident X calls {where} heterozygous" + (
        f" ({x_haploid} more haploid)" if x_haploid else "")
    if x_calls < MIN_X_CALLS:
        return None, text
    frac = x_het / x_calls
    return ("male" if frac <= MALE_MAX_HET else "female" if frac >= FEMALE_MIN_HET else None), text


class _TooLarge(Exception):
    pass


def str_sex(repeats: Any) -> tuple[str | None, str]:
    """Sex implied by the repeat caller's ploidy at X-linked loci of a ``RepeatAssessment``."""
    from charcot.genome.builds import normalise_contig

    if repeats is None or not repeats.calls:
        return None, "no repeat-caller calls"
    for call in repeats.calls:
        if normalise_contig(call.chrom) != "X":
            continue
        sizes = [a.size for a in call.alleles]
        genotype = str(call.genotype or "")
        n = len([p for p in genotype.replace("|", "/").split("/") if p and p != "."]) or len(sizes)
        if n == 1:
            return "male", f"{call.gene}: one allele called (the caller was run for one X chromosome)"
        if n == 2 and len(set(sizes)) == 2 and None not in sizes:
            return "female", f"{call.gene}: two different alleles ({sizes[0]} and {sizes[1]}), so two X chromosomes"
        return None, f"{call.gene}: two equal alleles, which does not tell the sex"
    return None, "no X-linked repeat locus in the file"


def _sex_check(name: str, stated: str | None, stated_from: str, found: str | None, detail: str) -> IdentityCheck:
    if found is None:
        return IdentityCheck(check=name, status=NOT_ASSESSED, detail=detail)
    if stated is None:
        return IdentityCheck(check=name, status=INFO, detail=f"{found}: {detail}; no stated sex to compare with")
    if stated != found:
        return IdentityCheck(check=name, status=MISMATCH,
                             detail=f"{found} by the data ({detail}) but {stated} in the {stated_from}")
    return IdentityCheck(check=name, status=PASS, detail=f"{found}, as in the {stated_from} ({detail})")


def check_identity(*, vcf: Path | None, vcf_sample: str | None, build: str | None, str_sample: str | None,
                   repeats: Any, ped_proband: str | None, ped_sex: str | None, stated_sex: str | None,
                   stated_from: str, record_id: str | None, record_kind: str | None, mapped_vcf: bool = False,
                   mapped_str: bool = False, stated_sexes: dict[str, str] | None = None,
                   phenopacket_subject: str | None = None, record_onset: Any = None,
                   ped_affected: bool | None = None, vcf_link: str = "--sample",
                   phenopacket_als: bool = False) -> IdentitySection:
    """Every check that the inputs allow; a check that cannot run says why (never 'pass'). Names that differ are a
    mismatch unless the user mapped them explicitly (``mapped_vcf``: --sample named the VCF's sample for the proband;
    ``mapped_str``: --str-sample named the repeat-caller file's), which is stated as such (info, never 'pass');
    ``vcf_link`` names the option that made the VCF link (--sample or --sample-map).
    ``stated_sexes``: each input that states the sex (command line, phenopacket, clinical record) -> male/female; two
    that disagree are a mismatch (the report takes ``stated_sex`` from the first, ``stated_from``).
    ``phenopacket_subject``: the subject of a phenopacket given beside the clinical record (``record_id``): two ids are
    two patients' documents unless the user corrects one (the report reads the course from the record, the id and HPO
    terms from the phenopacket too). ``record_onset``: the clinical record's symptom onset (a record always has one: it
    describes a patient with symptoms), against the pedigree's affection status of the proband (``ped_affected``);
    without a record, ``phenopacket_als`` (an input phenopacket states ALS as the patient's disease) is held against it
    the same way."""
    checks: list[IdentityCheck] = []
    # --- names
    if vcf_sample and str_sample:
        checks.append(IdentityCheck(
            check="sample name: VCF vs repeat-caller file",
            status=PASS if vcf_sample == str_sample else INFO if mapped_str else MISMATCH,
            detail=(f"both {vcf_sample}" if vcf_sample == str_sample else
                    f"the VCF sample is {vcf_sample} and the repeat-caller file's is {str_sample}, attributed to this "
                    "patient by --str-sample: confirm the sample link in the laboratory system" if mapped_str else
                    f"the VCF sample is {vcf_sample} but the repeat-caller file's is {str_sample}: "
                    "check both files belong to this patient")))
    if vcf_sample and ped_proband:
        checks.append(IdentityCheck(
            check="sample name: VCF vs pedigree proband",
            status=PASS if vcf_sample == ped_proband else INFO if mapped_vcf else MISMATCH,
            detail=(f"both {vcf_sample}" if vcf_sample == ped_proband else
                    f"the VCF sample {vcf_sample} is the pedigree proband {ped_proband} by {vcf_link}: confirm the "
                    "sample link in the laboratory system" if mapped_vcf else
                    f"the VCF sample is {vcf_sample} but the pedigree proband is {ped_proband}")))
    if record_id and record_kind:
        names = {n for n in (vcf_sample, str_sample, ped_proband) if n}
        if record_id in names:
            checks.append(IdentityCheck(check=f"sample name: {record_kind}", status=PASS,
                                        detail=f"the {record_kind} names {record_id}, as the genetic data do"))
        else:
            checks.append(IdentityCheck(
                check=f"sample name: {record_kind}", status=INFO,
                detail=f"the {record_kind} id {record_id} is a patient pseudonym, not a sample name: confirm the "
                       "sample-to-patient link in the laboratory system"))
    if record_id and record_kind and phenopacket_subject:
        checks.append(IdentityCheck(
            check=f"patient id: {record_kind} vs phenopacket",
            status=PASS if record_id == phenopacket_subject else MISMATCH,
            detail=(f"both {record_id}" if record_id == phenopacket_subject else
                    f"the {record_kind} is {record_id}'s but the phenopacket's subject is {phenopacket_subject}: the "
                    f"report combines the two (the clinical course from the {record_kind}, the patient id and HPO "
                    "terms from the phenopacket); check that both describe this patient and correct the id that is "
                    "wrong")))
    # --- affection status: the clinical record describes symptoms from onset on; a pedigree (or its ages file) marking
    # the patient unaffected computes the relatives' risks for another family
    if record_onset is not None and record_kind and ped_proband and ped_affected is not None:
        checks.append(IdentityCheck(
            check=f"affection status: {record_kind} vs pedigree", status=PASS if ped_affected else MISMATCH,
            detail=(f"affected in both (the {record_kind} gives symptom onset on {record_onset})" if ped_affected else
                    f"the {record_kind} gives symptom onset on {record_onset}, but the pedigree (with the ages file, "
                    f"if given) marks the patient {ped_proband} unaffected: the relatives' risks were computed with "
                    "the patient unaffected; check that both describe this patient and correct the pedigree")))
    elif phenopacket_als and not record_kind and ped_proband and ped_affected is not None:
        checks.append(IdentityCheck(
            check="affection status: phenopacket vs pedigree", status=PASS if ped_affected else MISMATCH,
            detail=("affected in both (the phenopacket states ALS)" if ped_affected else
                    f"the phenopacket states ALS as the patient's disease, but the pedigree (with the ages file, if "
                    f"given) marks the patient {ped_proband} unaffected: the report follows the pedigree (no "
                    "therapy for manifest ALS, the relatives' risks with the patient unaffected); check that both "
                    "describe this patient and correct the one that is wrong")))
    # --- sex
    said = dict(stated_sexes or {})
    if len(said) > 1:
        where = {"command line": "on the command line (--sex)"}
        told = "; ".join(f"{sex} {where.get(source, 'in the ' + source)}" for source, sex in said.items())
        agree = len(set(said.values())) == 1
        checks.append(IdentityCheck(
            check="stated sex: " + " vs ".join(said), status=PASS if agree else MISMATCH,
            detail=(f"{next(iter(said.values()))} in each ({', '.join(said)})" if agree else
                    f"{told}: the report reads {stated_sex} (from the {stated_from}); correct the input that is "
                    "wrong, or check that they describe the same patient")))
    if stated_sex and ped_sex:
        checks.append(IdentityCheck(
            check="stated sex vs pedigree", status=PASS if stated_sex == ped_sex else MISMATCH,
            detail=(f"{stated_sex} in both" if stated_sex == ped_sex else
                    f"{stated_sex} in the {stated_from} but {ped_sex} in the pedigree")))
    expected = stated_sex or ped_sex
    expected_from = stated_from if stated_sex else "pedigree"
    if vcf is not None and vcf_sample and build in ("GRCh37", "GRCh38"):
        s = vcf_sex(vcf, vcf_sample, Build(build))
        checks.append(_sex_check("sex from the VCF (X heterozygosity or ploidy, Y calls)", expected, expected_from,
                                 s.inferred, s.reason))
    elif vcf is not None:
        checks.append(IdentityCheck(check="sex from the VCF (X heterozygosity or ploidy, Y calls)", status=NOT_ASSESSED,
                                    detail="the genome build is unknown, so the pseudo-autosomal regions are too"))
    if repeats is not None:
        found, detail = str_sex(repeats)
        checks.append(_sex_check("sex from the repeat caller's X ploidy", expected, expected_from, found, detail))
    statuses = {c.status for c in checks}
    overall = MISMATCH if MISMATCH in statuses else PASS if PASS in statuses else NOT_ASSESSED
    return IdentitySection(status=overall, checks=checks)

"""Reviewer probes of de novo calls on unseen inputs (probe-fam2), on real GIAB Ashkenazi trio and Scout trio records.

Before the fixes, on main:
* the depth of a call was cyvcf2's ``gt_depths``, which is the sum of the allele depths (AD), not FORMAT/DP: a VCF
  with GQ and DP but no AD (callers and pipelines that drop AD) read "depth not recorded" for every sample, so no
  call was confident and co-segregation was never assessed. Reading DP alone would have let a de novo through with
  the parents' variant reads unknown, so a parent (or proband) without AD now leaves de novo undecided, as a parent
  with variant reads does;
* a son's variant on X outside the PARs was "not assessed" whatever his mother's call: a son's X comes from his
  mother alone, so it is decided on her call (the father, genotyped or not, does not bear on it), with maternity
  checked on mother-son autosomal genotypes."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from charcot.family import denovo as dn
from charcot.family.pedigree import read_pedigree
from charcot.family.segregation import _parentage, family_evidence

ROOT = Path(__file__).resolve().parents[1] / "data"
PROBE = ROOT / "family" / "ashk_trio_denovo_probe.vcf.gz"
ASHK_PED = ROOT / "family" / "ashk_trio.ped"
SCOUT = ROOT / "report" / "scout_643594_trio.vcf.gz"
SCOUT_PED = ROOT / "report" / "scout_643594.ped"
CLEAN = "1-15752321-TCTGA-T"  # real GIAB de novo: HG002 0/1 (AD 39%), HG003/HG004 0/0 GQ 99 with no variant read
INHERITED = "1-44303786-CA-C"  # real: HG002 0/1, father HG003 0/1 GQ 99, mother 0/0
SON_X = "X-37653150-C-CA"  # real Scout son ADM1059A2 1/1 (AD 0,4, GQ 9); mother ADM1059A3 0/1 (AD 5,1, DP 6)


def _without_ad(tmp_path: Path, samples: str | None = None) -> Path:
    """The real probe records with FORMAT/AD removed by bcftools (for all samples, or only ``samples``)."""
    out = tmp_path / "no_ad.vcf.gz"
    if samples is None:
        cmd = ["bcftools", "annotate", "-x", "FORMAT/AD", str(PROBE), "-Oz", "-o", str(out)]
        subprocess.run(cmd, check=True, capture_output=True)
    else:  # drop AD in the named samples only: set their AD to missing
        keep = tmp_path / "keep.vcf.gz"
        strip = tmp_path / "strip.vcf.gz"
        others = ",".join(s for s in ("HG002", "HG003", "HG004") if s not in samples.split(","))
        subprocess.run(["bcftools", "view", "-s", others, str(PROBE), "-Oz", "-o", str(keep)], check=True,
                       capture_output=True)
        subprocess.run(f"bcftools view -s {samples} {PROBE} | bcftools annotate -x FORMAT/AD -Oz -o {strip}",
                       shell=True, check=True, capture_output=True)
        for f in (keep, strip):
            subprocess.run(["tabix", "-f", str(f)], check=True)
        merged = tmp_path / "merged.vcf.gz"
        subprocess.run(["bcftools", "merge", str(keep), str(strip), "-Oz", "-o", str(merged)], check=True,
                       capture_output=True)
        subprocess.run(f"bcftools view -s HG002,HG003,HG004 {merged} -Oz -o {out}", shell=True, check=True,
                       capture_output=True)
    subprocess.run(["tabix", "-f", str(out)], check=True)
    return out


def test_a_vcf_without_allele_depths_reads_its_dp_and_leaves_de_novo_undecided(tmp_path: Path) -> None:
    vcf = _without_ad(tmp_path)
    ped = tmp_path / "unaffected_parents.ped"  # the parents' phenotype 0 (unknown) made 1 (unaffected)
    ped.write_text("".join(line.rsplit("\t", 1)[0] + "\t1\n" if "\t0\t0\t" in line else line
                           for line in ASHK_PED.read_text().splitlines(keepends=True)))
    out = family_evidence(vcf, read_pedigree(ped), "HG002", [CLEAN, INHERITED])
    ev = {e.criterion: e for e in out[CLEAN]}
    denovo = ev.get("PS2") or ev["PM6"]
    assert not denovo.applied and denovo.points == 0
    assert denovo.reason.startswith("cannot decide whether de novo: the VCF records no allele depths (AD) for the "
                                    "father"), denovo.reason
    assert "depth not recorded" not in denovo.reason and "father no variant (homozygous reference) (genotype quality 99, depth 45, read counts not recorded)" in denovo.reason
    # GQ and DP make the calls confident: co-segregation is assessed on them (main: '0 confidently genotyped')
    pp1 = next(e for e in out[INHERITED] if e.criterion == "PP1")
    assert pp1.reason.startswith("co-segregation Bayes factor"), pp1.reason


def test_parents_without_allele_depths_beside_a_proband_with_them(tmp_path: Path) -> None:
    """A proband VCF merged with parents' calls that carry no AD (two pipelines): whether the parents have variant
    reads is unknown, so the de novo is undecided, never the de novo the proband's reads alone suggest."""
    vcf = _without_ad(tmp_path, "HG003,HG004")
    ev = {e.criterion: e for e in family_evidence(vcf, read_pedigree(ASHK_PED), "HG002", [CLEAN])[CLEAN]}
    denovo = ev.get("PS2") or ev["PM6"]
    assert not denovo.applied and "no allele depths (AD) for the father" in denovo.reason, denovo.reason
    assert "proband heterozygous (genotype quality 99, depth 175, 69 variant reads)" in denovo.reason


def test_the_untouched_real_de_novo_is_still_called() -> None:
    ev = {e.criterion: e for e in family_evidence(PROBE, read_pedigree(ASHK_PED), "HG002", [CLEAN])[CLEAN]}
    denovo = ev.get("PS2") or ev["PM6"]
    assert denovo.applied and denovo.reason.startswith("de novo in the proband")


def _renamed(tmp_path: Path, old: str, new: str) -> Path:
    """The real Scout PED with one parent renamed, so that parent is no sample of the VCF."""
    ped = tmp_path / "scout.ped"
    ped.write_text(SCOUT_PED.read_text().replace(old, new))
    return ped


@pytest.mark.parametrize("father", ["ADM1059A1", "DAD_NOT_SEQUENCED"])
def test_a_sons_x_variant_is_decided_on_his_mothers_call(tmp_path: Path, father: str) -> None:
    """The real son's hemizygous call (1/1, 4 reads, GQ 9) is too weak to call de novo: 'cannot decide', with the
    reason, whether the father is genotyped or not a sample of the VCF (main: 'not assessed: de novo calls on
    chromosome X ... in a male proband are not made by charcot')."""
    ped = read_pedigree(_renamed(tmp_path, "ADM1059A1", father))
    ev = {e.criterion: e for e in family_evidence(SCOUT, ped, "ADM1059A2", [SON_X])[SON_X]}
    denovo = ev.get("PS2") or ev["PM6"]
    assert not denovo.applied
    assert denovo.reason.startswith("cannot decide whether de novo: the proband's call is below GQ 20/DP 10"), \
        denovo.reason
    assert "father" not in denovo.reason.split(" (proband")[0]


def test_a_sons_x_variant_needs_the_mother(tmp_path: Path) -> None:
    ped = read_pedigree(_renamed(tmp_path, "ADM1059A3", "MUM_NOT_SEQUENCED"))
    ev = {e.criterion: e for e in family_evidence(SCOUT, ped, "ADM1059A2", [SON_X])[SON_X]}
    assert not ev["PS2"].applied and ev["PS2"].reason.startswith("not assessed: a son's X comes from his mother")
    assert "MUM_NOT_SEQUENCED" in ev["PS2"].reason


def test_a_heterozygous_x_call_in_a_son_stays_not_assessed() -> None:
    """Unchanged by the fix: a son has one X, so a heterozygous call there is itself doubtful."""
    out = family_evidence(SCOUT, read_pedigree(ROOT / "family" / "scout_x_as_son.ped"), "ADM1059A3",
                          ["X-37641484-C-G"])
    ps2 = next(e for e in out["X-37641484-C-G"] if e.criterion == "PS2")
    assert not ps2.applied and "heterozygous call in a man" in ps2.reason


# The hemizygous decision itself, on the numbers of real calls (the test data hold no good-quality hemizygous call
# of a son whose mother is genotyped on X outside the PARs, so these cases are given as the calls' values).
GOOD_SON = dn.Call(gt=3, gq=99, dp=37, ref_reads=0, alt_reads=37)  # Scout ADM1059A2 at X:207362 (a PAR1 site)
CLEAN_MOTHER = dn.Call(gt=0, gq=69, dp=24, ref_reads=24, alt_reads=0)  # Scout ADM1059A1 at X:37641484


@pytest.mark.parametrize(("son", "mother", "start"), [
    (GOOD_SON, CLEAN_MOTHER, "proband hemizygous for the variant (one X)"),
    (GOOD_SON, dn.Call(3, 65, 22, 0, 22), "not a de novo call: the mother carries the variant"),
    (GOOD_SON, dn.Call(1, 99, 30, 15, 15), "not a de novo call: the mother carries the variant"),
    (GOOD_SON, dn.Call(2, -1, -1, -1, -1), "cannot decide whether de novo: the mother has no genotype call"),
    (GOOD_SON, dn.Call(0, 21, 6, 5, 1), "cannot decide whether de novo: the mother's homozygous-reference call is "
                                        "below GQ"),
    (GOOD_SON, dn.Call(0, 69, 24, 21, 3), "cannot decide whether de novo: the mother has 3 variant reads"),
    (GOOD_SON, dn.Call(0, 69, 24, -1, -1), "cannot decide whether de novo: the VCF records no allele depths (AD) "
                                           "for the mother"),
    (dn.Call(3, 99, 30, 12, 18), CLEAN_MOTHER, "cannot decide whether de novo: only 0.60 of the proband's reads"),
    (dn.Call(3, 99, 30, -1, -1), CLEAN_MOTHER, "cannot decide whether de novo: the VCF records no allele depths (AD) "
                                               "for the proband"),
    (dn.Call(3, 9, 4, 0, 4), CLEAN_MOTHER, "cannot decide whether de novo: the proband's call is below GQ"),
    (dn.Call(0, 42, 16, 16, 0), CLEAN_MOTHER, "not a de novo call: the proband does not carry the variant"),
    (dn.Call(2, -1, -1, -1, -1), CLEAN_MOTHER, "cannot decide whether de novo: the proband has no genotype call"),
])
def test_hemizygous_de_novo_status(son: dn.Call, mother: dn.Call, start: str) -> None:
    is_dn, why = dn.hemizygous_de_novo_status(son, mother)
    assert why.startswith(start), why
    assert is_dn == start.startswith("proband")


def test_maternity_is_checked_on_mother_son_genotypes() -> None:
    """The duo check (opposite homozygotes over autosomal sites) tells the real mother from her unrelated husband."""
    assert _parentage(PROBE, (0, 2)) == (True, "maternity consistent with mother-son genotypes (3/376 opposite "
                                               "homozygous genotypes)")
    confirmed, why = _parentage(PROBE, (1, 2))  # HG003 'son' of HG004: spouses
    assert not confirmed and why.startswith("maternity doubtful: 45/371")


HALF = ROOT / "family" / "scout_643594_halfcalls.vcf.gz"  # real Scout records of split multi-allelic sites


def test_a_half_call_is_never_read_as_homozygous_reference() -> None:
    """Real split records of the Scout exome: the son ADM1059A2 is '0/.' at 5:16572322 CTT>C (GQ 52, DP 15; he carries
    the site's other allele CT>C), the father ADM1059A1 '0/.' at 1:7879627 (GQ 99, DP 22). cyvcf2's genotype code reads
    '0/.' as homozygous reference: before, 'not a de novo call: the proband is not heterozygous (proband no variant
    (homozygous reference) …)' and PP1 'the proband does not carry this variant (confident homozygous-reference
    call)'. A missing allele is unknown: never a confident non-carrier, never a Mendelian check site."""
    out = family_evidence(HALF, read_pedigree(SCOUT_PED), "ADM1059A2", ["5-16572322-CTT-C", "1-7879627-C-G"])
    son = {e.criterion: e for e in out["5-16572322-CTT-C"]}
    assert son["PS2"].reason.startswith("cannot decide whether de novo: the proband has a partly called genotype "
                                        "(one allele missing"), son["PS2"].reason
    assert "does not carry" not in son["PP1"].reason and not son["PP1"].applied
    father = next(e for e in out["1-7879627-C-G"] if e.criterion == "PS2")
    assert "father a partly called genotype (one allele missing, as in '0/.') (genotype quality 99, depth 22" \
        in father.reason
    assert "father no variant" not in father.reason


UNINFORMATIVE = ROOT / "family" / "ashk_trio_uninformative.vcf.gz"  # real split multi-allelic GIAB records


def test_a_parent_with_few_informative_reads_does_not_show_the_variant_absent(tmp_path: Path) -> None:
    """Real GIAB split records, roles re-declared (the prior probe's way): at 2:20302527 C>A HG004 is 0/0 with AD 1,0
    but DP 49 and GQ 99 (she is 1/1 for the site's other allele C>T); at 1:156914240 CCATT>C HG003 is 0/0 with AD 0,0,
    DP 59, GQ 99. Once the depth was read from FORMAT/DP (d01d0fd, this review's first fix), such a parent passed as
    'no variant reads' and PM6 was applied; before that the AD sum hid it as a depth below 10. Now the informative
    reads (the allele depths) must reach 10 for a parent's absence of variant reads to count."""
    ped1 = tmp_path / "r1.ped"
    ped1.write_text("ash\tHG003\tHG002\tHG004\t1\t2\nash\tHG002\t0\t0\t1\t0\nash\tHG004\t0\t0\t2\t0\n")
    ped2 = tmp_path / "r2.ped"  # HG004 the child of HG003 and HG002 (sex unknown, so the PED allows her as mother)
    ped2.write_text("ash\tHG004\tHG003\tHG002\t2\t2\nash\tHG003\t0\t0\t1\t0\nash\tHG002\t0\t0\t0\t0\n")
    for ped, proband, key, who in ((ped1, "HG003", "2-20302527-C-A", "only 1 of the mother's reads"),
                                   (ped2, "HG004", "1-156914240-CCATT-C", "only 0 of the father's reads")):
        ev = {e.criterion: e for e in family_evidence(UNINFORMATIVE, read_pedigree(ped), proband, [key])[key]}
        denovo = ev.get("PS2") or ev["PM6"]
        assert not denovo.applied and denovo.points == 0, denovo.reason
        assert denovo.reason.startswith(f"cannot decide whether de novo: {who} support either allele"), denovo.reason

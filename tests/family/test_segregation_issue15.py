"""Regression tests for `charcot segregation` (issue 15): PP1 in a trio, words for genotypes, FILTER,
--build, htslib warnings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from charcot.family.model import Observation
from charcot.family.model import TestResult as Typed
from charcot.family.pedigree import read_pedigree
from charcot.family.segregation import family_evidence, segregation_bayes_factor

DATA = Path(__file__).resolve().parents[1] / "data" / "family"
VCF = DATA / "ashk_trio_subset.vcf.gz"
# HG002 heterozygous, father HG003 homozygous reference, mother HG004 heterozygous (real GIAB calls)
INHERITED_FROM_MOTHER = "1-900298-C-G"
FILTERED = "1-65797-T-C"  # FILTER VQSRTrancheSNP99.90to100.00


def trio(tmp_path: Path) -> Path:
    path = tmp_path / "trio.ped"
    path.write_text("ash\tHG002\tHG003\tHG004\t1\t2\nash\tHG003\t0\t0\t1\t1\nash\tHG004\t0\t0\t2\t1\n")
    return path


def test_trio_inherited_from_unaffected_mother_is_not_pp1(tmp_path: Path) -> None:
    ped = read_pedigree(trio(tmp_path))
    evidence = family_evidence(VCF, ped, "HG002", [INHERITED_FROM_MOTHER])[INHERITED_FROM_MOTHER]
    pp1 = next(e for e in evidence if e.criterion == "PP1")
    assert not pp1.applied and pp1.points == 0  # was PP1 Strong, Bayes factor 299
    assert "Bayes factor 1 " in pp1.reason and "besides the proband: none" in pp1.reason


def test_proband_conditioning_and_informative_meioses() -> None:
    # without conditioning on the proband the trio gives ~ (1 - x) / phenocopy risk: the defect
    from charcot.family.model import Individual, Sex, Status
    from charcot.family.pedigree import Pedigree

    people = {"F": Individual(id="F", family="T", sex=Sex.MALE, status=Status.UNAFFECTED),
              "M": Individual(id="M", family="T", sex=Sex.FEMALE, status=Status.UNAFFECTED),
              "C": Individual(id="C", family="T", father="F", mother="M", sex=Sex.MALE, status=Status.AFFECTED)}
    ped = Pedigree(people)
    typed = {"C": Typed.CARRIER, "M": Typed.CARRIER, "F": Typed.NONCARRIER}
    unconditioned, _ = segregation_bayes_factor(ped, None, typed)
    conditioned, _ = segregation_bayes_factor(ped, None, typed, proband="C")
    assert unconditioned > 100 and abs(conditioned - 1) < 1e-9
    # under the age curve, parents both unaffected at 75 say nothing about which passed the variant on: ~1
    # (conditioning on the proband's genotype given *every* phenotype, Thompson 2003; dividing by the
    # proband's own phenotype only made it 0.6 here and an affected mother-child pair 55)
    aged = Pedigree(people, observations={"M": Observation(age=75), "F": Observation(age=75)})
    with_age, label = segregation_bayes_factor(aged, "C9orf72", typed, proband="C")
    assert abs(with_age - 1) < 0.01 and "C9orf72 age curve" in label
    # an unaffected carrier sibling of 75 does count against co-segregation; a non-carrier one slightly for it
    sib = {**people, "S": Individual(id="S", family="T", father="F", mother="M", sex=Sex.FEMALE,
                                     status=Status.UNAFFECTED)}
    obs = {"M": Observation(age=75), "F": Observation(age=75), "S": Observation(age=75)}
    against, _ = segregation_bayes_factor(Pedigree(sib, observations=obs), "C9orf72",
                                          {**typed, "S": Typed.CARRIER}, proband="C")
    for_it, _ = segregation_bayes_factor(Pedigree(sib, observations=obs), "C9orf72",
                                         {**typed, "S": Typed.NONCARRIER}, proband="C")
    assert against < 0.7 < 1 < for_it < 2


def test_affected_parent_child_pair_is_one_meiosis(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    # HG002 and an affected mother HG004 share a real GIAB heterozygous call; the father HG003 does not carry
    # it. One informative meiosis: Bayes factor ~2 (Jarvik & Browning 2^m), not PP1. Was: 55, PP1 Strong.
    ped = tmp_path / "trio.ped"
    ped.write_text("ash\tHG002\tHG003\tHG004\t1\t2\nash\tHG003\t0\t0\t1\t1\nash\tHG004\t0\t0\t2\t2\n")
    result = run_cli("segregation", VCF, "--ped", ped, "--variant", INHERITED_FROM_MOTHER, "--format", "json")
    assert result.code == 0, result.stderr
    import json

    pp1 = next(e for e in json.loads(result.stdout)["variants"][INHERITED_FROM_MOTHER] if e["criterion"] == "PP1")
    assert not pp1["applied"] and "Bayes factor 1.99 " in pp1["reason"]


def test_genotypes_in_words_filter_and_build(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    ped = trio(tmp_path)
    result = run_cli("segregation", VCF, "--ped", ped, "--variant", INHERITED_FROM_MOTHER, "--variant", FILTERED)
    assert result.code == 0, result.stderr
    assert "GT=" not in result.stdout and "mother heterozygous" in result.stdout
    assert "father no variant (homozygous reference)" in result.stdout
    rows = run_cli("segregation", VCF, "--ped", ped, "--variant", INHERITED_FROM_MOTHER, "--variant", FILTERED,
                   "--format", "tsv")
    assert f"{FILTERED}\tPP1" in rows.stdout and "not PASS" in rows.stdout
    assert "skipped because their FILTER is not PASS" in result.stdout
    assert "[W::" not in result.stderr and "[E::" not in result.stderr  # htslib silenced
    same = run_cli("segregation", VCF, "--ped", ped, "--variant", INHERITED_FROM_MOTHER, "--build", "GRCh37")
    assert same.code == 0
    wrong = run_cli("segregation", VCF, "--ped", ped, "--variant", INHERITED_FROM_MOTHER, "--build", "GRCh38")
    assert wrong.code == 2 and "contradicts the VCF header" in wrong.stderr


def test_ages_file_status_is_the_one_segregation_reads(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    # Parents 'unknown' (0) in the PED, 'unaffected' in the ages file: the report and the risk table read the
    # ages file's status; segregation said "not assessed: 1 genotyped relative(s) with known affection status".
    ped = tmp_path / "trio.ped"
    ped.write_text("ash\tHG002\tHG003\tHG004\t1\t2\nash\tHG003\t0\t0\t1\t0\nash\tHG004\t0\t0\t2\t0\n")
    ages = tmp_path / "ages.tsv"
    ages.write_text("id\tage\tstatus\nHG002\t50\taffected\nHG003\t80\tunaffected\nHG004\t35\tunaffected\n")
    result = run_cli("segregation", VCF, "--ped", ped, "--ages", ages, "--variant", INHERITED_FROM_MOTHER,
                     "--format", "tsv")
    assert result.code == 0, result.stderr
    pp1 = next(line for line in result.stdout.splitlines() if "\tPP1\t" in line)
    assert "not assessed" not in pp1 and "co-segregation Bayes factor" in pp1
    # and the mother as affected in the ages file makes her an affected carrier besides the proband
    ages.write_text("id\tage\tstatus\nHG002\t50\taffected\nHG003\t80\tunaffected\nHG004\t60\taffected\n")
    result = run_cli("segregation", VCF, "--ped", ped, "--ages", ages, "--variant", INHERITED_FROM_MOTHER,
                     "--format", "tsv")
    pp1 = next(line for line in result.stdout.splitlines() if "\tPP1\t" in line)
    assert "besides the proband: HG004" in pp1


GT_ONLY_VCF = """##fileformat=VCFv4.2
##contig=<ID=chr21,length=46709983,assembly=GRCh38>
##FILTER=<ID=PASS,Description="All filters passed">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tKID\tMUM\tDAD\tAUNT
chr21\t31659783\t.\tC\tT\t50\tPASS\t.\tGT\t0/1\t0/1\t0/0\t0/1
"""


def test_missing_quality_fields_are_not_reported_as_zero(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    # a GT-only VCF (no GQ, DP, AD) was described as "genotype quality 0, depth 0, 0 variant reads", and the
    # SOD1 curve was named by its identifier ('anchored')
    vcf = tmp_path / "gt_only.vcf"
    vcf.write_text(GT_ONLY_VCF)
    ped = tmp_path / "f.ped"
    ped.write_text("F\tKID\tDAD\tMUM\t1\t2\nF\tMUM\t0\t0\t2\t1\nF\tDAD\t0\t0\t1\t1\nF\tAUNT\t0\t0\t2\t2\n")
    result = run_cli("segregation", vcf, "--ped", ped)
    assert result.code == 0, result.stderr
    assert "genotype quality 0" not in result.stdout and "depth 0" not in result.stdout
    assert "genotype quality not recorded" in result.stdout
    assert "'anchored'" not in result.stdout
    with_quality = GT_ONLY_VCF.replace("GT\t0/1\t0/1\t0/0\t0/1", "GT:GQ:DP:AD\t0/1:99:30:15,15\t0/1:99:30:15,15"
                                       "\t0/0:99:30:30,0\t0/1:99:30:15,15").replace(
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
        '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype Quality">\n'
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">\n'
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">')
    vcf.write_text(with_quality)
    typed = run_cli("segregation", vcf, "--ped", ped)
    assert typed.code == 0, typed.stderr
    assert "Bayes factor" in typed.stdout and "SOD1 age curve: " in typed.stdout and "'anchored'" not in typed.stdout

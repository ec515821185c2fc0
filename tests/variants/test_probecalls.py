"""Multi-allelic records, representation and X/Y ploidy (probecalls review, 2026-12-02).

Defects, before / now:

- VEP's CSQ ``Allele`` of a substitution written with padding (REF=CAG ALT=CTG, really A>T) was looked for without
  its first base ('TG'), as if it were an indel; VEP drops the shared first base only on a record with an indel, so
  its entry ('CTG') was never read: consequence unknown, not classified. And a deletion in a record with a '*' ALT
  (REF=GA ALT=G,*) was looked for as 'G' because '*' stopped the first-base rule, while VEP ignores '*' there and
  writes '-': the frameshift's entry was lost too. Now ``annotation.vep_allele`` follows VEP's rule (Parser::VCF).
- One allele written by two records (overlapping chunks concatenated; a substitution written padded and bare) gave
  two findings of the same key and a compound heterozygote of the allele with itself, "in trans (one genotype with
  both alleles) ... consistent with recessive disease". Now one finding, a note naming the records and their
  genotypes, a confirmation flag, zygosity unknown when the genotypes disagree, no compound heterozygote.
- A record listing one ALT twice (ALT=A,A with GT 1/2, i.e. the one allele on both chromosomes) gave the same two
  heterozygous findings and the same self-pair "in trans". Now an input error, as ALT = REF is.
- Sex not stated: a haploid call ('1') or '1/1' on chromosome X outside the PARs was "hemizygous" / "homozygous"
  with no word, though that reading depends on the sex (a haploid X call in a female is of unknown zygosity). Now
  the zygosity is kept with a note saying it holds for a male (haploid) or which it is in either sex ('1/1').
- Latent (no panel gene lies there today, so checked on ``_zygosity``): a haploid call in an X pseudoautosomal region
  was "hemizygous" (two copies in either sex; now unknown, with the autosome's note), and a chromosome Y call in a
  female was "hemizygous"/"heterozygous" with no word (now unknown, with a note to check sex and identity).
- Two heterozygous ALTs in trans (GT 1/2) in an X-linked recessive gene (AR) in a female: each finding said "a
  second variant in trans is needed (see compound heterozygous candidates)", but no candidate was listed (only AR
  and SD genes were paired). Now XLR genes are paired too unless the patient is male.
- An SNV inside a heterozygous deletion (its record '1/*', or '0/1') and that deletion, both unphased: "phase
  unknown: test the parents", though one chromosome cannot both lose a base and carry a substitution of it. Now
  "in trans" for two single-copy changes whose changed bases overlap.

Headers: the real Platinum Genomes GRCh38 one (vcfbuild) and the real VEP v104 CSQ field list; positions from the
knowledge base's exon table and the reader's PAR table."""

from __future__ import annotations

from pathlib import Path

import pytest

from charcot.errors import InputError
from charcot.genome.normalise import Allele
from charcot.knowledge import get_knowledge
from charcot.model import Build
from charcot.report.identity import PAR_Y
from charcot.variants.annotation import AlleleAnnotation
from charcot.variants.api import _zygosity, interpret
from charcot.variants.model import Frequencies, Predictors, Zygosity
from charcot.variants.reader import PAR_X, Call

from .vcfbuild import Rec, csq_value, exon, mane, write_vcf

B = Build.GRCh38


def _sod1_site() -> tuple[str, int]:
    chrom, start, end, _strand = exon("SOD1", 2, B)
    return chrom, (start + end) // 2


def _csq(allele: str, consequence: str, hgvs_c: str) -> str:
    tx = mane("SOD1")
    return csq_value(Allele=allele, Consequence=consequence, SYMBOL="SOD1", Feature=tx, Feature_type="Transcript",
                     BIOTYPE="protein_coding", HGVSc=f"{tx}:{hgvs_c}", CANONICAL="YES")


# ---------------------------------------------------------------- VEP's allele string -------------------------------

def test_vep_entry_of_a_padded_substitution_is_read(tmp_path: Path) -> None:
    chrom, pos = _sod1_site()
    # VEP keeps every base of a record without an indel: its Allele is the ALT as written
    rec = Rec(chrom, pos, "CAG", "CTG", info={"CSQ": _csq("CTG", "stop_gained", "c.10A>T")})
    (f,) = interpret(write_vcf(tmp_path / "p.vcf.gz", [rec], build=B, csq=True)).findings
    assert (f.pos, f.ref, f.alt) == (pos + 1, "A", "T")
    assert f.consequence == ["stop_gained"] and f.hgvs_c is not None and f.hgvs_c.endswith("c.10A>T")


def test_vep_entry_of_a_deletion_beside_a_spanning_deletion_allele_is_read(tmp_path: Path) -> None:
    chrom, pos = _sod1_site()
    # VEP ignores '*' when it drops the shared first base: the deletion's Allele is '-'
    rec = Rec(chrom, pos, "GA", "G,*", gt="1/2", info={"CSQ": _csq("-", "frameshift_variant", "c.11del")})
    (f,) = interpret(write_vcf(tmp_path / "p.vcf.gz", [rec], build=B, csq=True)).findings
    assert (f.ref, f.alt) == ("GA", "G")
    assert f.consequence == ["frameshift_variant"]


# ---------------------------------------------------------------- one allele written twice -------------------------

@pytest.mark.parametrize(("second", "agree"), [("0/1", True), ("1/1", False)])
def test_an_allele_written_by_two_records_is_one_finding(tmp_path: Path, second: str, agree: bool) -> None:
    chrom, pos = _sod1_site()
    recs = [Rec(chrom, pos, "GA", "TA", gt="0/1"), Rec(chrom, pos, "G", "T", gt=second)]
    result = interpret(write_vcf(tmp_path / "p.vcf.gz", recs, build=B))
    (f,) = result.findings
    assert f.key == f"{chrom}-{pos}-G-T"
    assert not result.compound_heterozygous
    assert any("written by 2 records" in n for n in f.notes)
    assert f.call_quality_flag is not None and "2 records" in f.call_quality_flag
    assert f.zygosity == (Zygosity.HETEROZYGOUS if agree else Zygosity.UNKNOWN)


def test_a_record_listing_one_alt_twice_is_an_input_error(tmp_path: Path) -> None:
    chrom, pos = _sod1_site()
    vcf = write_vcf(tmp_path / "p.vcf.gz", [Rec(chrom, pos, "G", "A,A", gt="1/2")], build=B)
    with pytest.raises(InputError, match="listed twice"):
        interpret(vcf)


# ---------------------------------------------------------------- X and Y, sex not stated ---------------------------

@pytest.mark.parametrize(("gt", "zygosity", "words"), [
    ("1", Zygosity.HEMIZYGOUS, "hemizygous only if the patient is male"),
    ("1/1", Zygosity.HOMOZYGOUS, "homozygous in a female and hemizygous in a male"),
])
def test_an_x_call_whose_reading_depends_on_sex_says_so_when_sex_is_not_stated(
        tmp_path: Path, gt: str, zygosity: Zygosity, words: str) -> None:
    chrom, start, end, _strand = exon("UBQLN2", 1, B)
    vcf = write_vcf(tmp_path / "x.vcf.gz", [Rec(chrom, (start + end) // 2, "G", "T", gt=gt)], build=B)
    for sex in (None, "unknown"):
        (f,) = [f for f in interpret(vcf, sex=sex).findings if f.gene == "UBQLN2"]
        assert f.zygosity == zygosity
        assert any(words in n for n in f.notes), f.notes
    (m,) = interpret(vcf, sex="male").findings  # stated: no such note
    assert m.zygosity == Zygosity.HEMIZYGOUS and not any("sex not stated" in n for n in m.notes)


def _call(chrom: str, pos: int, gt: str) -> Call:
    alleles = [int(a) for a in gt.replace("|", "/").split("/")]
    return Call(chrom, Allele(pos, "G", "T"), pos, "G", "T", 1, gt, alleles.count(1), len(alleles), False, None,
                tuple(i for i, a in enumerate(alleles) if a == 1), 99, 40, "PASS", False,
                AlleleAnnotation([], Frequencies(), Predictors(), None))


@pytest.mark.parametrize("sex", ["male", "female", None])
def test_a_haploid_call_in_an_x_pseudoautosomal_region_is_not_hemizygous(sex: str | None) -> None:
    start, end = PAR_X[B][0]
    zyg, note = _zygosity(_call("X", (start + end) // 2, "1"), B, sex)
    assert zyg == Zygosity.UNKNOWN and note is not None and "pseudoautosomal region" in note


@pytest.mark.parametrize("gt", ["1", "0/1", "1/1"])
def test_a_y_call_in_a_female_is_not_reported_without_a_word(gt: str) -> None:
    pos = PAR_Y[B][0][1] + 1_000_000  # outside the Y PARs
    zyg, note = _zygosity(_call("Y", pos, gt), B, "female")
    assert zyg == Zygosity.UNKNOWN and note is not None and "chromosome Y in a female" in note
    assert _zygosity(_call("Y", pos, "1"), B, "male") == (Zygosity.HEMIZYGOUS, None)


# ---------------------------------------------------------------- X-linked recessive, two hits --------------------

@pytest.mark.parametrize("sex", ["female", None])
def test_two_alts_in_trans_in_an_x_linked_recessive_gene_are_a_candidate_in_a_female(tmp_path: Path,
                                                                                      sex: str | None) -> None:
    gene = next(g for g in get_knowledge().genes if {m.value for m in g.inheritance} == {"XLR"})
    chrom, start, end, _strand = exon(gene.symbol, 1, B)
    vcf = write_vcf(tmp_path / "x.vcf.gz", [Rec(chrom, (start + end) // 2, "G", "A,T", gt="1/2")], build=B)
    result = interpret(vcf, sex=sex)
    assert all("second variant in trans is needed" in f.inheritance.summary for f in result.findings)
    (c,) = result.compound_heterozygous
    assert c.gene == gene.symbol and c.phase.startswith("in trans") and "consistent with recessive disease" in c.note
    # a man has one X: two heterozygous X calls are a genotype to check, never a pair of hits
    assert not interpret(vcf, sex="male").compound_heterozygous


# ---------------------------------------------------------------- overlapping changes ------------------------------

@pytest.mark.parametrize("snv_gt", ["1/2", "0/1"])  # ALT 2 is '*': the other chromosome is deleted here
def test_a_change_inside_a_heterozygous_deletion_is_in_trans_with_it(tmp_path: Path, snv_gt: str) -> None:
    chrom, pos = _sod1_site()
    deletion = Rec(chrom, pos - 2, "GAAA", "G", gt="0/1")  # deletes pos-1 .. pos+1
    result = interpret(write_vcf(tmp_path / "p.vcf.gz", [deletion, Rec(chrom, pos, "G", "A,*", gt=snv_gt)], build=B))
    (c,) = result.compound_heterozygous
    assert c.phase.startswith("in trans") and "consistent with recessive disease" in c.note
    # a change beside the deletion, not inside it, may share its chromosome: phase unknown, as before
    beside = interpret(write_vcf(tmp_path / "b.vcf.gz", [deletion, Rec(chrom, pos + 2, "G", "A", gt="0/1")],
                                 build=B))
    (d,) = beside.compound_heterozygous
    assert d.phase == "phase unknown"

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

Headers: the real Platinum Genomes GRCh38 one (vcfbuild) and the real VEP v104 CSQ field list; positions from the
knowledge base's exon table."""

from __future__ import annotations

from pathlib import Path

import pytest

from charcot.errors import InputError
from charcot.model import Build
from charcot.variants.api import interpret
from charcot.variants.model import Zygosity

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

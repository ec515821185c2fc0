"""Genotypes that are not confident calls of an ALT allele (probeacmg review).

- A half-call ('./1', '1/.', '0/.': one allele not called) was a finding ('./1' with zygosity unknown, classified
  and reported); the genotype is unknown, as family.segregation already reads it: the ALT it names is now a call
  left out (``excluded_calls``, its position not assessed) and '0/.' a no-call site.
- The spanning-deletion allele '*' (GATK's ALT for a position deleted on that haplotype by an upstream deletion) was
  listed as a structural variant (``ReadResult.symbolic``): '0/*' read as "a <*> overlaps the gene".
Header: the real Platinum Genomes GRCh38 one; positions from the knowledge base's exon table."""

from __future__ import annotations

from pathlib import Path

import pytest

from charcot.model import Build
from charcot.variants.api import interpret

from .vcfbuild import Rec, exon, write_vcf


def _sod1(tmp_path: Path, recs: list[Rec]) -> Path:
    return write_vcf(tmp_path / "p.vcf.gz", recs, build=Build.GRCh38)


@pytest.mark.parametrize("gt", ["./1", "1/.", ".|1"])
def test_a_half_call_is_a_call_left_out_not_a_finding(tmp_path: Path, gt: str) -> None:
    chrom, start, end, _strand = exon("SOD1", 2, Build.GRCh38)
    pos = (start + end) // 2
    other = Rec(chrom, start + 5, "C", "A", gt="0/1")  # a confident call elsewhere in the gene
    result = interpret(_sod1(tmp_path, [Rec(chrom, pos, "G", "T", gt=gt), other]), sex="female")
    assert [f.pos for f in result.findings if f.gene == "SOD1"] == [start + 5]
    (left,) = [e for e in result.excluded_calls if e.gene == "SOD1"]
    assert left.pos == pos and "half-call" in left.why
    assert "SOD1" in result.genes_assessed and "SOD1" in result.genes_partly_covered
    assert "half-call" in result.genes_partly_covered["SOD1"]


def test_a_ref_half_call_is_a_no_call_site(tmp_path: Path) -> None:
    chrom, start, end, _strand = exon("SOD1", 2, Build.GRCh38)
    other = Rec(chrom, start + 5, "C", "A", gt="0/1")
    result = interpret(_sod1(tmp_path, [Rec(chrom, (start + end) // 2, "G", "T", gt="0/."), other]), sex="female")
    assert [f.pos for f in result.findings if f.gene == "SOD1"] == [start + 5]
    assert "no-call" in result.genes_partly_covered.get("SOD1", "")


def test_the_spanning_deletion_allele_is_not_a_structural_variant(tmp_path: Path) -> None:
    chrom, start, end, _strand = exon("SOD1", 2, Build.GRCh38)
    pos = (start + end) // 2
    result = interpret(_sod1(tmp_path, [Rec(chrom, pos, "G", "T,*", gt="0/2")]), sex="female")
    assert not [f for f in result.findings if f.gene == "SOD1"]
    said = " ".join(f"{n.what} {n.reason}" for n in result.not_assessed)
    assert "structural-variant record *" not in said
    # '1/*': the SNV is carried on one haplotype (the other is deleted there): a heterozygous finding, no SV
    result = interpret(_sod1(tmp_path, [Rec(chrom, pos, "G", "T,*", gt="1/2")]), sex="female")
    (f,) = [f for f in result.findings if f.gene == "SOD1"]
    assert f.alt == "T"
    assert "structural-variant record *" not in " ".join(f"{n.what} {n.reason}" for n in result.not_assessed)


def test_a_low_confidence_call_kept_is_flagged(tmp_path: Path) -> None:
    # probeacmg review: without --min-gq a GQ 5 (or QUAL 8) call was reported as any other; the caller's own
    # numbers say it is less than 99 % sure. The flag reaches every output through the finding
    # (report item line, HTML "Confirm:", interpret table, TSV)
    chrom, start, end, _strand = exon("SOD1", 2, Build.GRCh38)
    pos = (start + end) // 2
    for rec, words in ((Rec(chrom, pos, "G", "T", gq=5), "GQ 5"), (Rec(chrom, pos, "G", "T", qual="8"), "QUAL 8"),
                       (Rec(chrom, pos, "G", "T", gq=5, qual="8.5"), "QUAL 8.5")):
        (f,) = [f for f in interpret(_sod1(tmp_path, [rec]), sex="female").findings if f.gene == "SOD1"]
        assert f.call_quality_flag is not None and words in f.call_quality_flag
    (f,) = [f for f in interpret(_sod1(tmp_path, [Rec(chrom, pos, "G", "T")]), sex="female").findings
            if f.gene == "SOD1"]
    assert f.call_quality_flag is None  # GQ 99, QUAL 50


def test_an_allele_opposite_a_spanning_deletion_says_it_is_the_only_copy(tmp_path: Path) -> None:
    # probecalls review, left then and fixed here: '1/*' was "heterozygous" with no word that the other copy of the
    # position is deleted (the '*' allele: a deletion given in its own record), so the SNV is the position's only copy
    chrom, start, end, _strand = exon("SOD1", 2, Build.GRCh38)
    pos = (start + end) // 2
    result = interpret(_sod1(tmp_path, [Rec(chrom, pos, "G", "T,*", gt="1/2")]), sex="female")
    (f,) = [f for f in result.findings if f.gene == "SOD1"]
    assert any("deleted" in n and "only copy" in n for n in f.notes)
    # '0/1' on the same record says nothing of a deletion
    plain = interpret(_sod1(tmp_path, [Rec(chrom, pos, "G", "T,*", gt="0/1")]), sex="female")
    (g,) = [f for f in plain.findings if f.gene == "SOD1"]
    assert not any("only copy" in n for n in g.notes)

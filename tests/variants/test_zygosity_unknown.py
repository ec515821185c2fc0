"""Zygosity only as far as the genotype shows it (probe-gen review). A haploid call on an autosome ('1' at SOD1)
was 'hemizygous: consistent with AD, AR', and a half-called genotype ('1/.', './1') 'heterozygous'; in both the
other allele is unknown. Header: the real Platinum Genomes GRCh38 one; positions from the knowledge base."""

from __future__ import annotations

from pathlib import Path

import pytest

from charcot.model import Build
from charcot.variants.api import interpret
from charcot.variants.model import Zygosity

from .vcfbuild import Rec, exon, write_vcf


@pytest.mark.parametrize("gt", ["1"])  # half-calls: test_probeacmg_calls.py
def test_an_autosomal_call_with_one_allele_known_has_unknown_zygosity(tmp_path: Path, gt: str) -> None:
    chrom, start, end, _strand = exon("SOD1", 2, Build.GRCh38)
    vcf = write_vcf(tmp_path / "p.vcf.gz", [Rec(chrom, (start + end) // 2, "G", "T", gt=gt)], build=Build.GRCh38)
    (f,) = [f for f in interpret(vcf, sex="female").findings if f.gene == "SOD1"]
    assert f.zygosity == Zygosity.UNKNOWN
    assert f.inheritance.consistent is None
    assert any("zygosity is unknown" in n or "cannot be told" in n for n in f.notes)


def test_a_haploid_x_call_in_a_male_stays_hemizygous(tmp_path: Path) -> None:
    chrom, start, end, _strand = exon("UBQLN2", 1, Build.GRCh38)
    vcf = write_vcf(tmp_path / "x.vcf.gz", [Rec(chrom, (start + end) // 2, "G", "T", gt="1")], build=Build.GRCh38)
    (f,) = [f for f in interpret(vcf, sex="male").findings if f.gene == "UBQLN2"]
    assert f.zygosity == Zygosity.HEMIZYGOUS

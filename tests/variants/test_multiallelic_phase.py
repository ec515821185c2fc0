"""Two ALTs of one multi-allelic record (probe-gen review): the record's genotype text (``1|2``) is shared by both
findings, so phase must come from which haplotype carries which ALT. Before the fix both findings of ``1|2`` were
told "in cis (phased genotypes)", i.e. "not a second hit", and ``1/2`` "phase unknown"; a diploid genotype with
two different ALTs, one copy each, carries them on different chromosomes. The header is the real Platinum
Genomes GRCh38 one; the position is SOD1 exon 1 from the knowledge base (SOD1 is AD and AR)."""

from __future__ import annotations

from pathlib import Path

import pytest

from charcot.model import Build
from charcot.variants.api import interpret

from .vcfbuild import Rec, exon, write_vcf


def _sod1_site() -> tuple[str, int]:
    chrom, start, end, _strand = exon("SOD1", 2, Build.GRCh38)
    return chrom, (start + end) // 2


@pytest.mark.parametrize("gt", ["1|2", "2|1", "1/2"])
def test_two_alts_of_one_diploid_genotype_are_in_trans(tmp_path: Path, gt: str) -> None:
    chrom, pos = _sod1_site()
    vcf = write_vcf(tmp_path / "p.vcf.gz", [Rec(chrom, pos, "G", "A,T", gt=gt, ps=100 if "|" in gt else None)],
                    build=Build.GRCh38)
    result = interpret(vcf)
    (c,) = result.compound_heterozygous
    assert c.gene == "SOD1" and len(c.variants) == 2
    assert c.phase.startswith("in trans"), c.phase
    assert "consistent with recessive disease" in c.note


def test_phased_split_records_keep_their_phase(tmp_path: Path) -> None:
    chrom, pos = _sod1_site()
    recs = [Rec(chrom, pos, "G", "A", gt="1|0", ps=100), Rec(chrom, pos + 3, "G", "T", gt="1|0", ps=100)]
    (c,) = interpret(write_vcf(tmp_path / "cis.vcf.gz", recs, build=Build.GRCh38)).compound_heterozygous
    assert c.phase == "in cis (phased genotypes)"
    recs[1] = Rec(chrom, pos + 3, "G", "T", gt="0|1", ps=100)
    (c,) = interpret(write_vcf(tmp_path / "trans.vcf.gz", recs, build=Build.GRCh38)).compound_heterozygous
    assert c.phase == "in trans (phased genotypes)"

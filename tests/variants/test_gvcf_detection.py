"""A VCF whose header merely declares <NON_REF> (GATK GenotypeGVCFs output) is not a gVCF: only records with
reference blocks make one (issue 14: the Scout trio was read as a gVCF and '941 exons not callable')."""

from __future__ import annotations

from pathlib import Path

from charcot.variants import api

DATA = Path(__file__).parents[1] / "data" / "variants"


def test_header_declaring_non_ref_is_not_a_gvcf() -> None:
    vcf = DATA / "scout_643594_subset.vcf.gz"
    assert "<ID=NON_REF" in __import__("gzip").open(vcf, "rt").read(200_000)  # the header does declare it
    result = api.interpret(vcf, sample="ADM1059A2")
    whats = {n.what: n.reason for n in result.not_assessed}
    assert "not a gVCF" in whats["callability of the panel exons"]


def test_real_gvcf_is_still_a_gvcf() -> None:
    result = api.interpret(DATA / "glnexus_na12878_gvcf_subset.g.vcf.gz", build="GRCh38")
    assert "callability of the panel exons" not in {n.what for n in result.not_assessed}

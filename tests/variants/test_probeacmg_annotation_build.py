"""An annotation made on the other genome build (probeacmg review): a GRCh38 VCF carrying SnpEff's GRCh37.75 or VEP's
GRCh37 annotation (a VCF lifted over with its INFO, or annotated with the wrong database/cache). Before, its
consequences were classified as the VCF's own, though they describe other bases (SnpEff flags a REF mismatch only
where the builds' bases happen to differ). Now exit 2, naming the annotator and the header words, nothing written.
Header lines: the real ##SnpEffCmd/##VEP lines of the Scout demo (SnpEff 4.2 GRCh37.75, VEP v85/v104 GRCh37) and of
a VEP v113 GRCh38 run; the VCF: Platinum Genomes' GRCh38 header, positions from the knowledge base."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from charcot.model import Build
from charcot.variants.api import interpret

from .vcfbuild import DATA, VEP104, Rec, exon, header_lines, write_vcf

SCOUT = DATA / "scout_643594_subset.vcf.gz"
VEP113 = DATA / "scout_vep113_existing_variation.vcf"
BCSQ37 = DATA / "slivar_with-bcsq.vcf"
BCSQ38 = DATA / "bcftools_csq_joint_mrpl39.vcf"


def _lines(path: Path, *starts: str) -> list[str]:
    return [h for h in header_lines(path) if h.startswith(starts)]


@pytest.mark.parametrize("source,starts,info,words", [
    (SCOUT, ("##SnpEffCmd", "##INFO=<ID=ANN"), "ANN", "database GRCh37.75"),
    (VEP104, ("##VEP=", "##INFO=<ID=CSQ"), "CSQ", "assembly=GRCh37"),
    # bcftools csq names no build, but its command line names the GFF3 and FASTA it read (the real slivar test
    # header: Ensembl's Homo_sapiens.GRCh37.82.gff3.gz and 1000 Genomes' g1k_v37_decoy.fa)
    (BCSQ37, ("##bcftools/csqCommand", "##INFO=<ID=BCSQ"), "BCSQ", "Homo_sapiens.GRCh37.82.gff3.gz"),
])
def test_an_annotation_of_the_other_build_is_refused(run_cli: Callable[..., object], tmp_path: Path, source: Path,
                                                     starts: tuple[str, ...], info: str, words: str) -> None:
    chrom, start, _end, _strand = exon("SOD1", 2, Build.GRCh38)
    vcf = write_vcf(tmp_path / "p.vcf.gz", [Rec(chrom, start + 5, "C", "A")], build=Build.GRCh38,
                    extra_header=_lines(source, *starts))
    out = tmp_path / "findings.json"
    res = run_cli("interpret", vcf, "-o", out)
    err: str = res.stderr  # type: ignore[attr-defined]
    assert res.code == 2, err  # type: ignore[attr-defined]
    assert err.startswith("charcot: error: ") and "GRCh38" in err and "GRCh37" in err and words in err, err
    assert "Traceback" not in err and not out.exists()
    assert f"INFO/{info}" in err  # the hint removes the annotation that is there


def test_a_bcftools_csq_annotation_of_the_same_build_is_read(tmp_path: Path) -> None:
    # the real `bcftools csq` header of a GRCh38 run (FASTA grch38_chr21_MRPL39.fa.gz): read, not refused
    chrom, start, _end, _strand = exon("SOD1", 2, Build.GRCh38)
    vcf = write_vcf(tmp_path / "p.vcf.gz", [Rec(chrom, start + 5, "C", "A")], build=Build.GRCh38,
                    extra_header=_lines(BCSQ38, "##bcftools/csqCommand", "##INFO=<ID=BCSQ"))
    assert [f for f in interpret(vcf).findings if f.gene == "SOD1"]


def test_an_annotation_of_the_same_build_is_read(tmp_path: Path) -> None:
    chrom, start, _end, _strand = exon("SOD1", 2, Build.GRCh38)
    vcf = write_vcf(tmp_path / "p.vcf.gz", [Rec(chrom, start + 5, "C", "A")], build=Build.GRCh38,
                    extra_header=_lines(VEP113, "##VEP", "##INFO=<ID=CSQ"))
    assert [f for f in interpret(vcf).findings if f.gene == "SOD1"]

"""Records on the reference's alternate loci (GRCh38 ALT contigs, fix patches, hg19 haplotypes) are not read: the panel
is on the chromosomes. A VCF holding such records says so in its not-assessed items, on every reading path (indexed,
unindexed bgzip, plain text); a VCF that only declares them in its header says nothing (lead, 2026-12-02; found by the
probegen review: a record on chr21_GL383580v2_alt was neither read nor mentioned)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pysam
import pytest

from charcot.genome.builds import alternate_locus
from charcot.variants.api import interpret
from tests.variants.vcfbuild import DATA, NA12878_38, data_lines, header_lines

GLNEXUS = DATA / "glnexus_na12878_gvcf_subset.g.vcf.gz"  # a GATK hg38 header declaring the 261 ALT contigs
ALT = "chr21_GL383580v2_alt"


def _alt_contig_line(name: str) -> str:
    return next(line for line in header_lines(GLNEXUS) if line.startswith(f"##contig=<ID={name},"))


def _write(folder: Path, *, alt_record: bool) -> Path:
    """NA12878's real GRCh38 panel records with the ALT contig's real header line (from the GATK hg38 header) added,
    and, with ``alt_record``, NA12878's first record placed also on that contig (its own fields, another position)."""
    head = header_lines(NA12878_38)
    lines = data_lines(NA12878_38)
    contig_at = max(i for i, line in enumerate(head) if line.startswith("##contig="))
    head = [*head[:contig_at + 1], _alt_contig_line(ALT), *head[contig_at + 1:]]
    records = list(lines)
    if alt_record:
        fields = lines[0].split("\t")
        fields[0], fields[1] = ALT, "5000"
        records.append("\t".join(fields))  # after the chromosome's records: one contiguous run per contig
    text = folder / "calls.vcf"
    text.write_text("\n".join([*head, *records]) + "\n")
    return text


def _paths(folder: Path, text: Path) -> dict[str, Path]:
    indexed = folder / "indexed.vcf.gz"
    pysam.tabix_compress(str(text), str(indexed), force=True)
    pysam.tabix_index(str(indexed), preset="vcf", force=True)
    unindexed = folder / "unindexed.vcf.gz"
    shutil.copyfile(indexed, unindexed)
    return {"indexed": indexed, "unindexed bgzip": unindexed, "plain text": text}


def _alternate_items(path: Path) -> list[str]:
    result = interpret(path, build="GRCh38")
    return [n.what for n in result.not_assessed if "alternate-locus" in n.what]


@pytest.mark.parametrize("how", ["indexed", "unindexed bgzip", "plain text"])
def test_records_on_an_alternate_locus_are_said_not_read(tmp_path: Path, how: str) -> None:
    path = _paths(tmp_path, _write(tmp_path, alt_record=True))[how]
    items = _alternate_items(path)
    assert len(items) == 1, items
    assert ALT in items[0] and "1 alternate-locus contig" in items[0]


@pytest.mark.parametrize("how", ["indexed", "unindexed bgzip", "plain text"])
def test_alternate_loci_declared_without_records_say_nothing(tmp_path: Path, how: str) -> None:
    path = _paths(tmp_path, _write(tmp_path, alt_record=False))[how]
    assert _alternate_items(path) == []


@pytest.mark.parametrize(("name", "alternate"), [
    ("chr6_GL000251v2_alt", True), ("chr1_KN196472v1_fix", True), ("chr6_apd_hap1", True),
    ("CHR_HSCHR6_MHC_APD_CTG1", True), ("chrUn_KI270302v1", False), ("chr1_KI270706v1_random", False),
    ("chrEBV", False), ("HLA-A*01:01:01:01", False), ("chr21", False), ("NC_000021.9", False),
    ("GL000192.1", False), ("hs37d5", False), ("chrM", False)])
def test_alternate_locus_names(name: str, alternate: bool) -> None:
    # GRCh38 ALT and fix contigs as UCSC/GATK name them, hg19 haplotypes, Ensembl patch regions; not the unplaced or
    # unlocalised scaffolds, decoys, HLA, the mitochondrion or a primary chromosome
    assert alternate_locus(name) is alternate

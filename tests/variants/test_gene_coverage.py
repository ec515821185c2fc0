"""A panel gene on a chromosome the VCF has no record on, or outside the span of its records there, is 'not
assessed', never 'no reportable variant'.

Seen on the demo: the VCF holds chr21 records only, yet the report said 'Assessed · 80 ALS genes' and listed
TARDBP, FUS, C9orf72 ... each as 'no reportable variant'."""

from __future__ import annotations

import gzip
import re
import shutil
from pathlib import Path

import pysam
import pytest

from charcot.variants.api import interpret

DATA = Path(__file__).resolve().parents[1] / "data" / "variants"


def _chromosomes(path: Path) -> set[str]:
    with pysam.VariantFile(str(path)) as vcf:
        return {r.chrom.removeprefix("chr") for r in vcf}


@pytest.mark.parametrize("name", ["pfeiffer_panel.vcf.gz", "scout_643594_subset.vcf.gz", "na12878_hg38_panel.vcf.gz"])
@pytest.mark.parametrize("indexed", [True, False])
def test_genes_are_assessed_only_on_chromosomes_with_records(name: str, indexed: bool, tmp_path: Path) -> None:
    source = DATA / name
    path = source
    if not indexed:  # the same records as plain text: the streaming reader must reach the same split
        path = tmp_path / name.removesuffix(".gz")
        with gzip.open(source, "rb") as src, open(path, "wb") as dst:
            shutil.copyfileobj(src, dst)
    result = interpret(path, sample=None if name != "scout_643594_subset.vcf.gz" else _first_sample(source))
    with_records = _chromosomes(source)
    from charcot.genome.panel import knowledge_panel
    from charcot.model import Build

    panel = knowledge_panel(Build(result.build))
    chrom_of = {g.symbol: g.chrom.removeprefix("chr") for g in panel.genes}
    assert result.genes_assessed and result.genes_not_covered
    assert all(chrom_of[g] in with_records for g in result.genes_assessed)
    # a gene on a chromosome with records is not covered only when it lies outside the span of those records
    spans = _spans(source)
    region = {g.symbol: (g.region_start, g.region_end) for g in panel.genes}
    for g in result.genes_not_covered:
        if chrom_of[g] in with_records:
            first, last, reach = spans[chrom_of[g]]
            said = re.search(r"span ([\d,]+)-([\d,]+) only", result.not_covered_reasons[g])
            assert said is not None, g
            low, high = (int(x.replace(",", "")) for x in said.groups())
            # the last POS, or the end of a call reaching past it
            assert low == first and last <= high <= reach, g
            assert region[g][1] < low or region[g][0] > high, g
        else:
            assert result.not_covered_reasons[g] == "the VCF has no record on the gene's chromosome"
    for g in result.genes_assessed:
        first, last, reach = spans[chrom_of[g]]
        assert region[g][1] >= first and region[g][0] <= reach, g
        if region[g][0] >= first and region[g][1] <= last:
            assert g not in result.genes_partly_covered, g
        if region[g][0] < first or region[g][1] > reach:
            assert "lies partly outside them" in result.genes_partly_covered[g], g
    assert set(result.genes_assessed) | set(result.genes_not_covered) == set(chrom_of)
    assert result.status == "partial"
    assert any("no record at all on chromosome" in n.reason for n in result.not_assessed)


def _spans(path: Path) -> dict[str, tuple[int, int, int]]:
    """Per chromosome: first POS, last POS, and the furthest end of any record."""
    spans: dict[str, tuple[int, int, int]] = {}
    with pysam.VariantFile(str(path)) as vcf:
        for r in vcf:
            chrom = r.chrom.removeprefix("chr")
            first, last, reach = spans.get(chrom, (r.pos, r.pos, r.stop))
            spans[chrom] = (min(first, r.pos), max(last, r.pos), max(reach, r.stop))
    return spans


def _first_sample(path: Path) -> str:
    with pysam.VariantFile(str(path)) as vcf:
        return str(next(iter(vcf.header.samples)))

"""A panel gene on a chromosome the VCF has no record on is 'not assessed', never 'no reportable variant'.

Seen on the demo: the VCF holds chr21 records only, yet the report said 'Assessed · 80 ALS genes' and listed
TARDBP, FUS, C9orf72 ... each as 'no reportable variant'."""

from __future__ import annotations

import gzip
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
    assert all(chrom_of[g] not in with_records for g in result.genes_not_covered)
    assert set(result.genes_assessed) | set(result.genes_not_covered) == set(chrom_of)
    assert result.status == "partial"
    assert any("no record at all on chromosome" in n.reason for n in result.not_assessed)


def _first_sample(path: Path) -> str:
    with pysam.VariantFile(str(path)) as vcf:
        return str(next(iter(vcf.header.samples)))

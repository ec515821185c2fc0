"""The quiet path's remembered places (issue 20) are those the full location gives.

``charcot.variants.api._place`` remembers, per gene and stretch between two exons, what a quiet allele's finding reads
of its location (the signature part and the GenePosition) for alleles deep in an intron or wholly before the first /
after the last exon, and reuses it for every later allele of that stretch. Every GRCh38 panel gene is walked here:
alleles at and around each exon boundary, at the depth limit and beyond (SNVs, insertions, a long deletion); the
answer from a memo filled by earlier alleles must equal the one computed for that allele alone.
"""

from __future__ import annotations

from charcot.genome.normalise import Allele
from charcot.genome.panel import knowledge_panel
from charcot.model import Build
from charcot.variants import api


def _alleles(pos: int) -> list[Allele]:
    return [Allele(pos, "A", "G"), Allele(pos, "A", "AT"), Allele(pos, "ACGTACGTAC", "A")]


def test_remembered_places_equal_the_full_location() -> None:
    deep = api._DEEP
    checked = remembered = 0
    for gene in knowledge_panel(Build.GRCh38).genes:
        if not gene.exons:
            continue
        points = {gene.region_start, gene.region_end}
        for exon in gene.exons:
            for edge in (exon.start, exon.end):
                points.update(edge + d for d in (-deep - 1, -deep, 0, deep, deep + 1, deep + 2))
        for a, b in zip(gene.exons, gene.exons[1:], strict=False):
            points.add((a.end + b.start) // 2)
        memo, fresh = api._QuietMemo(), api._QuietMemo()
        for pos in sorted(points):
            for allele in _alleles(pos):
                hit = api._place(gene, allele, memo)
                fresh.places.clear()  # nothing remembered: the allele's own location
                alone = api._place(gene, allele, fresh)
                if alone is None:
                    assert hit is None
                    continue
                assert hit is not None
                assert hit[0] == alone[0], (gene.symbol, allele)
                assert hit[1].model_dump() == alone[1].model_dump(), (gene.symbol, allele)
                checked += 1
        remembered += len(memo.places)
    assert checked > 5_000 and remembered > 500  # the memo was used, on many genes

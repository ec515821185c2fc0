"""The exon lookup by binary search (issue 20) places every position as the linear scan does: the bases at and next to
each exon boundary where the region changes (exon, splice region, canonical splice site, intron) and 300 positions
spread over each span, for every panel gene of both builds (coordinates from the knowledge base)."""

from __future__ import annotations

import random

from charcot.genome import panel as panel_module
from charcot.genome.panel import knowledge_panel
from charcot.model import Build


def test_binary_search_equals_scan() -> None:
    rng = random.Random(20)
    checked = 0
    for build in (Build.GRCh37, Build.GRCh38):
        for gene in knowledge_panel(build).genes:
            if not gene.exons:
                continue
            assert gene.exon_starts is not None  # the derived exon tables are sorted and disjoint
            positions = {p for e in gene.exons for b in (e.start, e.end) for p in (b + d for d in (-9, -8, -3, -2, -1, 0, 1, 2, 3, 8, 9))}
            positions |= {rng.randint(gene.region_start, gene.region_end) for _ in range(300)}
            scanned = type(gene)(gene.symbol, gene.build, gene.chrom, gene.start, gene.end, gene.strand,
                                 gene.transcript, gene.exons)
            scanned.__dict__["exon_starts"] = None  # the cached property's slot: force the linear scan
            for pos in positions:
                assert panel_module._point_location(gene, pos) == panel_module._point_location(scanned, pos), \
                    (gene.symbol, build, pos)
                checked += 1
    assert checked > 50_000

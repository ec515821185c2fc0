"""Unannotated indels at exon edges, placed on the knowledge base's TBK1 exon table (plus strand):
a canonical splice site counts as hit only when a base of its dinucleotide changes (a deletion
over it, or an insertion between its two bases); an insertion beside it leaves it intact, so its consequence is
unknown and it is not classified (regression: an insertion between the acceptor's -1 and the exon got PVS1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from charcot.variants.api import interpret
from variants.vcfbuild import Rec, exon, write_vcf


def _pvs1(f: object) -> bool:
    return any(e.applied and e.criterion == "PVS1" for e in f.evidence)  # type: ignore[attr-defined]


@pytest.mark.parametrize(("where", "ref", "alt", "hit"), [
    ("start-2", "A", "AT", True),    # between -2 and -1: inside the AG
    ("start-1", "G", "GA", False),   # between -1 and the exon's first base: AG intact
    ("start-2", "AG", "A", True),    # deletes -1
    ("end", "G", "GT", False),       # between the exon's last base and +1: GT intact
    ("end+1", "G", "GA", True),      # between +1 and +2: inside the GT
    ("end-3", "AGGTAAGT", "A", True),  # deletes +1..+4
])
def test_canonical_site_indels(tmp_path: Path, where: str, ref: str, alt: str, hit: bool) -> None:
    chrom, start, end, strand = exon("TBK1", 5)
    assert strand == "+"
    base, _, offset = where.replace("+", " +").replace("-", " -").partition(" ")
    pos = (start if base == "start" else end) + (int(offset) if offset else 0)
    (f,) = interpret(write_vcf(tmp_path / "v.vcf.gz", [Rec(chrom, pos, ref, alt)])).findings
    assert _pvs1(f) is hit
    if not hit:
        assert f.classification is None and f.not_classified

"""An indexed VCF is read by one query per merged panel region; a record reaching from one region into the next
(or from the gap between them into a region) comes back from both queries and must be read once (issue 20: the
reader now remembers only records that start before their region or reach past its end, not every record).

Real record: the Manta <DEL> of the Scout demo SV VCF (tests/data/variants/SOURCES.md), moved between SMN2 and
NAIP/SMN1 on GRCh37 chromosome 5, whose panel regions are separated by a gap of ~14 kb.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pysam

from charcot.genome.panel import knowledge_panel
from charcot.model import Build
from charcot.variants.api import interpret

SV = Path(__file__).resolve().parents[1] / "data" / "variants" / "scout_643594_sv_one_del.vcf"


def test_record_in_two_region_queries_is_read_once(tmp_path: Path) -> None:
    regions = [r for r in knowledge_panel(Build.GRCh37).regions() if r[0] == "5"]
    (_, _, end1), (_, start2, end2) = next((a, b) for a, b in itertools.pairwise(regions)
                                           if b[1] - a[2] < 50_000)
    lines = SV.read_text().splitlines()
    header = [x for x in lines if x.startswith("#")]
    rec = next(x for x in lines if not x.startswith("#")).split("\t")

    def moved(start: int, end: int) -> str:
        cols = list(rec)
        cols[0], cols[1], cols[3] = "5", str(start), "N"
        cols[7] = ";".join([kv for kv in cols[7].split(";") if not kv.startswith(("CSQ=", "END=", "SVLEN="))]
                           + [f"END={end}", f"SVLEN=-{end - start}"])
        return "\t".join(cols)

    across = (end1 - 100, start2 + 100)  # from the end of one region into the next
    from_gap = (end1 + 500, start2 + 50)  # from the gap into the second region
    inside = (start2 + 1000, end2 + 2000)  # inside the second region, reaching past its end
    plain = tmp_path / "sv.vcf"
    plain.write_text("\n".join([*header, moved(*across), moved(*from_gap), moved(*inside)]) + "\n")
    vcf = tmp_path / "sv.vcf.gz"
    pysam.tabix_compress(str(plain), str(vcf))
    pysam.tabix_index(str(vcf), preset="vcf")
    indexed = interpret(vcf, sample="ADM1059A3")
    streamed = interpret(plain, sample="ADM1059A3")
    assert indexed.reading.indexed and not streamed.reading.indexed
    assert indexed.reading.panel_records == streamed.reading.panel_records == 3
    named = sorted(na.what for na in indexed.not_assessed if "<DEL>" in na.what)
    assert named == sorted(na.what for na in streamed.not_assessed if "<DEL>" in na.what)
    assert [sum(f"5:{s}-{e}" in w for w in named) for s, e in (across, from_gap, inside)] == [1, 1, 1]

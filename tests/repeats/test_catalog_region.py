"""Repeat counts of a caller run on another variant catalog: units over the caller's region, put on the knowledge
base's catalog region (the one the thresholds are defined on).

ExpansionHunter and GangSTR count repeat units over the region their variant catalog gives. A catalog whose ATXN2
region starts 9 bp (3 CAG) upstream of charcot's makes ExpansionHunter count 3 more units for every allele: before,
a real 22/30 call read 25/33 and crossed into another category. The input is the real ExpansionHunter v5 VCF
(tests/data/repeats/justhusky_exphun_hugelymodelbat.eh5.vcf, SOURCES.md) with its ATXN2 record rewritten as that
run would write it (POS/END/REF/RL and REPCN/REPCI over the wider region), and the real ExpansionHunter JSON layout
for the same locus."""

from __future__ import annotations

import json
from pathlib import Path

from charcot.repeats.api import assess_repeats

DATA = Path(__file__).resolve().parents[1] / "data" / "repeats"
EH5 = DATA / "justhusky_exphun_hugelymodelbat.eh5.vcf"


def _widened(tmp_path: Path, upstream_bp: int, counts: tuple[int, int], cis: str) -> Path:
    """The real file with its ATXN2 record as a catalog whose region starts ``upstream_bp`` earlier would give it."""
    lines = []
    for line in EH5.read_text().splitlines():
        if "REPID=ATXN2" in line:
            f = line.split("\t")
            info = dict(item.partition("=")[::2] for item in f[7].split(";"))
            pos = int(f[1]) - upstream_bp
            rl = int(info["END"]) - pos
            info.update(REF=str(rl // 3), RL=str(rl))
            f[1] = str(pos)
            f[4] = ",".join(f"<STR{c}>" for c in counts)
            f[7] = ";".join(f"{k}={v}" for k, v in info.items())
            fmt = dict(zip(f[8].split(":"), f[9].split(":"), strict=True))
            fmt.update(REPCN=f"{counts[0]}/{counts[1]}", REPCI=cis)
            f[9] = ":".join(fmt[k] for k in f[8].split(":"))
            line = "\t".join(f)
        lines.append(line)
    out = tmp_path / "eh.vcf"
    out.write_text("\n".join(lines) + "\n")
    return out


def test_expansionhunter_counts_over_a_wider_catalog_region_are_put_on_the_catalog_region(tmp_path: Path) -> None:
    original = assess_repeats(EH5).call("ATXN2")
    assert original is not None and [a.size for a in original.alleles] == [22, 30]
    wider = assess_repeats(_widened(tmp_path, 9, (25, 33), "25-25/33-33")).call("ATXN2")
    assert wider is not None
    assert [a.size for a in wider.alleles] == [22, 30]
    assert wider.category == original.category
    assert [a.category for a in wider.alleles] == [a.category for a in original.alleles]
    assert any("differs from the catalog region" in w and "9 bp" in w for w in wider.warnings)
    assert not any("differs from the catalog region" in w for w in original.warnings)


def test_a_difference_of_part_of_a_unit_widens_the_interval(tmp_path: Path) -> None:
    # 4 bp is not a whole CAG: the count is taken off to the nearest unit, and the interval widened by one unit on
    # each side, so a size beside a threshold is not read on one side of it with confidence
    call = assess_repeats(_widened(tmp_path, 4, (23, 31), "23-23/31-31")).call("ATXN2")
    assert call is not None
    assert [a.size for a in call.alleles] == [22, 30]
    assert [(a.ci_low, a.ci_high) for a in call.alleles] == [(21, 23), (29, 31)]
    assert any("rounded" in w for w in call.warnings)


def test_expansionhunter_json_reference_region_is_read_the_same_way(tmp_path: Path) -> None:
    # ExpansionHunter's JSON (the layout of tests/data/repeats/eh_example_repeats.json) names the region it counted
    # over in ReferenceRegion (0-based start); a region 9 bp wider than the catalog's gives 3 more CAG per allele
    layout = json.loads((DATA / "eh_example_repeats.json").read_text())
    locus = layout["LocusResults"]["SNV_AND_STR"]
    repeat = locus["Variants"]["SNV_AND_STR_chr1:2005-2008"]
    start, end = 112036753 - 9, 112036822  # GRCh37 ATXN2, charcot's catalog region 112036754-112036822
    repeat.update(ReferenceRegion=f"12:{start}-{end}", RepeatUnit="CAG", Genotype="25/33",
                  GenotypeConfidenceInterval="25-25/33-33", VariantId="ATXN2")
    locus.update(LocusId="ATXN2", Variants={"ATXN2": repeat})
    layout["LocusResults"] = {"ATXN2": locus}
    path = tmp_path / "eh.json"
    path.write_text(json.dumps(layout))
    call = assess_repeats(path, build="GRCh37").call("ATXN2")
    assert call is not None and [a.size for a in call.alleles] == [22, 30]
    assert any("differs from the catalog region" in w for w in call.warnings)

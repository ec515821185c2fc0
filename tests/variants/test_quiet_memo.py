"""The fast path of ``interpret`` (issue 20) gives exactly the findings of the full path.

Quiet alleles (unannotated, no resource, no frequency, not at a canonical splice site) are classified once per kind and
copied for the others (``charcot.variants.api._quiet_signature``). These tests run the same real VCFs with the memo on
and off and compare the findings JSON byte for byte, and check that the memo was used.

The main input is made of real calls: the Platinum Genomes NA12878 chr21 records of the fixture (real REF/ALT,
phased genotypes, FILTER values and INFO), moved with their real spacing into the spans of ten panel genes of
different roles and inheritance (causal AD/AR, risk factor, X-linked), as benchmarks/make_wgs_vcf.py does for the
whole-genome benchmark. The gene spans come from the knowledge base.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pysam
import pytest

from charcot.genome.panel import knowledge_panel
from charcot.model import Build
from charcot.variants import api
from charcot.variants.findings_json import load

DATA = Path(__file__).resolve().parents[1] / "data" / "variants"
CHR21 = DATA / "na12878_hg38_chr21_30-35Mb.vcf.gz"
DEMO = Path(api.__file__).resolve().parents[1] / "report" / "demo_data" / "demo.vcf.gz"
GENES = ("TARDBP", "ALS2", "NEK1", "C9orf72", "TBK1", "ATXN2", "SPG11", "FUS", "SOD1", "UBQLN2")


def _relocated_vcf(path: Path) -> Path:
    """The fixture's records tiled over the panel genes' spans (GRCh38), bgzipped and indexed."""
    with gzip.open(CHR21, "rt") as handle:
        lines = handle.read().splitlines()
    header = [x for x in lines if x.startswith("#")]
    records = [x.split("\t") for x in lines if not x.startswith("#")]
    spans = {g.symbol: g for g in knowledge_panel(Build.GRCh38).genes}
    out: list[tuple[int, int, str]] = []
    order = {c: i for i, c in enumerate([*map(str, range(1, 23)), "X", "Y"])}
    i = 0
    for symbol in GENES:
        gene = spans[symbol]
        first = int(records[i % len(records)][1])
        while True:
            cols = list(records[i % len(records)])
            i += 1
            pos = gene.region_start + int(cols[1]) - first
            if pos < gene.region_start or pos > gene.region_end:
                break
            cols[0], cols[1] = f"chr{gene.chrom}", str(pos)
            out.append((order[gene.chrom], pos, "\t".join(cols)))
    out.sort()
    plain = path.with_suffix("")
    plain.write_text("\n".join(header + [x[2] for x in out]) + "\n")
    pysam.tabix_compress(str(plain), str(path), force=True)
    pysam.tabix_index(str(path), preset="vcf", force=True)
    plain.unlink()
    return path


@pytest.fixture(scope="module")
def relocated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _relocated_vcf(tmp_path_factory.mktemp("quiet") / "na12878_relocated.vcf.gz")


def _both(monkeypatch: pytest.MonkeyPatch, vcf: Path, **options: Any) -> tuple[str, str, int]:
    """(findings JSON with the memo, without it, number of findings copied from a memo entry)."""
    copied = [0]
    real = api._quiet_finding

    def counting(*args: Any) -> Any:
        copied[0] += 1
        return real(*args)

    monkeypatch.setattr(api, "_quiet_finding", counting)
    fast = api.to_json(api.interpret(vcf, **options))
    monkeypatch.setattr(api, "_QUIET_MEMO", False)
    full = api.to_json(api.interpret(vcf, **options))
    monkeypatch.setattr(api, "_QUIET_MEMO", True)
    return fast, full, copied[0]


@pytest.mark.parametrize("options", [
    {"sex": "male"},
    {"sex": "female", "include_filtered": True, "diagnosis": "ALS"},
])
def test_relocated_real_calls_identical(relocated: Path, monkeypatch: pytest.MonkeyPatch,
                                        options: dict[str, Any]) -> None:
    fast, full, copied = _both(monkeypatch, relocated, **options)
    assert fast == full
    findings = load(fast).findings
    genes = {f.gene for f in findings}
    assert genes >= {"TARDBP", "NEK1", "ATXN2", "UBQLN2", "SOD1"}
    assert len(findings) > 500
    # most findings came from the memo; the first of each kind was classified in full
    assert copied > len(findings) // 2
    # the copies carry their own allele and genotype
    assert len({f.key for f in findings}) == len(findings)
    assert {f.zygosity.value for f in findings} >= {"heterozygous", "homozygous"}
    if options.get("include_filtered"):
        assert any(f.filter != "PASS" for f in findings)
    if options.get("sex") == "male":
        assert {f.zygosity.value for f in findings if f.gene == "UBQLN2"} == {"hemizygous"}


@pytest.mark.parametrize("vcf", [DEMO, DATA / "pfeiffer_panel.vcf.gz", DATA / "glnexus_na12878_gvcf_subset.g.vcf.gz"],
                         ids=["demo", "pfeiffer", "gvcf"])
def test_real_vcfs_identical(vcf: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, full, _ = _both(monkeypatch, vcf)
    assert fast == full

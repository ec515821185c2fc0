"""A SOD1 coding variant whose consequence is unknown (not classified) leaves SOD1 therapies undecided: never 'no
SOD1 variant was found', never hidden as not concerning the genotype (regression: tofersen was 'not eligible: no
SOD1 variant classified at least LP was found by the genetic test' and left out of the report). The VCF is the demo's
with its spiked SOD1 p.(Ala5Val) moved to an exon-2 position no knowledge-base entry names."""

from __future__ import annotations

import gzip
from pathlib import Path

from variants.resourcebuild import write_indexed

from charcot.report.build import CaseInputs, build_report
from charcot.report.consistency import contradictions
from charcot.report.demo import demo_dir


def _unclassified_sod1_vcf(tmp_path: Path) -> Path:
    with gzip.open(demo_dir() / "demo.vcf.gz", "rt") as handle:
        lines = handle.read().splitlines()
    out = [line.replace("chr21\t33032096\t.\tC\tT\t", "chr21\t33036150\t.\tG\tA\t") for line in lines]
    head = [x for x in out if x.startswith("#")]
    body = sorted((x for x in out if not x.startswith("#")), key=lambda x: (x.split("\t")[0], int(x.split("\t")[1])))
    return write_indexed(tmp_path / "case.vcf.gz", head, body)


def test_unclassified_sod1_variant_leaves_tofersen_to_decide(tmp_path: Path) -> None:
    d = demo_dir()
    report = build_report(CaseInputs(vcf=_unclassified_sod1_vcf(tmp_path), clinical=d / "demo_case.yaml"))
    assert [f.gene for f in report.genetics.not_classified] == ["SOD1"]
    tofersen = next(t for t in report.therapies.items if t.name.startswith("Tofersen (Qalsody)"))
    assert tofersen.group == "check" and "not classified" in tofersen.eligibility
    assert not any("no SOD1 variant" in c.text for c in tofersen.criteria)
    assert contradictions(report) == []

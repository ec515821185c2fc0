"""A heterozygous call with a share of reads a germline heterozygote seldom gives is flagged for confirmation.

Unseen case: the demo's spiked SOD1 p.Ala5Val call (a pathogenic variant) with FORMAT/AD 37,4 (4 of 41 reads, as a
low-level mosaic or a contaminating sample gives). Before, the reads were never read: page 1 said "SOD1
NM_000454.5:c.14C>T p.(Ala5Val): Likely pathogenic, heterozygous" with nothing to confirm, and the TSV and JSON had
no allele depths. The test is exact: the flag agrees with scipy's binomial test for every depth up to 300."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from charcot.report.demo import demo_dir
from charcot.report.model import Report
from charcot.variants.api import ALLELE_BALANCE_P, allele_balance_flag


def test_flag_is_the_exact_two_sided_binomial_test() -> None:
    import numpy as np
    from scipy.stats import binom, binomtest

    for n in [*range(1, 301), 1000]:
        k = np.arange(n + 1)
        # two-sided at p = 0.5 (symmetric): twice the smaller tail, capped at 1 (what binomtest computes)
        p = np.minimum(1.0, 2 * binom.cdf(np.minimum(k, n - k), n, 0.5))
        flagged = np.array([allele_balance_flag(int(x), n, 1, 2) is not None for x in k])
        assert (flagged == (p < ALLELE_BALANCE_P)).all(), n
    for k, n in ((4, 41), (13, 60), (14, 60), (40, 200)):  # binomtest itself at a few points either side
        assert (allele_balance_flag(k, n, 1, 2) is not None) == (binomtest(k, n, 0.5).pvalue < ALLELE_BALANCE_P)


def test_flag_only_for_diploid_heterozygous_calls() -> None:
    assert allele_balance_flag(4, 41, 1, 2) is not None
    assert "0.10 (4 of 41 reads)" in (allele_balance_flag(4, 41, 1, 2) or "")
    assert allele_balance_flag(20, 41, 1, 2) is None
    assert allele_balance_flag(0, 8, 1, 2) is None  # too few reads to tell
    assert allele_balance_flag(40, 41, 2, 2) is None  # homozygous, as expected
    assert "homozygous call" in (allele_balance_flag(20, 41, 2, 2) or "")  # a homozygous call at half the reads
    assert "hemizygous call" in (allele_balance_flag(20, 41, 1, 1) or "")
    assert allele_balance_flag(5, 9, 2, 2) is None  # too few reads to tell
    assert allele_balance_flag(4, 41, 1, 3) is None  # neither diploid heterozygous nor all copies
    assert allele_balance_flag(3000, 3000, 1, 2) is not None  # deep: no float overflow
    assert "high balance" in (allele_balance_flag(39, 41, 1, 2) or "")


def _spiked(folder: Path, sample: str) -> Path:
    lines = []
    with gzip.open(demo_dir() / "demo.vcf.gz", "rt") as handle:
        for line in handle:
            if line.startswith("#CHROM"):
                # GATK HaplotypeCaller's header lines for these fields
                lines.append('##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt '
                             'alleles in the order listed">\n')
                lines.append('##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth (reads with '
                             'MQ=255 or with bad mates are filtered)">\n')
                lines.append('##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype Quality">\n')
            fields = line.rstrip("\n").split("\t")
            if not line.startswith("#") and "SPIKED" in fields[7]:
                fields[8], fields[9] = ("GT:AD:DP:GQ" if sample.count(":") == 3 else "GT:AD"), sample
            lines.append("\t".join(fields) + "\n")
    out = folder / "ab.vcf"
    out.write_text("".join(lines))
    return out


def test_low_balance_pathogenic_call_says_confirm(run_cli: Any, tmp_path: Path) -> None:
    vcf = _spiked(tmp_path, "0/1:37,4")
    r = run_cli("report", "--vcf", vcf, "--no-pdf", "-q", "--outdir", tmp_path / "out")
    assert r.code == 0, r.stderr
    report = Report.model_validate_json((tmp_path / "out" / "report.json").read_text())
    [f] = [f for t in report.genetics.tiers for f in t.findings if f.gene == "SOD1"]
    assert (f.allele_reads, f.total_reads) == (4, 41) and f.allele_balance_flag
    page1 = [s.text for s in report.summary if s.topic == "Genetics" and "SOD1" in s.text]
    assert any("allele balance 0.10" in t and "confirm" in t for t in page1), page1
    html = (tmp_path / "out" / "report.html").read_text()
    assert "4 of 41 reads" in html and "Confirm:" in html
    # FHIR (Genomics Reporting IG): the sample VAF and the allelic read depth of the variant, in a bundle that validates
    from charcot.exports.fhir import validate_bundle

    r = run_cli("export", "fhir", tmp_path / "out" / "report.json", "-o", tmp_path / "bundle.json")
    assert r.code == 0, r.stderr
    bundle = json.loads((tmp_path / "bundle.json").read_text())
    validate_bundle(bundle)
    [obs] = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"
             and e["resource"]["code"]["coding"][0]["code"] == "69548-6"
             and any(c.get("valueCodeableConcept", {}).get("coding", [{}])[0].get("display") == "SOD1"
                     for c in e["resource"]["component"])]
    values = {c["code"]["coding"][0]["code"]: c.get("valueQuantity") for c in obs["component"]}
    assert values["81258-6"]["value"] == round(4 / 41, 4) and values["82121-5"]["value"] == 4
    r = run_cli("interpret", vcf, "-o", tmp_path / "f.json")
    data = json.loads((tmp_path / "f.json").read_text())
    [g] = [g for g in data["findings"] if g["gene"] == "SOD1" and g["reportable"]]
    assert (g["allele_reads"], g["total_reads"]) == (4, 41) and g["allele_balance_flag"].startswith("allele balance")
    table = run_cli("interpret", vcf).stdout
    assert "confirm SOD1 " in table and "allele balance 0.10 (4 of 41 reads)" in table
    tsv = run_cli("interpret", vcf, "--format", "tsv").stdout.splitlines()
    head = tsv[0].split("\t")
    row = next(x.split("\t") for x in tsv[1:] if "\tSOD1\t" in x and "c.14C>T" in x)
    assert (row[head.index("alt_reads")], row[head.index("total_reads")]) == ("4", "41")
    assert "allele balance 0.10" in row[head.index("notes")]


@pytest.mark.parametrize("sample", ["0/1:20,21", "0/1"])
def test_balanced_or_no_ad_is_not_flagged(run_cli: Any, tmp_path: Path, sample: str) -> None:
    vcf = _spiked(tmp_path, sample)
    r = run_cli("interpret", vcf, "-o", tmp_path / "f.json")
    assert r.code == 0, r.stderr
    [g] = [g for g in json.loads((tmp_path / "f.json").read_text())["findings"] if g["gene"] == "SOD1" and g["reportable"]]
    assert g["allele_balance_flag"] is None
    assert g["total_reads"] == (41 if sample.endswith(",21") else None)


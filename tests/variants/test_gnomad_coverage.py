"""PM2 "absent from gnomAD" only where gnomAD covered the position (issue 13): gnomAD's per-base coverage summary
(real gnomAD v2 genomes rows, tests/data/variants/resources/SOURCES.md) moved to an ALS-gene position at run time;
gnomAD v2.1 exomes sites VCF with its real GRCh37 header; the patient's SOD1 missense carries a VEP CSQ annotation in
the real VEP v104 header."""

from __future__ import annotations

import gzip
from pathlib import Path

import pysam
import pytest

from charcot.model import Build
from charcot.variants.api import interpret
from charcot.variants.model import VariantFinding

from .resourcebuild import RES, gnomad_vcf
from .vcfbuild import Rec, csq_value, exon, mane, write_vcf

COVERAGE = RES / "gnomad.genomes.coverage.summary.chr1-subset.tsv.bgz"


def _coverage_rows() -> tuple[list[str], list[list[str]]]:
    with gzip.open(COVERAGE, "rt") as handle:
        header = handle.readline().rstrip("\n").split("\t")
        rows = [line.rstrip("\n").split("\t") for line in handle]
    return header, rows


def _coverage_at(path: Path, chrom: str, positions: list[int], median: int, indexed: bool) -> Path:
    """A coverage summary whose rows at ``positions`` carry the values of a real row with that median depth."""
    header, rows = _coverage_rows()
    values = next(r for r in rows if int(r[3]) == median)
    lines = ["\t".join(header)] + ["\t".join([chrom, str(p), *values[2:]]) for p in sorted(positions)]
    plain = path.with_suffix("")
    plain.write_text("\n".join(lines) + "\n")
    pysam.tabix_compress(str(plain), str(path), force=True)
    plain.unlink()
    if indexed:  # as gnomAD v2 is indexed: tabix -s1 -b2 -e2 -S1
        pysam.tabix_index(str(path), seq_col=0, start_col=1, end_col=1, line_skip=1, force=True)
    return path


def _case(tmp_path: Path) -> tuple[Path, Path, str, int]:
    chrom, start, _end, _ = exon("SOD1", 4)
    pos = start + 5
    tx = mane("SOD1")
    csq = csq_value(Allele="T", Consequence="missense_variant", IMPACT="MODERATE", SYMBOL="SOD1",
                    Feature_type="Transcript", Feature=tx, BIOTYPE="protein_coding", HGVSc=f"{tx}:c.300G>T",
                    HGVSp="ENSP00000270142.6:p.Leu100Phe", Protein_position="100")
    vcf = write_vcf(tmp_path / "p.vcf.gz", [Rec(chrom, pos, "G", "T", info={"CSQ": csq})], csq=True)
    # gnomAD has records beside this allele (the file reaches it: resources.NEAR), not the allele itself
    gnomad = gnomad_vcf(tmp_path / "g.vcf.bgz", [(chrom, pos + 20, "C", "T", {"AF": 0.0001, "AN": 250000})],
                        build=Build.GRCh37)
    return vcf, gnomad, chrom, pos


def _one(findings: list[VariantFinding]) -> VariantFinding:
    (f,) = [f for f in findings if f.gene == "SOD1"]
    return f


def _pm2(f: VariantFinding) -> bool:
    return any(e.criterion == "PM2" and e.applied for e in f.evidence)


@pytest.mark.parametrize("indexed", [True, False])
def test_absent_where_gnomad_coverage_is_low_is_not_assessed(tmp_path: Path, indexed: bool) -> None:
    # before: PM2 "absent from the population data consulted" at a position where gnomAD's median depth is 1
    vcf, gnomad, chrom, pos = _case(tmp_path)
    cov = _coverage_at(tmp_path / "cov.tsv.bgz", chrom, [pos - 1, pos, pos + 1], median=1, indexed=indexed)
    f = _one(interpret(vcf, gnomad=gnomad, gnomad_coverage=cov).findings)
    assert not _pm2(f) and not f.frequencies.searched
    assert f.frequencies.not_covered is not None and "median depth 1" in f.frequencies.not_covered
    assert any("population frequency not assessed" in n for n in f.notes)


def test_absent_where_gnomad_covers_the_position_is_pm2_and_says_so(tmp_path: Path) -> None:
    vcf, gnomad, chrom, pos = _case(tmp_path)
    cov = _coverage_at(tmp_path / "cov.tsv.bgz", chrom, [pos], median=33, indexed=True)
    f = _one(interpret(vcf, gnomad=gnomad, gnomad_coverage=cov).findings)
    pm2 = next(e for e in f.evidence if e.criterion == "PM2" and e.applied)
    assert "gnomAD coverage checked" in pm2.reason and "median depth 33" in pm2.reason


def test_position_missing_from_the_coverage_file_is_not_assessed(tmp_path: Path) -> None:
    # a coverage file of another region (gnomAD lists the bases it called): no row, no claim of absence
    vcf, gnomad, chrom, pos = _case(tmp_path)
    cov = _coverage_at(tmp_path / "cov.tsv.bgz", chrom, [pos + 1000], median=33, indexed=True)
    f = _one(interpret(vcf, gnomad=gnomad, gnomad_coverage=cov).findings)
    assert not _pm2(f) and "has no row" in (f.frequencies.not_covered or "")


def test_without_a_coverage_file_pm2_says_coverage_was_not_checked(tmp_path: Path) -> None:
    vcf, gnomad, _chrom, _pos = _case(tmp_path)
    f = _one(interpret(vcf, gnomad=gnomad).findings)
    pm2 = next(e for e in f.evidence if e.criterion == "PM2" and e.applied)
    assert "coverage was not checked" in pm2.reason


def test_a_coverage_file_without_its_header_is_a_clear_error(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    vcf, gnomad, chrom, pos = _case(tmp_path)
    _header, rows = _coverage_rows()
    bad = tmp_path / "cov.tsv.bgz"
    plain = tmp_path / "cov.tsv"
    plain.write_text("\t".join([chrom, str(pos), *rows[0][2:]]) + "\n")  # as a tabix cut prints it: no header
    pysam.tabix_compress(str(plain), str(bad), force=True)
    res = run_cli("interpret", vcf, "--gnomad", gnomad, "--gnomad-coverage", bad, "-o", tmp_path / "o.json")
    assert res.code == 2 and "Traceback" not in res.stderr and "no header" in res.stderr
    assert not (tmp_path / "o.json").exists()


def test_the_report_passes_the_coverage_file_and_names_it(tmp_path: Path) -> None:
    # charcot report --gnomad-coverage: the same PM2 decision as interpret, and the file in the provenance
    from charcot.report.build import CaseInputs, build_report

    vcf, gnomad, chrom, pos = _case(tmp_path)
    cov = _coverage_at(tmp_path / "cov.tsv.bgz", chrom, [pos], median=1, indexed=True)
    report = build_report(CaseInputs(vcf=vcf, gnomad=gnomad, gnomad_coverage=cov))
    findings = [f for t in report.genetics.tiers for f in t.findings if f.gene == "SOD1"]
    assert findings and not any(e.criterion == "PM2" and e.applied for f in findings for e in f.evidence)
    assert "cov.tsv.bgz" in {i.path for i in report.header.inputs}


def test_bundle_keeps_the_coverage_summary_near_exons_and_interpret_reads_it(tmp_path: Path) -> None:
    # the bundle's gnomAD coverage is cut to the gnomAD region set (exons +- 100 bp) with the columns read
    from charcot.variants.bundle import Bundle, build_bundle

    vcf, gnomad, chrom, pos = _case(tmp_path)
    _c3, _s3, end3, _ = exon("SOD1", 3)
    deep = end3 + 500  # intronic, outside the kept regions
    cov = _coverage_at(tmp_path / "cov.tsv.bgz", chrom, [pos - 1, pos, deep], median=1, indexed=True)
    out = tmp_path / "b"
    build_bundle(out, Build.GRCh37, gnomad=[gnomad], gnomad_coverage=cov)
    (entry,) = [e for e in Bundle(out).manifest.resources if e.kind == "gnomad_coverage"]
    assert entry.records == 2 and entry.covers == "gnomad" and entry.fields == ["chrom", "pos", "median", "over_10"]
    f = _one(interpret(vcf, resources=out).findings)  # median depth 1 there: absence not shown
    assert not _pm2(f) and "median depth 1" in (f.frequencies.not_covered or "")
    cov33 = _coverage_at(tmp_path / "cov33.tsv.bgz", chrom, [pos], median=33, indexed=False)
    build_bundle(out, Build.GRCh37, gnomad=[gnomad], gnomad_coverage=cov33)
    f = _one(interpret(vcf, resources=out).findings)
    assert "gnomAD coverage checked" in next(e for e in f.evidence if e.criterion == "PM2" and e.applied).reason


def test_bundle_refuses_a_coverage_file_with_an_unreadable_index_clearly(tmp_path: Path) -> None:
    # a stale or corrupt .tbi next to the coverage file: an InputError naming the file, not a pysam traceback
    from charcot.errors import InputError
    from charcot.variants.bundle import build_bundle

    _vcf, gnomad, chrom, pos = _case(tmp_path)
    cov = _coverage_at(tmp_path / "cov.tsv.bgz", chrom, [pos], median=33, indexed=False)
    Path(str(cov) + ".tbi").write_bytes(b"not an index")
    with pytest.raises(InputError, match="index cannot be read"):
        build_bundle(tmp_path / "b", Build.GRCh37, gnomad=[gnomad], gnomad_coverage=cov)


def test_interpret_refuses_a_coverage_file_with_an_unreadable_index_clearly(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    vcf, gnomad, chrom, pos = _case(tmp_path)
    cov = _coverage_at(tmp_path / "cov.tsv.bgz", chrom, [pos], median=33, indexed=False)
    Path(str(cov) + ".tbi").write_bytes(b"not an index")
    res = run_cli("interpret", vcf, "--gnomad", gnomad, "--gnomad-coverage", cov, "-o", tmp_path / "o.json")
    assert res.code == 2 and "Traceback" not in res.stderr and "index cannot be read" in res.stderr

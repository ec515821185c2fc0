"""Annotation resources meeting real-world naming and coverage differences (reviewer probe, issue: resources).

Real release headers (ClinVar's clinvar.vcf.gz, gnomAD v4.0 exomes; tests/data/variants/resources/SOURCES.md) and real
htslib indexes: ClinVar names chromosomes "1".."22", "X", "MT", gnomAD v4 "chr1"; the patient's GRCh38 VCF "chr21".
A resource that cannot speak for a position leaves it "not assessed", never "not in ClinVar" / "absent"; an index that
cannot be read, or no longer matches its data, is a clear error (exit 2), never an empty answer."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from charcot.genome.normalise import trim
from charcot.model import Build
from charcot.variants.api import interpret

from .resourcebuild import clinvar_vcf, gnomad_vcf
from .vcfbuild import Rec, exon, write_vcf

REVIEWED = {"CLNSIG": "Pathogenic", "CLNREVSTAT": "criteria_provided,_multiple_submitters,_no_conflicts"}


def _patient(tmp_path: Path) -> tuple[Path, str, int]:
    chrom, start, _end, _ = exon("SOD1", 4, Build.GRCh38)
    vcf = write_vcf(tmp_path / "p.vcf.gz", [Rec(chrom, start + 5, "G", "T"), Rec(chrom, start + 9, "A", "G")],
                    build=Build.GRCh38)  # GRCh38 header and records named chr21
    return vcf, chrom, start


def _at(result, pos: int):  # type: ignore[no-untyped-def]
    (f,) = [f for f in result.findings if f.pos == pos]
    return f


def test_clinvar_file_without_the_chromosome_is_not_assessed_never_not_in_clinvar(tmp_path: Path) -> None:
    from charcot.report.build import _finding

    vcf, _chrom, start = _patient(tmp_path)
    # a ClinVar subset of chromosome 1 only (ClinVar's own naming, no "chr")
    cv = clinvar_vcf(tmp_path / "clinvar.chr1.vcf.gz", [("1", 1000000, "C", "T", "900001", REVIEWED)])
    result = interpret(vcf, clinvar=cv)
    f = _at(result, start + 5)
    assert f.clinvar is None and f.clinvar_searched is None
    assert f.clinvar_not_covered is not None and "chromosome 21" in f.clinvar_not_covered
    assert any("ClinVar not assessed" in n for n in f.notes)
    (item,) = [n for n in result.not_assessed if n.what.startswith("ClinVar")]
    assert "SOD1" in item.what and "PS1/PM5" in item.what
    shown = _finding(f).clinvar
    assert shown is not None and shown.startswith("not assessed") and "not listed" not in shown


def test_clinvar_named_without_chr_matches_a_chr_prefixed_patient_and_says_absent_only_where_it_looked(
        tmp_path: Path) -> None:
    from charcot.report.build import _finding

    vcf, chrom, start = _patient(tmp_path)
    cv = clinvar_vcf(tmp_path / "clinvar.vcf.gz", [(chrom, start + 5, "G", "T", "900002", REVIEWED)])
    result = interpret(vcf, clinvar=cv)
    hit, other = _at(result, start + 5), _at(result, start + 9)
    assert hit.clinvar is not None and hit.clinvar.variation_id == "900002" and hit.clinvar.stars == 2
    assert other.clinvar is None and other.clinvar_not_covered is None
    assert other.clinvar_searched is not None and "clinvar.vcf.gz" in other.clinvar_searched
    assert _finding(other).clinvar == f"not listed (searched {other.clinvar_searched})"
    assert not [n for n in result.not_assessed if n.what.startswith("ClinVar")]


def test_mitochondrial_names_chrM_and_MT_meet(tmp_path: Path) -> None:
    from charcot.variants.resources import ClinVarResource, GnomadResource

    # gnomAD (GRCh38) writes chrM, ClinVar writes MT: both are read as charcot's "MT"
    g = GnomadResource(gnomad_vcf(tmp_path / "g.vcf.bgz", [("M", 3243, "A", "G", {"AC": "12", "AN": "56000"})]))
    assert g.covered == {"MT"}
    assert g.frequencies("MT", trim(3243, "A", "G")).ac == 12
    cv = ClinVarResource(clinvar_vcf(tmp_path / "cv.vcf.gz", [("MT", 3243, "A", "G", "900003", REVIEWED)]))
    hit = cv.assertion("MT", trim(3243, "A", "G"))
    assert hit is not None and hit.variation_id == "900003"


def test_multiallelic_resource_records_and_unnormalised_patient_alleles_are_matched(tmp_path: Path) -> None:
    from charcot.variants.resources import ClinVarResource, GnomadResource

    g = GnomadResource(gnomad_vcf(tmp_path / "g.vcf.bgz", [
        ("21", 1000, "G", "T,C", {"AC": "10,20", "AN": "1000"}),
        ("21", 2000, "CAA", "C", {"AC": "30", "AN": "1000"})]))
    assert g.frequencies("21", trim(1000, "G", "T")).ac == 10
    assert g.frequencies("21", trim(1000, "GA", "CA")).ac == 20  # padded patient allele, the second resource ALT
    assert g.frequencies("21", trim(2001, "AAA", "A")).ac == 30  # the same deletion written one base to the right
    cv = ClinVarResource(clinvar_vcf(tmp_path / "cv.vcf.gz", [("21", 1000, "G", "C", "2", REVIEWED)]))
    assert cv.assertion("21", trim(1000, "G", "T")) is None
    assert cv.assertion("21", trim(1000, "G", "C")) is not None


def _replace_data_keep_index(old: Path, new: Path) -> Path:
    """``new``'s data copied over ``old`` keeping ``old``'s index (a newer release copied in place, index not rebuilt)."""
    index = Path(str(old) + ".tbi")
    shutil.copyfile(new, old)
    when = old.stat().st_mtime - 3600
    os.utime(index, (when, when))
    return old


@pytest.mark.parametrize("role", ["clinvar", "gnomad"])
def test_a_resource_index_older_than_its_data_that_no_longer_matches_is_refused(tmp_path: Path, run_cli,  # type: ignore[no-untyped-def]
                                                                              role: str) -> None:
    vcf, chrom, start = _patient(tmp_path)
    if role == "clinvar":
        old = clinvar_vcf(tmp_path / "clinvar.vcf.gz", [("1", 1000000, "C", "T", "900001", REVIEWED),
                                                        ("2", 1000, "C", "T", "1", REVIEWED)])
        new = clinvar_vcf(tmp_path / "new.vcf.gz", [(chrom, start + 5, "G", "T", "900002", REVIEWED)])
    else:
        old = gnomad_vcf(tmp_path / "gnomad.vcf.bgz", [("1", 1000, "C", "T", {"AC": "1", "AN": "1000"}),
                                                       ("2", 1000, "C", "T", {"AC": "1", "AN": "1000"})])
        new = gnomad_vcf(tmp_path / "new.vcf.bgz", [(chrom, start + 5, "G", "T", {"AC": "400", "AN": "1000"})])
    stale = _replace_data_keep_index(old, new)
    out = tmp_path / "out.json"
    proc = run_cli("interpret", str(vcf), f"--{role}", str(stale), "-o", str(out))
    assert proc.code == 2, proc.stderr
    assert "older than the data file" in proc.stderr and "tabix -f -p vcf" in proc.stderr
    assert "Traceback" not in proc.stderr and not out.exists()


@pytest.mark.parametrize("damage", [b"", b"not an index\n"])
def test_a_damaged_or_empty_resource_index_is_an_error_not_an_empty_answer(tmp_path: Path, run_cli,  # type: ignore[no-untyped-def]
                                                                           damage: bytes) -> None:
    vcf, chrom, start = _patient(tmp_path)
    cv = clinvar_vcf(tmp_path / "clinvar.vcf.gz", [(chrom, start + 5, "G", "T", "900002", REVIEWED)])
    Path(str(cv) + ".tbi").write_bytes(damage)
    out = tmp_path / "out.json"
    proc = run_cli("interpret", str(vcf), "--clinvar", str(cv), "-o", str(out))
    assert proc.code == 2, proc.stderr
    assert "clinvar.vcf.gz.tbi cannot be read" in proc.stderr and ("empty" if not damage else "damaged") in proc.stderr
    assert "Traceback" not in proc.stderr and not out.exists()


def test_a_gnomad_v2_coverage_summary_is_refused_for_a_grch38_patient_and_bundle(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    # gnomAD v2's coverage summary (real rows; GRCh37, chromosomes "1".., a `median` column) names no build; its depth
    # at a GRCh38 position describes another base, so "covered, absent: PM2" would rest on the wrong evidence
    from charcot.errors import InputError
    from charcot.variants.bundle import build_bundle

    from .test_gnomad_coverage import _coverage_at

    vcf, chrom, start = _patient(tmp_path)
    c2, s2, _e2, _ = exon("SOD1", 2, Build.GRCh38)
    gnomad = gnomad_vcf(tmp_path / "g.vcf.bgz", [(c2, s2 + 3, "C", "T", {"AC": "2", "AN": "250000"})])
    cov = _coverage_at(tmp_path / "cov.tsv.bgz", chrom, [start + 5, start + 9], median=33, indexed=True)
    out = tmp_path / "out.json"
    proc = run_cli("interpret", str(vcf), "--gnomad", str(gnomad), "--gnomad-coverage", str(cov), "-o", str(out))
    assert proc.code == 2, proc.stderr
    assert "coverage file is GRCh37" in proc.stderr and "GRCh38" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists()
    with pytest.raises(InputError, match=r"coverage file is GRCh37 .* the bundle"):
        build_bundle(tmp_path / "b", Build.GRCh38, gnomad=[gnomad], gnomad_coverage=cov)
    # (the same file for a GRCh37 patient: tests/variants/test_gnomad_coverage.py)


def test_findings_json_names_the_release_of_each_resource_file(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    import json

    from .resourcebuild import GNOMAD_V4

    vcf, chrom, start = _patient(tmp_path)
    cv = clinvar_vcf(tmp_path / "clinvar.vcf.gz", [(chrom, start + 5, "G", "T", "900002", REVIEWED)],
                     file_date="2020-03-02")
    out = tmp_path / "out.json"
    proc = run_cli("interpret", str(vcf), "--clinvar", str(cv), "--gnomad", str(GNOMAD_V4), "-o", str(out))
    assert proc.code == 0, proc.stderr
    releases = {i["role"]: i["release"] for i in json.loads(out.read_text())["provenance"]["inputs"]}
    assert releases == {"vcf": None, "clinvar": "2020-03-02", "gnomad": "v4.0"}


@pytest.mark.parametrize("role", ["clinvar", "gnomad"])
def test_resources_build_refuses_a_source_whose_index_no_longer_matches(tmp_path: Path, role: str) -> None:
    # the bundle cuts its sources through their index: a stale one would leave records out of the bundle, read in
    # every later run as "not in ClinVar" / "absent from gnomAD"
    from charcot.errors import InputError
    from charcot.variants.bundle import build_bundle

    _vcf, chrom, start = _patient(tmp_path)
    if role == "clinvar":
        old = clinvar_vcf(tmp_path / "clinvar.vcf.gz", [("1", 1000000, "C", "T", "900001", REVIEWED)])
        new = clinvar_vcf(tmp_path / "new.vcf.gz", [(chrom, start + 5, "G", "T", "900002", REVIEWED)])
    else:
        old = gnomad_vcf(tmp_path / "gnomad.vcf.bgz", [("1", 1000, "C", "T", {"AC": "1", "AN": "1000"})])
        new = gnomad_vcf(tmp_path / "new.vcf.bgz", [(chrom, start + 5, "G", "T", {"AC": "400", "AN": "1000"})])
    stale = _replace_data_keep_index(old, new)
    given = {"clinvar": stale} if role == "clinvar" else {"gnomad": [stale]}
    with pytest.raises(InputError, match="older than the data file"):
        build_bundle(tmp_path / "b", Build.GRCh38, **given)  # type: ignore[arg-type]
    assert not (tmp_path / "b").exists()


def test_a_coverage_summary_of_other_chromosomes_says_so(tmp_path: Path) -> None:
    # gnomAD's real v2 coverage rows of chromosome 1 only (as a per-chromosome cut), a SOD1 (chromosome 21) allele
    # absent from gnomAD: not assessed because the file has no rows there, not because gnomAD "did not call" the base
    from .test_gnomad_coverage import COVERAGE, _case

    vcf, gnomad, _chrom, pos = _case(tmp_path)
    f = _at(interpret(vcf, gnomad=gnomad, gnomad_coverage=COVERAGE), pos)
    assert not f.frequencies.searched and not any(e.criterion == "PM2" and e.applied for e in f.evidence)
    assert f.frequencies.not_covered is not None and "no rows on chromosome 21" in f.frequencies.not_covered


def _annotate(vcf: Path, gnomad: Path, out: Path) -> Path:
    """The patient's VCF annotated from a gnomAD sites VCF by bcftools annotate, as a lab's pipeline does."""
    import subprocess

    import pysam

    subprocess.run(["bcftools", "annotate", "--no-version", "-a", str(gnomad), "-c",
                    "INFO/AF_grpmax_joint,INFO/fafmax_faf95_max_joint,INFO/AN_joint", "-Oz", "-o", str(out), str(vcf)],
                   check=True, capture_output=True)
    pysam.tabix_index(str(out), preset="vcf", force=True)
    return out


def test_a_vcf_annotated_from_gnomad_that_did_not_reach_its_chromosome_is_not_absent(tmp_path: Path) -> None:
    # bcftools annotate with gnomAD's real v4.0 exomes excerpt (chromosome 1 only: a per-chromosome release file) adds
    # gnomAD's INFO definitions and annotates none of the patient's chromosome 21 records, silently; the six SOD1
    # alleles then carry empty gnomAD fields, which used to read as "absent from gnomAD" (PM2)
    from .resourcebuild import GNOMAD_V4

    chrom, start, _end, _ = exon("SOD1", 4, Build.GRCh38)
    calls = [Rec(chrom, start + k, "G", "T") for k in range(1, 7)]
    unreached = _annotate(write_vcf(tmp_path / "p.vcf.gz", calls, build=Build.GRCh38), GNOMAD_V4,
                          tmp_path / "annotated.vcf.gz")
    result = interpret(unreached)
    for f in (f for f in result.findings if f.gene == "SOD1"):
        assert not f.frequencies.searched and not any(e.criterion == "PM2" and e.applied for e in f.evidence)
        assert f.frequencies.not_covered is not None and "did not reach this chromosome" in f.frequencies.not_covered
    assert any("population frequency" in n.what and "SOD1" in n.what for n in result.not_assessed)

    # the same pipeline with a gnomAD file that covers chromosome 21: one allele annotated, the others absent (PM2
    # stays possible), read as before
    g = gnomad_vcf(tmp_path / "g.vcf.bgz", [(chrom, start + 1, "G", "T", {"AF_grpmax_joint": "0.02", "AN_joint": "1500000",
                                                                          "fafmax_faf95_max_joint": "0.018"})])
    reached = _annotate(write_vcf(tmp_path / "p2.vcf.gz", calls, build=Build.GRCh38), g, tmp_path / "annotated2.vcf.gz")
    found = {f.pos: f.frequencies for f in interpret(reached).findings if f.gene == "SOD1"}
    assert found[start + 1].grpmax_af == pytest.approx(0.02)
    assert all(fr.searched and fr.not_covered is None for p, fr in found.items() if p != start + 1)


def test_absent_from_a_gnomad_exomes_file_is_not_absent_deep_in_an_intron(tmp_path: Path) -> None:
    # gnomAD's v4 exomes release (its real header: the capture-region flags gnomAD writes for exomes only) covers
    # SOD1's exons; an intronic allele 300 bp from the exon is outside the exome capture, so its absence says nothing
    chrom, _start, end, _ = exon("SOD1", 1, Build.GRCh38)
    c4, s4, _e4, _ = exon("SOD1", 4, Build.GRCh38)
    exomes = gnomad_vcf(tmp_path / "gnomad.exomes.v4.0.sites.chr21.vcf.bgz",
                        [(c4, s4 + 3, "C", "T", {"AC_joint": "3", "AN_joint": "1500000"})])
    vcf = write_vcf(tmp_path / "p.vcf.gz", [Rec(chrom, end + 300, "G", "T"), Rec(c4, s4 + 5, "G", "T")],
                    build=Build.GRCh38)
    result = interpret(vcf, gnomad=exomes)
    deep, coding = _at(result, end + 300), _at(result, s4 + 5)
    assert not deep.frequencies.searched and not any(e.criterion == "PM2" and e.applied for e in deep.evidence)
    assert deep.frequencies.not_covered is not None and "exome" in deep.frequencies.not_covered
    assert coding.frequencies.searched and coding.frequencies.dataset == "exomes"  # inside the capture: absent


def test_a_clinvar_bcf_with_its_csi_index_is_read(tmp_path: Path) -> None:
    # bcftools writes a BCF's CSI index over every contig of the header; charcot reads the contigs with records
    import subprocess

    from charcot.variants.resources import GnomadResource

    from .resourcebuild import GNOMAD_V2_37

    vcf, chrom, start = _patient(tmp_path)
    cv = clinvar_vcf(tmp_path / "clinvar.vcf.gz", [(chrom, start + 5, "G", "T", "900002", REVIEWED)])
    bcf = tmp_path / "clinvar.bcf"
    subprocess.run(["bcftools", "view", "-Ob", "-o", str(bcf), str(cv)], check=True, capture_output=True)
    subprocess.run(["bcftools", "index", str(bcf)], check=True, capture_output=True)
    result = interpret(vcf, clinvar=bcf)
    hit = _at(result, start + 5)
    assert hit.clinvar is not None and hit.clinvar.variation_id == "900002"
    # gnomAD v2's header declares 1..22, X, Y: its BCF index names them all, records are on chromosome 1 only
    g = tmp_path / "gnomad.bcf"
    subprocess.run(["bcftools", "view", "-Ob", "-o", str(g), str(GNOMAD_V2_37)], check=True, capture_output=True)
    subprocess.run(["bcftools", "index", str(g)], check=True, capture_output=True)
    assert GnomadResource(g).covered == {"1"}


def test_an_alphamissense_table_of_the_other_build_is_refused_by_resources_build(tmp_path: Path) -> None:
    # AlphaMissense's real hg38 release head (its genome column says hg38 on every row) for a GRCh37 bundle: its
    # scores would be attached to other bases at the same positions
    from charcot.errors import InputError
    from charcot.variants.bundle import build_bundle

    from .resourcebuild import RES

    am = RES / "scores" / "AlphaMissense_hg38.head.tsv"
    with pytest.raises(InputError, match=r"AlphaMissense file is GRCh38 \(its genome column says hg38\)"):
        build_bundle(tmp_path / "b37", Build.GRCh37, scores={"alphamissense": am}, regions=[("1", 69000, 70000)])
    m = build_bundle(tmp_path / "b38", Build.GRCh38, scores={"alphamissense": am}, regions=[("1", 69000, 70000)])
    assert [e.records for e in m.resources] == [4]


def test_a_cadd_table_whose_first_line_names_the_other_build_is_refused(tmp_path: Path) -> None:
    # CADD names its build on the first line from v1.4 on; the real v1.6 GRCh37 line over the real v1.3 rows
    from charcot.errors import InputError
    from charcot.variants.bundle import build_bundle

    from .resourcebuild import RES

    lines = (RES / "scores" / "cadd-v1.3-1000G_phase3.head.tsv").read_text().splitlines()
    cadd = tmp_path / "whole_genome_SNVs.GRCh37.tsv"
    cadd.write_text("\n".join(["## CADD GRCh37-v1.6 (c) University of Washington, Hudson-Alpha Institute for "
                               "Biotechnology and Berlin Institute of Health 2013-2019. All rights reserved.",
                               *lines[1:]]) + "\n")
    with pytest.raises(InputError, match="CADD file is GRCh37"):
        build_bundle(tmp_path / "b38", Build.GRCh38, scores={"cadd": cadd}, regions=[("1", 10000, 40000)])
    m = build_bundle(tmp_path / "b37", Build.GRCh37, scores={"cadd": cadd}, regions=[("1", 10000, 40000)])
    assert [e.records for e in m.resources] == [5]


def test_a_coverage_summary_whose_index_does_not_match_it_is_refused(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    # gnomAD's real v2 coverage rows; the index of another cut kept beside this one would find no row anywhere, and
    # every absent allele would read as "not covered" with a wrong reason
    from .test_gnomad_coverage import _case, _coverage_at

    vcf, gnomad, chrom, pos = _case(tmp_path)
    other = _coverage_at(tmp_path / "other.tsv.bgz", "1", [1000, 2000], median=33, indexed=True)
    cov = _coverage_at(tmp_path / "cov.tsv.bgz", chrom, [pos], median=33, indexed=False)
    shutil.copyfile(str(other) + ".tbi", str(cov) + ".tbi")
    out = tmp_path / "out.json"
    proc = run_cli("interpret", str(vcf), "--gnomad", str(gnomad), "--gnomad-coverage", str(cov), "-o", str(out))
    assert proc.code == 2 and "does not match it" in proc.stderr and "tabix -f -s1 -b2 -e2 -S1" in proc.stderr
    assert "Traceback" not in proc.stderr and not out.exists()


def test_the_clinvar_not_assessed_item_names_every_chromosome_the_file_lacks(tmp_path: Path) -> None:
    """Variants on chromosomes 21 (SOD1) and 16 (FUS), a ClinVar subset of chromosome 1: the item says why for both."""
    sod1, fus = exon("SOD1", 4, Build.GRCh38), exon("FUS", 5, Build.GRCh38)
    vcf = write_vcf(tmp_path / "p.vcf.gz", [Rec(fus[0], fus[1] + 5, "G", "T"), Rec(sod1[0], sod1[1] + 5, "G", "T")],
                    build=Build.GRCh38)
    cv = clinvar_vcf(tmp_path / "clinvar.chr1.vcf.gz", [("1", 1000000, "C", "T", "900001", REVIEWED)])
    result = interpret(vcf, clinvar=cv)
    (item,) = [n for n in result.not_assessed if n.what.startswith("ClinVar")]
    assert "FUS" in item.what and "SOD1" in item.what
    assert "chromosome 16" in item.reason and "chromosome 21" in item.reason

"""Population frequency and resource checks: gnomAD FAF/grpmax as gnomAD defines them, never VEP MAX_AF;
a resource that does not cover a position is "not assessed", never "absent"; a resource of the other build
is refused (issues 12 and 13)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from charcot.errors import InputError
from charcot.model import AcmgClass, Build
from charcot.variants.api import interpret

from .resourcebuild import (
    GNOMAD_V2_37,
    GNOMAD_V4,
    clinvar_vcf,
    gnomad_vcf,
    sod1_missense_vcf,
    vep_csq,
    vep_csq_header,
)
from .vcfbuild import Rec, exon, mane, write_vcf


def _sod1(result):  # type: ignore[no-untyped-def]
    (f,) = [f for f in result.findings if f.gene == "SOD1"]
    return f


def test_vep_max_af_is_never_read_as_grpmax(tmp_path: Path) -> None:
    # a SOD1 missense seen once: MAX_AF 6e-5 (1000G/ESP/gnomAD maximum) is above SOD1's BS1 (2.9e-5), but
    # gnomAD itself has it at 1.7e-6; before the fix MAX_AF was taken as the grpmax AF -> BS1 -> Likely benign
    vcf = sod1_missense_vcf(tmp_path, {"MAX_AF": "6e-05", "MAX_AF_POPS": "gnomADe_AFR", "gnomADe_AF": "1.7e-06",
                                    "gnomADe_AFR_AF": "6e-05", "gnomADe_NFE_AF": "0"})
    f = _sod1(interpret(vcf))
    assert not [e for e in f.evidence if e.criterion in ("BS1", "BA1") and e.applied]
    assert f.classification not in (AcmgClass.LIKELY_BENIGN, AcmgClass.BENIGN)
    assert "MAX_AF" not in (f.frequencies.source or "")
    # grpmax from the per-group fields of non-bottlenecked groups; without an allele number it cannot give BS1
    assert f.frequencies.grpmax_af == pytest.approx(6e-05) and f.frequencies.af == pytest.approx(1.7e-06)
    assert any("BS1/BA1 not evaluated" in n for n in f.notes)


def test_common_only_in_a_1000g_population_is_not_benign(tmp_path: Path) -> None:
    vcf = sod1_missense_vcf(tmp_path, {"AF": "0.002", "EUR_AF": "0.01", "MAX_AF": "0.01", "MAX_AF_POPS": "EUR"})
    f = _sod1(interpret(vcf))
    assert not [e for e in f.evidence if e.criterion in ("BS1", "BA1") and e.applied]
    assert f.classification not in (AcmgClass.LIKELY_BENIGN, AcmgClass.BENIGN)
    # 1000 Genomes fields are not gnomAD: the annotation's gnomAD fields are empty, so the variant is absent from
    # gnomAD (VEP writes nothing for an allele gnomAD does not have), whatever 1000G says
    assert f.frequencies.af is None and f.frequencies.grpmax_af is None and f.frequencies.searched
    assert "gnomAD" in (f.frequencies.source or "") and "MAX_AF" not in (f.frequencies.source or "")


def test_gnomad_faf95_joint_decides_bs1_and_small_allele_number_does_not(tmp_path: Path) -> None:
    chrom, start, _end, _ = exon("SOD1", 4, Build.GRCh38)
    pos = start + 5
    vcf = write_vcf(tmp_path / "p.vcf.gz", [Rec(chrom, pos, "G", "T")], build=Build.GRCh38)
    # FAF95 (joint) above SOD1's BS1 threshold with a large grpmax allele number: BS1
    high = gnomad_vcf(tmp_path / "high.vcf.bgz", [(chrom, pos, "G", "T", {
        "AF": "1e-4", "AN": "1400000", "AF_grpmax": "2e-4", "AN_grpmax": "36000", "fafmax_faf95_max": "1e-4",
        "AF_joint": "1e-4", "AN_joint": "1500000", "AF_grpmax_joint": "2e-4", "AN_grpmax_joint": "70000",
        "fafmax_faf95_max_joint": "1.5e-4"})])
    f = _sod1(interpret(vcf, gnomad=high))
    (bs1,) = [e for e in f.evidence if e.criterion == "BS1"]
    assert bs1.applied and "FAF95 (joint exomes+genomes) 0.00015" in bs1.reason
    assert f.frequencies.dataset == "joint" and f.frequencies.grpmax_an == 70000
    # one allele in a group of 500 alleles: grpmax AF 2e-3 but FAF is not defined with AN < 2,000 -> no BS1
    low = gnomad_vcf(tmp_path / "low.vcf.bgz", [(chrom, pos, "G", "T", {
        "AF": "7e-7", "AN": "1400000", "AF_grpmax": "2e-3", "AN_grpmax": "500", "fafmax_faf95_max": "1e-4"})])
    g = _sod1(interpret(vcf, gnomad=low))
    assert not [e for e in g.evidence if e.criterion in ("BS1", "BA1") and e.applied]
    assert any("below 2000" in n for n in g.notes)


def test_gnomad_site_failing_gnomad_qc_gives_no_frequency_evidence(tmp_path: Path) -> None:
    chrom, start, _end, _ = exon("SOD1", 4, Build.GRCh38)
    vcf = write_vcf(tmp_path / "p.vcf.gz", [Rec(chrom, start + 5, "G", "T")], build=Build.GRCh38)
    res = gnomad_vcf(tmp_path / "g.vcf.bgz", [(chrom, start + 5, "G", "T", {"AF": "0.2", "AN": "1000000"})],
                     filters={0: "AC0;AS_VQSR"})
    f = _sod1(interpret(vcf, gnomad=res))
    assert not [e for e in f.evidence if e.criterion in ("BA1", "BS1", "PM2") and e.applied]
    assert f.frequencies.filtered == "AC0;AS_VQSR"


def test_gnomad_file_of_chr1_only_is_not_assessed_elsewhere_never_absent(tmp_path: Path) -> None:
    # the real gnomAD v4.0 exomes excerpt holds chr1 records only; a SOD1 (chr21) variant is not "absent" from it
    chrom, start, _end, _ = exon("SOD1", 4, Build.GRCh38)
    vcf = write_vcf(tmp_path / "p.vcf.gz", [Rec(chrom, start + 5, "G", "T")], build=Build.GRCh38)
    result = interpret(vcf, gnomad=GNOMAD_V4)
    f = _sod1(result)
    assert not [e for e in f.evidence if e.criterion == "PM2"]
    assert f.frequencies.not_covered is not None and "chromosome 21" in f.frequencies.not_covered
    assert not f.frequencies.searched
    assert any("population frequency" in n.what and "SOD1" in n.what for n in result.not_assessed)


def test_real_gnomad_v4_record_is_read_with_joint_fields() -> None:
    from charcot.genome.normalise import trim
    from charcot.variants.resources import GnomadResource

    res = GnomadResource(GNOMAD_V4)
    assert res.build == Build.GRCh38 and res.covered == {"1"}
    freq = res.frequencies("1", trim(55039894, "G", "C"))
    # values of the real record chr1:55039894 G>C (gnomAD v4.0 exomes)
    assert freq.faf95 == pytest.approx(0.000103660) and freq.dataset == "joint"
    assert freq.grpmax_af == pytest.approx(0.000175581) and freq.grpmax_an == 74040 and freq.grpmax_group == "afr"
    assert freq.af == pytest.approx(8.94353e-06) and freq.an == 1565378
    filtered = res.frequencies("1", trim(55039894, "G", "GCTGCTGCTC"))
    assert filtered.filtered == "AC0"


def test_gnomad_grch37_with_grch38_patient_is_refused(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    chrom, start, _end, _ = exon("SOD1", 4, Build.GRCh38)
    vcf = write_vcf(tmp_path / "p.vcf.gz", [Rec(chrom, start + 5, "G", "T")], build=Build.GRCh38)
    with pytest.raises(InputError, match=r"gnomAD file is GRCh37 .*patient's VCF is GRCh38"):
        interpret(vcf, gnomad=GNOMAD_V2_37)
    out = tmp_path / "out.json"
    proc = run_cli("interpret", str(vcf), "--gnomad", str(GNOMAD_V2_37), "-o", str(out))
    assert proc.code == 2 and "GRCh37" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists()


def test_clinvar_of_the_other_build_is_refused(tmp_path: Path) -> None:
    chrom, start, _end, _ = exon("SOD1", 4, Build.GRCh38)
    vcf = write_vcf(tmp_path / "p.vcf.gz", [Rec(chrom, start + 5, "G", "T")], build=Build.GRCh38)
    cv = clinvar_vcf(tmp_path / "clinvar.vcf.gz", [(chrom, start + 5, "G", "T", "1", {
        "CLNSIG": "Pathogenic", "CLNREVSTAT": "criteria_provided,_multiple_submitters,_no_conflicts"})],
        build=Build.GRCh37)
    with pytest.raises(InputError, match="ClinVar file is GRCh37"):
        interpret(vcf, clinvar=cv)


def test_resource_without_a_build_is_refused(tmp_path: Path) -> None:
    import pysam

    chrom, start, _end, _ = exon("SOD1", 4, Build.GRCh38)
    vcf = write_vcf(tmp_path / "p.vcf.gz", [Rec(chrom, start + 5, "G", "T")], build=Build.GRCh38)
    plain = tmp_path / "g.vcf"
    # gnomAD v2/v3 field names (AF_popmax; no v4-only field, no contig lengths, no ##reference): build unknown
    plain.write_text('##fileformat=VCFv4.2\n##INFO=<ID=AF,Number=A,Type=Float,Description="x">\n'
                     '##INFO=<ID=AF_popmax,Number=A,Type=Float,Description="x">\n'
                     f"#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\nchr{chrom}\t{start + 5}\t.\tG\tT\t.\tPASS\tAF=0.1\n")
    gz = tmp_path / "g.vcf.gz"
    pysam.tabix_compress(str(plain), str(gz), force=True)
    pysam.tabix_index(str(gz), preset="vcf", force=True)
    with pytest.raises(InputError, match="cannot tell which genome build"):
        interpret(vcf, gnomad=gz)


def test_exomes_and_genomes_files_are_read_together(tmp_path: Path) -> None:
    from charcot.genome.normalise import trim
    from charcot.variants.resources import GnomadResource, GnomadSet

    chrom, start, _end, _ = exon("SOD1", 4, Build.GRCh38)
    exomes = gnomad_vcf(tmp_path / "e.vcf.bgz", [(chrom, start + 9, "A", "G", {"AF": "0.1", "AN": "100000"})])
    genomes = gnomad_vcf(tmp_path / "g.vcf.bgz", [(chrom, start + 5, "G", "T", {
        "AF": "2e-4", "AN": "150000", "fafmax_faf95_max": "1.5e-4"})])
    both = GnomadSet([GnomadResource(exomes), GnomadResource(genomes)])
    seen = both.frequencies(chrom, trim(start + 5, "G", "T"))
    assert seen.faf95 == pytest.approx(1.5e-4) and "g.vcf.bgz" in (seen.source or "")
    absent = both.frequencies(chrom, trim(start + 6, "C", "T"))
    assert absent.searched and not absent.present and "e.vcf.bgz" in (absent.source or "")


def test_absent_from_gnomad_exomes_is_not_absent_for_a_deep_intronic_variant(tmp_path: Path) -> None:
    chrom, _start, end, _ = exon("SOD1", 1, Build.GRCh38)
    tx = mane("SOD1")
    # VEP --af_gnomade only: the fields are declared but empty for this allele
    csq = vep_csq(Allele="T", Consequence="intron_variant", IMPACT="MODIFIER", SYMBOL="SOD1", Feature_type="Transcript",
                  Feature=tx, BIOTYPE="protein_coding", MANE_SELECT="NM_000454.5", HGVSc=f"{tx}:c.72+300G>T")
    header = vep_csq_header().replace("gnomADg_", "gnomADx_")  # exome fields only, as with --af_gnomade
    header = header.replace("|gnomADx_AF|gnomADx_AFR_AF|gnomADx_AMI_AF|gnomADx_AMR_AF|gnomADx_ASJ_AF|gnomADx_EAS_AF|"
                            "gnomADx_FIN_AF|gnomADx_MID_AF|gnomADx_NFE_AF|gnomADx_OTH_AF|gnomADx_SAS_AF", "")
    fields = header.split("Format: ")[1].rstrip('">').split("|")
    values = dict(zip(vep_csq_header().split("Format: ")[1].rstrip('">').split("|"), csq.split("|"), strict=True))
    vcf = write_vcf(tmp_path / "i.vcf.gz", [Rec(chrom, end + 300, "G", "T", info={
        "CSQ": "|".join(values.get(f, "") for f in fields)})], build=Build.GRCh38, extra_header=[header])
    f = _sod1(interpret(vcf))
    assert not [e for e in f.evidence if e.criterion == "PM2" and e.applied]
    assert f.frequencies.not_covered is not None and "exome" in f.frequencies.not_covered


def test_cli_resources_build_refuses_a_gnomad_file_of_the_other_build(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "bundle"
    res = run_cli("resources", "build", "--outdir", str(out), "--build", "GRCh38", "--gnomad", str(GNOMAD_V2_37))
    assert res.code == 2 and "gnomAD file is GRCh37" in res.stderr and "Traceback" not in res.stderr
    assert not out.exists()
    ok = run_cli("resources", "build", "--outdir", str(out), "--build", "GRCh38", "--gnomad", str(GNOMAD_V4))
    assert ok.code == 0 and (out / "manifest.json").exists() and (out / "gnomad.vcf.gz").exists()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["resources"][0]["version"] == "v4.0" and manifest["resources"][0]["records"] == 0  # no panel
    # only the fields charcot reads are kept (the release declares 583 INFO fields)
    import gzip

    with gzip.open(out / "gnomad.vcf.gz", "rt") as handle:
        infos = [line for line in handle if line.startswith("##INFO")]
    # a release with joint frequencies: the joint fields only (charcot reads those first, never a mix)
    from charcot.variants.bundle import GNOMAD_AF_OF, GNOMAD_KEEP_JOINT

    # (AF fields go too: every record kept - none here - carries their AC and AN, and AF is AC/AN)
    kept = sorted(f for f in GNOMAD_KEEP_JOINT if f not in GNOMAD_AF_OF)
    assert sorted(i.split("ID=")[1].split(",")[0] for i in infos) == kept
    assert sorted(manifest["resources"][0]["fields"]) == sorted(["FILTER", *kept])


def test_joint_frequencies_are_never_mixed_with_exome_only_ones(tmp_path: Path) -> None:
    # defect: with joint AF/AN but no joint FAF (an allele seen twice), the exome-only FAF (0.002, above SOD1's BS1)
    # was read beside the joint AF: one variant's frequency taken from two datasets -> BS1 from the exomes alone
    chrom, start, _end, _ = exon("SOD1", 4, Build.GRCh38)
    pos = start + 5
    vcf = write_vcf(tmp_path / "p.vcf.gz", [Rec(chrom, pos, "G", "T")], build=Build.GRCh38)
    mixed = gnomad_vcf(tmp_path / "mixed.vcf.bgz", [(chrom, pos, "G", "T", {
        "AF": "1.4e-6", "AN": "1400000", "AF_grpmax": "2e-3", "AN_grpmax": "1000", "fafmax_faf95_max": "2e-3",
        "AF_joint": "1.3e-6", "AN_joint": "1538462", "AC_joint": "2", "AF_grpmax_joint": "2e-3",
        "AN_grpmax_joint": "1000", "AC_grpmax_joint": "2"})])
    f = _sod1(interpret(vcf, gnomad=mixed))
    assert f.frequencies.dataset == "joint" and f.frequencies.faf95 is None
    assert not [e for e in f.evidence if e.criterion in ("BS1", "BA1") and e.applied]
    # the bundle keeps the joint fields only and gives the same frequencies as the file itself
    from charcot.variants.bundle import build_bundle

    build_bundle(tmp_path / "b", Build.GRCh38, gnomad=[mixed])
    g = _sod1(interpret(vcf, resources=tmp_path / "b"))
    # (the bundle keeps AC and AN; AF is their ratio, as gnomAD defines it)
    assert g.frequencies.af == pytest.approx(f.frequencies.af, rel=1e-5)
    assert (g.frequencies.faf95, g.frequencies.grpmax_an, g.frequencies.grpmax_af) == (None, 1000, 2e-3)
    # a record without joint values is read from its single-dataset fields, in the file and in the bundle alike
    single = gnomad_vcf(tmp_path / "single.vcf.bgz", [(chrom, pos, "G", "T", {
        "AF": "1.4e-6", "AN": "1400000", "AF_grpmax": "3e-6", "AN_grpmax": "60000", "fafmax_faf95_max": "1e-6"})])
    build_bundle(tmp_path / "b2", Build.GRCh38, gnomad=[single])
    h = _sod1(interpret(vcf, resources=tmp_path / "b2"))
    assert h.frequencies.af == pytest.approx(1.4e-6) and h.frequencies.faf95 == pytest.approx(1e-6)
    assert h.frequencies.dataset is None


def test_filtering_af_reproduces_gnomad_and_defuses_singletons(tmp_path: Path) -> None:
    from charcot.acmg.frequency import filtering_af

    # the real gnomAD v4.0 record chr1:55039894 G>C: AC_grpmax_joint 13 / AN_grpmax_joint 74040 ->
    # fafmax_faf95_max_joint 0.000103660; AC_grpmax 5 / AN_grpmax 32576 -> fafmax_faf95_max 5.98e-05
    assert filtering_af(13, 74040) == pytest.approx(0.000103660, rel=0.01)
    assert filtering_af(5, 32576) == pytest.approx(5.98e-05, rel=0.02)
    # a file without FAF fields: one allele in 2,500 is a grpmax AF of 4e-4 (above SOD1's BS1 of 2.9e-5) but a
    # FAF95 of 2.1e-5: no BS1
    chrom, start, _end, _ = exon("SOD1", 4, Build.GRCh38)
    vcf = write_vcf(tmp_path / "p.vcf.gz", [Rec(chrom, start + 5, "G", "T")], build=Build.GRCh38)
    res = gnomad_vcf(tmp_path / "g.vcf.bgz", [(chrom, start + 5, "G", "T", {
        "AC": "1", "AN": "1400000", "AF": "7e-7", "AC_grpmax": "1", "AN_grpmax": "2500", "AF_grpmax": "4e-4"})])
    f = _sod1(interpret(vcf, gnomad=res))
    assert not [e for e in f.evidence if e.criterion in ("BS1", "BA1") and e.applied]

"""ACMG/AMP classification through interpret() on VCFs built in the test from a real header, with
positions from the knowledge base's derived exon tables and known-variant coordinates."""

from __future__ import annotations

from pathlib import Path

import pytest
from variants.resourcebuild import write_indexed
from variants.vcfbuild import Rec, csq_value, exon, exon_count, known, mane, write_vcf

from charcot.errors import InputError
from charcot.model import AcmgClass, Build, Evidence
from charcot.variants.api import interpret
from charcot.variants.model import VariantFinding, Zygosity


def _one(result_findings: list[VariantFinding], gene: str) -> VariantFinding:
    hits = [f for f in result_findings if f.gene == gene]
    assert len(hits) == 1, [f.key for f in result_findings]
    return hits[0]


def _applied(f: VariantFinding) -> dict[str, Evidence]:
    return {e.criterion: e for e in f.evidence if e.applied}


def _csq(alt: str, gene: str, consequence: str, hgvs_p: str = "", protein_position: str = "",
         hgvs_c: str = "c.1A>T", **extra: str) -> str:
    tx = mane(gene)
    return csq_value(Allele=alt, Consequence=consequence, IMPACT="HIGH", SYMBOL=gene, Feature_type="Transcript",
                     Feature=tx, BIOTYPE="protein_coding", HGVSc=f"{tx}:{hgvs_c}",
                     HGVSp=f"{tx.replace('ENST', 'ENSP')}:{hgvs_p}" if hgvs_p else "",
                     Protein_position=protein_position, **extra)


def _gnomad(tmp_path: Path, rows: list[tuple[str, int, str, str, float]]) -> Path:
    """A gnomAD-style sites VCF (AF, AF_grpmax, fafmax_faf95_max), bgzipped and tabix-indexed."""
    header = ["##fileformat=VCFv4.2", "##reference=GRCh37",
              '##INFO=<ID=AF,Number=A,Type=Float,Description="Alternate allele frequency">',
              '##INFO=<ID=AF_grpmax,Number=A,Type=Float,Description="Maximum allele frequency across groups">',
              '##INFO=<ID=fafmax_faf95_max,Number=A,Type=Float,Description="Filtering allele frequency">',
              *[f"##contig=<ID={c}>" for c in sorted({r[0] for r in rows})],
              "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO"]
    lines = [f"{c}\t{p}\t.\t{r}\t{a}\t.\tPASS\tAF={af};AF_grpmax={af * 1.5:.6g};fafmax_faf95_max={af * 1.2:.6g}"
             for c, p, r, a, af in sorted(rows, key=lambda x: (x[0], x[1]))]
    return write_indexed(tmp_path / "gnomad.vcf.gz", header, lines)


def test_tbk1_truncating_gets_pvs1(tmp_path: Path) -> None:
    chrom, start, _end, _ = exon("TBK1", 5)
    pos = start + 40  # exon 5 of 21: NMD expected
    vcf = write_vcf(tmp_path / "t.vcf.gz", [Rec(chrom, pos, "C", "T", info={"CSQ": _csq(
        "T", "TBK1", "stop_gained", "p.(Arg150Ter)", "150")})], csq=True)
    f = _one(interpret(vcf).findings, "TBK1")
    pvs1 = _applied(f)["PVS1"]
    assert pvs1.strength == "VeryStrong" and pvs1.points == 8
    assert "nonsense-mediated decay" in pvs1.reason
    assert f.transcript == mane("TBK1") and f.hgvs_p and f.hgvs_p.endswith("p.(Arg150Ter)")


def test_sod1_truncating_does_not_get_pvs1(tmp_path: Path) -> None:
    chrom, start, _end, _ = exon("SOD1", 2)
    vcf = write_vcf(tmp_path / "s.vcf.gz", [Rec(chrom, start + 10, "C", "T", info={"CSQ": _csq(
        "T", "SOD1", "stop_gained", "p.(Gln22Ter)", "22")})], csq=True)
    f = _one(interpret(vcf).findings, "SOD1")
    assert "PVS1" not in _applied(f)
    considered = [e for e in f.evidence if e.criterion == "PVS1"]
    assert considered and not considered[0].applied
    assert "loss of function is not the established disease mechanism" in considered[0].reason


def test_fus_c_terminal_frameshift_is_a_gain_of_function_class(tmp_path: Path) -> None:
    last = exon_count("FUS")
    chrom, start, _end, _ = exon("FUS", last)
    vcf = write_vcf(tmp_path / "f.vcf.gz", [Rec(chrom, start + 20, "G", "GA", info={"CSQ": _csq(
        "A", "FUS", "frameshift_variant", "p.(Gly497ArgfsTer12)", "497")})], csq=True)
    f = _one(interpret(vcf).findings, "FUS")
    pvs1 = next(e for e in f.evidence if e.criterion == "PVS1")
    assert not pvs1.applied and "gain of function" in pvs1.reason
    pm1 = _applied(f)["PM1"]  # gene_specs.yaml rule FUS-NLS-truncation, one PM1 only
    assert "PY" in pm1.reason and "FUS-NLS-truncation" in pm1.reason and pm1.strength == "Strong"
    assert sum(1 for e in f.evidence if e.criterion == "PM1" and e.applied) == 1
    assert f.position.nmd_escape and f.position.exon == last


def test_unannotated_canonical_splice_site_uses_exon_table(tmp_path: Path) -> None:
    chrom, start, end, strand = exon("TBK1", 5)
    assert strand == "+"
    vcf = write_vcf(tmp_path / "sp.vcf.gz", [Rec(chrom, end + 1, "G", "A")])  # intron 5 +1
    f = _one(interpret(vcf).findings, "TBK1")
    assert f.consequence is None and f.position.region == "splice_donor"
    pvs1 = _applied(f)["PVS1"]
    length = end - start + 1
    assert pvs1.strength == ("VeryStrong" if length % 3 else "Moderate")
    assert f.reportable


def test_common_variant_gets_ba1_and_rare_gets_pm2(tmp_path: Path) -> None:
    chrom, start, _end, _ = exon("OPTN", 4)
    common = Rec(chrom, start + 5, "A", "G", gt="1/1")
    rare = Rec(chrom, start + 50, "C", "T")
    vcf = write_vcf(tmp_path / "c.vcf.gz", [common, rare])
    gnomad = _gnomad(tmp_path, [(chrom, common.pos, "A", "G", 0.31)])
    result = interpret(vcf, gnomad=gnomad)
    by_pos = {f.pos: f for f in result.findings}
    ba1 = _applied(by_pos[common.pos])["BA1"]
    assert by_pos[common.pos].classification == AcmgClass.BENIGN and "grpmax FAF95" in ba1.reason
    assert by_pos[common.pos].frequencies.af == pytest.approx(0.31)
    pm2 = _applied(by_pos[rare.pos])["PM2"]
    assert pm2.strength == "Supporting" and pm2.points == 1 and "absent" in pm2.reason
    # without the resource, absence is not evidence
    bare = {f.pos: f for f in interpret(vcf).findings}
    assert "PM2" not in _applied(bare[rare.pos])


def test_sod1_d91a_known_variant_and_its_bs1_exception(tmp_path: Path) -> None:
    chrom, pos, ref, alt, hgvs_c, hgvs_p = known("SOD1-D91A")
    vcf = write_vcf(tmp_path / "d.vcf.gz", [Rec(chrom, pos, ref, alt, gt="1/1", info={"CSQ": _csq(
        alt, "SOD1", "missense_variant", hgvs_p, "91", hgvs_c=hgvs_c)})], csq=True)
    gnomad = _gnomad(tmp_path, [(chrom, pos, ref, alt, 0.004)])  # far above SOD1's BS1
    f = _one(interpret(vcf, gnomad=gnomad).findings, "SOD1")
    assert f.known_variant is not None and f.known_variant["id"] == "SOD1-D91A"
    assert f.position.exon == 4 and f.zygosity == Zygosity.HOMOZYGOUS
    bs1 = [e for e in f.evidence if e.criterion == "BS1"]
    assert bs1 and not bs1[0].applied and "SOD1-D91A-founder" in bs1[0].reason
    assert "BS1" not in _applied(f) and f.classification != AcmgClass.BENIGN


def test_sod1_a5v_with_literature_evidence_is_pathogenic(tmp_path: Path) -> None:
    """p.Ala5Val (legacy A4V) at the knowledge base's coordinates: absent from gnomAD, ALS phenotype,
    plus segregation (PP1_Strong) and functional (PS3) evidence supplied as extra evidence."""
    chrom, pos, ref, alt, hgvs_c, hgvs_p = known("SOD1-A5V")
    vcf = write_vcf(tmp_path / "a.vcf.gz", [Rec(chrom, pos, ref, alt, info={"CSQ": _csq(
        alt, "SOD1", "missense_variant", hgvs_p, "5", hgvs_c=hgvs_c)})], csq=True)
    gnomad = _gnomad(tmp_path, [(chrom, pos + 1000, "A", "G", 0.2)])
    key = f"{chrom}-{pos}-{ref}-{alt}"
    extra = {key: [Evidence(criterion="PP1", strength="Strong", points=4, reason="segregation in published families"),
                   Evidence(criterion="PS3", strength="Strong", points=4, reason="functional studies")]}
    f = _one(interpret(vcf, gnomad=gnomad, hpo=["HP:0007354"], extra_evidence=extra).findings, "SOD1")
    assert f.position.exon == 1 and f.known_variant and f.known_variant["id"] == "SOD1-A5V"
    applied = _applied(f)
    assert {"PM2", "PP4", "PP1", "PS3"} <= set(applied)
    assert f.points >= 10 and f.classification == AcmgClass.PATHOGENIC
    # the supplied PP1_Strong ties with the knowledge base's curated PP1_Strong: only one counts (the supplied)
    pp1 = [e for e in f.evidence if e.criterion == "PP1"]
    assert [e.applied for e in pp1].count(True) == 1 and "curated" not in applied["PP1"].reason
    # without the supplied evidence the knowledge base's curated evidence for this exact allele still counts
    # (tests/acmg/test_curated_evidence.py covers it); here only that the outcome no longer rests on PP1+PS3
    g = _one(interpret(vcf, gnomad=gnomad, hpo=["HP:0007354"]).findings, "SOD1")
    assert "PS3" not in _applied(g) and {"PS4", "PP1"} <= set(_applied(g))


def test_fus_p525l_pm1_and_pm5_for_another_change(tmp_path: Path) -> None:
    chrom, pos, ref, alt, _hgvs_c, _hgvs_p = known("FUS-P525L")
    other = "G" if alt != "G" else "A"
    vcf = write_vcf(tmp_path / "p.vcf.gz", [Rec(chrom, pos, ref, other, info={"CSQ": _csq(
        other, "FUS", "missense_variant", "p.(Pro525Arg)", "525", REVEL_score="0.95")})], csq=True)
    f = _one(interpret(vcf).findings, "FUS")
    applied = _applied(f)
    assert "PM5" in applied and "FUS-P525L" not in applied["PM5"].reason and "p.(Pro525Leu)" in applied["PM5"].reason
    assert "PM1" in applied and "PP3" in applied
    # PM1 + PP3 together are capped at 4 points (Pejaver 2022)
    assert applied["PM1"].points + applied["PP3"].points == 4


def test_clinvar_resource_display_ps1_and_never_counted(tmp_path: Path) -> None:
    chrom, start, _end, _ = exon("TBK1", 6)
    pos = start + 30
    mane("TBK1")
    # ClinVar file with an annotated pathogenic record at pos (2 stars) and the patient's own variant at pos+1
    header = ["##fileformat=VCFv4.1", "##reference=GRCh37",
              '##INFO=<ID=CLNSIG,Number=.,Type=String,Description="Clinical significance">',
              '##INFO=<ID=CLNREVSTAT,Number=.,Type=String,Description="Review status">',
              f"##contig=<ID={chrom}>"]
    from variants.vcfbuild import csq_header_line
    header.append(csq_header_line())
    header.append("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO")
    rev = "criteria_provided,_multiple_submitters,_no_conflicts"
    lines = [f"{chrom}\t{pos}\t111\tG\tA\t.\t.\tCLNSIG=Pathogenic;CLNREVSTAT={rev};CSQ="
             + _csq("A", "TBK1", "missense_variant", "p.(Gly200Arg)", "200"),
             f"{chrom}\t{pos + 1}\t222\tC\tT\t.\t.\tCLNSIG=Uncertain_significance;CLNREVSTAT={rev}"]
    clinvar = write_indexed(tmp_path / "clinvar.vcf.gz", header, lines)
    vcf = write_vcf(tmp_path / "v.vcf.gz", [Rec(chrom, pos + 1, "C", "T", info={"CSQ": _csq(
        "T", "TBK1", "missense_variant", "p.(Gly200Arg)", "200")})], csq=True)
    with_cv = _one(interpret(vcf, clinvar=clinvar).findings, "TBK1")
    assert with_cv.clinvar is not None and with_cv.clinvar.significance == "Uncertain significance"
    assert with_cv.clinvar.stars == 2 and with_cv.clinvar.variation_id == "222"
    ps1 = _applied(with_cv)["PS1"]
    assert f"{chrom}-{pos}-G-A" in ps1.reason and ps1.points == 4
    assert not {"PP5", "BP6"} & {e.criterion for e in with_cv.evidence}
    without = _one(interpret(vcf).findings, "TBK1")
    assert without.points == with_cv.points - 4  # only PS1 differs: the assertion itself adds nothing
    assert any("not counted" in n for n in with_cv.notes)


def test_hemizygous_ubqln2_in_male(tmp_path: Path) -> None:
    chrom, start, _end, _ = exon("UBQLN2", 1)
    vcf = write_vcf(tmp_path / "x.vcf.gz", [Rec(chrom, start + 900, "C", "T", gt="1/1"),
                                            Rec(chrom, start + 1200, "G", "A", gt="1")])
    male = interpret(vcf, sex="male").findings
    assert [f.zygosity for f in male] == [Zygosity.HEMIZYGOUS, Zygosity.HEMIZYGOUS]
    assert male[0].inheritance.consistent is True and "XLD" in male[0].inheritance.gene_modes
    female = interpret(vcf, sex="female").findings
    # a haploid X call in a woman is not hemizygosity (the caller assumed a male): zygosity unknown, with a note
    assert [f.zygosity for f in female] == [Zygosity.HOMOZYGOUS, Zygosity.UNKNOWN]
    assert any("haploid call" in n for n in female[1].notes)


def test_compound_het_candidates_with_phase(tmp_path: Path) -> None:
    (c1, s1, _e1, _), (c2, s2, _e2, _) = exon("ALS2", 4), exon("ALS2", 6)
    recs = [Rec(c1, s1 + 100, "C", "T", gt="0|1", ps=1000), Rec(c2, s2 + 50, "G", "A", gt="1|0", ps=1000)]
    result = interpret(write_vcf(tmp_path / "trans.vcf.gz", recs))
    [cand] = result.compound_heterozygous
    assert cand.gene == "ALS2" and cand.phase == "in trans (phased genotypes)"
    f = result.findings[0]
    assert f.inheritance.consistent is None and "second variant" in f.inheritance.summary
    recs_cis = [Rec(c1, s1 + 100, "C", "T", gt="0|1", ps=1000), Rec(c2, s2 + 50, "G", "A", gt="0|1", ps=1000)]
    [cis] = interpret(write_vcf(tmp_path / "cis.vcf.gz", recs_cis)).compound_heterozygous
    assert cis.phase.startswith("in cis")
    recs_unph = [Rec(c1, s1 + 100, "C", "T", gt="0/1"), Rec(c2, s2 + 50, "G", "A", gt="0/1")]
    [unk] = interpret(write_vcf(tmp_path / "u.vcf.gz", recs_unph)).compound_heterozygous
    assert unk.phase == "phase unknown" and "parents" in unk.note


def test_oligogenic_summary(tmp_path: Path) -> None:
    (c1, s1, _, _), (c2, s2, _, _) = exon("TBK1", 5), exon("OPTN", 4)
    result = interpret(write_vcf(tmp_path / "o.vcf.gz", [Rec(c1, s1 + 40, "C", "T"), Rec(c2, s2 + 20, "A", "G")]))
    assert result.oligogenic.oligogenic and result.oligogenic.genes == ["OPTN", "TBK1"]
    assert "not classified (consequence unknown)" in result.oligogenic.note


def test_multiallelic_split_trim_and_left_alignment_flag(tmp_path: Path) -> None:
    chrom, start, _, _ = exon("TBK1", 5)
    rec = Rec(chrom, start + 10, "CAA", "C,CA", gt="1/2")
    shift = Rec(chrom, start + 60, "GAG", "G")  # deletes 'AG' after anchor G: can move one base left
    result = interpret(write_vcf(tmp_path / "m.vcf.gz", [rec, shift]))
    keys = [f.key for f in result.findings]
    assert f"{chrom}-{start + 10}-CAA-C" in keys and f"{chrom}-{start + 10}-CA-C" in keys
    assert all(f.zygosity == Zygosity.HETEROZYGOUS for f in result.findings if f.pos == start + 10)
    flagged = next(f for f in result.findings if f.pos == start + 60)
    assert any("not left-aligned" in n for n in flagged.notes)
    assert result.reading.not_left_aligned == 1


def test_filter_and_quality_thresholds(tmp_path: Path) -> None:
    chrom, start, _, _ = exon("TBK1", 5)
    recs = [Rec(chrom, start + 10, "C", "T", filter="LowQual"), Rec(chrom, start + 20, "C", "T", gq=5, dp=3)]
    vcf = write_vcf(tmp_path / "q.vcf.gz", recs)
    default = interpret(vcf)
    assert [f.pos for f in default.findings] == [start + 20] and default.reading.filtered_out == 1
    assert len(interpret(vcf, include_filtered=True).findings) == 2
    strict = interpret(vcf, min_gq=20)
    assert strict.findings == [] and strict.reading.below_quality == 1
    assert interpret(vcf, min_dp=10).reading.below_quality == 1


def test_extra_evidence_validation(tmp_path: Path) -> None:
    chrom, start, _, _ = exon("TBK1", 5)
    vcf = write_vcf(tmp_path / "e.vcf.gz", [Rec(chrom, start + 10, "C", "T")])
    key = f"{chrom}-{start + 10}-C-T"
    with pytest.raises(InputError, match="not accepted"):
        interpret(vcf, extra_evidence={key: [Evidence(criterion="PVS1", strength="VeryStrong", points=8, reason="x")]})
    with pytest.raises(InputError, match="points"):
        interpret(vcf, extra_evidence={key: [Evidence(criterion="PS2", strength="Strong", points=2, reason="x")]})
    f = interpret(vcf, extra_evidence={key: [Evidence(criterion="PS2", strength="Strong", points=4, reason="de novo",
                                                      sources=["FAM-SVIdn"])]}).findings[0]
    assert _applied(f)["PS2"].points == 4 and f.points == 4


def test_build_38_input_uses_38_coordinates(tmp_path: Path) -> None:
    chrom, start, _end, _ = exon("TBK1", 5, Build.GRCh38)
    vcf = write_vcf(tmp_path / "b38.vcf.gz", [Rec(chrom, start + 40, "C", "T", info={"CSQ": _csq(
        "T", "TBK1", "stop_gained", "p.(Arg150Ter)", "150")})], build=Build.GRCh38, csq=True)
    result = interpret(vcf)
    assert result.build == "GRCh38"
    assert _applied(_one(result.findings, "TBK1"))["PVS1"].strength == "VeryStrong"

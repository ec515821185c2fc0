"""interpret() and the readers on real VCFs (fixtures cut from ../shared/data, see SOURCES.md)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pysam
import pytest
from cyvcf2 import VCF

from charcot.genome.panel import knowledge_panel
from charcot.model import AcmgClass, Build
from charcot.variants.annotation import annotate_allele, pick_consequence, schema_from_header
from charcot.variants.api import interpret, to_json, to_tsv

DATA = Path(__file__).resolve().parents[1] / "data" / "variants"


def test_na12878_sod1_same_findings_in_both_builds() -> None:
    r37 = interpret(DATA / "na12878_hg19_panel.vcf.gz")
    r38 = interpret(DATA / "na12878_hg38_panel.vcf.gz")
    assert (r37.build, r38.build) == ("GRCh37", "GRCh38")
    assert r37.sample == r38.sample == "NA12878"
    sod37 = [f for f in r37.findings if f.gene == "SOD1"]
    sod38 = [f for f in r38.findings if f.gene == "SOD1"]
    # the MANIFEST documents 10 liftover-consistent SOD1 records in each build
    assert len(sod37) == len(sod38) == 10
    summary37 = [(f.ref, f.alt, f.position.description, f.zygosity, f.classification) for f in sod37]
    summary38 = [(f.ref, f.alt, f.position.description, f.zygosity, f.classification) for f in sod38]
    assert summary37 == summary38
    # positions really differ between builds (not the same file twice)
    assert {f.pos for f in sod37}.isdisjoint({f.pos for f in sod38})
    for f in sod37:
        assert f.consequence is None
        assert any("consequence unknown" in n for n in f.notes)
        if f.position.region in ("exon", "splice_region_exonic"):
            # in an exon the effect depends on the codon: not classified (never a VUS by default), with the fix
            assert f.classification is None and f.not_classified is not None and "VEP" in f.not_classified
        else:  # intronic: placed by the exon table, no evidence at all -> VUS
            assert f.classification == AcmgClass.VUS and f.not_classified is None
    whats = " ".join(n.what for n in r37.not_assessed)
    assert "structural variants" in whats and "consequences" in whats
    assert "population allele frequency" in whats


def test_unannotated_findings_have_exon_positions() -> None:
    result = interpret(DATA / "pfeiffer_panel.vcf.gz")
    assert result.build == "GRCh37" and result.sample == "manuel"
    genes = {f.gene for f in result.findings}
    # the MANIFEST lists these ALS genes among the exome's records
    assert {"ALS2", "FIG4", "VCP", "DCTN1", "TBK1", "SQSTM1", "UNC13A", "ATXN2", "C9orf72", "OPTN",
            "TUBA4A"} <= genes
    regions = {f.position.region for f in result.findings}
    assert "exon" in regions and "intron" in regions
    exonic = [f for f in result.findings if f.position.region == "exon"]
    assert all(f.reportable and f.position.exon is not None for f in exonic)


def test_pfeiffer_panel_records_match_bcftools(tmp_path: Path) -> None:
    """The number of panel records read equals what Debian's bcftools selects with the same BED."""
    bed = tmp_path / "panel.bed"
    bed.write_text(knowledge_panel(Build.GRCh37).bed())
    out = subprocess.run(["bcftools", "view", "-H", "-R", str(bed), str(DATA / "pfeiffer_panel.vcf.gz")],
                         check=True, capture_output=True, text=True).stdout
    n_bcftools = len(out.splitlines())
    result = interpret(DATA / "pfeiffer_panel.vcf.gz")
    assert result.reading.panel_records == n_bcftools == 100
    assert result.reading.indexed


def test_streaming_equals_indexed(tmp_path: Path) -> None:
    """Unindexed (streamed) and indexed reads of the same real file give identical findings."""
    src = DATA / "na12878_hg38_chr21_30-35Mb.vcf.gz"
    plain = tmp_path / "stream.vcf.gz"
    shutil.copy(src, plain)
    indexed = tmp_path / "indexed.vcf.gz"
    shutil.copy(src, indexed)
    pysam.tabix_index(str(indexed), preset="vcf", force=True)
    a = interpret(plain)
    b = interpret(indexed)
    assert not a.reading.indexed and b.reading.indexed
    assert a.reading.records_read == 6628  # every record streamed once
    assert [f.key for f in a.findings] == [f.key for f in b.findings]
    assert len([f for f in a.findings if f.gene == "SOD1"]) == 10
    # and the same as bcftools on the indexed copy
    bed = tmp_path / "p.bed"
    bed.write_text(knowledge_panel(Build.GRCh38).bed(chr_prefix=True))
    out = subprocess.run(["bcftools", "view", "-H", "-R", str(bed), str(indexed)], check=True,
                         capture_output=True, text=True).stdout
    assert a.reading.panel_records == len(out.splitlines())


def test_plain_text_and_bcf_read_the_same(tmp_path: Path) -> None:
    src = DATA / "na12878_hg38_panel.vcf.gz"
    plain = tmp_path / "x.vcf"
    subprocess.run(["bcftools", "view", "--no-version", "-Ov", "-o", str(plain), str(src)], check=True)
    bcf = tmp_path / "x.bcf"
    subprocess.run(["bcftools", "view", "--no-version", "-Ob", "-o", str(bcf), str(src)], check=True)
    keys = [f.key for f in interpret(src).findings]
    assert [f.key for f in interpret(plain).findings] == keys
    assert [f.key for f in interpret(bcf).findings] == keys
    subprocess.run(["bcftools", "index", str(bcf)], check=True)
    assert [f.key for f in interpret(bcf).findings] == keys


def test_scout_trio_vep_annotation_and_sample_choice() -> None:
    path = DATA / "scout_643594_subset.vcf.gz"
    results = {s: interpret(path, sample=s) for s in ("ADM1059A1", "ADM1059A2", "ADM1059A3")}
    assert all(r.reading.annotation_sources == ["VEP CSQ", "SnpEff ANN"] for r in results.values())
    annotated = [f for r in results.values() for f in r.findings if f.consequence is not None]
    assert annotated, "panel records of the Scout trio should carry a VEP consequence"
    for f in annotated:
        assert f.consequence_source == "VEP CSQ"
        assert f.transcript and f.transcript.startswith("ENST")
        assert f.hgvs_c and f.hgvs_c.startswith(f.transcript.split(".")[0])


def _annotations(path: Path, index: int = 0) -> list:  # type: ignore[type-arg]
    vcf = VCF(str(path))
    infos = {}
    for rec in vcf.header_iter():
        info = rec.info()
        if info.get("HeaderType") == "INFO":
            infos[info["ID"]] = info.get("Description", "")
    schema = schema_from_header(infos, str(path))
    out = []
    for v in vcf:
        alts = list(v.ALT)
        out.append((v, annotate_allele(v.INFO.get, schema, pos=v.POS, ref=v.REF, alts=alts, alt_index=1), schema))
    return out


def test_vep113_record_fields() -> None:
    [(_v, ann, schema)] = _annotations(DATA / "scout_vep113_existing_variation.vcf")
    assert schema.sources == ["VEP CSQ"]
    picked = pick_consequence(ann.consequences, "FBN1")
    assert picked is not None and picked.canonical and picked.transcript == "ENST00000316623"
    assert picked.consequences == ["3_prime_UTR_variant"]
    assert picked.hgvs_c == "ENST00000316623.10:c.*1580G>A"
    # ClinVar custom fields of the VEP 113 header
    assert ann.clinvar is not None and ann.clinvar.significance.startswith("Conflicting")
    assert ann.clinvar.stars == 1 and ann.clinvar.variation_id == "316328"
    # the record's own INFO/AF (cohort) is not a population frequency; Scout's GNOMADAF is
    assert ann.frequencies.af == pytest.approx(0.0048806)
    assert ann.frequencies.grpmax_af == pytest.approx(0.0080119)
    assert ann.predictors.spliceai_max == 0.0


def test_vep104_record_fields() -> None:
    [(_v, ann, schema)] = _annotations(DATA / "scout_vep104_annotated.vcf")
    assert schema.csq_fields is not None and "SpliceAI_pred_DS_AG" in schema.csq_fields
    assert ann.consequences and all(c.source == "VEP CSQ" for c in ann.consequences)
    genes = {c.gene for c in ann.consequences}
    picked = pick_consequence(ann.consequences, sorted(g for g in genes if g)[0])
    assert picked is not None and picked.consequences


def test_bcsq_records() -> None:
    rows = _annotations(DATA / "slivar_with-bcsq.vcf")
    assert rows and rows[0][2].sources == ["bcftools BCSQ"]
    parsed = [c for _, ann, _ in rows for c in ann.consequences]
    assert parsed and all(c.source == "bcftools BCSQ" for c in parsed)
    assert {"5_prime_UTR_variant", "intron_variant"} <= {t for c in parsed for t in c.consequences}
    rows2 = _annotations(DATA / "slivar_comphet.csq.vcf")
    parsed2 = [c for _, ann, _ in rows2 for c in ann.consequences]
    missense = [c for c in parsed2 if "missense_variant" in c.consequences and c.transcript == "ENST00000262315"]
    assert missense and missense[0].hgvs_p == "p.(Asp571Asn)" and missense[0].protein_position == 571


def test_snpeff_ann_alone(tmp_path: Path) -> None:
    """The Scout file also carries SnpEff ANN; read it on its own (CSQ dropped with bcftools)."""
    out = tmp_path / "ann.vcf"
    subprocess.run(["bcftools", "annotate", "--no-version", "-x", "INFO/CSQ", "-Ov", "-o", str(out),
                    str(DATA / "scout_643594_subset.vcf.gz")], check=True, capture_output=True)
    rows = _annotations(out)
    assert rows[0][2].sources == ["SnpEff ANN"]
    parsed = [c for _, ann, _ in rows for c in ann.consequences]
    assert parsed and all(c.source == "SnpEff ANN" for c in parsed)
    assert any(c.hgvs_c and c.hgvs_c.startswith("c.") for c in parsed)


def test_gvcf_callability() -> None:
    result = interpret(DATA / "glnexus_na12878_gvcf_subset.g.vcf.gz")
    assert result.reading.gvcf and result.callability is not None
    by_gene: dict[str, set[str]] = {}
    for c in result.callability:
        by_gene.setdefault(c.gene, set()).add(c.status)
    # this thinned gVCF has GQ <= 3 everywhere: at the default GQ 20 nothing is callable
    assert by_gene["SOD1"] == {"not callable"}
    assert by_gene["NEK1"] == {"not callable"}
    # SOD1 lies in one GQ 0 reference block: callable once GQ 0 is accepted
    relaxed = interpret(DATA / "glnexus_na12878_gvcf_subset.g.vcf.gz", min_gq=0)
    assert relaxed.callability is not None
    assert {c.status for c in relaxed.callability if c.gene == "SOD1"} == {"callable"}
    # NEK1 blocks alternate between GQ 3 and GQ 0: at GQ 3, exons are partly callable
    mid = interpret(DATA / "glnexus_na12878_gvcf_subset.g.vcf.gz", min_gq=3)
    assert mid.callability is not None
    assert "partially callable" in {c.status for c in mid.callability if c.gene == "NEK1"}
    # genes on chromosomes absent from the subset are reported as not callable, not silently skipped
    assert by_gene["TARDBP"] == {"not callable"}
    assert any("not fully callable" in n.what for n in result.not_assessed)
    assert not any(f.alt.startswith("<") for f in result.findings)


def test_json_is_deterministic_and_tsv_has_rows() -> None:
    a = to_json(interpret(DATA / "pfeiffer_panel.vcf.gz"))
    b = to_json(interpret(DATA / "pfeiffer_panel.vcf.gz"))
    assert a == b
    data = json.loads(a)
    assert list(data) == sorted(data)
    tsv = to_tsv(interpret(DATA / "pfeiffer_panel.vcf.gz")).splitlines()
    assert len(tsv) == 101 and tsv[0].startswith("sample\tkey\tgene")


def test_cli_writes_json_and_tsv(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out, tsv = tmp_path / "f.json", tmp_path / "f.tsv"
    res = run_cli("interpret", DATA / "na12878_hg38_panel.vcf.gz", "-o", out, "--hpo", "HP:0007354")
    assert res.code == 0, res.stderr
    res = run_cli("interpret", DATA / "na12878_hg38_panel.vcf.gz", "-o", tsv, "--hpo", "HP:0007354")
    assert res.code == 0, res.stderr
    data = json.loads(out.read_text())
    assert data["build"] == "GRCh38" and data["hpo"] == ["HP:0007354"]
    assert data["repeats"] is not None or any("C9orf72" in n["what"] for n in data["not_assessed"])
    assert len(tsv.read_text().splitlines()) == 17


def test_repeats_not_assessed_without_str_and_assessed_with_it() -> None:
    plain = interpret(DATA / "pfeiffer_panel.vcf.gz")
    assert plain.repeats is not None and plain.repeats.status.value == "not_assessed"
    assert any("C9orf72" in n.what for n in plain.not_assessed)
    with_str = interpret(DATA / "pfeiffer_panel.vcf.gz", str_path=DATA / "justhusky_exphun_hugelymodelbat.eh5.vcf",
                         sex="male", str_sample="hugelymodelbat_lanes_1_sorted_md")  # another person's, named
    assert with_str.repeats is not None and with_str.repeats.status.value != "not_assessed"
    assert not any(n.what.startswith("C9orf72") for n in with_str.not_assessed)
    data = json.loads(to_json(with_str))
    assert data["repeats"]["status"] == with_str.repeats.status.value


@pytest.mark.parametrize("version", ["VCFv4.3", "VCFv4.4"])
def test_newer_vcf_versions(tmp_path: Path, version: str) -> None:
    src = DATA / "na12878_hg38_panel.vcf.gz"
    import gzip

    with gzip.open(src, "rt") as handle:
        text = handle.read().replace("##fileformat=VCFv4.1", f"##fileformat={version}", 1)
    path = tmp_path / "v.vcf"
    path.write_text(text)
    assert [f.key for f in interpret(path).findings] == [f.key for f in interpret(src).findings]


def test_gvcf_gene_without_a_callable_exon_is_not_assessed() -> None:
    # probe-gen review: every gene of a gVCF was 'assessed' ('no reportable variant', and the summary's "no P/LP in
    # the N genes assessed") while the callability table and 'not assessed' said none of its exons was callable
    result = interpret(DATA / "glnexus_na12878_gvcf_subset.g.vcf.gz")
    assert result.callability is not None
    uncallable = {c.gene for c in result.callability} - {c.gene for c in result.callability if c.callable_bases}
    reportable = {f.gene for f in result.findings if f.reportable}
    assert "SOD1" in uncallable and "NEK1" in uncallable and not reportable
    # this thinned gVCF has GQ <= 3 everywhere: at the default GQ 20 no gene can be assessed (nor one without an
    # exon table, judged on its span)
    assert uncallable <= set(result.genes_not_covered) and not result.genes_assessed
    assert result.status == "not_assessed"
    assert any("no callable exon in the gVCF" in n.what for n in result.not_assessed)
    # SOD1 is callable once GQ 0 is accepted: assessed then, the others stay not assessed
    relaxed = interpret(DATA / "glnexus_na12878_gvcf_subset.g.vcf.gz", min_gq=0)
    assert "SOD1" in relaxed.genes_assessed and "SOD1" not in relaxed.genes_not_covered
    assert relaxed.status == "partial"

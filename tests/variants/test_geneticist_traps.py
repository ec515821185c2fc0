"""Cases a clinical geneticist tries (issue 13 review): frequency traps, resources that do not fit, genotypes that
do not fit the stated sex, impossible records and obsolete HPO terms. Each test failed before its fix.

VCFs use real headers (Platinum Genomes NA12878 GRCh38 panel; the nf-core/sarek VEP CSQ line; gnomAD v4.0 exomes);
positions come from the knowledge base's exon table (tests/variants/vcfbuild.py, resourcebuild.py)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from charcot.model import AcmgClass, Build
from charcot.variants.api import interpret
from charcot.variants.model import VariantFinding

from .resourcebuild import gnomad_vcf, sod1_missense_vcf, vep_csq, vep_csq_header
from .vcfbuild import Rec, exon, mane, write_vcf


def _one(findings: list[VariantFinding], gene: str) -> VariantFinding:
    (f,) = [f for f in findings if f.gene == gene]
    return f


def _applied(f: VariantFinding) -> set[str]:
    return {e.criterion for e in f.evidence if e.applied}


# ---------------------------------------------------------------- frequency traps ----------------------------------

@pytest.mark.parametrize("groups", [
    # an Ashkenazi founder (gnomAD exomes) and a Finnish one (gnomAD genomes): the overall AF is above SOD1's BA1
    # (0.1 %) only because of the bottlenecked group; the non-bottlenecked groups are far below it
    {"gnomADe_AF": "0.0015", "gnomADe_ASJ_AF": "0.08", "gnomADe_NFE_AF": "0.00002", "gnomADe_AFR_AF": "0",
     "gnomADe_FIN_AF": "0", "gnomADe_OTH_AF": "0.0003"},
    {"gnomADg_AF": "0.0012", "gnomADg_FIN_AF": "0.03", "gnomADg_NFE_AF": "0.0001"},
])
def test_overall_af_carried_by_a_bottlenecked_group_is_not_ba1(tmp_path: Path, groups: dict[str, str]) -> None:
    # before: BA1 from the pooled overall AF -> Benign (a false benign in a Mendelian gene)
    f = _one(interpret(sod1_missense_vcf(tmp_path, groups)).findings, "SOD1")
    assert not _applied(f) & {"BA1", "BS1"}
    assert f.classification not in (AcmgClass.BENIGN, AcmgClass.LIKELY_BENIGN)
    assert any("bottlenecked group" in n and "BA1 is not applied" in n for n in f.notes)


def test_overall_af_without_group_data_still_gives_ba1(tmp_path: Path) -> None:
    f = _one(interpret(sod1_missense_vcf(tmp_path, {"gnomADe_AF": "0.002"})).findings, "SOD1")
    assert "BA1" in _applied(f)


def test_allele_seen_in_1000_genomes_is_not_absent_from_controls(tmp_path: Path) -> None:
    # gnomAD fields empty, 1000 Genomes has it at 1 % in Europeans: before, PM2 "absent from the population data";
    # 1000G never gives benign evidence, but the allele is not absent either
    vcf = sod1_missense_vcf(tmp_path, {"AF": "0.002", "EUR_AF": "0.01", "MAX_AF": "0.01", "MAX_AF_POPS": "EUR"})
    f = _one(interpret(vcf).findings, "SOD1")
    assert not _applied(f) & {"PM2", "BA1", "BS1"}
    assert any(n.startswith("PM2 not applied") and "MAX_AF (EUR)" in n for n in f.notes)
    assert not any("population frequency not assessed" in n for n in f.notes)  # one status: gnomAD was consulted
    # a rare 1000G observation under the gene's PM2 maximum does not stop PM2 (none here: SOD1's is 2.9e-6, so an
    # allele 1000G saw at all is above it) -- and with no 1000G observation PM2 applies
    f = _one(interpret(sod1_missense_vcf(tmp_path, {})).findings, "SOD1")
    assert "PM2" in _applied(f)


def test_gnomad_region_subset_does_not_make_other_genes_absent(tmp_path: Path) -> None:
    # a gnomAD file cut (tabix) to a region near SOD1 and one on chr16 far from FUS: its index lists chr16 and chr21,
    # but it has no record inside FUS or SOD1. Before: both variants "absent" -> PM2
    chrom, start, _e, _ = exon("SOD1", 4, Build.GRCh38)
    c16, s16, _e16, _ = exon("FUS", 6, Build.GRCh38)
    vcf = write_vcf(tmp_path / "p.vcf.gz", [Rec(chrom, start + 5, "G", "T"), Rec(c16, s16 + 3, "C", "T")],
                    build=Build.GRCh38)
    sub = gnomad_vcf(tmp_path / "sub.vcf.bgz", [(chrom, start + 50_000, "A", "G", {"AF": "0.1", "AN": "100000"}),
                                                ("16", 1_000_000, "A", "G", {"AF": "0.1", "AN": "100000"})])
    result = interpret(vcf, gnomad=sub)
    for gene in ("SOD1", "FUS"):
        f = _one(result.findings, gene)
        assert "PM2" not in _applied(f)
        assert f.frequencies.not_covered and "no record anywhere in " + gene in f.frequencies.not_covered
        assert not f.frequencies.searched
    # a file with a record beside the allele covers it: the variant is absent there
    near = gnomad_vcf(tmp_path / "near.vcf.bgz", [("16", s16 + 30, "A", "G", {"AF": "0.1", "AN": "100000"})])
    f = _one(interpret(vcf, gnomad=near).findings, "FUS")
    assert f.frequencies.searched and f.frequencies.not_covered is None and "PM2" in _applied(f)


def test_gnomad_subset_covering_part_of_a_gene_does_not_make_the_rest_absent(tmp_path: Path) -> None:
    # A gnomAD file cut to SOD1's first two exons (a subset made for another panel's target regions): it has
    # records inside SOD1, so the whole-gene check passed and an exon-4 variant read "absent from gnomAD", PM2.
    chrom, start4, _e4, _ = exon("SOD1", 4, Build.GRCh38)
    _c, start1, end1, _ = exon("SOD1", 1, Build.GRCh38)
    _c, start2, end2, _ = exon("SOD1", 2, Build.GRCh38)
    vcf = write_vcf(tmp_path / "p.vcf.gz", [Rec(chrom, start4 + 5, "G", "T")], build=Build.GRCh38)
    rows = [(chrom, p, "A", "G", {"AF": "0.00001", "AN": "150000"}) for p in range(start1, end1, 7)] + \
           [(chrom, p, "C", "T", {"AF": "0.00002", "AN": "150000"}) for p in range(start2, end2, 7)]
    assert start4 + 5 - max(end1, end2) > 1000  # far from any record of the file
    sub = gnomad_vcf(tmp_path / "exons12.vcf.bgz", rows)
    f = _one(interpret(vcf, gnomad=sub).findings, "SOD1")
    assert "PM2" not in _applied(f) and not f.frequencies.searched
    assert f.frequencies.not_covered and "no record within" in f.frequencies.not_covered
    # the same file with the exon-4 neighbourhood in it: absent there, PM2
    more = gnomad_vcf(tmp_path / "exons124.vcf.bgz", [*rows, (chrom, start4 + 40, "A", "C", {"AF": "0.00001",
                                                                                              "AN": "150000"})])
    f = _one(interpret(vcf, gnomad=more).findings, "SOD1")
    assert f.frequencies.searched and f.frequencies.not_covered is None and "PM2" in _applied(f)


def test_uncompressed_gnomad_file_gets_a_bgzip_hint(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    import gzip

    chrom, start, _e, _ = exon("SOD1", 4, Build.GRCh38)
    vcf = write_vcf(tmp_path / "p.vcf.gz", [Rec(chrom, start + 5, "G", "T")], build=Build.GRCh38)
    g = gnomad_vcf(tmp_path / "g.vcf.bgz", [(chrom, start + 5, "G", "T", {"AF": "0.1", "AN": "100000"})])
    plain = tmp_path / "g.vcf"
    with gzip.open(g, "rt") as handle:
        plain.write_text(handle.read())
    res = run_cli("interpret", vcf, "--gnomad", plain, "-o", tmp_path / "o.json")
    assert res.code == 2 and "bgzip g.vcf" in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "o.json").exists()
    shutil.copy(g, tmp_path / "noidx.vcf.bgz")  # bgzipped, just not indexed: tabix alone
    res = run_cli("interpret", vcf, "--gnomad", tmp_path / "noidx.vcf.bgz", "-o", tmp_path / "o.json")
    assert res.code == 2 and "tabix -p vcf noidx.vcf.bgz" in res.stderr and "bgzip" not in res.stderr


# ---------------------------------------------------------------- genotype vs sex, impossible records -------------

@pytest.mark.parametrize(("gt", "sex", "zygosity", "note"), [
    ("1", "male", "hemizygous", None),
    ("1/1", "male", "hemizygous", None),
    ("0/1", "male", "heterozygous", "heterozygous call (0/1) on chromosome X"),  # before: "hemizygous", no word
    ("1", "female", "unknown", "haploid call (1) on chromosome X in a female"),  # before: "hemizygous"
])
def test_x_linked_genotype_against_the_stated_sex(tmp_path: Path, gt: str, sex: str, zygosity: str,
                                                  note: str | None) -> None:
    chrom, s, e, _ = exon("UBQLN2", 1, Build.GRCh38)
    vcf = write_vcf(tmp_path / "x.vcf.gz", [Rec(chrom, (s + e) // 2, "C", "T", gt=gt)], build=Build.GRCh38)
    f = _one(interpret(vcf, sex=sex).findings, "UBQLN2")
    assert f.zygosity.value == zygosity
    assert any(note in n for n in f.notes) if note else not any("call (" in n for n in f.notes)


def test_alt_equal_to_ref_is_an_error(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    # before: reported as a finding '21-...-C-C'
    chrom, start, _e, _ = exon("SOD1", 4, Build.GRCh38)
    vcf = write_vcf(tmp_path / "p.vcf.gz", [Rec(chrom, start + 5, "C", "C")], build=Build.GRCh38)
    res = run_cli("interpret", vcf, "-o", tmp_path / "o.json")
    assert res.code == 2 and "same as REF" in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "o.json").exists()


# ---------------------------------------------------------------- phenotype ----------------------------------------

def test_obsolete_hpo_term_is_an_error_naming_its_replacement(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    # HP:0006983 'Slowly progressive spastic quadriparesis' is obsolete (replaced by HP:0002510 Spastic tetraplegia);
    # before, it was accepted and counted for nothing, so an UMN + LMN phenotype silently lost PP4
    from charcot.acmg.phenotype import _ontology

    old = _ontology().get_hpo_object("HP:0006983")
    assert old.is_obsolete
    new = _ontology().get_hpo_object(old.replaced_by)
    chrom, s, e, _ = exon("TBK1", 5, Build.GRCh38)
    vcf = write_vcf(tmp_path / "t.vcf.gz", [Rec(chrom, (s + e) // 2, "C", "T")], build=Build.GRCh38)
    res = run_cli("interpret", vcf, "--hpo", "HP:0006983,HP:0001308", "-o", tmp_path / "o.json")
    assert res.code == 2 and "HP:0006983" in res.stderr and "obsolete" in res.stderr
    assert f"{new.id} {new.name}" in res.stderr and not (tmp_path / "o.json").exists()
    # the replacement term with tongue fasciculations is an UMN + LMN phenotype: PP4
    res = run_cli("interpret", vcf, "--hpo", f"{new.id},HP:0001308", "-o", tmp_path / "o.json")
    assert res.code == 0
    (f,) = [f for f in json.loads((tmp_path / "o.json").read_text())["findings"] if f["gene"] == "TBK1"]
    assert any(e["criterion"] == "PP4" and e["applied"] for e in f["evidence"])


def test_record_without_a_csq_entry_is_not_absent_from_gnomad(tmp_path: Path) -> None:
    # the header declares VEP's gnomAD fields, but this record was never annotated (no CSQ): before, its empty gnomAD
    # fields read as "absent from the population data" -> PM2
    chrom, s, e, _ = exon("TBK1", 5, Build.GRCh38)
    vcf = write_vcf(tmp_path / "p.vcf.gz", [Rec(chrom, (s + e) // 2, "C", "T")], build=Build.GRCh38,
                    extra_header=[vep_csq_header()])
    f = _one(interpret(vcf).findings, "TBK1")
    assert "PM2" not in _applied(f) and not f.frequencies.searched
    assert f.frequencies.not_covered and "no CSQ entry" in f.frequencies.not_covered
    assert any("population frequency not assessed" in n for n in f.notes)


def test_page_one_line_of_a_recessive_carrier_says_it_is_not_an_explanation(tmp_path: Path) -> None:
    # one heterozygous null variant in ALS2 (autosomal recessive) is Pathogenic as a variant, but the patient is a
    # carrier: before, page 1 read "ALS2 ...: Pathogenic, heterozygous" with nothing more
    from charcot.report.build import _finding, finding_line

    c, s, e, _ = exon("ALS2", 5, Build.GRCh38)
    tx = mane("ALS2")
    csq = vep_csq(Allele="T", Consequence="stop_gained", IMPACT="HIGH", SYMBOL="ALS2", Feature_type="Transcript",
                  Feature=tx, BIOTYPE="protein_coding", HGVSc=f"{tx}:c.300C>T", Protein_position="100/1657")
    vcf = write_vcf(tmp_path / "a.vcf.gz", [Rec(c, (s + e) // 2, "C", "T", info={"CSQ": csq})], build=Build.GRCh38,
                    extra_header=[vep_csq_header()])
    raw = _one(interpret(vcf).findings, "ALS2")
    assert raw.classification in (AcmgClass.PATHOGENIC, AcmgClass.LIKELY_PATHOGENIC)
    line = finding_line(_finding(raw))
    assert "heterozygous" in line and "second variant in trans" in line and "carrier" in line
    # a heterozygous TBK1 (dominant) null variant: the line stays short
    c, s, e, _ = exon("TBK1", 5, Build.GRCh38)
    vcf = write_vcf(tmp_path / "t.vcf.gz", [Rec(c, (s + e) // 2, "C", "T")], build=Build.GRCh38)
    assert "(" not in finding_line(_finding(_one(interpret(vcf).findings, "TBK1"))).split(": ")[-1]
    # a heterozygous X call in a male: the inheritance asks for the genotype to be checked
    c, s, e, _ = exon("UBQLN2", 1, Build.GRCh38)
    vcf = write_vcf(tmp_path / "u.vcf.gz", [Rec(c, (s + e) // 2, "C", "T", gt="0/1")], build=Build.GRCh38)
    f = _one(interpret(vcf, sex="male").findings, "UBQLN2")
    assert f.inheritance is not None and f.inheritance.consistent is None and "checked" in f.inheritance.summary


def test_indel_written_right_shifted_is_matched_to_gnomad_or_not_assessed(tmp_path: Path) -> None:
    # gnomAD writes the deletion of one A of 'GAA' left-aligned (GA>G); the patient's caller wrote it right-shifted
    # (AA>A one base on). Before: no exact match -> "absent" -> PM2, while the left-aligned form is BA1 (Benign)
    c, s, e, _ = exon("TBK1", 5, Build.GRCh38)
    p = (s + e) // 2
    common = {"AF": "0.01", "AN": "150000", "AC": "1500", "AF_grpmax": "0.02", "AN_grpmax": "60000"}
    g = gnomad_vcf(tmp_path / "g.vcf.bgz", [(c, p, "GA", "G", common)])
    shifted = write_vcf(tmp_path / "r.vcf.gz", [Rec(c, p + 1, "AA", "A")], build=Build.GRCh38)
    left = write_vcf(tmp_path / "l.vcf.gz", [Rec(c, p, "GA", "G")], build=Build.GRCh38)
    for vcf in (shifted, left):
        f = _one(interpret(vcf, gnomad=g).findings, "TBK1")
        assert "BA1" in _applied(f) and "PM2" not in _applied(f)
        assert f.frequencies.af == pytest.approx(0.01)
    # the same run written further right than the records' REF bases can show: not assessed, never absent
    far = write_vcf(tmp_path / "f.vcf.gz", [Rec(c, p + 3, "AA", "A")], build=Build.GRCh38)
    f = _one(interpret(far, gnomad=g).findings, "TBK1")
    assert "PM2" not in _applied(f) and not f.frequencies.searched
    assert f.frequencies.not_covered and "not left-aligned" in f.frequencies.not_covered


def test_a_sample_vcf_given_as_gnomad_is_refused(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    # the Scout trio VCF (real GATK INFO/AF of its 3 samples) passed as --gnomad: before, its AF 0.333 was read as the
    # gnomAD frequency of the patient's own variant
    trio = Path(__file__).resolve().parents[1] / "data" / "variants" / "scout_643594_subset.vcf.gz"
    res = run_cli("interpret", trio, "--sample", "ADM1059A2", "--gnomad", trio, "-o", tmp_path / "o.json")
    assert res.code == 2 and "genotype columns for 3 sample(s)" in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "o.json").exists()


def _in_house_sites_vcf(tmp_path: Path) -> Path:
    """A lab's own frequency file made the usual way: AC/AN/AF over its callset (bcftools +fill-tags on the real
    Platinum Genomes NA12878 panel VCF), genotypes dropped (sites only), bgzipped and indexed."""
    import subprocess

    src = Path(__file__).resolve().parents[1] / "data" / "variants" / "na12878_hg38_panel.vcf.gz"
    out = tmp_path / "inhouse.sites.vcf.gz"
    tagged = subprocess.run(["bcftools", "+fill-tags", str(src), "-Ou", "--", "-t", "AC,AN,AF"], check=True,
                            capture_output=True).stdout
    subprocess.run(["bcftools", "view", "-G", "-Oz", "-o", str(out)], input=tagged, check=True)
    subprocess.run(["bcftools", "index", "-t", str(out)], check=True)
    return out


def test_an_in_house_sites_only_frequency_file_given_as_gnomad_is_refused(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    # before: a sites-only file with INFO/AF (no samples) was read as gnomAD, so the lab's own AF 0.5 of NA12878's
    # variants was a "population frequency" with gnomAD's authority (BA1 in every gene), and absence from the lab's
    # file was PM2
    inhouse = _in_house_sites_vcf(tmp_path)
    patient = Path(__file__).resolve().parents[1] / "data" / "variants" / "na12878_hg38_panel.vcf.gz"
    res = run_cli("interpret", patient, "--gnomad", inhouse, "-o", tmp_path / "o.json")
    assert res.code == 2 and "Traceback" not in res.stderr, res.stderr
    assert "not a gnomAD sites VCF" in res.stderr and "sites-only VCF without gnomAD's group fields" in res.stderr
    assert "AC, AF, AN" in res.stderr and not (tmp_path / "o.json").exists()
    assert "--local-frequencies" in res.stderr  # the hint names where such a file belongs
    # nor can it be built into a resource bundle as gnomAD
    from charcot.errors import InputError
    from charcot.variants.bundle import build_bundle

    with pytest.raises(InputError, match="not a gnomAD sites VCF"):
        build_bundle(tmp_path / "bundle", Build.GRCh38, gnomad=[inhouse])
    assert not (tmp_path / "bundle").exists()


def test_in_house_frequencies_are_shown_under_their_own_option_and_never_counted(tmp_path: Path,
                                                                                run_cli) -> None:  # type: ignore[no-untyped-def]
    inhouse = _in_house_sites_vcf(tmp_path)
    patient = Path(__file__).resolve().parents[1] / "data" / "variants" / "na12878_hg38_panel.vcf.gz"
    plain = interpret(patient)
    shown = interpret(patient, local_frequencies=inhouse)
    assert [f.key for f in shown.findings] == [f.key for f in plain.findings]
    for a, b in zip(plain.findings, shown.findings, strict=True):
        # the lab's AF (0.5 or 1.0 in its one-sample callset) is displayed and changes no criterion or class
        assert b.local_frequency is not None and b.local_frequency.af in (0.5, 1.0) and b.local_frequency.an == 2
        assert "never used for BA1/BS1/PM2" in b.local_frequency.note
        assert [(e.criterion, e.applied, e.points) for e in a.evidence] == \
            [(e.criterion, e.applied, e.points) for e in b.evidence]
        assert a.classification == b.classification and b.frequencies == a.frequencies
    res = run_cli("interpret", patient, "--local-frequencies", inhouse, "--format", "json", "-o", tmp_path / "o.json")
    assert res.code == 0, res.stderr
    assert '"local_frequency"' in (tmp_path / "o.json").read_text()


def test_real_gnomad_headers_are_accepted_as_gnomad() -> None:
    # the detection reads the releases' own headers: v4.0 exomes (grpmax, fafmax_faf95_max) and v2.1 (popmax)
    from charcot.variants.resources import GnomadResource

    from .resourcebuild import GNOMAD_V2_37, GNOMAD_V4

    for path in (GNOMAD_V4, GNOMAD_V2_37):
        assert GnomadResource(path).infos


def test_transcript_models_of_the_other_build_are_refused(tmp_path: Path) -> None:
    # the real Ensembl GFF3 fixture with its chromosome line and build header as Ensembl writes them for GRCh37
    # (chromosome 21 of GRCh37's length): before, it was used with a GRCh38 VCF and FASTA without a word
    from charcot.errors import InputError
    from charcot.genome.builds import contig_lengths
    from charcot.variants.consequence import gff3_build

    engine = Path(__file__).resolve().parents[1] / "data" / "variants" / "resources" / "engine"
    fasta, gff = engine / "grch38_chr21_MRPL39.fa.gz", engine / "MRPL39.ensembl.gff3"
    assert gff3_build(gff)[0] == Build.GRCh38
    lines = gff.read_text().splitlines()
    length37 = contig_lengths()[Build.GRCh37]["21"]
    other = tmp_path / "grch37.gff3"
    other.write_text("\n".join([lines[0], "#!genome-build GRCh37.p13"] + [
        line.replace("GRCh38\tchromosome\t1\t46709983", f"GRCh37\tchromosome\t1\t{length37}") for line in lines[1:]])
        + "\n")
    assert gff3_build(other)[0] == Build.GRCh37
    chrom, start, _end, _ = exon("SOD1", 4, Build.GRCh38)
    vcf = write_vcf(tmp_path / "p.vcf.gz", [Rec(chrom, start + 5, "G", "T")], build=Build.GRCh38)
    with pytest.raises(InputError, match=r"transcript models \(GFF3\) are GRCh37"):
        interpret(vcf, reference=fasta, transcripts=other)


def test_annotation_under_a_previous_gene_symbol_is_read(tmp_path: Path) -> None:
    # VEP caches from before the rename write CFAP410 as C21orf2 (its previous HGNC symbol) on the same MANE
    # transcript: before, "the annotation has no consequence on CFAP410" -> not classified
    from charcot.knowledge import get_knowledge

    previous = get_knowledge().gene("CFAP410").previous_symbols
    assert "C21orf2" in previous
    c, s, e, _ = exon("CFAP410", 3, Build.GRCh38)
    tx = mane("CFAP410")
    csq = vep_csq(Allele="T", Consequence="missense_variant", IMPACT="MODERATE", SYMBOL="C21orf2",
                  Feature_type="Transcript", Feature=tx, BIOTYPE="protein_coding", HGVSc=f"{tx}:c.200C>T",
                  Protein_position="58/256", CANONICAL="YES")
    vcf = write_vcf(tmp_path / "c.vcf.gz", [Rec(c, (s + e) // 2, "C", "T", info={"CSQ": csq})], build=Build.GRCh38,
                    extra_header=[vep_csq_header()])
    f = _one(interpret(vcf).findings, "CFAP410")
    assert f.consequence == ["missense_variant"] and f.not_classified is None
    assert f.classification is not None


def test_structural_variant_record_over_an_als_gene_is_named_not_ignored(tmp_path: Path) -> None:
    # a real Manta <DEL> record (Scout demo SV VCF) moved over the whole of TBK1: before, the run said only the
    # generic "structural variants ... a small-variant VCF does not represent them" and TBK1 read as no variant
    src = Path(__file__).resolve().parents[1] / "data" / "variants" / "scout_643594_sv_one_del.vcf"
    lines = src.read_text().splitlines()
    header = [x for x in lines if x.startswith("#")]
    rec = next(x for x in lines if not x.startswith("#")).split("\t")
    chrom, first, _e1, _ = exon("TBK1", 1)
    _c, _s, last, _ = exon("TBK1", 21)
    start, end = first - 5000, last + 5000
    rec[0], rec[1], rec[3] = chrom, str(start), "N"
    rec[7] = ";".join([kv for kv in rec[7].split(";") if not kv.startswith(("CSQ=", "END=", "SVLEN="))]
                      + [f"END={end}", f"SVLEN=-{end - start}"])
    vcf = tmp_path / "sv.vcf"
    vcf.write_text("\n".join([*header, "\t".join(rec)]) + "\n")
    carrier = interpret(vcf, sample="ADM1059A3")  # 0/1 in the record
    named = [na for na in carrier.not_assessed if "<DEL>" in na.what]
    assert len(named) == 1 and "TBK1" in named[0].what and f"{chrom}:{start}-{end}" in named[0].what
    assert not [na for na in interpret(vcf, sample="ADM1059A1").not_assessed if "<DEL>" in na.what]  # 0/0
    # the gene's one status says so too (was "no reportable variant")
    assert carrier.genes_with_structural_records == ["TBK1"]
    import json

    from charcot.cli import main

    assert main(["report", "--vcf", str(vcf), "--sample", "ADM1059A3", "--no-pdf", "-q", "--genes", "TBK1",
                 "--outdir", str(tmp_path / "rep")]) == 0
    items = json.loads((tmp_path / "rep" / "report.json").read_text())["items"]
    (item,) = [i for i in items if i["key"] == "gene:TBK1"]
    assert item["status"] == "assessed" and "structural-variant record overlaps the gene" in item["result"]


def test_html_not_classified_table_shows_a_genotype_that_does_not_fit_the_sex(tmp_path: Path) -> None:
    # an unannotated heterozygous UBQLN2 call in a male lands in "not classified": before, the HTML table showed
    # only "heterozygous" (the caution was in report.json alone)
    from charcot.cli import main

    c, s, e, _ = exon("UBQLN2", 1, Build.GRCh38)
    vcf = write_vcf(tmp_path / "u.vcf.gz", [Rec(c, (s + e) // 2, "C", "T", gt="0/1")], build=Build.GRCh38)
    assert main(["report", "--vcf", str(vcf), "--sex", "male", "--no-pdf", "-q", "--genes", "UBQLN2",
                 "--outdir", str(tmp_path / "rep")]) == 0
    html = (tmp_path / "rep" / "report.html").read_text()
    assert "one X chromosome: the genotype must be checked" in html

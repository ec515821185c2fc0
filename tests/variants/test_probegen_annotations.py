"""Real annotators' output in ALS genes (probegen review).

Headers: SnpEff 4.1k on GRCh37.75 with its LOF/NMD fields (nf-core/test-datasets
`testdata/variants/multiallelic_variants_snpeff.vcf`) and Ensembl VEP v111 on GRCh38 with its short default field
list (nf-core/test-datasets `testdata/variants/variants_vep.vcf`), kept in tests/data/variants with one real record
each (tests/data/variants/SOURCES.md). Records are written in those annotators' own entry shapes and placed in ALS
genes at the knowledge base's exon and repeat coordinates (never typed).

- An entry whose consequence holds a term charcot does not classify (SnpEff's `exon_loss_variant`, alone or beside a
  known term) was classified: "uncertain significance" with the unknown term ignored. It is now not classified.
- An in-frame insertion inside a repeat locus the knowledge base lists (AR's CAG repeat, ATXN2's) got PM4, which
  ACMG/AMP gives only to length changes outside repeats; it now gets no PM4 and says why.
"""

from __future__ import annotations

from pathlib import Path

from charcot.knowledge import get_knowledge
from charcot.model import Build
from charcot.variants.api import interpret
from charcot.variants.model import VariantFinding

from .vcfbuild import DATA, Rec, exon, mane, write_vcf

SNPEFF_41K = DATA / "nfcore_snpeff41k_header.txt"
VEP_111 = DATA / "nfcore_vep111_header.txt"


def _header(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if line.startswith("##")]


def _ann(allele: str, effect: str, impact: str, gene: str, gene_id: str, tx: str, rank: str, hgvs_c: str,
         hgvs_p: str = "", cdna: str = "", cds: str = "", aa: str = "") -> str:
    """One ANN entry in SnpEff's 16 fields, as the nf-core SnpEff 4.1k record writes them (Ensembl 75 ids, no
    version)."""
    return "|".join([allele, effect, impact, gene, gene_id, "transcript", tx, "protein_coding", rank, hgvs_c, hgvs_p,
                     cdna, cds, aa, "", ""])


def _csq(**values: str) -> str:
    """One CSQ entry in the VEP v111 header's field order (other fields empty)."""
    (line,) = [h for h in _header(VEP_111) if h.startswith("##INFO=<ID=CSQ")]
    fields = line.split("Format: ")[1].rstrip('">').split("|")
    assert set(values) <= set(fields)
    return "|".join(values.get(f, "") for f in fields)


def _finding(vcf: Path, gene: str, **kw: object) -> VariantFinding:
    (f,) = [f for f in interpret(vcf, **kw).findings if f.gene == gene]  # type: ignore[arg-type]
    return f


def _applied(f: VariantFinding) -> set[str]:
    return {e.criterion for e in f.evidence if e.applied}


def _sod1_exon2_deletion(tmp_path: Path, effect: str) -> VariantFinding:
    # a deletion from intron 1 across SOD1 exon 2, as SnpEff annotates it on the MANE Select (ENST00000270142)
    chrom, start, end, _ = exon("SOD1", 2)
    ref = "A" * (end - start + 30)
    ann = _ann("A", effect, "HIGH", "SOD1", "ENSG00000142168", mane("SOD1").split(".")[0], "2/5",
               f"c.{73 - 10}-10_239+10del")
    vcf = write_vcf(tmp_path / "p.vcf.gz", [Rec(chrom, start - 15, ref, "A", info={"ANN": ann})],
                    extra_header=_header(SNPEFF_41K))
    return _finding(vcf, "SOD1")


def test_an_exon_loss_starting_in_an_intron_is_not_classified(tmp_path: Path) -> None:
    f = _sod1_exon2_deletion(tmp_path, "exon_loss_variant")
    assert f.classification is None
    assert f.not_classified is not None and "exon_loss_variant" in f.not_classified
    assert f.reportable


def test_a_term_charcot_does_not_know_beside_a_known_one_is_not_dropped(tmp_path: Path) -> None:
    # SnpEff writes 'exon_loss_variant&splice_region_variant': the splice-region word alone is not the consequence
    f = _sod1_exon2_deletion(tmp_path, "exon_loss_variant&splice_region_variant")
    assert f.classification is None
    assert f.not_classified is not None and "exon_loss_variant" in f.not_classified
    assert any("exon_loss_variant" in n and "does not classify" in n for n in f.notes)


def test_snpeffs_old_name_of_a_known_term_is_read_as_that_term() -> None:
    # SnpEff 4.x writes the SO's older name 'non_coding_exon_variant' (the nf-core record's retained-intron entries)
    from charcot.variants.annotation import normalise_terms

    assert normalise_terms(["non_coding_exon_variant"]) == ["non_coding_transcript_exon_variant"]


def test_a_known_lof_with_snpeff_lof_nmd_tags_keeps_its_class(tmp_path: Path) -> None:
    # the control: a TBK1 stop gained on the MANE Select with SnpEff's LOF/NMD fields (shape of the nf-core record)
    chrom, start, _end, _ = exon("TBK1", 3)
    tx = mane("TBK1").split(".")[0]
    info = {"ANN": _ann("T", "stop_gained", "HIGH", "TBK1", "ENSG00000183735", tx, "3/21", "c.229C>T", "p.Gln77*",
                        "400/3000", "229/2190", "77/729"),
            "LOF": "(TBK1|ENSG00000183735|5|0.40)", "NMD": "(TBK1|ENSG00000183735|5|0.40)"}
    vcf = write_vcf(tmp_path / "p.vcf.gz", [Rec(chrom, start + 10, "C", "T", info=info)],
                    extra_header=_header(SNPEFF_41K))
    f = _finding(vcf, "TBK1")
    assert "PVS1" in _applied(f) and f.classification is not None and f.not_classified is None


def _repeat(locus: str, build: Build) -> tuple[str, int, int]:
    (r,) = [r for r in get_knowledge().records("repeats") if getattr(r, "id", None) == locus]
    c = r.coordinates[build]  # type: ignore[attr-defined]
    return c.chrom, c.start, c.end


def test_an_inframe_insertion_in_the_ar_cag_repeat_gets_no_pm4(tmp_path: Path) -> None:
    chrom, start, _end = _repeat("AR", Build.GRCh38)
    tx = mane("AR").split(".")[0]
    csq = _csq(Allele="GCA", Consequence="inframe_insertion", IMPACT="MODERATE", SYMBOL="AR", Gene="ENSG00000169083",
               Feature_type="Transcript", Feature=tx, BIOTYPE="protein_coding", EXON="1/8",
               Protein_position="78-79", Amino_acids="-/Q", Codons="-/CAG", STRAND="1", SYMBOL_SOURCE="HGNC",
               HGNC_ID="HGNC:644")
    # the insertion anchored on the base before the repeat, as a left-aligned caller writes it
    vcf = write_vcf(tmp_path / "p.vcf.gz", [Rec(chrom, start - 1, "A", "AGCA", gt="1", info={"CSQ": csq})],
                    build=Build.GRCh38, extra_header=_header(VEP_111))
    f = _finding(vcf, "AR", sex="male")
    assert f.consequence == ["inframe_insertion"]
    assert "PM4" not in _applied(f)
    (pm4,) = [e for e in f.evidence if e.criterion == "PM4"]
    assert "repeat" in pm4.reason and "AR" in pm4.reason


def test_an_inframe_deletion_outside_any_repeat_keeps_pm4(tmp_path: Path) -> None:
    # the control: the same kind of change in FUS exon 3, where the knowledge base lists no repeat
    chrom, start, end, _ = exon("FUS", 3, Build.GRCh38)
    tx = mane("FUS").split(".")[0]
    csq = _csq(Allele="-", Consequence="inframe_deletion", IMPACT="MODERATE", SYMBOL="FUS", Gene="ENSG00000089280",
               Feature_type="Transcript", Feature=tx, BIOTYPE="protein_coding", EXON="3/15", STRAND="1")
    vcf = write_vcf(tmp_path / "p.vcf.gz", [Rec(chrom, (start + end) // 2, "AGGC", "A", info={"CSQ": csq})],
                    build=Build.GRCh38, extra_header=_header(VEP_111))
    f = _finding(vcf, "FUS")
    assert "PM4" in _applied(f)


def _annotated_but_unknown(tmp_path: Path) -> Path:
    """An annotated VCF with two variants not classified for two reasons: OPTN's frameshift annotated only on a
    non-MANE isoform (ENST00000263036), SOD1's exon loss (a term charcot does not classify); and a classified TBK1
    stop gained."""
    recs = []
    chrom, start, _end, _ = exon("TBK1", 3)
    recs.append(Rec(chrom, start + 10, "C", "T", info={"ANN": _ann(
        "T", "stop_gained", "HIGH", "TBK1", "ENSG00000183735", mane("TBK1").split(".")[0], "3/21", "c.229C>T",
        "p.Gln77*", "400/3000", "229/2190", "77/729")}))
    chrom, start, end, _ = exon("SOD1", 2)
    recs.append(Rec(chrom, start - 15, "A" * (end - start + 30), "A", info={"ANN": _ann(
        "A", "exon_loss_variant", "HIGH", "SOD1", "ENSG00000142168", mane("SOD1").split(".")[0], "2/5",
        "c.63-10_239+10del")}))
    chrom, start, _end, _ = exon("OPTN", 3)
    other = "ENST00000263036"
    assert other != mane("OPTN").split(".")[0]
    recs.append(Rec(chrom, start + 5, "G", "GA", info={"ANN": _ann(
        "GA", "frameshift_variant", "HIGH", "OPTN", "ENSG00000123240", other, "3/16", "c.100dupA", "p.Thr34fs")}))
    return write_vcf(tmp_path / "p.vcf.gz", recs, extra_header=_header(SNPEFF_41K))


def test_the_run_says_why_each_variant_of_an_annotated_vcf_is_not_classified(tmp_path: Path) -> None:
    result = interpret(_annotated_but_unknown(tmp_path))
    (item,) = [n for n in result.not_assessed if "not classified (consequence unknown)" in n.what]
    assert "2 variant(s)" in item.what
    # before: "no annotation in the VCF, no knowledge-base entry ..." for a VCF whose every record is annotated
    assert "no annotation in the VCF" not in item.reason
    assert "exon_loss_variant" in item.reason and "OPTN" in item.reason and "other transcripts" in item.reason


def test_table_tsv_and_json_give_each_finding_one_status(tmp_path: Path) -> None:
    import json

    from charcot.variants.api import to_tsv
    from charcot.variants.cli import render_table
    from charcot.variants.findings_json import dump

    result = interpret(_annotated_but_unknown(tmp_path))
    table = render_table(result)
    tsv = {line.split("\t")[1]: line.split("\t") for line in to_tsv(result).splitlines()[1:]}
    data = json.loads(dump(result))
    rows = {f["key"]: f for f in data["findings"]}
    for f in result.findings:
        status = f.classification.value if f.classification is not None else "not classified (consequence unknown)"
        line = next(line for line in table.splitlines() if f.key in line and line.startswith(f.gene))
        assert status in line
        assert tsv[f.key][-4] == status
        assert rows[f.key]["classification"] == (f.classification.value if f.classification else None)
        if f.classification is None:
            # an annotated VCF: the table never says the variant was "not annotated"
            assert "not annotated" not in line and "consequence unknown" in line
            assert "not annotated" not in tsv[f.key][6]

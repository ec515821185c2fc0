"""The curated genes: coverage of the ClinGen ALS GCEP, alias resolution, derived coordinates, ACMG rules."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from charcot.knowledge import Knowledge
from charcot.knowledge.schema.genes import GeneRole
from charcot.knowledge.validate import _load_derive_script
from charcot.model import Build

SUBSET = Path(__file__).resolve().parents[2] / "tests" / "data" / "knowledge" / "shared"


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return Knowledge()


def _als_rows() -> list[dict[str, str]]:
    derive = _load_derive_script()
    assert derive is not None
    return [derive.clingen_assertion(r) for r in
            derive.read_clingen(SUBSET / "clingen" / "Clingen-Gene-Disease-Summary-2025-07-01.csv.gz")]


def test_at_least_60_genes_and_every_als_gcep_assertion(kb: Knowledge) -> None:
    assert len(kb.genes) >= 60
    rows = _als_rows()
    assert len(rows) == 52 and len({r["hgnc_id"] for r in rows}) == 51
    by_id = {g.hgnc_id: g for g in kb.genes}
    for row in rows:
        gene = by_id[row["hgnc_id"]]
        found = [(a.classification, a.moi, a.date.isoformat(), a.disease) for a in gene.als_clingen]
        assert (row["classification"], row["moi"], row["date"], row["disease"]) in found, gene.symbol


def test_roles_follow_clingen_honestly(kb: Knowledge) -> None:
    assert kb.gene("EWSR1").role == GeneRole.DISPUTED
    assert kb.gene("DAO").role == GeneRole.REFUTED
    limited = [g for g in kb.genes if g.clingen_classification == "Limited"]
    assert limited and all(g.role != GeneRole.CAUSAL for g in limited)
    assert kb.gene("AR").role == GeneRole.MIMIC and kb.gene("SMN1").role == GeneRole.MIMIC
    assert kb.gene("ERLIN2").clingen_classification == "Definitive"  # AR Definitive beats AD Limited


@pytest.mark.parametrize(("name", "symbol"), [
    ("TDP-43", "TARDBP"), ("C21orf2", "CFAP410"), ("ALS1", "SOD1"), ("als10", "TARDBP"), ("c9orf72", "C9orf72"),
    ("C9ORF72", "C9orf72"), ("HGNC:11179", "SOD1"), (" fus ", "FUS"), ("HNRPA1", "HNRNPA1"), ("SPG4", "SPAST"), ("SPG3A", None),
    ("NOTAGENE", None),
])
def test_alias_resolution(kb: Knowledge, name: str, symbol: str | None) -> None:
    found = kb.find_gene(name)
    assert (found.symbol if found else None) == symbol


def _rows(rel: str, column: int, value: str) -> list[list[str]]:
    with gzip.open(SUBSET / rel, "rt") as handle:
        return [line.rstrip("\n").split("\t") for line in handle if line.split("\t")[column] == value]


def test_spans_equal_the_primary_annotables_row(kb: Knowledge) -> None:
    for symbol in ("SOD1", "AR", "SMN1", "C9orf72", "TARDBP"):
        gene = kb.gene(symbol)
        for build, rel in ((Build.GRCh38, "genes/annotables/grch38.genes.tsv.gz"),
                           (Build.GRCh37, "genes/annotables/grch37.genes.tsv.gz")):
            rows = [r for r in _rows(rel, 0, gene.ensembl_gene or "") if r[3] in {*map(str, range(1, 23)), "X"}]
            span = gene.coordinates[build].span
            assert {(r[3], int(r[4]), int(r[5])) for r in rows} == {(span.chrom, span.start, span.end)}, (symbol, build)


def test_exons_are_one_based_and_numbered_in_transcript_direction(kb: Knowledge) -> None:
    sod1 = kb.gene("SOD1").coordinates[Build.GRCh38]
    row = _rows("genes/spliceai/spliceai_annotation_grch38.txt.gz", 0, "SOD1")[0]
    starts0 = [int(x) for x in row[5].split(",") if x]
    assert sod1.exons[0].start == starts0[0] + 1 and sod1.exons[0].number == 1
    assert sod1.exons[0].start == 31659622  # MANIFEST: SOD1 hg38 31659622 <-> hg19 33031935
    assert kb.gene("SOD1").coordinates[Build.GRCh37].exons[0].start == 33031935
    c9 = kb.gene("C9orf72").coordinates[Build.GRCh38]
    assert c9.span.strand == "-" and c9.exons[0].end == max(e.end for e in c9.exons)
    assert [e.number for e in c9.exons] == list(range(1, len(c9.exons) + 1))
    assert c9.exons[0].start > c9.exons[1].end


def test_x_chromosome_paralogue_and_previous_symbol_cases(kb: Knowledge) -> None:
    assert kb.gene("AR").coordinates[Build.GRCh38].span.chrom == "X"
    smn1 = kb.gene("SMN1").coordinates[Build.GRCh38]
    smn2 = _rows("genes/annotables/grch38.genes.tsv.gz", 2, "SMN2")
    assert smn1.span.chrom == "5" and all(int(r[4]) != smn1.span.start for r in smn2)
    assert smn1.exons[0].start >= smn1.span.start - 1000
    cfap = kb.gene("CFAP410").coordinates[Build.GRCh37]
    assert "C21orf2" in cfap.source_table and cfap.span.chrom == "21" and len(cfap.exons) >= 2


def test_fus_exon15_exception_matches_the_derived_exon_table(kb: Knowledge) -> None:
    fus = kb.gene("FUS")
    assert fus.acmg is not None and not fus.acmg.lof_is_mechanism
    exc = next(e for e in fus.acmg.exceptions if e.id == "FUS-exon15-truncation")
    assert exc.applies_to == "PVS1" and exc.exons == [15]
    assert len(fus.coordinates[Build.GRCh38].exons) == 15  # exon 15 is the last exon
    p525 = kb.typed("variants", __import__("charcot.knowledge.schema.variants", fromlist=["Record"]).Record)
    p525l = next(v for v in p525 if v.id == "FUS-P525L")
    assert fus.coordinates[Build.GRCh38].exon_at("16", p525l.grch38.pos).number == 15  # type: ignore[union-attr]


def test_pvs1_gating_and_thresholds(kb: Knowledge) -> None:
    for symbol in ("TBK1", "OPTN", "NEK1"):
        assert kb.gene(symbol).pvs1_applicable, symbol
    assert not kb.gene("SOD1").pvs1_applicable
    sod1 = kb.gene("SOD1").acmg
    assert sod1 is not None and sod1.frequency.model is not None
    assert sod1.frequency.bs1 == pytest.approx(sod1.frequency.model.max_af, rel=0.02)
    assert any(e.variants == ["p.Asp91Ala"] for e in sod1.exceptions)
    assert kb.gene("ALS2").acmg.frequency.model.mode == "recessive"  # type: ignore[union-attr]


def test_every_unverified_record_says_why(kb: Knowledge) -> None:
    for gene in kb.genes:
        if gene.confidence.value == "unverified":
            assert gene.confidence_note, gene.symbol
    assert kb.gene("NIPA1").confidence.value == "unverified"


MIMICS = {"HEXA": "AR", "SPAST": "AD", "SPG7": "AR", "HSPB1": "AD", "DYNC1H1": "AD", "GARS1": "AD", "PLEKHG5": "AR",
          "VRK1": "AR", "TFG": "AD", "C19orf12": "AR", "SLC52A2": "AR", "SLC52A3": "AR"}


def test_mimic_and_differential_genes_of_motor_neuron_panels(kb: Knowledge) -> None:
    # issue 15: panel mimic genes a clinic would notice, each with role, inheritance and a source
    for symbol, inheritance in MIMICS.items():
        gene = kb.find_gene(symbol)
        assert gene is not None, symbol
        assert gene.role is GeneRole.MIMIC and inheritance in {i.value for i in gene.inheritance}, symbol
        assert gene.sources and gene.coords(Build.GRCh38) is not None, symbol
    for symbol in ("SMN2", "NAIP"):
        gene = kb.find_gene(symbol)
        assert gene is not None and gene.role is GeneRole.MODIFIER
    for symbol in ("SLC52A2", "SLC52A3"):  # the treatable riboflavin-transporter deficiency is said so
        gene = kb.find_gene(symbol)
        assert gene is not None and "riboflavin" in " ".join(gene.phenotypes).lower() and "S-BVVL14" in gene.sources
    # SMN1 and SMN2 stay apart (paralogues in one segmental duplication)
    smn1, smn2 = kb.find_gene("SMN1"), kb.find_gene("SMN2")
    assert smn1 is not None and smn2 is not None
    assert smn1.coords(Build.GRCh38).span != smn2.coords(Build.GRCh38).span  # type: ignore[union-attr]


def test_every_grch38_exon_table_says_how_it_relates_to_mane(kb: Knowledge) -> None:
    # issue 15: exons come from GENCODE v24 canonical transcripts while reports name MANE Select
    for gene in kb.genes:
        coords = gene.coords(Build.GRCh38)
        assert coords is not None and coords.mane_comparison, gene.symbol
        if gene.mane is not None:
            assert gene.mane.refseq_nm in coords.mane_comparison, gene.symbol
    for symbol in ("NIPA1", "SARM1"):
        gene = kb.find_gene(symbol)
        assert gene is not None
        text = gene.coords(Build.GRCh38).mane_comparison or ""  # type: ignore[union-attr]
        assert "no GRCh38 exon table" in text and "SpliceAI GRCh38 annotation" in text


def test_mane_comparison_wording_on_both_strands() -> None:
    derive = _load_derive_script()
    mane = {"RefSeq_nuc": "NM_1.1", "Ensembl_nuc": "ENST1.1", "GRCh38_chr": "1", "chr_start": "100", "chr_end": "200"}
    same = derive.mane_comparison("G", mane, {"transcript_span": {"chrom": "1", "start": 100, "end": 200, "strand": "+"}})
    assert "equals MANE Select NM_1.1" in same
    plus = derive.mane_comparison("G", mane, {"transcript_span": {"chrom": "1", "start": 90, "end": 195, "strand": "+"}})
    assert "5′ end 10 bp beyond" in plus and "3′ end 5 bp inside" in plus
    minus = derive.mane_comparison("G", mane, {"transcript_span": {"chrom": "1", "start": 90, "end": 195, "strand": "-"}})
    assert "5′ end 5 bp inside" in minus and "3′ end 10 bp beyond" in minus
    assert "no GRCh38 exon table" in derive.mane_comparison("G", mane, {"transcript_span": None})
    assert "no MANE Select" in derive.mane_comparison("G", None, {})

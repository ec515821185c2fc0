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


def test_every_mane_gene_carries_its_mane_utr_check(kb: Knowledge) -> None:
    # issue 15: the MANE Select exon count, UTR exons and exon numbering at both UTR ends are derived for every gene
    # (scripts/sources/maneselectbed.GRCh38.*.panel.bed); before, only the spans were compared
    for gene in kb.genes:
        coords = gene.coords(Build.GRCh38)
        assert coords is not None
        if gene.mane is None:
            continue
        utr = coords.mane_utr
        assert utr is not None and utr.exon_count is not None, gene.symbol
        assert coords.mane_span is not None
        assert (utr.transcript["start"], utr.transcript["end"]) == (coords.mane_span.start, coords.mane_span.end)
        assert utr.table_exon_count == len(coords.exons), gene.symbol
        assert ("exon numbers agree with MANE" in (coords.mane_comparison or "")) == utr.numbers_agree, gene.symbol


def test_nipa1_and_sarm1_now_say_what_mane_has() -> None:
    # issue 15: "NIPA1 and SARM1 lack GRCh38 exons" - the table still has none (no GENCODE v24 transcript), but the
    # MANE Select exon count and UTR exons are now stated (NCBI: NM_144599.5 has 5 exons, NM_015077.4 has 9)
    kb = Knowledge()
    for symbol, count in (("NIPA1", 5), ("SARM1", 9)):
        gene = kb.find_gene(symbol)
        assert gene is not None
        coords = gene.coords(Build.GRCh38)
        assert coords is not None and coords.exons == [] and coords.mane_utr is not None
        assert coords.mane_utr.exon_count == count
        assert f"MANE Select has {count} exons; the table has none" in (coords.mane_comparison or "")


def test_sod1_mane_utr_pieces_match_ncbi_gene() -> None:
    # NCBI Gene SOD1: NM_000454.5, 5 exons, GRCh38 21:31659693-31668931, CDS 31659770-31668578
    utr = Knowledge().gene("SOD1").coords(Build.GRCh38).mane_utr  # type: ignore[union-attr]
    assert utr is not None and utr.exon_count == 5 and utr.numbers_agree
    assert [(p.number, p.start, p.end) for p in utr.five_prime_utr] == [(1, 31659693, 31659769)]
    assert [(p.number, p.start, p.end) for p in utr.three_prime_utr] == [(5, 31668579, 31668931)]


def test_genes_whose_table_numbers_exons_differently_from_mane_say_so(kb: Knowledge) -> None:
    # ANXA11: MANE Select NM_145868.2 has one 5' UTR exon more than the GENCODE v24 canonical transcript, so a
    # report's exon number (from the table) is one lower than MANE's; the comparison must say it
    coords = kb.gene("ANXA11").coords(Build.GRCh38)
    assert coords is not None and coords.mane_utr is not None
    assert (coords.mane_utr.exon_count, coords.mane_utr.table_exon_count) == (16, 15)
    assert coords.mane_utr.numbering_offset_5p == 1 and not coords.mane_utr.numbers_agree
    assert "the table's exon numbers are 1 lower than MANE's" in (coords.mane_comparison or "")
    # the known variants' exons where the numbering agrees: SOD1 D91A (c.272) in exon 4, TARDBP M337V in exon 6
    sod1 = kb.gene("SOD1").coords(Build.GRCh38)
    tardbp = kb.gene("TARDBP").coords(Build.GRCh38)
    assert sod1 is not None and tardbp is not None
    assert sod1.exon_at("21", 31667290).number == 4  # type: ignore[union-attr]
    assert tardbp.exon_at("1", 11022418).number == 6 == tardbp.mane_utr.exon_count  # type: ignore[union-attr]


@pytest.mark.parametrize("strand", ["+", "-"])
def test_mane_utr_check_offsets_and_splice_edges_on_both_strands(strand: str) -> None:
    derive = _load_derive_script()
    P = derive.UtrPiece
    # MANE: 4 exons; exon 1 all 5' UTR, exon 2 starts with 5' UTR, exon 4 ends with 3' UTR
    if strand == "+":
        pieces = [P("utr5", 1, 100, 150), P("utr5", 2, 200, 220), P("utr3", 4, 480, 500)]
        table = [{"number": 1, "start": 90, "end": 150}, {"number": 2, "start": 200, "end": 260},
                 {"number": 3, "start": 300, "end": 350}, {"number": 4, "start": 400, "end": 520}]
    else:
        pieces = [P("utr5", 1, 450, 500), P("utr5", 2, 380, 400), P("utr3", 4, 100, 120)]
        table = [{"number": 1, "start": 450, "end": 510}, {"number": 2, "start": 340, "end": 400},
                 {"number": 3, "start": 250, "end": 300}, {"number": 4, "start": 90, "end": 200}]
    mane = {"chr_strand": strand, "chr_start": "100", "chr_end": "500"}
    utr = derive.mane_utr_check("G", mane, pieces, {"exons": table})
    assert utr["exon_count"] == 4 and utr["numbering_offset_5p"] == 0 and utr["numbering_offset_3p"] == 0
    assert (utr["splice_edges_known"], utr["splice_edges_in_table"]) == (2, 2)
    # a table with one extra 5' exon: its numbers are one higher on both sides
    shifted = [{"number": 1, "start": 1, "end": 5} if strand == "+" else {"number": 1, "start": 900, "end": 910},
               *({**e, "number": e["number"] + 1} for e in table)]
    utr = derive.mane_utr_check("G", mane, pieces, {"exons": shifted})
    assert utr["numbering_offset_5p"] == -1 and utr["numbering_offset_3p"] == -1
    assert "exon numbers are 1 higher than MANE's" in derive._utr_sentence(utr)
    # pieces that do not reach the MANE v1.0 span are refused: the input would not describe that transcript
    with pytest.raises(derive.DerivationError):
        derive.mane_utr_check("G", {**mane, "chr_end": "600"}, pieces, {"exons": table})

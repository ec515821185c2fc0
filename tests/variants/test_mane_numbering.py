"""Exon numbers where the GENCODE v24 exon table numbers exons unlike the MANE Select transcript reports name
(issue 15): the position text says what MANE Select calls the exon, or that it numbers them differently, and gene
rules that name exons are only kept where both numberings agree."""

from __future__ import annotations

from charcot.genome.panel import PanelGene, knowledge_panel
from charcot.knowledge import Knowledge
from charcot.model import Build


def _gene(symbol: str) -> PanelGene:
    return next(g for g in knowledge_panel(Build.GRCh38, [symbol]).genes)


def _table_exon(gene: PanelGene, number: int) -> tuple[int, int]:
    exon = next(e for e in gene.exons if e.number == number)
    return exon.start, exon.end


def test_a_gene_with_one_more_mane_utr_exon_names_the_mane_exon() -> None:
    # ANXA11: MANE Select NM_145868.2 has 16 exons, one 5' UTR exon more than the GENCODE v24 table (15)
    gene = _gene("ANXA11")
    start, end = _table_exon(gene, 10)
    where = gene.describe(gene.locate((start + end) // 2))
    assert where == "exon 10/15 (GENCODE v24 exon table numbering; MANE Select NM_145868.2 exon 11/16)"
    # an intron between table exons 10 and 11 is MANE intron 11 (minus strand: exon 11 lies below exon 10)
    _, e11 = _table_exon(gene, 11)
    intron_pos = (e11 + start) // 2
    assert gene.describe(gene.locate(intron_pos)) == \
        "intron 10 (GENCODE v24 exon table numbering; MANE Select NM_145868.2 intron 11)"


def test_a_table_exon_that_mane_does_not_have_is_said_so() -> None:
    gene = _gene("ATXN1")  # the table has one 5' exon more than MANE Select NM_001128164.2 (9 vs 8)
    start, end = _table_exon(gene, 1)
    assert gene.describe(gene.locate((start + end) // 2)).endswith(
        "(GENCODE v24 exon table numbering; not a MANE Select NM_001128164.2 exon)")


def test_numbering_that_cannot_be_translated_is_flagged_not_guessed() -> None:
    gene = _gene("MAPT")  # same 5' numbering, two exons more than MANE Select towards the 3' end
    start, end = _table_exon(gene, 4)
    assert gene.describe(gene.locate((start + end) // 2)) == \
        "exon 4/15 (GENCODE v24 exon table numbering; MANE Select NM_001377265.1 numbers its 13 exons differently)"


def test_genes_whose_numbers_agree_keep_the_plain_text() -> None:
    for symbol, pos, text in (("SOD1", 31667290, "exon 4/5"), ("TARDBP", 11022418, "exon 6/6")):
        gene = _gene(symbol)
        assert gene.mane_numbering is None
        assert gene.describe(gene.locate(pos)) == text
    # GRCh37 has no MANE release: nothing is claimed about MANE numbering there
    assert all(g.mane_numbering is None for g in knowledge_panel(Build.GRCh37).genes)


def test_every_exon_numbered_gene_rule_is_in_a_gene_numbered_like_mane() -> None:
    # FUS exon 15, KIF5A exons 27-29, SOD1 exon 5 ... are literature (MANE/RefSeq) numbers matched against the table
    kb = Knowledge()
    genes = {g.symbol: g for g in kb.genes}
    named: set[str] = set()
    for spec in kb.records("gene_specs"):
        for rule in [*spec.rules, *(spec.risk_scheme.classes if spec.risk_scheme else [])]:  # type: ignore[attr-defined]
            if rule.match.exons:
                named.add(spec.gene)  # type: ignore[attr-defined]
    for gene in kb.genes:
        if gene.acmg and any(exc.exons for exc in gene.acmg.exceptions):
            named.add(gene.symbol)
    assert {"SOD1", "FUS", "KIF5A"} <= named
    for symbol in named:
        utr = genes[symbol].coords(Build.GRCh38).mane_utr  # type: ignore[union-attr]
        assert utr is not None and utr.numbers_agree, symbol


def test_validator_refuses_an_exon_rule_where_the_table_numbers_exons_unlike_mane() -> None:
    from charcot.knowledge import get_knowledge
    from charcot.knowledge.schema.gene_specs import Record as SpecRecord
    from charcot.knowledge.schema.gene_specs import check

    kb = get_knowledge()
    specs = kb.typed("gene_specs", SpecRecord)
    assert check(specs, kb) == []
    sod1 = next(s for s in specs if s.gene == "SOD1")  # its rules name SOD1 exon 5 (MANE numbering)
    moved = [s for s in specs if s.gene not in ("SOD1", "ANXA11")] + [sod1.model_copy(update={"gene": "ANXA11"})]
    problems = [p for p in check(moved, kb) if p.record == "ANXA11"]
    assert any("differ from MANE Select's" in p.message for p in problems), problems

"""Curated known variants: grown from the ClinVar-derived table by scripts/derive_known_variants.py, each with both
builds, HGVS on MANE, a class and its sources; used for curated evidence, PS1 and PM5."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from variants.vcfbuild import Rec, csq_value, known, mane, write_vcf

from charcot.knowledge import get_knowledge
from charcot.knowledge.schema.variants import Record
from charcot.model import Build
from charcot.variants.api import interpret

REPO = Path(__file__).resolve().parents[2]


def _records() -> dict[str, Record]:
    return {r.id: r for r in get_knowledge().typed("variants", Record)}


def test_many_cited_known_variants_with_both_builds() -> None:
    records = _records()
    assert len(records) >= 30
    for r in records.values():
        assert r.allele(Build.GRCh38) is not None and r.allele(Build.GRCh37) is not None, r.id
        assert r.sources and r.classification is not None, r.id
    for wanted in ("SOD1-G94A", "SOD1-I114T", "SOD1-D91A", "TARDBP-A315T", "TARDBP-G348C", "FUS-R521C", "FUS-R521H",
                   "FUS-R495X", "VCP-R155H", "VCP-R191Q", "PFN1-C71G", "UBQLN2-P497H", "KIF5A-c2993m1"):
        assert wanted in records


def test_previously_unclassified_variants_have_a_class() -> None:
    records = _records()
    for rid in ("SOD1-G94A", "SOD1-G94C", "TARDBP-G298S"):
        assert records[rid].classification is not None and records[rid].clinvar_variation is not None


def test_clinvar_table_positions_agree_with_independent_derivations() -> None:
    """M337V and A382T are exon-walk derived from a GeneBe anchor; the ClinVar table gives the same alleles."""
    records = _records()
    for rid in ("TARDBP-M337V", "TARDBP-A382T", "SOD1-A5V", "FUS-P525L"):
        r = records[rid]
        assert r.clinvar_variation is not None
    from charcot.knowledge.schema.variants import check

    assert check(list(records.values()), get_knowledge()) == []


def test_derived_table_is_reproducible() -> None:
    spec = importlib.util.spec_from_file_location("dkv", REPO / "scripts" / "derive_known_variants.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fresh = module.dumps(module.derive(module.KNOWLEDGE / "derived" / "genes.json", module.SOURCES))
    assert fresh == module.OUT.read_text(encoding="utf-8")
    # the codon arithmetic the derivation rests on: Arg (CGN) -> His (CAY) only at the second base
    assert module.feasible_bases("G", "A", "R", "H") == {2}


def _csq(alt: str, gene: str, hgvs_c: str, hgvs_p: str, protein_position: str) -> str:
    tx = mane(gene)
    return csq_value(Allele=alt, Consequence="missense_variant", IMPACT="MODERATE", SYMBOL=gene,
                     Feature_type="Transcript", Feature=tx, BIOTYPE="protein_coding", HGVSc=f"{tx}:{hgvs_c}",
                     HGVSp=f"{tx.replace('ENST', 'ENSP')}:{hgvs_p}", Protein_position=protein_position)


def test_vcp_r155h_exact_match_gets_curated_evidence_and_hotspot(tmp_path: Path) -> None:
    chrom, pos, ref, alt, hgvs_c, hgvs_p = known("VCP-R155H")
    vcf = write_vcf(tmp_path / "v.vcf.gz", [Rec(chrom, pos, ref, alt, info={"CSQ": _csq(alt, "VCP", hgvs_c, hgvs_p,
                                                                                          "155")})], csq=True)
    f = next(x for x in interpret(vcf).findings if x.gene == "VCP")
    assert f.known_variant is not None and f.known_variant["id"] == "VCP-R155H"
    applied = {e.criterion for e in f.evidence if e.applied}
    assert {"PS4", "PM1"} <= applied


def test_same_amino_acid_change_by_another_nucleotide_gets_ps1(tmp_path: Path) -> None:
    """SOD1 p.Leu145Phe: the knowledge base holds c.435G>C; c.435G>T (ClinVar 861437) is another nucleotide change."""
    chrom, pos, ref, _alt, _c, hgvs_p = known("SOD1-L145F")
    other = "T" if _alt != "T" else "A"
    vcf = write_vcf(tmp_path / "l.vcf.gz", [Rec(chrom, pos, ref, other, info={"CSQ": _csq(
        other, "SOD1", "c.435G>T", hgvs_p, "145")})], csq=True)
    f = next(x for x in interpret(vcf).findings if x.gene == "SOD1")
    ps1 = [e for e in f.evidence if e.criterion == "PS1" and e.applied]
    assert ps1 and "p.(Leu145Phe)" in ps1[0].reason


def test_kif5a_exon27_acceptor_is_derived_on_both_builds_and_classified_by_the_gene_rule(tmp_path: Path) -> None:
    from charcot.knowledge.schema.genes import Record as Gene

    r = _records()["KIF5A-c2993m1"]
    gene = next(g for g in get_knowledge().typed("genes", Gene) if g.symbol == "KIF5A")
    for build in Build:
        a, coords = r.allele(build), gene.coords(build)
        assert a is not None and coords is not None and a.ref == "G"
        exon27 = next(e for e in coords.exons if e.number == 27)
        assert a.pos == exon27.start - 1  # plus strand: the base before exon 27 is the acceptor -1
    chrom, pos, ref, alt, _c, _p = known("KIF5A-c2993m1")
    vcf = write_vcf(tmp_path / "k.vcf.gz", [Rec(chrom, pos, ref, alt)])  # unannotated: the exon table places it
    f = next(x for x in interpret(vcf).findings if x.gene == "KIF5A")
    pvs1 = [e for e in f.evidence if e.criterion == "PVS1" and e.applied]
    assert pvs1 and pvs1[0].strength == "Strong" and f.known_variant and f.known_variant["id"] == "KIF5A-c2993m1"


def test_known_pathogenic_variant_classified_lower_says_why(tmp_path: Path) -> None:
    chrom, pos, ref, alt, hgvs_c, hgvs_p = known("PFN1-C71G")
    vcf = write_vcf(tmp_path / "p.vcf.gz", [Rec(chrom, pos, ref, alt, info={"CSQ": _csq(alt, "PFN1", hgvs_c, hgvs_p,
                                                                                          "71")})], csq=True)
    f = next(x for x in interpret(vcf).findings if x.gene == "PFN1")
    assert f.classification is not None and not f.classification.at_least_likely_pathogenic
    note = next(n for n in f.notes if "knowledge base records this variant as Likely pathogenic" in n)
    assert "population frequency" in note and "predictor" in note

"""PP4 from the HPO ontology (hpo3) and the clinical diagnosis (charcot.acmg.phenotype)."""

from __future__ import annotations

from pathlib import Path

import pytest
from variants.vcfbuild import Rec, csq_value, exon, mane, write_vcf

from charcot.acmg.context import VariantContext
from charcot.acmg.phenotype import als_diagnosis, assess_pp4, check_hpo_terms
from charcot.errors import InputError
from charcot.genome.normalise import Allele
from charcot.genome.panel import ExonInterval, PanelGene
from charcot.knowledge import get_knowledge
from charcot.model import Build
from charcot.variants.api import interpret
from charcot.variants.model import Frequencies, Predictors


def _ctx(gene: str, hpo: list[str], diagnosis: str | None = None, onset_age: float | None = None) -> VariantContext:
    pg = PanelGene(gene, Build.GRCh38, "1", 100, 1000, "+", None, (ExonInterval(1, 100, 200),))
    return VariantContext(key="1-150-A-G", chrom="1", allele=Allele(150, "A", "G"), gene_symbol=gene,
                          gene=get_knowledge().gene(gene), location=pg.locate(150), consequences=["missense_variant"],
                          hgvs_p=None, protein_position=None, protein_length=None, frequencies=Frequencies(),
                          predictors=Predictors(), hpo=hpo, diagnosis=diagnosis, onset_age=onset_age)


def test_als_term_gives_pp4_supporting() -> None:
    out = assess_pp4(_ctx("TARDBP", ["HP:0007354"]))
    assert [(e.criterion, e.strength, e.points) for e in out] == [("PP4", "Supporting", 1.0)]
    assert "Amyotrophic lateral sclerosis" in out[0].reason  # label from the ontology


def test_upper_plus_lower_motor_neuron_signs_give_pp4() -> None:
    # Babinski sign (UMN, under 'Upper motor neuron dysfunction') + tongue fasciculations (LMN, under Fasciculations)
    out = assess_pp4(_ctx("FUS", ["HP:0003487", "HP:0001308"]))
    assert len(out) == 1 and out[0].strength == "Supporting"
    assert "Babinski sign" in out[0].reason and "Tongue fasciculations" in out[0].reason
    assert "S-Bro00" in out[0].sources


@pytest.mark.parametrize("terms", [["HP:0003487", "HP:0001347"],  # two UMN signs only
                                   ["HP:0001308", "HP:0012473"],  # two LMN signs only
                                   ["HP:0001250"]])  # seizure: neither
def test_one_motor_neuron_level_alone_gives_no_pp4(terms: list[str]) -> None:
    assert assess_pp4(_ctx("FUS", terms)) == []


def test_diagnosis_from_the_clinical_record_gives_pp4() -> None:
    out = assess_pp4(_ctx("SOD1", [], diagnosis="Amyotrophic lateral sclerosis (El Escorial definite)"))
    assert len(out) == 1 and "clinical record" in out[0].reason
    assert assess_pp4(_ctx("SOD1", [], diagnosis="MONDO:0004976"))


# "motor neurone disease" (MND) is the umbrella of ALS, PMA, PLS and PBP: it does not name ALS (issue 13)
@pytest.mark.parametrize(("text", "als"), [("ALS", True), ("ALS-FTD", True), ("motor neurone disease", False),
                                           ("MND", False), ("MND (ALS)", True),
                                           ("suspected ALS", False), ("ALS excluded", False), ("not ALS", False),
                                           ("multifocal motor neuropathy", False), ("ALS?", False),
                                           ("hereditary spastic paraplegia", False), ("", False),
                                           ("Amyotrophic Lateral Sclerosis", True), ("als ich", False)])
def test_als_diagnosis_text(text: str, als: bool) -> None:
    assert (als_diagnosis(text) is not None) is als


def test_risk_and_mimic_genes_get_no_als_pp4() -> None:
    assert assess_pp4(_ctx("UNC13A", ["HP:0007354"])) == []  # modifier: risk-allele scheme, no Mendelian PP4
    assert assess_pp4(_ctx("SMN1", ["HP:0007354"])) == []  # mimic: its disease is not ALS


def test_unknown_hpo_id_is_an_error() -> None:
    with pytest.raises(InputError, match="HP:9999999 is not in the Human Phenotype Ontology"):
        check_hpo_terms(["HP:0007354", "HP:9999999"])
    with pytest.raises(InputError, match="not an HPO term"):
        check_hpo_terms(["ALS"])
    assert check_hpo_terms(["hp:0003487"]) == [("HP:0003487", "Babinski sign")]


def test_cli_unknown_hpo_exits_2(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    vcf = Path(__file__).parents[1] / "data" / "variants" / "na12878_hg38_panel.vcf.gz"
    res = run_cli("interpret", vcf, "-o", tmp_path / "o.json", "--hpo", "HP:9999999")
    assert res.code == 2 and "HP:9999999" in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "o.json").exists()


def test_cli_diagnosis_gives_pp4_and_labels_come_from_the_ontology(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import json

    from variants.vcfbuild import Rec, csq_value, exon, mane, write_vcf

    chrom, start, _end, _ = exon("TARDBP", 6)
    tx = mane("TARDBP")
    csq = csq_value(Allele="T", Consequence="missense_variant", IMPACT="MODERATE", SYMBOL="TARDBP",
                    Feature_type="Transcript", Feature=tx, BIOTYPE="protein_coding", HGVSc=f"{tx}:c.1000A>T",
                    HGVSp=f"{tx.replace('ENST', 'ENSP')}:p.(Asn334Tyr)", Protein_position="334")
    vcf = write_vcf(tmp_path / "t.vcf.gz", [Rec(chrom, start + 30, "A", "T", info={"CSQ": csq})], csq=True)
    out = tmp_path / "o.json"
    res = run_cli("interpret", vcf, "-o", out, "--diagnosis", "amyotrophic lateral sclerosis")
    assert res.code == 0, res.stderr
    data = json.loads(out.read_text())
    finding = next(f for f in data["findings"] if f["gene"] == "TARDBP")
    pp4 = [e for e in finding["evidence"] if e["criterion"] == "PP4" and e["applied"]]
    assert pp4 and "diagnosis" in pp4[0]["reason"] and data["diagnosis"] == "amyotrophic lateral sclerosis"
    res = run_cli("interpret", vcf, "-o", out, "--hpo", "HP:0003487,HP:0001308")
    data = json.loads(out.read_text())
    assert data["hpo_labels"] == {"HP:0003487": "Babinski sign", "HP:0001308": "Tongue fasciculations"}
    assert data["hpo_release"]


# --- phenotype-specific PP4 (issue 13): the gene's form and age at onset must be the patient's ----------------------

def _applied(out: list) -> bool:  # type: ignore[type-arg]
    return any(e.criterion == "PP4" and e.applied for e in out)


@pytest.mark.parametrize("text", ["MND", "motor neurone disease", "Motor neuron disease (El Escorial n/a)"])
def test_mnd_umbrella_alone_gives_no_pp4_and_says_why(text: str) -> None:
    # before: "MND" counted as ALS (PP4 applied); MND is the umbrella of ALS, PMA, PLS and PBP
    out = assess_pp4(_ctx("SOD1", [], diagnosis=text))
    assert not _applied(out) and len(out) == 1
    assert "umbrella term" in out[0].reason and "does not say which" in out[0].reason


def test_mnd_with_its_form_named_gives_pp4() -> None:
    out = assess_pp4(_ctx("SOD1", [], diagnosis="MND (ALS, bulbar onset)"))
    assert _applied(out) and "'ALS'" in out[0].reason


@pytest.mark.parametrize("gene", ["ALS2", "SPG11", "SIGMAR1"])
def test_adult_als_gives_no_pp4_in_a_juvenile_gene(gene: str) -> None:
    # before: an adult ALS diagnosis gave PP4 in juvenile recessive genes
    out = assess_pp4(_ctx(gene, [], diagnosis="ALS", onset_age=58))
    assert not _applied(out) and "adult onset (onset at age 58)" in out[0].reason
    assert "juvenile-onset" in out[0].reason and "S-Lehky21" in out[0].sources


def test_juvenile_als_gives_pp4_in_a_juvenile_gene() -> None:
    out = assess_pp4(_ctx("ALS2", [], diagnosis="ALS", onset_age=14))
    assert _applied(out) and "juvenile onset (onset at age 14)" in out[0].reason
    assert {"S-Orpha300605", "S-Lehky21"} <= set(out[0].sources)


def test_unknown_onset_gives_no_pp4_in_a_juvenile_gene() -> None:
    out = assess_pp4(_ctx("SPG11", ["HP:0007354"]))
    assert not _applied(out) and "age at onset is not known" in out[0].reason


@pytest.mark.parametrize(("terms", "applied"), [
    (["HP:0007354", "HP:0003621"], True),  # Juvenile onset
    (["HP:0007354", "HP:0025709"], True),  # Intermediate young adult onset (19-25)
    (["HP:0007354", "HP:0003596"], False),  # Middle age onset
    (["HP:0007354", "HP:0003581"], False),  # Adult onset: 16 and over, straddles 25: not known
])
def test_hpo_onset_terms_place_the_onset(terms: list[str], applied: bool) -> None:
    assert _applied(assess_pp4(_ctx("ALS2", terms))) is applied


def test_adult_gene_keeps_pp4_at_any_onset() -> None:
    assert _applied(assess_pp4(_ctx("SOD1", [], diagnosis="ALS", onset_age=61)))
    assert _applied(assess_pp4(_ctx("SOD1", [], diagnosis="ALS")))


def test_pls_counts_only_for_a_gene_whose_disease_includes_it() -> None:
    out = assess_pp4(_ctx("ALS2", [], diagnosis="primary lateral sclerosis", onset_age=9))
    assert _applied(out) and "primary lateral sclerosis (PLS)" in out[0].reason
    other = assess_pp4(_ctx("SOD1", [], diagnosis="PLS"))
    assert not _applied(other) and "does not match" in other[0].reason


def test_onset_age_reaches_pp4_through_interpret(tmp_path: Path) -> None:
    # a real-header VCF with an ALS2 missense (VEP CSQ), the clinical record's ALS diagnosis, adult onset
    chrom, start, end, _ = exon("ALS2", 5)
    tx = mane("ALS2")
    csq = csq_value(Allele="T", Consequence="missense_variant", IMPACT="MODERATE", SYMBOL="ALS2",
                    Feature_type="Transcript", Feature=tx, BIOTYPE="protein_coding", HGVSc=f"{tx}:c.900G>A",
                    HGVSp="ENSP00000264276.6:p.Arg300Gln", Protein_position="300")
    vcf = write_vcf(tmp_path / "a.vcf.gz", [Rec(chrom, (start + end) // 2, "C", "T", gt="1/1", info={"CSQ": csq})],
                    csq=True)
    adult = [f for f in interpret(vcf, diagnosis="ALS", onset_age=52).findings if f.gene == "ALS2"]
    young = [f for f in interpret(vcf, diagnosis="ALS", onset_age=12).findings if f.gene == "ALS2"]
    assert adult and not any(e.criterion == "PP4" and e.applied for e in adult[0].evidence)
    assert young and any(e.criterion == "PP4" and e.applied for e in young[0].evidence)


def test_tbk1_pp4_reports_the_published_onset_ages_without_gating_on_them() -> None:
    # TBK1's onset ages (Van Mossevelde 2016: mean 62.1, range 41-73 in 16 carriers) are shown with PP4, with their
    # source; a small series' range is not a limit, so an onset outside it or an unknown onset keeps PP4
    for onset in (55, 30, None):
        out = assess_pp4(_ctx("TBK1", [], diagnosis="ALS", onset_age=onset))
        assert _applied(out), out
        assert "reported onset in TBK1 carriers: mean 62.1 ± 8.9 years, range 41-73" in out[0].reason
        assert "S-VanMos16" in out[0].sources


@pytest.mark.parametrize(("gene", "text", "source", "unverified"), [
    ("FUS", "median 39 years, range 11-80", "S-Nau19", False),
    ("UBQLN2", "16 to 71 years over 35 patients of 5 families", "S-Deng11", True),
    ("OPTN", "30 to 60 years in the Japanese patients", "S-Maruyama10", True),
])
def test_reported_onset_is_shown_with_its_source_and_confidence(gene: str, text: str, source: str,
                                                                unverified: bool) -> None:
    # juvenile (14) and late (75) onsets both keep PP4: these genes' onset spans both, the ages are information
    for onset in (14, 75):
        out = assess_pp4(_ctx(gene, [], diagnosis="ALS", onset_age=onset))
        assert _applied(out), out
        assert f"reported onset in {gene} carriers: {text}" in out[0].reason and source in out[0].sources
        assert ("unverified: the onset" in out[0].reason) is unverified

"""Unit checks of the points table, class boundaries, predictor bins and exon-table positions."""

from __future__ import annotations

import pytest

from charcot.acmg.computational import assess_computational
from charcot.acmg.context import VariantContext
from charcot.acmg.points import class_for_points, label, points_for
from charcot.genome.normalise import Allele, left_shiftable, trim
from charcot.genome.panel import ExonInterval, PanelGene, Region, knowledge_panel
from charcot.model import AcmgClass, Build, Evidence
from charcot.variants.annotation import clinvar_stars, parse_missense, vep_allele
from charcot.variants.model import Frequencies, Predictors


@pytest.mark.parametrize(("points", "cls"), [
    (10, AcmgClass.PATHOGENIC), (9, AcmgClass.LIKELY_PATHOGENIC), (6, AcmgClass.LIKELY_PATHOGENIC),
    (5, AcmgClass.VUS), (0, AcmgClass.VUS), (-1, AcmgClass.LIKELY_BENIGN), (-6, AcmgClass.LIKELY_BENIGN),
    (-7, AcmgClass.BENIGN)])
def test_class_boundaries_tavtigian_2020(points: int, cls: AcmgClass) -> None:
    assert class_for_points(points) == cls


def test_points_and_labels() -> None:
    assert points_for("PVS1", "VeryStrong") == 8 and points_for("BS1", "Strong") == -4
    assert points_for("PM2", "Supporting") == 1 and points_for("BP4", "Moderate") == -2
    assert label(Evidence(criterion="PM2", strength="Supporting", reason="")) == "PM2_Supporting"
    assert label(Evidence(criterion="PS3", strength="Strong", reason="")) == "PS3"


def _ctx(terms: list[str] | None, **pred: float) -> VariantContext:
    gene = PanelGene("X", Build.GRCh38, "1", 100, 1000, "+", None, (ExonInterval(1, 100, 200),))
    return VariantContext(key="1-150-A-G", chrom="1", allele=Allele(150, "A", "G"), gene_symbol="X", gene=None,
                          location=gene.locate(150), consequences=terms, hgvs_p=None, protein_position=None,
                          protein_length=None, frequencies=Frequencies(), predictors=Predictors(**pred))


@pytest.mark.parametrize(("revel", "criterion", "strength"), [
    (0.95, "PP3", "Strong"), (0.80, "PP3", "Moderate"), (0.65, "PP3", "Supporting"), (0.50, None, None),
    (0.25, "BP4", "Supporting"), (0.10, "BP4", "Moderate"), (0.01, "BP4", "Strong"), (0.002, "BP4", "VeryStrong")])
def test_revel_bins_pejaver_2022(revel: float, criterion: str | None, strength: str | None) -> None:
    out = assess_computational(_ctx(["missense_variant"], revel=revel))
    if criterion is None:
        assert out == []
    else:
        assert [(e.criterion, e.strength) for e in out] == [(criterion, strength)]


def test_spliceai_and_bp7() -> None:
    assert [e.criterion for e in assess_computational(_ctx(["intron_variant"], spliceai_max=0.5))] == ["PP3"]
    assert [e.criterion for e in assess_computational(_ctx(["synonymous_variant"], spliceai_max=0.02))] == ["BP7"]
    assert assess_computational(_ctx(None, spliceai_max=0.02)) == []  # unannotated: no BP7


def test_minus_strand_positions() -> None:
    # two exons on '-': exon 1 is the right-most; the base after exon 2's end (genomic) is intron 1 acceptor side
    g = PanelGene("M", Build.GRCh38, "1", 100, 1000, "-", None,
                  (ExonInterval(2, 100, 200), ExonInterval(1, 800, 1000)))
    assert g.locate(201).region == Region.SPLICE_ACCEPTOR  # 3' of intron 1 in transcript direction
    assert g.locate(799).region == Region.SPLICE_DONOR
    assert g.locate(150).exon == 2 and g.locate(150).last_exon and g.locate(150).nmd_escape
    assert g.locate(500).region == Region.INTRON and g.locate(500).intron == 1
    assert g.locate(1005).region == Region.UPSTREAM


def test_real_panel_exon_positions() -> None:
    panel = knowledge_panel(Build.GRCh38)
    sod1 = panel.gene("SOD1")
    assert sod1 is not None and sod1.exon_count == 5 and sod1.strand == "+"
    first = min(sod1.exons, key=lambda e: e.number)
    assert sod1.locate(first.end + 1).region == Region.SPLICE_DONOR
    assert panel.bed().count("\n") == len(panel.regions())


def test_normalisation_helpers() -> None:
    assert trim(100, "CAA", "CA") == Allele(100, "CA", "C")
    assert left_shiftable(Allele(10, "GAG", "G")) and not left_shiftable(Allele(10, "GAT", "G"))
    assert left_shiftable(Allele(10, "A", "ATA")) and not left_shiftable(Allele(10, "A", "ATC"))
    assert vep_allele("CAA", ["C", "CA"], "CA") == "A" and vep_allele("C", ["T"], "T") == "T"


def test_annotation_helpers() -> None:
    assert parse_missense("ENSP1:p.Ala5Val") == ("Ala", 5, "Val")
    assert parse_missense("p.(Pro525Leu)") == ("Pro", 525, "Leu")
    assert parse_missense("p.A4V") == ("Ala", 4, "Val") and parse_missense("p.Arg150Ter") is None
    assert clinvar_stars("criteria_provided,_multiple_submitters,_no_conflicts") == 2
    assert clinvar_stars("reviewed_by_expert_panel") == 3 and clinvar_stars(None) is None


@pytest.mark.parametrize("predictor", [{"revel": 0.10}, {"cadd_phred": 15.0}])
def test_bp4_is_withheld_when_spliceai_sees_a_possible_splicing_effect(predictor: dict[str, float]) -> None:
    # SpliceAI 0.15: above BP4's 0.1, below PP3's 0.2; REVEL withheld BP4 here, CADD did not (regression)
    out = assess_computational(_ctx(["missense_variant"], spliceai_max=0.15, **predictor))
    assert [e.criterion for e in out] == []
    assert [e.criterion for e in assess_computational(_ctx(["missense_variant"], spliceai_max=0.05, **predictor))] \
        == ["BP4"]


@pytest.mark.parametrize(("pos", "criterion"), [(204, "BP4"), (210, "BP7"), (285, "BP4"), (275, "BP7")])
def test_bp7_reaches_intronic_variants_only_beyond_plus7_and_minus21(pos: int, criterion: str) -> None:
    # exons 100-200 and 300-400 on '+': 204 is +4, 210 is +10, 285 is -15, 275 is -25 (Walker 2023); closer to the
    # splice site a SpliceAI score <= 0.1 is BP4, not BP7 (regression: +4 got BP7)
    gene = PanelGene("X", Build.GRCh38, "1", 100, 1000, "+", None, (ExonInterval(1, 100, 200), ExonInterval(2, 300, 400)))
    ctx = VariantContext(key=f"1-{pos}-A-G", chrom="1", allele=Allele(pos, "A", "G"), gene_symbol="X", gene=None,
                         location=gene.locate(pos), consequences=["splice_region_variant", "intron_variant"],
                         hgvs_p=None, protein_position=None, protein_length=None, frequencies=Frequencies(),
                         predictors=Predictors(spliceai_max=0.05))
    assert [e.criterion for e in assess_computational(ctx)] == [criterion]


@pytest.mark.parametrize("predictor", [{"revel": 0.01}, {"cadd_phred": 15.0}])
def test_bp4_needs_a_splicing_score_for_a_missense_change_in_the_exonic_splice_region(
        predictor: dict[str, float]) -> None:
    """A missense change in the last or first 3 bases of an exon can act through splicing, which REVEL and CADD do
    not see. Without a SpliceAI score, BP4 (up to Strong from REVEL, i.e. 'likely benign' by itself) was applied
    there; it is now withheld with a note. In the middle of an exon, or with SpliceAI <= 0.1, it still applies."""
    gene = PanelGene("X", Build.GRCh38, "1", 100, 1000, "+", None, (ExonInterval(1, 100, 200), ExonInterval(2, 300, 400)))

    def ctx(pos: int, **more: float) -> VariantContext:
        return VariantContext(key=f"1-{pos}-A-G", chrom="1", allele=Allele(pos, "A", "G"), gene_symbol="X", gene=None,
                              location=gene.locate(pos), consequences=["missense_variant"], hgvs_p=None,
                              protein_position=None, protein_length=None, frequencies=Frequencies(),
                              predictors=Predictors(**predictor, **more))

    edge = ctx(199)
    assert gene.locate(199).region == Region.SPLICE_REGION_EXONIC
    assert assess_computational(edge) == []
    assert any("SpliceAI" in note and "BP4" in note for note in edge.notes), edge.notes
    assert [e.criterion for e in assess_computational(ctx(199, spliceai_max=0.05))] == ["BP4"]
    assert [e.criterion for e in assess_computational(ctx(150))] == ["BP4"]

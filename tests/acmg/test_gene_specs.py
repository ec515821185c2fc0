"""The ALS gene specifications (knowledge/data/gene_specs.yaml), one test per rule, through interpret() on VCFs
built from a real header at exon positions derived from the knowledge base (never typed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from variants.resourcebuild import gnomad_vcf
from variants.vcfbuild import Rec, csq_value, exon, exon_count, mane, write_vcf

from charcot.acmg.context import VariantContext
from charcot.acmg.genespecs import frequency_thresholds, spec_for
from charcot.genome.normalise import Allele
from charcot.genome.panel import ExonInterval, PanelGene
from charcot.knowledge import get_knowledge
from charcot.knowledge.schema.gene_specs import Record as SpecRecord
from charcot.knowledge.schema.gene_specs import check
from charcot.model import AcmgClass, Build, Evidence
from charcot.variants.api import interpret
from charcot.variants.model import Frequencies, Predictors, VariantFinding


def _one(findings: list[VariantFinding], gene: str) -> VariantFinding:
    hits = [f for f in findings if f.gene == gene]
    assert len(hits) == 1, [f.key for f in findings]
    return hits[0]


def _applied(f: VariantFinding) -> dict[str, Evidence]:
    return {e.criterion: e for e in f.evidence if e.applied}


def _csq(alt: str, gene: str, consequence: str, hgvs_p: str = "", protein_position: str = "") -> str:
    tx = mane(gene)
    return csq_value(Allele=alt, Consequence=consequence, IMPACT="HIGH", SYMBOL=gene, Feature_type="Transcript",
                     Feature=tx, BIOTYPE="protein_coding", HGVSc=f"{tx}:c.1A>T",
                     HGVSp=f"{tx.replace('ENST', 'ENSP')}:{hgvs_p}" if hgvs_p else "",
                     Protein_position=protein_position)


def _stop_in_exon(tmp_path: Path, gene: str, number: int, hgvs_p: str, pos_aa: str,
                  consequence: str = "stop_gained") -> VariantFinding:
    chrom, start, end, _ = exon(gene, number)
    pos = (start + end) // 2
    vcf = write_vcf(tmp_path / f"{gene}{number}.vcf.gz", [Rec(chrom, pos, "C", "T", info={"CSQ": _csq(
        "T", gene, consequence, hgvs_p, pos_aa)})], csq=True)
    return _one(interpret(vcf).findings, gene)


def _acceptor_of(tmp_path: Path, gene: str, number: int, **kw: object) -> VariantFinding:
    """Unannotated SNV at the -2 base of the acceptor site of exon ``number`` (the exon table alone places it)."""
    chrom, start, end, strand = exon(gene, number)
    pos = start - 2 if strand == "+" else end + 2
    vcf = write_vcf(tmp_path / f"{gene}a{number}.vcf.gz", [Rec(chrom, pos, "A", "G")])
    return _one(interpret(vcf, **kw).findings, gene)  # type: ignore[arg-type]


# --- KIF5A: only the C-terminal class is ALS ---------------------------------------------------------------

def test_kif5a_n_terminal_truncation_is_not_pvs1_for_als(tmp_path: Path) -> None:
    f = _stop_in_exon(tmp_path, "KIF5A", 5, "p.(Arg150Ter)", "150")
    pvs1 = next(e for e in f.evidence if e.criterion == "PVS1")
    assert not pvs1.applied and "KIF5A-not-ALS-region" in pvs1.reason and "SPG10" in pvs1.reason
    assert "S-Reid02" in pvs1.sources and f.classification == AcmgClass.VUS


def test_kif5a_exon27_splice_site_is_pvs1_strong(tmp_path: Path) -> None:
    assert exon_count("KIF5A") > 27
    f = _acceptor_of(tmp_path, "KIF5A", 27)
    pvs1 = _applied(f)["PVS1"]
    assert pvs1.strength == "Strong" and "KIF5A-exon27-splice" in pvs1.reason and "S-Brenner18" in pvs1.sources


def test_kif5a_splice_site_of_another_exon_is_not_pvs1(tmp_path: Path) -> None:
    f = _acceptor_of(tmp_path, "KIF5A", 10)
    assert "PVS1" not in _applied(f)
    assert any(e.criterion == "PVS1" and "KIF5A-not-ALS-region" in e.reason for e in f.evidence)


# --- FUS and SOD1: gain-of-function truncation classes ------------------------------------------------------

def test_fus_exon14_nonsense_is_a_gain_of_function_class(tmp_path: Path) -> None:
    f = _stop_in_exon(tmp_path, "FUS", 14, "p.(Arg495Ter)", "495")
    pm1 = _applied(f)["PM1"]
    assert pm1.strength == "Strong" and pm1.points == 4 and "FUS-NLS-truncation" in pm1.reason
    assert "PVS1" not in _applied(f)


def test_fus_early_truncation_gets_no_class_rule(tmp_path: Path) -> None:
    f = _stop_in_exon(tmp_path, "FUS", 3, "p.(Gln50Ter)", "50")
    assert "PM1" not in _applied(f) and "PVS1" not in _applied(f)


def test_sod1_c_terminal_truncation_counts(tmp_path: Path) -> None:
    last = exon_count("SOD1")
    f = _stop_in_exon(tmp_path, "SOD1", last, "p.(Gly128GlufsTer7)", "128", "frameshift_variant")
    pm1 = _applied(f)["PM1"]
    assert pm1.strength == "Moderate" and "SOD1-C-terminal-truncation" in pm1.reason and "S-Jon04" in pm1.sources
    f2 = _stop_in_exon(tmp_path, "SOD1", 2, "p.(Gln22Ter)", "22")
    assert "PM1" not in _applied(f2)


# --- PVS1 decision tree: canonical splice site flanking the penultimate exon --------------------------------

def _lof_gene_with_out_of_frame_penultimate() -> tuple[str, int]:
    kb = get_knowledge()
    for g in kb.genes:
        spec = spec_for(g.symbol)
        if not (g.acmg and g.acmg.lof_is_mechanism) or (spec is not None and spec.rules):
            continue
        if g.role.value != "causal":
            continue
        coords = g.coords(Build.GRCh37)
        if coords is None or len(coords.exons) < 4:
            continue
        pen = next(e for e in coords.exons if e.number == len(coords.exons) - 1)
        if (pen.end - pen.start + 1) % 3:
            return g.symbol, pen.number
    raise AssertionError("no LoF gene with an out-of-frame penultimate exon")


def test_splice_site_of_penultimate_exon_checks_nmd_escape(tmp_path: Path) -> None:
    gene, number = _lof_gene_with_out_of_frame_penultimate()
    f = _acceptor_of(tmp_path, gene, number)
    pvs1 = _applied(f)["PVS1"]
    # before: VeryStrong "predicted to cause NMD"; the new stop lies in the last exon, so NMD is escaped
    assert pvs1.strength == "Moderate" and "escape NMD" in pvs1.reason and "penultimate" in pvs1.reason


# --- risk genes and capped roles -----------------------------------------------------------------------------

def _strong_extra(f_key: str) -> dict[str, list[Evidence]]:
    return {f_key: [Evidence(criterion="PS2", strength="VeryStrong", points=8, reason="de novo, confirmed"),
                    Evidence(criterion="PS4", strength="Strong", points=4, reason="case-control")]}


def test_nek1_loss_of_function_is_a_likely_risk_allele_never_lp(tmp_path: Path) -> None:
    chrom, start, end, _ = exon("NEK1", 5)
    pos = (start + end) // 2
    vcf = write_vcf(tmp_path / "n.vcf.gz", [Rec(chrom, pos, "C", "T", info={"CSQ": _csq(
        "T", "NEK1", "stop_gained", "p.(Arg150Ter)", "150")})], csq=True)
    key = f"{chrom}-{pos}-C-T"
    f = _one(interpret(vcf, extra_evidence=_strong_extra(key)).findings, "NEK1")
    assert f.points >= 10 and f.classification == AcmgClass.VUS  # 12 points, but never Mendelian P/LP
    assert f.risk_allele is not None and f.risk_allele.category == "likely risk allele"
    assert "S-CGlowpen" in f.risk_allele.sources and "S-Ken16" in f.risk_allele.sources
    assert "PVS1" not in _applied(f)


def test_unc13a_variant_is_an_uncertain_risk_allele(tmp_path: Path) -> None:
    chrom, start, end, _ = exon("UNC13A", 3)
    pos = (start + end) // 2
    vcf = write_vcf(tmp_path / "u.vcf.gz", [Rec(chrom, pos, "C", "T", info={"CSQ": _csq(
        "T", "UNC13A", "missense_variant", "p.(Arg100Cys)", "100")})], csq=True)
    f = _one(interpret(vcf).findings, "UNC13A")
    assert f.risk_allele is not None and f.risk_allele.category == "uncertain risk allele"


def test_limited_gene_is_capped_at_vus(tmp_path: Path) -> None:
    chrom, start, end, _ = exon("FIG4", 4)
    pos = (start + end) // 2
    vcf = write_vcf(tmp_path / "g.vcf.gz", [Rec(chrom, pos, "C", "T", info={"CSQ": _csq(
        "T", "FIG4", "stop_gained", "p.(Arg150Ter)", "150")})], csq=True)
    f = _one(interpret(vcf, extra_evidence=_strong_extra(f"{chrom}-{pos}-C-T")).findings, "FIG4")
    assert f.points >= 10 and f.classification == AcmgClass.VUS and f.risk_allele is None
    assert any("uncertain significance at most" in n for n in f.notes)
    pvs1 = next(e for e in f.evidence if e.criterion == "PVS1")
    assert not pvs1.applied and "Limited" in pvs1.reason


def test_mimic_gene_null_variant_is_classified_for_its_own_disease(tmp_path: Path) -> None:
    f = _stop_in_exon(tmp_path, "ERLIN1", 3, "p.(Arg80Ter)", "80")
    pvs1 = _applied(f)["PVS1"]
    assert "spastic paraplegia 62" in pvs1.reason and "S-CG25b" in pvs1.sources


# --- PM1 hotspots ---------------------------------------------------------------------------------------------

def _ctx(gene: str, consequence: str, position: int) -> VariantContext:
    pg = PanelGene(gene, Build.GRCh38, "1", 100, 1000, "+", None, (ExonInterval(1, 100, 200),))
    return VariantContext(key="1-150-A-G", chrom="1", allele=Allele(150, "A", "G"), gene_symbol=gene,
                          gene=get_knowledge().gene(gene), location=pg.locate(150), consequences=[consequence],
                          hgvs_p=None, protein_position=position, protein_length=800, frequencies=Frequencies(),
                          predictors=Predictors())


@pytest.mark.parametrize(("gene", "residue", "hit"), [("VCP", 155, True), ("VCP", 156, False), ("PFN1", 71, True),
                                                       ("UBQLN2", 497, True), ("FUS", 521, True)])
def test_pm1_hotspots(gene: str, residue: int, hit: bool) -> None:
    from charcot.acmg.domains import assess_pm1

    out = assess_pm1(_ctx(gene, "missense_variant", residue))
    assert bool(out) is hit
    if hit:
        assert out[0].criterion == "PM1" and out[0].points == 2


# --- frequency thresholds with their derivation ---------------------------------------------------------------

def test_gene_specific_frequency_thresholds_are_derived() -> None:
    t = frequency_thresholds(_ctx("SOD1", "missense_variant", 5))
    assert t is not None
    # Whiffin: 1/350 x 0.02 x 0.5 / 0.5 / 2 = 2.86e-5 -> 2.9e-5; PM2 a tenth; BA1 0.1 % (above the lenient 2.9e-4)
    assert (t.bs1, t.pm2_max, t.ba1) == (2.9e-05, 2.9e-06, 0.001)
    assert "1/350" in t.derivation and "S-Whiffin17" in t.sources and "S-Oza18" in t.sources
    tardbp = frequency_thresholds(_ctx("TARDBP", "missense_variant", 300))
    assert tardbp is not None and tardbp.bs1 == 5.7e-05


# --- validator: mechanism-vs-PVS1 contradictions ---------------------------------------------------------------

def test_validator_flags_mechanism_pvs1_contradictions() -> None:
    kb = get_knowledge()
    specs = kb.typed("gene_specs", SpecRecord)
    assert check(specs, kb) == []
    without = [s for s in specs if s.gene not in ("ERLIN1", "SMN1")]
    flagged = {p.record for p in check(without, kb)}
    assert {"ERLIN1", "SMN1"} <= flagged
    nek1 = next(s for s in specs if s.gene == "NEK1")
    broken = [s for s in specs if s.gene != "NEK1"] + [nek1.model_copy(update={"risk_scheme": None})]
    assert any(p.record == "NEK1" and "risk_scheme" in p.message for p in check(broken, kb))


def test_gene_specific_ba1_applies_through_the_frequency_module(tmp_path: Path) -> None:
    """SOD1's BA1 is 0.1 % (gene_specs.yaml), not the generic 5 %: a SOD1 missense at 0.2 % FAF95 is benign by BA1,
    one at 0.05 % only gets BS1."""

    chrom, start, end, _ = exon("SOD1", 4)
    pos = (start + end) // 2
    vcf = write_vcf(tmp_path / "s.vcf.gz", [Rec(chrom, pos, "C", "T", info={"CSQ": _csq(
        "T", "SOD1", "missense_variant", "p.(Gly100Ser)", "100")})], csq=True)
    out = {}
    for af in (0.002, 0.0005):
        d = tmp_path / str(af)
        d.mkdir()
        # gnomAD v2.1 exomes (the release's real GRCh37 header), one record
        gz = gnomad_vcf(d / "g.vcf.bgz", [(chrom, pos, "C", "T", {"AF": af, "AN": 1400000})], build=Build.GRCh37)
        out[af] = _one(interpret(vcf, gnomad=gz).findings, "SOD1")
    assert "BA1" in _applied(out[0.002]) and out[0.002].classification == AcmgClass.BENIGN
    assert "BA1" not in _applied(out[0.0005]) and "BS1" in _applied(out[0.0005])


def test_established_risk_allele_survives_benign_frequency() -> None:
    """NEK1 p.Arg261His is common enough for BS1 under the Mendelian thresholds; it stays an established risk
    allele (risk alleles are common by nature)."""
    from charcot.acmg.engine import evaluate

    ctx = _ctx("NEK1", "missense_variant", 261)
    ctx.hgvs_p = "ENSP0:p.(Arg261His)"
    ctx.frequencies = Frequencies(af=0.004, faf95=0.004, grpmax_af=0.005, an=1_400_000, grpmax_an=600_000,
                                  searched=True, source="gnomAD test")
    result = evaluate(ctx)
    assert result.classification == AcmgClass.LIKELY_BENIGN
    assert any(e.criterion == "BS1" and e.applied for e in result.evidence)
    assert result.risk_allele is not None and result.risk_allele.category == "established risk allele"


def test_label_names_pvs1_without_its_default_strength() -> None:
    from charcot.acmg.points import label

    assert label(Evidence(criterion="PVS1", strength="VeryStrong", points=8, reason="x")) == "PVS1"
    assert label(Evidence(criterion="PVS1", strength="Strong", points=4, reason="x")) == "PVS1_Strong"


def test_user_facing_rule_text_cites_sources_not_the_research_notes() -> None:
    kb = get_knowledge()
    texts: list[str] = []
    for spec in kb.typed("gene_specs", SpecRecord):
        texts += [r.reason for r in spec.rules] + ([spec.pvs1.reason] if spec.pvs1 else [])
    for g in kb.genes:
        if g.acmg is not None:
            texts += [g.acmg.lof_note, *(e.effect for e in g.acmg.exceptions)]
    from charcot.knowledge.schema.variants import Record as VariantRecord

    for v in kb.typed("variants", VariantRecord):
        texts += [c.reason + " " + (c.confidence_note or "") for c in v.curated_evidence]
    assert texts and not [t for t in texts if "research notes" in t.lower()]


@pytest.mark.parametrize(("gene", "applied", "words"), [
    ("SMN1", True, "spinal muscular atrophy"),  # mimic: classified for its own disease
    ("SIGMAR1", False, "not established"),
    ("C9orf72", False, "repeat expansion"),
    ("ANG", False, "Limited"),
])
def test_mechanism_and_pvs1_agree_for_the_formerly_contradictory_genes(tmp_path: Path, gene: str, applied: bool,
                                                                       words: str) -> None:
    f = _stop_in_exon(tmp_path, gene, 2, "p.(Arg40Ter)", "40")
    pvs1 = next(e for e in f.evidence if e.criterion == "PVS1")
    assert pvs1.applied is applied and words in pvs1.reason


def test_mimic_gene_pathogenic_class_names_its_disease(tmp_path: Path) -> None:
    chrom, start, end, _ = exon("SMN1", 2)
    pos = (start + end) // 2
    vcf = write_vcf(tmp_path / "m.vcf.gz", [Rec(chrom, pos, "C", "T", info={"CSQ": _csq(
        "T", "SMN1", "stop_gained", "p.(Arg40Ter)", "40")})], csq=True)
    key = f"{chrom}-{pos}-C-T"
    extra = {key: [Evidence(criterion="PM3", strength="Strong", points=4, reason="in trans with a deletion")]}
    f = _one(interpret(vcf, extra_evidence=extra).findings, "SMN1")
    assert f.classification.at_least_likely_pathogenic
    assert any("ALS mimic gene" in n and "spinal muscular atrophy" in n for n in f.notes)


def test_intronic_variant_in_a_risk_gene_gets_no_risk_category(tmp_path: Path) -> None:
    chrom, start, _end, strand = exon("UNC13A", 3)
    pos = start - 200 if strand == "+" else _end + 200  # deep intronic, unannotated
    vcf = write_vcf(tmp_path / "i.vcf.gz", [Rec(chrom, pos, "C", "T")])
    f = _one(interpret(vcf).findings, "UNC13A")
    assert f.risk_allele is None and f.classification == AcmgClass.VUS


def test_risk_allele_column_in_the_tsv(tmp_path: Path) -> None:
    from charcot.variants.api import to_tsv

    chrom, start, end, _ = exon("NEK1", 5)
    vcf = write_vcf(tmp_path / "n.vcf.gz", [Rec(chrom, (start + end) // 2, "C", "T", info={"CSQ": _csq(
        "T", "NEK1", "stop_gained", "p.(Arg150Ter)", "150")})], csq=True)
    header, row = to_tsv(interpret(vcf)).splitlines()[:2]
    cells = dict(zip(header.split("\t"), row.split("\t"), strict=True))
    assert cells["risk_allele"] == "likely risk allele"


def test_every_gene_threshold_is_derived_and_ordered() -> None:
    specs = [s for s in get_knowledge().typed("gene_specs", SpecRecord) if s.frequency is not None]
    assert len(specs) >= 15
    for s in specs:
        assert s.frequency is not None
        t = s.frequency.thresholds()
        assert t.ba1 > t.bs1 > t.pm2_max > 0, s.gene
        assert abs(t.pm2_max - float(f"{t.bs1 / 10:.2g}")) < 1e-12, s.gene  # PM2 at a tenth of BS1
        assert "S-Whiffin17" in t.sources and "BS1" in t.derivation, s.gene
    recessive = next(s for s in specs if s.gene == "ALS2")
    assert recessive.frequency is not None and recessive.frequency.bs1 == 0.0053  # sqrt(1/350 x 0.01)

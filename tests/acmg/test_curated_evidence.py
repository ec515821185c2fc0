"""Variant-level curated ACMG evidence from the knowledge base (charcot.acmg.curated).

VCFs are built at run time on real headers (tests/variants/vcfbuild.py) with the known variants placed at
the knowledge base's own coordinates on each build (never typed here). The VCFs are unannotated, like the demo.
"""

from __future__ import annotations

from pathlib import Path

import pysam
import pytest
from pydantic import ValidationError
from variants.vcfbuild import Rec, known, write_vcf

from charcot.acmg.curated import PREFIX
from charcot.knowledge import get_knowledge
from charcot.knowledge.schema.variants import CuratedCriterion, Record, _check_curated_pm2
from charcot.model import AcmgClass, Build, Evidence
from charcot.variants.api import interpret
from charcot.variants.model import VariantFinding

ALS_HPO = ["HP:0007354"]  # amyotrophic lateral sclerosis


def _sod1(findings: list[VariantFinding]) -> VariantFinding:
    hits = [f for f in findings if f.gene == "SOD1"]
    assert len(hits) == 1, [f.key for f in findings]
    return hits[0]


def _applied(f: VariantFinding) -> dict[str, Evidence]:
    return {e.criterion: e for e in f.evidence if e.applied}


def _curated(f: VariantFinding) -> list[Evidence]:
    return [e for e in f.evidence if e.reason.startswith(PREFIX)]


def _a4v_record() -> Record:
    for r in get_knowledge().records("variants"):
        if getattr(r, "id", None) == "SOD1-A5V":
            assert isinstance(r, Record)
            return r
    raise AssertionError("SOD1-A5V not in the knowledge base")


@pytest.mark.parametrize("build", [Build.GRCh37, Build.GRCh38])
def test_a4v_in_unannotated_vcf_is_pathogenic_by_curated_evidence(tmp_path: Path, build: Build) -> None:
    chrom, pos, ref, alt, _c, _p = known("SOD1-A5V", build)
    vcf = write_vcf(tmp_path / "a4v.vcf.gz", [Rec(chrom, pos, ref, alt)], build=build)
    f = _sod1(interpret(vcf, hpo=ALS_HPO).findings)
    assert f.build == build.value and f.pos == pos
    # unannotated VCF: the consequence and the name come from the knowledge base's curated HGVS (exact allele)
    assert f.consequence == ["missense_variant"] and f.consequence_source == "knowledge base (curated HGVS)"
    assert (f.transcript, f.hgvs_c, f.hgvs_p) == ("NM_000454.5", "NM_000454.5:c.14C>T", "p.(Ala5Val)")
    assert f.classification in (AcmgClass.PATHOGENIC, AcmgClass.LIKELY_PATHOGENIC)
    applied = _applied(f)
    assert {"PS4", "PP1", "PM2", "PP4"} <= set(applied)
    curated = {e.criterion: e for e in _curated(f) if e.applied}
    assert set(curated) == {"PS4", "PP1", "PM2"}
    assert curated["PS4"].strength == "Strong" and curated["PS4"].points == 4
    assert curated["PP1"].strength == "Strong" and curated["PP1"].points == 4
    assert curated["PM2"].strength == "Supporting" and curated["PM2"].points == 1
    # the PM2 comparison is computed against SOD1's threshold in the knowledge base
    pm2_max = get_knowledge().gene("SOD1").acmg.frequency.pm2_max  # type: ignore[union-attr]
    assert f"PM2 maximum {pm2_max:g}" in curated["PM2"].reason
    assert f.points == sum(e.points for e in f.evidence if e.applied)
    record_sources = set(_a4v_record().sources)
    for e in curated.values():
        assert e.sources and record_sources <= set(e.sources)
    # PP1_Strong is marked unverified in the knowledge base: said in its reason and in the notes
    assert "(unverified" in curated["PP1"].reason and "(unverified" not in curated["PS4"].reason
    assert any("unverified" in n and "PP1_Strong" in n for n in f.notes)
    assert any("PM2 rests on the frequency recorded in the knowledge base" in n for n in f.notes)
    # the record's classification and ClinVar assertion are still only displayed
    assert f.known_variant is not None and f.known_variant["id"] == "SOD1-A5V"
    assert not {"PP5", "BP6"} & {e.criterion for e in f.evidence}


@pytest.mark.parametrize("build", [Build.GRCh37, Build.GRCh38])
def test_other_allele_at_the_same_position_gets_no_curated_evidence(tmp_path: Path, build: Build) -> None:
    chrom, pos, ref, alt, _c, _p = known("SOD1-A5V", build)
    other = next(b for b in "ACGT" if b not in (ref, alt))
    vcf = write_vcf(tmp_path / "other.vcf.gz", [Rec(chrom, pos, ref, other)], build=build)
    f = _sod1(interpret(vcf, hpo=ALS_HPO).findings)
    assert f.alt == other and f.known_variant is None
    assert _curated(f) == []
    assert not {"PS4", "PP1", "PM2"} & set(_applied(f))
    # no annotation and no knowledge-base entry for this allele: not classified (never a VUS by default)
    assert f.classification is None and f.not_classified is not None
    assert "consequence unknown" in f.not_classified and "--reference" in f.not_classified


def _clinvar_vcf(tmp_path: Path, chrom: str, pos: int, ref: str, alt: str) -> Path:
    header = ["##fileformat=VCFv4.1", "##reference=GRCh37",
              '##INFO=<ID=CLNSIG,Number=.,Type=String,Description="Clinical significance">',
              '##INFO=<ID=CLNREVSTAT,Number=.,Type=String,Description="Review status">',
              f"##contig=<ID={chrom}>",
              "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO"]
    rev = "criteria_provided,_multiple_submitters,_no_conflicts"
    plain = tmp_path / "clinvar.vcf"
    plain.write_text("\n".join([*header, f"{chrom}\t{pos}\t999\t{ref}\t{alt}\t.\t.\tCLNSIG=Pathogenic;"
                                          f"CLNREVSTAT={rev}"]) + "\n")
    out = tmp_path / "clinvar.vcf.gz"
    pysam.tabix_compress(str(plain), str(out), force=True)
    pysam.tabix_index(str(out), preset="vcf", force=True)
    return out


def test_clinvar_and_kb_classification_alone_are_not_counted(tmp_path: Path) -> None:
    """SOD1 p.Asp91Ala has a knowledge-base classification but no curated evidence; a 2-star ClinVar
    Pathogenic assertion for the same allele is displayed and adds no points."""
    chrom, pos, ref, alt, _c, _p = known("SOD1-D91A")
    vcf = write_vcf(tmp_path / "d.vcf.gz", [Rec(chrom, pos, ref, alt)])
    clinvar = _clinvar_vcf(tmp_path, chrom, pos, ref, alt)
    bare = _sod1(interpret(vcf, hpo=ALS_HPO).findings)
    with_cv = _sod1(interpret(vcf, hpo=ALS_HPO, clinvar=clinvar).findings)
    assert with_cv.clinvar is not None and with_cv.clinvar.significance == "Pathogenic"
    assert with_cv.known_variant is not None and with_cv.known_variant["classification"] == "Pathogenic"
    assert _curated(with_cv) == [] and _curated(bare) == []
    assert with_cv.points == bare.points and with_cv.classification == bare.classification == AcmgClass.VUS
    assert not {"PP5", "BP6"} & {e.criterion for e in with_cv.evidence}
    assert any("not counted as evidence" in n for n in with_cv.notes)


def test_supplied_family_evidence_is_not_double_counted(tmp_path: Path) -> None:
    chrom, pos, ref, alt, _c, _p = known("SOD1-A5V")
    vcf = write_vcf(tmp_path / "a4v.vcf.gz", [Rec(chrom, pos, ref, alt)])
    key = f"{chrom}-{pos}-{ref}-{alt}"
    extra = {key: [Evidence(criterion="PS4", strength="Moderate", points=2, reason="clinic's own probands"),
                   Evidence(criterion="PP1", strength="Strong", points=4, reason="segregation in this family")]}
    f = _sod1(interpret(vcf, hpo=ALS_HPO, extra_evidence=extra).findings)
    ps4 = [e for e in f.evidence if e.criterion == "PS4"]
    pp1 = [e for e in f.evidence if e.criterion == "PP1"]
    assert len(ps4) == 2 and len(pp1) == 2
    # PS4: the curated Strong beats the supplied Moderate
    (ps4_kept,) = [e for e in ps4 if e.applied]
    assert ps4_kept.reason.startswith(PREFIX) and "instead of the supplied PS4_Moderate" in ps4_kept.reason
    (ps4_dropped,) = [e for e in ps4 if not e.applied]
    assert ps4_dropped.points == 0 and "curated PS4" in ps4_dropped.reason
    # PP1: a tie keeps the supplied (case-specific) evidence
    (pp1_kept,) = [e for e in pp1 if e.applied]
    assert pp1_kept.reason == "segregation in this family"
    (pp1_dropped,) = [e for e in pp1 if not e.applied]
    assert pp1_dropped.reason.startswith(PREFIX) and "supplied PP1_Strong" in pp1_dropped.reason
    assert f.points == 4 + 4 + 1 + 1  # PS4 + PP1 + PM2_Supporting + PP4, each counted once


def _gnomad(tmp_path: Path, chrom: str, pos: int, ref: str, alt: str, af: float) -> Path:
    """A gnomAD v2.1 exomes sites VCF (the release's real GRCh37 header) with one record."""
    from variants.resourcebuild import gnomad_vcf

    return gnomad_vcf(tmp_path / "gnomad.vcf.bgz", [(chrom, pos, ref, alt, {"AF": af, "AN": 1400000})],
                      build=Build.GRCh37)


def test_curated_pm2_replaces_computed_pm2_and_yields_to_bs1(tmp_path: Path) -> None:
    chrom, pos, ref, alt, _c, _p = known("SOD1-A5V")
    vcf = write_vcf(tmp_path / "a4v.vcf.gz", [Rec(chrom, pos, ref, alt)])
    # absent from the consulted gnomAD file: the computed PM2 is replaced, not added
    absent = _gnomad(tmp_path, chrom, pos + 50, "A", "G", 0.1)  # a record beside it: the file reaches the allele
    f = _sod1(interpret(vcf, gnomad=absent).findings)
    pm2 = [e for e in f.evidence if e.criterion == "PM2"]
    assert len(pm2) == 2 and sum(e.points for e in pm2 if e.applied) == 1
    (computed,) = [e for e in pm2 if not e.applied]
    assert "replaced by the knowledge base's curated PM2" in computed.reason
    # common in the consulted data (above SOD1's BS1, below its gene-specific BA1 of 0.1 %): the run's BS1 stands
    # and the curated PM2 is not applied
    common_dir = tmp_path / "common"
    common_dir.mkdir()
    common = _gnomad(common_dir, chrom, pos, ref, alt, 0.0005)
    g = _sod1(interpret(vcf, gnomad=common).findings)
    assert "BS1" in _applied(g) and "PM2" not in _applied(g)
    (cur_pm2,) = [e for e in _curated(g) if e.criterion == "PM2"]
    assert not cur_pm2.applied and "BS1" in cur_pm2.reason


def _item(**kw: object) -> dict[str, object]:
    base: dict[str, object] = {"criterion": "PS4", "strength": "Strong", "reason": "many unrelated probands",
                               "sources": ["S-Cud97"]}
    base.update(kw)
    return base


@pytest.mark.parametrize("bad", [
    _item(strength="VeryStrong"),  # PS4 is never Very Strong
    _item(criterion="PP1", strength="VeryStrong"),  # Jarvik & Browning: PP1 up to Strong
    _item(criterion="PM2", strength="Moderate", allele_frequency=1e-6, frequency_source="gnomAD"),  # SVI 2020
    _item(criterion="PM2", strength="Supporting"),  # PM2 without the recorded frequency
    _item(criterion="PP5", strength="Supporting"),  # retired
    _item(criterion="PVS1", strength="VeryStrong"),  # computed from the allele, never curated
    _item(strength="Strongest"),
    _item(sources=[]),
    _item(confidence="unverified"),  # unverified without saying what
    _item(allele_frequency=1e-6),  # a frequency only belongs to PM2
])
def test_validator_rejects_illegal_curated_evidence(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        CuratedCriterion.model_validate(bad)


def test_validator_accepts_legal_upgrades_and_rejects_duplicates() -> None:
    assert CuratedCriterion.model_validate(_item(criterion="PP1", strength="Strong")).label == "PP1_Strong"
    assert CuratedCriterion.model_validate(_item(strength="Supporting")).label == "PS4_Supporting"
    data = _a4v_record().model_dump(mode="json", exclude={"grch37"})
    data["curated_evidence"] = [_item(), _item(strength="Moderate")]
    with pytest.raises(ValidationError, match="more than once"):
        Record.model_validate(data)


def test_check_computes_the_pm2_comparison() -> None:
    kb = get_knowledge()
    gene = kb.gene("SOD1")
    record = _a4v_record()
    assert _check_curated_pm2("variants.yaml", record, gene) == []
    data = record.model_dump(mode="json", exclude={"grch37"})
    data["curated_evidence"] = [_item(criterion="PM2", strength="Supporting", allele_frequency=1e-3,
                                      frequency_source="gnomAD")]
    problems = _check_curated_pm2("variants.yaml", Record.model_validate(data), gene)
    assert len(problems) == 1 and "above" in problems[0].message


def test_knowledge_validate_passes(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("knowledge", "validate")
    assert result.code == 0, result.stderr
    assert "knowledge base OK" in result.stdout + result.stderr

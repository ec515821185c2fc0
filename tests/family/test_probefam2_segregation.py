"""Reviewer probes of co-segregation (PP1/BS4) on unseen pedigrees (probe-fam2), on real GIAB trio records.

Before the fix, on main: a PED holding a second family (a cohort PED, or the proband's family beside another one
sequenced in the same joint VCF) let an unrelated affected person who shares the variant count as "an affected carrier
besides the proband": the singleton's own association of variant and disease went into the Bayes factor (299), and
PP1 was applied at **Strong** (+4 points) for two unrelated people sharing a variant, which is no meiosis at all."""

from __future__ import annotations

from pathlib import Path

from charcot.family.pedigree import read_pedigree
from charcot.family.segregation import family_evidence

ROOT = Path(__file__).resolve().parents[1] / "data"
PROBE = ROOT / "family" / "ashk_trio_denovo_probe.vcf.gz"
SHARED = "1-44303786-CA-C"  # real: HG002 0/1 and HG003 0/1, both GQ 99


def _ped(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "case.ped"
    path.write_text(text)
    return path


def test_an_unrelated_affected_carrier_in_another_family_is_no_segregation(tmp_path: Path) -> None:
    # HG002's family: an unsequenced father and HG004; HG003 (who shares the variant) is the proband of another family
    ped = read_pedigree(_ped(tmp_path, "ash\tHG002\tDAD\tHG004\t1\t2\nash\tDAD\t0\t0\t1\t0\n"
                                       "ash\tHG004\t0\t0\t2\t1\nother\tHG003\t0\t0\t1\t2\n"))
    notes: list[str] = []
    ev = {e.criterion: e for e in family_evidence(PROBE, ped, "HG002", [SHARED], notes=notes)[SHARED]}
    assert not ev["PP1"].applied and ev["PP1"].points == 0, ev["PP1"].reason
    assert "HG003" not in ev["PP1"].reason
    assert any("not linked to the proband HG002" in n and "HG003" in n for n in notes), notes


def test_the_same_carrier_as_a_relative_still_counts(tmp_path: Path) -> None:
    """The mechanism, not the example: linked by the PED (HG003 the proband's affected father), the shared variant is
    one informative meiosis, counted as before."""
    ped = read_pedigree(_ped(tmp_path, "ash\tHG002\tHG003\tHG004\t1\t2\nash\tHG003\t0\t0\t1\t2\n"
                                       "ash\tHG004\t0\t0\t2\t1\n"))
    notes: list[str] = []
    ev = {e.criterion: e for e in family_evidence(PROBE, ped, "HG002", [SHARED], notes=notes)[SHARED]}
    assert "affected carriers besides the proband: HG003" in ev["PP1"].reason
    assert not any("not linked to the proband" in n for n in notes)


def test_co_segregation_of_a_de_novo_variant_says_why_it_is_not_assessed(tmp_path: Path) -> None:
    """Before: 'not assessed: the observations are impossible under the model (likelihood 0): e.g. a tested
    non-carrier parent of a tested carrier, or an affected non-carrier with phenocopy risk 0' for the real GIAB de novo
    (both parents confidently 0/0, unaffected): true of the model, silent on the family. Now it names the carrier and
    the parents and says the variant did not pass through the family (a de novo, or a genotyping or sample error)."""
    ped = read_pedigree(_ped(tmp_path, "ash\tHG002\tHG003\tHG004\t1\t2\nash\tHG003\t0\t0\t1\t1\n"
                                       "ash\tHG004\t0\t0\t2\t1\n"))
    key = "1-15752321-TCTGA-T"
    ev = {e.criterion: e for e in family_evidence(PROBE, ped, "HG002", [key])[key]}
    assert not ev["PP1"].applied and "impossible" not in ev["PP1"].reason
    assert ev["PP1"].reason.startswith("not assessed: HG002 carries the variant and neither parent (HG003, HG004) "
                                       "does"), ev["PP1"].reason
    assert "a de novo variant in the proband" in ev["PP1"].reason
    assert (ev.get("PS2") or ev["PM6"]).applied  # the de novo itself is PS2/PM6's evidence, untouched


def test_the_report_uses_the_findings_gene_for_the_co_segregation_model(tmp_path: Path) -> None:
    """Real GIAB records at TARDBP: the report names both 1:11080723 and 1:11086097 TARDBP variants, but the second
    lies past the knowledge base's TARDBP span, so its co-segregation factor used 'affected status only (no age curve
    for this gene)' beside the first's TARDBP age curve: two models for one gene in one family section. Now the gene
    the finding names chooses the model."""
    import json

    from typer.testing import CliRunner

    from charcot.cli import app

    ped = _ped(tmp_path, "ash\tHG002\tHG003\tHG004\t1\t2\nash\tHG003\t0\t0\t1\t1\nash\tHG004\t0\t0\t2\t1\n")
    out = tmp_path / "rep"
    result = CliRunner().invoke(app, ["report", "--vcf", str(ROOT / "family" / "ashk_trio_tardbp.vcf.gz"), "--ped",
                                      str(ped), "--proband", "HG002", "--sample", "HG002", "--no-pdf", "--outdir",
                                      str(out)])
    assert result.exit_code == 0, result.output
    pp1 = {e["variant_key"]: e for e in json.loads((out / "report.json").read_text())["family"]["segregation"]
           if e["criterion"] == "PP1"}
    assert {"1-11080723-T-TG", "1-11086097-A-AT"} <= set(pp1)
    for key in ("1-11080723-T-TG", "1-11086097-A-AT"):
        assert pp1[key]["variant"].startswith("TARDBP")
        assert "TARDBP age curve" in pp1[key]["reason"] and "no age curve" not in pp1[key]["reason"], pp1[key]


def test_the_default_proband_follows_the_ages_files_status(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    """One status per person: the ages file overrides the PED's affection status for the model, but the default
    proband was taken from the PED column alone, so a person the ages file records as unaffected became 'the
    affected proband'. Real GIAB trio: the PED has HG003 affected and HG002 unknown; the ages file says HG002 is
    affected and HG003 unaffected."""
    import json

    ped = _ped(tmp_path, "ash\tHG002\tHG003\tHG004\t1\t0\nash\tHG003\t0\t0\t1\t2\nash\tHG004\t0\t0\t2\t1\n")
    ages = tmp_path / "ages.tsv"
    ages.write_text("id\tage\tstatus\nHG002\t50\taffected\nHG003\t75\tunaffected\n")
    out = tmp_path / "out.json"
    r = run_cli("segregation", PROBE, "--ped", ped, "--ages", ages, "--variant", SHARED, "--format", "json", "-o", out)
    assert r.code == 0, r.stderr
    assert json.loads(out.read_text())["proband"] == "HG002"


def test_a_recessive_only_gene_is_not_read_with_the_dominant_model(tmp_path: Path) -> None:
    """Real GIAB records in PLEKHG5 (recessive-only in the knowledge base): 1:6557009 A>C, HG002 and HG004 0/1,
    HG003 0/0. Declared as three sibs, two affected: before, the dominant co-segregation model counted the affected sib
    with one copy as 'an affected carrier besides the proband' (factor 1.99), where under recessive inheritance one
    copy does not explain her disease. A larger family would have reached PP1 that way."""
    ped = read_pedigree(_ped(tmp_path, "f\tP\t0\t0\t1\t0\nf\tM\t0\t0\t2\t0\nf\tHG002\tP\tM\t1\t2\n"
                                       "f\tHG004\tP\tM\t2\t2\nf\tHG003\tP\tM\t1\t1\n"))
    key = "1-6557009-A-C"
    out = family_evidence(ROOT / "family" / "ashk_trio_plekhg5.vcf.gz", ped, "HG002", [key])
    ev = {e.criterion: e for e in out[key]}
    assert not ev["PP1"].applied and ev["PP1"].reason.startswith("not assessed: PLEKHG5 causes ALS through recessive "
                                                                 "inheritance only"), ev["PP1"].reason
    assert "affected carriers besides the proband" not in ev["PP1"].reason


def test_a_dominant_gene_still_gets_the_factor(tmp_path: Path) -> None:
    """The mechanism, not the example: the TARDBP records (dominant) of the same trio still get the factor."""
    ped = read_pedigree(_ped(tmp_path, "ash\tHG002\tHG003\tHG004\t1\t2\nash\tHG003\t0\t0\t1\t2\n"
                                       "ash\tHG004\t0\t0\t2\t1\n"))
    key = "1-11080723-T-TG"  # HG002 and HG003 0/1
    ev = {e.criterion: e for e in family_evidence(ROOT / "family" / "ashk_trio_tardbp.vcf.gz", ped, "HG002",
                                                  [key])[key]}
    assert ev["PP1"].reason.startswith("co-segregation Bayes factor") and "HG003" in ev["PP1"].reason


def test_in_trans_alone_never_applies_pm3() -> None:
    """Before: two heterozygous variants in a recessive gene found in trans got PM3 applied at Supporting (+1 point)
    whatever the partner: ACMG's PM3 is 'in trans with a pathogenic variant' (SVI: 1.0 point with P, 0.5 with LP), so a
    variant in trans with a benign or uncertain one gained a point it has no evidence for. The test data hold no real
    trans pair in a recessive gene, so the phase is given as the parents' calls: the real GIAB calls at PLEKHG5
    1:6557009 (father 0/0 GQ 99, mother 0/1 GQ 99: maternal) and, for the partner, the reverse (paternal)."""
    from charcot.family import denovo as dn
    from charcot.family.phase import phase
    from charcot.family.segregation import phase_evidence

    maternal = (dn.Call(0, 99, 43, 43, 0), dn.Call(1, 99, 166, 95, 71))
    paternal = (dn.Call(1, 99, 166, 95, 71), dn.Call(0, 99, 43, 43, 0))
    assert phase(maternal, paternal) == "trans"
    ev = phase_evidence("trans", "1-6579607-C-T", "PLEKHG5")
    assert ev.criterion == "PM3" and not ev.applied and ev.points == 0
    assert "only if that variant is pathogenic" in ev.reason
    cis = phase_evidence(phase(maternal, maternal), "1-6579607-C-T", "PLEKHG5")
    assert cis.criterion == "BP2" and not cis.applied

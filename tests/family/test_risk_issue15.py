"""Regression tests for `charcot risk` (issue 15): the proband's prior from the family history, the
plot conditioned on being unaffected, deceased relatives."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from charcot.errors import InputError
from charcot.family.drawing import pedigree_svg
from charcot.family.model import Observation, Status
from charcot.family.pedigree import read_observations, read_pedigree
from charcot.family.plots import risk_by_age_series
from charcot.family.risk import relative_risks, share_fraction
from charcot.knowledge import get_knowledge

SPORADIC = "F P 0 0 1 1\nF M 0 0 2 1\nF C P M 1 2\nF S P M 2 1\n"
FAMILIAL = "F P 0 0 1 1\nF M 0 0 2 2\nF C P M 1 2\nF S P M 2 1\n"


def write(tmp_path: Path, text: str, name: str = "f.ped") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_share_fraction() -> None:
    assert share_fraction("about 7% in Europeans (meta-analysis about 5%)") == pytest.approx(0.07)
    assert share_fraction("1-2%") == pytest.approx(0.015)
    assert share_fraction("<1%") is None and share_fraction(None) is None
    assert share_fraction("13 of 252 familial pedigrees") is None


def test_sporadic_proband_prior_from_the_knowledge_base(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    ped = read_pedigree(write(tmp_path, SPORADIC))
    gene = get_knowledge().gene("C9orf72")
    expected = share_fraction(gene.sporadic_share)
    assert expected is not None
    obs = {"C": Observation(age=55, onset_age=52)}
    res = relative_risks(ped, "C9orf72", observations=obs, nonpenetrance=0.0, sensitivity=False)
    prior = res.assumptions.proband_prior
    assert prior is not None and prior.used and prior.id == "C" and prior.family_history == "apparently sporadic"
    # relatives without ages carry no information: the proband's P(carrier) is the sporadic share (was 37.8%)
    assert res.by_id("C").p_carrier == pytest.approx(expected, abs=1e-9)
    out = run_cli("risk", write(tmp_path, SPORADIC, "cli.ped"), "--gene", "C9orf72", "--nonpenetrance", "0")
    assert out.code == 0 and "apparently sporadic ALS" in out.stdout and "# proband C: P(carrier) 7.0%" in out.stdout


def test_unaffected_consultand_named_as_proband_keeps_the_index_case_prior(tmp_path: Path) -> None:
    # A counsellor names the unaffected sister S (the consultand) with --proband: the affected brother C is
    # still the apparently sporadic index case (was: population model, C 37.6% instead of 7%).
    ped = read_pedigree(write(tmp_path, SPORADIC))
    obs = {"C": Observation(age=55, onset_age=52), "S": Observation(age=35)}
    named = relative_risks(ped, "C9orf72", observations=obs, nonpenetrance=0.0, sensitivity=False, proband="S")
    default = relative_risks(ped, "C9orf72", observations=obs, nonpenetrance=0.0, sensitivity=False)
    prior = named.assumptions.proband_prior
    assert prior is not None and prior.used and prior.id == "C"
    assert named.by_id("C").p_carrier == pytest.approx(default.by_id("C").p_carrier, abs=1e-12)
    assert named.by_id("S").p_carrier == pytest.approx(default.by_id("S").p_carrier, abs=1e-12)


def test_familial_proband_uses_the_familial_share(tmp_path: Path) -> None:
    ped = read_pedigree(write(tmp_path, FAMILIAL))
    res = relative_risks(ped, "C9orf72", proband="C", nonpenetrance=0.0, sensitivity=False)
    prior = res.assumptions.proband_prior
    familial = share_fraction(get_knowledge().gene("C9orf72").familial_share)
    assert prior is not None and prior.family_history == "familial" and prior.p_carrier == familial
    # two affected and no proband named: no prior is guessed, and that is said
    assert relative_risks(ped, "C9orf72", sensitivity=False).assumptions.proband_prior is None
    with pytest.raises(InputError, match="not in the pedigree"):
        relative_risks(ped, "C9orf72", proband="Z", sensitivity=False)


def test_plot_conditions_on_unaffected_like_the_table(tmp_path: Path) -> None:
    # C's affection status is unknown in the PED file: the plot used to condition on unknown status
    # and drew P(carrier) flat at 50%
    ped = read_pedigree(write(tmp_path, "F P 0 0 1 2\nF M 0 0 2 1\nF C P M 1 0\n"))
    x_used, pc, _ = risk_by_age_series(ped, "C9orf72", "C", carrier="P", nonpenetrance=0.0, ages=range(30, 91, 20))
    assert x_used == 0.0 and pc[0] > pc[-1] and pc[-1] < 0.4
    table = relative_risks(ped, "C9orf72", carrier="P", nonpenetrance=0.0, sensitivity=False,
                           observations={"C": Observation(age=70, status=Status.UNAFFECTED)})
    assert pc[2] == pytest.approx(table.by_id("C").p_carrier, abs=1e-12)


def test_deceased_relatives(tmp_path: Path) -> None:
    ped_path = write(tmp_path, "F G 0 0 1 1\nF W 0 0 2 1\nF P G W 1 2\nF E 0 0 2 1\nF C P E 2 1\n")
    ages = write(tmp_path, "id\tage\tstatus\tdeceased\tdeath_age\nG\t\t\tyes\t85\nC\t40\t\tno\t\n", "ages.tsv")
    ped = read_pedigree(ped_path)
    obs = read_observations(ages, ped)
    assert obs["G"].is_deceased and obs["G"].model_age == 85 and not obs["C"].is_deceased
    res = relative_risks(ped, "C9orf72", carrier="P", observations=obs, sensitivity=False)
    g = res.by_id("G")
    assert g.deceased and g.death_age == 85 and g.risk_lifetime is None and g.risk_next_years is None
    assert "died at 85" in g.explanation
    alive = relative_risks(ped, "C9orf72", carrier="P", sensitivity=False,
                           observations={**obs, "G": Observation(age=85)})
    assert g.p_carrier == pytest.approx(alive.by_id("G").p_carrier, abs=1e-12)  # unaffected up to 85
    svg = pedigree_svg(ped, res)
    assert svg.count('class="deceased"') == 1 and "d. 85 y" in svg
    bad = write(tmp_path, "id\tage\tdeceased\tdeath_age\nG\t\tno\t85\n", "bad.tsv")
    with pytest.raises(InputError, match="deceased is 'no'"):
        read_observations(bad, ped)


def test_deceased_relatives_in_every_risk_output(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    """The drawing marked the deceased, the `charcot risk` table, TSV and the report's JSON did not."""
    ped = write(tmp_path, "F G 0 0 1 1\nF W 0 0 2 1\nF P G W 1 2\nF E 0 0 2 1\nF C P E 2 1\n")
    ages = write(tmp_path, "id\tage\tstatus\tdeceased\tdeath_age\nG\t\t\tyes\t85\nW\t\t\tyes\t\nC\t40\t\tno\t\n",
                 "ages.tsv")
    table = run_cli("risk", ped, "--gene", "C9orf72", "--carrier", "P", "--ages", ages).stdout
    header = next(line for line in table.splitlines() if line.startswith("id"))
    assert "deceased" in header
    rows = {line.split()[0]: line for line in table.splitlines() if line and not line.startswith(("#", "id"))}
    assert "died at 85" in rows["G"] and "died (age not given)" in rows["W"]
    assert "died" not in rows["C"] and "died" not in rows["E"]
    tsv = run_cli("risk", ped, "--gene", "C9orf72", "--carrier", "P", "--ages", ages, "--format", "tsv").stdout
    lines = [line.split("\t") for line in tsv.splitlines()]
    cols = lines[0]
    by_id = {row[0]: dict(zip(cols, row, strict=True)) for row in lines[1:]}
    assert by_id["G"]["deceased"] == "yes" and by_id["G"]["death_age"] == "85"
    assert by_id["W"]["deceased"] == "yes" and by_id["W"]["death_age"] == ""
    assert by_id["C"]["deceased"] == "no"


def test_curves_are_named_in_words_in_clinician_text(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    # the risk header, the drawing and the report said "curve km_female, km_male"; the ids stay in the JSON/TSV
    ped = write(tmp_path, SPORADIC)
    out = run_cli("risk", ped, "--gene", "C9orf72", "--draw", tmp_path / "f.svg")
    assert out.code == 0, out.stderr
    header = out.stdout.splitlines()[0]
    assert "Kaplan–Meier onset curve, men" in header and "km_" not in header
    assert "km_" not in (tmp_path / "f.svg").read_text()
    res = relative_risks(read_pedigree(ped), "C9orf72", sensitivity=False)
    assert res.assumptions.curve == "km_female, km_male"
    assert res.assumptions.curve_title == "Kaplan–Meier onset curve, women; Kaplan–Meier onset curve, men"
    from charcot.family.penetrance import penetrance_record

    for gene in ("C9orf72", "SOD1", "TARDBP", "FUS"):
        assert all(c.title for c in penetrance_record(gene).curves), gene  # the current snapshot names them all


def test_sporadic_share_is_not_counted_twice_when_relatives_have_ages(tmp_path: Path) -> None:
    # The sporadic share is P(carrier | ALS and no affected relative): the unaffected, elderly parents ARE that
    # family history. Applying it "before relatives' data" and then conditioning on those parents again gave
    # the proband 1.3% at x = 0.2 (0.5% at x = 0.1) instead of the knowledge base's 7%.
    ped = read_pedigree(write(tmp_path, SPORADIC))
    expected = share_fraction(get_knowledge().gene("C9orf72").sporadic_share)
    assert expected is not None
    obs = {"C": Observation(age=60, onset_age=58), "P": Observation(age=86), "M": Observation(age=84),
           "S": Observation(age=57)}
    for x in (0.1, 0.2, 0.5):
        res = relative_risks(ped, "C9orf72", observations=obs, nonpenetrance=x, sensitivity=False)
        assert res.by_id("C").p_carrier == pytest.approx(expected, abs=1e-9), x
        # the parents share the proband's probability between them (one of them transmitted it)
        assert res.by_id("P").p_carrier < expected and res.by_id("P").p_carrier > 0.2 * expected
    # a genetic test of a relative is new information, not family history: it still moves the proband
    tested = {**obs, "S": Observation(age=57, test="carrier")}
    res = relative_risks(ped, "C9orf72", observations=tested, nonpenetrance=0.2, sensitivity=False)
    assert res.by_id("C").p_carrier > 0.3


def test_age_at_death_after_the_recorded_age_is_refused(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    # age 40 and died at 70 was accepted (the model silently used 70); an onset after the current age is
    # refused, and so is a death after it
    ped = write(tmp_path, SPORADIC)
    ages = write(tmp_path, "id\tage\tstatus\tdeceased\tdeath_age\nP\t40\tunaffected\tyes\t70\n", "ages.tsv")
    result = run_cli("risk", ped, "--gene", "C9orf72", "--ages", ages)
    assert result.code == 2 and "age at death 70 is after the recorded age 40" in result.stderr
    assert "Traceback" not in result.stderr
    same = write(tmp_path, "id\tage\tstatus\tdeceased\tdeath_age\nP\t70\tunaffected\tyes\t70\n", "same.tsv")
    assert read_observations(same, read_pedigree(ped))["P"].model_age == 70

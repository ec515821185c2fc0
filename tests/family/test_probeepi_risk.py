"""Relatives' risk on unseen pedigrees (probeepi review, 2026-12-02): a risk is never more certain than its inputs.

Each test failed before its fix. A three-generation C9orf72 family with a grandfather of unknown status who died
at 85, a grandmother unaffected at her death at 85, an affected father, a half-brother through a second mother,
a sister whose status is not recorded, and relatives with no age.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from charcot.family.model import Observation, Status
from charcot.family.pedigree import read_pedigree
from charcot.family.risk import relative_risks

_PED = ("fam\tGF\t0\t0\t1\t0\nfam\tGM\t0\t0\t2\t1\nfam\tF\tGF\tGM\t1\t2\nfam\tM\t0\t0\t2\t1\n"
        "fam\tM2\t0\t0\t2\t0\nfam\tP\tF\tM\t1\t2\nfam\tS\tF\tM\t2\t0\nfam\tH\tF\tM2\t1\t1\nfam\tC\tX\tS\t2\t0\n"
        "fam\tX\t0\t0\t1\t1\n")
_AGES = ("id\tage\tstatus\tonset_age\ttest\tdeceased\tdeath_age\nGF\t\t\t\t\tyes\t85\nGM\t\t\t\t\tyes\t85\n"
         "F\t\t\t58\t\tyes\t61\nP\t45\t\t44\tcarrier\t\t\nS\t50\t\t\t\t\t\n")


def _run(run_cli: Any, tmp_path: Path, *extra: str) -> dict[str, dict[str, Any]]:
    ped = tmp_path / "fam.ped"
    ped.write_text(_PED)
    ages = tmp_path / "ages.tsv"
    ages.write_text(_AGES)
    r = run_cli("risk", ped, "--gene", "C9orf72", "--ages", ages, "--format", "json", *extra)
    assert r.code == 0, r.stderr
    return {i["id"]: i for i in json.loads(r.stdout)["individuals"]}


def test_a_deceased_relative_of_unknown_status_is_not_called_unaffected(run_cli: Any, tmp_path: Path) -> None:
    people = _run(run_cli, tmp_path)
    gf, gm = people["GF"], people["GM"]
    assert gf["status"] == "unknown"
    assert "unaffected" not in gf["explanation"] and "status unknown" in gf["explanation"]  # before: 'unaffected at 85'
    assert "unaffected at 85" in gm["explanation"]


def test_a_relative_of_unknown_status_gets_the_risk_of_being_unaffected_now_and_says_so(tmp_path: Path) -> None:
    ped_path = tmp_path / "fam.ped"
    ped_path.write_text(_PED)
    ped = read_pedigree(ped_path)
    base = {"P": Observation(age=45, onset_age=44, test="carrier"), "F": Observation(onset_age=58, death_age=61)}
    unknown = relative_risks(ped, "C9orf72", observations={**base, "S": Observation(age=50, status=Status.UNKNOWN)})
    unaffected = relative_risks(ped, "C9orf72",
                                observations={**base, "S": Observation(age=50, status=Status.UNAFFECTED)})
    s_unknown = next(i for i in unknown.individuals if i.id == "S")
    s_unaffected = next(i for i in unaffected.individuals if i.id == "S")
    # P(carrier) without her status knows less than with 'unaffected at 50' (which lowers it) ...
    assert s_unknown.p_carrier > s_unaffected.p_carrier
    # ... and her risk, said to be the risk if she is unaffected now, is exactly that of the unaffected run
    # (before: the status-free P(carrier) was used with the survival to 50, overstating both risks)
    assert s_unknown.risk_next_years == pytest.approx(s_unaffected.risk_next_years, rel=1e-9)
    assert s_unknown.risk_lifetime == pytest.approx(s_unaffected.risk_lifetime, rel=1e-9)
    assert "status unknown" in s_unknown.explanation and "if unaffected at 50" in s_unknown.explanation


def test_a_relative_without_an_age_gets_a_lifetime_risk_from_birth_said_as_such(run_cli: Any,
                                                                                tmp_path: Path) -> None:
    people = _run(run_cli, tmp_path)
    h, c = people["H"], people["C"]  # half-brother unaffected, age not given; niece of unknown status, no age
    for person in (h, c):
        assert person["risk_next_years"] is None and person["risk_lifetime"] is not None
        assert "remaining lifetime risk" not in person["explanation"]  # before: 'remaining lifetime risk 39.9%'
        assert "lifetime risk from birth" in person["explanation"] and "age not given" in person["explanation"]
    assert "status unknown" in c["explanation"] and "status unknown" not in h["explanation"]

"""Reviewer probe (probe-clin): an ages-table onset age the model would drop is refused.

Before the fix an onset age beside status 'unaffected' (or 'unknown') was read and then ignored: the person
was modelled as unaffected at their age, the run exited 0 and nothing said the onset age had been dropped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

_PED = ("#fam\tid\tfa\tmo\tsex\tphen\nF\tGF\t0\t0\t1\t2\nF\tGM\t0\t0\t2\t1\nF\tA\tGF\tGM\t1\t1\n"
        "F\tB\tGF\tGM\t2\t1\n")


@pytest.mark.parametrize("status", ["unaffected", "unknown", "1"])
def test_onset_age_of_a_person_not_affected_is_an_error(run_cli: Any, tmp_path: Path, status: str) -> None:
    ped = tmp_path / "f.ped"
    ped.write_text(_PED)
    ages = tmp_path / "ages.tsv"
    ages.write_text(f"id\tage\tstatus\tonset_age\ttest\nGF\t70\taffected\t60\t\nB\t60\t{status}\t45\t\n")
    out = tmp_path / "risk.json"
    r = run_cli("risk", ped, "--gene", "SOD1", "--ages", ages, "-o", out)
    assert r.code == 2 and "Traceback" not in r.stderr
    assert "line 3" in r.stderr and "record B" in r.stderr and "onset age 45" in r.stderr
    assert "set status to affected" in r.stderr
    assert not out.exists()


def test_onset_age_alone_still_means_affected(run_cli: Any, tmp_path: Path) -> None:
    ped = tmp_path / "f.ped"
    ped.write_text(_PED)
    ages = tmp_path / "ages.tsv"
    ages.write_text("id\tage\tstatus\tonset_age\ttest\nGF\t70\taffected\t60\t\nB\t60\t\t45\t\n")
    r = run_cli("risk", ped, "--gene", "SOD1", "--ages", ages)
    assert r.code == 0, r.stderr
    row = next(line for line in r.stdout.splitlines() if line.startswith("B "))
    assert "affected" in row and "unaffected" not in row

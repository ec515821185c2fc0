"""Reviewer probe (probe-clin): a relative past the end of the penetrance curve's data is told so.

Before the fix an unaffected C9orf72 carrier aged 88 was given a remaining risk of 0.0% with nothing saying that
the Kaplan-Meier curve is simply flat after the last onset in its data (age 83), so 0 is not an estimate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

_PED = ("#fam\tid\tfa\tmo\tsex\tphen\nF\tGF\t0\t0\t1\t2\nF\tGM\t0\t0\t2\t1\nF\tA\tGF\tGM\t1\t1\n"
        "F\tB\tGF\tGM\t2\t1\n")


def _notes(run_cli: Any, tmp_path: Path, gene: str, ages: str) -> list[str]:
    ped = tmp_path / "f.ped"
    ped.write_text(_PED)
    table = tmp_path / "ages.tsv"
    table.write_text("id\tage\tstatus\tonset_age\ttest\n" + ages)
    r = run_cli("risk", ped, "--gene", gene, "--ages", table)
    assert r.code == 0, r.stderr
    return [line for line in r.stdout.splitlines() if "gives no further onset" in line]


def test_carrier_older_than_the_curves_last_onset_is_named(run_cli: Any, tmp_path: Path) -> None:
    notes = _notes(run_cli, tmp_path, "C9orf72", "GF\t70\taffected\t60\t\nA\t88\tunaffected\t\tcarrier\nB\t60\tunaffected\t\t\n")
    assert len(notes) == 1 and "after age 83" in notes[0] and "A (88)" in notes[0] and "B (" not in notes[0]


def test_no_note_inside_the_curve(run_cli: Any, tmp_path: Path) -> None:
    assert _notes(run_cli, tmp_path, "C9orf72", "A\t70\tunaffected\t\tcarrier\nB\t60\tunaffected\t\t\n") == []
    assert _notes(run_cli, tmp_path, "SOD1", "A\t88\tunaffected\t\tcarrier\n") == []  # a smooth curve to 100
